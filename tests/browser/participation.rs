//! A researcher sets up a wave and the register; an institution prints code cards and follows
//! its response rate — all through the pages, as people would.

use crate::driver::Browser;
use fantoccini::Locator;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, submission, Db, TEST_PASSWORD, TEST_REGISTER};

pub async fn sign_in(browser: &Browser, app: &veilig_tests::TestApp, email: &str) {
    let c = &browser.client;
    c.goto(&app.url("/staff/login?lang=en")).await.unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(TEST_PASSWORD)
        .await
        .unwrap();
    browser.click_to_next_page("form.login-form button").await;
    c.wait()
        .for_element(Locator::Css("body.staff"))
        .await
        .expect("signed in");
}

pub async fn sign_out(browser: &Browser) {
    let c = &browser.client;
    browser
        .click_to_next_page("form[action='/staff/logout'] button")
        .await;
    c.wait()
        .for_element(Locator::Id("email"))
        .await
        .expect("signed out");
}

pub async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub async fn submit(browser: &Browser, form_action: &str) {
    browser
        .click_to_next_page(&format!(
            "form[action='{form_action}'] button[type='submit']"
        ))
        .await;
}

#[tokio::test]
async fn a_researcher_sets_up_a_wave_and_an_institution_prints_cards_and_follows_its_response() {
    let app = spawn_app(Db::Sqlite).await;
    app.add_staff("onderzoek@example.nl", "researcher", None)
        .await;
    let browser = Browser::start(true).await;
    let c = &browser.client;

    // The researcher: a wave, opened; the register, pasted.
    sign_in(&browser, &app, "onderzoek@example.nl").await;
    c.goto(&app.url("/staff/waves")).await.unwrap();
    fill(&browser, "label", "2025").await;
    c.execute(
        "document.getElementById('opens_on').value = '2025-03-01'; document.getElementById('closes_on').value = '2025-06-30';",
        vec![],
    )
    .await
    .unwrap();
    submit(&browser, "/staff/waves").await;
    assert!(browser
        .text_of(".flash")
        .await
        .contains("Draft wave 2025 created."));
    browser
        .click_to_next_page("button[aria-label='Open for children: wave 2025']")
        .await;
    assert!(browser
        .text_of(".flash")
        .await
        .contains("Wave 2025 is now open."));

    c.goto(&app.url("/staff/organisations")).await.unwrap();
    fill(&browser, "csv", TEST_REGISTER).await;
    submit(&browser, "/staff/organisations/import").await;
    assert!(browser
        .text_of(".flash")
        .await
        .contains("2 organisations and 3 locations created"));
    browser.screenshot("staff-organisations").await;
    assert_eq!(
        browser.axe_violations().await,
        Vec::<String>::new(),
        "staff organisations page"
    );
    sign_out(&browser).await;

    // The institution: a sheet of cards for its own location.
    let linde = app.organisation_id("De Linde").await;
    app.add_staff("zorg@linde.nl", "institution_admin", Some(linde))
        .await;
    sign_in(&browser, &app, "zorg@linde.nl").await;
    c.goto(&app.url("/staff/codes")).await.unwrap();
    let options = browser.text_of("#location").await;
    assert!(
        options.contains("Groep Eik") && !options.contains("Team 1"),
        "{options}"
    );
    let eik = app
        .strings(
            "SELECT CAST(id AS TEXT) AS i FROM location WHERE name = 'Groep Eik'",
            &["i"],
        )
        .await[0][0]
        .clone();
    c.find(Locator::Css(&format!("#location option[value='{eik}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&browser, "count", "6").await;
    submit(&browser, "/staff/codes").await;
    c.wait()
        .for_element(Locator::Css(".code-cards"))
        .await
        .unwrap();
    let cards = c
        .find_all(Locator::Css(".code-card .card-code"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 6);
    let mut codes = Vec::new();
    for card in cards {
        codes.push(card.text().await.unwrap());
    }
    assert_eq!(
        c.find_all(Locator::Css(".code-card .qr svg"))
            .await
            .unwrap()
            .len(),
        6
    );
    browser.screenshot("staff-code-sheet").await;
    assert_eq!(
        browser.axe_violations().await,
        Vec::<String>::new(),
        "code sheet"
    );
    // The print style shows the cards only.
    let hidden = c
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).display;",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(
        hidden,
        serde_json::json!("none"),
        "on screen the header shows"
    );

    // Two children answer; the response page follows.
    let wave = veilig::store::waves::find_by_label(&app.db, "2025")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wave.state, WaveState::Open);
    for code in &codes[..2] {
        assert_eq!(
            app.post_json("/api/v1/responses", &submission(code))
                .await
                .status(),
            201
        );
    }
    c.goto(&app.url("/staff/response?wave=2025")).await.unwrap();
    let table = browser.text_of("#response-table").await;
    assert!(table.contains("Groep Eik"), "{table}");
    assert!(table.contains("20.0%"), "2 of 10 children placed: {table}");
    assert!(!table.contains("Team 1"));
    browser.screenshot("staff-response").await;
    assert_eq!(
        browser.axe_violations().await,
        Vec::<String>::new(),
        "staff response page"
    );
    browser.close().await;
}
