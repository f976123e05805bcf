//! Multi-row inserts in as few statements as the parameter limits allow, on SQLite and
//! PostgreSQL alike: used for responses, their answers, and generated demo data.

use sea_orm::sea_query::{Alias, OnConflict, Query, SimpleExpr, Value};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr};

/// The condition that `column` is one of `values`, with what to bind to `$1` for it: two
/// statement texts whatever the number of values. A statement with `IN ($1, …, $n)` is a new
/// statement for every n, and each new one costs the database a parse, a plan and a round
/// trip more to prepare; here one value is `= $1`, and several are one JSON array in `$1`
/// (on PostgreSQL made an array for `= ANY`, so the column's index is used). One value, the
/// case of every survey stored alone, keeps the plain comparison: on PostgreSQL an index-only
/// lookup (0.022 ms on 50,000 rows) instead of a bitmap scan over the array (0.036 ms).
pub fn one_of(backend: DatabaseBackend, column: &str, values: &[&str]) -> (String, Value) {
    if let [one] = values {
        return (format!("{column} = $1"), Value::from(*one));
    }
    let condition = match backend {
        DatabaseBackend::Postgres => {
            format!("{column} = ANY(ARRAY(SELECT json_array_elements_text(CAST($1 AS json))))")
        }
        _ => format!("{column} IN (SELECT value FROM json_each($1))"),
    };
    let list = serde_json::Value::from(values.to_vec()).to_string();
    (condition, Value::from(list))
}

/// Bound values per statement: far below what SQLite (32,766) and PostgreSQL (65,535) take. The
/// driver caches each prepared statement per connection, keyed by its text; a statement of
/// 30,000 values is some 300 KB of text, and a cache of those over twenty connections was a
/// hundred megabytes of the server's memory. Beyond a few thousand values a bigger statement
/// saves nothing measurable.
const MAX_VALUES_PER_STATEMENT: usize = 4_096;

/// How many of `left` rows the next statement takes: the largest power of two that fits.
///
/// The database driver keeps every statement it prepares in a per-connection cache. Were each
/// batch of a different size one statement, every size would be a new entry, and a few hundred
/// entries of thousands of parameters each is hundreds of megabytes. Powers of two leave at most
/// about 15 shapes per table, whatever the batch sizes.
fn chunk(left: usize, max: usize) -> usize {
    let cap = left.min(max);
    1 << (usize::BITS - 1 - cap.leading_zeros())
}

/// Inserts `rows` into `table`, in statements of power-of-two sizes within the parameter limits.
pub async fn insert_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    insert_rows_or(db, table, columns, rows, None).await
}

/// The same, with what to do when a row's key exists already.
pub async fn insert_rows_or<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
    on_conflict: Option<OnConflict>,
) -> Result<(), DbErr> {
    let per_statement = (MAX_VALUES_PER_STATEMENT / columns.len().max(1)).max(1);
    let mut left = rows.len();
    let mut rows = rows.into_iter();
    while left > 0 {
        let take = chunk(left, per_statement);
        left -= take;
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in rows.by_ref().take(take) {
            insert
                .values(row.into_iter().map(SimpleExpr::Value))
                .map_err(|e| DbErr::Custom(format!("building the insert into {table}: {e}")))?;
        }
        if let Some(on_conflict) = &on_conflict {
            insert.on_conflict(on_conflict.clone());
        }
        let statement = db.get_database_backend().build(&insert);
        db.execute_raw(statement).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{chunk, one_of};
    use sea_orm::sea_query::Value;
    use sea_orm::DatabaseBackend;

    #[test]
    fn one_value_is_compared_plainly_and_several_go_as_one_json_list() {
        let (one, value) = one_of(DatabaseBackend::Postgres, "code_hash", &["a"]);
        assert_eq!(one, "code_hash = $1");
        assert_eq!(value, Value::from("a"));
        for backend in [DatabaseBackend::Postgres, DatabaseBackend::Sqlite] {
            let (two, value) = one_of(backend, "code_hash", &["a", "b\"c"]);
            let (three, _) = one_of(backend, "code_hash", &["a", "b", "c"]);
            assert_eq!(two, three, "the same statement for every number of values");
            assert_eq!(value, Value::from(r#"["a","b\"c"]"#));
        }
    }

    #[test]
    fn rows_go_in_power_of_two_statements_that_add_up() {
        for (left, max) in [(1, 100), (7, 100), (500, 7_500), (20_001, 7_500), (64, 64)] {
            let mut rest = left;
            let mut sizes = Vec::new();
            while rest > 0 {
                let take = chunk(rest, max);
                assert!(take.is_power_of_two() && take <= max && take <= rest);
                sizes.push(take);
                rest -= take;
            }
            assert_eq!(sizes.iter().sum::<usize>(), left);
            assert!(sizes.len() <= 15 + left / max, "{left}: {sizes:?}");
        }
        assert_eq!(chunk(500, 7_500), 256);
        assert_eq!(chunk(15_000, super::MAX_VALUES_PER_STATEMENT / 3), 1_024);
    }
}
