//! Connecting to SQLite (the embedded default) or PostgreSQL (production), and migrations.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
};
use std::time::Duration;
use veilig_migrations::{Migrator, MigratorTrait};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(db: &DatabaseConnection) -> Backend {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A SQLite URL without a mode gets `mode=rwc`, so the file is created when missing.
pub fn normalise_url(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    }
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 24;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let url = normalise_url(url);
    let is_sqlite = url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(if is_sqlite { 8 } else { 20 })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statement logging would print values; it stays off.
        .sqlx_logging(false);
    // The driver keeps prepared statements per connection. The hot ones are few; the batch
    // statements of the mixer differ in their number of values, and a large cache of those
    // grows the server by megabytes a minute under load until it is full.
    options.map_sqlx_postgres_opts(|o| o.statement_cache_capacity(STATEMENT_CACHE));
    if is_sqlite {
        // FULL: a response answered 201 survives a power cut too, not only a crashed process.
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .statement_cache_capacity(STATEMENT_CACHE)
                .foreign_keys(true)
                // Deleted rows (held responses once mixed, drafts once sent) are overwritten
                // with zeros, not left readable in free pages.
                .pragma("secure_delete", "ON")
        });
    }
    Database::connect(options).await
}

/// The advisory lock that one migrating server holds on PostgreSQL ("veilig migrations").
const MIGRATION_LOCK: i64 = 0x7665_696c_6d69_6772;

/// Runs the pending migrations. On PostgreSQL, any number of servers may start at once: each
/// migrates on a connection of its own holding an advisory lock, so one runs the migrations
/// while the others wait and then find nothing pending. (SQLite has one server.)
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if Backend::of(db) == Backend::Sqlite {
        return Migrator::up(db, None).await;
    }
    // A session lock needs one connection for the lock, the migrations and the unlock: a pool
    // of one, with the pool's own settings.
    let options = db.get_postgres_connection_pool().connect_options();
    let one = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        // The lock belongs to this one connection: it must not be closed and replaced.
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_with((*options).clone())
        .await
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
    let conn = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(one);
    conn.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let migrated = Migrator::up(&conn, None).await;
    // Closing the connection releases the lock too; unlocking first says so plainly.
    let unlocked = conn
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await;
    let _ = conn.close().await;
    migrated?;
    unlocked.map(|_| ())
}

/// Whether every migration has run.
pub async fn migrations_current(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// A cheap round trip, to tell whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode_and_others_are_left_alone() {
        assert_eq!(
            normalise_url("sqlite://veilig.db"),
            "sqlite://veilig.db?mode=rwc"
        );
        assert_eq!(
            normalise_url("sqlite://v.db?mode=ro"),
            "sqlite://v.db?mode=ro"
        );
        assert_eq!(
            normalise_url("postgres://localhost/v"),
            "postgres://localhost/v"
        );
    }
}
