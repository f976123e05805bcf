//! `veilig import organisations`, `veilig organisations`, `veilig locations`.

use crate::cli::{GlobalArgs, LocationsArgs};
use crate::domain::organisation_import;
use crate::store::organisations;
use anyhow::{bail, Context};
use std::path::Path;

/// Validates the whole file first; with any problem nothing is imported and every problem is
/// printed, one per line.
pub async fn import(global: &GlobalArgs, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} (it must be UTF-8 text)", file.display()))?;
    let rows = match organisation_import::parse(&text) {
        Ok(rows) => rows,
        Err(errors) => {
            for error in &errors {
                eprintln!("{}: {error}", file.display());
            }
            bail!("{} problems; nothing was imported", errors.len());
        }
    };
    let db = super::connect(global).await?;
    let summary = organisations::import(&db, &rows).await?;
    crate::store::staff::audit(
        &db,
        None,
        "organisations.import",
        &format!("{} rows from the command line", rows.len()),
    )
    .await?;
    println!(
        "imported {} rows: {} regions, {} organisations and {} locations created, {} locations updated",
        rows.len(),
        summary.regions_created,
        summary.organisations_created,
        summary.locations_created,
        summary.locations_updated
    );
    Ok(())
}

/// A tab would break the columns; names cannot hold one, but a stored one must not either.
fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

pub async fn list_organisations(global: &GlobalArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    let mut out = String::new();
    for o in organisations::list_organisations(&db).await? {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            o.id,
            cell(&o.name),
            cell(&o.region)
        ));
    }
    print!("{out}");
    Ok(())
}

pub async fn list_locations(global: &GlobalArgs, args: &LocationsArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    let mut out = String::new();
    for l in organisations::list_locations(&db, args.organisation).await? {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            l.id,
            cell(&l.organisation),
            cell(&l.name),
            l.setting_type,
            l.children_placed
        ));
    }
    print!("{out}");
    Ok(())
}
