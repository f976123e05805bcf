//! Staff accounts' second factor: the sealed authenticator secret (on the session while it is
//! being set up, on the account once confirmed), the last step a code was accepted for, and
//! the keyed hashes of recovery codes. Sealing and hashing happen above this
//! layer (`accounts::two_factor`); nothing here sees a secret or a code.

use super::entity::{staff_recovery_code, staff_session, staff_user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

/// Where an account stands with its second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The sealed secret, once enrolled.
    pub sealed: Option<String>,
    /// A code from the secret has been typed: the account signs in with it.
    pub confirmed: bool,
    /// The last step a code was accepted for.
    pub step: Option<i64>,
}

pub async fn stored<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<Option<Stored>, DbErr> {
    Ok(staff_user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|m| Stored {
            sealed: m.totp_sealed,
            confirmed: m.totp_confirmed,
            step: m.totp_step,
        }))
}

/// The secret being set up in the session `id_hash`, sealed.
pub async fn session_secret<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
) -> Result<Option<String>, DbErr> {
    Ok(staff_session::Entity::find_by_id(id_hash.to_string())
        .one(db)
        .await?
        .and_then(|s| s.enrol_sealed))
}

/// Keeps the secret being set up in the session `id_hash` (sealed): shown on every visit of
/// this session, and to no other session.
pub async fn keep_session_secret<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    sealed: &str,
) -> Result<(), DbErr> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::EnrolSealed, Expr::value(sealed))
        .filter(staff_session::Column::IdHash.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

/// The first code from `sealed` was right: the account is enrolled with it, that step is used,
/// and the session's copy is gone. `false` when the account was enrolled meanwhile.
pub async fn confirm<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    id_hash: &str,
    sealed: &str,
    step: i64,
) -> Result<bool, DbErr> {
    let done = staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpSealed, Expr::value(sealed))
        .col_expr(staff_user::Column::TotpConfirmed, Expr::value(true))
        .col_expr(staff_user::Column::TotpStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(user_id))
        .filter(staff_user::Column::TotpConfirmed.eq(false))
        .exec(db)
        .await?;
    staff_session::Entity::update_many()
        .col_expr(
            staff_session::Column::EnrolSealed,
            Expr::value(Option::<String>::None),
        )
        .filter(staff_session::Column::IdHash.eq(id_hash))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Uses `step` for the account: `true` only if no code of this step or a later one was accepted
/// before. One statement, so two requests with the same code cannot both pass.
pub async fn use_step<C: ConnectionTrait>(db: &C, user_id: i32, step: i64) -> Result<bool, DbErr> {
    let done = staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(user_id))
        .filter(staff_user::Column::TotpConfirmed.eq(true))
        .filter(
            Condition::any()
                .add(staff_user::Column::TotpStep.is_null())
                .add(staff_user::Column::TotpStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Replaces the account's recovery codes with `hashes`.
pub async fn replace_recovery_codes<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    hashes: &[String],
) -> Result<(), DbErr> {
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let rows = hashes.iter().map(|hash| staff_recovery_code::ActiveModel {
        code_hash: sea_orm::Set(hash.clone()),
        user_id: sea_orm::Set(user_id),
    });
    staff_recovery_code::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Uses up a recovery code: `true` if it was one of the account's, now deleted.
pub async fn use_recovery_code<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    hash: &str,
) -> Result<bool, DbErr> {
    let done = staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::UserId.eq(user_id))
        .filter(staff_recovery_code::Column::CodeHash.eq(hash))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn recovery_codes_left<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<u64, DbErr> {
    staff_recovery_code::Entity::find()
        .filter(staff_recovery_code::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// Removes the second factor: the secret, the step and every recovery code.
pub async fn clear<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<(), DbErr> {
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::TotpSealed,
            Expr::value(Option::<String>::None),
        )
        .col_expr(staff_user::Column::TotpConfirmed, Expr::value(false))
        .col_expr(
            staff_user::Column::TotpStep,
            Expr::value(Option::<i64>::None),
        )
        .filter(staff_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
