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

/// The first value `sql` selects, once everything held has been mixed in.
async fn count(app: &TestApp, sql: &str) -> String {
    app.mix_responses().await;
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

        let language = child.get("/survey").await;
        assert_eq!(language.headers()["cache-control"], "no-store");
        let language = language.text().await.unwrap();
        assert!(language.contains("In welke taal wil je de vragen lezen?"), "the language comes first");
        assert!(language.contains("href=\"/exit\""), "quick exit on every screen");
        assert!(language.contains("/survey/help"), "help on every screen");
        assert!(language.contains("value=\"nl\" checked"), "the start page's language is chosen");
        assert!(!language.contains("x-rtl"), "the test locale only when asked for");

        let intro = step(&child, &[("go", "next"), ("language", "nl")]).await;
        assert!(intro.contains("Fijn dat je meedoet!"));
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
        // A wrong format names what is wrong: here the first sign that is on no card.
        assert_eq!(malformed.headers()["location"], "/?error=format&symbol=L&lang=nl");
        let page = app.get("/?error=unknown").await.text().await.unwrap();
        assert!(page.contains("role=\"alert\""));
    }

    async fn a_half_finished_survey_is_picked_up_with_the_code_but_shows_no_earlier_answer(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (first_tablet, _) = start(&app, &codes[0]).await;
        step(&first_tablet, &[("go", "next"), ("language", "en")]).await;
        step(&first_tablet, &[("go", "next")]).await;
        let item = step(&first_tablet, &[("go", "next"), ("age_band", "15-17"), ("gender", "boy")]).await;
        assert_eq!(item_on(&item).as_deref(), Some("safe_home"));
        step(&first_tablet, &[("go", "next"), ("answer", "5")]).await;
        let own = step(&first_tablet, &[("go", "back")]).await;
        assert!(own.contains("value=\"5\" checked"), "the child's own session shows its answers");
        step(&first_tablet, &[("go", "next")]).await;

        // Whoever holds the code (the child, or someone with the institution's list) starts
        // again at the questions about the child, in the start page's language, and sees that
        // answers are kept, not what they were nor where the child was.
        let (second_tablet, resumed) = start(&app, &codes[0]).await;
        assert_eq!(resumed.status(), 303);
        let about = second_tablet.get("/survey").await.text().await.unwrap();
        assert!(about.contains("Eerst iets over jou") && !about.contains("checked"));
        assert!(about.contains("Welkom terug!"), "said kindly");
        let earlier = step(&second_tablet, &[("go", "next")]).await;
        assert_eq!(item_on(&earlier).as_deref(), Some("safe_home"));
        assert!(!earlier.contains("checked"), "the earlier answer is not shown");
        assert!(earlier.contains("<p class=\"concealed-note\">Had je deze vraag al beantwoord?"), "{}", &earlier[earlier.find("concealed-note").unwrap_or(0)..][..200]);
        assert!(!earlier.contains("Welkom terug!"), "said once");
        let about = step(&second_tablet, &[("go", "back")]).await;
        assert!(about.contains("Eerst iets over jou") && !about.contains("checked"));
        // A new answer is the child's own again; the other stays kept and hidden.
        step(&second_tablet, &[("go", "next"), ("gender", "girl")]).await;
        let about = step(&second_tablet, &[("go", "back")]).await;
        assert!(about.contains("value=\"girl\" checked"));
        assert!(!about.contains("value=\"15-17\" checked"));
        assert_eq!(first_tablet.get("/survey").await.status(), 404, "the first tablet lost the survey");

        let mut page = about;
        while !page.contains("/survey/send") {
            page = step(&second_tablet, &[("go", "next")]).await;
        }
        let sent = second_tablet.client.post(second_tablet.url("/survey/send")).form(&[("go", "next")]).send().await.unwrap();
        assert_eq!(sent.headers()["location"], "/survey/thanks?lang=nl");
        assert_eq!(count(&app, "SELECT age_band AS n FROM response").await, "15-17", "kept though hidden");
        assert_eq!(count(&app, "SELECT gender AS n FROM response").await, "girl");
        assert_eq!(count(&app, "SELECT CAST(value AS TEXT) AS n FROM answer WHERE item_key = 'safe_home'").await, "5");
    }

    async fn a_survey_under_way_is_stored_sealed_and_shows_no_answer_beside_its_code(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (child, _) = start(&app, &codes[0]).await;
        step(&child, &[("go", "next"), ("language", "en")]).await;
        step(&child, &[("go", "next")]).await;
        step(&child, &[("go", "next"), ("age_band", "15-17"), ("gender", "boy")]).await;
        step(&child, &[("go", "next"), ("answer", "5")]).await;
        // As a dump shows it: the draft's row holds the code's hash and a sealed text, nothing
        // of the answers, the child's age or gender.
        let stored = app.strings("SELECT state AS s FROM survey_draft", &["s"]).await;
        assert_eq!(stored.len(), 1);
        let state = &stored[0][0];
        assert!(state.starts_with("v1."), "sealed: {state}");
        for readable in ["safe_home", "15-17", "boy", "answers", "language"] {
            assert!(!state.contains(readable), "{readable} is readable in {state}");
        }
        // The child's own session still reads it back.
        let own = step(&child, &[("go", "back")]).await;
        assert!(own.contains("value=\"5\" checked"));
    }

    async fn a_qr_link_of_another_wave_refuses_the_code(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        app.wave("2025", WaveState::Open).await;
        let child = app.browser();
        let refused = child.client.post(app.url("/survey/start"))
            .form(&[("code", codes[0].as_str()), ("lang", "en"), ("wave", "2025")])
            .send().await.unwrap();
        assert_eq!(refused.headers()["location"], "/?error=wrong_wave&lang=en&wave=2025");
        let taken = child.client.post(app.url("/survey/start"))
            .form(&[("code", codes[0].as_str()), ("lang", "en"), ("wave", "2023")])
            .send().await.unwrap();
        assert_eq!(taken.headers()["location"], "/survey");
        let card = app.get("/?error=wrong_wave&lang=en&wave=2025").await.text().await.unwrap();
        assert!(card.contains("name=\"wave\" value=\"2025\""), "the start page keeps the link's wave");
    }

    async fn the_quick_exit_lets_go_of_the_survey_and_the_code_picks_it_up_again(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (child, _) = start(&app, &codes[0]).await;
        step(&child, &[("go", "next")]).await;
        let exit = child.get("/exit").await;
        let cookie = exit.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.starts_with("veilig_survey=;") && cookie.contains("Max-Age=0"), "{cookie}");
        assert!(!exit.text().await.unwrap().contains("<script"), "nothing of the survey on it");
        // Even a copy of the old cookie no longer opens the survey.
        assert_eq!(child.get("/survey").await.status(), 404);
        let (again, _) = start(&app, &codes[0]).await;
        let page = again.get("/survey").await.text().await.unwrap();
        assert!(page.contains("Eerst iets over jou"), "on from the questions about the child");
        let reset = again.get("/survey/reset").await;
        assert_eq!(reset.status(), 303);
        assert_eq!(reset.headers()["location"], "/");
        assert_eq!(again.get("/survey").await.status(), 404);
    }

    async fn an_answer_about_being_hurt_brings_up_help_gently(app) {
        let codes = setup(&app, "Groep Eik", 1).await;
        let (child, _) = start(&app, &codes[0]).await;
        step(&child, &[("go", "next")]).await;
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
        assert!(help.contains("lang=\"en\" dir=\"ltr\""));
        assert!(help.contains("href=\"/?lang=en\""), "back to the start without a survey");
    }

    async fn without_a_survey_cookie_the_child_is_asked_for_the_code_again(app) {
        let page = app.get("/survey").await;
        assert_eq!(page.status(), 404);
        assert!(page.text().await.unwrap().contains("Vul je code nog een keer in"));
    }
}

/// Walks a survey on with `next` until the send screen, answering each question as `answer`
/// says (`None`: skip); returns every page seen.
async fn walk(
    child: &StaffClient,
    mut page: String,
    answer: impl Fn(&str) -> Option<&'static str>,
) -> Vec<String> {
    let mut pages = Vec::new();
    while !page.contains("/survey/send") {
        pages.push(page.clone());
        let item = item_on(&page);
        let mut fields = vec![("go", "next")];
        if let Some(value) = item.as_deref().and_then(&answer) {
            fields.push(("answer", value));
        }
        page = step(child, &fields).await;
        assert!(pages.len() < 100, "the survey ends");
    }
    pages.push(page);
    pages
}

on_both_databases! {
    async fn picking_a_survey_up_shows_the_same_screens_whatever_was_answered_before(app) {
        let codes = setup(&app, "De Bunker", 2).await;
        // One child was secluded and answers everything; the other answers nothing but "don't
        // know", and stops half way. Seclusion brings up three follow-up questions.
        let (first, _) = start(&app, &codes[0]).await;
        step(&first, &[("go", "next"), ("language", "en")]).await;
        step(&first, &[("go", "next")]).await;
        let page = step(&first, &[("go", "next"), ("age_band", "15-17"), ("gender", "boy")]).await;
        let pages = walk(&first, page, |_| Some("1")).await;
        assert!(pages.iter().any(|p| item_on(p).as_deref() == Some("secluded_safe")), "routed on");
        let total = |p: &str| p.split("Step ").nth(1).map(|s| s.chars().take(12).collect::<String>());
        let (second, _) = start(&app, &codes[1]).await;
        step(&second, &[("go", "next"), ("language", "en")]).await;
        let mut page = step(&second, &[("go", "next")]).await;
        for _ in 0..6 {
            page = step(&second, &[("go", "next"), ("answer", "dont_know")]).await;
        }
        assert_ne!(total(&pages[3]), total(&page), "the two paths have different lengths");

        // Someone with both codes types them in new browsers, without JavaScript.
        let mut seen = Vec::new();
        for code in &codes {
            let (other, resumed) = start(&app, code).await;
            assert_eq!(resumed.headers()["location"], "/survey");
            let page = other.get("/survey").await.text().await.unwrap();
            let mut pages = walk(&other, page, |_| None).await;
            // And back again from the send screen.
            pages.push(step(&other, &[("go", "back")]).await);
            seen.push(pages);
        }
        assert!(seen[0].len() > 10);
        assert!(seen[0][0].contains("Stap 3 van"));
        assert!(seen[0].last().unwrap().contains("name=\"open_answer\""), "back from sending");
        for (a, b) in seen[0].iter().zip(&seen[1]) {
            assert_eq!(a, b, "a screen differs on resume");
        }
        assert_eq!(seen[0].len(), seen[1].len());
        assert!(!seen[0].iter().any(|p| p.contains("secluded_safe")), "no follow-up of a hidden answer");
    }
}
