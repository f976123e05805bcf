//! The anonymity rules are in the schema itself.

use sea_orm::{ConnectionTrait, Statement};
use veilig_tests::{on_both_databases, Db, TestApp};

async fn columns(app: &TestApp, table: &str) -> Vec<(String, String)> {
    app.columns(table).await
}

/// Adding a column to a table that holds what a child produced needs a privacy review: these
/// lists are that review's record, and the test fails on any change.
const CHILD_TABLES: [(&str, &[&str]); 5] = [
    (
        "response",
        &[
            "id",
            "wave_id",
            "organisation_id",
            "region_id",
            "setting_type",
            "age_band",
            "gender",
            "time_here",
            "language",
            "link_key",
            "submission_hash",
        ],
    ),
    ("answer", &["response_id", "item_key", "value"]),
    ("open_answer", &["id", "wave_id", "setting_type", "text"]),
    (
        "access_code",
        &[
            "code_hash",
            "wave_id",
            "location_id",
            "state",
            "pseudonym",
            "hash_version",
        ],
    ),
    // A response until it is mixed in: the code's hash only until then, no time.
    (
        "pending_response",
        &["id", "wave_id", "code_hash", "submission_hash", "payload"],
    ),
];

on_both_databases! {
    async fn no_table_a_child_touches_holds_an_address_a_device_or_a_time(app) {
        for (table, expected) in CHILD_TABLES {
            let cols = columns(&app, table).await;
            let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(names, expected, "the columns of {table}");
            for (column, kind) in &cols {
                for forbidden in ["time", "date", "ip", "agent", "device", "created", "updated"] {
                    assert!(!kind.contains(forbidden), "{table}.{column} has type {kind}");
                }
            }
        }
    }

    async fn a_survey_under_way_keeps_its_answers_with_a_day_not_a_time(app) {
        let cols = columns(&app, "survey_draft").await;
        let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names, ["code_hash", "token_hash", "state", "started_on"]);
        let kind = &cols[3].1;
        assert!(kind == "date" || kind == "date_text", "started_on is a day, not a time: {kind}");
    }

    async fn nothing_links_an_access_code_to_a_response(app) {
        let code_columns: Vec<String> = columns(&app, "access_code").await.into_iter().map(|(c, _)| c).collect();
        assert!(!code_columns.iter().any(|c| c.contains("response") || c.contains("submission")));
        let response_columns: Vec<String> = columns(&app, "response").await.into_iter().map(|(c, _)| c).collect();
        assert!(!response_columns.iter().any(|c| c.contains("code") || c == "pseudonym" || c.contains("location")));
    }

    async fn on_sqlite_child_tables_keep_no_arrival_ordered_rowid(app) {
        if app.backend != Db::Sqlite {
            return;
        }
        let backend = app.db.get_database_backend();
        for (table, _) in CHILD_TABLES {
            let result = app.db.query_all_raw(Statement::from_string(backend, format!("SELECT rowid FROM {table}"))).await;
            assert!(result.is_err(), "{table} has a rowid");
        }
    }
}
