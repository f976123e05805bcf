//! Persistence. Functions take a connection and return `Result<_, DbErr>`; they know nothing
//! of axum or leptos, and entities never leave this module.

pub mod bulk;
pub mod codes;
pub mod drafts;
pub mod entity;
mod errors;
pub mod incidents;
pub mod instruments;
pub mod intake;
pub mod mixing;
pub mod open_answers;
pub mod organisations;
pub mod pairs;
pub mod placement;
pub mod published;
pub mod rate_limits;
pub mod rekey;
pub mod responses;
pub mod results;
pub mod retention;
pub mod scope;
pub mod shuffle;
pub mod staff;
pub mod tokens;
pub mod two_factor;
pub mod wal;
pub mod waves;

pub use errors::{is_conflict, is_unavailable, unique_violated, Unique};

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
