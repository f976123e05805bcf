//! Rekeying: codes made before code hashes were keyed are stored as the unkeyed SHA-256 of the
//! code (`hash_version` 1), which a dump alone can invert by trying all 31^9 codes. Migrations
//! have no pepper, so the server rekeys them when it starts: each becomes the keyed hash of its
//! old hash (`CodeKey::rekey`), which is exactly `AccessCode::hash` of the same code, so every
//! unused card keeps working. The half-finished surveys and held responses that name a code by
//! its hash follow it in the same transaction.
//!
//! Idempotent and safe with several servers starting at once: a row is rewritten only while its
//! `hash_version` is still 1, and a round commits a code with its drafts and held responses.

use crate::domain::access_code::{CodeKey, KEYED_HASH, UNKEYED_HASH};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait, Value};

/// Codes rekeyed per transaction (two parameters each: well under SQLite's limit).
const ROUND: usize = 1_000;

/// Rekeys every code still stored with the unkeyed hash; returns how many were rekeyed.
pub async fn rekey_unkeyed_codes(db: &DatabaseConnection, key: &CodeKey) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let mut rekeyed = 0;
    // Hashes that are not a 64-digit hex digest cannot be rekeyed; they are left (and skipped
    // by the next round) for an operator to look at.
    let mut skipped: Vec<String> = Vec::new();
    loop {
        let txn = db.begin().await?;
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT code_hash FROM access_code WHERE hash_version = $1 \
                     ORDER BY code_hash LIMIT {}",
                    ROUND + skipped.len()
                ),
                [UNKEYED_HASH.into()],
            ))
            .await?;
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(rows.len());
        for row in rows {
            let old: String = row.try_get("", "code_hash")?;
            if skipped.contains(&old) {
                continue;
            }
            match key.rekey(&old) {
                Some(new) => pairs.push((old, new)),
                None => {
                    tracing::error!("an access code's stored hash is not a SHA-256 digest");
                    skipped.push(old);
                }
            }
        }
        if pairs.is_empty() {
            txn.rollback().await?;
            break;
        }
        let mut values: Vec<Value> = Vec::with_capacity(pairs.len() * 2);
        let mut rows = Vec::with_capacity(pairs.len());
        for (i, (old, new)) in pairs.iter().enumerate() {
            rows.push(format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
            values.push(old.clone().into());
            values.push(new.clone().into());
        }
        let mapping = rows.join(", ");
        // `column1` and `column2` are what both databases call the columns of a VALUES list.
        let version = values.len() + 1;
        let mut code_values = values.clone();
        code_values.push(KEYED_HASH.into());
        code_values.push(UNKEYED_HASH.into());
        let moved = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE access_code SET code_hash = m.column2, hash_version = ${version} \
                     FROM (VALUES {mapping}) AS m \
                     WHERE access_code.code_hash = m.column1 AND access_code.hash_version = ${}",
                    version + 1
                ),
                code_values,
            ))
            .await?
            .rows_affected();
        for table in ["survey_draft", "pending_response"] {
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE {table} SET code_hash = m.column2 FROM (VALUES {mapping}) AS m \
                     WHERE {table}.code_hash = m.column1"
                ),
                values.clone(),
            ))
            .await?;
        }
        txn.commit().await?;
        rekeyed += moved;
    }
    if rekeyed > 0 {
        tracing::info!(
            rekeyed,
            "access codes stored with an unkeyed hash were rekeyed"
        );
    }
    Ok(rekeyed)
}
