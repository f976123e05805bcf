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

        let organisations = veilig::store::organisations::list_organisations(&app.db, veilig::domain::staff::Scope::National).await.unwrap();
        let others = organisations.iter().filter(|o| o.id != big).count();
        assert!(others > 0);
        let small = sizes.iter().find(|(_, n)| *n < 10).map(|(o, _)| *o);
        if let Some(small) = small {
            let viewer = app.staff("v@small.nl", "institution_viewer", Some(small)).await;
            let html = viewer.get("/staff/dashboard").await.text().await.unwrap();
            let notice = html.find("Too few responses").map(|i| &html[i.saturating_sub(40)..i]).unwrap_or_default();
            assert!(notice.contains("class=\"notice\""), "a notice that prints, not a .flash: {notice}");
        }
    }
}

/// The organisation with the most responses in 2021.
async fn largest(app: &veilig_tests::TestApp) -> i32 {
    let rows = app.strings(
        "SELECT CAST(r.organisation_id AS TEXT) AS o, CAST(COUNT(*) AS TEXT) AS n FROM response r JOIN wave w ON w.id = r.wave_id \
         WHERE w.label = '2021' GROUP BY r.organisation_id", &["o", "n"]).await;
    rows.iter()
        .map(|r| (r[0].parse::<i32>().unwrap(), r[1].parse::<i64>().unwrap()))
        .max_by_key(|(_, n)| *n)
        .unwrap()
        .0
}

on_both_databases! {
    async fn once_two_waves_are_published_the_dashboard_shows_the_change_and_where_children_feel_least_safe(app) {
        app.with_demo_data().await;
        let second = veilig::store::waves::find_by_label(&app.db, "2023").await.unwrap().unwrap();
        for state in [veilig::domain::wave::WaveState::Closed, veilig::domain::wave::WaveState::Published] {
            app.advance(second.id, state).await;
        }
        let big = largest(&app).await;
        let admin = app.staff("a@big.nl", "institution_admin", Some(big)).await;
        let html = admin.get("/staff/dashboard").await.text().await.unwrap();
        assert!(html.find("Wave 2023").unwrap() < html.find("Wave 2021").unwrap(), "newest first");
        assert!(html.contains("Change since wave 2021"));
        assert!(html.contains("Feel safe where they live"));
        assert!(html.contains(" points ("), "a change with its interval");
        assert!(html.contains("Where children feel least safe"));
        assert!(html.contains("(least safe)"));
        assert!(html.contains("Recorded incidents per 100 children per quarter, by kind"));
        assert!(html.contains("Violence by staff or a foster parent"));
        // No wave is open any more: the newest wave's final response.
        assert!(html.contains("Response, wave 2023 (published)"));
    }

    async fn a_researcher_opens_any_institutions_dashboard_and_an_institution_only_its_own(app) {
        app.with_demo_data().await;
        let big = largest(&app).await;
        let all = veilig::store::organisations::list_organisations(&app.db, veilig::domain::staff::Scope::National).await.unwrap();
        let other = all.iter().find(|o| o.id != big).unwrap();
        let name = |id: i32| all.iter().find(|o| o.id == id).unwrap().name.clone();
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let page = researcher.get(&format!("/staff/dashboard?organisation={}", other.id)).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains(&format!("Results for {}", other.name)));
        assert_eq!(researcher.get("/staff/dashboard?organisation=999999").await.status(), 404);
        assert_eq!(researcher.get("/staff/dashboard?organisation=abc").await.status(), 404);

        let viewer = app.staff("v@big.nl", "institution_viewer", Some(big)).await;
        assert_eq!(viewer.get(&format!("/staff/dashboard?organisation={}", other.id)).await.status(), 404);
        let own = viewer.get("/staff/dashboard").await.text().await.unwrap();
        assert!(own.contains(&format!("Results for {}", name(big))));
        assert!(own.contains("id=\"dashboard-response\""), "the open wave's response per location");
        assert!(!own.contains("<select id=\"organisation\""), "no organisation to choose");
    }
}
