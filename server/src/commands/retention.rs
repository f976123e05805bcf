//! `veilig retention`: deletes the answers of waves that closed more than `--keep-years` ago.
//! Without `--delete` it only lists them, so the operator sees what would go first.

use crate::cli::{GlobalArgs, RetentionArgs};
use crate::store::retention::{self, Expired};
use chrono::{Months, NaiveDate, Utc};

/// The day before which a wave must have closed for its answers to go.
pub fn cutoff(today: NaiveDate, keep_years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(keep_years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

fn line(wave: &Expired) -> String {
    format!(
        "{}\tclosed {}\t{} responses\t{} open answers\t{} unfinished",
        wave.label, wave.closes_on, wave.responses, wave.open_answers, wave.unfinished
    )
}

pub async fn run(global: &GlobalArgs, args: &RetentionArgs) -> anyhow::Result<()> {
    let db = super::connect(global).await?;
    let cutoff = cutoff(Utc::now().date_naive(), args.keep_years);
    let waves = retention::expired(&db, cutoff).await?;
    if waves.is_empty() {
        println!("No closed wave ended before {cutoff}: nothing to delete.");
        return Ok(());
    }
    for wave in &waves {
        if args.delete {
            let deleted = retention::delete_answers_of(&db, wave).await?;
            println!("deleted\t{}\t{deleted} responses", wave.label);
        } else {
            println!("{}", line(wave));
        }
    }
    if !args.delete {
        println!(
            "These waves closed before {cutoff}. Run again with --delete to delete their answers \
             for good (result counts, access codes and the audit log stay)."
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_whole_years_back_and_clamps_leap_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(cutoff(day(2026, 11, 25), 2), day(2024, 11, 25));
        assert_eq!(cutoff(day(2028, 2, 29), 1), day(2027, 2, 28));
    }
}
