//! Test helpers: start the real server on port 0 against a fresh database, SQLite or
//! PostgreSQL, and talk to it over HTTP.

pub mod relay;
mod staff;
mod storage;

pub use staff::{authenticator_code, csrf_in, unix_now, StaffClient, TEST_PASSWORD};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::path::PathBuf;
use veilig::config::Settings;
use veilig::domain::instrument::InstrumentLibrary;
use veilig::pepper::Pepper;
use veilig::startup::Application;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests use; each test gets a fresh database on it.
pub fn postgres_server_url() -> String {
    std::env::var("VEILIG_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// The built web assets (scripts/build-site.sh), shared by all tests.
pub fn site_dir() -> PathBuf {
    std::env::var_os("VEILIG_SITE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"))
}

/// A site directory with a stand-in bundle (three files that say so), for tests that call
/// the bundle's file server without building the WASM. The caller removes it.
pub fn stand_in_site() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("veilig-stand-in-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("pkg")).expect("a site directory");
    for file in ["veilig.js", "veilig_bg.wasm", "boot.js"] {
        std::fs::write(dir.join("pkg").join(file), "// stand-in").expect("a bundle file");
    }
    dir
}

/// A fresh database that removes itself when dropped.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(PathBuf),
    PostgresDatabase { server: String, name: String },
}

impl TestDatabase {
    pub async fn create(kind: Db) -> TestDatabase {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match kind {
            Db::Sqlite => {
                let dir = std::env::temp_dir().join(format!("veilig-test-{id}"));
                std::fs::create_dir_all(&dir).expect("create a temporary directory");
                TestDatabase {
                    url: format!("sqlite://{}/veilig.db?mode=rwc", dir.display()),
                    cleanup: Cleanup::Directory(dir),
                }
            }
            Db::Postgres => {
                let server = postgres_server_url();
                let name = format!("veilig_test_{id}");
                let admin = Database::connect(format!("{server}/postgres"))
                    .await
                    .expect("PostgreSQL must run at 127.0.0.1:5432 (scripts/test.sh starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create a test database");
                let _ = admin.close().await;
                TestDatabase {
                    url: format!("{server}/{name}"),
                    cleanup: Cleanup::PostgresDatabase { server, name },
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Directory(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { server, name } => {
                let (server, name) = (server.clone(), name.clone());
                // Drop runs inside the test's runtime; a separate thread gets its own.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub backend: Db,
    pub pepper: Pepper,
    pepper_hex: String,
    pub client: reqwest::Client,
    pub database: TestDatabase,
    /// The server's k, at which `publish` publishes.
    pub k: u64,
}

pub async fn spawn_app(kind: Db) -> TestApp {
    spawn_app_with(kind, |_| {}).await
}

/// A server with some settings changed (a short kiosk idle time, the test locale, a help file).
pub async fn spawn_app_with(kind: Db, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create(kind).await;
    let mut settings = test_settings(&database.url);
    adjust(&mut settings);
    // A known pepper, so tests can look for it where it must never be.
    let pepper_hex = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let pepper_file =
        std::env::temp_dir().join(format!("veilig-test-{}.pepper", uuid::Uuid::new_v4()));
    std::fs::write(&pepper_file, &pepper_hex).expect("the pepper file is written");
    let pepper = Pepper::read(&pepper_file).expect("the pepper is read");
    let _ = std::fs::remove_file(&pepper_file);
    let app = Application::build(&settings, pepper.clone())
        .await
        .expect("the server starts");
    let address = app.url();
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    TestApp {
        address,
        db,
        k: settings.k,
        backend: kind,
        pepper,
        pepper_hex,
        client,
        database,
    }
}

/// The settings of a test server on `database_url`.
fn test_settings(database_url: &str) -> Settings {
    Settings {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        database_url: database_url.to_string(),
        pepper_file: None,
        site_dir: site_dir(),
        instruments_dir: None,
        behind_tls: false,
        secure_cookies: false,
        k: veilig::domain::results::DEFAULT_K,
        mix: Default::default(),
        survey: Default::default(),
        trusted_proxies: Default::default(),
        connections: Default::default(),
        two_factor: veilig::domain::two_factor::TwoFactorRoles::none(),
    }
}

impl TestApp {
    /// Another server on this test's database with the same pepper, as a second app server
    /// behind a load balancer (or this one restarted); its address (`http://…`). It runs until
    /// the test ends.
    pub async fn another_server(&self, adjust: impl FnOnce(&mut Settings)) -> String {
        let mut settings = test_settings(&self.database.url);
        adjust(&mut settings);
        let app = Application::build(&settings, self.pepper.clone())
            .await
            .expect("the other server starts");
        let address = app.url();
        tokio::spawn(app.run_until_stopped());
        address
    }

    /// The pepper as written in its file, to look for where it must never be.
    pub fn pepper_hex(&self) -> String {
        self.pepper_hex.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is sent")
    }

    /// The hashed prefix the assets are served under, `/assets/<hash>`, read off the start
    /// page's stylesheet link.
    pub async fn asset_prefix(&self) -> String {
        let start = self.get("/").await.text().await.expect("the start page");
        start
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.starts_with("/assets/") && s.ends_with("/veilig.css"))
            .map(|s| s.trim_end_matches("/veilig.css").to_string())
            .expect("the stylesheet link")
    }

    pub fn instruments(&self) -> InstrumentLibrary {
        InstrumentLibrary::builtin().expect("the default instrument is valid")
    }

    /// Moves every response the server holds into the results at once, as the mixer does
    /// when a wave closes (it waits for a full batch on its own).
    pub async fn mix_responses(&self) {
        use veilig::store::mixing::{flush, Select};
        let key = veilig::domain::seal::SealKey::from_pepper(&self.pepper);
        while flush(
            &self.db,
            &key,
            Select::Waiting {
                batch: 1,
                force: true,
            },
        )
        .await
        .expect("held responses are mixed")
        .left
            > 0
        {}
    }

    /// Fills the database with the default demo data set.
    pub async fn with_demo_data(&self) -> veilig::demo::DemoSummary {
        veilig::demo::fill(
            &self.db,
            &self.pepper,
            &self.instruments(),
            &Default::default(),
        )
        .await
        .expect("demo data is written")
    }
}

/// Runs each test once on SQLite and once on PostgreSQL: `name::sqlite`, `name::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    // `with adjust;` first: each server's settings are changed by `adjust` (`spawn_app_with`).
    (with $adjust:expr; $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::spawn_app_with($crate::Db::Sqlite, $adjust).await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::spawn_app_with($crate::Db::Postgres, $adjust).await).await;
                }
            }
        )*
    };
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::spawn_app($crate::Db::Sqlite).await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::spawn_app($crate::Db::Postgres).await).await;
                }
            }
        )*
    };
}

/// A small register for tests: two organisations in two regions, three locations.
pub const TEST_REGISTER: &str = "organisation,region,location,setting_type,children_placed\n\
    De Linde,Utrecht,Groep Eik,open_residential,10\n\
    De Linde,Utrecht,De Bunker,closed,8\n\
    Pleegzorg West,Haaglanden,Team 1,foster_care,30\n";

impl TestApp {
    /// Imports `TEST_REGISTER`; returns the location ids by name.
    pub async fn with_register(&self) -> std::collections::HashMap<String, i32> {
        let rows =
            veilig::domain::organisation_import::parse(TEST_REGISTER).expect("a valid register");
        veilig::store::organisations::import(&self.db, &rows)
            .await
            .expect("the register is imported");
        veilig::store::organisations::list_locations(
            &self.db,
            veilig::domain::staff::Scope::National,
        )
        .await
        .expect("locations")
        .into_iter()
        .map(|l| (l.name, l.id))
        .collect()
    }

    /// The id of an organisation by name.
    pub async fn organisation_id(&self, name: &str) -> i32 {
        veilig::store::organisations::list_organisations(
            &self.db,
            veilig::domain::staff::Scope::National,
        )
        .await
        .expect("organisations")
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id)
        .expect("the organisation exists")
    }

    /// A wave with the default instrument in `state` (moved along the lifecycle).
    pub async fn wave(&self, label: &str, state: veilig::domain::wave::WaveState) -> i32 {
        use veilig::domain::wave::WaveState;
        let instrument = self.instruments().default_instrument();
        let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
        let wave = veilig::store::waves::create_draft(
            &self.db,
            label,
            date("2023-03-01"),
            date("2023-06-30"),
            &instrument,
        )
        .await
        .expect("the wave is made");
        let mut current = WaveState::Draft;
        while current != state {
            let Some(next) = current.next() else { break };
            self.advance(wave.id, next).await;
            current = next;
        }
        wave.id
    }

    /// Moves a wave one step on, publishing it as an administrator does when `to` is published.
    pub async fn advance(&self, wave: i32, to: veilig::domain::wave::WaveState) {
        if to == veilig::domain::wave::WaveState::Published {
            let instruments = veilig::store::instruments::InstrumentCache::default();
            let kept = veilig::results::published::PublishedTables::default();
            let source = veilig::results::Source {
                db: &self.db,
                instruments: &instruments,
                k: self.k,
                published: &kept,
            };
            veilig::app::publish::publish_wave(&source, None, wave)
                .await
                .expect("the wave is published");
        } else {
            let seal = veilig::domain::seal::SealKey::from_pepper(&self.pepper);
            veilig::store::waves::advance(&self.db, &seal, wave, to)
                .await
                .expect("the wave moves on");
        }
    }

    /// Waits until publishing, started over HTTP, has made the wave published (it runs beside
    /// the request); panics after ten minutes, the engine's limit for a test wave here.
    pub async fn wait_until_published(&self, wave: i32) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
        loop {
            let found = veilig::store::waves::find_by_id(&self.db, wave)
                .await
                .expect("the wave is read")
                .expect("the wave exists");
            if found.state == veilig::domain::wave::WaveState::Published {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "wave {} was not published within ten minutes",
                found.label
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Moves a wave on to published (closing it first when open).
    pub async fn publish(&self, label: &str) {
        use veilig::domain::wave::WaveState;
        let wave = veilig::store::waves::find_by_label(&self.db, label)
            .await
            .expect("the wave is read")
            .expect("the wave exists");
        let mut current = wave.state;
        while current != WaveState::Published {
            let Some(next) = current.next() else { break };
            self.advance(wave.id, next).await;
            current = next;
        }
    }

    /// `n` anonymous codes for a location, as printed on cards.
    pub async fn codes(&self, wave: &str, location: i32, n: usize) -> Vec<String> {
        veilig::participation::generate_anonymous(
            &self.db,
            &self.pepper,
            veilig::domain::staff::Scope::National,
            wave,
            location,
            n,
        )
        .await
        .expect("codes are made")
        .codes
        .iter()
        .map(|c| c.display_grouped())
        .collect()
    }

    /// Posts a JSON body to the API.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("the request is sent")
    }
}

/// A complete, valid submission body for `code`.
pub fn submission(code: &str) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "submission_id": uuid::Uuid::new_v4().to_string(),
        "language": "nl",
        "demographics": { "age_band": "12-14", "gender": "girl", "time_here": "gt_2y" },
        "answers": { "safe_home": 4, "safe_own_room": 5, "safe_mark": 8, "safe_with_staff": "dont_know" },
        "open_answer": "Meer praten met Sander, bel 06-12345678."
    })
}

impl TestApp {
    /// (column, type) of a table, lower case.
    pub async fn columns(&self, table: &str) -> Vec<(String, String)> {
        let sql = match self.backend {
            Db::Sqlite => {
                format!("SELECT name AS c, type AS t FROM pragma_table_info('{table}') ORDER BY cid")
            }
            Db::Postgres => format!(
                "SELECT column_name::text AS c, data_type::text AS t FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        self.strings(&sql, &["c", "t"])
            .await
            .into_iter()
            .map(|mut r| {
                let t = r.pop().unwrap_or_default().to_lowercase();
                let c = r.pop().unwrap_or_default().to_lowercase();
                (c, t)
            })
            .collect()
    }

    /// Every table of the application (not the migration bookkeeping).
    pub async fn tables(&self) -> Vec<String> {
        let sql = match self.backend {
            Db::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            Db::Postgres => "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'",
        };
        self.strings(sql, &["t"])
            .await
            .into_iter()
            .filter_map(|mut r| r.pop())
            .filter(|t| t != "seaql_migrations")
            .collect()
    }

    /// Every value stored anywhere, as text: for tests that look for what must never be kept.
    pub async fn every_stored_value(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for table in self.tables().await {
            for (column, _) in self.columns(&table).await {
                let sql = format!("SELECT CAST(\"{column}\" AS TEXT) AS v FROM \"{table}\" WHERE \"{column}\" IS NOT NULL");
                for mut row in self.strings(&sql, &["v"]).await {
                    out.push((table.clone(), column.clone(), row.pop().unwrap_or_default()));
                }
            }
        }
        out
    }

    /// Runs a query and reads the named text columns of every row.
    pub async fn strings(&self, sql: &str, names: &[&str]) -> Vec<Vec<String>> {
        let backend = self.db.get_database_backend();
        self.db
            .query_all_raw(sea_orm::Statement::from_string(backend, sql.to_string()))
            .await
            .expect("the query runs")
            .iter()
            .map(|r| {
                names
                    .iter()
                    .map(|n| r.try_get::<String>("", n).expect("a text column"))
                    .collect()
            })
            .collect()
    }
}
