//! A child's response as stored: whether a submission was taken in, and, mixed with others
//! (`store::mixing`), the response, its answers, the open answer (apart) and the result
//! counts. Taking one in is `store::intake`.

use super::bulk::insert_rows;
use super::placement::Placement;
use crate::domain::demographics::Demographics;
use crate::domain::instrument::AnswersSoFar;
use sea_orm::sea_query::Value;
use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::HashSet;

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
pub(super) async fn known_submissions<'a, C: ConnectionTrait>(
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
    if hashes.is_empty() || tables.is_empty() {
        return Ok(HashSet::new());
    }
    let backend = db.get_database_backend();
    let (condition, value) = super::bulk::one_of(backend, "submission_hash", &hashes);
    let sql = tables
        .iter()
        .map(|table| format!("SELECT submission_hash FROM {table} WHERE {condition}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    db.query_all_raw(Statement::from_sql_and_values(backend, sql, [value]))
        .await?
        .iter()
        .map(|row| row.try_get("", "submission_hash"))
        .collect()
}

/// Writes a batch of responses: the responses, their answers, the open answers (apart) and
/// what they add to the result counts. Runs inside the caller's transaction.
pub async fn insert_responses<C: ConnectionTrait>(
    db: &C,
    batch: &[NewResponse],
) -> Result<(), DbErr> {
    let placements =
        super::placement::placements(db, &batch.iter().map(|r| r.location_id).collect()).await?;
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
