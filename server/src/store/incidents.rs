//! Incident counts, stored as one row per cell of a quarter report (kind × perpetrator). A
//! correction overwrites the rows of its quarter in place (an upsert on the unique index), so a
//! quarter is never counted twice.

use super::entity::incident_count;
use super::scope::by_organisation;
use crate::domain::incidents::{IncidentTotals, Kind, Perpetrator, Quarter, QuarterReport, Tally};
use crate::domain::staff::Scope;
use crate::domain::SettingType;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, Statement};
use std::collections::{BTreeMap, BTreeSet};

/// A quarter report and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub organisation_id: i32,
    pub report: QuarterReport,
}

type ReportKey = (i32, Quarter, SettingType);

fn bad(what: &str, value: impl std::fmt::Debug) -> DbErr {
    DbErr::Custom(format!("incident_count: unknown {what} {value:?}"))
}

/// Rows to reports. A row breaking a rule the form enforces is an error, not a figure.
fn assemble(rows: Vec<incident_count::Model>) -> Result<Vec<StoredReport>, DbErr> {
    let mut reports: BTreeMap<ReportKey, QuarterReport> = BTreeMap::new();
    for row in rows {
        let setting: SettingType = row
            .setting_type
            .parse()
            .map_err(|_| bad("setting type", &row.setting_type))?;
        let quarter = u8::try_from(row.quarter)
            .map_err(|_| bad("quarter", row.quarter))
            .and_then(|q| Quarter::new(row.year, q).map_err(DbErr::Custom))?;
        let kind = Kind::parse(&row.kind).ok_or_else(|| bad("kind", &row.kind))?;
        let perpetrator = Perpetrator::parse(&row.perpetrator)
            .ok_or_else(|| bad("perpetrator", &row.perpetrator))?;
        let count = |n: i32| u32::try_from(n).map_err(|_| bad("count", n));
        let tally = Tally {
            recorded: count(row.recorded)?,
            reported: count(row.reported)?,
        };
        let placed = count(row.children_placed)?;
        reports
            .entry((row.organisation_id, quarter, setting))
            .or_insert_with(|| QuarterReport::empty(setting, quarter, placed))
            .set(kind, perpetrator, tally)
            .map_err(DbErr::Custom)?;
    }
    Ok(reports
        .into_iter()
        .map(|((organisation_id, _, _), report)| StoredReport {
            organisation_id,
            report,
        })
        .collect())
}

/// The scope's reports for the given quarters (all quarters when `None`), by organisation,
/// then quarter, then setting type.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    quarters: Option<&[Quarter]>,
) -> Result<Vec<StoredReport>, DbErr> {
    let mut query = incident_count::Entity::find().filter(by_organisation(
        incident_count::Column::OrganisationId,
        scope,
    ));
    if let Some(quarters) = quarters {
        let mut years: Vec<i32> = quarters.iter().map(|q| q.year()).collect();
        years.sort_unstable();
        years.dedup();
        query = query.filter(incident_count::Column::Year.is_in(years));
    }
    let reports = assemble(query.all(db).await?)?;
    Ok(match quarters {
        Some(quarters) => reports
            .into_iter()
            .filter(|r| quarters.contains(&r.report.quarter))
            .collect(),
        None => reports,
    })
}

/// Every organisation's reports for the given quarters summed per setting type, by the
/// database: what the national table needs, read as O(setting types × quarters) sums and the
/// organisations per setting type, instead of every report.
pub async fn national_sums<C: ConnectionTrait>(
    db: &C,
    quarters: &[Quarter],
) -> Result<BTreeMap<SettingType, IncidentTotals>, DbErr> {
    if quarters.is_empty() {
        return Ok(BTreeMap::new());
    }
    let backend = db.get_database_backend();
    // Only integers go into the text.
    let period = quarters
        .iter()
        .map(|q| format!("(year = {} AND quarter = {})", q.year(), q.number()))
        .collect::<Vec<_>>()
        .join(" OR ");
    let sums = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT setting_type, year, quarter, kind, perpetrator, \
                 CAST(SUM(recorded) AS BIGINT) AS recorded, CAST(SUM(reported) AS BIGINT) AS reported, \
                 CAST(SUM(children_placed) AS BIGINT) AS placed \
                 FROM incident_count WHERE {period} GROUP BY setting_type, year, quarter, kind, perpetrator"
            ),
        ))
        .await?;
    let members = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT DISTINCT setting_type, organisation_id FROM incident_count WHERE {period}"
            ),
        ))
        .await?;
    let setting = |text: String| -> Result<SettingType, DbErr> {
        text.parse().map_err(|_| bad("setting type", &text))
    };
    let count = |n: i64| u64::try_from(n).map_err(|_| bad("sum", n));
    type Parts = (
        BTreeSet<i32>,
        BTreeMap<Quarter, u64>,
        Vec<(Kind, Perpetrator, u64, u64)>,
    );
    let mut parts: BTreeMap<SettingType, Parts> = BTreeMap::new();
    for row in members {
        let s = setting(row.try_get("", "setting_type")?)?;
        parts
            .entry(s)
            .or_default()
            .0
            .insert(row.try_get("", "organisation_id")?);
    }
    for row in sums {
        let s = setting(row.try_get("", "setting_type")?)?;
        let number: i16 = row.try_get("", "quarter")?;
        let quarter = u8::try_from(number)
            .map_err(|_| bad("quarter", number))
            .and_then(|q| Quarter::new(row.try_get("", "year")?, q).map_err(DbErr::Custom))?;
        let kind_text: String = row.try_get("", "kind")?;
        let kind = Kind::parse(&kind_text).ok_or_else(|| bad("kind", &kind_text))?;
        let perpetrator_text: String = row.try_get("", "perpetrator")?;
        let perpetrator = Perpetrator::parse(&perpetrator_text)
            .ok_or_else(|| bad("perpetrator", &perpetrator_text))?;
        let entry = parts.entry(s).or_default();
        // Every report has a row for each cell, all with its children placed: one cell's sum
        // is the quarter's children placed over the reports.
        if kind == Kind::ALL[0] && perpetrator == Perpetrator::ALL[0] {
            *entry.1.entry(quarter).or_insert(0) += count(row.try_get("", "placed")?)?;
        }
        entry.2.push((
            kind,
            perpetrator,
            count(row.try_get("", "recorded")?)?,
            count(row.try_get("", "reported")?)?,
        ));
    }
    Ok(parts
        .into_iter()
        .map(|(s, (organisations, placed, cells))| {
            (s, IncidentTotals::from_sums(organisations, placed, cells))
        })
        .collect())
}

/// How many registrations were ever saved. Read it before the sums it vouches for: sums read
/// after a registration committed may then be kept under the revision before it (and are read
/// again), never the other way round.
pub async fn revision<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT revision FROM incident_revision WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("incident_revision has no row".into()))?;
    row.try_get("", "revision")
}

/// One organisation's report for a setting type and quarter, if the scope may see it.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    organisation_id: i32,
    setting_type: SettingType,
    quarter: Quarter,
) -> Result<Option<QuarterReport>, DbErr> {
    let rows = incident_count::Entity::find()
        .filter(by_organisation(
            incident_count::Column::OrganisationId,
            scope,
        ))
        .filter(incident_count::Column::OrganisationId.eq(organisation_id))
        .filter(incident_count::Column::SettingType.eq(setting_type.as_str()))
        .filter(incident_count::Column::Year.eq(quarter.year()))
        .filter(incident_count::Column::Quarter.eq(i16::from(quarter.number())))
        .all(db)
        .await?;
    Ok(assemble(rows)?.pop().map(|r| r.report))
}

/// Writes a report for an organisation in the scope, replacing the quarter's figures when they
/// were registered before. False (and nothing written) when the scope does not allow it.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    organisation_id: i32,
    report: &QuarterReport,
) -> Result<bool, DbErr> {
    if !scope.allows_organisation(organisation_id) {
        return Ok(false);
    }
    let small = |n: u32| i32::try_from(n).map_err(|_| bad("count", n));
    let mut rows = Vec::new();
    for (kind, perpetrator, tally) in report.cells() {
        rows.push(incident_count::ActiveModel {
            organisation_id: Set(organisation_id),
            setting_type: Set(report.setting_type.as_str().to_string()),
            year: Set(report.quarter.year()),
            quarter: Set(i16::from(report.quarter.number())),
            kind: Set(kind.as_str().to_string()),
            perpetrator: Set(perpetrator.as_str().to_string()),
            recorded: Set(small(tally.recorded)?),
            reported: Set(small(tally.reported)?),
            children_placed: Set(small(report.children_placed)?),
            ..Default::default()
        });
    }
    // Raised in the same transaction as the rows: a server that read the revision before the
    // commit reads the sums again after it.
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE incident_revision SET revision = revision + 1 WHERE id = 1",
    ))
    .await?;
    use incident_count::Column as Col;
    incident_count::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                Col::OrganisationId,
                Col::SettingType,
                Col::Year,
                Col::Quarter,
                Col::Kind,
                Col::Perpetrator,
            ])
            .update_columns([Col::Recorded, Col::Reported, Col::ChildrenPlaced])
            .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(true)
}
