//! `veilig export`: a national breakdown of a published wave, through the same engine (and
//! the same suppression) as every page and API call.

use crate::cli::{ExportArgs, GlobalArgs};
use crate::domain::results::Dimension;
use anyhow::{anyhow, bail};

pub async fn run(global: &GlobalArgs, args: &ExportArgs) -> anyhow::Result<()> {
    let dimension = Dimension::parse(&args.by).map_err(|e| anyhow!("--by: {e}"))?;
    let db = super::connect(global).await?;
    let instruments = crate::submission::InstrumentCache::default();
    let source = crate::results::Source {
        db: &db,
        instruments: &instruments,
        k: args.k,
    };
    let wave = crate::store::waves::find_by_label(&db, &args.wave)
        .await?
        .ok_or_else(|| anyhow!("there is no wave {:?}", args.wave))?;
    let table = crate::results::table(&source, &wave, dimension).await?;
    let out = match args.format.as_str() {
        "csv" => crate::results::to_csv(&table, args.semicolon),
        "json" => serde_json::to_string_pretty(&crate::results::flat_rows(&table))?,
        other => bail!("--format: {other:?} is not supported yet; use csv or json"),
    };
    crate::store::staff::audit(
        &db,
        None,
        "results.export",
        &format!(
            "wave {}, by {}, {} (command line)",
            wave.label,
            dimension.as_str(),
            args.format
        ),
    )
    .await?;
    print!("{out}");
    Ok(())
}
