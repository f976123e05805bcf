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
    fill(&browser, "count", "20").await;
    submit(&browser, "/staff/codes").await;
    c.wait()
        .for_element(Locator::Css(".code-cards"))
        .await
        .unwrap();
    let cards = c
        .find_all(Locator::Css(".code-card .card-code"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 20);
    let mut codes = Vec::new();
    for card in cards {
        codes.push(card.text().await.unwrap());
    }
    assert_eq!(
        c.find_all(Locator::Css(".code-card .qr svg"))
            .await
            .unwrap()
            .len(),
        20
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
    printed_cards_are_legible(&browser, &codes).await;

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

/// The code sheet on paper: eight cards on an A4 page, each whole inside its own box (none
/// overlaps another, nothing is cut off), QR codes of at least 25 mm, and every code readable
/// from the PDF Chromium prints, on the page its card is on.
async fn printed_cards_are_legible(browser: &Browser, codes: &[String]) {
    // A4 inside the sheet's 10 mm margins, at 96 CSS pixels to the inch: 190 x 277 mm.
    browser.viewport((718, 1047)).await;
    browser.emulate_media("print").await;
    let cards = browser
        .eval(
            "return [...document.querySelectorAll('.code-card')].map(card => {
               const r = card.getBoundingClientRect();
               const inside = el => { const e = el.getBoundingClientRect();
                 return e.left >= r.left - 0.5 && e.right <= r.right + 0.5
                     && e.top >= r.top - 0.5 && e.bottom <= r.bottom + 0.5; };
               return { left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                 fits: card.scrollHeight <= card.clientHeight + 1
                    && card.scrollWidth <= card.clientWidth + 1,
                 within: [...card.children].every(inside),
                 qr_mm: card.querySelector('.qr svg').getBoundingClientRect().width * 25.4 / 96 };
             });",
        )
        .await;
    let cards = cards.as_array().expect("the cards' boxes");
    assert_eq!(cards.len(), codes.len());
    let f = |card: &serde_json::Value, key: &str| card[key].as_f64().unwrap();
    for (i, card) in cards.iter().enumerate() {
        assert_eq!(
            card["fits"], true,
            "card {i}'s content is larger than its box: {card}"
        );
        assert_eq!(
            card["within"], true,
            "card {i} has a part outside its box: {card}"
        );
        assert!(
            f(card, "qr_mm") >= 25.0,
            "card {i}'s QR code is small: {card}"
        );
        for (j, other) in cards.iter().enumerate().skip(i + 1) {
            let apart = f(card, "right") <= f(other, "left") + 0.5
                || f(other, "right") <= f(card, "left") + 0.5
                || f(card, "bottom") <= f(other, "top") + 0.5
                || f(other, "bottom") <= f(card, "top") + 0.5;
            assert!(apart, "cards {i} and {j} overlap: {card} {other}");
        }
    }
    let header = browser
        .eval("return getComputedStyle(document.querySelector('.site-header')).display;")
        .await;
    assert_eq!(header, serde_json::json!("none"), "on paper only the cards");
    let pages = browser.printed_text("code-sheet").await;
    // Without spaces: the code's letter spacing may read as gaps between its symbols.
    let per_page: Vec<usize> = pages
        .iter()
        .map(|page| page.split_whitespace().collect::<String>())
        .map(|page| codes.iter().filter(|c| page.contains(c.as_str())).count())
        .collect();
    let expected: Vec<usize> = codes.chunks(8).map(<[String]>::len).collect();
    assert_eq!(per_page, expected, "codes per printed page: {pages:#?}");
    browser.emulate_media("screen").await;
    browser
        .cdp(
            "Emulation.clearDeviceMetricsOverride",
            serde_json::json!({}),
        )
        .await;
}
