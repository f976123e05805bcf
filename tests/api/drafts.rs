//! Nothing half-finished is kept for long: drafts of the plain-HTML survey are deleted after
//! `draft_days`, and when their wave closes.

use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, TestApp};

async fn drafts(app: &TestApp) -> String {
    app.strings(
        "SELECT CAST(COUNT(*) AS TEXT) AS n FROM survey_draft",
        &["n"],
    )
    .await[0][0]
        .clone()
}

async fn begin(app: &TestApp, code: &str) {
    let started = app
        .browser()
        .client
        .post(app.url("/survey/start"))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(started.headers()["location"], "/survey");
}

on_both_databases! {
    async fn drafts_older_than_the_kept_days_are_purged(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 2).await;
        begin(&app, &codes[0]).await;
        begin(&app, &codes[1]).await;
        let old_day = (chrono::Utc::now().date_naive() - chrono::Duration::days(4)).to_string();
        let backend = app.db.get_database_backend();
        let sql = match app.backend {
            veilig_tests::Db::Sqlite => format!("UPDATE survey_draft SET started_on = '{old_day}' WHERE code_hash IN (SELECT code_hash FROM survey_draft LIMIT 1)"),
            veilig_tests::Db::Postgres => format!("UPDATE survey_draft SET started_on = DATE '{old_day}' WHERE code_hash IN (SELECT code_hash FROM survey_draft LIMIT 1)"),
        };
        use sea_orm::ConnectionTrait;
        app.db.execute_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap();
        assert_eq!(veilig::store::drafts::purge_older_than(&app.db, 3).await.unwrap(), 1);
        assert_eq!(drafts(&app).await, "1", "the recent one stays");
    }

    async fn closing_a_wave_deletes_its_drafts_and_no_others(app) {
        let locations = app.with_register().await;
        let closing = app.wave("2023", WaveState::Open).await;
        app.wave("2024", WaveState::Open).await;
        begin(&app, &app.codes("2023", locations["Groep Eik"], 1).await[0]).await;
        begin(&app, &app.codes("2024", locations["Groep Eik"], 1).await[0]).await;
        assert_eq!(drafts(&app).await, "2");
        app.advance(closing, WaveState::Closed).await;
        assert_eq!(drafts(&app).await, "1");
    }
}
