//! The publication of each published wave: made once, when the wave is published, from its
//! counts and the register as it is then, at the server's k; then kept in the database (every
//! server and every later day serves the same figures) and in memory (a dashboard costs a
//! lookup). Counts of a published wave never change, so nothing has to expire. A stricter k
//! (an export's `--k`) hides more of the same publication; nothing lowers its k.

use super::Source;
use crate::domain::incidents::IncidentTotals;
use crate::domain::results::register::{LocationEntry, OrganisationEntry, RegionEntry};
use crate::domain::results::{compute, Publication, PublicationInput, Register};
use crate::domain::SettingType;
use crate::store::published as store;
use crate::store::results as counts;
use crate::store::waves::Wave;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// National incident sums per setting type over a wave's quarters.
pub type IncidentSums = Arc<BTreeMap<SettingType, IncidentTotals>>;

/// Publications this server has read or made, per wave and k (its own k under 0), and the
/// national incident sums shown beside them, per wave with the registration revision they were
/// read at (`store::incidents::revision`): summing every organisation's registrations is most of
/// an institution dashboard's time otherwise.
#[derive(Debug, Default)]
pub struct PublishedTables {
    kept: Mutex<HashMap<(i32, u64), Arc<Publication>>>,
    incident_sums: Mutex<HashMap<i32, (i64, IncidentSums)>>,
}

impl PublishedTables {
    fn get(&self, wave_id: i32, k: u64) -> Option<Arc<Publication>> {
        self.kept.lock().ok()?.get(&(wave_id, k)).cloned()
    }

    fn keep(&self, wave_id: i32, k: u64, publication: Arc<Publication>) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert((wave_id, k), publication);
        }
    }

    /// The incident sums of a wave read at `revision`, if this server has them.
    pub fn incident_sums(&self, wave_id: i32, revision: i64) -> Option<IncidentSums> {
        let kept = self.incident_sums.lock().ok()?;
        kept.get(&wave_id)
            .filter(|(at, _)| *at == revision)
            .map(|(_, sums)| sums.clone())
    }

    pub fn keep_incident_sums(&self, wave_id: i32, revision: i64, sums: IncidentSums) {
        if let Ok(mut kept) = self.incident_sums.lock() {
            kept.insert(wave_id, (revision, sums));
        }
    }
}

/// The register as it is now: what a publication freezes.
pub async fn register<C: ConnectionTrait>(db: &C) -> Result<Register, DbErr> {
    use crate::store::organisations as org;
    let regions = org::list_regions(db)
        .await?
        .into_iter()
        .map(|(id, name)| RegionEntry { id, name })
        .collect();
    let organisations = org::list_organisations_with_region(db)
        .await?
        .into_iter()
        .map(|(id, name, region)| OrganisationEntry { id, name, region })
        .collect();
    let locations = org::list_locations(db, crate::domain::staff::Scope::National)
        .await?
        .into_iter()
        .map(|l| LocationEntry {
            id: l.id,
            organisation: l.organisation_id,
            name: l.name,
            setting_type: l.setting_type,
            children_placed: l.children_placed,
        })
        .collect();
    Ok(Register {
        regions,
        organisations,
        locations,
        responded: Vec::new(),
    })
}

/// Makes a wave's publication from its counts and the register as it is now, at `k`.
pub async fn make(state: &Source<'_>, wave: &Wave, k: u64) -> Result<Publication, DbErr> {
    let instrument =
        crate::store::instruments::load_instrument(state.db, state.instruments, wave).await?;
    let register = register(state.db).await?;
    let counts = counts::joint_counts(state.db, wave.id).await?;
    let made_on = chrono::Utc::now().date_naive().to_string();
    run(wave.label.clone(), k, made_on, instrument, register, counts).await
}

/// Runs the engine off the async workers: its linear programmes take a while on a large
/// register.
async fn run(
    wave: String,
    k: u64,
    made_on: String,
    instrument: Arc<crate::domain::instrument::Instrument>,
    register: Register,
    counts: Vec<crate::domain::results::JointCount>,
) -> Result<Publication, DbErr> {
    tokio::task::spawn_blocking(move || {
        let input = PublicationInput {
            wave,
            k,
            made_on,
            instrument: &instrument,
            register,
            counts,
        };
        let key = input_key(&input);
        // One run of the engine per input: a second caller with the same input waits for
        // the first and takes its publication; other inputs run beside it.
        let turn = running().entry(key).or_default().clone();
        let _turn = turn.lock().unwrap_or_else(|e| e.into_inner());
        let made = match made_before(&key) {
            Some(made) => made,
            None => {
                let made = compute(&input);
                remember(key, &made);
                made
            }
        };
        running().remove(&key);
        made
    })
    .await
    .map_err(|e| DbErr::Custom(format!("the disclosure engine stopped: {e}")))
}

/// The engine is a function of its input: the same counts, register, instrument, k and day
/// give the same publication. The last few are kept for the process, so the same wave in a
/// second database (the demo loaded again, the test suites' servers) does not run it again.
const REMEMBERED: usize = 4;

/// The inputs the engine is working on, each with the lock its callers take turns on.
type Running = HashMap<[u8; 32], Arc<Mutex<()>>>;

fn running() -> std::sync::MutexGuard<'static, Running> {
    static RUNNING: std::sync::OnceLock<Mutex<Running>> = std::sync::OnceLock::new();
    RUNNING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

type Remembered = Vec<([u8; 32], Publication)>;

fn remembered() -> &'static Mutex<Remembered> {
    static MADE: std::sync::OnceLock<Mutex<Remembered>> = std::sync::OnceLock::new();
    MADE.get_or_init(Default::default)
}

fn input_key(input: &PublicationInput) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format!(
        "{}\n{}\n{}\n{:?}\n{:?}\n",
        input.wave,
        input.k,
        input.made_on,
        input.instrument.def(),
        input.register
    ));
    for c in &input.counts {
        h.update(format!("{c:?}\n"));
    }
    h.finalize().into()
}

fn made_before(key: &[u8; 32]) -> Option<Publication> {
    let made = remembered().lock().ok()?;
    made.iter().find(|(k, _)| k == key).map(|(_, p)| p.clone())
}

fn remember(key: [u8; 32], publication: &Publication) {
    if let Ok(mut made) = remembered().lock() {
        if made.len() >= REMEMBERED {
            made.remove(0);
        }
        made.push((key, publication.clone()));
    }
}

/// The publication of a wave the caller checked is published: kept in memory, else stored,
/// else made now (a wave published before publications existed) and stored, the first stored
/// version winning when two servers make it at once.
pub async fn publication(state: &Source<'_>, wave: &Wave) -> Result<Arc<Publication>, DbErr> {
    if let Some(kept) = state.published.get(wave.id, 0) {
        return Ok(kept);
    }
    let stored = match store::find(state.db, wave.id).await? {
        Some(json) => json,
        None => {
            let made = make(state, wave, state.k).await?;
            save(state.db, wave, &made).await?;
            store::find(state.db, wave.id).await?.unwrap_or_default()
        }
    };
    let publication: Publication = serde_json::from_str(&stored).map_err(|e| {
        DbErr::Custom(format!(
            "the stored publication of wave {} cannot be read: {e}",
            wave.label
        ))
    })?;
    let publication = Arc::new(publication);
    state.published.keep(wave.id, 0, publication.clone());
    Ok(publication)
}

/// Stores a publication unless the wave has one already.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    wave: &Wave,
    publication: &Publication,
) -> Result<(), DbErr> {
    let json = serde_json::to_string(publication)
        .map_err(|e| DbErr::Custom(format!("writing the publication as JSON: {e}")))?;
    store::store_once(db, wave.id, publication.k, &json).await
}

/// The publication at a stricter k: every figure the stricter engine hides is hidden too, so
/// it only ever hides more than the wave's own publication. A smaller k gives the wave's own.
pub async fn at_k(state: &Source<'_>, wave: &Wave, k: u64) -> Result<Arc<Publication>, DbErr> {
    let base = publication(state, wave).await?;
    if k <= base.k {
        return Ok(base);
    }
    if let Some(kept) = state.published.get(wave.id, k) {
        return Ok(kept);
    }
    let instrument =
        crate::store::instruments::load_instrument(state.db, state.instruments, wave).await?;
    let counts = counts::joint_counts(state.db, wave.id).await?;
    let stricter = run(
        base.wave.clone(),
        k,
        base.made_on.clone(),
        instrument,
        base.register.clone(),
        counts,
    )
    .await?;
    let publication = Arc::new(base.hiding_also(&stricter));
    state.published.keep(wave.id, k, publication.clone());
    Ok(publication)
}
