//! The publication of each published wave, as the engine made it (JSON, in `published_table`
//! under the name `publication` with the wave's k). Written once: the first version stored is
//! the one every reader gets, on every server, for good.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

fn table() -> Alias {
    Alias::new("published_table")
}

const NAME: &str = "publication";

/// The stored publication of a wave, if there is one.
pub async fn find<C: ConnectionTrait>(db: &C, wave_id: i32) -> Result<Option<String>, DbErr> {
    let select = Query::select()
        .column(Alias::new("tables"))
        .from(table())
        .and_where(Expr::col(Alias::new("wave_id")).eq(wave_id))
        .and_where(Expr::col(Alias::new("family")).eq(NAME))
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => Ok(Some(row.try_get("", "tables")?)),
        None => Ok(None),
    }
}

/// Stores the publication of a wave at k unless one is stored already (another server may
/// have been first; its version stays).
pub async fn store_once<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    k: u64,
    tables: &str,
) -> Result<(), DbErr> {
    if find(db, wave_id).await?.is_some() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(table())
        .columns(["wave_id", "family", "k", "tables"].map(Alias::new))
        .values([
            wave_id.into(),
            NAME.into(),
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
