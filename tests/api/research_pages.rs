//! The researchers' pages: the national overview, breakdowns, the wave comparison with
//! within-child change, and open answers with themes. Administrators see none of it.

use veilig_tests::on_both_databases;

/// The ids of the answers on an open-answers page, in order.
fn answer_ids(html: &str) -> Vec<String> {
    html.split("id=\"text-")
        .skip(1)
        .filter_map(|part| part.split_once('"').map(|(id, _)| id.to_string()))
        .collect()
}

on_both_databases! {
    async fn researchers_read_the_overview_breakdowns_and_the_comparison_with_charts_and_tables(app) {
        app.with_demo_data().await;
        app.publish("2023").await;
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let overview = researcher.get("/staff/results?wave=2021").await;
        assert_eq!(overview.status(), 200);
        let html = overview.text().await.unwrap();
        assert!(html.contains("Every question, all children"));
        assert!(html.contains("class=\"chart\"") && html.contains("role=\"img\" aria-label=\"Share who feel safe"), "charts are pictures with a name");
        assert!(html.contains("<caption>Every question</caption>"), "with a data table beside them");
        assert!(html.contains("81% ("), "the national share: {}", &html[html.find("All children").unwrap_or(0)..][..400]);
        assert!(html.contains("Methods note") && html.contains("Response rate 2021"));
        assert!(html.contains("format=sps") && html.contains("format=xlsx") && html.contains("sep=semicolon"));

        let by_org = researcher.get("/staff/results?wave=2021&by=organisation&item=safe_at_night").await.text().await.unwrap();
        assert!(by_org.contains("Answers by organisation"));
        assert!(by_org.contains(">–<"), "small organisations are hidden with one mark");
        assert!(by_org.contains("Voel jij je &#x27;s nachts veilig") || by_org.contains("s nachts veilig"), "the question in Dutch and English");

        let compare = researcher.get("/staff/compare?from=2021&to=2023&by=setting_type").await;
        assert_eq!(compare.status(), 200);
        let html = compare.text().await.unwrap();
        assert!(html.contains("Difference in points") && html.contains("Within-child change"));
        assert!(html.contains("% better"), "within-child change for all children");
        assert!(html.contains("Every comparable question"));
        assert!(html.contains("view=change&amp;wave=2021&amp;to=2023") || html.contains("view=change&wave=2021&to=2023"));
        let same = researcher.get("/staff/compare?from=2021&to=2021").await.text().await.unwrap();
        assert!(same.contains("Choose two different waves"));
        let open = researcher.get("/staff/compare?from=2021&to=2023x").await;
        assert_eq!(open.status(), 404);

        let audit = veilig::store::staff::recent_audit(&app.db, 20).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "results.view" && e.detail == "wave 2021, by organisation"));
        assert!(audit.iter().any(|e| e.action == "compare.view" && e.detail == "2021 → 2023, by setting_type"));

        let admin = app.staff("a@example.nl", "admin", None).await;
        for path in ["/staff/results", "/staff/compare", "/staff/open-answers", "/staff/results/export?wave=2021"] {
            assert_eq!(admin.get(path).await.status(), 403, "{path}");
        }
    }

    async fn open_answers_are_read_per_wave_and_setting_type_and_tagged_by_theme(app) {
        app.with_demo_data().await;
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let page = researcher.get("/staff/open-answers?wave=2021").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("All open answers"));
        let ids = answer_ids(&html);
        assert_eq!(ids.len(), 25, "a page of answers");

        // Themes: added once, on one line, with the CSRF token.
        assert_eq!(researcher.post("/staff/open-answers/themes", &[("theme", "Rules"), ("wave", "2021")]).await.status(), 201);
        assert_eq!(researcher.post("/staff/open-answers/themes", &[("theme", "Rules"), ("wave", "2021")]).await.status(), 409);
        assert_eq!(researcher.post("/staff/open-answers/themes", &[("theme", "  "), ("wave", "2021")]).await.status(), 422);
        let forged = researcher.client.post(researcher.url("/staff/open-answers/themes")).form(&[("csrf", "x"), ("theme", "Other")]).send().await.unwrap();
        assert_eq!(forged.status(), 403);
        assert_eq!(researcher.post(&format!("/staff/open-answers/{}/tag", ids[0]), &[("theme", "Unknown"), ("wave", "2021")]).await.status(), 422);

        // One tag: its count is under k, so it is hidden; eleven: shown.
        let tagged = researcher.post(&format!("/staff/open-answers/{}/tag", ids[0]), &[("theme", "Rules"), ("wave", "2021")]).await;
        assert_eq!(tagged.status(), 200);
        let html = tagged.text().await.unwrap();
        assert!(html.contains("Remove the theme Rules"));
        let row = |html: &str| html.split("<th scope=\"row\">Rules</th>").nth(1).unwrap().split("</tr>").next().unwrap().to_string();
        assert!(row(&html).starts_with("<td class=\"num\">–</td>"), "{}", row(&html));
        for id in &ids[1..11] {
            researcher.post(&format!("/staff/open-answers/{id}/tag"), &[("theme", "Rules"), ("wave", "2021")]).await;
        }
        let html = researcher.get("/staff/open-answers?wave=2021").await.text().await.unwrap();
        assert!(row(&html).starts_with("<td class=\"num\">11</td>"), "{}", row(&html));
        let filtered = researcher.get("/staff/open-answers?wave=2021&theme=Rules").await.text().await.unwrap();
        assert_eq!(answer_ids(&filtered).len(), 11);
        let untagged = researcher.get("/staff/open-answers?wave=2021&theme=-").await.text().await.unwrap();
        assert!(!answer_ids(&untagged).contains(&ids[0]));
        let closed = researcher.get("/staff/open-answers?wave=2021&setting_type=closed").await.text().await.unwrap();
        let hints = closed.matches("<p class=\"hint\">").count();
        assert!(hints > 0);
        assert_eq!(closed.matches("<p class=\"hint\">Closed youth care").count(), hints, "only closed settings");
        assert_eq!(researcher.post(&format!("/staff/open-answers/{}/untag", ids[0]), &[("theme", "Rules"), ("wave", "2021")]).await.status(), 200);
        let filtered = researcher.get("/staff/open-answers?wave=2021&theme=Rules").await.text().await.unwrap();
        assert_eq!(answer_ids(&filtered).len(), 10);

        // An open wave's answers wait until it closes.
        let open = researcher.get("/staff/open-answers?wave=2023").await.text().await.unwrap();
        assert!(open.contains("can be read once it is closed"));
        assert!(answer_ids(&open).is_empty());
        let audit = veilig::store::staff::recent_audit(&app.db, 50).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "open_answers.tag" && e.detail == "Rules"));
        assert!(audit.iter().any(|e| e.action == "open_answers.view"));
    }
}
