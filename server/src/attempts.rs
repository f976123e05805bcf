//! Limits on failed attempts that hold across app servers and restarts: wrong access codes per
//! source (a kiosk tablet counts by its pass, not by the address it shares with its group),
//! with a ceiling over all sources together; and failed sign-ins per account and per source.
//!
//! On SQLite there is one server, and it counts in its memory (`auth::rate_limit`). On
//! PostgreSQL every failure is counted in `rate_limit` (`store::rate_limits`), one statement
//! that every server's counts add up in. A check, which every child's code goes through, reads
//! only this server's memory: a key that reaches its limit is announced to every server
//! (PostgreSQL's `NOTIFY`), and each server reads the keys at their limit when it starts and
//! whenever its listening connection was lost and made again. So children's surveys cost no
//! extra statement, and a limit reached on one server holds on all of them within moments.
//!
//! Keys are stored as HMAC-SHA256 under a key derived from the pepper: a dump shows no source
//! address or e-mail address.

mod shared;

use crate::auth::rate_limit::{CodeGuard, RateLimiter};
use crate::pepper::Pepper;
use sea_orm::{DatabaseConnection, DbErr};
use shared::Shared;
use std::sync::Arc;
use std::time::Duration;

/// What is counted, how many failures are allowed, and in how long a window.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub scope: &'static str,
    pub max: u32,
    pub window: Duration,
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

/// Wrong codes per source in 15 minutes. A group's network shares one address, so this is
/// generous for children mistyping and still slow for guessing (docs/operations.md, "Guessing
/// codes", has the arithmetic).
pub const WRONG_CODES: Rule = Rule {
    scope: "code",
    max: 100,
    window: FIFTEEN_MINUTES,
};
/// Wrong codes from every source together: far above what children mistype in a national
/// wave. Past it, a source with any wrong code waits until the window ends.
pub const ALL_WRONG_CODES: Rule = Rule {
    scope: "code-all",
    max: 10_000,
    window: FIFTEEN_MINUTES,
};
/// Failed sign-ins per account.
pub const SIGN_INS_PER_ACCOUNT: Rule = Rule {
    scope: "login-account",
    max: 5,
    window: FIFTEEN_MINUTES,
};
/// Failed sign-ins per source address.
pub const SIGN_INS_PER_SOURCE: Rule = Rule {
    scope: "login-source",
    max: 30,
    window: FIFTEEN_MINUTES,
};

/// Why a second-factor attempt is not made.
#[derive(Debug)]
pub enum SecondFactorRefusal {
    /// The account or the source is at its limit for this long.
    Wait(Duration),
    /// The attempt could not be counted: it is not made.
    Db(DbErr),
}

/// The limits of this server.
pub struct Attempts(Counting);

enum Counting {
    Memory(Box<InMemory>),
    Shared(Arc<Shared>),
}

struct InMemory {
    codes: CodeGuard,
    accounts: RateLimiter,
    sources: RateLimiter,
}

impl std::fmt::Debug for Attempts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No key is printed.
        f.write_str(match self.0 {
            Counting::Memory(_) => "Attempts(memory)",
            Counting::Shared(_) => "Attempts(shared)",
        })
    }
}

impl Attempts {
    /// Counting in this server's memory (SQLite: one server).
    pub fn in_memory() -> Attempts {
        Attempts(Counting::Memory(Box::new(InMemory {
            codes: CodeGuard::new(WRONG_CODES.max, ALL_WRONG_CODES.max, WRONG_CODES.window),
            accounts: RateLimiter::new(SIGN_INS_PER_ACCOUNT.max, SIGN_INS_PER_ACCOUNT.window),
            sources: RateLimiter::new(SIGN_INS_PER_SOURCE.max, SIGN_INS_PER_SOURCE.window),
        })))
    }

    /// Counting in the database, shared with every server on it (PostgreSQL). Reads the keys at
    /// their limit now, and listens for more beside the requests.
    pub async fn shared(db: DatabaseConnection, pepper: &Pepper) -> Result<Attempts, DbErr> {
        Ok(Attempts(Counting::Shared(Shared::start(db, pepper).await?)))
    }

    /// `Err(wait)` when `source` may not try a code now.
    pub fn check_code(&self, source: &str) -> Result<(), Duration> {
        match &self.0 {
            Counting::Memory(memory) => memory.codes.check(source),
            Counting::Shared(shared) => shared.check(WRONG_CODES, source),
        }
    }

    /// A code from `source` was unknown or malformed.
    pub async fn wrong_code(&self, source: &str) {
        match &self.0 {
            Counting::Memory(memory) => memory.codes.record_failure(source),
            Counting::Shared(shared) => shared.wrong_code(source).await,
        }
    }

    /// `Err(wait)` when this account or source may not try to sign in now.
    pub fn check_sign_in(&self, account: &str, source: &str) -> Result<(), Duration> {
        match &self.0 {
            Counting::Memory(memory) => memory
                .sources
                .check(source)
                .and_then(|()| memory.accounts.check(account)),
            Counting::Shared(shared) => shared
                .check(SIGN_INS_PER_SOURCE, source)
                .and_then(|()| shared.check(SIGN_INS_PER_ACCOUNT, account)),
        }
    }

    /// A sign-in for `account` from `source` failed.
    pub async fn failed_sign_in(&self, account: &str, source: &str) {
        match &self.0 {
            Counting::Memory(memory) => {
                memory.accounts.record_failure(account);
                memory.sources.record_failure(source);
            }
            Counting::Shared(shared) => {
                shared.fail(SIGN_INS_PER_ACCOUNT, account).await;
                shared.fail(SIGN_INS_PER_SOURCE, source).await;
            }
        }
    }

    /// An attempt at `account`'s second factor from `source`, counted before the code is
    /// checked, so that codes sent at the same moment cannot all pass one check (a code has
    /// six digits: guesses must stay few). `Err(wait)` when the account or the source is at its
    /// limit. A right code then calls [`Attempts::signed_in`]; a wrong one
    /// [`Attempts::failed_second_factor`].
    pub async fn second_factor_attempt(
        &self,
        account: &str,
        source: &str,
    ) -> Result<(), SecondFactorRefusal> {
        match &self.0 {
            Counting::Memory(memory) => {
                memory
                    .sources
                    .check(source)
                    .map_err(SecondFactorRefusal::Wait)?;
                memory
                    .accounts
                    .take(account)
                    .map_err(SecondFactorRefusal::Wait)
            }
            Counting::Shared(shared) => {
                shared
                    .check(SIGN_INS_PER_SOURCE, source)
                    .map_err(SecondFactorRefusal::Wait)?;
                shared
                    .take(SIGN_INS_PER_ACCOUNT, account)
                    .await
                    .map_err(SecondFactorRefusal::Db)?
                    .map_err(SecondFactorRefusal::Wait)
            }
        }
    }

    /// A second factor from `source` was wrong (the account's attempt is counted already).
    pub async fn failed_second_factor(&self, source: &str) {
        match &self.0 {
            Counting::Memory(memory) => memory.sources.record_failure(source),
            Counting::Shared(shared) => shared.fail(SIGN_INS_PER_SOURCE, source).await,
        }
    }

    /// `account` signed in: its failures are forgotten.
    pub async fn signed_in(&self, account: &str) {
        match &self.0 {
            Counting::Memory(memory) => memory.accounts.reset(account),
            Counting::Shared(shared) => shared.forget(SIGN_INS_PER_ACCOUNT, account).await,
        }
    }
}
