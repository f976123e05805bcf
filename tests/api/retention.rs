//! Data retention (`veilig retention`): the answers of a wave that closed long ago go, whole and
//! for good; other waves, the result counts and the audit log stay.

use sea_orm::{ConnectionTrait, Statement};
use veilig::domain::wave::WaveState;
use veilig::store::retention;
use veilig_tests::{on_both_databases, submission, TestApp};

async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

on_both_databases! {
    async fn the_answers_of_an_old_wave_are_deleted_and_nothing_else(app) {
        let locations = app.with_register().await;
        let old = app.wave("2023", WaveState::Open).await;
        let mut codes = app.codes("2023", locations["Groep Eik"], 2).await;
        let client = veilig::domain::client_number::ClientNumber::parse("CL-777001").unwrap();
        let linkable = veilig::participation::generate_linkable(
            &app.db, &app.pepper, veilig::domain::staff::Scope::National, "2023",
            locations["De Bunker"], &[client],
        ).await.unwrap();
        codes.extend(linkable.codes.iter().map(|c| c.display_grouped()));
        for code in &codes {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        app.publish("2023").await;
        // A wave still open is never listed, however far the cut-off lies.
        let open = app.wave("2025", WaveState::Open).await;
        let later = app.codes("2025", locations["Groep Eik"], 1).await;
        assert_eq!(app.post_json("/api/v1/responses", &submission(&later[0])).await.status(), 201);
        app.mix_responses().await;
        let counts_before = count(&app, "SELECT COUNT(*) AS n FROM result_count").await;

        // The test waves close on 2023-06-30.
        assert!(retention::expired(&app.db, day("2023-06-30")).await.unwrap().is_empty());
        let due = retention::expired(&app.db, day("2100-01-01")).await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        assert_eq!((due[0].wave_id, due[0].responses, due[0].open_answers), (old, 3, 3));

        let linked = format!("SELECT COUNT(*) AS n FROM access_code WHERE wave_id = {old} AND pseudonym IS NOT NULL");
        assert_eq!(count(&app, &linked).await, 1);
        assert_eq!(retention::delete_answers_of(&app.db, &due[0]).await.unwrap(), 3);
        let of = |table: &str, wave: i32| format!("SELECT COUNT(*) AS n FROM {table} WHERE wave_id = {wave}");
        assert_eq!(count(&app, &of("response", old)).await, 0);
        assert_eq!(count(&app, &of("open_answer", old)).await, 0);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM answer a WHERE NOT EXISTS \
            (SELECT 1 FROM response r WHERE r.id = a.response_id)").await, 0, "no answer is left behind");
        assert_eq!(count(&app, &of("response", open)).await, 1, "the open wave keeps its response");
        assert!(count(&app, "SELECT COUNT(*) AS n FROM answer").await > 0);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM result_count").await, counts_before);
        assert_eq!(count(&app, &of("access_code", old)).await, 3, "codes stay for the response rate");
        assert_eq!(count(&app, &linked).await, 0, "nothing is left to link");
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'retention.delete' \
            AND detail LIKE 'wave 2023: 3 responses%'").await, 1);
        assert!(retention::expired(&app.db, day("2100-01-01")).await.unwrap().is_empty(), "nothing is left to delete");
    }
}
