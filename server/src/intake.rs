//! Intake: the checked surveys that arrive at the same moment are stored together. Each
//! submission waits for a writer; a writer takes every submission waiting then (up to
//! `MAX_BATCH`) and stores them in one transaction (`store::intake::submit_many`), so a
//! busy server pays one commit for many children instead of one each. A submission is
//! answered only after its transaction committed: a `201` still means it is safe on disk.
//!
//! Should a batch fail as a whole (two sends of one survey racing each other, a deadlock), its
//! submissions are stored one by one, each with its own outcome or error; when it failed
//! because the database did not answer, each is answered that at once (trying each alone
//! would make a device wait for the database twice).

use crate::domain::seal::SealKey;
use crate::store::intake;
use crate::store::responses::{NewResponse, SubmitOutcome};
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// The most submissions one transaction takes.
const MAX_BATCH: usize = 64;
/// Submissions waiting for a writer; a sender waits when this many are queued.
const QUEUE: usize = 1_024;

struct Job {
    code_hash: String,
    new: NewResponse,
    reply: oneshot::Sender<Result<SubmitOutcome, DbErr>>,
}

/// Hands checked submissions to the writers.
#[derive(Debug, Clone)]
pub struct Intake {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Nothing a child sent is printed.
        f.write_str("Job")
    }
}

impl Intake {
    /// Starts `writers` writers on `db` (one for SQLite, which has one writer at a time).
    /// Held responses are sealed with `key`.
    pub fn start(db: DatabaseConnection, key: Arc<SealKey>, writers: usize) -> Intake {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..writers.max(1) {
            tokio::spawn(write(db.clone(), key.clone(), queue.clone()));
        }
        Intake { jobs }
    }

    /// Stores one checked submission with whatever else arrives now; returns when it is
    /// committed (or refused, or failed).
    pub async fn submit(
        &self,
        code_hash: String,
        new: NewResponse,
    ) -> Result<SubmitOutcome, DbErr> {
        let (reply, outcome) = oneshot::channel();
        let job = Job {
            code_hash,
            new,
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| DbErr::Custom("the intake has stopped".into()))?;
        outcome
            .await
            .map_err(|_| DbErr::Custom("the intake dropped a submission".into()))?
    }
}

/// One writer: waits for a submission, takes whatever else is waiting, stores them.
async fn write(db: DatabaseConnection, key: Arc<SealKey>, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        {
            let mut queue = queue.lock().await;
            if queue.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return; // every sender is gone: the server is stopping
            }
        }
        // In a task of its own, so that a panic (a bug) fails this batch's requests, which
        // then get their replies dropped, and not the writer.
        if tokio::spawn(store(db.clone(), key.clone(), batch))
            .await
            .is_err()
        {
            tracing::error!("storing a batch of submissions failed");
        }
    }
}

async fn store(db: DatabaseConnection, key: Arc<SealKey>, batch: Vec<Job>) {
    let db = &db;
    // The same code or survey twice in one batch (a device sending again at once) goes one by
    // one, after the others: each must see the other's outcome.
    let (mut together, mut alone) = (Vec::with_capacity(batch.len()), Vec::new());
    let (mut codes, mut submissions) = (HashSet::new(), HashSet::new());
    for job in batch {
        if codes.insert(job.code_hash.clone())
            && submissions.insert(job.new.submission_hash.clone())
        {
            together.push(job);
        } else {
            alone.push(job);
        }
    }
    if together.len() > 1 {
        let pairs: Vec<(&str, &NewResponse)> = together
            .iter()
            .map(|j| (j.code_hash.as_str(), &j.new))
            .collect();
        match intake::submit_many(db, &key, &pairs).await {
            Ok(outcomes) => {
                for (job, outcome) in together.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
                together = Vec::new();
            }
            // The database did not answer: each alone would wait for it again, and a device
            // would wait twice as long as the operations guide says. All are told at once.
            Err(e) if crate::store::is_unavailable(&e) => {
                let message = e.to_string();
                for job in together.into_iter().chain(alone) {
                    let _ = job.reply.send(Err(unavailable(&message)));
                }
                return;
            }
            Err(e) => tracing::debug!(error = %e, "a batch of submissions goes one by one"),
        }
    }
    // One after another would wait for a database that is down once per submission: at once.
    let mut one_by_one = tokio::task::JoinSet::new();
    for job in together {
        let (db, key) = (db.clone(), key.clone());
        one_by_one.spawn(async move {
            let outcome = intake::submit(&db, &key, &job.code_hash, &job.new).await;
            let _ = job.reply.send(outcome);
        });
    }
    while one_by_one.join_next().await.is_some() {}
    // These go one after another, each seeing the one before; once the database has not
    // answered, the rest are told so at once.
    let mut down: Option<String> = None;
    for job in alone {
        let outcome = match &down {
            Some(message) => Err(unavailable(message)),
            None => intake::submit(db, &key, &job.code_hash, &job.new).await,
        };
        if let Err(e) = &outcome {
            if crate::store::is_unavailable(e) {
                down.get_or_insert_with(|| e.to_string());
            }
        }
        let _ = job.reply.send(outcome);
    }
}

/// The error a submission gets when the database did not answer another's try.
fn unavailable(message: &str) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::Internal(message.to_string()))
}
