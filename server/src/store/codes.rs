//! Access codes: made, handed out, checked, revoked and reissued. Only hashes are stored; the
//! plain codes exist only in the answer to whoever made them (to print the cards).

use super::entity::{access_code, wave};
use super::placement::{Placement, PLACEMENT_COLUMNS};
use super::scope::by_location;
use super::waves::Wave;
use crate::domain::access_code::{AccessCode, CodeKey, CodeState, KEYED_HASH};
use crate::domain::client_number::ClientNumber;
use crate::domain::pseudonym::Pseudonym;
use crate::domain::staff::Scope;
use crate::pepper::Pepper;
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set, Statement, TransactionTrait,
};
use std::collections::HashSet;

const BATCH: usize = 500;
/// A batch whose fresh codes collide with stored ones (about one in 10^8 batches) is made again.
const ATTEMPTS: usize = 5;

/// Stores `count` new codes, or none: all in one transaction.
pub async fn generate_anonymous(
    db: &DatabaseConnection,
    key: &CodeKey,
    wave_id: i32,
    location_id: i32,
    count: usize,
) -> Result<Vec<AccessCode>, DbErr> {
    let txn = super::begin_write(db).await?;
    let mut codes = Vec::with_capacity(count);
    let mut left = count;
    while left > 0 {
        let n = left.min(BATCH);
        codes.extend(insert_batch(&txn, key, wave_id, location_id, &vec![None; n]).await?);
        left -= n;
    }
    txn.commit().await?;
    Ok(codes)
}

/// One code per client number, carrying the child's pseudonym. A code still unused from an
/// earlier list for the same child in this wave is revoked: the new card replaces the old one.
pub async fn generate_linkable(
    db: &DatabaseConnection,
    pepper: &Pepper,
    key: &CodeKey,
    wave_id: i32,
    location_id: i32,
    organisation_id: i32,
    clients: &[ClientNumber],
) -> Result<Vec<AccessCode>, DbErr> {
    let pseudonyms: Vec<Option<String>> = clients
        .iter()
        .map(|c| {
            Some(
                Pseudonym::derive(pepper, organisation_id, c.expose())
                    .as_str()
                    .to_string(),
            )
        })
        .collect();
    let txn = super::begin_write(db).await?;
    let mut codes = Vec::with_capacity(clients.len());
    for chunk in pseudonyms.chunks(BATCH) {
        let these: Vec<String> = chunk.iter().flatten().cloned().collect();
        access_code::Entity::update_many()
            .col_expr(
                access_code::Column::State,
                Expr::value(CodeState::Revoked.as_str()),
            )
            .filter(access_code::Column::WaveId.eq(wave_id))
            .filter(access_code::Column::State.eq(CodeState::Unused.as_str()))
            .filter(access_code::Column::Pseudonym.is_in(these))
            .exec(&txn)
            .await?;
        codes.extend(insert_batch(&txn, key, wave_id, location_id, chunk).await?);
    }
    txn.commit().await?;
    Ok(codes)
}

async fn insert_batch(
    db: &DatabaseTransaction,
    key: &CodeKey,
    wave_id: i32,
    location_id: i32,
    pseudonyms: &[Option<String>],
) -> Result<Vec<AccessCode>, DbErr> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let codes: Vec<AccessCode> = pseudonyms.iter().map(|_| AccessCode::generate()).collect();
        let rows = codes
            .iter()
            .zip(pseudonyms)
            .map(|(code, pseudonym)| access_code::ActiveModel {
                code_hash: Set(code.hash(key)),
                hash_version: Set(KEYED_HASH),
                wave_id: Set(wave_id),
                location_id: Set(location_id),
                state: Set(CodeState::Unused.as_str().to_string()),
                pseudonym: Set(pseudonym.clone()),
            });
        // A savepoint, so that a collision does not abort the whole transaction (PostgreSQL).
        let savepoint = db.begin().await?;
        match access_code::Entity::insert_many(rows)
            .exec(&savepoint)
            .await
        {
            Ok(_) => {
                savepoint.commit().await?;
                return Ok(codes);
            }
            Err(e)
                if attempt < ATTEMPTS
                    && super::unique_violated(&e) == Some(super::Unique::CodeHash) =>
            {
                savepoint.rollback().await?;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Where a code belongs, and its state.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCode {
    pub wave_id: i32,
    pub location_id: i32,
    pub state: CodeState,
    pub pseudonym: Option<Pseudonym>,
}

/// A code as staff look it up: only at a location in their scope. Another organisation's
/// code is answered exactly like an unknown one.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    key: &CodeKey,
    scope: Scope,
    code: &AccessCode,
) -> Result<Option<StoredCode>, DbErr> {
    find_where(
        db,
        &code.hash(key),
        by_location(access_code::Column::LocationId, scope),
    )
    .await
}

/// A child's code with its wave and where it was handed out: what checking a code for a
/// survey needs, read in one query.
#[derive(Debug, Clone)]
pub struct SurveyCode {
    pub stored: StoredCode,
    pub wave: Wave,
    pub placement: Placement,
}

/// The code with this hash, its wave and its location's placement. The code is the child's own
/// credential, so no staff scope applies.
pub async fn find_for_survey<C: ConnectionTrait>(
    db: &C,
    code_hash: &str,
) -> Result<Option<SurveyCode>, DbErr> {
    let sql = format!(
        "SELECT c.wave_id, c.location_id, c.state, c.pseudonym, \
         w.label AS wave_label, w.opens_on AS wave_opens_on, w.closes_on AS wave_closes_on, \
         w.instrument_id AS wave_instrument_id, w.state AS wave_state, w.synthetic AS wave_synthetic, \
         {PLACEMENT_COLUMNS} \
         FROM access_code c JOIN wave w ON w.id = c.wave_id \
         JOIN location l ON l.id = c.location_id JOIN organisation o ON o.id = l.organisation_id \
         WHERE c.code_hash = $1"
    );
    let backend = db.get_database_backend();
    let Some(row) = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [code_hash.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let state: String = row.try_get("", "state")?;
    let stored = StoredCode {
        wave_id: row.try_get("", "wave_id")?,
        location_id: row.try_get("", "location_id")?,
        state: CodeState::parse(&state)
            .ok_or_else(|| DbErr::Custom(format!("unknown code state {state:?}")))?,
        pseudonym: row
            .try_get::<Option<String>>("", "pseudonym")?
            .map(Pseudonym::from_stored),
    };
    let wave = Wave::try_from(wave::Model {
        id: stored.wave_id,
        label: row.try_get("", "wave_label")?,
        opens_on: row.try_get("", "wave_opens_on")?,
        closes_on: row.try_get("", "wave_closes_on")?,
        instrument_id: row.try_get("", "wave_instrument_id")?,
        state: row.try_get("", "wave_state")?,
        synthetic: row.try_get("", "wave_synthetic")?,
    })?;
    Ok(Some(SurveyCode {
        stored,
        wave,
        placement: Placement::from_row(&row)?,
    }))
}

async fn find_where<C: ConnectionTrait>(
    db: &C,
    code_hash: &str,
    condition: Condition,
) -> Result<Option<StoredCode>, DbErr> {
    let Some(m) = access_code::Entity::find_by_id(code_hash.to_string())
        .filter(condition)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let state = CodeState::parse(&m.state)
        .ok_or_else(|| DbErr::Custom(format!("unknown code state {:?}", m.state)))?;
    Ok(Some(StoredCode {
        wave_id: m.wave_id,
        location_id: m.location_id,
        state,
        pseudonym: m.pseudonym.map(Pseudonym::from_stored),
    }))
}

/// Moves a code in the scope from `from` to `to`; false when it was not in `from` (someone else
/// was first) or is not in the scope.
pub async fn transition<C: ConnectionTrait>(
    db: &C,
    key: &CodeKey,
    scope: Scope,
    code: &AccessCode,
    from: CodeState,
    to: CodeState,
) -> Result<bool, DbErr> {
    transition_where(
        db,
        &code.hash(key),
        from,
        to,
        by_location(access_code::Column::LocationId, scope),
    )
    .await
}

/// The same for the child's own code, known by its hash (a survey being sent).
pub async fn transition_hash<C: ConnectionTrait>(
    db: &C,
    code_hash: &str,
    from: CodeState,
    to: CodeState,
) -> Result<bool, DbErr> {
    transition_where(db, code_hash, from, to, Condition::all()).await
}

async fn transition_where<C: ConnectionTrait>(
    db: &C,
    code_hash: &str,
    from: CodeState,
    to: CodeState,
    condition: Condition,
) -> Result<bool, DbErr> {
    let result = access_code::Entity::update_many()
        .col_expr(access_code::Column::State, Expr::value(to.as_str()))
        .filter(access_code::Column::CodeHash.eq(code_hash))
        .filter(access_code::Column::State.eq(from.as_str()))
        .filter(condition)
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks the unused codes among these used, at once; returns those it marked. A code already
/// used or revoked is left as it is (on PostgreSQL a code another transaction is marking waits
/// for it, and is then found used).
pub async fn use_unused<'a, C: ConnectionTrait>(
    db: &C,
    code_hashes: impl Iterator<Item = &'a str>,
) -> Result<HashSet<String>, DbErr> {
    let hashes: Vec<&str> = code_hashes.collect();
    if hashes.is_empty() {
        return Ok(HashSet::new());
    }
    let backend = db.get_database_backend();
    let (condition, value) = super::bulk::one_of(backend, "code_hash", &hashes);
    let update = format!(
        "UPDATE access_code SET state = '{}' WHERE state = '{}' AND {condition} RETURNING code_hash",
        CodeState::Used.as_str(),
        CodeState::Unused.as_str(),
    );
    db.query_all_raw(Statement::from_sql_and_values(backend, update, [value]))
        .await?
        .iter()
        .map(|row| row.try_get("", "code_hash"))
        .collect()
}

/// A lost card: the old code is revoked and a new one made for the same location and child.
/// Only for a code in the scope.
pub async fn reissue(
    db: &DatabaseConnection,
    key: &CodeKey,
    scope: Scope,
    old: &AccessCode,
) -> Result<Option<AccessCode>, DbErr> {
    let txn = super::begin_write(db).await?;
    let Some(stored) = find(&txn, key, scope, old).await? else {
        return Ok(None);
    };
    if !transition(&txn, key, scope, old, CodeState::Unused, CodeState::Revoked).await? {
        return Ok(None);
    }
    let pseudonym = stored.pseudonym.map(|p| p.as_str().to_string());
    let mut new = insert_batch(&txn, key, stored.wave_id, stored.location_id, &[pseudonym]).await?;
    txn.commit().await?;
    Ok(new.pop())
}

/// Codes per location in a wave, by state: the numbers behind response tracking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeCounts {
    /// Unused and used codes (revoked ones not).
    pub issued: u64,
    pub used: u64,
    pub revoked: u64,
}

#[derive(FromQueryResult)]
struct CountRow {
    location_id: i32,
    state: String,
    n: i64,
}

/// Per location in the scope.
pub async fn counts_per_location<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    wave_id: i32,
) -> Result<std::collections::HashMap<i32, CodeCounts>, DbErr> {
    let rows = access_code::Entity::find()
        .select_only()
        .column(access_code::Column::LocationId)
        .column(access_code::Column::State)
        // Counting a column of the index on (wave, location, state), not the hash, lets
        // PostgreSQL answer from the index alone (measured: 8.3 → 6–7 ms for 23,000 codes).
        .column_as(
            Expr::expr(Func::count(Expr::col(access_code::Column::State))),
            "n",
        )
        .filter(access_code::Column::WaveId.eq(wave_id))
        .filter(by_location(access_code::Column::LocationId, scope))
        .group_by(access_code::Column::LocationId)
        .group_by(access_code::Column::State)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let mut counts: std::collections::HashMap<i32, CodeCounts> = Default::default();
    for row in rows {
        let entry = counts.entry(row.location_id).or_default();
        let n = u64::try_from(row.n).unwrap_or(0);
        // Revoked codes were taken back: they do not count as handed out.
        match CodeState::parse(&row.state) {
            Some(CodeState::Revoked) => entry.revoked += n,
            Some(CodeState::Used) => {
                entry.used += n;
                entry.issued += n;
            }
            _ => entry.issued += n,
        }
    }
    Ok(counts)
}
