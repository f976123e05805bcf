//! Result counts: kept up to date in the transaction that stores a response, read per
//! breakdown with one GROUP BY over the counts (never over the responses).

use super::bulk::insert_rows_or;
use crate::domain::results::{Count, Dimension, JointCount};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Value};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::HashMap;

/// The group a response counts in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupKey {
    pub wave_id: i32,
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting_type: String,
    /// '' when the child did not say.
    pub age_band: String,
    pub gender: String,
}

impl GroupKey {
    /// The group of a response at a location of `setting_type`, with what the child said.
    pub fn new(
        wave_id: i32,
        organisation_id: i32,
        region_id: i32,
        setting_type: crate::domain::SettingType,
        demographics: &crate::domain::demographics::Demographics,
    ) -> GroupKey {
        GroupKey {
            wave_id,
            organisation_id,
            region_id,
            setting_type: setting_type.as_str().to_string(),
            age_band: demographics
                .age_band
                .map(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
            gender: demographics
                .gender
                .map(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// Counts to add: (group, measure, value) → number.
pub type Increments = HashMap<(GroupKey, String, i16), u64>;

/// Adds what one response counts for to `increments`.
pub fn record(
    increments: &mut Increments,
    instrument: &crate::domain::instrument::Instrument,
    group: &GroupKey,
    answers: &crate::domain::instrument::AnswersSoFar,
) {
    for (measure, value) in crate::domain::results::measures::increments(instrument, answers) {
        *increments
            .entry((group.clone(), measure, value))
            .or_insert(0) += 1;
    }
}

const COLUMNS: [&str; 9] = [
    "wave_id",
    "organisation_id",
    "region_id",
    "setting_type",
    "age_band",
    "gender",
    "measure",
    "value",
    "n",
];

/// Adds counts, creating rows that do not exist yet. Runs inside the caller's transaction.
pub async fn add<C: ConnectionTrait>(db: &C, increments: &Increments) -> Result<(), DbErr> {
    let rows: Vec<Vec<Value>> = increments
        .iter()
        .map(|((g, measure, value), n)| {
            vec![
                g.wave_id.into(),
                g.organisation_id.into(),
                g.region_id.into(),
                g.setting_type.clone().into(),
                g.age_band.clone().into(),
                g.gender.clone().into(),
                measure.clone().into(),
                (*value).into(),
                (*n as i64).into(),
            ]
        })
        .collect();
    let add_up = OnConflict::columns(COLUMNS[..8].iter().map(|c| Alias::new(*c)))
        .value(
            Alias::new("n"),
            Expr::col((Alias::new("result_count"), Alias::new("n")))
                .add(Expr::col((Alias::new("excluded"), Alias::new("n")))),
        )
        .to_owned();
    insert_rows_or(db, "result_count", &COLUMNS, rows, Some(add_up)).await
}

/// The breakdown value a count row belongs to, as SQL.
fn group_expr(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Overall => "'all'",
        Dimension::SettingType => "setting_type",
        Dimension::Region => "CAST(region_id AS TEXT)",
        Dimension::AgeBand => "age_band",
        Dimension::Gender => "gender",
        Dimension::Organisation => "CAST(organisation_id AS TEXT)",
        Dimension::SettingTypeByAgeBand => "setting_type || '|' || age_band",
    }
}

/// Counts of one wave summed per breakdown value, over the responses in the scope.
pub async fn counts<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    dimension: Dimension,
    scope: crate::domain::staff::Scope,
) -> Result<Vec<Count>, DbErr> {
    grouped(db, wave_id, group_expr(dimension), scope).await
}

/// Every count of one wave, by organisation, region, setting type, age band and gender: what
/// a publication is made from.
pub async fn joint_counts<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
) -> Result<Vec<JointCount>, DbErr> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT organisation_id, region_id, setting_type, age_band, gender, measure, value, \
         CAST(SUM(n) AS BIGINT) AS total FROM result_count WHERE wave_id = {wave_id} \
         GROUP BY organisation_id, region_id, setting_type, age_band, gender, measure, value"
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(JointCount {
                organisation_id: r.try_get("", "organisation_id")?,
                region_id: r.try_get("", "region_id")?,
                setting_type: r.try_get("", "setting_type")?,
                age_band: r.try_get("", "age_band")?,
                gender: r.try_get("", "gender")?,
                measure: r.try_get("", "measure")?,
                value: r.try_get("", "value")?,
                n: u64::try_from(r.try_get::<i64>("", "total")?).unwrap_or(0),
            })
        })
        .collect()
}

async fn grouped<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    group: &str,
    scope: crate::domain::staff::Scope,
) -> Result<Vec<Count>, DbErr> {
    let backend = db.get_database_backend();
    let mut sql = format!(
        "SELECT {group} AS g, measure, value, CAST(SUM(n) AS BIGINT) AS total FROM result_count WHERE wave_id = {wave_id}"
    );
    if let Some(org) = scope.organisation_id() {
        sql.push_str(&format!(" AND organisation_id = {org}"));
    }
    sql.push_str(" GROUP BY 1, measure, value");
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Count {
                group: r.try_get("", "g")?,
                measure: r.try_get("", "measure")?,
                value: r.try_get("", "value")?,
                n: u64::try_from(r.try_get::<i64>("", "total")?).unwrap_or(0),
            })
        })
        .collect()
}
