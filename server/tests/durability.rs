//! Durability: the real `veilig serve` is killed with SIGKILL (`kill -9`) while many devices send
//! complete surveys, then started again on the same database. Every survey answered 201 is
//! there, with all its answers; no response exists in part; a survey that got no answer is
//! there whole or not at all, and sending it again stores it exactly once.
//!
//! The server runs with the smallest mixing batch, so the kill can land in a mixing
//! transaction as well as in a submission.

mod common;

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use veilig::domain::instrument::{AnswersSoFar, Instrument, InstrumentLibrary};
use veilig::domain::staff::Scope;
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;

/// Surveys ready to send, devices sending at once, and how many are stored before the kill.
const SURVEYS: usize = 600;
const DEVICES: usize = 48;
const KILL_AFTER_STORED: usize = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
}

/// A temporary directory (pepper, SQLite file, server log) and a fresh database.
struct Sandbox {
    dir: PathBuf,
    url: String,
    postgres: Option<(String, String)>,
}

impl Sandbox {
    async fn new(kind: Kind) -> Sandbox {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("veilig-durability-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pepper"), "cd".repeat(32)).unwrap();
        let (url, postgres) = match kind {
            Kind::Sqlite => (
                format!("sqlite://{}?mode=rwc", dir.join("veilig.db").display()),
                None,
            ),
            Kind::Postgres => {
                let server = std::env::var("VEILIG_TEST_POSTGRES")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
                let name = format!("veilig_durability_{id}");
                let admin = Database::connect(format!("{server}/postgres"))
                    .await
                    .expect("PostgreSQL must run at 127.0.0.1:5432");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                let _ = admin.close().await;
                (format!("{server}/{name}"), Some((server, name)))
            }
        };
        Sandbox { dir, url, postgres }
    }

    /// Removes the database (PostgreSQL) and the directory.
    async fn remove(self) {
        if let Some((server, name)) = &self.postgres {
            if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `veilig serve` as a child process.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts the server on a free port and waits for the line with its address.
    fn start(sandbox: &Sandbox) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(sandbox.dir.join("server.log"))
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_veilig"))
            .args(["serve", "--addr", "127.0.0.1:0", "--mix-batch", "2"])
            .arg("--site-dir")
            .arg(sandbox.dir.join("no-site"))
            .current_dir(&sandbox.dir)
            .env("DATABASE_URL", &sandbox.url)
            .env("VEILIG_PEPPER_FILE", sandbox.dir.join("pepper"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let url = common::address_from(stdout, Duration::from_secs(20)).unwrap_or_else(|| {
            let _ = child.kill();
            let log = std::fs::read_to_string(sandbox.dir.join("server.log")).unwrap_or_default();
            panic!("veilig serve did not start:\n{log}")
        });
        Server { child, url }
    }

    /// `kill -9`: no shutdown, no flushing, no goodbye.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One device's finished survey.
struct Survey {
    body: Value,
    hash: String,
    answers: usize,
}

/// Every question the routing asks a child in `setting`, answered (now and then "don't know").
fn complete_answers(instrument: &Instrument, setting: SettingType, seed: usize) -> AnswersSoFar {
    let mut answers = AnswersSoFar::new();
    for (i, item) in instrument.def().items.iter().enumerate() {
        if !instrument.is_shown(item, setting, &answers) {
            continue;
        }
        let Some(scale) = instrument.scale_of(item) else {
            continue;
        };
        let value = if (seed + i).is_multiple_of(13) || scale.points.is_empty() {
            None
        } else {
            Some(scale.points[(seed + i) % scale.points.len()].value)
        };
        answers.insert(item.key.clone(), value);
    }
    answers
}

/// A register with three setting types, an open wave "2023" and a survey for each code.
async fn prepare(db: &DatabaseConnection, pepper: &veilig::pepper::Pepper) -> (i32, Vec<Survey>) {
    let register = "organisation,region,location,setting_type,children_placed\n\
        De Linde,Utrecht,Groep Eik,open_residential,1000\n\
        De Linde,Utrecht,De Bunker,closed,1000\n\
        Pleegzorg West,Haaglanden,Team 1,foster_care,1000\n";
    let rows = veilig::domain::organisation_import::parse(register).unwrap();
    veilig::store::organisations::import(db, &rows)
        .await
        .unwrap();
    let instrument = InstrumentLibrary::builtin().unwrap().default_instrument();
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let wave = veilig::store::waves::create_draft(
        db,
        "2023",
        date("2023-03-01"),
        date("2023-06-30"),
        &instrument,
    )
    .await
    .unwrap();
    veilig::store::waves::advance(
        db,
        &veilig::domain::seal::SealKey::from_pepper(pepper),
        wave.id,
        WaveState::Open,
    )
    .await
    .unwrap();
    let locations = veilig::store::organisations::list_locations(db, Scope::National)
        .await
        .unwrap();
    let mut surveys = Vec::with_capacity(SURVEYS);
    for location in &locations {
        let batch = veilig::participation::generate_anonymous(
            db,
            pepper,
            Scope::National,
            "2023",
            location.id,
            SURVEYS / locations.len(),
        )
        .await
        .unwrap();
        for code in &batch.codes {
            let seed = surveys.len();
            let answers = complete_answers(&instrument, location.setting_type, seed);
            let wire: Map<String, Value> = answers
                .iter()
                .map(|(k, v)| (k.clone(), v.map_or(json!("dont_know"), |v| json!(v))))
                .collect();
            let id = uuid::Uuid::new_v4().to_string();
            surveys.push(Survey {
                hash: veilig::domain::submission::submission_hash(&id),
                answers: answers.len(),
                body: json!({
                    "code": code.display_grouped(),
                    "submission_id": id,
                    "language": "nl",
                    "demographics": { "age_band": "12-14", "gender": "girl", "time_here": "gt_2y" },
                    "answers": wire,
                    "open_answer": "Dat de leiding vaker vraagt hoe het gaat.",
                }),
            });
        }
    }
    (wave.id, surveys)
}

/// What a device heard back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Heard {
    Created,
    AlreadyStored,
    /// The connection failed or was cut: the device does not know whether it arrived.
    Nothing,
    Other(u16, String),
}

async fn send(client: &reqwest::Client, url: &str, body: &Value) -> Heard {
    match client
        .post(format!("{url}/api/v1/responses"))
        .json(body)
        .send()
        .await
    {
        Ok(r) => match r.status().as_u16() {
            201 => Heard::Created,
            200 => Heard::AlreadyStored,
            status => Heard::Other(status, r.text().await.unwrap_or_default()),
        },
        Err(_) => Heard::Nothing,
    }
}

/// Many devices send surveys; once `KILL_AFTER_STORED` are answered 201 the server is killed.
/// Returns what each survey's device heard (`None`: never sent).
async fn send_until_killed(server: &mut Server, surveys: &Arc<Vec<Survey>>) -> Vec<Option<Heard>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let created = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let heard = Arc::new(Mutex::new(vec![None; surveys.len()]));
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        let (client, url, surveys) = (client.clone(), server.url.clone(), surveys.clone());
        let (next, created, stop, heard) =
            (next.clone(), created.clone(), stop.clone(), heard.clone());
        devices.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(survey) = surveys.get(i) else { break };
                let answer = send(&client, &url, &survey.body).await;
                if answer == Heard::Created {
                    created.fetch_add(1, Ordering::SeqCst);
                }
                heard.lock().unwrap()[i] = Some(answer);
            }
        }));
    }
    let started = Instant::now();
    while created.load(Ordering::SeqCst) < KILL_AFTER_STORED {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "too few surveys were stored"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Devices finish the request they are making (it is cut by the kill) and send no more.
    stop.store(true, Ordering::SeqCst);
    server.kill();
    for device in devices {
        device.await.unwrap();
    }
    let heard = heard.lock().unwrap().clone();
    heard
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT CAST(({sql}) AS BIGINT) AS n"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn killed_mid_load_and_restarted(kind: Kind) {
    let started = Instant::now();
    let sandbox = Sandbox::new(kind).await;
    let db = veilig::db::connect(&sandbox.url).await.unwrap();
    veilig::db::migrate(&db).await.unwrap();
    // The server's pepper: codes are stored keyed by it.
    let pepper = veilig::pepper::Pepper::read(&sandbox.dir.join("pepper")).unwrap();
    let (wave_id, surveys) = prepare(&db, &pepper).await;
    let surveys = Arc::new(surveys);

    let mut server = Server::start(&sandbox);
    let heard = send_until_killed(&mut server, &surveys).await;
    for (i, h) in heard.iter().enumerate() {
        if let Some(Heard::Other(status, body)) = h {
            panic!("survey {i}: {status} {body}");
        }
    }
    let sent: Vec<usize> = (0..surveys.len()).filter(|&i| heard[i].is_some()).collect();
    let unanswered: Vec<usize> = (0..surveys.len())
        .filter(|&i| heard[i] == Some(Heard::Nothing))
        .collect();
    let created = sent.len() - unanswered.len();
    assert!(created >= KILL_AFTER_STORED, "{created}");
    assert!(
        !unanswered.is_empty(),
        "the kill should cut surveys on their way"
    );

    let held_at_kill = veilig::store::mixing::pending(&db).await.unwrap();
    let server = Server::start(&sandbox);
    // Before anything is sent again: every survey answered 201 was kept.
    for &i in &sent {
        if heard[i] == Some(Heard::Created) {
            assert!(
                veilig::store::responses::submission_exists(&db, &surveys[i].hash)
                    .await
                    .unwrap(),
                "survey {i} was answered 201 but is gone"
            );
        }
    }
    // A device that heard nothing sends again: 201 if it had not arrived, 200 if it had; and a
    // second time, 200.
    let client = reqwest::Client::new();
    let mut arrived_before = 0;
    for &i in &unanswered {
        let kept = veilig::store::responses::submission_exists(&db, &surveys[i].hash)
            .await
            .unwrap();
        arrived_before += usize::from(kept);
        let expected = if kept {
            Heard::AlreadyStored
        } else {
            Heard::Created
        };
        assert_eq!(send(&client, &server.url, &surveys[i].body).await, expected);
        assert_eq!(
            send(&client, &server.url, &surveys[i].body).await,
            Heard::AlreadyStored
        );
    }
    // Devices that did hear 201 but send again (a lost answer) are told it is stored.
    for &i in sent
        .iter()
        .filter(|&&i| heard[i] == Some(Heard::Created))
        .take(10)
    {
        assert_eq!(
            send(&client, &server.url, &surveys[i].body).await,
            Heard::AlreadyStored
        );
    }

    // Closing the wave mixes everything held; then count.
    veilig::store::waves::advance(
        &db,
        &veilig::domain::seal::SealKey::from_pepper(&pepper),
        wave_id,
        WaveState::Closed,
    )
    .await
    .unwrap();
    assert_eq!(veilig::store::mixing::pending(&db).await.unwrap(), 0);
    let stored = sent.len() as i64;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM response").await, stored);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM access_code WHERE state = 'used'").await,
        stored,
        "a code is used exactly when its response is stored"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM open_answer").await, stored);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM answer WHERE response_id NOT IN (SELECT id FROM response)"
        )
        .await,
        0,
        "no answer without its response"
    );
    assert_eq!(
        count(
            &db,
            "SELECT SUM(n) FROM result_count WHERE measure = '_respondents'"
        )
        .await,
        stored,
        "the result counts count each response once"
    );
    // Each response whole: exactly the answers its device sent.
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT r.submission_hash AS h, CAST(COUNT(a.item_key) AS BIGINT) AS n \
             FROM response r LEFT JOIN answer a ON a.response_id = r.id GROUP BY r.submission_hash",
        ))
        .await
        .unwrap();
    let answers: HashMap<String, i64> = rows
        .iter()
        .map(|r| (r.try_get("", "h").unwrap(), r.try_get("", "n").unwrap()))
        .collect();
    for &i in &sent {
        assert_eq!(
            answers.get(&surveys[i].hash).copied(),
            Some(surveys[i].answers as i64),
            "survey {i} is stored whole, once"
        );
    }
    drop(server);
    let _ = db.close().await;
    sandbox.remove().await;
    eprintln!(
        "{kind:?}: {created} answered 201 before the kill, {} cut off on their way \
         ({arrived_before} of them had arrived), {held_at_kill} held unmixed at the kill, {} stored \
         in all, in {:.1?}",
        unanswered.len(),
        stored,
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_load_keeps_every_stored_survey_whole_on_sqlite() {
    killed_mid_load_and_restarted(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_load_keeps_every_stored_survey_whole_on_postgres() {
    killed_mid_load_and_restarted(Kind::Postgres).await;
}
