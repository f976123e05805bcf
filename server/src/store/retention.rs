//! Data retention: the answers of waves that closed long enough ago are deleted for good.
//!
//! What goes: every response, its answers and open answers (with their themes), and whatever a
//! wave still holds in `pending_response` or `survey_draft`. What stays: the result counts the
//! published figures are made from (aggregates, shown only through the disclosure engine), the
//! access codes (hashes, for the response rate; their pseudonyms are removed), the wave and the
//! audit log, which records the deletion.

use sea_orm::{ConnectionTrait, DbErr, Statement, TransactionSession, Value};

/// A wave whose answers are due for deletion, with what it still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub wave_id: i32,
    pub label: String,
    pub closes_on: chrono::NaiveDate,
    pub responses: u64,
    pub open_answers: u64,
    /// Held (not yet mixed) responses and half-finished surveys.
    pub unfinished: u64,
}

/// Waves that are closed or published, closed before `cutoff` and still hold answers, with
/// their counts; oldest first. Waves that still take responses are never listed, whatever
/// their dates.
pub async fn expired<C: ConnectionTrait>(
    db: &C,
    cutoff: chrono::NaiveDate,
) -> Result<Vec<Expired>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT w.id, w.label, w.closes_on, \
             (SELECT COUNT(*) FROM response r WHERE r.wave_id = w.id) AS responses, \
             (SELECT COUNT(*) FROM open_answer o WHERE o.wave_id = w.id) AS open_answers, \
             (SELECT COUNT(*) FROM pending_response p WHERE p.wave_id = w.id) \
             + (SELECT COUNT(*) FROM survey_draft d JOIN access_code c \
                ON c.code_hash = d.code_hash WHERE c.wave_id = w.id) AS unfinished \
             FROM wave w \
             WHERE w.state IN ('closed', 'published') AND w.closes_on < $1 \
             ORDER BY w.closes_on, w.id",
            [Value::from(cutoff)],
        ))
        .await?;
    let waves = rows
        .into_iter()
        .map(|row| {
            let count = |name: &str| row.try_get::<i64>("", name).map(|n| n.max(0) as u64);
            Ok(Expired {
                wave_id: row.try_get("", "id")?,
                label: row.try_get("", "label")?,
                closes_on: row.try_get("", "closes_on")?,
                responses: count("responses")?,
                open_answers: count("open_answers")?,
                unfinished: count("unfinished")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    // A wave already emptied has nothing left to delete.
    Ok(waves
        .into_iter()
        .filter(|w| w.responses + w.open_answers + w.unfinished > 0)
        .collect())
}

/// Deletes the answers of one wave, all or nothing, and writes the deletion to the audit log.
/// Returns the number of responses deleted.
pub async fn delete_answers_of<C: sea_orm::TransactionTrait>(
    db: &C,
    wave: &Expired,
) -> Result<u64, DbErr> {
    let txn = super::begin_write(db).await?;
    let backend = txn.get_database_backend();
    let id = || [Value::from(wave.wave_id)];
    // Children first: not every database cascades (SQLite only with foreign keys on).
    let statements = [
        "DELETE FROM answer WHERE response_id IN (SELECT id FROM response WHERE wave_id = $1)",
        "DELETE FROM open_answer_tag WHERE open_answer_id IN \
         (SELECT id FROM open_answer WHERE wave_id = $1)",
        "DELETE FROM open_answer WHERE wave_id = $1",
        "DELETE FROM pending_response WHERE wave_id = $1",
        "DELETE FROM survey_draft WHERE code_hash IN \
         (SELECT code_hash FROM access_code WHERE wave_id = $1)",
        // With nothing left to link, the pseudonyms of linkable codes go too.
        "UPDATE access_code SET pseudonym = NULL WHERE wave_id = $1",
    ];
    for sql in statements {
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, id()))
            .await?;
    }
    let responses = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "DELETE FROM response WHERE wave_id = $1",
            id(),
        ))
        .await?
        .rows_affected();
    super::staff::audit(
        &txn,
        None,
        "retention.delete",
        &format!(
            "wave {}: {} responses and {} open answers deleted ({} unfinished)",
            wave.label, responses, wave.open_answers, wave.unfinished
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(responses)
}
