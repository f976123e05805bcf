//! Test helpers: start the real server on port 0 against a fresh database, SQLite or
//! PostgreSQL, and talk to it over HTTP.

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
    pub client: reqwest::Client,
    pub database: TestDatabase,
}

pub async fn spawn_app(kind: Db) -> TestApp {
    let database = TestDatabase::create(kind).await;
    let settings = Settings {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        database_url: database.url.clone(),
        pepper_file: None,
        site_dir: site_dir(),
        instruments_dir: None,
    };
    let pepper = Pepper::random();
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
        backend: kind,
        pepper,
        client,
        database,
    }
}

impl TestApp {
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

    pub fn instruments(&self) -> InstrumentLibrary {
        InstrumentLibrary::builtin().expect("the default instrument is valid")
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
