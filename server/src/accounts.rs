//! Staff account use cases shared by the web UI and the CLI: add a user, sign in, change or
//! reset a password. Password hashing runs on the blocking pool so it never stalls requests.

pub mod two_factor;

use crate::attempts::Attempts;
use crate::auth::password;
use crate::auth::token::Token;
use crate::domain::staff::{Email, Membership, NewPassword, Role};
use crate::store::staff::{self as store, CreateUserError, StaffUser};
use chrono::{Duration as ChronoDuration, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::net::IpAddr;
use std::time::Duration;

/// How long a staff session lasts from sign-in.
pub const SESSION_HOURS: i64 = 8;
/// How long the second step of signing in (the code from the app) may take.
pub const PENDING_MINUTES: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// What was entered is not valid; one message per field.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Create(#[from] CreateUserError),
    #[error("there is no such account")]
    UnknownUser,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

/// At most this many password hashes are computed at once: each takes 19 MiB and a core for a
/// moment, so a burst of sign-ins waits its turn instead of growing memory without bound.
const CONCURRENT_HASHES: usize = 4;

/// A place among the `CONCURRENT_HASHES`.
async fn hashing_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AccountError> {
    static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);
    TURNS
        .acquire()
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))
}

async fn hash_blocking(password: NewPassword) -> Result<String, AccountError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?
        .map_err(|e| AccountError::Internal(e.to_string()))
}

async fn verify_blocking(attempt: String, stored: Option<String>) -> bool {
    let Ok(_turn) = hashing_turn().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password::verify(&attempt, &stored),
        None => {
            password::verify_dummy(&attempt);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Adds an account. Without a password a temporary one is made, returned once, and must be
/// changed at first sign-in.
pub async fn add_user(
    db: &DatabaseConnection,
    actor: Option<i32>,
    email: &str,
    role: &str,
    organisation_id: Option<i32>,
    password: Option<&str>,
) -> Result<(StaffUser, Option<NewPassword>), AccountError> {
    let email = Email::parse(email).map_err(|e| format!("e-mail: {e}"));
    let membership = Role::parse(role)
        .and_then(|r| Membership::new(r, organisation_id))
        .map_err(|e| format!("role: {e}"));
    let chosen = password
        .map(|p| NewPassword::parse(p).map_err(|e| format!("password: {e}")))
        .transpose();
    let (email, membership, chosen) = match (email, membership, chosen) {
        (Ok(e), Ok(m), Ok(p)) => (e, m, p),
        (e, m, p) => {
            let errors = [e.err(), m.err(), p.err()].into_iter().flatten().collect();
            return Err(AccountError::Invalid(errors));
        }
    };
    let (to_hash, temporary) = match chosen {
        Some(p) => (p, None),
        None => {
            let t = NewPassword::temporary();
            (t.clone(), Some(t))
        }
    };
    let hash = hash_blocking(to_hash).await?;
    let txn = crate::store::begin_write(db).await?;
    let user = store::create_user(&txn, &email, &hash, membership, temporary.is_some()).await?;
    store::audit(
        &txn,
        actor,
        "user.add",
        &format!("{} as {}", user.email, membership.role()),
    )
    .await?;
    txn.commit().await?;
    Ok((user, temporary))
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown e-mail, wrong password or deactivated account: one answer for all, so the
    /// answer does not tell which addresses have accounts.
    #[error("the e-mail address or password is not right")]
    Invalid,
    #[error("too many attempts; try again in {} minutes", .0.as_secs().div_ceil(60))]
    Limited(Duration),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A new session: the token goes into the cookie, its hash into the database.
pub struct NewSession {
    pub user: StaffUser,
    pub token: Token,
    /// The token every form of the session carries (against cross-site requests).
    pub csrf_token: String,
    /// The password was right; the second factor is still to come (`two_factor`).
    pub pending: bool,
}

impl NewSession {
    /// Where the browser goes next.
    pub fn next(&self) -> &'static str {
        if self.pending {
            "/staff/two-factor"
        } else if self.user.must_change_password {
            "/staff/password"
        } else {
            "/staff"
        }
    }

    /// Seconds the cookie is kept: as long as the session.
    pub fn max_age_seconds(&self) -> u64 {
        if self.pending {
            PENDING_MINUTES.unsigned_abs() * 60
        } else {
            SESSION_HOURS.unsigned_abs() * 3600
        }
    }
}

/// Starts a session for `user`: a full one, or one `pending` its second factor (which opens
/// nothing but the second step and ends after `PENDING_MINUTES`).
async fn open_session<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: StaffUser,
    pending: bool,
) -> Result<NewSession, DbErr> {
    let token = Token::generate();
    let csrf = Token::generate();
    let lasts = if pending {
        ChronoDuration::minutes(PENDING_MINUTES)
    } else {
        ChronoDuration::hours(SESSION_HOURS)
    };
    store::create_session(
        db,
        &token.hash(),
        user.id,
        csrf.expose(),
        Utc::now() + lasts,
        pending,
    )
    .await?;
    Ok(NewSession {
        user,
        token,
        csrf_token: csrf.expose().to_string(),
        pending,
    })
}

/// Checks the password. Right, for an account that needs no second factor: a session. Right,
/// for one that does (its role requires it, or it has enrolled): a pending session for the
/// second step. Wrong: one answer for every reason, counted toward the limits.
pub async fn sign_in(
    db: &DatabaseConnection,
    limits: &Attempts,
    second_factor: &two_factor::TwoFactor,
    email: &str,
    attempt: &str,
    source: IpAddr,
) -> Result<NewSession, SignInError> {
    let account_key = email.trim().to_lowercase();
    let source_key = source.to_string();
    limits
        .check_sign_in(&account_key, &source_key)
        .map_err(SignInError::Limited)?;
    let found = match Email::parse(email) {
        Ok(email) => store::find_for_login(db, &email).await?,
        Err(_) => None,
    };
    let (user, stored) = match found {
        Some((user, hash)) if user.active => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let matches = verify_blocking(attempt.to_string(), stored).await;
    let Some(user) = user.filter(|_| matches) else {
        limits.failed_sign_in(&account_key, &source_key).await;
        return Err(SignInError::Invalid);
    };
    if second_factor.asked_of(&user) {
        // The password counts as right only with the second factor: the limits are reset
        // after it (`two_factor::verify`), not here.
        return Ok(open_session(db, user, true).await?);
    }
    limits.signed_in(&account_key).await;
    let txn = crate::store::begin_write(db).await?;
    let session = open_session(&txn, user, false).await?;
    store::audit(&txn, Some(session.user.id), "session.sign_in", "").await?;
    txn.commit().await?;
    Ok(session)
}

/// Changes one's own password after checking the current one; signs out every other session.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i32,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), AccountError> {
    let mut errors = Vec::new();
    let new = match NewPassword::parse(new) {
        Ok(p) if p.expose() == current => {
            errors.push("the new password must differ from the current one".to_string());
            None
        }
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(format!("new password: {e}"));
            None
        }
    };
    if new.as_ref().is_some_and(|n| n.expose() != repeat) {
        errors.push("the two new passwords are not the same".to_string());
    }
    let stored = store::password_hash_of(db, user_id).await?;
    if stored.is_none() {
        return Err(AccountError::UnknownUser);
    }
    if !verify_blocking(current.to_string(), stored).await {
        errors.insert(0, "the current password is not right".to_string());
    }
    let new = match new {
        Some(new) if errors.is_empty() => new,
        _ => return Err(AccountError::Invalid(errors)),
    };
    let hash = hash_blocking(new).await?;
    let txn = crate::store::begin_write(db).await?;
    store::set_password(&txn, user_id, &hash, false).await?;
    store::audit(&txn, Some(user_id), "user.change_password", "").await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator resets someone's password: a temporary one, shown once to the
/// administrator to hand over, to be changed at the next sign-in. All sessions end.
pub async fn reset_password(
    db: &DatabaseConnection,
    actor: i32,
    user_id: i32,
) -> Result<(StaffUser, NewPassword), AccountError> {
    let user = store::find_user(db, user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    let temporary = NewPassword::temporary();
    let hash = hash_blocking(temporary.clone()).await?;
    let txn = crate::store::begin_write(db).await?;
    store::set_password(&txn, user_id, &hash, true).await?;
    store::delete_sessions_of(&txn, user_id).await?;
    store::audit(&txn, Some(actor), "user.reset_password", &user.email).await?;
    txn.commit().await?;
    Ok((user, temporary))
}

/// Deactivating signs the person out at once and revokes every API token of theirs, for good:
/// activating the account again brings none of them back. The account and audit trail stay.
pub async fn set_active(
    db: &DatabaseConnection,
    actor: i32,
    user_id: i32,
    active: bool,
) -> Result<StaffUser, AccountError> {
    let user = store::find_user(db, user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    if actor == user_id && !active {
        return Err(AccountError::Invalid(vec![
            "you cannot deactivate your own account".to_string(),
        ]));
    }
    let txn = crate::store::begin_write(db).await?;
    store::set_active(&txn, user_id, active).await?;
    if !active {
        store::delete_sessions_of(&txn, user_id).await?;
        crate::store::tokens::revoke_all_of(&txn, user_id).await?;
    }
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    store::audit(&txn, Some(actor), action, &user.email).await?;
    txn.commit().await?;
    Ok(user)
}
