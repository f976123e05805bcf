//! Storing a child's response: the response, its answers, the open answer (apart), and the
//! code marked used — in one transaction, so a response is stored whole or not at all.

use super::bulk::insert_rows;
use super::entity::{location, organisation};
use crate::domain::access_code::CodeState;
use crate::domain::demographics::Demographics;
use crate::domain::instrument::AnswersSoFar;
use crate::domain::SettingType;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, SqlErr, TransactionTrait};

/// Everything stored for one response.
#[derive(Debug, Clone)]
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

pub async fn submission_exists<C: ConnectionTrait>(
    db: &C,
    submission_hash: &str,
) -> Result<bool, DbErr> {
    let query = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new("response"))
        .and_where(Expr::col(Alias::new("submission_hash")).eq(submission_hash))
        .to_owned();
    Ok(db.query_one(&query).await?.is_some())
}

/// Stores a response for `code`. The code is marked used first: on SQLite that makes the
/// transaction a writer from its first statement, so concurrent submissions queue instead of
/// failing; on PostgreSQL the row lock makes the second of two racing submissions wait and
/// then find the code used.
pub async fn submit(
    db: &DatabaseConnection,
    code_hash: &str,
    new: &NewResponse,
) -> Result<SubmitOutcome, DbErr> {
    let txn = db.begin().await?;
    if !super::codes::transition_hash(&txn, code_hash, CodeState::Unused, CodeState::Used).await? {
        txn.rollback().await?;
        return Ok(if submission_exists(db, &new.submission_hash).await? {
            SubmitOutcome::AlreadyStored
        } else {
            SubmitOutcome::CodeNotUnused
        });
    }
    // A draft kept for this code (the plain-HTML survey) has served its purpose.
    super::drafts::delete(&txn, code_hash).await?;
    match insert_response(&txn, new).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(SubmitOutcome::Created)
        }
        // The same submission id arrived with another code: it was stored already.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            Ok(SubmitOutcome::AlreadyStored)
        }
        Err(e) => Err(e),
    }
}

async fn insert_response<C: ConnectionTrait>(db: &C, new: &NewResponse) -> Result<(), DbErr> {
    let (organisation_id, region_id, setting) = placement(db, new.location_id).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let d = &new.demographics;
    let text = |v: Option<&'static str>| Value::from(v.map(str::to_string));
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
        vec![vec![
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
        ]],
    )
    .await?;
    let answers = new
        .answers
        .iter()
        .map(|(item, value)| vec![id.clone().into(), item.clone().into(), (*value).into()])
        .collect();
    insert_rows(db, "answer", &["response_id", "item_key", "value"], answers).await?;
    let group = super::results::GroupKey::new(new.wave_id, organisation_id, region_id, setting, d);
    let increments: super::results::Increments = new
        .counts
        .iter()
        .map(|(measure, value)| ((group.clone(), measure.clone(), *value), 1))
        .collect();
    super::results::add(db, &increments).await?;
    if let Some(text) = &new.open_answer {
        // Its own random id and only wave and setting type: it cannot be joined back.
        let row = vec![
            uuid::Uuid::new_v4().to_string().into(),
            new.wave_id.into(),
            setting.as_str().into(),
            text.clone().into(),
        ];
        insert_rows(
            db,
            "open_answer",
            &["id", "wave_id", "setting_type", "text"],
            vec![row],
        )
        .await?;
    }
    Ok(())
}
