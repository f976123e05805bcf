use serde_json::Value;
use veilig_tests::on_both_databases;

on_both_databases! {
    async fn a_wave_serves_the_instrument_it_was_opened_with(app) {
        app.with_demo_data().await;
        let response = app.get("/api/v1/waves/2021/instrument").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["version"], "veiligheid-v1");
        assert_eq!(body["languages"], serde_json::json!(["nl", "en"]));
        let items = body["items"].as_array().unwrap();
        assert!((35..=45).contains(&items.len()), "{} items", items.len());
        let safe_home = items.iter().find(|i| i["key"] == "safe_home").unwrap();
        assert!(safe_home["text"]["nl"].as_str().unwrap().len() > 5);
        assert!(safe_home["text"]["en"].as_str().unwrap().len() > 5);
        assert!(safe_home["comparability_key"].is_string());
    }

    async fn an_unknown_wave_is_a_json_404(app) {
        let response = app.get("/api/v1/waves/1999/instrument").await;
        assert_eq!(response.status(), 404);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unknown_wave");
        assert_eq!(body["message"], "There is no wave \"1999\".");
    }

    async fn an_unknown_api_path_is_a_json_404(app) {
        let response = app.get("/api/v1/nothing-here").await;
        assert_eq!(response.status(), 404);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found");
    }
}
