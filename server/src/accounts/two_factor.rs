//! The second step of signing in, and enrolling for it (RFC 6238 codes, `domain::two_factor`).
//!
//! - A role that requires a second factor (administrators and researchers by default), or an
//!   account that has enrolled, gets a *pending* session after its password: it opens nothing
//!   but this step, and ends after ten minutes.
//! - At the step, a code from the app or one of the ten recovery codes ends the pending session
//!   and starts a full one with a new token (so a token seen before the second factor is of no
//!   use after it). Wrong codes count toward the same limits as wrong passwords.
//! - An account that has not enrolled yet enrols there: a new secret for this session only
//!   (another session, even with the same password, sees another one), shown as a QR code and
//!   as text, sealed in the database under a key derived from the pepper with the account's id
//!   bound in; typing the first code confirms it and gives ten recovery codes, shown once and
//!   stored only as keyed hashes. From a full session (enrolling by choice) the password is
//!   asked too, so a session left open does not let someone else bind their phone.
//! - Every code typed counts toward the account's sign-in limit before it is checked, so codes
//!   sent at the same moment cannot all pass one check.
//! - A code is accepted once: its time step is stored, and no code of that step or an earlier
//!   one works again (one conditional update, so two requests cannot both pass).
//! - An administrator (or `veilig user reset-two-factor`) removes someone's second factor; they
//!   enrol again at their next sign-in. An audit entry records it.

use super::{open_session, verify_blocking, AccountError, NewSession};
use crate::attempts::{Attempts, SecondFactorRefusal};
use crate::domain::seal::SealKey;
use crate::domain::two_factor::{
    now_seconds, RecoveryCode, SecondFactor, TotpSecret, TwoFactorRoles,
};
use crate::pepper::Pepper;
use crate::store::staff::{self as staff_store, StaffUser};
use crate::store::two_factor as store;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// What second factors need: the roles that must use one, the key that seals secrets and the
/// pepper that keys the hashes of recovery codes.
pub struct TwoFactor {
    roles: TwoFactorRoles,
    seal: SealKey,
    pepper: Arc<Pepper>,
}

impl std::fmt::Debug for TwoFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TwoFactor({})", self.roles)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// A wrong, used or malformed code: one answer for all.
    #[error("the code is not right")]
    Invalid,
    #[error("too many attempts; try again in {} minutes", .0.as_secs().div_ceil(60))]
    Limited(Duration),
    /// Enrolment was finished already (another tab, or an administrator reset it meanwhile).
    #[error("two-factor sign-in is already set up for this account")]
    AlreadyEnrolled,
    /// Enrolling from a full session asks for the password; it was wrong.
    #[error("the password is not right")]
    WrongPassword,
    /// The stored secret does not open (the pepper was replaced): only a reset helps.
    #[error("the stored secret cannot be read with this server's key")]
    Unreadable,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

impl From<SecondFactorRefusal> for SecondFactorError {
    fn from(refusal: SecondFactorRefusal) -> Self {
        match refusal {
            SecondFactorRefusal::Wait(wait) => SecondFactorError::Limited(wait),
            SecondFactorRefusal::Db(e) => SecondFactorError::Db(e),
        }
    }
}

impl From<AccountError> for SecondFactorError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Db(e) => SecondFactorError::Db(e),
            other => SecondFactorError::Internal(other.to_string()),
        }
    }
}

/// What the second step shows for an account.
#[derive(Debug)]
pub enum Step {
    /// Enrolled: ask for a code (a pending session), or show where things stand (a full one).
    Enrolled { recovery_codes_left: u64 },
    /// Not enrolled: the secret to add to an app, the same on every visit until confirmed.
    Enrol { secret: TotpSecret, otpauth: String },
}

impl TwoFactor {
    pub fn new(roles: TwoFactorRoles, pepper: Arc<Pepper>) -> TwoFactor {
        TwoFactor {
            roles,
            seal: SealKey::for_two_factor(&pepper),
            pepper,
        }
    }

    pub fn roles(&self) -> &TwoFactorRoles {
        &self.roles
    }

    /// The account must give a second factor: its role requires one, or it has one.
    pub fn asked_of(&self, user: &StaffUser) -> bool {
        user.two_factor || self.roles.requires(user.role())
    }

    fn row(user_id: i32) -> String {
        format!("staff_user:{user_id}")
    }

    fn seal(&self, user_id: i32, secret: &TotpSecret) -> Result<String, SecondFactorError> {
        self.seal
            .seal(&Self::row(user_id), &secret.base32())
            .map_err(|e| SecondFactorError::Internal(e.to_string()))
    }

    fn open(&self, user_id: i32, sealed: &str) -> Result<TotpSecret, SecondFactorError> {
        let text = self
            .seal
            .open(&Self::row(user_id), sealed)
            .map_err(|_| SecondFactorError::Unreadable)?;
        TotpSecret::from_base32(&text).ok_or(SecondFactorError::Unreadable)
    }

    fn recovery_hash(&self, user_id: i32, code: &RecoveryCode) -> String {
        self.pepper.keyed_hash(&[
            b"veilig/recovery-code/v1",
            user_id.to_string().as_bytes(),
            code.signs().as_bytes(),
        ])
    }

    /// The second step for `user` in the session `session_hash`: its state, making the
    /// session a secret to set up when the account has none.
    pub async fn step(
        &self,
        db: &DatabaseConnection,
        user: &StaffUser,
        session_hash: &str,
    ) -> Result<Step, SecondFactorError> {
        let stored = store::stored(db, user.id)
            .await?
            .ok_or_else(|| SecondFactorError::Internal("the account is gone".into()))?;
        if stored.confirmed {
            let left = store::recovery_codes_left(db, user.id).await?;
            return Ok(Step::Enrolled {
                recovery_codes_left: left,
            });
        }
        let kept = store::session_secret(db, session_hash).await?;
        let secret = match kept.as_deref().map(|s| self.open(user.id, s)) {
            Some(Ok(secret)) => secret,
            // None yet, or one that no longer opens (a new pepper): start afresh.
            _ => {
                let secret = TotpSecret::generate();
                store::keep_session_secret(db, session_hash, &self.seal(user.id, &secret)?).await?;
                secret
            }
        };
        let otpauth = secret.otpauth_url(&user.email);
        Ok(Step::Enrol { secret, otpauth })
    }

    /// Checks a code from the app against the enrolled secret and uses its step.
    async fn accept_code<C: ConnectionTrait>(
        &self,
        db: &C,
        user_id: i32,
        code: &str,
    ) -> Result<bool, SecondFactorError> {
        let Some(stored) = store::stored(db, user_id).await? else {
            return Ok(false);
        };
        let (true, Some(sealed)) = (stored.confirmed, stored.sealed) else {
            return Ok(false);
        };
        let secret = self.open(user_id, &sealed)?;
        let Some(step) = secret.check(code, now_seconds()) else {
            return Ok(false);
        };
        let step = i64::try_from(step).map_err(|e| SecondFactorError::Internal(e.to_string()))?;
        Ok(store::use_step(db, user_id, step).await?)
    }

    /// The second step of signing in: a code from the app or a recovery code. Right: the
    /// pending session (`pending_hash`) is replaced by a full one. Every code typed counts
    /// toward the account's limit before it is checked (a right one clears the count); what
    /// cannot be a code at all is refused without counting.
    pub async fn verify(
        &self,
        db: &DatabaseConnection,
        limits: &Attempts,
        pending_hash: &str,
        user: StaffUser,
        typed: &str,
        source: IpAddr,
    ) -> Result<NewSession, SecondFactorError> {
        let account_key = user.email.trim().to_lowercase();
        let source_key = source.to_string();
        let Some(typed) = SecondFactor::parse(typed) else {
            return Err(SecondFactorError::Invalid);
        };
        limits
            .second_factor_attempt(&account_key, &source_key)
            .await?;
        let txn = crate::store::begin_write(db).await?;
        let how = match typed {
            SecondFactor::Code(code) => self
                .accept_code(&txn, user.id, &code)
                .await?
                .then(|| "app".to_string()),
            SecondFactor::Recovery(code) => {
                let hash = self.recovery_hash(user.id, &code);
                if store::use_recovery_code(&txn, user.id, &hash).await? {
                    let left = store::recovery_codes_left(&txn, user.id).await?;
                    Some(format!("recovery code ({left} left)"))
                } else {
                    None
                }
            }
        };
        // The pending session must still be there: of two right answers sent at once with
        // the same session, one starts a session, the other is refused.
        let ended = match how {
            Some(_) => staff_store::end_pending_session(&txn, pending_hash).await?,
            None => false,
        };
        let (Some(how), true) = (how, ended) else {
            drop(txn);
            limits.failed_second_factor(&source_key).await;
            return Err(SecondFactorError::Invalid);
        };
        let session = open_session(&txn, user, false).await?;
        staff_store::audit(&txn, Some(session.user.id), "session.sign_in", &how).await?;
        txn.commit().await?;
        limits.signed_in(&account_key).await;
        Ok(session)
    }

    /// Confirms an enrolment with the first code from the app: the account signs in with a
    /// second factor from now on, and gets ten recovery codes (returned once). In the second
    /// step of a sign-in (`pending`) the pending session becomes a full one; from a full
    /// session the password is asked too (`password`).
    #[allow(clippy::too_many_arguments)]
    pub async fn enrol(
        &self,
        db: &DatabaseConnection,
        limits: &Attempts,
        user: StaffUser,
        session_hash: &str,
        pending: bool,
        typed: &str,
        password: Option<&str>,
        source: IpAddr,
    ) -> Result<(Vec<RecoveryCode>, Option<NewSession>), SecondFactorError> {
        let stored = store::stored(db, user.id)
            .await?
            .ok_or(SecondFactorError::Invalid)?;
        if stored.confirmed {
            return Err(SecondFactorError::AlreadyEnrolled);
        }
        let sealed = store::session_secret(db, session_hash)
            .await?
            .ok_or(SecondFactorError::Invalid)?;
        let secret = self.open(user.id, &sealed)?;
        let Some(SecondFactor::Code(code)) = SecondFactor::parse(typed) else {
            return Err(SecondFactorError::Invalid);
        };
        let step = secret
            .check(&code, now_seconds())
            .ok_or(SecondFactorError::Invalid)?;
        let step = i64::try_from(step).map_err(|e| SecondFactorError::Internal(e.to_string()))?;
        // The code first: it cannot be guessed from outside this session, so a form sent
        // without the right code never counts as a wrong password.
        if !pending {
            self.check_password(db, limits, &user, password.unwrap_or(""), source)
                .await?;
        }
        let codes = RecoveryCode::generate_set();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| self.recovery_hash(user.id, c))
            .collect();
        let txn = crate::store::begin_write(db).await?;
        if !store::confirm(&txn, user.id, session_hash, &sealed, step).await? {
            return Err(SecondFactorError::AlreadyEnrolled);
        }
        store::replace_recovery_codes(&txn, user.id, &hashes).await?;
        staff_store::audit(&txn, Some(user.id), "user.two_factor_on", "").await?;
        let session = if pending {
            if !staff_store::end_pending_session(&txn, session_hash).await? {
                return Err(SecondFactorError::Invalid);
            }
            let session = open_session(&txn, user, false).await?;
            staff_store::audit(&txn, Some(session.user.id), "session.sign_in", "enrolled").await?;
            Some(session)
        } else {
            None
        };
        txn.commit().await?;
        Ok((codes, session))
    }

    /// The password of a signed-in person, asked again; counted like a sign-in.
    async fn check_password(
        &self,
        db: &DatabaseConnection,
        limits: &Attempts,
        user: &StaffUser,
        password: &str,
        source: IpAddr,
    ) -> Result<(), SecondFactorError> {
        let account_key = user.email.trim().to_lowercase();
        let source_key = source.to_string();
        limits
            .check_sign_in(&account_key, &source_key)
            .map_err(SecondFactorError::Limited)?;
        let stored = staff_store::password_hash_of(db, user.id).await?;
        if verify_blocking(password.to_string(), stored).await {
            Ok(())
        } else {
            limits.failed_sign_in(&account_key, &source_key).await;
            Err(SecondFactorError::WrongPassword)
        }
    }

    /// Ten new recovery codes in place of the old ones, for a code from the app (counted like
    /// the second step of signing in).
    pub async fn new_recovery_codes(
        &self,
        db: &DatabaseConnection,
        limits: &Attempts,
        user: &StaffUser,
        typed: &str,
        source: IpAddr,
    ) -> Result<Vec<RecoveryCode>, SecondFactorError> {
        let account_key = user.email.trim().to_lowercase();
        let source_key = source.to_string();
        let Some(SecondFactor::Code(code)) = SecondFactor::parse(typed) else {
            return Err(SecondFactorError::Invalid);
        };
        limits
            .second_factor_attempt(&account_key, &source_key)
            .await?;
        let txn = crate::store::begin_write(db).await?;
        if !self.accept_code(&txn, user.id, &code).await? {
            drop(txn);
            limits.failed_second_factor(&source_key).await;
            return Err(SecondFactorError::Invalid);
        }
        limits.signed_in(&account_key).await;
        let codes = RecoveryCode::generate_set();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| self.recovery_hash(user.id, c))
            .collect();
        store::replace_recovery_codes(&txn, user.id, &hashes).await?;
        staff_store::audit(&txn, Some(user.id), "user.recovery_codes", "").await?;
        txn.commit().await?;
        Ok(codes)
    }
}

/// Removes an account's second factor (a lost phone): the secret and the recovery codes go,
/// every session of the account ends, and it enrols again at its next sign-in. `actor` is the
/// administrator, or `None` from the command line.
pub async fn reset(
    db: &DatabaseConnection,
    actor: Option<i32>,
    user_id: i32,
) -> Result<StaffUser, AccountError> {
    let user = staff_store::find_user(db, user_id)
        .await?
        .ok_or(AccountError::UnknownUser)?;
    let txn = crate::store::begin_write(db).await?;
    store::clear(&txn, user_id).await?;
    staff_store::delete_sessions_of(&txn, user_id).await?;
    staff_store::audit(&txn, actor, "user.reset_two_factor", &user.email).await?;
    txn.commit().await?;
    Ok(user)
}
