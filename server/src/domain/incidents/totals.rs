//! Incident counts summed over a group (an organisation, a setting type, the country) and the
//! rates shown beside felt safety: incidents per 100 children placed, per quarter.

use super::{Kind, Perpetrator, Quarter, QuarterReport};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentTotals {
    /// The organisations whose reports are in the sum.
    pub organisations: BTreeSet<i32>,
    /// Children placed summed over the reports (a child placed all year counts four times).
    pub child_quarters: u64,
    /// Children placed per quarter, summed over the reports of that quarter.
    placed_per_quarter: BTreeMap<Quarter, u64>,
    recorded: [[u64; 3]; 3],
    reported: [[u64; 3]; 3],
}

/// Incidents per 100 children placed, per quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub recorded: f64,
    pub reported: f64,
    /// Recorded, per kind in the order of `Kind::ALL`.
    pub by_kind: [f64; 3],
    /// Recorded, per perpetrator in the order of `Perpetrator::ALL`.
    pub by_perpetrator: [f64; 3],
}

impl IncidentTotals {
    pub fn add(&mut self, organisation_id: i32, report: &QuarterReport) {
        self.organisations.insert(organisation_id);
        let placed = u64::from(report.children_placed);
        self.child_quarters += placed;
        *self.placed_per_quarter.entry(report.quarter).or_insert(0) += placed;
        for (kind, perpetrator, tally) in report.cells() {
            let (k, p) = (kind as usize, perpetrator as usize);
            self.recorded[k][p] += u64::from(tally.recorded);
            self.reported[k][p] += u64::from(tally.reported);
        }
    }

    /// Totals from sums made elsewhere (the database): the organisations in the group, the
    /// children placed per quarter summed over the group's reports, and recorded and reported
    /// incidents per kind and perpetrator.
    pub fn from_sums(
        organisations: BTreeSet<i32>,
        placed_per_quarter: BTreeMap<Quarter, u64>,
        cells: impl IntoIterator<Item = (Kind, Perpetrator, u64, u64)>,
    ) -> IncidentTotals {
        let mut totals = IncidentTotals {
            organisations,
            child_quarters: placed_per_quarter.values().sum(),
            placed_per_quarter,
            ..Default::default()
        };
        for (kind, perpetrator, recorded, reported) in cells {
            totals.recorded[kind as usize][perpetrator as usize] += recorded;
            totals.reported[kind as usize][perpetrator as usize] += reported;
        }
        totals
    }

    /// Adds another group's totals (for a sum of groups).
    pub fn merge(&mut self, other: &IncidentTotals) {
        self.organisations.extend(&other.organisations);
        self.child_quarters += other.child_quarters;
        for (q, n) in &other.placed_per_quarter {
            *self.placed_per_quarter.entry(*q).or_insert(0) += n;
        }
        for k in 0..3 {
            for p in 0..3 {
                self.recorded[k][p] += other.recorded[k][p];
                self.reported[k][p] += other.reported[k][p];
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
    }

    /// The children behind the figures: children placed on average over the quarters reported
    /// (rounded down, so a group is never made to look larger than it is).
    pub fn children_placed(&self) -> u64 {
        match self.placed_per_quarter.len() as u64 {
            0 => 0,
            quarters => self.placed_per_quarter.values().sum::<u64>() / quarters,
        }
    }

    pub fn recorded(&self, kind: Kind, perpetrator: Perpetrator) -> u64 {
        self.recorded[kind as usize][perpetrator as usize]
    }

    pub fn recorded_total(&self) -> u64 {
        self.recorded.iter().flatten().sum()
    }

    pub fn reported_total(&self) -> u64 {
        self.reported.iter().flatten().sum()
    }

    pub fn rates(&self) -> Option<Rates> {
        if self.child_quarters == 0 {
            return None;
        }
        let per_100 = |n: u64| n as f64 * 100.0 / self.child_quarters as f64;
        Some(Rates {
            recorded: per_100(self.recorded_total()),
            reported: per_100(self.reported_total()),
            by_kind: Kind::ALL.map(|k| per_100(self.recorded[k as usize].iter().sum())),
            by_perpetrator: Perpetrator::ALL
                .map(|p| per_100(self.recorded.iter().map(|row| row[p as usize]).sum())),
        })
    }
}
