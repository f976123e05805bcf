//! Surveys under way without JavaScript: the answers so far, kept per code until the response
//! is stored (`intake::submit` deletes the draft in the same transaction), the wave closes
//! (`waves::advance`), or `draft_days` have passed (the hourly purge in `startup`). Surveys
//! taken with JavaScript keep their answers on the device and have no draft here at all.
//!
//! A draft is stored sealed (`domain::seal`, bound to its code's hash): a dump shows which codes
//! have a survey under way, never an answer beside them. Drafts written before sealing are
//! read as they are and sealed when next saved.

use crate::domain::seal::SealKey;
use crate::domain::survey::Draft;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, Statement};

fn table() -> Alias {
    Alias::new("survey_draft")
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// What a draft's seal is bound to: its row, so a sealed draft cannot be moved to another code.
fn row_of(code_hash: &str) -> String {
    format!("survey_draft:{code_hash}")
}

fn decode(key: &SealKey, code_hash: &str, stored: &str) -> Result<Draft, DbErr> {
    let opened;
    let json = if SealKey::is_sealed(stored) {
        opened = key
            .open(&row_of(code_hash), stored)
            .map_err(|e| DbErr::Custom(format!("a survey draft cannot be opened: {e}")))?;
        opened.as_str()
    } else {
        stored
    };
    serde_json::from_str(json)
        .map_err(|e| DbErr::Custom(format!("a survey draft cannot be read: {e}")))
}

fn encode(key: &SealKey, code_hash: &str, draft: &Draft) -> Result<String, DbErr> {
    let json = serde_json::to_string(draft).map_err(|e| DbErr::Custom(e.to_string()))?;
    key.seal(&row_of(code_hash), &json)
        .map_err(|e| DbErr::Custom(format!("a survey draft: {e}")))
}

/// Starts a draft for a code, or picks up the one already there (another tablet, or after a
/// kiosk reset): the draft then answers to the new token only, and every answer given so far
/// is concealed (kept, never shown again: whoever typed the code may not be the child), and
/// it goes on from the questions about the child in `fresh`'s language (`Draft::pick_up`).
pub async fn start_or_resume<C: ConnectionTrait>(
    db: &C,
    key: &SealKey,
    code_hash: &str,
    token_hash: &str,
    fresh: &Draft,
) -> Result<Draft, DbErr> {
    let picked_up = exists(db, code_hash).await?;
    let today = chrono::Utc::now().date_naive();
    let insert = Query::insert()
        .into_table(table())
        .columns([
            col("code_hash"),
            col("token_hash"),
            col("state"),
            col("started_on"),
        ])
        .values([
            code_hash.into(),
            token_hash.into(),
            encode(key, code_hash, fresh)?.into(),
            today.into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::column(col("code_hash"))
                .update_column(col("token_hash"))
                .to_owned(),
        )
        .to_owned();
    db.execute(&insert).await?;
    let mut draft = find_by_token(db, key, token_hash)
        .await?
        .map(|(_, draft)| draft)
        .ok_or_else(|| DbErr::RecordNotFound("the survey draft just saved".into()))?;
    if picked_up {
        draft.pick_up(&fresh.language);
    }
    save(db, key, code_hash, &draft).await?;
    Ok(draft)
}

/// Whether a survey for this code is under way on the server (begun without JavaScript).
pub async fn exists<C: ConnectionTrait>(db: &C, code_hash: &str) -> Result<bool, DbErr> {
    let query = Query::select()
        .column(col("code_hash"))
        .from(table())
        .and_where(Expr::col(col("code_hash")).eq(code_hash))
        .to_owned();
    Ok(db.query_one(&query).await?.is_some())
}

/// The browser with this token lets go of its survey (quick exit, kiosk reset): the draft
/// stays, but only the code can pick it up again.
pub async fn forget_token<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<(), DbErr> {
    let unguessable = crate::auth::token::Token::generate().hash();
    let update = Query::update()
        .table(table())
        .value(col("token_hash"), unguessable)
        .and_where(Expr::col(col("token_hash")).eq(token_hash))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Every draft of a wave's codes: removed when the wave closes.
pub async fn purge_wave<C: ConnectionTrait>(db: &C, wave_id: i32) -> Result<u64, DbErr> {
    let codes_of_wave = Query::select()
        .column(col("code_hash"))
        .from(Alias::new("access_code"))
        .and_where(Expr::col(col("wave_id")).eq(wave_id))
        .to_owned();
    let delete = Query::delete()
        .from_table(table())
        .and_where(Expr::col(col("code_hash")).in_subquery(codes_of_wave))
        .to_owned();
    Ok(db.execute(&delete).await?.rows_affected())
}

/// The draft and its code hash for a survey cookie's token hash.
pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    key: &SealKey,
    token_hash: &str,
) -> Result<Option<(String, Draft)>, DbErr> {
    let query = Query::select()
        .columns([col("code_hash"), col("state")])
        .from(table())
        .and_where(Expr::col(col("token_hash")).eq(token_hash))
        .to_owned();
    match db.query_one(&query).await? {
        Some(row) => {
            let code_hash: String = row.try_get("", "code_hash")?;
            let state: String = row.try_get("", "state")?;
            let draft = decode(key, &code_hash, &state)?;
            Ok(Some((code_hash, draft)))
        }
        None => Ok(None),
    }
}

pub async fn save<C: ConnectionTrait>(
    db: &C,
    key: &SealKey,
    code_hash: &str,
    draft: &Draft,
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(table())
        .value(col("state"), encode(key, code_hash, draft)?)
        .and_where(Expr::col(col("code_hash")).eq(code_hash))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

pub async fn delete<C: ConnectionTrait>(db: &C, code_hash: &str) -> Result<(), DbErr> {
    delete_for_codes(db, &[code_hash]).await
}

/// The drafts of several codes (their surveys were sent together).
pub async fn delete_for_codes<C: ConnectionTrait>(
    db: &C,
    code_hashes: &[&str],
) -> Result<(), DbErr> {
    if code_hashes.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let (condition, value) = super::bulk::one_of(backend, "code_hash", code_hashes);
    let delete = format!("DELETE FROM survey_draft WHERE {condition}");
    db.execute_raw(Statement::from_sql_and_values(backend, delete, [value]))
        .await?;
    Ok(())
}

/// Drafts begun more than `days` ago and never sent: removed by the retention job.
pub async fn purge_older_than<C: ConnectionTrait>(db: &C, days: i64) -> Result<u64, DbErr> {
    let cutoff = chrono::Utc::now().date_naive() - chrono::Duration::days(days);
    let delete = Query::delete()
        .from_table(table())
        .and_where(Expr::col(col("started_on")).lt(cutoff))
        .to_owned();
    Ok(db.execute(&delete).await?.rows_affected())
}
