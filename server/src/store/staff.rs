//! Staff accounts, their sessions, and the audit log.

use super::entity::{audit_log, staff_session, staff_user};
use crate::domain::staff::{Email, Membership, Role};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A staff member as the rest of the server sees it (no password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffUser {
    pub id: i32,
    pub email: String,
    pub membership: Membership,
    pub active: bool,
    pub must_change_password: bool,
    /// The account signs in with a second factor (an authenticator app).
    pub two_factor: bool,
}

impl StaffUser {
    pub fn role(&self) -> Role {
        self.membership.role()
    }
}

impl TryFrom<staff_user::Model> for StaffUser {
    type Error = DbErr;

    fn try_from(m: staff_user::Model) -> Result<Self, DbErr> {
        let role = Role::parse(&m.role).map_err(DbErr::Custom)?;
        Ok(StaffUser {
            id: m.id,
            email: m.email,
            membership: Membership::new(role, m.organisation_id).map_err(DbErr::Custom)?,
            active: m.active,
            must_change_password: m.must_change_password,
            two_factor: m.totp_confirmed,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("there is already an account for this e-mail address")]
    EmailTaken,
    #[error("there is no organisation {0}")]
    UnknownOrganisation(i32),
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub async fn create_user<C: ConnectionTrait>(
    db: &C,
    email: &Email,
    password_hash: &str,
    membership: Membership,
    must_change_password: bool,
) -> Result<StaffUser, CreateUserError> {
    if find_user_by_email(db, email).await?.is_some() {
        return Err(CreateUserError::EmailTaken);
    }
    if let Some(org) = membership.organisation_id() {
        let found = super::entity::organisation::Entity::find_by_id(org)
            .one(db)
            .await?;
        if found.is_none() {
            return Err(CreateUserError::UnknownOrganisation(org));
        }
    }
    let model = staff_user::ActiveModel {
        email: Set(email.as_str().to_string()),
        password_hash: Set(password_hash.to_string()),
        role: Set(membership.role().as_str().to_string()),
        organisation_id: Set(membership.organisation_id()),
        active: Set(true),
        must_change_password: Set(must_change_password),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    // Two requests racing past the check above meet the unique index here.
    .map_err(|e| match super::unique_violated(&e) {
        Some(super::Unique::StaffEmail) => CreateUserError::EmailTaken,
        _ => CreateUserError::Db(e),
    })?;
    Ok(StaffUser::try_from(model)?)
}

/// The account and its password hash, for sign-in.
pub async fn find_for_login<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<(StaffUser, String)>, DbErr> {
    match staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
    {
        Some(m) => {
            let hash = m.password_hash.clone();
            Ok(Some((StaffUser::try_from(m)?, hash)))
        }
        None => Ok(None),
    }
}

pub async fn find_user_by_email<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<StaffUser>, DbErr> {
    Ok(find_for_login(db, email).await?.map(|(u, _)| u))
}

pub async fn find_user<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<StaffUser>, DbErr> {
    staff_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(StaffUser::try_from)
        .transpose()
}

pub async fn password_hash_of<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<String>, DbErr> {
    Ok(staff_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.password_hash))
}

pub async fn list_users<C: ConnectionTrait>(db: &C) -> Result<Vec<StaffUser>, DbErr> {
    staff_user::Entity::find()
        .order_by_asc(staff_user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(StaffUser::try_from)
        .collect()
}

/// Sets a new password hash; `must_change` is true after a reset by an administrator.
pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    password_hash: &str,
    must_change: bool,
) -> Result<(), DbErr> {
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(
            staff_user::Column::MustChangePassword,
            Expr::value(must_change),
        )
        .filter(staff_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    active: bool,
) -> Result<(), DbErr> {
    staff_user::Entity::update_many()
        .col_expr(staff_user::Column::Active, Expr::value(active))
        .filter(staff_user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn count_users<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    staff_user::Entity::find().count(db).await
}

/// A session, found by the hash of the token the browser holds.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: StaffUser,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    /// The password was right and the second factor is still to come: such a session opens
    /// only the second step of signing in.
    pub pending: bool,
}

pub async fn create_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    user_id: i32,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
    pending: bool,
) -> Result<(), DbErr> {
    staff_session::ActiveModel {
        id_hash: Set(id_hash.to_string()),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.to_string()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        pending: Set(pending),
        enrol_sealed: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The live session for a token hash: not expired, and its account still active.
pub async fn find_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, DbErr> {
    let Some(session) = staff_session::Entity::find_by_id(id_hash.to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= now {
        delete_session(db, id_hash).await?;
        return Ok(None);
    }
    match find_user(db, session.user_id).await? {
        Some(user) if user.active => Ok(Some(Session {
            user,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
            pending: session.pending,
        })),
        _ => Ok(None),
    }
}

/// Ends a session that is waiting for its second factor: `false` when there is none (it ended,
/// or another request with the same session finished the second step first).
pub async fn end_pending_session<C: ConnectionTrait>(db: &C, id_hash: &str) -> Result<bool, DbErr> {
    let done = staff_session::Entity::delete_many()
        .filter(staff_session::Column::IdHash.eq(id_hash))
        .filter(staff_session::Column::Pending.eq(true))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn delete_session<C: ConnectionTrait>(db: &C, id_hash: &str) -> Result<(), DbErr> {
    staff_session::Entity::delete_by_id(id_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Signs a person out everywhere (after a password change or reset, or deactivation).
pub async fn delete_sessions_of<C: ConnectionTrait>(db: &C, user_id: i32) -> Result<(), DbErr> {
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(staff_session::Entity::delete_many()
        .filter(staff_session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// One line in the audit log. `detail` never holds codes, client numbers, pseudonyms or answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub detail: String,
}

pub async fn audit<C: ConnectionTrait>(
    db: &C,
    actor_user_id: Option<i32>,
    action: &str,
    detail: &str,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_user_id: Set(actor_user_id),
        action: Set(action.to_string()),
        detail: Set(detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest entries first.
pub async fn recent_audit<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbErr> {
    let entries = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let users: std::collections::HashMap<i32, String> = list_users(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    Ok(entries
        .into_iter()
        .map(|e| AuditEntry {
            at: e.at,
            actor: e.actor_user_id.and_then(|id| users.get(&id).cloned()),
            action: e.action,
            detail: e.detail,
        })
        .collect())
}
