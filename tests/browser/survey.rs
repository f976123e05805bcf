//! A child takes the survey in Chromium, from the QR link to the thank-you page; axe-core
//! checks every kind of screen on the way.

use crate::driver::Browser;
use fantoccini::Locator;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, Db};

async fn no_violations(browser: &Browser, name: &str) {
    browser.screenshot(&format!("survey-{name}")).await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "{name}: {violations:#?}");
}

async fn press(browser: &Browser, css: &str) {
    browser.click_to_next_page(css).await;
}

async fn choose(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_child_takes_the_survey_and_every_screen_passes_axe() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["De Bunker"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    let c = &browser.client;

    // The QR link fills in the code.
    c.goto(&app.url(&format!("/?code={code}"))).await.unwrap();
    browser.wait_for_hydration().await;
    let filled = c
        .find(Locator::Id("code"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(filled.as_deref(), Some(code.as_str()));
    press(&browser, "form.code-form button[type='submit']").await;
    c.wait()
        .for_element(Locator::Css("body.survey"))
        .await
        .unwrap();
    no_violations(&browser, "intro").await;

    press(&browser, "button[value='next']").await;
    c.wait()
        .for_element(Locator::Id("age_band-12-14"))
        .await
        .unwrap();
    no_violations(&browser, "about").await;
    choose(&browser, "label[for='age_band-12-14']").await;
    press(&browser, "button[value='next']").await;

    // A smiley question: the faces are buttons with words.
    c.wait()
        .for_element(Locator::Css("fieldset.smiley"))
        .await
        .unwrap();
    no_violations(&browser, "smiley").await;
    choose(&browser, "label[for='answer-4']").await;
    press(&browser, "button[value='next']").await;

    // On to a question with word buttons, then skip to the end.
    let mut seen_words = false;
    for _ in 0..80 {
        if c.find(Locator::Id("open_answer")).await.is_ok() {
            break;
        }
        if !seen_words && c.find(Locator::Css("fieldset.words")).await.is_ok() {
            no_violations(&browser, "words").await;
            seen_words = true;
        }
        press(&browser, "button[value='next']").await;
    }
    assert!(seen_words, "a question with word buttons came by");
    no_violations(&browser, "open").await;
    c.find(Locator::Id("open_answer"))
        .await
        .unwrap()
        .send_keys("Een slot op mijn deur.")
        .await
        .unwrap();
    press(&browser, "button[value='next']").await;
    c.wait()
        .for_element(Locator::Css("form[action='/survey/send']"))
        .await
        .unwrap();
    no_violations(&browser, "send").await;
    press(&browser, "button[value='next']").await;
    c.wait()
        .for_element(Locator::Css(".help-list"))
        .await
        .unwrap();
    assert!(browser.text_of("h1").await.contains("Dank je wel"));
    no_violations(&browser, "thanks").await;

    c.goto(&app.url("/survey/help?lang=en")).await.unwrap();
    no_violations(&browser, "help").await;
    browser.close().await;

    let stored = app
        .strings("SELECT CAST(COUNT(*) AS TEXT) AS n FROM response", &["n"])
        .await;
    assert_eq!(stored[0][0], "1");
}
