//! Closing a wave ends with its rows rewritten out of arrival order (`store::shuffle`). For a
//! national wave that takes minutes, longer than a request may last, so the staff pages start it
//! beside the request; whatever did not finish (a failure, a server that stopped) is rewritten
//! before the wave is published (`app::publish`) and when a server starts.

use crate::store::shuffle;
use sea_orm::DatabaseConnection;

/// Starts rewriting a closed wave's rows beside the caller. A failure is logged; the rewrite is
/// tried again before publishing and at the next start.
pub fn rewrite_beside(db: DatabaseConnection, wave_id: i32) {
    tokio::spawn(async move {
        match shuffle::shuffle_wave(&db, wave_id).await {
            Ok(_) => tracing::info!(wave = wave_id, "closed wave rewritten"),
            Err(e) => tracing::error!(
                wave = wave_id,
                error = %e,
                "rewriting a closed wave failed; it is tried again before publishing and at start"
            ),
        }
    });
}

/// At a server's start: rewrites every closed or published wave that was left without (see the
/// module's comment).
pub async fn rewrite_left_over(db: DatabaseConnection) {
    match shuffle::rewrite_waiting(&db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(waves = n, "closed waves rewritten at start"),
        Err(e) => tracing::error!(error = %e, "closed waves could not be rewritten at start"),
    }
}
