//! `veilig demo`: synthetic but plausible data — about 60 organisations in ten regions, about
//! 400 locations of all six setting types, the waves 2021 (published) and 2023 (open), access
//! codes, and responses whose distributions differ by setting type. Everything is labelled as
//! synthetic: organisation names end in "(demo)" and the waves are flagged.

pub(crate) mod children;
mod generator;
mod incidents;
pub(crate) mod population;
#[cfg(test)]
mod publication_tests;

use crate::cli::{DemoArgs, GlobalArgs};
use crate::domain::instrument::InstrumentLibrary;
use crate::domain::wave::WaveState;
use crate::pepper::Pepper;
use crate::store::entity::{location, organisation, region};
use crate::store::waves::{self, NewWave};
use anyhow::{bail, Context};
use children::DemoWave;
use chrono::{Days, NaiveDate, Utc};
use generator::Generator;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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
            // Published below, once its children have answered, as any wave is.
            state: WaveState::Closed,
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
    publish(db, first.id).await?;

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
        eprintln!(
            "veilig: administrators and researchers sign in with a code from an authenticator app \
             too; they set it up at their first sign-in (a QR code, or its key as text)."
        );
    }
    Ok(summary)
}

/// Publishes the first wave as an administrator would, at the default k.
async fn publish(db: &DatabaseConnection, wave: i32) -> anyhow::Result<()> {
    let cache = crate::store::instruments::InstrumentCache::default();
    let kept = crate::results::published::PublishedTables::default();
    let source = crate::results::Source {
        db,
        instruments: &cache,
        k: crate::domain::results::DEFAULT_K,
        published: &kept,
    };
    crate::app::publish::publish_wave(&source, None, wave)
        .await
        .context("cannot publish the demo's first wave")?;
    Ok(())
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
