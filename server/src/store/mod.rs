//! Persistence. Functions take a connection and return `Result<_, DbErr>`; they know nothing
//! of axum or leptos, and entities never leave this module.

pub mod bulk;
pub mod codes;
pub mod drafts;
pub mod entity;
pub mod organisations;
pub mod responses;
pub mod results;
pub mod staff;
pub mod tokens;
pub mod waves;

/// Whether an error means the database could not be reached (as opposed to a bad query).
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    matches!(
        err,
        sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_)
    )
}
