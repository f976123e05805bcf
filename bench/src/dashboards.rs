//! Dashboard and export latency with the demo data at several sizes: the institution dashboard,
//! national breakdowns, the wave comparison and a full CSV export, each timed over HTTP, beside
//! the equivalent GROUP BY over the raw answers (what the pages would cost without the counts
//! kept per response).

use crate::database::{FreshDatabase, Kind};
use crate::server::{write_pepper, Server};
use crate::stats::{median_of, ms};
use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::time::Instant;
use veilig::domain::instrument::InstrumentLibrary;
use veilig::domain::wave::WaveState;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "postgres")]
    pub database: Kind,
    /// Responses per wave, one fresh database per size.
    #[arg(long, value_delimiter = ',', default_values_t = [10_000u32, 100_000, 1_000_000])]
    pub sizes: Vec<u32>,
    /// Timed runs per figure (the median is reported).
    #[arg(long, default_value_t = 15)]
    pub runs: usize,
}

const PASSWORD: &str = "benchmark password 2026";

struct Row {
    size: u32,
    seed_seconds: f64,
    /// Closing the second wave (its last held responses mixed in, its rows shuffled).
    close_ms: f64,
    /// Publishing the second wave (the engine over its whole publication, stored).
    publish_ms: f64,
    figures: Vec<(&'static str, f64, f64)>,
}

/// One signed-in staff browser (for the HTML dashboard) and a researcher's API token.
struct Callers {
    institution: reqwest::Client,
    token: String,
    organisation: i32,
}

async fn callers(db: &DatabaseConnection, server: &Server) -> anyhow::Result<Callers> {
    // The organisation with the most children in 2021: its dashboard shows the most figures.
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT r.organisation_id AS o FROM response r JOIN wave w ON w.id = r.wave_id \
             WHERE w.label = '2021' GROUP BY r.organisation_id ORDER BY COUNT(*) DESC LIMIT 1",
        ))
        .await?
        .context("the demo data has no responses")?;
    let organisation: i32 = row.try_get("", "o")?;
    let add = |email: &'static str, role: &'static str, org: Option<i32>| async move {
        veilig::accounts::add_user(db, None, email, role, org, Some(PASSWORD))
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    let (researcher, _) = add("onderzoek@bench.example", "researcher", None).await?;
    add(
        "instelling@bench.example",
        "institution_viewer",
        Some(organisation),
    )
    .await?;
    let token = veilig::auth::token::Token::generate();
    veilig::store::tokens::create(db, researcher.id, "bench", &token.hash()).await?;

    let institution = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    // The sign-in form may carry a CSRF token; send it back when it does.
    let form = institution
        .get(format!("{}/staff/login", server.url))
        .send()
        .await?
        .text()
        .await?;
    let mut fields = vec![
        ("email", "instelling@bench.example".to_string()),
        ("password", PASSWORD.to_string()),
    ];
    if let Some(csrf) = field_value(&form, "csrf") {
        fields.push(("csrf", csrf));
    }
    let signed_in = institution
        .post(format!("{}/staff/login", server.url))
        .form(&fields)
        .send()
        .await?;
    if signed_in.status().as_u16() != 303 {
        bail!(
            "the institution account could not sign in: {}",
            signed_in.status()
        );
    }
    Ok(Callers {
        institution,
        token: token.expose().to_string(),
        organisation,
    })
}

fn field_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

async fn fetch(client: &reqwest::Client, url: &str, token: Option<&str>) -> anyhow::Result<()> {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let _ = response.bytes().await?;
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    Ok(())
}

async fn sql(db: &DatabaseConnection, text: &str) -> anyhow::Result<()> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), text))
        .await?;
    Ok(())
}

pub async fn run(args: &Args, postgres: &str) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for &size in &args.sizes {
        let database = FreshDatabase::create(args.database, postgres).await?;
        let outcome = one_size(args, &database, size).await;
        database.remove().await;
        rows.push(outcome?);
    }
    println!();
    println!(
        "dashboards and exports on {} (median of {} runs; HTTP beside a GROUP BY over the raw answers)",
        args.database.name(),
        args.runs
    );
    print!("| responses per wave | demo data made in | closing wave 2023 | publishing wave 2023 |");
    for (name, _, _) in &rows[0].figures {
        print!(" {name} | (raw SQL) |");
    }
    println!();
    println!(
        "|---|---|---|---|{}",
        "---|---|".repeat(rows[0].figures.len())
    );
    for row in &rows {
        print!(
            "| {} | {:.0} s | {:.0} ms | {:.0} ms |",
            row.size, row.seed_seconds, row.close_ms, row.publish_ms
        );
        for (_, http, raw) in &row.figures {
            print!(" {http:.1} ms | {raw:.1} ms |");
        }
        println!();
    }
    Ok(())
}

async fn one_size(args: &Args, database: &FreshDatabase, size: u32) -> anyhow::Result<Row> {
    let db = veilig::db::connect(&database.url).await?;
    veilig::db::migrate(&db).await?;
    let pepper_file = write_pepper(&database.dir)?;
    let pepper = veilig::pepper::Pepper::read(&pepper_file)?;
    println!(
        "making demo data: {size} responses per wave on {} ...",
        args.database.name()
    );
    let started = Instant::now();
    let options = veilig::demo::DemoOptions {
        responses_per_wave: size,
        ..Default::default()
    };
    veilig::demo::fill(&db, &pepper, &InstrumentLibrary::builtin()?, &options).await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    // Both waves published (the demo publishes 2021), so that they can be compared.
    let second = veilig::store::waves::find_by_label(&db, "2023")
        .await?
        .context("the demo has a wave 2023")?;
    let seal = veilig::domain::seal::SealKey::from_pepper(&pepper);
    let closing = Instant::now();
    veilig::store::waves::advance(&db, &seal, second.id, WaveState::Closed).await?;
    let close_ms = ms(closing.elapsed());
    if args.database == Kind::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    let publish_ms = publish(&db, second.id).await?;
    let server = Server::start(&database.url, &pepper_file, &[]).await?;
    let outcome = measure(args, &db, &server, size, seed_seconds, close_ms, publish_ms).await;
    server.stop().await;
    outcome
}

/// Publishes a closed wave as an administrator does (the engine over the whole publication,
/// stored): the milliseconds it takes.
async fn publish(db: &DatabaseConnection, wave: i32) -> anyhow::Result<f64> {
    let instruments = veilig::store::instruments::InstrumentCache::default();
    let published = veilig::results::published::PublishedTables::default();
    let source = veilig::results::Source {
        db,
        instruments: &instruments,
        k: veilig::domain::results::DEFAULT_K,
        published: &published,
    };
    let started = Instant::now();
    veilig::app::publish::publish_wave(&source, None, wave).await?;
    Ok(ms(started.elapsed()))
}

async fn measure(
    args: &Args,
    db: &DatabaseConnection,
    server: &Server,
    size: u32,
    seed_seconds: f64,
    close_ms: f64,
    publish_ms: f64,
) -> anyhow::Result<Row> {
    let callers = callers(db, server).await?;
    let api = reqwest::Client::new();
    let base = &server.url;
    let org = callers.organisation;
    let wave = |label: &str| format!("(SELECT id FROM wave WHERE label = '{label}')");
    let raw = "SELECT {g} a.item_key, a.value, COUNT(*) AS n FROM answer a \
               JOIN response r ON r.id = a.response_id WHERE {w} GROUP BY {g} a.item_key, a.value";
    let raw_sql = |group: &str, filter: String| raw.replace("{g}", group).replace("{w}", &filter);
    let views: Vec<(&'static str, String, Option<&str>, String)> = vec![
        (
            "institution dashboard",
            format!("{base}/staff/dashboard"),
            None,
            raw_sql(
                "",
                format!(
                    "r.wave_id IN ({}, {}) AND r.organisation_id = {org}",
                    wave("2021"),
                    wave("2023")
                ),
            ),
        ),
        (
            "national by setting type",
            format!("{base}/api/v1/waves/2021/results?by=setting_type"),
            Some(callers.token.as_str()),
            raw_sql("r.setting_type,", format!("r.wave_id = {}", wave("2021"))),
        ),
        (
            "comparison 2021-2023",
            format!("{base}/api/v1/compare?from=2021&to=2023&by=setting_type"),
            Some(callers.token.as_str()),
            raw_sql(
                "r.wave_id, r.setting_type,",
                format!("r.wave_id IN ({}, {})", wave("2021"), wave("2023")),
            ),
        ),
        (
            "CSV export by organisation",
            format!("{base}/api/v1/waves/2021/results?by=organisation&format=csv"),
            Some(callers.token.as_str()),
            raw_sql(
                "r.organisation_id,",
                format!("r.wave_id = {}", wave("2021")),
            ),
        ),
    ];
    let mut figures = Vec::new();
    for (name, url, token, raw) in views {
        let client = if token.is_some() {
            &api
        } else {
            &callers.institution
        };
        // Warm up: connections, caches.
        for _ in 0..2 {
            fetch(client, &url, token).await?;
        }
        let http = median_of(args.runs, || fetch(client, &url, token)).await?;
        let raw_time = median_of(args.runs.min(5), || sql(db, &raw)).await?;
        figures.push((name, ms(http), ms(raw_time)));
    }
    Ok(Row {
        size,
        seed_seconds,
        close_ms,
        publish_ms,
        figures,
    })
}
