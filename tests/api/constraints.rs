//! The schema's uniqueness rules as each database names them: every rule the server expects to
//! meet is recognised from a real error of SQLite and of PostgreSQL, and a rule it does not
//! expect is not read as one it does.

use sea_orm::ConnectionTrait;
use veilig::store::{unique_violated, Unique};
use veilig_tests::{on_both_databases, TestApp};

/// An update that gives one row the unique value of another row of the same table.
fn copy_from_another(table: &str, key: &str, column: &str) -> String {
    format!(
        "UPDATE {table} SET {column} = (SELECT {column} FROM {table} \
         WHERE {key} = (SELECT MAX({key}) FROM {table})) \
         WHERE {key} = (SELECT MIN({key}) FROM {table})"
    )
}

/// Runs a statement that must break a uniqueness rule, and says which rule the server reads.
async fn broken_by(app: &TestApp, sql: &str) -> Option<Unique> {
    let err = app
        .db
        .execute_unprepared(sql)
        .await
        .expect_err(&format!("{sql} breaks a uniqueness rule"));
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{sql}: {err}"
    );
    unique_violated(&err)
}

on_both_databases! {
    async fn each_expected_rule_is_recognised_by_name_and_no_other(app) {
        app.with_demo_data().await;
        app.add_staff("one@example.org", "admin", None).await;
        app.add_staff("two@example.org", "admin", None).await;
        let expected = [
            (copy_from_another("region", "id", "name"), Unique::RegionName),
            (copy_from_another("organisation", "id", "name"), Unique::OrganisationName),
            (
                "UPDATE location SET name = (SELECT other.name FROM location other \
                   WHERE other.organisation_id = location.organisation_id \
                   AND other.id <> location.id ORDER BY other.id LIMIT 1) \
                 WHERE id = (SELECT MIN(l.id) FROM location l WHERE (SELECT COUNT(*) \
                   FROM location m WHERE m.organisation_id = l.organisation_id) > 1)"
                    .to_string(),
                Unique::LocationName,
            ),
            (copy_from_another("wave", "id", "label"), Unique::WaveLabel),
            (
                "INSERT INTO instrument (version, sha256, definition) \
                 SELECT version, sha256, definition FROM instrument ORDER BY id LIMIT 1"
                    .to_string(),
                Unique::InstrumentVersion,
            ),
            (copy_from_another("staff_user", "id", "email"), Unique::StaffEmail),
            (copy_from_another("access_code", "code_hash", "code_hash"), Unique::CodeHash),
            (
                "INSERT INTO pending_response (id, wave_id, code_hash, submission_hash, payload) \
                 SELECT 'b', MIN(id), 'code b', 'one submission', 'sealed' FROM wave"
                    .to_string(),
                Unique::HeldSubmission,
            ),
        ];
        app.db
            .execute_unprepared(
                "INSERT INTO pending_response (id, wave_id, code_hash, submission_hash, payload) \
                 SELECT 'a', MIN(id), 'code a', 'one submission', 'sealed' FROM wave",
            )
            .await
            .expect("a held response");
        for (sql, rule) in expected {
            assert_eq!(broken_by(&app, &sql).await, Some(rule), "{sql}");
        }
        // A stored response's submission id is unique too, but no request is expected to meet
        // that rule: it must not pass for the held one's ("stored already", 200).
        let unexpected = copy_from_another("response", "id", "submission_hash");
        assert_eq!(broken_by(&app, &unexpected).await, None);
        let unexpected = copy_from_another("region", "name", "id");
        assert_eq!(broken_by(&app, &unexpected).await, None);
    }
}
