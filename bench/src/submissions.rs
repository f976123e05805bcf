//! Submission throughput: complete responses posted over loopback HTTP by many concurrent
//! clients, beside the limit: the same rows written straight into the same database, one
//! transaction per response, with the same mixing. Both runs count until every response has
//! been mixed into the results.

use crate::database::{FreshDatabase, Kind};
use crate::respondent::Respondent;
use crate::server::{write_pepper, Server};
use crate::stats::{ms, percentile, Cpu};
use anyhow::{bail, Context};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use veilig::domain::instrument::{Instrument, InstrumentLibrary};
use veilig::domain::seal::SealKey;
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;
use veilig::store::responses::NewResponse;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "postgres")]
    pub database: Kind,
    /// Responses per run (the HTTP run and the limit each send this many).
    #[arg(long, default_value_t = 20_000)]
    pub responses: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    pub clients: usize,
}

/// One code ready to be used: its text, its hash, where it was handed out.
struct Ticket {
    code: String,
    code_hash: String,
    location_id: i32,
    setting: SettingType,
}

struct Prepared {
    wave_id: i32,
    http: Vec<Ticket>,
    direct: Vec<Ticket>,
}

/// A register with every setting type, an open wave, and two sets of codes.
async fn prepare(
    db: &DatabaseConnection,
    pepper: &veilig::pepper::Pepper,
    per_run: usize,
) -> anyhow::Result<Prepared> {
    let mut csv = String::from("organisation,region,location,setting_type,children_placed\n");
    let settings = SettingType::ALL;
    for i in 0..60 {
        let setting = settings[i % settings.len()];
        csv.push_str(&format!(
            "Organisatie {},Regio {},Locatie {i},{},10000\n",
            i % 20,
            i % 20 % 10,
            setting.as_str()
        ));
    }
    let rows = veilig::domain::organisation_import::parse(&csv)
        .map_err(|e| anyhow::anyhow!("the benchmark register is invalid: {e:?}"))?;
    veilig::store::organisations::import(db, &rows).await?;
    let locations =
        veilig::store::organisations::list_locations(db, veilig::domain::staff::Scope::National)
            .await?;
    let instrument = InstrumentLibrary::builtin()?.default_instrument();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d");
    let wave = veilig::store::waves::create_draft(
        db,
        "bench",
        date("2025-03-01")?,
        date("2025-06-30")?,
        &instrument,
    )
    .await?;
    veilig::store::waves::advance(
        db,
        &veilig::domain::seal::SealKey::from_pepper(pepper),
        wave.id,
        WaveState::Open,
    )
    .await?;
    let key = veilig::domain::access_code::CodeKey::from_pepper(pepper);
    let mut tickets = Vec::with_capacity(2 * per_run);
    let per_location = (2 * per_run).div_ceil(locations.len());
    for location in &locations {
        let mut left = per_location;
        while left > 0 {
            let n = left.min(veilig::participation::MAX_CODES_PER_REQUEST);
            let batch = veilig::participation::generate_anonymous(
                db,
                pepper,
                veilig::domain::staff::Scope::National,
                "bench",
                location.id,
                n,
            )
            .await
            .map_err(|e| anyhow::anyhow!("codes: {e}"))?;
            tickets.extend(batch.codes.iter().map(|c| Ticket {
                code: c.display_grouped(),
                code_hash: c.hash(&key),
                location_id: location.id,
                setting: location.setting_type,
            }));
            left -= n;
        }
    }
    // Interleave locations, as children of many groups answer at once.
    use rand::seq::SliceRandom;
    tickets.shuffle(&mut rand::rng());
    let direct = tickets.split_off(per_run);
    tickets.truncate(per_run);
    Ok(Prepared {
        wave_id: wave.id,
        http: tickets,
        direct: direct.into_iter().take(per_run).collect(),
    })
}

async fn pending(db: &DatabaseConnection) -> anyhow::Result<u64> {
    Ok(veilig::store::mixing::pending(db).await?)
}

/// Waits until the mixer has moved every full batch, then moves the rest as closing the wave
/// would.
async fn until_mixed(db: &DatabaseConnection, key: &SealKey) -> anyhow::Result<()> {
    use veilig::store::mixing::{flush, Select, DEFAULT_BATCH};
    let deadline = Instant::now() + Duration::from_secs(600);
    while pending(db).await? >= DEFAULT_BATCH as u64 {
        if Instant::now() > deadline {
            bail!("responses were still held after ten minutes");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    while flush(
        db,
        key,
        Select::Waiting {
            batch: 1,
            force: true,
        },
    )
    .await?
    .left
        > 0
    {}
    Ok(())
}

pub struct Figures {
    pub accepted_per_s: f64,
    pub mixed_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub rss_peak_mib: f64,
    /// CPU seconds per 1,000 responses accepted.
    pub cpu: Cpu,
}

async fn over_http(
    server: &Server,
    db: &DatabaseConnection,
    key: &SealKey,
    instrument: &Arc<Instrument>,
    tickets: Vec<Ticket>,
    clients: usize,
) -> anyhow::Result<Figures> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let url = format!("{}/api/v1/responses", server.url);
    // Bodies are made before the clock starts: the load generator must not be the bottleneck.
    let mut rng = StdRng::seed_from_u64(7);
    let bodies: Arc<Vec<String>> = Arc::new(
        tickets
            .iter()
            .map(|t| {
                Respondent::random(instrument, t.setting, &mut rng)
                    .body(&t.code, &uuid::Uuid::new_v4().to_string())
                    .to_string()
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = Cpu::now(server.pid());
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, url, bodies, next) =
            (client.clone(), url.clone(), bodies.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                let status = response.status();
                let _ = response.bytes().await;
                if status.as_u16() != 201 {
                    bail!("a submission was answered {status}");
                }
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    let mut peak: f64 = 0.0;
    let mut handles = workers.into_iter();
    for handle in handles.by_ref() {
        peak = peak.max(server.memory_mib().0);
        latencies.extend(handle.await??);
    }
    let accepted = started.elapsed();
    let cpu = Cpu::now(server.pid()).per_thousand_since(cpu_before, bodies.len());
    until_mixed(db, key).await?;
    let mixed = started.elapsed();
    latencies.sort();
    let (_, hwm) = server.memory_mib();
    let n = bodies.len() as f64;
    Ok(Figures {
        accepted_per_s: n / accepted.as_secs_f64(),
        mixed_per_s: n / mixed.as_secs_f64(),
        p50_ms: ms(percentile(&latencies, 50.0)),
        p99_ms: ms(percentile(&latencies, 99.0)),
        rss_peak_mib: hwm.max(peak),
        cpu,
    })
}

/// The same rows, straight into the database: per response one transaction that marks the code
/// used and holds the response, and a mixer moving batches as the server's does.
async fn direct(
    db: &DatabaseConnection,
    key: &SealKey,
    instrument: &Arc<Instrument>,
    wave_id: i32,
    tickets: Vec<Ticket>,
    clients: usize,
) -> anyhow::Result<(f64, f64, Cpu)> {
    let mut rng = StdRng::seed_from_u64(11);
    let prepared: Arc<Vec<(String, NewResponse)>> = Arc::new(
        tickets
            .iter()
            .map(|t| {
                let r = Respondent::random(instrument, t.setting, &mut rng);
                let new = NewResponse {
                    wave_id,
                    location_id: t.location_id,
                    demographics: r.demographics,
                    language: "nl".into(),
                    link_key: None,
                    submission_hash: veilig::domain::submission::submission_hash(
                        &uuid::Uuid::new_v4().to_string(),
                    ),
                    counts: veilig::domain::results::measures::increments(instrument, &r.answers),
                    answers: r.answers,
                    open_answer: Some(veilig::domain::scrub::scrub(&r.open_answer)),
                };
                (t.code_hash.clone(), new)
            })
            .collect(),
    );
    let mixer = Arc::new(veilig::mixer::Mixer::new(Default::default()));
    let key = Arc::new(key.clone());
    let mixing = tokio::spawn(mixer.clone().run(db.clone(), key.clone()));
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = Cpu::now(None);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (db, prepared, next, mixer, key) = (
            db.clone(),
            prepared.clone(),
            next.clone(),
            mixer.clone(),
            key.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((code_hash, new)) = prepared.get(i) else {
                    break;
                };
                veilig::store::intake::submit(&db, &key, code_hash, new).await?;
                mixer.nudge();
            }
            anyhow::Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let accepted = started.elapsed();
    let cpu = Cpu::now(None).per_thousand_since(cpu_before, prepared.len());
    until_mixed(db, &key).await?;
    let mixed = started.elapsed();
    mixing.abort();
    let n = prepared.len() as f64;
    Ok((n / accepted.as_secs_f64(), n / mixed.as_secs_f64(), cpu))
}

pub async fn run(args: &Args, postgres: &str) -> anyhow::Result<()> {
    let database = FreshDatabase::create(args.database, postgres).await?;
    let outcome = run_on(args, &database).await;
    database.remove().await;
    outcome
}

async fn run_on(args: &Args, database: &FreshDatabase) -> anyhow::Result<()> {
    let db = veilig::db::connect(&database.url).await?;
    veilig::db::migrate(&db).await?;
    println!(
        "preparing {} codes on {} ...",
        2 * args.responses,
        args.database.name()
    );
    // The codes are stored keyed by the pepper the server will read.
    let pepper_file = write_pepper(&database.dir)?;
    let pepper = veilig::pepper::Pepper::read(&pepper_file)?;
    let prepared = prepare(&db, &pepper, args.responses).await?;
    let instrument = InstrumentLibrary::builtin()?.default_instrument();

    println!(
        "the limit: {} responses straight into the database ...",
        args.responses
    );
    let seal = SealKey::from_pepper(&pepper);
    let (limit_accepted, limit_mixed, limit_cpu) = direct(
        &db,
        &seal,
        &instrument,
        prepared.wave_id,
        prepared.direct,
        args.clients,
    )
    .await?;

    let server = Server::start(&database.url, &pepper_file, &[])
        .await
        .context("starting the server")?;
    println!(
        "over HTTP: {} responses to {} ...",
        args.responses, server.url
    );
    let http = over_http(
        &server,
        &db,
        &seal,
        &instrument,
        prepared.http,
        args.clients,
    )
    .await;
    server.stop().await;
    let http = http?;

    println!();
    println!(
        "submissions on {}: {} complete responses, {} concurrent clients",
        args.database.name(),
        args.responses,
        args.clients
    );
    println!("| run | accepted/s | stored for results/s | p50 | p99 | server RSS (peak) |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| HTTP (`POST /api/v1/responses`) | {:.0} | {:.0} | {:.1} ms | {:.1} ms | {:.0} MiB |",
        http.accepted_per_s, http.mixed_per_s, http.p50_ms, http.p99_ms, http.rss_peak_mib
    );
    println!("| limit (same rows, no HTTP) | {limit_accepted:.0} | {limit_mixed:.0} | | | |");
    println!(
        "| HTTP / limit | {:.0}% | {:.0}% | | | |",
        100.0 * http.accepted_per_s / limit_accepted,
        100.0 * http.mixed_per_s / limit_mixed
    );
    println!();
    println!("CPU seconds per 1,000 responses accepted (user + system, while accepting):");
    println!("| run | server | database | load generator (and the limit's writer) |");
    println!("|---|---|---|---|");
    for (run, cpu) in [("HTTP", http.cpu), ("limit", limit_cpu)] {
        println!(
            "| {run} | {:.2} | {:.2} | {:.2} |",
            cpu.server, cpu.database, cpu.load
        );
    }
    Ok(())
}
