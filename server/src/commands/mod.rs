//! Command-line actions besides `serve`: each connects, runs pending migrations, does its job.

pub mod codes;
pub mod export;
pub mod organisations;
pub mod response;
pub mod retention;
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

/// The scope of a command's `--organisation` option: that organisation (which must exist), or
/// the whole country when it is not given. The command line is run by the operator.
pub async fn organisation_scope(
    db: &DatabaseConnection,
    organisation: Option<i32>,
) -> anyhow::Result<crate::domain::staff::Scope> {
    use crate::domain::staff::Scope;
    let Some(id) = organisation else {
        return Ok(Scope::National);
    };
    // An empty list would look like an organisation without locations.
    if crate::store::organisations::find_organisation(db, Scope::National, id)
        .await?
        .is_none()
    {
        anyhow::bail!("there is no organisation with id {id} (see `veilig organisations`)");
    }
    Ok(Scope::Organisation(id))
}
