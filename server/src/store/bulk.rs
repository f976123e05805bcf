//! Multi-row inserts in as few statements as the parameter limits allow, on SQLite and
//! PostgreSQL alike: used for responses, their answers, and generated demo data.

use sea_orm::sea_query::{Alias, Query, SimpleExpr, Value};
use sea_orm::{ConnectionTrait, DbErr};

/// Both SQLite (32,766) and PostgreSQL (65,535) take this many bound values per statement.
const MAX_VALUES_PER_STATEMENT: usize = 30_000;

/// Inserts `rows` into `table`, as few statements as the parameter limits allow.
pub async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    let per_statement = (MAX_VALUES_PER_STATEMENT / columns.len().max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in rows.by_ref().take(per_statement) {
            insert
                .values(row.into_iter().map(SimpleExpr::Value))
                .map_err(|e| DbErr::Custom(format!("building the insert into {table}: {e}")))?;
        }
        let statement = db.get_database_backend().build(&insert);
        db.execute_raw(statement).await?;
    }
    Ok(())
}
