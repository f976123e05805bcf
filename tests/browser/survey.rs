//! A child takes the survey on a tablet with JavaScript: the survey runs on the device (one
//! document, walked by survey.js) and is sent once at the end. In Dutch in closed care upright,
//! in English in an open group lying down. Every screen must fit the tablet without scrolling
//! and have 48-pixel targets; axe-core checks every kind of screen; read-aloud reads each one.

use crate::driver::{Browser, TABLET, TABLET_LANDSCAPE};
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, Db, TestApp};

/// The first value `sql` selects, once everything held has been mixed in.
async fn count(app: &TestApp, sql: &str) -> String {
    app.mix_responses().await;
    app.strings(sql, &["n"]).await[0][0].clone()
}

/// Presses read-aloud and returns what was said (speech synthesis is stubbed).
async fn read_aloud(browser: &Browser) -> String {
    browser.eval("window.__spoken.length = 0;").await;
    browser.click(".read-button").await;
    let spoken = browser
        .eval("return window.__spoken.map(s => s.lang + ': ' + s.text).join('\\n');")
        .await;
    spoken.as_str().unwrap_or_default().to_string()
}

/// Walks the screens of the question part, calling `answer` for each item; it returns the
/// input id to choose, or None to skip. Checks the layout of every screen, and axe once per
/// kind of screen. Stops at the open question.
async fn walk_items(
    browser: &Browser,
    prefix: &str,
    mut answer: impl FnMut(&str) -> Option<String>,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut kinds_checked: Vec<String> = Vec::new();
    let mut screen = browser.screen().await;
    while let Some(item) = screen.strip_prefix("item:").map(str::to_string) {
        let kind = browser
            .eval(
                "return document.querySelector('section.screen:not([hidden]) fieldset').className;",
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string();
        let help_shown = browser
            .eval("return !document.getElementById('help-panel').hidden;")
            .await
            == serde_json::json!(true);
        let label = if help_shown {
            "help-panel".to_string()
        } else {
            kind.replace(' ', "-")
        };
        if !kinds_checked.contains(&label) {
            browser.check_screen(&format!("{prefix}-{label}")).await;
            kinds_checked.push(label);
        } else {
            browser.check_layout(&format!("{prefix}-{item}")).await;
        }
        if let Some(id) = answer(&item) {
            browser.choose(&id).await;
        }
        seen.push(item);
        screen = browser.next().await;
        assert!(seen.len() < 60, "the questions end");
    }
    for kind in [
        "choices-smiley",
        "choices-words",
        "choices-mark",
        "help-panel",
    ] {
        assert!(
            kinds_checked.iter().any(|k| k == kind),
            "{kind} came by: {kinds_checked:?}"
        );
    }
    seen
}

#[tokio::test]
async fn a_child_in_closed_care_takes_the_survey_in_dutch_on_the_device() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["De Bunker"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser.stub_speech().await;

    // The QR link: the code is filled in, and leaves the address at once.
    browser
        .client
        .goto(&app.url(&format!("/?code={code}&wave=2023")))
        .await
        .unwrap();
    browser.wait_for_scripts().await;
    let address = browser.client.current_url().await.unwrap().to_string();
    assert!(!address.contains("code="), "{address}");
    assert!(address.contains("wave=2023"), "{address}");
    assert_eq!(
        browser
            .eval("return document.getElementById('code').value;")
            .await,
        serde_json::json!(code)
    );
    assert_eq!(
        browser.eval("return history.length;").await,
        serde_json::json!(2),
        "no other entry holds the code"
    );
    browser.click("form.code-form button[type='submit']").await;
    assert_eq!(
        browser.wait_for_screen(20, |s| s == "language").await,
        "language"
    );
    browser.check_screen("device-nl-language").await;
    let said = read_aloud(&browser).await;
    assert!(said.starts_with("nl: In welke taal"), "{said}");
    assert!(
        said.contains("Nederlands") && said.contains("English"),
        "{said}"
    );

    browser.choose("language-nl").await;
    assert_eq!(browser.next().await, "intro");
    browser.check_screen("device-nl-intro").await;
    // How long it takes, for the questions every child in closed care is asked.
    let instrument = veilig::domain::instrument::InstrumentLibrary::builtin()
        .unwrap()
        .default_instrument();
    let minutes = veilig::domain::survey::minutes(&instrument, veilig::domain::SettingType::Closed);
    let said = read_aloud(&browser).await;
    assert!(said.contains("Je naam staat nergens"), "{said}");
    assert!(
        said.contains(&format!("Het duurt ongeveer {minutes} minuten.")),
        "{said}"
    );
    assert_eq!(browser.next().await, "about");
    browser.check_screen("device-nl-about").await;
    browser.choose("age_band-12-14").await;
    browser.choose("gender-dont_know").await;
    assert_eq!(browser.next().await, "item:safe_home");
    let said = read_aloud(&browser).await;
    assert!(
        said.contains("Voel jij je veilig op de plek waar je nu woont?")
            && said.contains("Heel onveilig")
            && said.contains("Heel veilig")
            && said.contains("Weet ik niet"),
        "the question and every option are read: {said}"
    );

    // Help from the header, and back to the same question.
    browser.click("a.help-button").await;
    assert_eq!(browser.wait_for_screen(5, |s| s == "help").await, "help");
    browser.check_screen("device-nl-help").await;
    let said = read_aloud(&browser).await;
    assert!(said.contains("0800-0432"), "{said}");
    // A contact's name and how to reach them are two parts, not one word.
    assert!(said.contains("De vertrouwenspersoon. Iemand die"), "{said}");
    browser.click(".help-back").await;
    assert_eq!(
        browser.wait_for_screen(5, |s| s != "help").await,
        "item:safe_home"
    );

    // Upright, the faces are big and stand in one row.
    let faces = browser
        .eval(
            "return [...document.querySelectorAll('section.screen:not([hidden]) .face')]\
             .map(f => { const r = f.getBoundingClientRect(); return [r.width, r.top]; });",
        )
        .await;
    let faces: Vec<(f64, f64)> = serde_json::from_value(faces).unwrap();
    assert_eq!(faces.len(), 5, "{faces:?}");
    assert!(faces.iter().all(|(width, _)| *width >= 80.0), "{faces:?}");
    assert!(
        faces.iter().all(|(_, top)| (top - faces[0].1).abs() < 1.0),
        "{faces:?}"
    );
    browser.check_layout("device-nl-safe_home").await;

    // Read-aloud in use: an answer tapped is read on its own.
    let last_spoken =
        "return window.__spoken.length ? window.__spoken[window.__spoken.length - 1].text : '';";
    browser.choose("safe_home-2").await;
    let label = browser
        .eval("return document.querySelector(\"label[for='safe_home-2']\").textContent.trim();")
        .await;
    assert!(label.as_str().is_some_and(|l| !l.is_empty()), "{label}");
    let spoken = browser.eval(last_spoken).await;
    assert_eq!(
        spoken.as_str().map(|s| s.trim_end_matches('.')),
        label.as_str(),
        "the answer tapped is read"
    );

    // "Very unsafe" at home brings up help on the next screen: read-aloud reads the question
    // there before the help above it.
    browser.choose("safe_home-1").await;
    let next = browser.next().await;
    assert!(next.starts_with("item:"), "{next}");
    assert_eq!(
        browser
            .eval("return !document.getElementById('help-panel').hidden;")
            .await,
        serde_json::json!(true)
    );
    let said = read_aloud(&browser).await;
    let question = browser
        .eval(
            "return document.querySelector('section.screen:not([hidden]) h1').textContent.trim();",
        )
        .await;
    let help = browser
        .eval("return document.getElementById('help-panel-title').textContent.trim();")
        .await;
    let at = |text: &serde_json::Value| said.find(text.as_str().unwrap_or("(none)"));
    assert!(
        matches!((at(&question), at(&help)), (Some(q), Some(h)) if q < h),
        "the question ({question}) before the help ({help}): {said}"
    );

    // Closed care is asked about seclusion, and the follow-ups come after "yes".
    let seen = walk_items(&browser, "device-nl", |item| match item {
        "safe_mark" => Some("safe_mark-7".into()),
        "secluded" => Some("secluded-1".into()),
        "secluded_safe" => Some("secluded_safe-dont_know".into()),
        _ => None,
    })
    .await;
    assert!(seen.iter().any(|i| i == "secluded"), "{seen:?}");
    assert!(seen.iter().any(|i| i == "secluded_safe"), "{seen:?}");
    assert!(
        !seen.iter().any(|i| i.starts_with("told_")),
        "no follow-up without its answer: {seen:?}"
    );
    assert_eq!(browser.screen().await, "open");
    browser.check_screen("device-nl-open").await;
    browser
        .client
        .find(fantoccini::Locator::Id("open_answer"))
        .await
        .unwrap()
        .send_keys("Een slot op mijn deur.")
        .await
        .unwrap();
    assert_eq!(browser.next().await, "send");
    browser.check_screen("device-nl-send").await;
    assert!(browser
        .text_of("section.screen:not([hidden]) .answered")
        .await
        .contains("Je hebt 3 vragen beantwoord."));
    // "Sending" shows while the survey is on its way; on a quick server the poll may only
    // see the thank-you screen that follows it.
    let after_send = browser.next().await;
    assert!(
        after_send == "sending" || after_send == "thanks",
        "{after_send}"
    );
    assert_eq!(
        browser.wait_for_screen(10, |s| s == "thanks").await,
        "thanks"
    );
    browser.check_screen("device-nl-thanks").await;
    assert!(read_aloud(&browser).await.contains("Dank je wel!"));

    // Stored once, whole; nothing of it left on the device.
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await,
        "1"
    );
    let answers = app
        .strings("SELECT item_key AS k, CAST(value AS TEXT) AS v FROM answer WHERE value IS NOT NULL ORDER BY item_key", &["k", "v"])
        .await;
    assert_eq!(
        answers,
        [["safe_home", "1"], ["safe_mark", "7"], ["secluded", "1"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    assert_eq!(
        count(&app, "SELECT age_band AS n FROM response").await,
        "12-14"
    );
    assert_eq!(
        count(&app, "SELECT language AS n FROM response").await,
        "nl"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM survey_draft").await,
        "0"
    );
    let kept = browser.local_storage().await;
    assert!(
        kept.iter()
            .all(|(k, _)| !k.starts_with("veilig.draft.") && k != "veilig.outbox"),
        "{kept:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_child_in_an_open_group_takes_the_survey_in_english_with_the_tablet_lying_down() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET_LANDSCAPE).await;
    browser.stub_speech().await;
    browser
        .start_survey(&app.url(&format!("/?code={code}&wave=2023")))
        .await;
    assert_eq!(browser.screen().await, "language");
    assert_eq!(
        browser.chosen("language").await.as_deref(),
        Some("nl"),
        "the start page's language is chosen until the child chooses"
    );
    browser.check_layout("device-en-language").await;

    // English is chosen on its own screen; the survey goes on in English. Read-aloud was not
    // asked for, so the answer tapped is not read.
    browser.choose("language-en").await;
    assert_eq!(
        browser.eval("return window.__spoken.length;").await,
        serde_json::json!(0),
        "nothing is read before the child asks for it"
    );
    browser
        .click("section.screen:not([hidden]) button[value='next']")
        .await;
    browser.wait_for_screen(10, |s| s == "intro").await;
    let address = browser.client.current_url().await.unwrap().to_string();
    assert!(
        address.ends_with("/survey/app/2023/open_residential/en"),
        "{address}"
    );
    assert_eq!(
        browser.eval("return document.documentElement.lang;").await,
        serde_json::json!("en")
    );
    browser.check_screen("device-en-intro").await;
    assert!(read_aloud(&browser)
        .await
        .starts_with("en: Thank you for joining in!"));
    assert_eq!(browser.back().await, "language");
    assert_eq!(browser.chosen("language").await.as_deref(), Some("en"));
    assert_eq!(browser.next().await, "intro");
    assert_eq!(browser.next().await, "about");
    browser.check_screen("device-en-about").await;
    browser.choose("time_here-1_2y").await;
    browser.next().await;

    // Follow-ups appear only when they apply: "never hit" asks no more; "threatened a few
    // times by staff" asks whether the child told someone.
    let seen = walk_items(&browser, "device-en", |item| match item {
        "safe_home" => Some("safe_home-2".into()),
        "hit_by_peer" => Some("hit_by_peer-1".into()),
        "threatened_by_staff" => Some("threatened_by_staff-3".into()),
        "told_threatened_by_staff" => Some("told_threatened_by_staff-2".into()),
        "safe_mark" => Some("safe_mark-dont_know".into()),
        _ => None,
    })
    .await;
    let at = |key: &str| seen.iter().position(|i| i == key);
    assert_eq!(
        at("told_threatened_by_staff"),
        at("threatened_by_staff").map(|i| i + 1)
    );
    assert_eq!(at("told_hit_by_peer"), None);
    assert_eq!(at("secluded"), None, "no seclusion outside closed care");
    assert_eq!(browser.next().await, "send");
    browser.check_layout("device-en-send").await;
    browser.next().await;
    assert_eq!(
        browser.wait_for_screen(10, |s| s == "thanks").await,
        "thanks"
    );
    browser.check_screen("device-en-thanks").await;
    assert!(browser
        .text_of("section.screen:not([hidden]) h1")
        .await
        .contains("Thank you!"));
    browser.close().await;

    assert_eq!(
        count(&app, "SELECT language AS n FROM response").await,
        "en"
    );
    assert_eq!(
        count(&app, "SELECT time_here AS n FROM response").await,
        "1_2y"
    );
    let answered = app
        .strings("SELECT item_key AS k FROM answer ORDER BY item_key", &["k"])
        .await
        .concat();
    assert_eq!(
        answered,
        [
            "hit_by_peer",
            "safe_home",
            "safe_mark",
            "threatened_by_staff",
            "told_threatened_by_staff"
        ]
    );
}

#[tokio::test]
async fn a_used_code_is_refused_on_the_start_page_with_a_kind_message() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let sent = app
        .post_json("/api/v1/responses", &veilig_tests::submission(&code))
        .await;
    assert_eq!(sent.status(), 201);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser.client.goto(&app.url("/?lang=en")).await.unwrap();
    browser.wait_for_scripts().await;
    browser
        .client
        .find(fantoccini::Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    browser.click("form.code-form button[type='submit']").await;
    // Said on the page, which stays: the code is still in the field.
    browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("#code-refused:not([hidden])"))
        .await
        .expect("the refusal is shown");
    assert!(browser
        .text_of("#code-refused")
        .await
        .contains("This code has already been used"));
    let kept = browser
        .eval("return document.getElementById('code').value;")
        .await;
    assert_eq!(kept, serde_json::json!(code));
    browser.check_screen("start-used-code").await;
    browser.close().await;
}

#[tokio::test]
async fn the_start_page_reads_itself_aloud_in_its_language() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(true).await;
    browser.stub_speech().await;
    browser.client.goto(&app.url("/?lang=en")).await.unwrap();
    browser.wait_for_scripts().await;
    let said = read_aloud(&browser).await;
    assert!(said.starts_with("en: Welcome!"), "{said}");
    assert!(said.contains("Your code"), "{said}");
    browser.close().await;
}

#[tokio::test]
async fn the_quick_exit_hides_the_survey_and_back_does_not_bring_it_up() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser
        .start_survey(&app.url(&format!("/?code={code}")))
        .await;
    browser.choose("language-nl").await;
    browser.next().await;
    let before = browser.eval("return history.length;").await;
    browser.click_to_next_page("a.exit-button").await;
    assert_eq!(browser.path().await, "/exit");
    assert_eq!(browser.text_of("h1").await, "Het weer");
    assert_eq!(
        browser.eval("return history.length;").await,
        before,
        "the neutral page took the survey's place in the history"
    );
    assert_eq!(
        browser.session_storage_len().await,
        0,
        "this tab forgot the survey"
    );
    browser.check_screen("device-exit").await;
    // Back goes to the start page; the survey's own address shows only "type your code".
    browser.client.back().await.unwrap();
    assert_eq!(browser.path().await, "/");
    browser
        .client
        .goto(&app.url("/survey/app/2023/open_residential/nl"))
        .await
        .unwrap();
    assert_eq!(browser.wait_for_screen(5, |s| !s.is_empty()).await, "lost");
    browser.check_screen("device-lost").await;
    browser.close().await;
}
