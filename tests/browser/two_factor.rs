//! Two-factor sign-in in the browser: an administrator signs in with the password, sets up an
//! authenticator app from the enrolment page, keeps the recovery codes, signs out and signs in
//! again with a code. Codes come from the key the page shows (`authenticator_code`), as an app
//! makes them.

use crate::driver::Browser;
use crate::participation::{fill, sign_in, sign_out, submit};
use fantoccini::Locator;
use veilig::domain::two_factor::TwoFactorRoles;
use veilig_tests::{authenticator_code, spawn_app_with, unix_now, Db};

#[tokio::test]
async fn an_administrator_sets_up_an_authenticator_app_and_signs_in_with_it() {
    let app = spawn_app_with(Db::Sqlite, |s| s.two_factor = TwoFactorRoles::default()).await;
    app.add_staff("beheer@example.nl", "admin", None).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;

    // The password leads to the enrolment page, with nothing else to reach.
    sign_in(&browser, &app, "beheer@example.nl").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/staff/two-factor"));
    assert_eq!(browser.text_of("h1").await, "Set up two-factor sign-in");
    assert!(
        c.find_all(Locator::Css("nav a")).await.unwrap().is_empty(),
        "no links yet"
    );
    let qr = c
        .find(Locator::Css(".two-factor-qr svg"))
        .await
        .expect("a QR code");
    let size = qr.rectangle().await.unwrap();
    assert!(
        size.2 >= 150.0 && size.3 >= 150.0,
        "the QR code can be scanned: {size:?}"
    );
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "enrolment: {violations:#?}");
    browser.screenshot("two-factor-enrol").await;
    let key = browser.text_of("#two-factor-key").await;

    fill(&browser, "code", &authenticator_code(&key, unix_now())).await;
    submit(&browser, "/staff/two-factor/enrol").await;
    assert_eq!(browser.text_of("h1").await, "Your recovery codes");
    let codes = c
        .find_all(Locator::Css(".recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "recovery codes: {violations:#?}");
    browser.screenshot("two-factor-recovery-codes").await;
    browser.click_to_next_page("a.primary-link").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/staff");
    assert!(browser.text_of(".who").await.contains("beheer@example.nl"));

    // Next time: the password, then a code (the next step's: this one's was used).
    sign_out(&browser).await;
    sign_in(&browser, &app, "beheer@example.nl").await;
    assert_eq!(browser.text_of("h1").await, "Sign-in code");
    let field = c.find(Locator::Id("code")).await.unwrap();
    assert_eq!(
        field.attr("autocomplete").await.unwrap().as_deref(),
        Some("one-time-code")
    );
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "the code step: {violations:#?}");
    fill(
        &browser,
        "code",
        &authenticator_code(&key, (unix_now() / 30 + 1) * 30),
    )
    .await;
    submit(&browser, "/staff/two-factor/verify").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/staff");
    c.goto(&app.url("/staff/users")).await.unwrap();
    assert!(browser
        .text_of("table.data")
        .await
        .contains("Reset two-factor"));
    browser.close().await;
}
