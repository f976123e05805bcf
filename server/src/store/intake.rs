//! Taking in a child's response: the code marked used and the whole response held in
//! `pending_response`, sealed, in one transaction (stored whole or not at all). The mixer
//! (`store::mixing`) moves it into the results later, with a batch of others.

use super::responses::{known_submissions, submission_exists, NewResponse, SubmitOutcome};
use crate::domain::access_code::CodeState;
use sea_orm::{DatabaseConnection, DbErr};

/// Takes in a response for `code`: the code is marked used and the whole response is held in
/// `pending_response`, in one transaction, so it is stored whole or not at all. The mixer
/// (`store::mixing`) later moves it into `response` with a batch of others; it never goes
/// there in this transaction, which would give the code and the answers one transaction id.
///
/// The code is marked used first: on SQLite that makes the transaction a writer from its first
/// statement, so concurrent submissions queue instead of failing; on PostgreSQL the row lock
/// makes the second of two racing submissions wait and then find the code used.
pub async fn submit(
    db: &DatabaseConnection,
    key: &crate::domain::seal::SealKey,
    code_hash: &str,
    new: &NewResponse,
) -> Result<SubmitOutcome, DbErr> {
    let txn = super::begin_write(db).await?;
    if !super::codes::transition_hash(&txn, code_hash, CodeState::Unused, CodeState::Used).await? {
        txn.rollback().await?;
        return Ok(if submission_exists(db, &new.submission_hash).await? {
            SubmitOutcome::AlreadyStored
        } else {
            SubmitOutcome::CodeNotUnused
        });
    }
    // The same submission id with another code: it was taken in already.
    if submission_exists(&txn, &new.submission_hash).await? {
        txn.rollback().await?;
        return Ok(SubmitOutcome::AlreadyStored);
    }
    // A draft kept for this code (the plain-HTML survey) has served its purpose.
    super::drafts::delete(&txn, code_hash).await?;
    match super::mixing::hold(&txn, key, code_hash, new).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(SubmitOutcome::Created)
        }
        Err(e) if super::unique_violated(&e) == Some(super::Unique::HeldSubmission) => {
            txn.rollback().await?;
            Ok(SubmitOutcome::AlreadyStored)
        }
        Err(e) => Err(e),
    }
}

/// Takes in several responses at once, in one transaction: what [`submit`] does for one, for
/// each of them, with a few statements for all. Each gets its own outcome, in order. The
/// codes and submissions must all differ; an error leaves nothing stored, and the caller may
/// then take the responses in one by one.
///
/// The codes and held responses of one call share a transaction, as one code and its response
/// do in [`submit`]; the mixer rewrites both later, with a batch of others.
pub async fn submit_many(
    db: &DatabaseConnection,
    key: &crate::domain::seal::SealKey,
    submissions: &[(&str, &NewResponse)],
) -> Result<Vec<SubmitOutcome>, DbErr> {
    let mut outcomes = vec![SubmitOutcome::Created; submissions.len()];
    if submissions.is_empty() {
        return Ok(outcomes);
    }
    let txn = super::begin_write(db).await?;
    // A submission taken in before (a device sending again) is answered as stored, whatever
    // its code.
    let known = known_submissions(
        &txn,
        submissions.iter().map(|(_, n)| n.submission_hash.as_str()),
    )
    .await?;
    let mut fresh: Vec<usize> = Vec::with_capacity(submissions.len());
    for (i, (_, new)) in submissions.iter().enumerate() {
        if known.contains(&new.submission_hash) {
            outcomes[i] = SubmitOutcome::AlreadyStored;
        } else {
            fresh.push(i);
        }
    }
    let won = super::codes::use_unused(&txn, fresh.iter().map(|&i| submissions[i].0)).await?;
    let (taken, lost): (Vec<usize>, Vec<usize>) = fresh
        .into_iter()
        .partition(|&i| won.contains(submissions[i].0));
    let codes: Vec<&str> = taken.iter().map(|&i| submissions[i].0).collect();
    // Drafts kept for these codes (the plain-HTML survey) have served their purpose.
    super::drafts::delete_for_codes(&txn, &codes).await?;
    let held: Vec<(&str, &NewResponse)> = taken.iter().map(|&i| submissions[i]).collect();
    super::mixing::hold_many(&txn, key, &held).await?;
    txn.commit().await?;
    // A code that was not unused: used by this very submission a moment ago (a resend racing
    // the first send), or by another one, or revoked.
    let stored_meanwhile = known_submissions(
        db,
        lost.iter()
            .map(|&i| submissions[i].1.submission_hash.as_str()),
    )
    .await?;
    for i in lost {
        outcomes[i] = if stored_meanwhile.contains(&submissions[i].1.submission_hash) {
            SubmitOutcome::AlreadyStored
        } else {
            SubmitOutcome::CodeNotUnused
        };
    }
    Ok(outcomes)
}
