//! Persistence. Functions take a connection and return `Result<_, DbErr>`; they know nothing
//! of axum or leptos, and entities never leave this module.

pub mod bulk;
pub mod codes;
pub mod drafts;
pub mod entity;
pub mod incidents;
pub mod instruments;
pub mod intake;
pub mod mixing;
pub mod open_answers;
pub mod organisations;
pub mod pairs;
pub mod placement;
pub mod published;
pub mod rekey;
pub mod responses;
pub mod results;
pub mod retention;
pub mod scope;
pub mod shuffle;
pub mod staff;
pub mod tokens;
pub mod waves;

/// Begins a transaction that is going to write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting its turn behind other writers: a transaction that reads first and
/// writes later cannot wait there, it fails with "database is locked" the moment another
/// connection has written in between. On PostgreSQL this is a plain `BEGIN`.
pub async fn begin_write<C: sea_orm::TransactionTrait>(
    db: &C,
) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether an error means the database cannot serve us right now (it is down, restarting,
/// unreachable, or — on SQLite — busy), as opposed to a bad query: the caller answers 503 and
/// the device sends again later.
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    let sqlx_error = match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx_error.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            if code.len() == 5 {
                // PostgreSQL: connection exceptions (08…), shutting down or starting (57P…).
                code.starts_with("08") || code.starts_with("57P")
            } else {
                // SQLite (extended codes): busy or locked beyond the busy timeout.
                code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
            }
        }),
        _ => false,
    }
}

/// Whether an error means another request changed the same rows at the same moment: a
/// uniqueness check that lost the race (two imports making the same region), or on PostgreSQL a
/// serialization failure or deadlock. The caller answers 409: the same request again works.
pub fn is_conflict(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx, DbErr, RuntimeErr, SqlErr};
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return true;
    }
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Database(db) => {
                    matches!(db.code().as_deref(), Some("40001") | Some("40P01"))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_unavailable;
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    use std::sync::Arc;

    #[test]
    fn a_lost_connection_is_unavailable_and_a_bad_query_is_not() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_unavailable(&DbErr::Exec(RuntimeErr::SqlxError(
            Arc::new(io)
        ))));
        assert!(is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            Arc::new(sqlx::Error::PoolTimedOut)
        ))));
        let bad = sqlx::Error::RowNotFound;
        assert!(!is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            Arc::new(bad)
        ))));
        assert!(!is_unavailable(&DbErr::Custom("a bug".into())));
    }
}
