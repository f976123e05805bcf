//! Incident counts as institutions register them and as dashboards and researchers read them.
//! Every figure shown goes through the disclosure rules of `domain::results::incidents`, beside
//! the felt-safety figures of the one results engine.

use crate::domain::incidents::{registrable_quarters, IncidentTotals, Quarter, QuarterReport};
use crate::domain::results::incidents::disclose;
use crate::domain::results::{Dimension, GroupResult};
use crate::domain::staff::Scope;
use crate::domain::SettingType;
use crate::results::{self, ResultsError, Source};
use crate::store::waves::Wave;
use crate::store::{incidents as store, organisations, staff as staff_store, waves};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use std::collections::BTreeMap;

/// The setting types an organisation registers for (those it has locations of), each with the
/// children placed there according to the register (the form's starting value).
pub async fn own_settings<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
) -> Result<Vec<(SettingType, u32)>, DbErr> {
    let mut placed: BTreeMap<SettingType, u32> = BTreeMap::new();
    for l in organisations::list_locations(db, scope).await? {
        *placed.entry(l.setting_type).or_insert(0) += u32::try_from(l.children_placed).unwrap_or(0);
    }
    Ok(placed.into_iter().collect())
}

/// The quarters that can be registered today: begun, and in the period of a wave.
pub async fn registrable<C: ConnectionTrait>(db: &C) -> Result<Vec<Quarter>, DbErr> {
    let periods: Vec<_> = waves::list(db)
        .await?
        .into_iter()
        .map(|w| (w.opens_on, w.closes_on))
        .collect();
    Ok(registrable_quarters(
        &periods,
        chrono::Utc::now().date_naive(),
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// 404: the organisation is not in the scope.
    #[error("there is no such organisation among yours")]
    OutOfScope,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Stores a quarter report for an organisation in the scope, with an audit entry naming each
/// old and new value, in one transaction. Returns the report it replaced, if any.
pub async fn register(
    db: &DatabaseConnection,
    actor: i32,
    scope: Scope,
    organisation_id: i32,
    report: &QuarterReport,
) -> Result<Option<QuarterReport>, RegisterError> {
    let txn = crate::store::begin_write(db).await?;
    let old = store::find(
        &txn,
        scope,
        organisation_id,
        report.setting_type,
        report.quarter,
    )
    .await?;
    if !store::save(&txn, scope, organisation_id, report).await? {
        return Err(RegisterError::OutOfScope);
    }
    staff_store::audit(
        &txn,
        Some(actor),
        if old.is_some() {
            "incidents.correct"
        } else {
            "incidents.register"
        },
        &format!(
            "organisation {organisation_id}, {}, {}: {}",
            report.setting_type,
            report.quarter,
            report.changes_from(old.as_ref())
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(old)
}

/// The quarters whose incidents are shown beside a wave's results: those with a day in its period.
pub fn wave_quarters(wave: &Wave) -> Vec<Quarter> {
    Quarter::covering(wave.opens_on, wave.closes_on)
}

/// Totals per setting type of the reports in the scope during a wave.
pub async fn totals_by_setting<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    wave: &Wave,
) -> Result<BTreeMap<SettingType, IncidentTotals>, DbErr> {
    let mut totals: BTreeMap<SettingType, IncidentTotals> = BTreeMap::new();
    for r in store::list(db, scope, Some(&wave_quarters(wave))).await? {
        totals
            .entry(r.report.setting_type)
            .or_default()
            .add(r.organisation_id, &r.report);
    }
    Ok(totals)
}

/// One row of the national table: felt safety from the engine, the incident totals, and
/// whether the incident figures may be shown.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub felt: GroupResult,
    pub totals: IncidentTotals,
    pub shown: bool,
}

#[derive(Debug, Clone)]
pub struct IncidentTable {
    pub wave: String,
    pub rows: Vec<(SettingType, IncidentRow)>,
    pub total: IncidentRow,
}

impl IncidentTable {
    pub fn row(&self, setting: SettingType) -> Option<&IncidentRow> {
        self.rows
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, r)| r)
    }
}

/// Incidents per setting type beside felt safety, for a published wave: the table researchers
/// see, and the one every institution benchmark is taken from.
pub async fn setting_table(state: &Source<'_>, wave: &Wave) -> Result<IncidentTable, ResultsError> {
    let felt = results::table(state, wave, Dimension::SettingType).await?;
    // The revision first: sums read after it are at least as new as it says.
    let revision = store::revision(state.db).await?;
    let sums = match state.published.incident_sums(wave.id, revision) {
        Some(sums) => sums,
        None => {
            let sums =
                std::sync::Arc::new(store::national_sums(state.db, &wave_quarters(wave)).await?);
            state
                .published
                .keep_incident_sums(wave.id, revision, sums.clone());
            sums
        }
    };
    let mut rows: Vec<(SettingType, IncidentRow)> = SettingType::ALL
        .into_iter()
        .map(|s| {
            let felt = felt
                .rows
                .iter()
                .find(|r| r.value == s.as_str())
                .cloned()
                // The engine lists every setting type; a missing one is shown as hidden.
                .unwrap_or_else(|| GroupResult {
                    value: s.as_str().to_string(),
                    label: s.to_string(),
                    n: None,
                    share_safe: None,
                    share_safe_n: None,
                    domains: Vec::new(),
                    items: Vec::new(),
                });
            let totals = sums.get(&s).cloned().unwrap_or_default();
            (
                s,
                IncidentRow {
                    felt,
                    totals,
                    shown: false,
                },
            )
        })
        .collect();
    let mut all = IncidentTotals::default();
    for (_, r) in &rows {
        all.merge(&r.totals);
    }
    let cells: Vec<(&IncidentTotals, bool)> = rows
        .iter()
        .map(|(_, r)| (&r.totals, r.felt.n.is_some()))
        .collect();
    let (shown, total_shown) = disclose(&cells, felt.total.n.is_some(), state.k);
    for ((_, row), shown) in rows.iter_mut().zip(shown) {
        row.shown = shown;
    }
    Ok(IncidentTable {
        wave: wave.label.clone(),
        rows,
        total: IncidentRow {
            felt: felt.total,
            totals: all,
            shown: total_shown,
        },
    })
}
