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
