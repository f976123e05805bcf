//! `veilig demo`: synthetic but plausible data — about 60 organisations in ten regions, about
//! 400 locations of all six setting types, the waves 2021 (published) and 2023 (open), access
//! codes, and responses whose distributions differ by setting type. Everything is labelled as
//! synthetic: organisation names end in "(demo)" and the waves are flagged.

mod children;
mod incidents;

mod population;

use crate::cli::{DemoArgs, GlobalArgs};
use crate::domain::access_code::{AccessCode, CodeState};
use crate::domain::instrument::InstrumentLibrary;
use crate::domain::pseudonym::Pseudonym;
use crate::domain::wave::WaveState;
use crate::pepper::Pepper;
use crate::store::bulk::insert_rows;
use crate::store::entity::{location, organisation, region};
use crate::store::waves::{self, NewWave};
use anyhow::{bail, Context};
use children::DemoWave;
use chrono::{Days, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Value;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub responses_per_wave: u32,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            responses_per_wave: 5_000,
            seed: 2021,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub organisations: usize,
    pub locations: usize,
    pub responses_per_wave: u32,
    /// Share of 2021 respondents who answered the headline item with a "safe" value.
    pub share_safe_first_wave: f64,
    /// A few unused codes of the open wave, to try the child's survey with.
    pub sample_codes: Vec<String>,
    /// Demo staff accounts: (e-mail, password, what they can do). Random passwords, printed
    /// once: these accounts see synthetic data only.
    pub staff: Vec<(String, String, String)>,
    /// Quarter reports of incident counts (one per organisation, setting type and quarter).
    pub incident_reports: usize,
}

/// Locations answering with linkable codes (pseudonyms), so within-child change can be shown.
const LINKABLE_SHARE: f64 = 0.35;
/// Responses generated and written per transaction.
const CHUNK: usize = 2_000;

pub async fn run_cli(global: &GlobalArgs, args: &DemoArgs) -> anyhow::Result<()> {
    let pepper = Pepper::load_or_create(global.pepper_file.as_deref(), &global.database_url)?;
    let instruments = crate::startup::load_instruments(global.instruments_dir().as_deref())?;
    let db = crate::db::connect(&global.database_url)
        .await
        .context("cannot connect to the database")?;
    crate::db::migrate(&db)
        .await
        .context("cannot run the database migrations")?;
    let options = DemoOptions {
        responses_per_wave: args.responses,
        seed: args.seed,
    };
    fill(&db, &pepper, &instruments, &options).await?;
    Ok(())
}

/// Fills the database unless it already holds organisations.
pub async fn fill_if_empty(
    db: &DatabaseConnection,
    pepper: &Pepper,
    instruments: &InstrumentLibrary,
    options: &DemoOptions,
) -> anyhow::Result<Option<DemoSummary>> {
    if organisation::Entity::find().count(db).await? > 0 {
        eprintln!("veilig: the database already holds data; no demo data added.");
        return Ok(None);
    }
    fill(db, pepper, instruments, options).await.map(Some)
}

/// A location as the generators need it.
struct PlacedLocation {
    id: i32,
    organisation_id: i32,
    region_id: i32,
    setting: crate::domain::SettingType,
    children_placed: i32,
    linkable: bool,
}

pub async fn fill(
    db: &DatabaseConnection,
    pepper: &Pepper,
    instruments: &InstrumentLibrary,
    options: &DemoOptions,
) -> anyhow::Result<DemoSummary> {
    if organisation::Entity::find().count(db).await? > 0 {
        bail!(
            "the database already holds organisations; demo data goes only into an empty database"
        );
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let scale = (f64::from(options.responses_per_wave) / 5_000.0).max(1.0);
    let organisations = population::build(&mut rng, scale);
    let instrument = instruments.default_instrument();

    let txn = crate::store::begin_write(db).await?;
    let mut region_ids = Vec::new();
    for name in population::REGIONS {
        let r = region::ActiveModel {
            name: Set(name.to_string()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        region_ids.push(r.id);
    }
    let mut placed = Vec::new();
    for org in &organisations {
        let region_id = region_ids[org.region];
        let o = organisation::ActiveModel {
            name: Set(org.name.clone()),
            region_id: Set(region_id),
            synthetic: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for loc in &org.locations {
            let l = location::ActiveModel {
                organisation_id: Set(o.id),
                name: Set(loc.name.clone()),
                setting_type: Set(loc.setting.as_str().to_string()),
                children_placed: Set(loc.children_placed),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            placed.push(PlacedLocation {
                id: l.id,
                organisation_id: o.id,
                region_id,
                setting: loc.setting,
                children_placed: loc.children_placed,
                linkable: rng.random_bool(LINKABLE_SHARE),
            });
        }
    }
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).context("a valid date");
    let first = waves::create(
        &txn,
        NewWave {
            label: "2021",
            opens_on: date(2021, 3, 1)?,
            closes_on: date(2021, 6, 30)?,
            state: WaveState::Published,
            instrument: &instrument,
            synthetic: true,
        },
    )
    .await?;
    // The demo's open wave stays open for a while from today, so the survey can be tried.
    let closes = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(90))
        .context("a valid date")?;
    let second = waves::create(
        &txn,
        NewWave {
            label: "2023",
            opens_on: date(2023, 10, 2)?,
            closes_on: closes,
            state: WaveState::Open,
            instrument: &instrument,
            synthetic: true,
        },
    )
    .await?;
    txn.commit().await?;

    let total = u64::from(options.responses_per_wave) * 2;
    let progress = ProgressBar::new(total).with_message("synthetic responses");
    progress.set_style(
        ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut generator = Generator {
        db,
        pepper,
        instrument: &instrument,
        seed: options.seed,
        progress: &progress,
    };
    let share_safe_first_wave = generator
        .wave(
            &mut rng,
            first.id,
            DemoWave::First,
            &placed,
            options.responses_per_wave,
        )
        .await?
        .share_safe;
    let sample_codes = generator
        .wave(
            &mut rng,
            second.id,
            DemoWave::Second,
            &placed,
            options.responses_per_wave,
        )
        .await?
        .sample_codes;
    progress.finish_and_clear();
    let incident_reports = incidents::generate(db, &mut rng, &placed, &[&first, &second]).await?;
    let staff = demo_staff(db, placed.first().map(|l| l.organisation_id)).await?;

    let summary = DemoSummary {
        organisations: organisations.len(),
        locations: placed.len(),
        responses_per_wave: options.responses_per_wave,
        share_safe_first_wave,
        sample_codes,
        staff,
        incident_reports,
    };
    eprintln!(
        "veilig: demo data (synthetic): {} organisations, {} locations, {} responses in each of the waves 2021 and 2023, \
         {} quarter reports of incident counts; 2021 share feeling safe where they live: {:.1}%.",
        summary.organisations,
        summary.locations,
        summary.responses_per_wave,
        summary.incident_reports,
        summary.share_safe_first_wave * 100.0
    );
    if !summary.sample_codes.is_empty() {
        eprintln!(
            "veilig: try the child's survey with one of these demo codes: {}",
            summary.sample_codes.join(", ")
        );
    }
    if !summary.staff.is_empty() {
        eprintln!("veilig: demo staff accounts (sign in at /staff/login; synthetic data only):");
        for (email, password, what) in &summary.staff {
            eprintln!("veilig:   {email}  {password}  ({what})");
        }
    }
    Ok(summary)
}

/// An administrator, a researcher and an institution administrator for the demo, each with a
/// random password.
async fn demo_staff(
    db: &DatabaseConnection,
    organisation: Option<i32>,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut made = Vec::new();
    let accounts = [
        ("beheer@demo.veilig.nl", "admin", None, "administrator"),
        ("onderzoek@demo.veilig.nl", "researcher", None, "researcher"),
        (
            "instelling@demo.veilig.nl",
            "institution_admin",
            organisation,
            "institution administrator",
        ),
    ];
    for (email, role, org, what) in accounts {
        if role == "institution_admin" && org.is_none() {
            continue;
        }
        let password = crate::domain::staff::NewPassword::temporary();
        crate::accounts::add_user(db, None, email, role, org, Some(password.expose()))
            .await
            .map_err(|e| anyhow::anyhow!("demo account {email}: {e}"))?;
        made.push((
            email.to_string(),
            password.expose().to_string(),
            what.to_string(),
        ));
    }
    Ok(made)
}

struct WaveOutcome {
    share_safe: f64,
    sample_codes: Vec<String>,
}

struct Generator<'a> {
    db: &'a DatabaseConnection,
    pepper: &'a Pepper,
    instrument: &'a crate::domain::instrument::Instrument,
    seed: u64,
    progress: &'a ProgressBar,
}

#[derive(Default)]
struct Batch {
    responses: Vec<Vec<Value>>,
    answers: Vec<Vec<Value>>,
    open_answers: Vec<Vec<Value>>,
    codes: Vec<Vec<Value>>,
    /// Result counts, written in the same transaction as the responses they count.
    counts: crate::store::results::Increments,
}

impl Generator<'_> {
    async fn wave(
        &mut self,
        rng: &mut StdRng,
        wave_id: i32,
        wave: DemoWave,
        locations: &[PlacedLocation],
        responses: u32,
    ) -> anyhow::Result<WaveOutcome> {
        let counts = allocate(rng, locations, responses);
        let mut batch = Batch::default();
        let (mut safe, mut answered) = (0u64, 0u64);
        let mut sample_codes = Vec::new();
        for (loc, &respondents) in locations.iter().zip(&counts) {
            // Which of the children placed here answered; their index stands for a client number.
            let mut children: Vec<i32> = (0..loc.children_placed.max(respondents as i32)).collect();
            children.shuffle(rng);
            let issued = ((f64::from(loc.children_placed) * 0.9).round() as usize).max(respondents);
            for (n, &child_index) in children.iter().take(issued).enumerate() {
                let code = AccessCode::generate();
                let answered_now = n < respondents;
                let pseudonym = loc.linkable.then(|| {
                    Pseudonym::derive(
                        self.pepper,
                        loc.organisation_id,
                        &format!("demo-{}-{child_index}", loc.id),
                    )
                });
                let state = if answered_now {
                    CodeState::Used
                } else if rng.random_bool(0.03) {
                    CodeState::Revoked
                } else {
                    if wave == DemoWave::Second && sample_codes.len() < 5 && !loc.linkable {
                        sample_codes.push(code.display_grouped());
                    }
                    CodeState::Unused
                };
                batch.codes.push(vec![
                    code.hash().into(),
                    wave_id.into(),
                    loc.id.into(),
                    state.as_str().into(),
                    pseudonym.as_ref().map(|p| p.as_str().to_string()).into(),
                ]);
                if answered_now {
                    // The same child keeps the same disposition across waves, so linked pairs are coherent.
                    let personal = children::personal_latent(
                        self.seed ^ ((loc.id as u64) << 24) ^ child_index as u64,
                    );
                    let child = children::child(rng, self.instrument, loc.setting, wave, personal);
                    if let Some((_, Some(v))) = child.answers.iter().find(|(k, _)| k == "safe_home")
                    {
                        answered += 1;
                        if self
                            .instrument
                            .item("safe_home")
                            .is_some_and(|i| self.instrument.safe_values(i).contains(v))
                        {
                            safe += 1;
                        }
                    }
                    let link_key = pseudonym.map(|p| p.link_key(self.pepper));
                    push_response(&mut batch, self.instrument, wave_id, loc, child, link_key);
                }
                if batch.responses.len() >= CHUNK || batch.codes.len() >= CHUNK * 4 {
                    self.flush(&mut batch).await?;
                }
            }
        }
        self.flush(&mut batch).await?;
        Ok(WaveOutcome {
            share_safe: safe as f64 / answered.max(1) as f64,
            sample_codes,
        })
    }

    /// Writes one batch in one transaction: every response whole, or none of them.
    async fn flush(&mut self, batch: &mut Batch) -> anyhow::Result<()> {
        let Batch {
            responses,
            answers,
            open_answers,
            codes,
            counts,
        } = std::mem::take(batch);
        let written = responses.len() as u64;
        let txn = crate::store::begin_write(self.db).await?;
        insert_rows(
            &txn,
            "access_code",
            &["code_hash", "wave_id", "location_id", "state", "pseudonym"],
            codes,
        )
        .await?;
        insert_rows(
            &txn,
            "response",
            &[
                "id",
                "wave_id",
                "organisation_id",
                "region_id",
                "setting_type",
                "age_band",
                "gender",
                "time_here",
                "language",
                "link_key",
                "submission_hash",
            ],
            responses,
        )
        .await?;
        insert_rows(
            &txn,
            "answer",
            &["response_id", "item_key", "value"],
            answers,
        )
        .await?;
        insert_rows(
            &txn,
            "open_answer",
            &["id", "wave_id", "setting_type", "text"],
            open_answers,
        )
        .await?;
        crate::store::results::add(&txn, &counts).await?;
        txn.commit().await?;
        self.progress.inc(written);
        Ok(())
    }
}

fn push_response(
    batch: &mut Batch,
    instrument: &crate::domain::instrument::Instrument,
    wave_id: i32,
    loc: &PlacedLocation,
    child: children::DemoChild,
    link_key: Option<String>,
) {
    let id = uuid::Uuid::new_v4().to_string();
    let submission = crate::domain::submission::submission_hash(&uuid::Uuid::new_v4().to_string());
    let d = child.demographics;
    batch.responses.push(vec![
        id.clone().into(),
        wave_id.into(),
        loc.organisation_id.into(),
        loc.region_id.into(),
        loc.setting.as_str().into(),
        d.age_band.map(|a| a.as_str().to_string()).into(),
        d.gender.map(|g| g.as_str().to_string()).into(),
        d.time_here.map(|t| t.as_str().to_string()).into(),
        if child
            .open_answer
            .is_some_and(|t| t.starts_with("More") || t.starts_with("That"))
        {
            "en"
        } else {
            "nl"
        }
        .into(),
        link_key.into(),
        submission.into(),
    ]);
    let group = crate::store::results::GroupKey::new(
        wave_id,
        loc.organisation_id,
        loc.region_id,
        loc.setting,
        &d,
    );
    let answers: crate::domain::instrument::AnswersSoFar = child.answers.iter().cloned().collect();
    crate::store::results::record(&mut batch.counts, instrument, &group, &answers);
    for (key, value) in child.answers {
        batch
            .answers
            .push(vec![id.clone().into(), key.into(), value.into()]);
    }
    if let Some(text) = child.open_answer {
        batch.open_answers.push(vec![
            uuid::Uuid::new_v4().to_string().into(),
            wave_id.into(),
            loc.setting.as_str().into(),
            text.to_string().into(),
        ]);
    }
}

/// Spreads `total` responses over locations in proportion to children placed and a response
/// rate that varies by location (largest-remainder rounding, so the total is exact).
fn allocate(rng: &mut StdRng, locations: &[PlacedLocation], total: u32) -> Vec<usize> {
    let weights: Vec<f64> = locations
        .iter()
        .map(|l| f64::from(l.children_placed) * rng.random_range(0.45..0.85))
        .collect();
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * f64::from(total)).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let missing = total as usize - counts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}
