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
    async fn every_migration_goes_down_and_up_again(app) {
        let all = table_names(&app).await;
        for table in ["access_code", "answer", "api_token", "audit_log", "incident_count", "instrument", "location",
                      "open_answer", "open_answer_tag", "open_answer_theme", "organisation", "region", "response", "staff_session",
                      "staff_user", "wave"] {
            assert!(all.contains(&table.to_string()), "{table} missing from {all:?}");
        }
        Migrator::down(&app.db, None).await.unwrap();
        assert_eq!(table_names(&app).await, ["seaql_migrations"]);
        Migrator::up(&app.db, None).await.unwrap();
        assert_eq!(table_names(&app).await, all);
        assert!(veilig::db::migrations_current(&app.db).await.unwrap());
    }
}
