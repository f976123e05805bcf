//! The protected tables of published waves, as the engine made them (JSON, one row per family
//! of tables and k). Written once: the first version stored is the one every reader gets.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

fn table() -> Alias {
    Alias::new("published_table")
}

/// The stored tables of one family of a wave at k, if they were stored.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    family: &str,
    k: u64,
) -> Result<Option<String>, DbErr> {
    let select = Query::select()
        .column(Alias::new("tables"))
        .from(table())
        .and_where(Expr::col(Alias::new("wave_id")).eq(wave_id))
        .and_where(Expr::col(Alias::new("family")).eq(family))
        .and_where(Expr::col(Alias::new("k")).eq(k_value(k)?))
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => Ok(Some(row.try_get("", "tables")?)),
        None => Ok(None),
    }
}

/// Stores the tables of one family of a wave at k unless a version is stored already (another
/// server may have been first; its version stays).
pub async fn store_once<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    family: &str,
    k: u64,
    tables: &str,
) -> Result<(), DbErr> {
    let mut insert = Query::insert();
    insert
        .into_table(table())
        .columns(["wave_id", "family", "k", "tables"].map(Alias::new))
        .values([
            wave_id.into(),
            family.into(),
            k_value(k)?.into(),
            tables.into(),
        ])
        .map_err(|e| DbErr::Custom(format!("building the insert of published tables: {e}")))?
        .on_conflict(
            OnConflict::columns(["wave_id", "family", "k"].map(Alias::new))
                .do_nothing()
                .to_owned(),
        );
    db.execute(&insert).await?;
    Ok(())
}

fn k_value(k: u64) -> Result<i64, DbErr> {
    i64::try_from(k).map_err(|_| DbErr::Custom(format!("k {k} is out of range")))
}
