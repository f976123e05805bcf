//! `veilig import organisations`, `veilig organisations`, `veilig locations`. The lists are
//! tab-separated on stdout with nothing else there, so they can be piped into other tools.

use crate::cli::{GlobalArgs, LocationsArgs};
use crate::domain::organisation_import;
use crate::domain::staff::Scope;
use crate::store::organisations::{self, ImportSummary, LocationRow, OrganisationRow};
use anyhow::{bail, Context};
use std::path::Path;

/// Reads and checks the whole file before touching the database; with any problem nothing is
/// imported and every problem is printed on stderr, one per line.
pub async fn import(global: &GlobalArgs, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| {
        format!(
            "cannot read {} (it must be a UTF-8 text file: save it as \"CSV UTF-8\")",
            file.display()
        )
    })?;
    let rows = match organisation_import::parse(&text) {
        Ok(rows) => rows,
        Err(errors) => {
            for error in &errors {
                eprintln!("{}: {error}", file.display());
            }
            bail!(
                "{} problem{} in {}; nothing was imported",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                file.display()
            );
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
    println!("{}", summary_line(rows.len(), &summary));
    Ok(())
}

pub fn summary_line(rows: usize, summary: &ImportSummary) -> String {
    format!(
        "imported {rows} rows: {} regions, {} organisations and {} locations created, \
         {} organisations moved to another region, {} locations updated",
        summary.regions_created,
        summary.organisations_created,
        summary.locations_created,
        summary.organisations_moved,
        summary.locations_updated
    )
}

/// Names cannot hold a tab or line break (the import refuses them), but a name stored by some
/// other route must still not break the columns.
fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// `id<TAB>name<TAB>region`, one line per organisation.
pub fn organisation_lines(rows: &[OrganisationRow]) -> String {
    rows.iter()
        .map(|o| format!("{}\t{}\t{}\n", o.id, cell(&o.name), cell(&o.region)))
        .collect()
}

/// `id<TAB>organisation<TAB>location<TAB>setting type<TAB>children placed`, one line per location.
pub fn location_lines(rows: &[LocationRow]) -> String {
    rows.iter()
        .map(|l| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                l.id,
                cell(&l.organisation),
                cell(&l.name),
                l.setting_type,
                l.children_placed
            )
        })
        .collect()
}

pub async fn list_organisations(global: &GlobalArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    print!(
        "{}",
        organisation_lines(&organisations::list_organisations(&db, Scope::National).await?)
    );
    Ok(())
}

pub async fn list_locations(global: &GlobalArgs, args: &LocationsArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    let scope = super::organisation_scope(&db, args.organisation).await?;
    print!(
        "{}",
        location_lines(&organisations::list_locations(&db, scope).await?)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SettingType;

    #[test]
    fn lists_are_one_tab_separated_line_per_row() {
        let organisations = [OrganisationRow {
            id: 3,
            name: "De\tLinde".to_string(),
            region: "Utrecht".to_string(),
            synthetic: false,
        }];
        assert_eq!(organisation_lines(&organisations), "3\tDe Linde\tUtrecht\n");
        let locations = [LocationRow {
            id: 7,
            organisation_id: 3,
            organisation: "De Linde".to_string(),
            name: "Groep Eik".to_string(),
            setting_type: SettingType::OpenResidential,
            children_placed: 10,
        }];
        assert_eq!(
            location_lines(&locations),
            "7\tDe Linde\tGroep Eik\topen_residential\t10\n"
        );
        assert_eq!(organisation_lines(&[]), "");
    }
}
