//! The limits counted in PostgreSQL, together with every other app server on the database
//! (see `attempts`): one upsert per failure, keys at their limit announced with `NOTIFY` and
//! kept in each server's memory.

use super::{Rule, ALL_WRONG_CODES, SIGN_INS_PER_ACCOUNT, SIGN_INS_PER_SOURCE, WRONG_CODES};
use crate::pepper::Pepper;
use crate::store::rate_limits;
use hmac::{Hmac, Mac};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The channel servers announce keys at their limit on.
const CHANNEL: &str = "veilig_rate_limit";

/// The one key of the ceiling's count.
const EVERY_SOURCE: &str = "*";

/// Milliseconds since 1970.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn window_ms(rule: Rule) -> i64 {
    i64::try_from(rule.window.as_millis()).unwrap_or(i64::MAX)
}

fn wait_until(until: i64, now: i64) -> Duration {
    Duration::from_millis(u64::try_from(until - now).unwrap_or(0)).max(Duration::from_secs(1))
}

/// Keys at their limit, by scope and keyed hash, until when (milliseconds since 1970).
#[derive(Default)]
struct Blocked {
    keys: HashMap<(String, String), i64>,
    /// The size at which keys whose time is over are dropped.
    clear_at: usize,
}

/// The smallest size at which [`Blocked`] is cleared.
const CLEAR_AT_LEAST: usize = 10_000;

pub(super) struct Shared {
    db: DatabaseConnection,
    key: [u8; 32],
    /// Keys at their limit.
    blocked: Mutex<Blocked>,
    /// Until when the ceiling over all wrong codes holds (0: it does not).
    ceiling_until: AtomicI64,
}

impl Shared {
    /// Reads the keys at their limit now, and listens for more beside the requests.
    pub(super) async fn start(
        db: DatabaseConnection,
        pepper: &Pepper,
    ) -> Result<Arc<Shared>, DbErr> {
        let shared = Arc::new(Shared {
            db,
            key: pepper.derive_key(b"veilig/rate-limit/v1"),
            blocked: Mutex::default(),
            ceiling_until: AtomicI64::new(0),
        });
        shared.read_blocked().await?;
        tokio::spawn(shared.clone().listen());
        Ok(shared)
    }

    fn hash(&self, rule: Rule, key: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(rule.scope.as_bytes());
        mac.update(&[0]);
        mac.update(key.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Until when a key is blocked, if it is.
    fn blocked_until(&self, scope: &str, key_hash: &str) -> Option<i64> {
        let blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        blocked
            .keys
            .get(&(scope.to_string(), key_hash.to_string()))
            .copied()
    }

    pub(super) fn check(&self, rule: Rule, key: &str) -> Result<(), Duration> {
        let now = now_ms();
        match self.blocked_until(rule.scope, &self.hash(rule, key)) {
            Some(until) if until > now => Err(wait_until(until, now)),
            _ => Ok(()),
        }
    }

    /// Remembers a key at its limit until `until`. Keys whose time is over are dropped when
    /// the map has doubled since it was last cleared, so a flood of keys costs no more than
    /// twice its size, and clearing stays rare.
    fn remember(&self, scope: &str, key_hash: &str, until: i64) {
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        if blocked.keys.len() >= blocked.clear_at {
            let now = now_ms();
            blocked.keys.retain(|_, until| *until > now);
            blocked.clear_at = (2 * blocked.keys.len()).max(CLEAR_AT_LEAST);
        }
        let entry = blocked
            .keys
            .entry((scope.to_string(), key_hash.to_string()))
            .or_insert(until);
        *entry = (*entry).max(until);
    }

    /// Remembers a key at its limit and tells every other server.
    async fn announce(&self, scope: &str, key_hash: &str, until: i64) -> Result<(), DbErr> {
        self.remember(scope, key_hash, until);
        self.notify(&format!("{scope} {key_hash} {until}")).await
    }

    async fn notify(&self, payload: &str) -> Result<(), DbErr> {
        self.db
            .execute_raw(Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await
            .map(|_| ())
    }

    /// Counts a failure of `key`; announces the key once it is at its limit. A database that
    /// does not answer is logged: the request that failed is answered anyway.
    pub(super) async fn fail(&self, rule: Rule, key: &str) {
        if let Err(e) = self.try_fail(rule, key).await {
            tracing::warn!(error = %e, scope = rule.scope, "a failed attempt could not be counted");
        }
    }

    async fn try_fail(&self, rule: Rule, key: &str) -> Result<(), DbErr> {
        self.take(rule, key).await.map(|_| ())
    }

    /// Counts a failure, or an attempt of `key` before its outcome is known (see
    /// `RateLimiter::take`), and announces the key once it is at its limit: `Err(wait)` when
    /// it is one more than the rule allows.
    pub(super) async fn take(&self, rule: Rule, key: &str) -> Result<Result<(), Duration>, DbErr> {
        let key_hash = self.hash(rule, key);
        let now = now_ms();
        let count =
            rate_limits::record_failure(&self.db, rule.scope, &key_hash, now, window_ms(rule))
                .await?;
        if count.failures >= rule.max {
            self.announce(rule.scope, &key_hash, count.window_ends)
                .await?;
        }
        if count.failures > rule.max {
            return Ok(Err(wait_until(count.window_ends, now)));
        }
        Ok(Ok(()))
    }

    pub(super) async fn wrong_code(&self, source: &str) {
        if let Err(e) = self.try_wrong_code(source).await {
            tracing::warn!(error = %e, "a wrong code could not be counted");
        }
    }

    async fn try_wrong_code(&self, source: &str) -> Result<(), DbErr> {
        self.try_fail(WRONG_CODES, source).await?;
        let now = now_ms();
        let ceiling = self.ceiling_until.load(Ordering::Acquire);
        if ceiling > now {
            // Past the ceiling, a source with any wrong code waits until its window ends.
            let key_hash = self.hash(WRONG_CODES, source);
            return self.announce(WRONG_CODES.scope, &key_hash, ceiling).await;
        }
        let all = rate_limits::record_failure(
            &self.db,
            ALL_WRONG_CODES.scope,
            EVERY_SOURCE,
            now,
            window_ms(ALL_WRONG_CODES),
        )
        .await?;
        // At the ceiling (or past it, should the server that reached it not have said so).
        if all.failures >= ALL_WRONG_CODES.max {
            // Said once per window; no source, code or address is logged.
            tracing::warn!(
                wrong_codes = ALL_WRONG_CODES.max,
                "many wrong access codes from many sources: someone may be guessing codes; \
                 sources that typed a wrong code wait until the window ends"
            );
            self.notify(&format!(
                "{} {EVERY_SOURCE} {}",
                ALL_WRONG_CODES.scope, all.window_ends
            ))
            .await?;
            self.ceiling(all.window_ends).await?;
        }
        Ok(())
    }

    /// The ceiling holds until `until`: every source with a wrong code in its window waits.
    async fn ceiling(&self, until: i64) -> Result<(), DbErr> {
        self.ceiling_until.fetch_max(until, Ordering::AcqRel);
        for counted in rate_limits::counted(&self.db, WRONG_CODES.scope, 1, now_ms()).await? {
            self.remember(&counted.scope, &counted.key_hash, until);
        }
        Ok(())
    }

    pub(super) async fn forget(&self, rule: Rule, key: &str) {
        let key_hash = self.hash(rule, key);
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys
            .remove(&(rule.scope.to_string(), key_hash.clone()));
        if let Err(e) = rate_limits::forget(&self.db, rule.scope, &key_hash).await {
            tracing::warn!(error = %e, scope = rule.scope, "failures could not be forgotten");
        }
    }

    /// Reads every key at its limit, and the ceiling.
    async fn read_blocked(&self) -> Result<(), DbErr> {
        let now = now_ms();
        for rule in [WRONG_CODES, SIGN_INS_PER_ACCOUNT, SIGN_INS_PER_SOURCE] {
            for counted in rate_limits::counted(&self.db, rule.scope, rule.max, now).await? {
                self.remember(&counted.scope, &counted.key_hash, counted.count.window_ends);
            }
        }
        let all =
            rate_limits::counted(&self.db, ALL_WRONG_CODES.scope, ALL_WRONG_CODES.max, now).await?;
        if let Some(ceiling) = all.first() {
            self.ceiling(ceiling.count.window_ends).await?;
        }
        Ok(())
    }

    /// What another server announced.
    async fn heard(&self, payload: &str) -> Result<(), DbErr> {
        let mut parts = payload.split(' ');
        let (Some(scope), Some(key_hash), Some(until), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Ok(());
        };
        let Ok(until) = until.parse::<i64>() else {
            return Ok(());
        };
        if scope == ALL_WRONG_CODES.scope {
            self.ceiling(until).await
        } else {
            self.remember(scope, key_hash, until);
            Ok(())
        }
    }

    /// Listens for keys other servers announce, for as long as the server runs; reads them all
    /// again after the listening connection was lost. Every ten minutes, deletes rows whose
    /// window has ended.
    async fn listen(self: Arc<Self>) {
        let mut prune = tokio::time::interval(Duration::from_secs(600));
        loop {
            let mut listener =
                match PgListener::connect_with(self.db.get_postgres_connection_pool()).await {
                    Ok(listener) => listener,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for rate limits; trying again");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                };
            if let Err(e) = listener.listen(CHANNEL).await {
                tracing::warn!(error = %e, "cannot listen for rate limits; trying again");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
            // What was announced while this server was not listening.
            if let Err(e) = self.read_blocked().await {
                tracing::warn!(error = %e, "cannot read the rate limits");
            }
            loop {
                tokio::select! {
                    heard = listener.try_recv() => match heard {
                        Ok(Some(notification)) => {
                            if let Err(e) = self.heard(notification.payload()).await {
                                tracing::warn!(error = %e, "cannot read the rate limits");
                            }
                        }
                        // The connection was lost: listen again and read everything again.
                        Ok(None) | Err(_) => break,
                    },
                    _ = prune.tick() => {
                        if let Err(e) = rate_limits::prune(&self.db, now_ms()).await {
                            tracing::debug!(error = %e, "old rate limit rows stay for now");
                        }
                    }
                }
            }
        }
    }
}
