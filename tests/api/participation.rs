//! Participation in the browser's terms (plain form posts): waves, the register, codes and
//! response tracking, each for the roles that may use them.

use veilig::domain::wave::WaveState;
use veilig_tests::{csrf_in, on_both_databases, submission, TEST_REGISTER};

fn cards_in(html: &str) -> Vec<String> {
    html.split("<p class=\"card-code mono\">")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .map(str::to_string)
        .collect()
}

on_both_databases! {
    async fn a_researcher_creates_a_wave_and_moves_it_along_its_lifecycle(app) {
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let made = researcher.post("/staff/waves", &[("label", "2025"), ("opens_on", "2025-03-01"), ("closes_on", "2025-06-30"), ("instrument", "veiligheid-v1")]).await;
        assert_eq!(made.status(), 201);
        assert!(made.text().await.unwrap().contains("Draft wave 2025 created."));
        let twice = researcher.post("/staff/waves", &[("label", "2025"), ("opens_on", "2025-03-01"), ("closes_on", "2025-06-30"), ("instrument", "veiligheid-v1")]).await;
        assert_eq!(twice.status(), 409);
        let bad = researcher.post("/staff/waves", &[("label", "20 25"), ("opens_on", "2025-07-01"), ("closes_on", "2025-06-30"), ("instrument", "nope")]).await;
        assert_eq!(bad.status(), 422);
        let bad = bad.text().await.unwrap();
        assert!(bad.contains("label: use letters"));
        assert!(bad.contains("cannot close before it opens"));
        assert!(bad.contains("questionnaire: choose"));

        let wave = veilig::store::waves::find_by_label(&app.db, "2025").await.unwrap().unwrap();
        let path = format!("/staff/waves/{}/state", wave.id);
        assert_eq!(researcher.post(&path, &[("to", "closed")]).await.status(), 409, "no skipping");
        assert_eq!(researcher.post(&path, &[("to", "open")]).await.status(), 200);
        assert_eq!(researcher.post(&path, &[("to", "draft")]).await.status(), 409, "no way back");
        // The questionnaire of an open wave is fixed.
        let instrument = app.instruments().default_instrument();
        let changed = veilig::store::waves::update_draft(&app.db, wave.id, wave.opens_on, wave.closes_on, &instrument).await;
        assert!(matches!(changed, Err(veilig::store::waves::WaveChangeError::NotDraft(_))));
        assert_eq!(researcher.post(&path, &[("to", "closed")]).await.status(), 200);
        let publishing = researcher.post(&path, &[("to", "published")]).await;
        assert_eq!(publishing.status(), 202, "publishing runs beside the request");
        assert!(publishing.text().await.unwrap().contains("Wave 2025 is being published"));
        app.wait_until_published(wave.id).await;
        let page = researcher.get("/staff/waves").await.text().await.unwrap();
        assert!(!page.contains("Being published"), "nothing runs once it is done");
        assert_eq!(researcher.post(&path, &[("to", "published")]).await.status(), 409, "published once");
        let audit = veilig::store::staff::recent_audit(&app.db, 20).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "wave.state" && e.detail.starts_with("2025 → published (k = 10")));
    }

    async fn a_researcher_imports_the_register_and_every_error_is_reported_with_its_row(app) {
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let form = |csv: &str| reqwest::multipart::Form::new()
            .text("csrf", researcher.csrf.clone())
            .text("csv", csv.to_string());
        let bad = "organisation,region,location,setting_type,children_placed\nA,R,L1,closed,8\nA,R,L2,castle,x\n";
        let refused = researcher.client.post(researcher.url("/staff/organisations/import")).multipart(form(bad)).send().await.unwrap();
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.unwrap();
        assert!(html.contains("row 3, setting_type"));
        assert!(html.contains("row 3, children_placed"));
        assert!(veilig::store::organisations::list_locations(&app.db, veilig::domain::staff::Scope::National).await.unwrap().is_empty(), "nothing half-imported");

        let file = reqwest::multipart::Form::new()
            .text("csrf", researcher.csrf.clone())
            .part("file", reqwest::multipart::Part::text(TEST_REGISTER).file_name("register.csv"));
        let imported = researcher.client.post(researcher.url("/staff/organisations/import")).multipart(file).send().await.unwrap();
        assert_eq!(imported.status(), 200);
        assert!(imported.text().await.unwrap().contains("Imported 3 rows: 2 organisations and 3 locations created, 0 locations updated."));
        let again = researcher.client.post(researcher.url("/staff/organisations/import"))
            .multipart(form(&TEST_REGISTER.replace("Team 1,foster_care,30", "Team 1,foster_care,35"))).send().await.unwrap();
        assert!(again.text().await.unwrap().contains("0 locations created, 1 locations updated"));
        let page = researcher.get("/staff/organisations").await.text().await.unwrap();
        assert!(page.contains("Team 1") && page.contains("35"));

        let one = reqwest::multipart::Form::new()
            .text("csrf", researcher.csrf.clone())
            .text("organisation", "De Linde").text("region", "Utrecht").text("location", "Groep Wilg")
            .text("setting_type", "gezinshuis").text("children_placed", "5");
        let added = researcher.client.post(researcher.url("/staff/organisations/location")).multipart(one).send().await.unwrap();
        assert_eq!(added.status(), 200);
        assert_eq!(veilig::store::organisations::list_locations(&app.db, veilig::domain::staff::Scope::National).await.unwrap().len(), 4);
    }

    async fn an_institution_prints_code_cards_for_its_own_locations_only(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let linde = app.organisation_id("De Linde").await;
        let institution = app.staff("i@linde.nl", "institution_admin", Some(linde)).await;
        let form_page = institution.get("/staff/codes").await.text().await.unwrap();
        assert!(form_page.contains("Groep Eik"));
        assert!(!form_page.contains("Team 1"), "another organisation's location is not offered");

        let eik = locations["Groep Eik"].to_string();
        let sheet = institution.post("/staff/codes", &[("wave", "2023"), ("location", &eik), ("kind", "anonymous"), ("count", "4")]).await;
        assert_eq!(sheet.status(), 201);
        assert_eq!(sheet.headers()["cache-control"], "no-store");
        let html = sheet.text().await.unwrap();
        let cards = cards_in(&html);
        assert_eq!(cards.len(), 4);
        assert_eq!(html.matches("<svg").count(), 4, "one QR code per card");
        assert!(html.contains("?code="));
        assert_eq!(html.matches("&amp;wave=2023").count(), 4, "each card's address carries the wave");
        let in_2023 = veilig::participation::Expected { wave: Some("2023"), location: None };
        for card in &cards {
            let check = veilig::participation::check_code(&app.db, &veilig::domain::access_code::CodeKey::from_pepper(&app.pepper), card, in_2023).await.unwrap();
            assert!(check.is_ok(), "{card} works");
        }

        let team = locations["Team 1"].to_string();
        // Another organisation's location is refused exactly like one that does not exist.
        let other = institution.post("/staff/codes", &[("wave", "2023"), ("location", &team), ("kind", "anonymous"), ("count", "4")]).await;
        assert_eq!(other.status(), 422);
        let other = other.text().await.unwrap();
        let unknown = institution.post("/staff/codes", &[("wave", "2023"), ("location", "999999"), ("kind", "anonymous"), ("count", "4")]).await;
        assert_eq!(unknown.status(), 422);
        assert!(other.contains("no such location among yours"));
        assert!(unknown.text().await.unwrap().contains("no such location among yours"));
        let team_codes = veilig::participation::response_per_location(&app.db, veilig::domain::staff::Scope::National, wave).await.unwrap();
        assert!(team_codes.iter().filter(|(l, _)| l.name == "Team 1").all(|(_, c)| c.issued == 0), "no code was made for Team 1");
        let too_many = institution.post("/staff/codes", &[("wave", "2023"), ("location", &eik), ("kind", "anonymous"), ("count", "100000")]).await;
        assert_eq!(too_many.status(), 422);

        // A viewer may follow the response but not make codes.
        let viewer = app.staff("v@linde.nl", "institution_viewer", Some(linde)).await;
        assert_eq!(viewer.get("/staff/codes").await.status(), 403);
    }

    async fn linkable_codes_carry_the_same_pseudonym_in_every_wave_and_no_client_number(app) {
        let locations = app.with_register().await;
        app.wave("2021", WaveState::Open).await;
        app.wave("2023", WaveState::Open).await;
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let eik = locations["Groep Eik"].to_string();
        let mut pseudonyms = Vec::new();
        for wave in ["2021", "2023"] {
            let sheet = researcher.post("/staff/codes", &[("wave", wave), ("location", &eik), ("kind", "linkable"), ("clients", "CL-90210\nCL-90211\n")]).await;
            assert_eq!(sheet.status(), 201);
            let html = sheet.text().await.unwrap();
            assert!(html.contains("CL-90210"), "the institution gets its list back");
            let cards = cards_in(&html);
            assert_eq!(cards.len(), 2);
            let code = veilig::domain::access_code::AccessCode::parse(&cards[0]).unwrap();
            let stored = veilig::store::codes::find(&app.db, &veilig::domain::access_code::CodeKey::from_pepper(&app.pepper), veilig::domain::staff::Scope::National, &code).await.unwrap().unwrap();
            pseudonyms.push(stored.pseudonym.unwrap().as_str().to_string());
        }
        assert_eq!(pseudonyms[0], pseudonyms[1]);
        let expected = veilig::domain::pseudonym::Pseudonym::derive(&app.pepper, app.organisation_id("De Linde").await, "CL-90210");
        assert_eq!(pseudonyms[0], expected.as_str());
        let duplicate = researcher.post("/staff/codes", &[("wave", "2023"), ("location", &eik), ("kind", "linkable"), ("clients", "A1\nA1\n")]).await;
        assert_eq!(duplicate.status(), 422);
        assert!(duplicate.text().await.unwrap().contains("line 2: this client number is already in the list"));
    }

    async fn a_lost_card_is_reissued_and_the_old_code_stops_working(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 2).await;
        let linde = app.organisation_id("De Linde").await;
        let institution = app.staff("i@linde.nl", "institution_admin", Some(linde)).await;
        let reissued = institution.post("/staff/codes/reissue", &[("code", &codes[0].to_lowercase())]).await;
        assert_eq!(reissued.status(), 201);
        let new = cards_in(&reissued.text().await.unwrap());
        assert_eq!(new.len(), 1);
        assert_eq!(app.post_json("/api/v1/responses", &submission(&codes[0])).await.status(), 409);
        assert_eq!(app.post_json("/api/v1/responses", &submission(&new[0])).await.status(), 201);
        let revoked = institution.post("/staff/codes/revoke", &[("code", &codes[1])]).await;
        assert_eq!(revoked.status(), 200);
        assert_eq!(institution.post("/staff/codes/revoke", &[("code", &codes[1])]).await.status(), 409);
        // Another organisation cannot touch these codes: they look unknown to it.
        let west = app.organisation_id("Pleegzorg West").await;
        let other = app.staff("i@west.nl", "institution_admin", Some(west)).await;
        assert_eq!(other.post("/staff/codes/revoke", &[("code", &new[0])]).await.status(), 404);
    }

    async fn response_tracking_counts_codes_used_against_children_placed(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 5).await;
        app.codes("2023", locations["Team 1"], 3).await;
        for code in &codes[..3] {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        let linde = app.organisation_id("De Linde").await;
        let viewer = app.staff("v@linde.nl", "institution_viewer", Some(linde)).await;
        let page = viewer.get("/staff/response?wave=2023").await.text().await.unwrap();
        assert!(page.contains("Groep Eik"));
        assert!(!page.contains("Team 1"), "only its own locations");
        let row = page.split("Groep Eik").nth(1).unwrap().split("</tr>").next().unwrap();
        let numbers: Vec<&str> = row.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
        assert_eq!(numbers, ["10", "5", "3", "30.0%"]);
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let all = researcher.get("/staff/response").await.text().await.unwrap();
        assert!(all.contains("Team 1") && all.contains("Groep Eik"));
        let csrf = csrf_in(&all);
        assert!(csrf.is_some());
    }

    async fn once_a_wave_closes_the_response_page_no_longer_counts_codes_used(app) {
        // Codes used per location are one more published figure once the results exist: an
        // organisation hidden in the results for its 3 children would show 3 here.
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 5).await;
        for code in &codes[..3] {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        app.advance(wave, WaveState::Closed).await;
        let linde = app.organisation_id("De Linde").await;
        let viewer = app.staff("v@linde.nl", "institution_viewer", Some(linde)).await;
        let page = viewer.get("/staff/response?wave=2023").await.text().await.unwrap();
        let row = page.split("Groep Eik").nth(1).unwrap().split("</tr>").next().unwrap();
        let numbers: Vec<&str> = row.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
        assert_eq!(numbers[..2], ["10", "5"], "placed and handed out stay: {row}");
        assert!(!numbers[2..].contains(&"3") && !numbers[2..].iter().any(|n| n.contains('%')), "{row}");
        let dashboard = viewer.get("/staff/dashboard").await.text().await.unwrap();
        assert!(!dashboard.contains("30.0%"), "nor the dashboard's rate");
    }
}
