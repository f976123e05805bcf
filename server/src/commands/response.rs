//! `veilig response`: codes handed out and used per location against children placed, the
//! same figures as the response page.

use crate::cli::{GlobalArgs, ResponseArgs};
use crate::participation::{response_per_location, response_rate};
use crate::store::waves;
use anyhow::anyhow;

pub async fn run(global: &GlobalArgs, args: &ResponseArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    let wave = waves::find_by_label(&db, &args.wave)
        .await?
        .ok_or_else(|| anyhow!("there is no wave {:?}", args.wave))?;
    let scope = super::organisation_scope(&db, args.organisation).await?;
    // Codes used while the wave takes responses; once closed, response is in its results.
    let live = wave.state.accepts_responses();
    let mut out = String::new();
    for (l, c) in response_per_location(&db, scope, wave.id).await? {
        let (used, rate) = if live {
            (
                c.used.to_string(),
                response_rate(c.used, i64::from(l.children_placed)),
            )
        } else {
            ("-".to_string(), "-".to_string())
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            l.id,
            l.organisation.replace('\t', " "),
            l.name.replace('\t', " "),
            l.setting_type,
            l.children_placed,
            c.issued,
            used,
            rate
        ));
    }
    print!("{out}");
    Ok(())
}
