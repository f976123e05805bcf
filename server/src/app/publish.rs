//! Publishing a wave: its publication is made (every table of every breakdown, at the
//! server's k, grouped by the register as it is now), then stored, the wave marked published
//! and the audit entry written in one transaction. From then on everything anyone sees of the
//! wave is read from that publication.

use crate::domain::wave::WaveState;
use crate::results::{published, Source};
use crate::store::staff as staff_store;
use crate::store::waves::{self, Wave, WaveChangeError};
use sea_orm::TransactionTrait;

/// Publishes a closed wave as `actor` (a staff account; `None` for the command line).
pub async fn publish_wave(
    source: &Source<'_>,
    actor: Option<i32>,
    wave_id: i32,
) -> Result<Wave, WaveChangeError> {
    let current = waves::find_by_id(source.db, wave_id)
        .await?
        .ok_or(WaveChangeError::NotFound)?;
    let not_next = || WaveChangeError::not_next(&current);
    if current.state != WaveState::Closed {
        return Err(not_next());
    }
    // A wave is published only once its rows are out of arrival order (`app::closing`); this
    // does nothing when they are.
    crate::store::shuffle::shuffle_wave(source.db, wave_id).await?;
    // Made before the transaction: the engine takes a while and needs no lock.
    let publication = published::make(source, &current, source.k).await?;
    let txn = source.db.begin().await?;
    if !waves::move_state(&txn, wave_id, WaveState::Closed, WaveState::Published).await? {
        return Err(not_next());
    }
    published::save(&txn, &current, &publication).await?;
    staff_store::audit(
        &txn,
        actor,
        "wave.state",
        &format!(
            "{} → published (k = {}, register of {})",
            current.label, publication.k, publication.made_on
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(Wave {
        state: WaveState::Published,
        ..current
    })
}

/// Publishing runs beside the request that asked for it: the engine takes from seconds for a
/// small wave to minutes for a national one, longer than a request may last. Each server
/// keeps which waves it is publishing and how the last try ended; the waves page shows it.
/// A server that stops while publishing leaves the wave closed, to be published again.
#[derive(Debug, Default)]
pub struct PublishJobs {
    jobs: std::sync::Mutex<std::collections::HashMap<i32, Job>>,
}

/// Where publishing a wave on this server stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    Running {
        since: chrono::DateTime<chrono::Utc>,
    },
    Failed {
        at: chrono::DateTime<chrono::Utc>,
        reason: String,
    },
}

impl PublishJobs {
    /// How publishing `wave` stands here; `None` when it never started or it succeeded.
    pub fn status(&self, wave: i32) -> Option<Job> {
        self.lock().get(&wave).cloned()
    }

    /// Starts `work` (publishing `wave`) beside the caller, unless it runs already: then
    /// `false` and nothing starts. The outcome is kept for [`PublishJobs::status`].
    pub fn start<F>(self: &std::sync::Arc<Self>, wave: i32, work: F) -> bool
    where
        F: std::future::Future<Output = Result<Wave, WaveChangeError>> + Send + 'static,
    {
        {
            let mut jobs = self.lock();
            if matches!(jobs.get(&wave), Some(Job::Running { .. })) {
                return false;
            }
            jobs.insert(
                wave,
                Job::Running {
                    since: chrono::Utc::now(),
                },
            );
        }
        let jobs = self.clone();
        tokio::spawn(async move {
            // Run in a task of its own, so that even a panic ends as a failure shown.
            let outcome = match tokio::spawn(work).await {
                Ok(Ok(_)) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(_) => Some("the disclosure engine stopped unexpectedly".to_string()),
            };
            let mut kept = jobs.lock();
            match outcome {
                None => {
                    kept.remove(&wave);
                }
                Some(reason) => {
                    tracing::error!(wave, %reason, "publishing failed");
                    kept.insert(
                        wave,
                        Job::Failed {
                            at: chrono::Utc::now(),
                            reason,
                        },
                    );
                }
            }
        });
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<i32, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn wave() -> Wave {
        Wave {
            id: 7,
            label: "2025".into(),
            opens_on: chrono::NaiveDate::MIN,
            closes_on: chrono::NaiveDate::MIN,
            state: WaveState::Published,
            instrument_id: 1,
            synthetic: false,
        }
    }

    async fn settled(jobs: &PublishJobs, wave: i32) -> Option<Job> {
        loop {
            match jobs.status(wave) {
                Some(Job::Running { .. }) => tokio::task::yield_now().await,
                other => return other,
            }
        }
    }

    #[tokio::test]
    async fn a_second_start_while_publishing_runs_starts_nothing() {
        let jobs = Arc::new(PublishJobs::default());
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        assert!(jobs.start(7, async move {
            let _ = wait.await;
            Ok(wave())
        }));
        assert!(matches!(jobs.status(7), Some(Job::Running { .. })));
        assert!(!jobs.start(7, async { Ok(wave()) }), "one run per wave");
        go.send(()).unwrap();
        assert_eq!(
            settled(&jobs, 7).await,
            None,
            "success leaves nothing to show"
        );
    }

    #[tokio::test]
    async fn a_failure_and_a_panic_are_kept_to_show_and_may_be_tried_again() {
        let jobs = Arc::new(PublishJobs::default());
        assert!(jobs.start(7, async { Err(WaveChangeError::NotFound) }));
        let Some(Job::Failed { reason, .. }) = settled(&jobs, 7).await else {
            panic!("the failure is kept")
        };
        assert_eq!(reason, WaveChangeError::NotFound.to_string());
        assert!(jobs.start(7, async { panic!("the engine broke") }));
        let Some(Job::Failed { reason, .. }) = settled(&jobs, 7).await else {
            panic!("the panic is kept as a failure")
        };
        assert!(reason.contains("stopped unexpectedly"), "{reason}");
        assert!(jobs.start(7, async { Ok(wave()) }), "tried again");
        assert_eq!(settled(&jobs, 7).await, None);
    }
}
