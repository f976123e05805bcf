//! The institution dashboard: own results beside the benchmarks, or "too few responses".

use veilig_tests::on_both_databases;

on_both_databases! {
    async fn an_institution_sees_its_own_results_beside_the_national_benchmark(app) {
        app.with_demo_data().await;
        // The organisation with the most responses in 2021, and one with fewer than k.
        let sizes = app.strings(
            "SELECT CAST(r.organisation_id AS TEXT) AS o, CAST(COUNT(*) AS TEXT) AS n FROM response r JOIN wave w ON w.id = r.wave_id \
             WHERE w.label = '2021' GROUP BY r.organisation_id", &["o", "n"]).await;
        let mut sizes: Vec<(i32, i64)> = sizes.iter().map(|r| (r[0].parse().unwrap(), r[1].parse().unwrap())).collect();
        sizes.sort_by_key(|(_, n)| *n);
        let (big, big_n) = *sizes.last().unwrap();
        let viewer = app.staff("v@big.nl", "institution_viewer", Some(big)).await;
        let page = viewer.get("/staff/dashboard").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Wave 2021"));
        assert!(!html.contains("Wave 2023"), "an open wave shows no results");
        assert!(html.contains(&format!(">{big_n}<")), "its own number of children");
        assert!(html.contains("All children in the Netherlands"));
        assert!(!html.contains("Too few responses"));

        let organisations = veilig::store::organisations::list_organisations(&app.db).await.unwrap();
        let others = organisations.iter().filter(|o| o.id != big).count();
        assert!(others > 0);
        let small = sizes.iter().find(|(_, n)| *n < 10).map(|(o, _)| *o);
        if let Some(small) = small {
            let viewer = app.staff("v@small.nl", "institution_viewer", Some(small)).await;
            let html = viewer.get("/staff/dashboard").await.text().await.unwrap();
            assert!(html.contains("Too few responses"));
        }
    }
}
