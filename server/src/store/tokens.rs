//! Personal API tokens for researchers' scripts. Only the SHA-256 of a token is stored; the
//! token carries its owner's role and organisation scope.

use super::entity::api_token;
use super::staff::{find_user, StaffUser};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    name: &str,
    token_hash: &str,
) -> Result<i32, DbErr> {
    let made = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_string()),
        token_hash: Set(token_hash.to_string()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(made.id)
}

/// The owner of a live token (not revoked, account active).
pub async fn owner<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<StaffUser>, DbErr> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(find_user(db, token.user_id).await?.filter(|u| u.active))
}

pub async fn list<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<Vec<TokenRow>, DbErr> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            revoked: t.revoked_at.is_some(),
        })
        .collect())
}

/// Revokes every live token of a user, for good: a deactivated account's tokens do not come
/// back when it is activated again.
pub async fn revoke_all_of<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<u64, DbErr> {
    Ok(api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    token_id: i32,
) -> Result<bool, DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
