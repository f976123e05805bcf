//! Command-line actions besides `serve`: each connects, runs pending migrations, does its job.

pub mod codes;
pub mod export;
pub mod organisations;
pub mod tokens;
pub mod users;

use crate::cli::GlobalArgs;
use anyhow::Context;
use sea_orm::DatabaseConnection;

/// Connects to the configured database and brings its schema up to date.
pub async fn connect(global: &GlobalArgs) -> anyhow::Result<DatabaseConnection> {
    let db = crate::db::connect(&global.database_url)
        .await
        .context("cannot connect to the database (check DATABASE_URL)")?;
    crate::db::migrate(&db)
        .await
        .context("cannot run the database migrations")?;
    Ok(db)
}
