//! The child's survey as plain HTML forms (JavaScript off): start, every screen, send.

use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, StaffClient, TestApp};

async fn setup(app: &TestApp, location: &str, n: usize) -> Vec<String> {
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    app.codes("2023", locations[location], n).await
}

async fn start(app: &TestApp, code: &str) -> (StaffClient, reqwest::Response) {
    let child = app.browser();
    let response = child
        .client
        .post(app.url("/survey/start"))
        .form(&[("code", code), ("lang", "nl")])
        .send()
        .await
        .unwrap();
    (child, response)
}

async fn step(child: &StaffClient, fields: &[(&str, &str)]) -> String {
    let posted = child
        .client
        .post(child.url("/survey"))
        .form(fields)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303, "a step moves on");
    let page = child.get("/survey").await;
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

fn item_on(page: &str) -> Option<String> {
    page.split("data-item=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
}

async fn count(app: &TestApp, sql: &str) -> String {
    app.strings(sql, &["n"]).await[0][0].clone()
}

on_both_databases! {
    async fn a_child_answers_the_whole_survey_without_javascript(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (child, started) = start(&app, &codes[0].to_lowercase().replace('-', " ")).await;
        assert_eq!(started.status(), 303);
        assert_eq!(started.headers()["location"], "/survey");
        let cookie = started.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.contains("Path=/survey") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));

        let intro = child.get("/survey").await;
        assert_eq!(intro.headers()["cache-control"], "no-store");
        let intro = intro.text().await.unwrap();
        assert!(intro.contains("Fijn dat je meedoet!"));
        assert!(intro.contains("href=\"/exit\""), "quick exit on every screen");
        assert!(intro.contains("/survey/help"), "help on every screen");

        let about = step(&child, &[("go", "next")]).await;
        assert!(about.contains("Hoe oud ben je?"));
        let first = step(&child, &[("go", "next"), ("age_band", "12-14"), ("gender", "dont_know")]).await;
        assert_eq!(item_on(&first).as_deref(), Some("safe_home"));
        assert!(first.contains("Weet ik niet / zeg ik liever niet"));
        assert!(first.contains("<progress"));
        let second = step(&child, &[("go", "next"), ("answer", "4")]).await;
        let second_item = item_on(&second).unwrap();
        // Back shows the answer given, still chosen.
        let back = step(&child, &[("go", "back")]).await;
        assert!(back.contains("value=\"4\" checked"), "the earlier answer is kept");
        let again = step(&child, &[("go", "next")]).await;
        assert_eq!(item_on(&again).unwrap(), second_item);

        // Skip everything else up to the open question.
        let mut page = again;
        let mut guard = 0;
        while item_on(&page).is_some() {
            page = step(&child, &[("go", "next")]).await;
            guard += 1;
            assert!(guard < 60, "the survey ends");
        }
        assert!(page.contains("open_answer"));
        assert!(!page.contains("afzondering"), "no seclusion questions in an open group");
        let send_page = step(&child, &[("go", "next"), ("open_answer", "Meer praten met Kim.")]).await;
        assert!(send_page.contains("Je hebt 1 vragen beantwoord."));
        let sent = child.client.post(child.url("/survey/send")).form(&[("go", "next")]).send().await.unwrap();
        assert_eq!(sent.status(), 303);
        assert_eq!(sent.headers()["location"], "/survey/thanks?lang=nl");
        let thanks = child.get("/survey/thanks?lang=nl").await.text().await.unwrap();
        assert!(thanks.contains("Dank je wel!") && thanks.contains("0800-0432"));

        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await, "1");
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM answer").await, "1");
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM survey_draft").await, "0", "the draft is gone");
        assert_eq!(count(&app, "SELECT age_band AS n FROM response").await, "12-14");
        assert_eq!(count(&app, "SELECT text AS n FROM open_answer").await, "Meer praten met […].");
        // The survey is over for this browser, and the code is used.
        assert_eq!(child.get("/survey").await.status(), 404);
        let (_, reuse) = start(&app, &codes[0]).await;
        assert_eq!(reuse.headers()["location"], "/?error=used&lang=nl");
    }

    async fn wrong_codes_go_back_to_the_start_page_with_a_kind_message(app) {
        setup(&app, "Groep Eik", 1).await;
        let (_, unknown) = start(&app, "ABC-DEF-GHJ").await;
        assert_eq!(unknown.headers()["location"], "/?error=unknown&lang=nl");
        let (_, malformed) = start(&app, "hallo").await;
        assert_eq!(malformed.headers()["location"], "/?error=format&lang=nl");
        let page = app.get("/?error=unknown").await.text().await.unwrap();
        assert!(page.contains("role=\"alert\""));
    }

    async fn a_half_finished_survey_is_resumed_with_the_same_code_on_another_tablet(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (first_tablet, _) = start(&app, &codes[0]).await;
        step(&first_tablet, &[("go", "next")]).await;
        let item = step(&first_tablet, &[("go", "next")]).await;
        step(&first_tablet, &[("go", "next"), ("answer", "5")]).await;
        let (second_tablet, resumed) = start(&app, &codes[0]).await;
        assert_eq!(resumed.status(), 303);
        let back = step(&second_tablet, &[("go", "back")]).await;
        assert_eq!(item_on(&back), item_on(&item));
        assert!(back.contains("value=\"5\" checked"));
        assert_eq!(first_tablet.get("/survey").await.status(), 404, "the first tablet lost the survey");
    }

    async fn an_answer_about_being_hurt_brings_up_help_gently(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (child, _) = start(&app, &codes[0]).await;
        step(&child, &[("go", "next")]).await;
        let mut page = step(&child, &[("go", "next")]).await;
        let instrument = app.instruments().default_instrument();
        let mut guard = 0;
        loop {
            let key = item_on(&page).expect("an item with help_if comes");
            let item = instrument.item(&key).unwrap();
            if let Some(value) = item.help_if.first() {
                let next = step(&child, &[("go", "next"), ("answer", &value.to_string())]).await;
                assert!(next.contains("class=\"help-panel\""));
                assert!(next.contains("0800-0432"));
                let after = step(&child, &[("go", "next")]).await;
                assert!(!after.contains("class=\"help-panel\""), "shown once, not again and again");
                break;
            }
            page = step(&child, &[("go", "next")]).await;
            guard += 1;
            assert!(guard < 60);
        }
    }

    async fn children_in_closed_care_are_asked_about_seclusion_and_follow_ups_only_after_yes(app) {
        let codes = setup(&app, "De Bunker", 1).await;
        let (child, _) = start(&app, &codes[0]).await;
        step(&child, &[("go", "next")]).await;
        let mut page = step(&child, &[("go", "next")]).await;
        let mut guard = 0;
        while item_on(&page).as_deref() != Some("secluded") {
            page = step(&child, &[("go", "next")]).await;
            guard += 1;
            assert!(guard < 60, "the seclusion question comes");
        }
        let follow_up = step(&child, &[("go", "next"), ("answer", "1")]).await;
        assert!(item_on(&follow_up).unwrap().starts_with("secluded_"));
        let back = step(&child, &[("go", "back")]).await;
        assert_eq!(item_on(&back).as_deref(), Some("secluded"));
        let after_no = step(&child, &[("go", "next"), ("answer", "2")]).await;
        assert!(!item_on(&after_no).unwrap_or_default().starts_with("secluded_"));
    }

    async fn the_quick_exit_and_help_pages_show_nothing_of_the_survey(app) {
        let exit = app.get("/exit").await;
        assert_eq!(exit.status(), 200);
        let exit = exit.text().await.unwrap();
        assert!(!exit.contains("Veilig") && !exit.contains("survey") && !exit.contains("vragen"));
        let help = app.get("/survey/help?lang=en").await.text().await.unwrap();
        assert!(help.contains("Kindertelefoon") && help.contains("112") && help.contains("Veilig Thuis"));
        assert!(help.contains("lang=\"en\""));
    }

    async fn without_a_survey_cookie_the_child_is_asked_for_the_code_again(app) {
        let page = app.get("/survey").await;
        assert_eq!(page.status(), 404);
        assert!(page.text().await.unwrap().contains("Vul je code nog een keer in"));
    }
}
