//! The survey on the device: checking a code through the API, the whole survey as one
//! document, the scripts and the service worker.

use serde_json::{json, Value};
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;
use veilig_tests::{on_both_databases, spawn_app_with, Db, TestApp};

async fn setup(app: &TestApp, location: &str, n: usize) -> Vec<String> {
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    app.codes("2023", locations[location], n).await
}

async fn check(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app.post_json("/api/v1/codes/check", &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_both_databases! {
    async fn a_good_code_gives_the_survey_to_load_and_nothing_else(app) {
        let codes = setup(&app, "De Bunker", 2).await;
        let (status, body) = check(&app, json!({ "code": codes[0].to_lowercase() })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({
            "wave": "2023",
            "setting_type": "closed",
            "languages": ["nl", "en"],
            "survey": "/survey/app/2023/closed",
            "under_way_on_server": false,
        }));
        // Checking changes nothing: the code is still unused.
        assert_eq!(check(&app, json!({ "code": codes[0], "wave": "2023" })).await.0, 200);
        // A survey begun without JavaScript is continued the same way.
        let started = app.browser().client.post(app.url("/survey/start"))
            .form(&[("code", codes[1].as_str())]).send().await.unwrap();
        assert_eq!(started.status(), 303);
        let (_, body) = check(&app, json!({ "code": codes[1] })).await;
        assert_eq!(body["under_way_on_server"], json!(true));
    }

    async fn codes_that_cannot_start_a_survey_are_refused_with_their_reason(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        app.wave("2025", WaveState::Open).await;
        assert_eq!(check(&app, json!({ "code": codes[0], "wave": "2025" })).await.1["error"], "wrong_wave");
        let (status, body) = check(&app, json!({ "code": "hallo" })).await;
        assert_eq!((status, body["error"].as_str()), (422, Some("format")));
        let (status, body) = check(&app, json!({ "code": "ABC-DEF-GHJ" })).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("unknown")));
        assert_eq!(check(&app, json!({ "code": "" })).await.0, 422);
        let sent = app.post_json("/api/v1/responses", &veilig_tests::submission(&codes[0])).await;
        assert_eq!(sent.status(), 201);
        let (status, body) = check(&app, json!({ "code": codes[0] })).await;
        assert_eq!((status, body["error"].as_str()), (409, Some("used")));
        let not_json = app.client.post(app.url("/api/v1/codes/check")).body("code=x").send().await.unwrap();
        assert_eq!(not_json.status(), 400);
    }

    async fn the_survey_comes_as_one_document_with_the_routing_of_its_setting_type(app) {
        setup(&app, "Groep Eik", 1).await;
        let closed = app.get("/survey/app/2023/closed/nl").await;
        assert_eq!(closed.status(), 200);
        let closed = closed.text().await.unwrap();
        assert!(closed.contains("data-survey-app"));
        assert!(closed.contains("data-item=\"secluded\""), "seclusion is asked in closed care");
        assert!(closed.contains("data-item=\"secluded_safe\" data-show-item=\"secluded\" data-show-values=\"1\" data-help-if=\"1 2\""));
        assert!(closed.contains("data-item=\"safe_home\" data-help-if=\"1\""));
        let in_closed_care = app
            .instruments()
            .default_instrument()
            .def()
            .items
            .iter()
            .filter(|i| {
                i.show_if
                    .as_ref()
                    .and_then(|c| c.setting_types.as_ref())
                    .is_none_or(|types| types.contains(&SettingType::Closed))
            })
            .count();
        assert_eq!(closed.matches("data-step=\"item\"").count(), in_closed_care);
        let open = app.get("/survey/app/2023/open_residential/en").await.text().await.unwrap();
        assert!(!open.contains("data-item=\"secluded\""), "no seclusion in an open group");
        assert!(open.contains("lang=\"en\" dir=\"ltr\""));
        // Nothing of a child is in it: no answer is chosen but the page's language.
        assert_eq!(open.matches(" checked").count(), 1);
        // Scripts only from files (the content security policy forbids inline ones).
        assert_eq!(open.matches("<script").count(), open.matches("<script src=").count());
        for wrong in [
            "/survey/app/2023/prison/nl",
            "/survey/app/1999/closed/nl",
            "/survey/app/2023/closed/de",
            "/survey/app/2023/closed/x-rtl",
        ] {
            let page = app.get(wrong).await;
            assert_eq!(page.status(), 404, "{wrong}");
            assert!(page.text().await.unwrap().contains("/?lang="), "{wrong}: back to the start");
        }
        app.wave("2021", WaveState::Closed).await;
        assert_eq!(app.get("/survey/app/2021/closed/nl").await.status(), 404, "a closed wave has no survey");
    }
}

#[tokio::test]
async fn the_scripts_are_files_and_the_service_worker_has_a_fixed_address() {
    let app = veilig_tests::spawn_app(Db::Sqlite).await;
    let start = app.get("/").await.text().await.unwrap();
    let script = start
        .split("<script src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.ends_with("/child.js"))
        .expect("the start page loads the child's scripts")
        .to_string();
    let file = app.get(&script).await;
    assert_eq!(
        file.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let text = file.text().await.unwrap();
    for part in [
        "window.Veilig",
        "VeiligRouting",
        "SpeechSynthesisUtterance",
        "data-kiosk-idle",
        "history.replaceState",
    ] {
        assert!(text.contains(part), "{part}");
    }
    let worker = app.get("/sw.js").await;
    assert_eq!(worker.status(), 200);
    assert_eq!(
        worker.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        worker.headers()["cache-control"],
        "no-cache",
        "a new build's worker takes over"
    );
    assert!(worker
        .text()
        .await
        .unwrap()
        .contains("addEventListener(\"fetch\""));
}

#[tokio::test]
async fn the_test_locale_is_offered_only_when_asked_for_and_runs_right_to_left() {
    let app = spawn_app_with(Db::Sqlite, |s| s.survey.pseudo_locale = true).await;
    setup(&app, "Groep Eik", 1).await;
    let page = app.get("/survey/app/2023/open_residential/x-rtl").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("lang=\"en\" dir=\"rtl\""));
    assert!(page.contains("data-languages=\"nl en x-rtl\""));
    assert!(
        page.contains("data-content-lang=\"en\""),
        "answers are stored as English"
    );
    assert!(page.contains('\u{202E}'), "texts are mirrored");
}

#[tokio::test]
async fn a_deployment_gives_its_own_help_contacts() {
    let dir = std::env::temp_dir().join(format!("veilig-help-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("help.toml");
    std::fs::write(
        &file,
        "[[contacts]]\nname = { nl = \"Mevrouw Jansen\", en = \"Ms Jansen\" }\n\
         how = { nl = \"Bel 010-1234567\", en = \"Call 010-1234567\" }\n",
    )
    .unwrap();
    let app = spawn_app_with(Db::Sqlite, |s| s.survey.help_file = Some(file.clone())).await;
    let help = app.get("/survey/help?lang=en").await.text().await.unwrap();
    assert!(help.contains("Ms Jansen") && help.contains("Call 010-1234567"));
    assert!(
        !help.contains("Kindertelefoon"),
        "the deployment's list replaces the built-in one"
    );
    let _ = std::fs::remove_dir_all(dir);
}
