//! Counting failed attempts (sign-in, later code entry) per key in a fixed time window, in
//! memory only: the keys (e-mail addresses, source addresses) are never logged or stored.
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
        self.record_failure_at(key, Instant::now())
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

    fn record_failure_at(&self, key: &str, now: Instant) {
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
