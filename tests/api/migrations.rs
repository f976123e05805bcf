use sea_orm::{ConnectionTrait, Statement};
use veilig_migrations::{Migrator, MigratorTrait};
use veilig_tests::{on_both_databases, Db, TestApp};

async fn table_names(app: &TestApp) -> Vec<String> {
    let sql = match app.backend {
        Db::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
        Db::Postgres => "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    };
    let backend = app.db.get_database_backend();
    app.db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "t").unwrap())
        .collect()
}

on_both_databases! {
    async fn open_answers_stored_with_bidirectional_controls_lose_them(app) {
        let locations = app.with_register().await;
        app.wave("2023", veilig::domain::wave::WaveState::Open).await;
        let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
        assert_eq!(app.post_json("/api/v1/responses", &veilig_tests::submission(&code)).await.status(), 201);
        app.mix_responses().await;
        // As intake stored them before it dropped the controls.
        let char_fn = match app.backend { Db::Sqlite => "char", Db::Postgres => "chr" };
        let backend = app.db.get_database_backend();
        app.db.execute_unprepared(&format!(
            "UPDATE open_answer SET text = 'het is ' || {char_fn}(8238) || 'fijn' || {char_fn}(8236) || ' ' || {char_fn}(8295) || 'hier'"
        )).await.unwrap();
        // Down to before the migration that removes them, and up again.
        let steps = Migrator::migrations()
            .iter()
            .rev()
            .position(|m| m.name() == "m20261207_000024_strip_bidi_controls")
            .expect("the migration is listed") as u32 + 1;
        Migrator::down(&app.db, Some(steps)).await.unwrap();
        Migrator::up(&app.db, None).await.unwrap();
        let row = app.db.query_one_raw(Statement::from_string(backend, "SELECT text FROM open_answer")).await.unwrap().unwrap();
        assert_eq!(row.try_get::<String>("", "text").unwrap(), "het is fijn hier");
    }

    async fn every_migration_goes_down_and_up_again(app) {
        let all = table_names(&app).await;
        for table in ["access_code", "answer", "api_token", "audit_log", "incident_count", "instrument", "location",
                      "open_answer", "open_answer_tag", "open_answer_theme", "organisation", "region", "response", "staff_recovery_code",
                      "staff_session", "staff_user", "wave"] {
            assert!(all.contains(&table.to_string()), "{table} missing from {all:?}");
        }
        Migrator::down(&app.db, None).await.unwrap();
        assert_eq!(table_names(&app).await, ["seaql_migrations"]);
        Migrator::up(&app.db, None).await.unwrap();
        assert_eq!(table_names(&app).await, all);
        assert!(veilig::db::migrations_current(&app.db).await.unwrap());
    }
}

/// Servers started at once on an empty PostgreSQL database each run the migrations at start:
/// one runs them, the others wait for it and find nothing pending (before the advisory lock,
/// one of two exited with a duplicate key in `seaql_migrations`).
#[tokio::test]
async fn servers_starting_at_once_on_an_empty_postgres_database_all_start() {
    let database = veilig_tests::TestDatabase::create(Db::Postgres).await;
    let mut servers = Vec::new();
    for _ in 0..4 {
        servers.push(veilig::db::connect(&database.url).await.unwrap());
    }
    let mut starting = tokio::task::JoinSet::new();
    for db in servers.clone() {
        starting.spawn(async move { veilig::db::migrate(&db).await });
    }
    while let Some(outcome) = starting.join_next().await {
        let outcome = outcome.unwrap();
        assert!(outcome.is_ok(), "a server could not migrate: {outcome:?}");
    }
    assert!(veilig::db::migrations_current(&servers[0]).await.unwrap());
    for db in servers {
        db.close().await.unwrap();
    }
}
