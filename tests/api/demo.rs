use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;
use veilig_tests::{on_both_databases, TestApp};

async fn count(app: &TestApp, sql: &str) -> i64 {
    let backend = app.db.get_database_backend();
    app.db
        .query_one_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
}

/// Share of answered `safe_home` values 4–5 per setting type in a wave.
async fn share_safe_by_setting(app: &TestApp, wave: &str) -> BTreeMap<String, f64> {
    let backend = app.db.get_database_backend();
    let sql = format!(
        "SELECT r.setting_type AS s, SUM(CASE WHEN a.value >= 4 THEN 1 ELSE 0 END) AS safe, COUNT(*) AS n \
         FROM answer a JOIN response r ON r.id = a.response_id JOIN wave w ON w.id = r.wave_id \
         WHERE w.label = '{wave}' AND a.item_key = 'safe_home' AND a.value IS NOT NULL GROUP BY r.setting_type"
    );
    let mut shares = BTreeMap::new();
    let (mut safe_total, mut n_total) = (0i64, 0i64);
    for row in app
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
    {
        let safe: i64 = row.try_get("", "safe").unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        safe_total += safe;
        n_total += n;
        shares.insert(
            row.try_get::<String>("", "s").unwrap(),
            safe as f64 / n as f64,
        );
    }
    shares.insert("all".into(), safe_total as f64 / n_total as f64);
    shares
}

on_both_databases! {
    async fn demo_data_is_a_plausible_synthetic_national_measurement(app) {
        let summary = app.with_demo_data().await;
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM organisation").await, 60);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM organisation WHERE synthetic = TRUE AND name LIKE '%(demo)'").await, 60);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM location").await, 400);
        assert_eq!(count(&app, "SELECT COUNT(DISTINCT setting_type) AS n FROM location").await, 6);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM region").await, 10);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM wave WHERE label = '2021' AND state = 'published' AND synthetic = TRUE").await, 1);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM wave WHERE label = '2023' AND state = 'open'").await, 1);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM response").await, 10_000);
        // The counts kept for results agree with the responses.
        assert_eq!(count(&app, "SELECT CAST(SUM(n) AS BIGINT) AS n FROM result_count WHERE measure = '_respondents'").await, 10_000);
        // Demo staff can sign in and see the synthetic results.
        assert_eq!(summary.staff.len(), 3);
        let (email, password, _) = summary.staff.iter().find(|(e, _, _)| e.starts_with("onderzoek")).unwrap();
        let researcher = app.sign_in(email, password).await;
        assert_eq!(researcher.get("/staff/results?wave=2021").await.status(), 200);
        assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM access_code WHERE state = 'used'").await, 10_000);
        assert!(count(&app, "SELECT COUNT(*) AS n FROM access_code WHERE state = 'unused'").await > 1_000);
        assert!(count(&app, "SELECT COUNT(*) AS n FROM response WHERE link_key IS NOT NULL").await > 1_000);
        assert!(count(&app, "SELECT COUNT(*) AS n FROM open_answer").await > 100);

        let shares = share_safe_by_setting(&app, "2021").await;
        let national = shares["all"];
        assert!((0.78..=0.84).contains(&national), "2021 national share safe {national}");
        assert!((summary.share_safe_first_wave - national).abs() < 1e-9);
        let lowest = shares.iter().filter(|(k, _)| *k != "all").min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
        assert_eq!(lowest.0, "justice", "{shares:?}");
        assert!(share_safe_by_setting(&app, "2023").await["all"] > national, "children feel a bit safer in 2023");
        assert_eq!(summary.sample_codes.len(), 5);
    }

    async fn demo_data_goes_only_into_an_empty_database(app) {
        app.with_demo_data().await;
        let again = veilig::demo::fill(&app.db, &app.pepper, &app.instruments(), &Default::default()).await;
        assert!(again.unwrap_err().to_string().contains("empty database"));
        let skipped = veilig::demo::fill_if_empty(&app.db, &app.pepper, &app.instruments(), &Default::default()).await;
        assert!(skipped.unwrap().is_none());
    }
}
