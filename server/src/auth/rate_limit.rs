//! Counting failed attempts (sign-in, code entry) per key in a fixed time window, in memory
//! only: the keys (e-mail addresses, source addresses) are never logged or stored.
//! Each app server counts for itself; behind a load balancer the limit applies per server.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries are pruned when the map grows past this, so a flood of keys cannot exhaust memory.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl RateLimiter {
    pub fn new(max_failures: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            max_failures,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when the key has used up its failures in the current window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    pub fn record_failure(&self, key: &str) {
        self.record_failure_at(key, Instant::now());
    }

    /// Counts an attempt before its outcome is known: `Err(wait)` when it is one more than the
    /// window allows. Counting first means that attempts sent at the same moment cannot all
    /// pass one check; a success then [`RateLimiter::reset`]s the key.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        if self.record_failure_at(key, now) > self.max_failures {
            let started = self.lock().get(key).map_or(now, |w| w.started);
            return Err(self.window.saturating_sub(now.duration_since(started)));
        }
        Ok(())
    }

    /// After a success the key starts afresh.
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        // A poisoned lock only means another request panicked mid-update of a counter; the
        // counts are still usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Failures counted for the key in its current window.
    fn failures_at(&self, key: &str, now: Instant) -> u32 {
        match self.lock().get(key) {
            Some(w) if now.duration_since(w.started) < self.window => w.failures,
            _ => 0,
        }
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        match self.lock().get(key) {
            Some(w)
                if now.duration_since(w.started) < self.window
                    && w.failures >= self.max_failures =>
            {
                Err(self.window - now.duration_since(w.started))
            }
            _ => Ok(()),
        }
    }

    /// Records a failure; returns the key's failures in its window, this one included.
    fn record_failure_at(&self, key: &str, now: Instant) -> u32 {
        let mut entries = self.lock();
        if entries.len() > PRUNE_ABOVE {
            let window = self.window;
            entries.retain(|_, w| now.duration_since(w.started) < window);
        }
        let entry = entries.entry(key.to_string()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.failures
    }
}

/// Wrong access codes: a limit per source, and a ceiling over all sources together.
///
/// A source (an IPv4 address, an IPv6 /56) may make `per_source` wrong codes in a window. Once
/// the whole server has seen `overall` wrong codes in a window, someone is guessing from many
/// sources at once: from then until the window ends, a source that has made any wrong code
/// is refused at once. Children who type their code right the first time never notice; a
/// guesser's sources get one try each per window instead of `per_source`.
#[derive(Debug)]
pub struct CodeGuard {
    per_source: RateLimiter,
    overall: RateLimiter,
    overall_max: u32,
}

/// The one key of the ceiling's counter.
const EVERY_SOURCE: &str = "*";

impl CodeGuard {
    pub fn new(per_source: u32, overall: u32, window: Duration) -> CodeGuard {
        CodeGuard {
            per_source: RateLimiter::new(per_source, window),
            overall: RateLimiter::new(overall, window),
            overall_max: overall,
        }
    }

    /// `Err(wait)` when the source may not try a code now.
    pub fn check(&self, source: &str) -> Result<(), Duration> {
        self.check_at(source, Instant::now())
    }

    /// A code from this source was unknown or malformed.
    pub fn record_failure(&self, source: &str) {
        self.record_failure_at(source, Instant::now())
    }

    fn check_at(&self, source: &str, now: Instant) -> Result<(), Duration> {
        self.per_source.check_at(source, now)?;
        match self.overall.check_at(EVERY_SOURCE, now) {
            Err(wait) if self.per_source.failures_at(source, now) > 0 => Err(wait),
            _ => Ok(()),
        }
    }

    fn record_failure_at(&self, source: &str, now: Instant) {
        self.per_source.record_failure_at(source, now);
        if self.overall.record_failure_at(EVERY_SOURCE, now) == self.overall_max {
            // Said once per window; no source, code or address is logged.
            tracing::warn!(
                wrong_codes = self.overall_max,
                "many wrong access codes from many sources: someone may be guessing codes; \
                 sources that typed a wrong code wait until the window ends"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_blocked_after_its_failures_until_the_window_ends() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("a", t0).is_ok());
            limiter.record_failure_at("a", t0);
        }
        let wait = limiter
            .check_at("a", t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(
            limiter.check_at("b", t0).is_ok(),
            "other keys are not affected"
        );
        assert!(limiter.check_at("a", t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn attempts_counted_before_their_outcome_stop_at_the_limit_even_when_sent_together() {
        let limiter = std::sync::Arc::new(RateLimiter::new(5, Duration::from_secs(60)));
        // Twenty attempts at the same moment: each is counted as it is taken, so exactly five
        // go ahead, whatever their order.
        let allowed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..20)
                .map(|_| {
                    let limiter = limiter.clone();
                    scope.spawn(move || limiter.take("account").is_ok())
                })
                .collect();
            handles
                .into_iter()
                .map(|h| usize::from(h.join().unwrap()))
                .sum()
        });
        assert_eq!(allowed, 5);
        assert!(limiter.check("account").is_err());
        limiter.reset("account");
        assert!(limiter.take("account").is_ok(), "a success starts afresh");
    }

    #[test]
    fn past_the_ceiling_only_sources_that_failed_wait() {
        let guard = CodeGuard::new(3, 5, Duration::from_secs(60));
        let t0 = Instant::now();
        for source in ["a", "b"] {
            for _ in 0..2 {
                assert!(guard.check_at(source, t0).is_ok());
                guard.record_failure_at(source, t0);
            }
        }
        assert!(
            guard.check_at("a", t0).is_ok(),
            "four wrong codes in all: below the ceiling"
        );
        guard.record_failure_at("c", t0);
        let wait = guard
            .check_at("a", t0 + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(40), "until the window ends");
        assert!(guard.check_at("b", t0).is_err() && guard.check_at("c", t0).is_err());
        assert!(
            guard.check_at("fresh", t0).is_ok(),
            "a source without a wrong code still gets its try"
        );
        guard.record_failure_at("fresh", t0);
        assert!(guard.check_at("fresh", t0).is_err(), "and only one");
        let later = t0 + Duration::from_secs(61);
        assert!(
            guard.check_at("a", later).is_ok(),
            "a new window starts afresh"
        );
    }

    #[test]
    fn one_source_still_has_its_own_limit_below_the_ceiling() {
        let guard = CodeGuard::new(2, 1_000, Duration::from_secs(60));
        let t0 = Instant::now();
        guard.record_failure_at("a", t0);
        assert!(guard.check_at("a", t0).is_ok());
        guard.record_failure_at("a", t0);
        assert!(guard.check_at("a", t0).is_err());
        assert!(guard.check_at("b", t0).is_ok());
    }

    #[test]
    fn success_resets_the_count() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        limiter.record_failure("a");
        limiter.record_failure("a");
        assert!(limiter.check("a").is_err());
        limiter.reset("a");
        assert!(limiter.check("a").is_ok());
    }

    #[test]
    fn many_keys_are_pruned_once_their_window_is_over() {
        let limiter = RateLimiter::new(1, Duration::from_secs(1));
        let t0 = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            limiter.record_failure_at(&i.to_string(), t0);
        }
        limiter.record_failure_at("late", t0 + Duration::from_secs(2));
        assert_eq!(limiter.lock().len(), 1);
    }
}
