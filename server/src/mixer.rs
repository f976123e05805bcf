//! The mixer task: moves held responses into `response` in batches (see `store::mixing`). It
//! wakes when a response arrives and every few seconds; a batch moves once it is full, or,
//! with decoys, once responses have waited `max_wait`.

use crate::domain::seal::SealKey;
use crate::store::mixing::{self, Select};
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How responses are mixed; part of the server's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixSettings {
    /// Responses moved together (each shares its transaction with at least this many).
    pub batch: usize,
    /// The longest a response waits for a full batch before it moves with decoys.
    pub max_wait: Duration,
}

impl Default for MixSettings {
    fn default() -> Self {
        MixSettings {
            batch: mixing::DEFAULT_BATCH,
            max_wait: Duration::from_secs(600),
        }
    }
}

const TICK: Duration = Duration::from_secs(5);
/// Surveys arrived this recently: the server is busy taking them in.
const BUSY_FOR: Duration = Duration::from_millis(250);
/// While it is busy, the mixer starts a round at most this often. Taking a child's survey in
/// comes first (a burst, such as a whole group answering at nine, is answered at once); what
/// is held is safe on disk and is mixed in the quieter moments, and always before its wave
/// closes.
const BUSY_ROUNDS_EVERY: Duration = TICK;

#[derive(Debug)]
pub struct Mixer {
    settings: MixSettings,
    wake: Notify,
    /// When a survey was last held (monotonic milliseconds since `started`).
    last_arrival: AtomicU64,
    started: Instant,
}

impl Mixer {
    pub fn new(settings: MixSettings) -> Mixer {
        Mixer {
            settings,
            wake: Notify::new(),
            last_arrival: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// The smallest batch this mixer moves.
    pub fn batch(&self) -> usize {
        self.settings.batch
    }

    /// A response was held: look whether a batch is full.
    pub fn nudge(&self) {
        let now = self.started.elapsed().as_millis();
        self.last_arrival
            .store(u64::try_from(now).unwrap_or(u64::MAX), Ordering::Relaxed);
        self.wake.notify_one();
    }

    /// Whether surveys are arriving right now.
    fn busy(&self) -> bool {
        let last = Duration::from_millis(self.last_arrival.load(Ordering::Relaxed));
        self.started.elapsed().saturating_sub(last) < BUSY_FOR
    }

    /// Runs until the process ends. Errors (a database that is down) are logged and retried.
    /// Held responses are opened with `key`.
    pub async fn run(self: Arc<Self>, db: DatabaseConnection, key: Arc<SealKey>) {
        let mut waiting_since: Option<Instant> = None;
        let mut last_round: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
            let force = waiting_since.is_some_and(|t| t.elapsed() >= self.settings.max_wait);
            if !force && self.busy() && last_round.is_some_and(|t| t.elapsed() < BUSY_ROUNDS_EVERY)
            {
                continue;
            }
            last_round = Some(Instant::now());
            let select = Select::Waiting {
                batch: self.settings.batch,
                force,
            };
            match mixing::flush(&db, &key, select).await {
                Ok(done) => {
                    waiting_since =
                        (done.left > 0).then(|| waiting_since.unwrap_or_else(Instant::now));
                    if done.moved > 0 && (done.more || done.left >= self.settings.batch) {
                        self.wake.notify_one();
                    }
                }
                Err(e) => tracing::warn!(error = %e, "mixing responses failed; trying again"),
            }
        }
    }
}
