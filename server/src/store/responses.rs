//! Storing a child's response: the code marked used and the whole response held in one
//! transaction (stored whole or not at all); later, mixed with others, the response, its
//! answers, the open answer (apart) and the result counts.

use super::bulk::insert_rows;
use super::entity::{location, organisation};
use crate::domain::access_code::CodeState;
use crate::domain::demographics::Demographics;
use crate::domain::instrument::AnswersSoFar;
use crate::domain::SettingType;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, SqlErr};

/// Everything stored for one response.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NewResponse {
    pub wave_id: i32,
    pub location_id: i32,
    pub demographics: Demographics,
    pub language: String,
    pub link_key: Option<String>,
    pub submission_hash: String,
    pub answers: AnswersSoFar,
    /// Already scrubbed of names, numbers and addresses.
    pub open_answer: Option<String>,
    /// What this response adds to the result counts: (measure, value).
    pub counts: Vec<(String, i16)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Stored now.
    Created,
    /// This submission was stored before (a retry): nothing new is stored.
    AlreadyStored,
    /// The code was used by another submission, or revoked meanwhile.
    CodeNotUnused,
}

/// Where a location's responses are counted: its organisation, region and setting type.
async fn placement<C: ConnectionTrait>(
    db: &C,
    location_id: i32,
) -> Result<(i32, i32, SettingType), DbErr> {
    let location = location::Entity::find_by_id(location_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("location {location_id}")))?;
    let organisation = organisation::Entity::find_by_id(location.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            DbErr::RecordNotFound(format!("organisation {}", location.organisation_id))
        })?;
    let setting = location
        .setting_type
        .parse::<SettingType>()
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok((organisation.id, organisation.region_id, setting))
}

/// The setting type of a location: it decides which questions a child there is asked.
pub async fn setting_of_location<C: ConnectionTrait>(
    db: &C,
    location_id: i32,
) -> Result<SettingType, DbErr> {
    Ok(placement(db, location_id).await?.2)
}

/// Whether a submission was taken in already: still held or mixed into `response`.
///
/// Held first, then mixed: the mixer moves a response from one table to the other in one
/// transaction, so a response that is no longer held when we look there is already in
/// `response` when we look there next. The other order could miss one being moved between the
/// two looks, and answer a device that resends a stored survey with 409 "used".
pub async fn submission_exists<C: ConnectionTrait>(
    db: &C,
    submission_hash: &str,
) -> Result<bool, DbErr> {
    Ok(exists_in(db, "pending_response", submission_hash).await?
        || submission_exists_mixed(db, submission_hash).await?)
}

/// Whether a submission is in `response` already.
pub async fn submission_exists_mixed<C: ConnectionTrait>(
    db: &C,
    submission_hash: &str,
) -> Result<bool, DbErr> {
    exists_in(db, "response", submission_hash).await
}

async fn exists_in<C: ConnectionTrait>(
    db: &C,
    table: &str,
    submission_hash: &str,
) -> Result<bool, DbErr> {
    let query = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("submission_hash")).eq(submission_hash))
        .to_owned();
    Ok(db.query_one(&query).await?.is_some())
}

/// Takes in a response for `code`: the code is marked used and the whole response is held in
/// `pending_response`, in one transaction, so it is stored whole or not at all. The mixer
/// (`store::mixing`) later moves it into `response` with a batch of others; it never goes
/// there in this transaction, which would give the code and the answers one transaction id.
///
/// The code is marked used first: on SQLite that makes the transaction a writer from its first
/// statement, so concurrent submissions queue instead of failing; on PostgreSQL the row lock
/// makes the second of two racing submissions wait and then find the code used.
pub async fn submit(
    db: &DatabaseConnection,
    code_hash: &str,
    new: &NewResponse,
) -> Result<SubmitOutcome, DbErr> {
    let txn = super::begin_write(db).await?;
    if !super::codes::transition_hash(&txn, code_hash, CodeState::Unused, CodeState::Used).await? {
        txn.rollback().await?;
        return Ok(if submission_exists(db, &new.submission_hash).await? {
            SubmitOutcome::AlreadyStored
        } else {
            SubmitOutcome::CodeNotUnused
        });
    }
    // The same submission id with another code: it was taken in already.
    if submission_exists(&txn, &new.submission_hash).await? {
        txn.rollback().await?;
        return Ok(SubmitOutcome::AlreadyStored);
    }
    // A draft kept for this code (the plain-HTML survey) has served its purpose.
    super::drafts::delete(&txn, code_hash).await?;
    match super::mixing::hold(&txn, code_hash, new).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(SubmitOutcome::Created)
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            Ok(SubmitOutcome::AlreadyStored)
        }
        Err(e) => Err(e),
    }
}

/// Writes a batch of responses: the responses, their answers, the open answers (apart) and
/// what they add to the result counts. Runs inside the caller's transaction.
pub async fn insert_responses<C: ConnectionTrait>(
    db: &C,
    batch: &[NewResponse],
) -> Result<(), DbErr> {
    let mut placements = std::collections::HashMap::new();
    let mut responses = Vec::with_capacity(batch.len());
    let mut answers = Vec::new();
    let mut open_answers = Vec::new();
    let mut increments = super::results::Increments::new();
    let text = |v: Option<&'static str>| Value::from(v.map(str::to_string));
    for new in batch {
        let (organisation_id, region_id, setting) = match placements.get(&new.location_id) {
            Some(found) => *found,
            None => {
                let found = placement(db, new.location_id).await?;
                placements.insert(new.location_id, found);
                found
            }
        };
        let id = uuid::Uuid::new_v4().to_string();
        let d = &new.demographics;
        responses.push(vec![
            id.clone().into(),
            new.wave_id.into(),
            organisation_id.into(),
            region_id.into(),
            setting.as_str().into(),
            text(d.age_band.map(|v| v.as_str())),
            text(d.gender.map(|v| v.as_str())),
            text(d.time_here.map(|v| v.as_str())),
            new.language.clone().into(),
            new.link_key.clone().into(),
            new.submission_hash.clone().into(),
        ]);
        answers.extend(
            new.answers
                .iter()
                .map(|(item, value)| vec![id.clone().into(), item.clone().into(), (*value).into()]),
        );
        let group =
            super::results::GroupKey::new(new.wave_id, organisation_id, region_id, setting, d);
        for (measure, value) in &new.counts {
            *increments
                .entry((group.clone(), measure.clone(), *value))
                .or_insert(0) += 1;
        }
        if let Some(text) = &new.open_answer {
            // Its own random id and only wave and setting type: it cannot be joined back.
            open_answers.push(vec![
                uuid::Uuid::new_v4().to_string().into(),
                new.wave_id.into(),
                setting.as_str().into(),
                text.clone().into(),
            ]);
        }
    }
    insert_rows(
        db,
        "response",
        &[
            "id",
            "wave_id",
            "organisation_id",
            "region_id",
            "setting_type",
            "age_band",
            "gender",
            "time_here",
            "language",
            "link_key",
            "submission_hash",
        ],
        responses,
    )
    .await?;
    insert_rows(db, "answer", &["response_id", "item_key", "value"], answers).await?;
    super::results::add(db, &increments).await?;
    insert_rows(
        db,
        "open_answer",
        &["id", "wave_id", "setting_type", "text"],
        open_answers,
    )
    .await
}
