//! Without JavaScript the survey is plain HTML forms, one screen per page: a child walks it all
//! in Chromium with scripts off, and every page fits the tablet with 48-pixel targets. Axe
//! needs scripts to run, so the same pages (the same server-rendered forms) are checked with
//! axe in a second browser that takes the plain path with scripts on.

use crate::driver::{Browser, TABLET};
use fantoccini::Locator;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, Db, TestApp};

/// The first value `sql` selects, once everything held has been mixed in.
async fn count(app: &TestApp, sql: &str) -> String {
    app.mix_responses().await;
    app.strings(sql, &["n"]).await[0][0].clone()
}

/// The item on the page, if it is a question.
async fn item(browser: &Browser) -> Option<String> {
    browser
        .eval("const f = document.querySelector('fieldset[data-item]'); return f ? f.dataset.item : null;")
        .await
        .as_str()
        .map(str::to_string)
}

async fn next(browser: &Browser) {
    browser.click_to_next_page("button[value='next']").await;
}

/// Looks at a page: a screenshot, the layout, and axe when scripts run.
async fn look(browser: &Browser, name: &str, axe: bool) {
    if axe {
        browser.check_screen(name).await;
    } else {
        browser.screenshot(name).await;
        browser.check_layout(name).await;
    }
}

/// From the language page to the thank-you page, in English, with the answers that bring up
/// the help panel and the follow-ups; every kind of page is looked at.
async fn walk(browser: &Browser, prefix: &str, axe: bool) {
    let c = &browser.client;
    assert!(browser.text_of("h1").await.contains("In welke taal"));
    look(browser, &format!("{prefix}-language"), axe).await;
    browser.choose("language-en").await;
    next(browser).await;
    assert_eq!(browser.text_of("h1").await, "Thank you for joining in!");
    look(browser, &format!("{prefix}-intro"), axe).await;
    next(browser).await;
    look(browser, &format!("{prefix}-about"), axe).await;
    browser.choose("gender-other").await;
    next(browser).await;
    let mut kinds: Vec<&str> = Vec::new();
    let mut seen = Vec::new();
    while let Some(key) = item(browser).await {
        let help = c.find(Locator::Css(".help-panel")).await.is_ok();
        let kind = match key.as_str() {
            _ if help => "help-panel",
            "safe_home" => "smiley",
            "safe_mark" => "mark",
            "secluded" => "words",
            _ => "",
        };
        if !kind.is_empty() && !kinds.contains(&kind) {
            look(browser, &format!("{prefix}-{kind}"), axe).await;
            kinds.push(kind);
        } else {
            browser.check_layout(&format!("{prefix}-{key}")).await;
        }
        match key.as_str() {
            "safe_home" => browser.choose("safe_home-1").await,
            "safe_mark" => browser.choose("safe_mark-9").await,
            "secluded" => browser.choose("secluded-1").await,
            _ => {}
        }
        seen.push(key);
        next(browser).await;
        assert!(seen.len() < 60);
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(
        seen.iter().any(|k| k == "secluded_safe"),
        "the follow-up after yes"
    );
    look(browser, &format!("{prefix}-open"), axe).await;
    c.find(Locator::Id("open_answer"))
        .await
        .unwrap()
        .send_keys("More time to talk.")
        .await
        .unwrap();
    next(browser).await;
    look(browser, &format!("{prefix}-send"), axe).await;
    next(browser).await;
    assert_eq!(browser.text_of("h1").await, "Thank you!");
    look(browser, &format!("{prefix}-thanks"), axe).await;
    browser.click_to_next_page("a.help-button").await;
    look(browser, &format!("{prefix}-help"), axe).await;
}

/// The quick exit: a neutral page; the survey is let go of (its code picks it up again).
async fn quick_exit(browser: &Browser, app: &TestApp, code: &str, prefix: &str, axe: bool) {
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(code)
        .await
        .unwrap();
    start_plainly(browser, axe).await;
    assert!(browser.text_of("h1").await.contains("In welke taal"));
    browser.click_to_next_page("a.exit-button").await;
    assert_eq!(browser.text_of("h1").await, "Het weer");
    look(browser, &format!("{prefix}-exit"), axe).await;
    c.goto(&app.url("/survey")).await.unwrap();
    assert!(browser
        .text_of("main")
        .await
        .contains("Vul je code nog een keer in"));
    look(browser, &format!("{prefix}-lost"), axe).await;
}

/// Presses Start on the start page; with scripts on, the form is sent as a plain form (as the
/// start page does for a survey begun without scripts), so the plain path is taken.
async fn start_plainly(browser: &Browser, scripts: bool) {
    if scripts {
        browser
            .eval("window.__veilig_old_page = true; document.querySelector('form.code-form').submit();")
            .await;
        for _ in 0..100 {
            let loaded = browser
                .eval("return window.__veilig_old_page === undefined && document.readyState === 'complete';")
                .await;
            if loaded == serde_json::json!(true) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the plain survey did not open");
    } else {
        browser
            .click_to_next_page("form.code-form button[type='submit']")
            .await;
    }
}

#[tokio::test]
async fn without_javascript_a_child_walks_the_whole_survey_in_the_browser() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let codes = app.codes("2023", locations["De Bunker"], 4).await;
    for (scripts, prefix, code, leave) in [
        (false, "plain", &codes[0], &codes[1]),
        (true, "plain-axe", &codes[2], &codes[3]),
    ] {
        let browser = Browser::start(scripts).await;
        browser.viewport(TABLET).await;
        browser
            .client
            .goto(&app.url(&format!("/?code={code}&wave=2023")))
            .await
            .unwrap();
        if scripts {
            browser.wait_for_scripts().await;
        }
        start_plainly(&browser, scripts).await;
        walk(&browser, prefix, scripts).await;
        quick_exit(&browser, &app, leave, prefix, scripts).await;
        browser.close().await;
    }
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await,
        "2"
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response WHERE language = 'en'"
        )
        .await,
        "2"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM answer WHERE item_key = 'safe_mark' AND value = 9").await,
        "2"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM survey_draft").await,
        "2",
        "the two let go of are kept for their codes"
    );
}
