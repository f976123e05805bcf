//! Synthetic incident counts: most organisations register every quarter of each wave's period
//! (up to today), per setting type, with rates that follow the setting (fewest in gezinshuizen,
//! most in youth justice) and a reported share that depends on how serious the kind is.

use super::children::incident_factor;
use super::PlacedLocation;
use crate::domain::incidents::{Kind, Perpetrator, Quarter, QuarterReport, Tally};
use crate::domain::staff::Scope;
use crate::domain::SettingType;
use crate::store::incidents;
use crate::store::waves::Wave;
use rand::rngs::StdRng;
use rand::Rng;
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::BTreeMap;

/// Organisations that register their incidents at all.
const REGISTERING_SHARE: f64 = 0.85;

/// Recorded incidents per 100 children placed per quarter, in an open residential group.
fn base_rate(kind: Kind, perpetrator: Perpetrator) -> f64 {
    match (kind, perpetrator) {
        (Kind::Physical, Perpetrator::Peer) => 6.0,
        (Kind::Physical, Perpetrator::Staff) => 0.8,
        (Kind::Physical, Perpetrator::Other) => 0.5,
        (Kind::Sexual, Perpetrator::Peer) => 0.8,
        (Kind::Sexual, Perpetrator::Staff) => 0.1,
        (Kind::Sexual, Perpetrator::Other) => 0.3,
        (Kind::Psychological, Perpetrator::Peer) => 8.0,
        (Kind::Psychological, Perpetrator::Staff) => 1.5,
        (Kind::Psychological, Perpetrator::Other) => 1.0,
    }
}

/// How often a recorded incident is reported onwards.
fn reported_share(kind: Kind, perpetrator: Perpetrator) -> f64 {
    let by_kind = match kind {
        Kind::Sexual => 0.8,
        Kind::Physical => 0.4,
        Kind::Psychological => 0.15,
    };
    if perpetrator == Perpetrator::Staff {
        (by_kind * 1.5_f64).min(0.95)
    } else {
        by_kind
    }
}

/// A Poisson draw (Knuth's method; the means here stay well under 100).
fn poisson(rng: &mut StdRng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut product: f64 = rng.random();
    let mut n = 0;
    while product > limit && n < crate::domain::incidents::MAX_COUNT {
        product *= rng.random::<f64>();
        n += 1;
    }
    n
}

/// Writes the reports; returns how many quarter reports were made.
pub async fn generate(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    locations: &[PlacedLocation],
    waves: &[&Wave],
) -> Result<usize, DbErr> {
    let mut placed: BTreeMap<(i32, SettingType), u32> = BTreeMap::new();
    for l in locations {
        *placed.entry((l.organisation_id, l.setting)).or_insert(0) +=
            u32::try_from(l.children_placed).unwrap_or(0);
    }
    let today = chrono::Utc::now().date_naive();
    let quarters: Vec<Quarter> = waves
        .iter()
        .flat_map(|w| Quarter::covering(w.opens_on, w.closes_on))
        .filter(|q| q.first_day() <= today)
        .collect();
    let registering: Vec<i32> = {
        let mut organisations: Vec<i32> = placed.keys().map(|(o, _)| *o).collect();
        organisations.dedup();
        organisations
            .into_iter()
            .filter(|_| rng.random_bool(REGISTERING_SHARE))
            .collect()
    };
    let txn = crate::store::begin_write(db).await?;
    let mut made = 0;
    for (&(organisation, setting), &children) in &placed {
        if children == 0 || !registering.contains(&organisation) {
            continue;
        }
        for &quarter in &quarters {
            let here = ((f64::from(children) * rng.random_range(0.9..1.1)).round() as u32).max(1);
            let mut report = QuarterReport::empty(setting, quarter, here);
            for kind in Kind::ALL {
                for perpetrator in Perpetrator::ALL {
                    let mean =
                        base_rate(kind, perpetrator) * incident_factor(setting) * f64::from(here)
                            / 100.0;
                    let recorded = poisson(rng, mean);
                    let reported = (0..recorded)
                        .filter(|_| rng.random_bool(reported_share(kind, perpetrator)))
                        .count() as u32;
                    report
                        .set(kind, perpetrator, Tally { recorded, reported })
                        .map_err(DbErr::Custom)?;
                }
            }
            incidents::save(&txn, Scope::National, organisation, &report).await?;
            made += 1;
        }
    }
    txn.commit().await?;
    Ok(made)
}
