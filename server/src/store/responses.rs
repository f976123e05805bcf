//! Storing a child's response: the code marked used and the whole response held in one
//! transaction (stored whole or not at all); later, mixed with others, the response, its
//! answers, the open answer (apart) and the result counts.

use super::bulk::insert_rows;
use crate::domain::access_code::CodeState;
use crate::domain::demographics::Demographics;
use crate::domain::instrument::AnswersSoFar;
use crate::domain::SettingType;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, UnionType, Value};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, SqlErr, Statement};
use std::collections::{BTreeSet, HashMap, HashSet};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting: SettingType,
}

/// The columns a query selects for [`Placement::from_row`], over `location l` joined to
/// `organisation o`.
pub(super) const PLACEMENT_COLUMNS: &str =
    "l.organisation_id AS organisation_id, o.region_id AS region_id, l.setting_type AS setting_type";

impl Placement {
    pub(super) fn from_row(row: &QueryResult) -> Result<Placement, DbErr> {
        let setting: String = row.try_get("", "setting_type")?;
        Ok(Placement {
            organisation_id: row.try_get("", "organisation_id")?,
            region_id: row.try_get("", "region_id")?,
            setting: setting
                .parse::<SettingType>()
                .map_err(|e| DbErr::Custom(e.to_string()))?,
        })
    }
}

/// The placements of some locations, in one query.
async fn placements<C: ConnectionTrait>(
    db: &C,
    location_ids: &BTreeSet<i32>,
) -> Result<HashMap<i32, Placement>, DbErr> {
    if location_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Only integers go into the text.
    let ids = location_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT l.id AS location_id, {PLACEMENT_COLUMNS} FROM location l \
                 JOIN organisation o ON o.id = l.organisation_id WHERE l.id IN ({ids})"
            ),
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "location_id")?, Placement::from_row(row)?)))
        .collect()
}

/// Whether a submission was taken in already: still held or mixed into `response`.
///
/// Both tables are read by one statement, so in one snapshot: the mixer moves a response from
/// one to the other in one transaction, and two separate looks could miss one being moved in
/// between, and answer a device that resends a stored survey with 409 "used".
pub async fn submission_exists<C: ConnectionTrait>(
    db: &C,
    submission_hash: &str,
) -> Result<bool, DbErr> {
    Ok(!known_submissions(db, std::iter::once(submission_hash))
        .await?
        .is_empty())
}

/// Which of these submissions are in `response` already.
pub async fn mixed_submissions<'a, C: ConnectionTrait>(
    db: &C,
    submission_hashes: impl IntoIterator<Item = &'a str>,
) -> Result<HashSet<String>, DbErr> {
    submissions_in(db, &["response"], submission_hashes).await
}

/// Which of these submissions were taken in already: held or mixed. One statement, so one
/// snapshot (see [`submission_exists`]).
async fn known_submissions<'a, C: ConnectionTrait>(
    db: &C,
    submission_hashes: impl IntoIterator<Item = &'a str>,
) -> Result<HashSet<String>, DbErr> {
    submissions_in(db, &["pending_response", "response"], submission_hashes).await
}

/// Which of these submissions are in any of `tables`, read by one statement.
async fn submissions_in<'a, C: ConnectionTrait>(
    db: &C,
    tables: &[&str],
    submission_hashes: impl IntoIterator<Item = &'a str>,
) -> Result<HashSet<String>, DbErr> {
    let hashes: Vec<&str> = submission_hashes.into_iter().collect();
    let in_table = |table: &str| {
        Query::select()
            .column(Alias::new("submission_hash"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("submission_hash")).is_in(hashes.iter().copied()))
            .to_owned()
    };
    let Some((first, rest)) = tables.split_first() else {
        return Ok(HashSet::new());
    };
    if hashes.is_empty() {
        return Ok(HashSet::new());
    }
    let mut query = in_table(first);
    for table in rest {
        query.union(UnionType::All, in_table(table));
    }
    db.query_all(&query)
        .await?
        .iter()
        .map(|row| row.try_get("", "submission_hash"))
        .collect()
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
    key: &crate::domain::seal::SealKey,
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
    match super::mixing::hold(&txn, key, code_hash, new).await {
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

/// Takes in several responses at once, in one transaction: what [`submit`] does for one, for
/// each of them, with a few statements for all. Each gets its own outcome, in order. The
/// codes and submissions must all differ; an error leaves nothing stored, and the caller may
/// then take the responses in one by one.
///
/// The codes and held responses of one call share a transaction, as one code and its response
/// do in [`submit`]; the mixer rewrites both later, with a batch of others.
pub async fn submit_many(
    db: &DatabaseConnection,
    key: &crate::domain::seal::SealKey,
    submissions: &[(&str, &NewResponse)],
) -> Result<Vec<SubmitOutcome>, DbErr> {
    let mut outcomes = vec![SubmitOutcome::Created; submissions.len()];
    if submissions.is_empty() {
        return Ok(outcomes);
    }
    let txn = super::begin_write(db).await?;
    // A submission taken in before (a device sending again) is answered as stored, whatever
    // its code.
    let known = known_submissions(
        &txn,
        submissions.iter().map(|(_, n)| n.submission_hash.as_str()),
    )
    .await?;
    let mut fresh: Vec<usize> = Vec::with_capacity(submissions.len());
    for (i, (_, new)) in submissions.iter().enumerate() {
        if known.contains(&new.submission_hash) {
            outcomes[i] = SubmitOutcome::AlreadyStored;
        } else {
            fresh.push(i);
        }
    }
    let won = super::codes::use_unused(&txn, fresh.iter().map(|&i| submissions[i].0)).await?;
    let (taken, lost): (Vec<usize>, Vec<usize>) = fresh
        .into_iter()
        .partition(|&i| won.contains(submissions[i].0));
    let codes: Vec<&str> = taken.iter().map(|&i| submissions[i].0).collect();
    // Drafts kept for these codes (the plain-HTML survey) have served their purpose.
    super::drafts::delete_for_codes(&txn, &codes).await?;
    let held: Vec<(&str, &NewResponse)> = taken.iter().map(|&i| submissions[i]).collect();
    super::mixing::hold_many(&txn, key, &held).await?;
    txn.commit().await?;
    // A code that was not unused: used by this very submission a moment ago (a resend racing
    // the first send), or by another one, or revoked.
    let stored_meanwhile = known_submissions(
        db,
        lost.iter()
            .map(|&i| submissions[i].1.submission_hash.as_str()),
    )
    .await?;
    for i in lost {
        outcomes[i] = if stored_meanwhile.contains(&submissions[i].1.submission_hash) {
            SubmitOutcome::AlreadyStored
        } else {
            SubmitOutcome::CodeNotUnused
        };
    }
    Ok(outcomes)
}

/// Writes a batch of responses: the responses, their answers, the open answers (apart) and
/// what they add to the result counts. Runs inside the caller's transaction.
pub async fn insert_responses<C: ConnectionTrait>(
    db: &C,
    batch: &[NewResponse],
) -> Result<(), DbErr> {
    let placements = placements(db, &batch.iter().map(|r| r.location_id).collect()).await?;
    let mut responses = Vec::with_capacity(batch.len());
    let mut answers = Vec::new();
    let mut open_answers = Vec::new();
    let mut increments = super::results::Increments::new();
    let text = |v: Option<&'static str>| Value::from(v.map(str::to_string));
    for new in batch {
        let Placement {
            organisation_id,
            region_id,
            setting,
        } = *placements
            .get(&new.location_id)
            .ok_or_else(|| DbErr::RecordNotFound(format!("location {}", new.location_id)))?;
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
