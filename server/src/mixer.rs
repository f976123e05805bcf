//! The mixer task: moves held responses into `response` in batches (see `store::mixing`). It
//! wakes when a response arrives and every few seconds; a batch moves once it is full, or,
//! with decoys, once responses have waited `max_wait`.

use crate::store::mixing::{self, Select};
use sea_orm::DatabaseConnection;
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

#[derive(Debug)]
pub struct Mixer {
    settings: MixSettings,
    wake: Notify,
}

impl Mixer {
    pub fn new(settings: MixSettings) -> Mixer {
        Mixer {
            settings,
            wake: Notify::new(),
        }
    }

    /// The smallest batch this mixer moves.
    pub fn batch(&self) -> usize {
        self.settings.batch
    }

    /// A response was held: look whether a batch is full.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Runs until the process ends. Errors (a database that is down) are logged and retried.
    pub async fn run(self: Arc<Self>, db: DatabaseConnection) {
        let mut waiting_since: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
            let force = waiting_since.is_some_and(|t| t.elapsed() >= self.settings.max_wait);
            let select = Select::Waiting {
                batch: self.settings.batch,
                force,
            };
            match mixing::flush(&db, select).await {
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
