//! Results: the engine's figures through the API, the CSV export and the researchers' page.

use serde_json::Value;
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, submission, TestApp};

async fn token_for(app: &TestApp, email: &str, role: &str, organisation: Option<i32>) -> String {
    let staff = app.staff(email, role, organisation).await;
    let made = staff.post("/staff/tokens", &[("name", "R script")]).await;
    assert_eq!(made.status(), 201);
    let html = made.text().await.unwrap();
    let marker = "it is shown only this once: ";
    let start = html.find(marker).expect("the token is shown") + marker.len();
    html[start..start + 43].to_string()
}

async fn get_with(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

on_both_databases! {
    async fn the_national_share_of_children_who_feel_safe_in_2021_is_about_81_percent(app) {
        let demo = app.with_demo_data().await;
        let token = token_for(&app, "r@example.nl", "researcher", None).await;
        let response = get_with(&app, &token, "/api/v1/waves/2021/results?by=setting_type").await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["methods"]["k"], 10);
        assert_eq!(body["methods"]["instrument"], "veiligheid-v1");
        let rows = body["rows"].as_array().unwrap();
        let total = &rows[0];
        assert_eq!(total["value"], "total");
        let share = total["share_safe"].as_f64().unwrap();
        // The engine's figure is the generator's own count, and about 81%.
        assert!((share - demo.share_safe_first_wave).abs() < 1e-4, "{share} vs {}", demo.share_safe_first_wave);
        assert!((share - 0.81).abs() < 0.01, "national share {share}");
        let denominator = total["share_safe_n"].as_u64().unwrap();
        assert!(denominator <= total["n"].as_u64().unwrap(), "the share rests on those who answered on the scale");
        assert!(total["share_safe_low"].as_f64().unwrap() < share);
        assert!(total["share_safe_high"].as_f64().unwrap() > share);
        assert!(total["n"].as_u64().unwrap() > 4000);
        assert_eq!(rows.len(), 7, "the total and all six setting types");
        let justice = rows.iter().find(|r| r["value"] == "justice").unwrap();
        let gezinshuis = rows.iter().find(|r| r["value"] == "gezinshuis").unwrap();
        assert!(justice["share_safe"].as_f64().unwrap() < gezinshuis["share_safe"].as_f64().unwrap());
        let domains = total["domains"].as_array().unwrap();
        assert!(domains.iter().any(|d| d["domain"] == "feeling_safe" && d["share_safe"].is_number()));

        // Organisations: small ones hidden, every hidden row looks the same.
        let orgs: Value = get_with(&app, &token, "/api/v1/waves/2021/results?by=organisation").await.json().await.unwrap();
        let org_rows = orgs["rows"].as_array().unwrap();
        let hidden: Vec<&Value> = org_rows.iter().filter(|r| r["n"].is_null()).collect();
        for row in &hidden {
            assert!(row["share_safe"].is_null() && row["share_safe_low"].is_null());
        }
        // CSV, also the Dutch Excel flavour.
        let csv = get_with(&app, &token, "/api/v1/waves/2021/results?by=setting_type&format=csv").await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = csv.text().await.unwrap();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("breakdown,value,label,n,share_safe_n,share_safe,share_safe_low,share_safe_high,feeling_safe_n"));
        assert_eq!(lines.count(), 7);
        let dutch = get_with(&app, &token, "/api/v1/waves/2021/results?format=csv&sep=semicolon").await.text().await.unwrap();
        assert!(dutch.lines().nth(1).unwrap().contains(";0,"), "decimal commas: {dutch}");
        let audit = veilig::store::staff::recent_audit(&app.db, 10).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "results.api" && e.detail.contains("by organisation")));
    }

    async fn counts_kept_as_responses_arrive_match_the_responses(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 12).await;
        for code in &codes {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        // Held until a batch is mixed in: nothing counts yet (12 is under a batch).
        let early = app.strings(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS n FROM result_count WHERE wave_id = {wave}"), &["n"]).await;
        assert_eq!(early[0][0], "0");
        app.mix_responses().await;
        let kept = app.strings(&format!(
            "SELECT CAST(SUM(n) AS TEXT) AS n FROM result_count WHERE wave_id = {wave} AND measure = '_respondents'"), &["n"]).await;
        assert_eq!(kept[0][0], "12");
        let safe_home = app.strings(&format!(
            "SELECT CAST(SUM(n) AS TEXT) AS n FROM result_count WHERE wave_id = {wave} AND measure = 'safe_home' AND value = 4"), &["n"]).await;
        assert_eq!(safe_home[0][0], "12");
        // Before publication only the response rate is shown.
        let token = token_for(&app, "r@example.nl", "researcher", None).await;
        let early = get_with(&app, &token, "/api/v1/waves/2023/results").await;
        assert_eq!(early.status(), 409);
        assert_eq!(early.json::<Value>().await.unwrap()["error"], "not_published");
        app.advance(wave, WaveState::Closed).await;
        app.advance(wave, WaveState::Published).await;
        let body: Value = get_with(&app, &token, "/api/v1/waves/2023/results?by=setting_type").await.json().await.unwrap();
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows[0]["n"], 12);
        // Every child answered "safe": the other answers count 0, under k, so the share that
        // would show them is hidden too (a zero is hidden like any small count).
        assert!(rows[0]["share_safe"].is_null(), "{}", rows[0]);
        // 12 children in one setting type and none elsewhere: children per organisation and
        // setting type are known anyway (the response page showed them), so the row shows its
        // 12; the empty setting types are under k and hidden.
        let open = rows.iter().find(|r| r["value"] == "open_residential").unwrap();
        assert_eq!(open["n"], 12, "{open}");
        for r in rows.iter().filter(|r| !["total", "open_residential"].contains(&r["value"].as_str().unwrap())) {
            assert!(r["n"].is_null(), "{} {}", r["value"], r["n"]);
        }
    }

    async fn the_results_api_needs_a_valid_token_of_the_study_team(app) {
        app.with_register().await;
        app.wave("2021", WaveState::Published).await;
        assert_eq!(app.get("/api/v1/waves/2021/results").await.status(), 401);
        let bad = get_with(&app, "not-a-token", "/api/v1/waves/2021/results").await;
        assert_eq!(bad.status(), 401);
        assert_eq!(bad.json::<Value>().await.unwrap()["error"], "unauthorized");
        let linde = app.organisation_id("De Linde").await;
        let institution = token_for(&app, "i@linde.nl", "institution_viewer", Some(linde)).await;
        assert_eq!(get_with(&app, &institution, "/api/v1/waves/2021/results").await.status(), 403);
        // Administrators manage accounts and read the audit log; results are for researchers.
        let admin = token_for(&app, "a@example.nl", "admin", None).await;
        assert_eq!(get_with(&app, &admin, "/api/v1/waves/2021/results").await.status(), 403);
        let token = token_for(&app, "r@example.nl", "researcher", None).await;
        assert_eq!(get_with(&app, &token, "/api/v1/waves/2021/results?by=shoe_size").await.status(), 400);
        assert_eq!(get_with(&app, &token, "/api/v1/waves/2021/results?format=xls").await.status(), 400);
        assert_eq!(get_with(&app, &token, "/api/v1/waves/1999/results").await.status(), 404);
        assert_eq!(get_with(&app, &token, "/api/v1/waves/2021/results").await.status(), 200);
        // Revoked, it stops working at once.
        let staff = app.sign_in("r@example.nl", veilig_tests::TEST_PASSWORD).await;
        let list = staff.get("/staff/tokens").await.text().await.unwrap();
        let id = list.split("/staff/tokens/").nth(1).unwrap().split('/').next().unwrap().to_string();
        assert_eq!(staff.post(&format!("/staff/tokens/{id}/revoke"), &[]).await.status(), 200);
        assert_eq!(get_with(&app, &token, "/api/v1/waves/2021/results").await.status(), 401);
    }

    async fn researchers_read_results_in_the_browser_and_others_do_not(app) {
        app.with_demo_data().await;
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let page = researcher.get("/staff/results?wave=2021&by=setting_type").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Share of children who feel safe"));
        assert!(html.contains("All children"));
        assert!(html.contains("synthetic"), "demo data says so");
        let open = researcher.get("/staff/results?wave=2023").await.text().await.unwrap();
        assert!(open.contains("is not published yet"));
        let csv = researcher.get("/staff/results/export?wave=2021&by=age_band&format=csv").await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("veilig-2021-age_band.csv"));
        let admin = app.staff("a@example.nl", "admin", None).await;
        assert_eq!(admin.get("/staff/results").await.status(), 403);
    }

    async fn published_figures_are_made_once_and_a_later_register_change_does_not_regroup_them(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        for location in ["Groep Eik", "Team 1"] {
            for code in app.codes("2023", locations[location], 12).await {
                assert_eq!(app.post_json("/api/v1/responses", &submission(&code)).await.status(), 201);
            }
        }
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let path = format!("/staff/waves/{wave}/state");
        assert_eq!(researcher.post(&path, &[("to", "closed")]).await.status(), 200);
        assert_eq!(researcher.post(&path, &[("to", "published")]).await.status(), 202);
        app.wait_until_published(wave).await;
        // Publishing made the wave's one publication and stored it.
        let stored = app.strings(&format!(
            "SELECT family, CAST(k AS TEXT) AS k FROM published_table WHERE wave_id = {wave} ORDER BY family"), &["family", "k"]).await;
        assert_eq!(stored, [["publication", "10"]]);

        let token = token_for(&app, "r2@example.nl", "researcher", None).await;
        let by_organisation = "/api/v1/waves/2023/results?by=organisation";
        let before: Value = get_with(&app, &token, by_organisation).await.json().await.unwrap();
        let rows = before["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3, "the total and two organisations: {before}");
        assert!(rows.iter().any(|r| r["label"] == "De Linde" && r["n"] == 12), "{before}");

        // A new organisation joins the register after publication. Regrouping would add a row
        // (and could move what is hidden); the published tables stay as they were.
        let joined = veilig::domain::organisation_import::parse(
            "organisation,region,location,setting_type,children_placed\nNieuw Huis,Utrecht,Huis 1,gezinshuis,4\n").unwrap();
        veilig::store::organisations::import(&app.db, &joined).await.unwrap();
        let after: Value = get_with(&app, &token, by_organisation).await.json().await.unwrap();
        assert_eq!(before["rows"], after["rows"]);
        // Also for a process that never saw them: it reads what was stored at publication.
        let wave = veilig::store::waves::find_by_label(&app.db, "2023").await.unwrap().unwrap();
        let cache = veilig::store::instruments::InstrumentCache::default();
        let published = veilig::results::published::PublishedTables::default();
        let fresh = veilig::results::Source { db: &app.db, instruments: &cache, k: 10, published: &published };
        let table = veilig::results::table(&fresh, &wave, veilig::domain::results::Dimension::Organisation).await.unwrap();
        assert!(table.rows.iter().all(|r| r.label != "Nieuw Huis"), "{table:?}");
        // A stricter k hides more of the same publication: here both rows; a lower k changes nothing.
        let stricter = veilig::results::Source { k: 13, ..fresh };
        let table = veilig::results::table(&stricter, &wave, veilig::domain::results::Dimension::Organisation).await.unwrap();
        assert_eq!(table.k, 13);
        assert!(table.rows.iter().all(|r| r.n.is_none()), "{table:?}");
        let lower = veilig::results::Source { k: 5, ..fresh };
        let table = veilig::results::table(&lower, &wave, veilig::domain::results::Dimension::Organisation).await.unwrap();
        assert_eq!(table.k, 10, "nothing lowers the published k");
        assert!(table.rows.iter().any(|r| r.label == "De Linde" && r.n == Some(12)), "{table:?}");
    }
}

#[tokio::test]
async fn the_server_refuses_to_start_with_a_k_below_ten() {
    let database = veilig_tests::TestDatabase::create(veilig_tests::Db::Sqlite).await;
    let settings = veilig::config::Settings {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: database.url.clone(),
        pepper_file: None,
        site_dir: veilig_tests::site_dir(),
        instruments_dir: None,
        secure_cookies: false,
        behind_tls: false,
        k: 9,
        mix: Default::default(),
        survey: Default::default(),
        trusted_proxies: Default::default(),
        connections: Default::default(),
        two_factor: veilig::domain::two_factor::TwoFactorRoles::none(),
    };
    let refused =
        veilig::startup::Application::build(&settings, veilig::pepper::Pepper::random()).await;
    let message = refused.err().expect("k 9 is refused").to_string();
    assert!(message.contains("k of at least 10"), "{message}");
}
