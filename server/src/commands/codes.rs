//! `veilig codes generate`: anonymous codes for a location, one per line on stdout.

use crate::cli::{CodesGenerateArgs, GlobalArgs};
use crate::domain::staff::Scope;
use crate::participation;
use crate::pepper::Pepper;

pub async fn generate(global: &GlobalArgs, args: &CodesGenerateArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    // The codes are stored as hashes keyed by the pepper: the same pepper as the servers'.
    let pepper = Pepper::load_or_create(global.pepper_file.as_deref(), &global.database_url)?;
    let batch = participation::generate_anonymous(
        &db,
        &pepper,
        Scope::National,
        &args.wave,
        args.location,
        args.count,
    )
    .await?;
    crate::store::staff::audit(
        &db,
        None,
        "codes.generate",
        &format!(
            "{} anonymous codes, wave {}, location {} (command line)",
            batch.codes.len(),
            batch.wave.label,
            batch.location.id
        ),
    )
    .await?;
    let mut out = String::with_capacity(batch.codes.len() * 12);
    for code in &batch.codes {
        out.push_str(&code.display_grouped());
        out.push('\n');
    }
    print!("{out}");
    eprintln!(
        "veilig: {} codes for {} — {}, wave {}. They are not stored in readable form: keep this output.",
        batch.codes.len(),
        batch.location.organisation,
        batch.location.name,
        batch.wave.label
    );
    Ok(())
}
