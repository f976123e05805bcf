//! The institution dashboard: response per location during the wave, and for every published
//! wave its own results beside the national and same-setting benchmarks, the change since the
//! wave before, the domains where its children feel least safe, and incident rates beside felt
//! safety. Every figure comes from the one results engine; the scope is one organisation.

use crate::domain::incidents::IncidentTotals;
use crate::domain::results::incidents::benchmark_allowed;
use crate::domain::results::{Estimate, GroupResult};
use crate::domain::staff::Scope;
use crate::domain::wave::WaveState;
use crate::domain::SettingType;
use crate::incidents::{self, IncidentTable};
use crate::participation::{response_per_location, wave_to_follow};
use crate::results::compare::{comparable, figure};
use crate::results::{self, InstitutionView, ResultsError, Source};
use crate::store::codes::CodeCounts;
use crate::store::organisations::{self, LocationRow, OrganisationRow};
use crate::store::waves::{self, Wave};
use sea_orm::DbErr;

pub struct Dashboard {
    pub organisation: OrganisationRow,
    /// The wave response is followed in (the open one, else the newest), per location.
    pub response: Option<(Wave, Vec<(LocationRow, CodeCounts)>)>,
    /// Published waves, newest first.
    pub waves: Vec<WaveResults>,
}

pub struct WaveResults {
    pub wave: Wave,
    pub view: InstitutionView,
    /// The previous published wave and the change since then (own figures, only where both
    /// waves show them).
    pub change: Option<Change>,
    /// Own domains that are shown, least safe first, with the national figure.
    pub domains: Vec<DomainLine>,
    pub incidents: Incidents,
}

pub struct DomainLine {
    pub key: String,
    pub own: Estimate,
    pub national: Option<Estimate>,
}

/// A difference with its 95% interval and significance flag.
pub type Difference = (Option<f64>, Option<f64>, Option<f64>, Option<bool>);

pub struct Change {
    pub from_wave: String,
    /// (label key, from share, to share, difference): the headline under the key "", then
    /// each domain both waves show.
    pub lines: Vec<(String, f64, f64, Difference)>,
}

/// Incident totals beside felt safety; `None` where the disclosure rules hide them.
pub struct Incidents {
    pub own: Option<IncidentTotals>,
    pub national: Option<IncidentTotals>,
    pub settings: Vec<(SettingType, Option<IncidentTotals>)>,
}

/// The dashboard of the organisation a narrowed scope names; `None` when there is no such
/// organisation in it.
pub async fn build(state: &Source<'_>, scope: Scope) -> Result<Option<Dashboard>, ResultsError> {
    let Some(organisation_id) = scope.organisation_id() else {
        return Ok(None);
    };
    let Some(organisation) =
        organisations::find_organisation(state.db, scope, organisation_id).await?
    else {
        return Ok(None);
    };
    let mut own_settings: Vec<SettingType> = organisations::list_locations(state.db, scope)
        .await?
        .into_iter()
        .map(|l| l.setting_type)
        .collect();
    own_settings.sort();
    own_settings.dedup();
    let all = waves::list(state.db).await?;
    let response = match wave_to_follow(&all, None) {
        Some(w) => Some((
            w.clone(),
            response_per_location(state.db, scope, w.id).await?,
        )),
        None => None,
    };
    let mut published: Vec<&Wave> = all
        .iter()
        .filter(|w| w.state == WaveState::Published)
        .collect();
    published.sort_by_key(|w| w.opens_on);
    let mut out: Vec<WaveResults> = Vec::new();
    let mut previous: Option<(&Wave, InstitutionView)> = None;
    for wave in published {
        let view = results::institution_view(state, wave, organisation_id, &own_settings).await?;
        let change = match &previous {
            Some((from, before)) => change(state, from, wave, before, &view).await?,
            None => None,
        };
        let table = incidents::setting_table(state, wave).await?;
        let incidents = wave_incidents(state, scope, organisation_id, wave, &view, &table).await?;
        out.push(WaveResults {
            wave: wave.clone(),
            domains: least_safe(&view),
            change,
            incidents,
            view: view.clone(),
        });
        previous = Some((wave, view));
    }
    out.reverse();
    Ok(Some(Dashboard {
        organisation,
        response,
        waves: out,
    }))
}

/// The own domains that are shown, least safe first.
fn least_safe(view: &InstitutionView) -> Vec<DomainLine> {
    let Some(own) = &view.own else {
        return Vec::new();
    };
    let mut lines: Vec<DomainLine> = own
        .domains
        .iter()
        .filter_map(|d| {
            Some(DomainLine {
                key: d.key.clone(),
                own: d.share_safe?,
                national: view
                    .national
                    .domains
                    .iter()
                    .find(|n| n.key == d.key)
                    .and_then(|n| n.share_safe),
            })
        })
        .collect();
    lines.sort_by(|a, b| a.own.value.total_cmp(&b.own.value));
    lines
}

/// The own change between two published waves: the headline when both instruments' headline
/// items share a comparability key, and each domain both waves show.
async fn change(
    state: &Source<'_>,
    from: &Wave,
    to: &Wave,
    before: &InstitutionView,
    after: &InstitutionView,
) -> Result<Option<Change>, DbErr> {
    let (Some(a), Some(b)) = (&before.own, &after.own) else {
        return Ok(None);
    };
    let ia = crate::store::instruments::load_instrument(state.db, state.instruments, from).await?;
    let ib = crate::store::instruments::load_instrument(state.db, state.instruments, to).await?;
    // The same rule as the wave comparison: only what both questionnaires ask alike.
    let same = comparable(&ia, &ib);
    let mut lines = Vec::new();
    let line = |key: &str, ea: Option<Estimate>, na, eb: Option<Estimate>, nb| {
        let f = figure(key, (ea, na), (eb, nb));
        match (ea, eb, f.difference) {
            (Some(x), Some(y), Some(_)) => Some((
                key.to_string(),
                x.value,
                y.value,
                (
                    f.difference,
                    f.difference_low,
                    f.difference_high,
                    f.significant,
                ),
            )),
            _ => None,
        }
    };
    if same.headline {
        lines.extend(line(
            "",
            a.share_safe,
            a.share_safe_n,
            b.share_safe,
            b.share_safe_n,
        ));
    }
    for da in a.domains.iter().filter(|d| same.domains.contains(&d.key)) {
        if let Some(db) = b.domains.iter().find(|d| d.key == da.key) {
            lines.extend(line(&da.key, da.share_safe, da.n, db.share_safe, db.n));
        }
    }
    Ok(Some(Change {
        from_wave: from.label.clone(),
        lines,
    }))
}

/// Own incidents beside own felt safety; benchmarks from the national table, only where it
/// shows them, where the felt-safety benchmark beside them is shown, and where enough other
/// organisations registered (see `domain::results::incidents`).
async fn wave_incidents(
    state: &Source<'_>,
    scope: Scope,
    organisation_id: i32,
    wave: &Wave,
    view: &InstitutionView,
    table: &IncidentTable,
) -> Result<Incidents, DbErr> {
    let mut own = IncidentTotals::default();
    for totals in incidents::totals_by_setting(state.db, scope, wave)
        .await?
        .values()
    {
        own.merge(totals);
    }
    let benchmark = |row: &incidents::IncidentRow, felt: Option<&GroupResult>| {
        (row.shown
            && felt.is_some_and(|f| f.n.is_some())
            && benchmark_allowed(&row.totals, organisation_id))
        .then(|| row.totals.clone())
    };
    let settings = view
        .settings
        .iter()
        .filter_map(|felt| {
            let setting: SettingType = felt.value.parse().ok()?;
            let row = table.row(setting)?;
            Some((setting, benchmark(row, Some(felt))))
        })
        .collect();
    Ok(Incidents {
        own: (view.own.is_some() && !own.is_empty()).then_some(own),
        national: benchmark(&table.total, Some(&view.national)),
        settings,
    })
}
