use serde_json::Value;
use veilig_tests::{on_both_databases, Db};

on_both_databases! {
    async fn health_reports_the_database_and_current_migrations(app) {
        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let database = if app.backend == Db::Sqlite { "sqlite" } else { "postgres" };
        assert_eq!(body, serde_json::json!({"status": "ok", "database": database, "migrations": "current"}));
    }

    async fn health_answers_503_with_a_clear_message_when_the_database_is_gone(app) {
        app.db.clone().close().await.unwrap();
        let response = app.get("/health").await;
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "unavailable");
        assert_eq!(body["message"], "The database cannot be reached right now.");
    }
}
