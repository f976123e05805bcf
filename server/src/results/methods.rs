//! The methods note every export carries: the waves with their dates and instrument, the
//! response rate, k, the suppression rule and the intervals.

use super::{ResultsError, Source};
use crate::domain::results::Dimension;
use crate::export::SUPPRESSED;
use crate::store::waves::Wave;
use sea_orm::DbErr;

pub const SUPPRESSION_RULE: &str = "one publication per wave, made when the wave is published: every table of \
every breakdown at one k, grouped by the register as it was then. Every count is a figure: the children of a group; \
per question the children who answered on its scale, those with a safe answer, those without, and those who gave \
each answer; per domain the same. A figure of fewer than k children is hidden, whatever its value (also 0); a group \
hidden for its number of children is hidden for every question. Then enough other figures are hidden that, given \
everything published at once, the register, the questionnaire's routing and the children per organisation and \
setting type (shown on the response page during the wave), no hidden figure can be narrowed to a range narrower \
than k, or, for a group of fewer than k children, to anything narrower than everything it could be. A share is \
shown where its safe and its not-safe children are both shown; a mean only where every answer's count is";

pub const INTERVALS: &str =
    "95% intervals: Wilson for shares, normal approximation for means, Newcombe's hybrid \
score interval for the difference between two waves (significant when it leaves out 0)";

/// Children who answered out of children placed, for a published wave: the number of children
/// is the total of the wave's published table (so it passes the engine like every other
/// figure), "fewer than k" when that is hidden.
pub async fn response_rate(state: &Source<'_>, wave: &Wave) -> Result<String, DbErr> {
    let k = crate::domain::results::effective_k(state.k);
    let answered = match super::table(state, wave, Dimension::Overall).await {
        Ok(table) => table.total.n,
        Err(ResultsError::NotPublished(_)) => return Ok("shown once the wave is published".into()),
        Err(ResultsError::Db(e)) => return Err(e),
    };
    let Some(answered) = answered else {
        return Ok(format!("fewer than {k} children answered"));
    };
    let placed: i64 = match super::publication(state, wave).await {
        Ok(p) => p
            .register
            .locations
            .iter()
            .map(|l| i64::from(l.children_placed))
            .sum(),
        Err(ResultsError::Db(e)) => return Err(e),
        Err(ResultsError::NotPublished(_)) => 0,
    };
    Ok(if placed > 0 {
        format!(
            "{answered} children answered of {placed} placed ({:.1}%; children placed as registered at publication)",
            answered as f64 * 100.0 / placed as f64
        )
    } else {
        format!("{answered} children answered")
    })
}

/// The note for a view over `waves`, each with its instrument version.
pub async fn note(
    state: &Source<'_>,
    view: &str,
    waves: &[(&Wave, &str)],
) -> Result<Vec<(String, String)>, DbErr> {
    let mut lines = vec![("View".to_string(), view.to_string())];
    for (wave, instrument) in waves {
        lines.push((
            format!("Wave {}", wave.label),
            format!(
                "{} to {} ({}), instrument {instrument}{}",
                wave.opens_on,
                wave.closes_on,
                wave.state.as_str(),
                if wave.synthetic {
                    "; synthetic demo data"
                } else {
                    ""
                }
            ),
        ));
        lines.push((
            format!("Response rate {}", wave.label),
            response_rate(state, wave).await?,
        ));
    }
    let mut k = crate::domain::results::effective_k(state.k);
    for (wave, _) in waves {
        if let Ok(p) = super::publication(state, wave).await {
            k = k.max(p.k);
        }
    }
    lines.push((
        "k".into(),
        format!("{k} (the fewest children behind any published figure)"),
    ));
    lines.push(("Suppression rule".into(), SUPPRESSION_RULE.into()));
    lines.push((
        "Hidden figures".into(),
        format!("no number: an empty field in CSV and XLSX, null in JSON, system-missing in SPSS, {SUPPRESSED} on screen"),
    ));
    lines.push(("Intervals".into(), INTERVALS.into()));
    lines.push((
        "Exported on".into(),
        chrono::Utc::now().date_naive().to_string(),
    ));
    Ok(lines)
}
