//! Wave comparison and the OpenAPI document.

use serde_json::Value;
use veilig_tests::on_both_databases;

on_both_databases! {
    async fn the_comparison_2021_to_2023_shows_each_setting_type_with_an_interval(app) {
        app.with_demo_data().await;
        app.publish("2023").await;
        let token = {
            app.add_staff("r@example.nl", "researcher", None).await;
            let user = veilig::store::staff::find_user_by_email(&app.db, &veilig::domain::staff::Email::parse("r@example.nl").unwrap()).await.unwrap().unwrap();
            let token = veilig::auth::token::Token::generate();
            veilig::store::tokens::create(&app.db, user.id, "test", &token.hash()).await.unwrap();
            token.expose().to_string()
        };
        let response = app.client.get(app.url("/api/v1/compare?from=2021&to=2023&by=setting_type")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 7);
        let total = &rows[0];
        let d = total["difference"].as_f64().unwrap();
        assert!(d > 0.0, "children feel a bit safer in 2023: {d}");
        assert!(total["difference_low"].as_f64().unwrap() < d && d < total["difference_high"].as_f64().unwrap());
        assert!(total["significant"].is_boolean());
        let from = total["from_share_safe"].as_f64().unwrap();
        let to = total["to_share_safe"].as_f64().unwrap();
        assert!((to - from - d).abs() < 0.001);
        // Each wave's share with its interval and denominator; per comparable question too.
        assert!(total["from_share_safe_low"].as_f64().unwrap() < from && from < total["from_share_safe_high"].as_f64().unwrap());
        assert!(total["to_share_safe_low"].as_f64().unwrap() < to && to < total["to_share_safe_high"].as_f64().unwrap());
        assert!(total["from_n"].as_u64().unwrap() <= total["from_children"].as_u64().unwrap());
        let items = total["items"].as_array().unwrap();
        assert_eq!(items.len(), body["comparable"]["items"].as_array().unwrap().len());
        let home = items.iter().find(|i| i["measure"] == "feel_safe.home").unwrap();
        assert_eq!(home["difference"], total["difference"], "the headline question is one of them");
        assert!(body["comparable"]["headline"].as_bool().unwrap());
        let csv = app.client.get(app.url("/api/v1/compare?from=2021&to=2023&by=setting_type&format=csv&part=items")).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        assert!(reader.headers().unwrap().iter().any(|h| h == "difference_low"));
        assert_eq!(reader.records().count(), 7 * items.len());
        for row in rows {
            // Either both waves show the group and a difference is given, or nothing is.
            assert_eq!(row["difference"].is_null(), row["from_share_safe"].is_null() || row["to_share_safe"].is_null());
        }
        let missing = app.client.get(app.url("/api/v1/compare?from=2021")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(missing.status(), 400);
        assert_eq!(app.get("/api/v1/compare?from=2021&to=2023").await.status(), 401);
    }

    async fn the_openapi_document_describes_every_endpoint(app) {
        let response = app.get("/api/v1/openapi.json").await;
        assert_eq!(response.status(), 200);
        let doc: Value = response.json().await.unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        for path in ["/waves/{wave}/instrument", "/codes/check", "/responses", "/waves/{wave}/results", "/compare", "/change"] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
    }
}
