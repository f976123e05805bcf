//! Right-to-left languages (Arabic, Tigrinya are to come as data): the pseudo-locale `x-rtl`
//! shows the English texts mirrored on pages with dir="rtl". The layout must mirror: Next on
//! the left, the faces from very sad on the right, nothing running off the screen.

use crate::driver::{Browser, TABLET};
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app_with, Db};

/// The left edge of what `css` finds, in pixels.
async fn left(browser: &Browser, css: &str) -> f64 {
    browser
        .eval(&format!(
            "return document.querySelector(\"{css}\").getBoundingClientRect().left;"
        ))
        .await
        .as_f64()
        .unwrap_or_else(|| panic!("{css} is on the page"))
}

#[tokio::test]
async fn the_survey_mirrors_right_to_left() {
    let app = spawn_app_with(Db::Sqlite, |s| s.survey.pseudo_locale = true).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser
        .start_survey(&app.url(&format!("/?code={code}")))
        .await;
    browser.choose("language-x-rtl").await;
    browser
        .click("section.screen:not([hidden]) button[value='next']")
        .await;
    browser.wait_for_screen(10, |s| s == "intro").await;
    assert!(browser.path().await.ends_with("/x-rtl"));
    assert_eq!(
        browser.eval("return document.documentElement.dir;").await,
        serde_json::json!("rtl")
    );
    browser.check_screen("rtl-intro").await;
    let shown = "section.screen:not([hidden])";
    assert!(
        left(&browser, &format!("{shown} button[value='next']")).await
            < left(&browser, &format!("{shown} button[value='back']")).await,
        "Next stands on the left"
    );
    assert!(
        left(&browser, "header .exit-button").await < left(&browser, "header .help-button").await,
        "the quick exit is at the end of the line: on the left"
    );
    browser.next().await;
    browser.check_screen("rtl-about").await;
    assert_eq!(browser.next().await, "item:safe_home");
    browser.check_screen("rtl-smiley").await;
    assert!(
        left(&browser, "label[for='safe_home-5']").await
            < left(&browser, "label[for='safe_home-1']").await,
        "very sad on the right, very happy on the left"
    );
    browser.choose("safe_home-1").await;
    browser.next().await;
    browser.check_screen("rtl-help-panel").await;
    browser.next_until(|s| s == "send").await;
    browser.next().await;
    browser.wait_for_screen(10, |s| s == "thanks").await;
    browser.check_screen("rtl-thanks").await;
    browser.close().await;
    app.mix_responses().await;
    assert_eq!(
        app.strings("SELECT language AS n FROM response", &["n"])
            .await[0][0],
        "en",
        "stored in the language of the words"
    );
}
