//! A shared tablet in kiosk mode: unlocked by staff for one location, it takes that location's
//! codes only; after each child, and after the idle time, it goes back to the start page and
//! the next child finds nothing of the previous one. A half-finished survey comes back only
//! with its own code, and without showing the earlier answers.

use crate::driver::{Browser, TABLET};
use crate::participation::sign_in;
use std::time::Duration;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app_with, Db, TestApp};

/// The idle time of this test's kiosk (a deployment uses minutes). Longer than a screen's
/// accessibility check takes on a busy two-core machine: with 3 seconds the thanks screen
/// sometimes went back to the start page before the test could press Done.
const IDLE_SECONDS: u64 = 10;

/// Responses stored, once everything held has been mixed in.
async fn responses(app: &TestApp) -> String {
    app.mix_responses().await;
    app.strings("SELECT CAST(COUNT(*) AS TEXT) AS n FROM response", &["n"])
        .await[0][0]
        .clone()
}

/// Nothing of a child's survey that anyone could read: no session, no readable draft.
async fn nothing_readable_left(browser: &Browser, code: &str) {
    assert_eq!(browser.session_storage_len().await, 0);
    for (key, value) in browser.local_storage().await {
        assert!(
            key.starts_with("veilig.draft."),
            "only encrypted drafts stay: {key}"
        );
        let compact = code.replace('-', "");
        assert!(
            !value.contains("safe_") && !value.contains(&compact) && !value.contains(code),
            "a draft is unreadable without its code"
        );
    }
}

async fn wait_for_start_page(browser: &Browser, seconds: u64) {
    for _ in 0..seconds * 10 {
        if browser.path().await == "/"
            && browser
                .eval("return !!document.getElementById('code');")
                .await
                == serde_json::json!(true)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the tablet did not go back to the start page; it shows {}",
        browser.path().await
    );
}

#[tokio::test]
async fn a_kiosk_tablet_takes_its_own_codes_and_hands_over_after_each_child_and_when_idle() {
    let app = spawn_app_with(Db::Sqlite, |s| s.survey.kiosk_idle_seconds = IDLE_SECONDS).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let codes = app.codes("2023", locations["Groep Eik"], 3).await;
    let elsewhere = app.codes("2023", locations["Team 1"], 1).await.remove(0);
    let linde = app.organisation_id("De Linde").await;
    app.add_staff("groep@example.nl", "institution_admin", Some(linde))
        .await;
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;

    // Staff see which languages this tablet can read aloud in: both, with a Dutch and an
    // English voice; English not, once the English voice is gone.
    browser.stub_speech().await;
    sign_in(&browser, &app, "groep@example.nl").await;
    browser.client.goto(&app.url("/staff/kiosk")).await.unwrap();
    assert!(browser
        .text_of("#voices")
        .await
        .contains("Read-aloud on this tablet"));
    assert_eq!(
        voice_for(&browser, "nl").await,
        "Nederlands: can read aloud"
    );
    assert_eq!(voice_for(&browser, "en").await, "English: can read aloud");
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "window.speechSynthesis.getVoices = function () { return [{ lang: 'nl-NL' }]; };" }),
        )
        .await;
    browser.client.refresh().await.unwrap();
    assert_eq!(
        voice_for(&browser, "en").await,
        "English: no voice: read-aloud will not be offered"
    );
    assert_eq!(
        voice_for(&browser, "nl").await,
        "Nederlands: can read aloud"
    );
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "the kiosk page: {violations:#?}");
    browser
        .eval(&format!(
            "document.getElementById('location').value = '{}';",
            locations["Groep Eik"]
        ))
        .await;
    browser
        .click_to_next_page("form[action='/staff/kiosk'] button[type='submit']")
        .await;
    browser.wait_for_scripts().await;
    assert_eq!(browser.path().await, "/");
    assert_eq!(
        browser
            .eval("return document.body.dataset.kioskIdle;")
            .await,
        serde_json::json!(IDLE_SECONDS.to_string())
    );
    browser.client.goto(&app.url("/staff")).await.unwrap();
    assert_eq!(
        browser.path().await,
        "/staff/login",
        "no staff session is left"
    );

    // Another location's code is refused.
    browser.client.goto(&app.url("/")).await.unwrap();
    browser.wait_for_scripts().await;
    browser.enter_code(&elsewhere).await;
    browser
        .client
        .wait()
        .for_element(fantoccini::Locator::Css("#code-refused:not([hidden])"))
        .await
        .unwrap();
    assert!(browser
        .text_of("#code-refused")
        .await
        .contains("hoort niet bij deze tablet"));
    browser.check_screen("kiosk-wrong-location").await;

    // The first child finishes and presses Done: the start page, and nothing left.
    browser.enter_code(&codes[0]).await;
    browser.wait_for_screen(20, |s| s == "language").await;
    browser.choose("language-nl").await;
    browser.next_until(|s| s == "send").await;
    browser.next().await;
    browser.wait_for_screen(10, |s| s == "thanks").await;
    browser.check_screen("kiosk-thanks").await;
    browser.click(".kiosk-done").await;
    wait_for_start_page(&browser, 10).await;
    assert_eq!(responses(&app).await, "1");
    nothing_readable_left(&browser, &codes[0]).await;
    assert!(
        browser.local_storage().await.is_empty(),
        "a sent survey leaves nothing"
    );

    // The second child stops halfway and walks away: after the idle time, the start page.
    browser.enter_code(&codes[1]).await;
    browser.wait_for_screen(20, |s| s == "language").await;
    browser.next().await;
    browser.next().await;
    browser.choose("age_band-8-11").await;
    assert_eq!(browser.next().await, "item:safe_home");
    browser.choose("safe_home-2").await;
    assert_eq!(browser.next().await, "item:safe_own_room");
    wait_for_start_page(&browser, IDLE_SECONDS + 10).await;
    nothing_readable_left(&browser, &codes[1]).await;
    assert_eq!(
        browser.local_storage().await.len(),
        1,
        "the half-finished survey, encrypted"
    );

    // Only that child's code picks it up: where the child was, earlier answers kept, not shown.
    browser.enter_code(&codes[1]).await;
    assert_eq!(
        browser
            .wait_for_screen(20, |s| !s.is_empty() && s != "lost")
            .await,
        "item:safe_own_room"
    );
    assert_eq!(
        browser
            .eval("return document.querySelector('.resumed-note').hidden;")
            .await,
        serde_json::json!(false)
    );
    assert_eq!(browser.back().await, "item:safe_home");
    assert_eq!(browser.chosen("answer").await, None);
    assert_eq!(
        browser
            .eval("return document.querySelector('section.screen:not([hidden]) .concealed-note').hidden;")
            .await,
        serde_json::json!(false)
    );
    browser.check_screen("kiosk-picked-up-again").await;
    assert_eq!(browser.back().await, "about");
    assert_eq!(browser.chosen("age_band").await, None);
    browser.next_until(|s| s == "send").await;
    browser.next().await;
    browser.wait_for_screen(10, |s| s == "thanks").await;
    browser.click(".kiosk-done").await;
    wait_for_start_page(&browser, 10).await;

    // The third child leaves by the quick exit: the neutral page, and after the idle time the
    // start page again for the next child (not the weather until staff come).
    browser.enter_code(&codes[2]).await;
    browser.wait_for_screen(20, |s| s == "language").await;
    browser.click("a.exit-button").await;
    for _ in 0..100 {
        if browser.path().await == "/exit" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser.path().await,
        "/exit",
        "the quick exit shows the neutral page"
    );
    wait_for_start_page(&browser, IDLE_SECONDS + 10).await;
    nothing_readable_left(&browser, &codes[2]).await;
    browser.close().await;
    assert_eq!(responses(&app).await, "2");
    let kept = app
        .strings(
            "SELECT r.age_band AS a, CAST(a.value AS TEXT) AS v FROM response r JOIN answer a ON a.response_id = r.id WHERE a.item_key = 'safe_home'",
            &["a", "v"],
        )
        .await;
    assert_eq!(
        kept,
        [["8-11".to_string(), "2".to_string()]],
        "the hidden answers were kept"
    );
}

/// What the kiosk page says of this tablet's voice for `lang`.
async fn voice_for(browser: &Browser, lang: &str) -> String {
    let script = format!(
        "const item = document.querySelector('#voices [data-lang=\"{lang}\"]');\
         return item.firstElementChild.textContent + ': ' + \
         [...item.querySelectorAll('span[class]:not([hidden])')].map(s => s.textContent).join(' ');"
    );
    browser
        .eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}
