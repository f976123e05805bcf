//! Open answers as researchers read them (per wave and setting type only: nothing else is
//! stored with them), the themes they tag them with, and the counts per theme.

use crate::domain::results::Count;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::BTreeMap;

/// The measure that counts open answers per setting type (the "children" of theme counts).
pub const ANSWERS: &str = "_answers";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAnswer {
    pub id: String,
    pub setting_type: String,
    pub text: String,
    pub themes: Vec<String>,
}

/// Which answers to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub setting_type: Option<String>,
    /// `Some("")`: answers without a theme yet.
    pub theme: Option<String>,
}

fn table(name: &str) -> Alias {
    Alias::new(name)
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// One page of a wave's open answers, in the order of their random ids (never by arrival),
/// and how many there are in all.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<OpenAnswer>, u64), DbErr> {
    let mut query = Query::select();
    query
        .from(table("open_answer"))
        .and_where(col("wave_id").eq(wave_id));
    if let Some(setting) = &filter.setting_type {
        query.and_where(col("setting_type").eq(setting.clone()));
    }
    match filter.theme.as_deref() {
        Some("") => {
            query.and_where(
                col("id").not_in_subquery(
                    Query::select()
                        .column(table("open_answer_id"))
                        .from(table("open_answer_tag"))
                        .to_owned(),
                ),
            );
        }
        Some(theme) => {
            query.and_where(
                col("id").in_subquery(
                    Query::select()
                        .column(table("open_answer_id"))
                        .from(table("open_answer_tag"))
                        .and_where(col("theme").eq(theme))
                        .to_owned(),
                ),
            );
        }
        None => {}
    }
    let mut count = query.clone();
    count.expr_as(Expr::cust("COUNT(*)"), table("n"));
    let total = db
        .query_one(&count)
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    query
        .columns(["id", "setting_type", "text"].map(table))
        .order_by(table("id"), Order::Asc)
        .limit(limit)
        .offset(offset);
    let rows = db.query_all(&query).await?;
    let mut answers: Vec<OpenAnswer> = rows
        .iter()
        .map(|r| {
            Ok(OpenAnswer {
                id: r.try_get("", "id")?,
                setting_type: r.try_get("", "setting_type")?,
                text: r.try_get("", "text")?,
                themes: Vec::new(),
            })
        })
        .collect::<Result<_, DbErr>>()?;
    if !answers.is_empty() {
        let ids: Vec<String> = answers.iter().map(|a| a.id.clone()).collect();
        let tags = Query::select()
            .columns(["open_answer_id", "theme"].map(table))
            .from(table("open_answer_tag"))
            .and_where(col("open_answer_id").is_in(ids))
            .order_by(table("theme"), Order::Asc)
            .to_owned();
        let mut by_answer: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in db.query_all(&tags).await? {
            by_answer
                .entry(r.try_get("", "open_answer_id")?)
                .or_default()
                .push(r.try_get("", "theme")?);
        }
        for a in &mut answers {
            a.themes = by_answer.remove(&a.id).unwrap_or_default();
        }
    }
    Ok((answers, u64::try_from(total).unwrap_or(0)))
}

/// The wave an open answer belongs to, if it exists.
pub async fn wave_of<C: ConnectionTrait>(db: &C, id: &str) -> Result<Option<i32>, DbErr> {
    let query = Query::select()
        .column(table("wave_id"))
        .from(table("open_answer"))
        .and_where(col("id").eq(id))
        .to_owned();
    db.query_one(&query)
        .await?
        .map(|r| r.try_get::<i32>("", "wave_id"))
        .transpose()
}

pub async fn themes<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let query = Query::select()
        .column(table("theme"))
        .from(table("open_answer_theme"))
        .order_by(table("theme"), Order::Asc)
        .to_owned();
    db.query_all(&query)
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "theme"))
        .collect()
}

/// Adds a theme; `false` when it was there already.
pub async fn add_theme<C: ConnectionTrait>(db: &C, theme: &str) -> Result<bool, DbErr> {
    if themes(db).await?.iter().any(|t| t == theme) {
        return Ok(false);
    }
    let insert = Query::insert()
        .into_table(table("open_answer_theme"))
        .columns([table("theme")])
        .values([theme.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(OnConflict::column(table("theme")).do_nothing().to_owned())
        .to_owned();
    db.execute(&insert).await?;
    Ok(true)
}

/// Tags an answer with a theme (once; tagging again changes nothing).
pub async fn tag<C: ConnectionTrait>(db: &C, answer: &str, theme: &str) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(table("open_answer_tag"))
        .columns(["open_answer_id", "theme"].map(table))
        .values([answer.into(), theme.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::columns(["open_answer_id", "theme"].map(table))
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

pub async fn untag<C: ConnectionTrait>(db: &C, answer: &str, theme: &str) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table(table("open_answer_tag"))
        .and_where(col("open_answer_id").eq(answer))
        .and_where(col("theme").eq(theme))
        .to_owned();
    db.execute(&delete).await?;
    Ok(())
}

/// Counts per setting type for the engine: open answers (`ANSWERS`), and answers per theme
/// (the theme is the measure, value 1).
pub async fn theme_counts<C: ConnectionTrait>(db: &C, wave_id: i32) -> Result<Vec<Count>, DbErr> {
    let answers = Query::select()
        .column(table("setting_type"))
        .expr_as(Expr::cust("COUNT(*)"), table("n"))
        .from(table("open_answer"))
        .and_where(col("wave_id").eq(wave_id))
        .group_by_col(table("setting_type"))
        .to_owned();
    let mut out = Vec::new();
    for r in db.query_all(&answers).await? {
        out.push(Count {
            group: r.try_get("", "setting_type")?,
            measure: ANSWERS.to_string(),
            value: 1,
            n: u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
        });
    }
    let tagged = Query::select()
        .column((table("open_answer"), table("setting_type")))
        .column((table("open_answer_tag"), table("theme")))
        .expr_as(Expr::cust("COUNT(*)"), table("n"))
        .from(table("open_answer_tag"))
        .inner_join(
            table("open_answer"),
            Expr::col((table("open_answer"), table("id")))
                .equals((table("open_answer_tag"), table("open_answer_id"))),
        )
        .and_where(Expr::col((table("open_answer"), table("wave_id"))).eq(wave_id))
        .group_by_col((table("open_answer"), table("setting_type")))
        .group_by_col((table("open_answer_tag"), table("theme")))
        .to_owned();
    for r in db.query_all(&tagged).await? {
        out.push(Count {
            group: r.try_get("", "setting_type")?,
            measure: r.try_get("", "theme")?,
            value: 1,
            n: u64::try_from(r.try_get::<i64>("", "n")?).unwrap_or(0),
        });
    }
    Ok(out)
}
