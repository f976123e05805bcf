//! `veilig export`: any results view — a breakdown, a comparison, within-child change — as
//! CSV, XLSX, JSON or SPSS syntax, through the same engine (and the same suppression) as
//! every page and API call, made as a named researcher and written to the audit log.

use crate::cli::{ExportArgs, GlobalArgs};
use crate::domain::results::Dimension;
use crate::domain::staff::{Email, Role};
use crate::export::{self, Format};
use crate::results::exports::{export_view, View};
use anyhow::{anyhow, bail, Context};
use std::io::{IsTerminal, Write};

/// The k of an export: the configured k, or a stricter one; never lower.
pub fn export_k(configured: u64, asked: Option<u64>) -> anyhow::Result<u64> {
    match asked {
        Some(k) if k < configured => bail!(
            "--k {k} is below the configured k {configured} (VEILIG_K): an export can be stricter than the server, never less strict"
        ),
        Some(k) => Ok(k),
        None => Ok(configured),
    }
}

fn view_of(args: &ExportArgs) -> anyhow::Result<View> {
    let by = Dimension::parse(&args.by).map_err(|e| anyhow!("--by: {e}"))?;
    let second = || {
        args.to
            .clone()
            .ok_or_else(|| anyhow!("--view {} needs the second wave: --to LABEL", args.view))
    };
    Ok(match args.view.as_str() {
        "results" => View::Results {
            wave: args.wave.clone(),
            by,
        },
        "compare" => View::Compare {
            from: args.wave.clone(),
            to: second()?,
            by,
        },
        "change" => View::Change {
            from: args.wave.clone(),
            to: second()?,
            by,
        },
        other => bail!("--view: {other:?} is not a view; choose results, compare or change"),
    })
}

pub async fn run(global: &GlobalArgs, args: &ExportArgs) -> anyhow::Result<()> {
    let k = export_k(args.configured_k, args.k)?;
    let view = view_of(args)?;
    let format =
        Format::parse(&args.format, args.semicolon).map_err(|e| anyhow!("--format: {e}"))?;
    if format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        bail!("an XLSX file is not for the terminal: add --output FILE.xlsx (or redirect)");
    }
    let db = super::connect(global).await?;
    let email = Email::parse(&args.actor).map_err(|e| anyhow!("--as: {e}"))?;
    let actor = crate::store::staff::find_user_by_email(&db, &email)
        .await?
        .filter(|u| u.active && u.role() == Role::Researcher)
        .ok_or_else(|| anyhow!("--as: {} is not an active researcher account", args.actor))?;
    let instruments = crate::store::instruments::InstrumentCache::default();
    let published = crate::results::published::PublishedTables::default();
    let source = crate::results::Source {
        db: &db,
        instruments: &instruments,
        k,
        published: &published,
    };
    let export = export_view(&source, &view).await?;
    let bytes = export::render(&export, format, args.part.as_deref()).map_err(|e| anyhow!(e))?;
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    crate::store::staff::audit(
        &db,
        Some(actor.id),
        &format!("{}.export", view.kind()),
        &format!(
            "{}, {}, k {k} (command line, OS user {os_user})",
            view.describe(),
            format.as_str()
        ),
    )
    .await?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_may_be_stricter_than_the_server_but_never_less_strict() {
        assert_eq!(export_k(10, None).unwrap(), 10);
        assert_eq!(export_k(10, Some(15)).unwrap(), 15);
        assert!(export_k(10, Some(5)).is_err());
    }
}
