//! A fresh database for one benchmark run, removed afterwards: a SQLite file in a temporary
//! directory, or a new database on the PostgreSQL server.

use anyhow::Context;
use sea_orm::{ConnectionTrait, Database};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgres => "PostgreSQL",
        }
    }
}

pub struct FreshDatabase {
    pub url: String,
    pub dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl FreshDatabase {
    /// `server` is the PostgreSQL server URL (without a database name).
    pub async fn create(kind: Kind, server: &str) -> anyhow::Result<FreshDatabase> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("veilig-bench-{id}"));
        std::fs::create_dir_all(&dir)?;
        Ok(match kind {
            Kind::Sqlite => FreshDatabase {
                url: format!("sqlite://{}/veilig.db?mode=rwc", dir.display()),
                dir,
                postgres: None,
            },
            Kind::Postgres => {
                let name = format!("veilig_bench_{id}");
                let admin = Database::connect(format!("{server}/postgres"))
                    .await
                    .with_context(|| format!("cannot reach PostgreSQL at {server}"))?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                let _ = admin.close().await;
                FreshDatabase {
                    url: format!("{server}/{name}"),
                    dir,
                    postgres: Some((server.to_string(), name)),
                }
            }
        })
    }

    pub async fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((server, name)) = self.postgres {
            if let Ok(admin) = Database::connect(format!("{server}/postgres")).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = admin.close().await;
            }
        }
    }
}
