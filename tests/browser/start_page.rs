use crate::driver::Browser;
use fantoccini::Locator;
use std::time::Duration;
use veilig_tests::{spawn_app, Db};

#[tokio::test]
async fn the_start_page_reacts_in_the_browser_without_any_wasm() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    browser.wait_for_scripts().await;
    browser.screenshot("start-nl").await;

    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys("k7m 4q9txa")
        .await
        .unwrap();
    let preview = browser.text_of(".code-preview").await;
    assert_eq!(preview, "Je typte: K7M-4Q9-TXA");
    // A page a child sees loads no WebAssembly.
    let fetched_wasm = "return performance.getEntriesByType('resource').map(e => e.name)\
                        .filter(n => /\\.wasm|boot\\.js|veilig\\.js/.test(n));";
    let wasm = c.execute(fetched_wasm, vec![]).await.unwrap();
    assert_eq!(
        wasm,
        serde_json::json!([]),
        "no WASM on the child's start page"
    );

    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shows(
        &browser,
        Locator::XPath("//h1[text()='Welcome!']"),
        "the page switches to English",
    )
    .await;
    let wasm = c.execute(fetched_wasm, vec![]).await.unwrap();
    assert_eq!(wasm, serde_json::json!([]), "nor in English");
    let lang = c
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, serde_json::json!("en"));
    browser.screenshot("start-en").await;
    browser.close().await;
}

#[tokio::test]
async fn axe_finds_no_violations_on_the_start_and_login_pages() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(true).await;
    for (path, name) in [
        ("/", "start"),
        ("/?lang=en", "start-english"),
        ("/?error=unknown", "start-with-error"),
        ("/staff/login", "login"),
    ] {
        browser.client.goto(&app.url(path)).await.unwrap();
        browser.wait_for_scripts().await;
        let violations = browser.axe_violations().await;
        assert!(violations.is_empty(), "{path}: {violations:#?}");
        browser.screenshot(&format!("axe-{name}")).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn without_javascript_the_pages_work_as_plain_html() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(false).await;
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    let hydrated = browser
        .client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .attr("data-ready")
        .await
        .unwrap();
    assert_eq!(hydrated.as_deref(), Some("false"), "no script ran");
    // The language switch is a plain link.
    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(browser.text_of("h1").await, "Welcome!");
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("/?lang=en"));
    browser.screenshot("start-en-no-js").await;
    browser.close().await;
}

/// Waits (at most 10 s) until the page shows what `locator` finds.
async fn shows(browser: &Browser, locator: Locator<'_>, what: &str) {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(locator)
        .await
        .unwrap_or_else(|_| panic!("{what}"));
}

/// What the field holds and what the page says under it after a refused code.
async fn field_and_message(browser: &Browser, message: &str) -> (String, String) {
    let value = browser
        .eval("return document.getElementById('code').value;")
        .await;
    let shown = browser
        .eval(&format!(
            "const m = document.getElementById('{message}');
             return m && !m.hidden ? m.textContent : '';"
        ))
        .await;
    (
        value.as_str().unwrap_or_default().to_string(),
        shown.as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn a_refused_code_stays_in_the_field_and_the_page_names_the_wrong_sign() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    browser.wait_for_scripts().await;
    c.execute("window.__stayed = true;", vec![]).await.unwrap();
    let field = c.find(Locator::Id("code")).await.unwrap();
    // An O is on no card (neither is a 0): the page says which sign to look at again.
    field.send_keys("k7m 4q9 txo").await.unwrap();
    browser.click("form.code-form button[type=submit]").await;
    shows(
        &browser,
        Locator::Css("#code-refused:not([hidden])"),
        "the refusal is shown",
    )
    .await;
    let (value, message) = field_and_message(&browser, "code-refused").await;
    assert_eq!(value, "k7m 4q9 txo", "the code stays as typed");
    assert!(
        message.contains("Het teken O staat op geen enkel kaartje"),
        "{message}"
    );
    let focused = browser.eval("return document.activeElement.id;").await;
    assert_eq!(
        focused,
        serde_json::json!("code"),
        "the cursor is back in the field"
    );
    let invalid = browser
        .eval("return document.getElementById('code').getAttribute('aria-invalid');")
        .await;
    assert_eq!(invalid, serde_json::json!("true"));
    assert_eq!(browser.axe_violations().await, Vec::<String>::new());
    browser.screenshot("start-refused-sign").await;

    // One sign short, then a code no card has: each says so, and the field keeps it.
    field.clear().await.unwrap();
    field.send_keys("K7M-4Q9-TX").await.unwrap();
    field.send_keys("\u{E007}").await.unwrap(); // Enter
    shows(
        &browser,
        Locator::XPath("//p[@id='code-refused' and contains(., 'Jij typte er 8')]"),
        "the number of signs is named",
    )
    .await;
    field.send_keys("A").await.unwrap();
    field.send_keys("\u{E007}").await.unwrap();
    shows(
        &browser,
        Locator::XPath("//p[@id='code-refused' and contains(., 'We kennen deze code niet')]"),
        "an unknown code is named",
    )
    .await;
    let (value, _) = field_and_message(&browser, "code-refused").await;
    assert_eq!(value, "K7M-4Q9-TXA");
    let stayed = browser.eval("return window.__stayed === true;").await;
    assert_eq!(stayed, serde_json::json!(true), "the page was not reloaded");
    browser.close().await;
}

#[tokio::test]
async fn without_javascript_a_refused_code_comes_back_once() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(false).await;
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys("k7m 4q9 txo")
        .await
        .unwrap();
    browser.click("form.code-form button[type=submit]").await;
    shows(
        &browser,
        Locator::Id("code-error"),
        "the start page says why",
    )
    .await;
    let url = c.current_url().await.unwrap();
    assert!(
        !url.as_str().to_lowercase().contains("k7m"),
        "no code in the address: {url}"
    );
    // Read through WebDriver, not a script: this browser runs none.
    let value = |c: fantoccini::Client| async move {
        let field = c.find(Locator::Id("code")).await.unwrap();
        field.prop("value").await.unwrap().unwrap_or_default()
    };
    assert_eq!(
        value(c.clone()).await,
        "k7m4q9txo",
        "the code comes back (spaces do not matter)"
    );
    let message = browser.text_of("#code-error").await;
    assert!(
        message.contains("Het teken O staat op geen enkel kaartje"),
        "{message}"
    );
    // Once: the page after it starts empty.
    c.refresh().await.unwrap();
    assert_eq!(
        value(c.clone()).await,
        "",
        "the kept code is shown only once"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_start_page_opens_in_the_browsers_language_and_marks_only_that_one() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start_with_languages(true, "en-GB,en;q=0.9,nl;q=0.5").await;
    let c = &browser.client;
    c.goto(&app.url("/?wave=2025")).await.unwrap();
    browser.wait_for_scripts().await;
    assert_eq!(browser.text_of("h1").await, "Welcome!");
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.query(),
        Some("wave=2025&lang=en"),
        "the card link's wave is kept"
    );
    let current = browser
        .eval(
            "return [...document.querySelectorAll('.language-switch a[aria-current]')]
               .map(a => a.lang + '=' + a.getAttribute('aria-current'));",
        )
        .await;
    assert_eq!(current, serde_json::json!(["en=true"]));
    // A language chosen on the page wins over the browser's.
    browser.click(".language-switch a[lang='nl']").await;
    shows(
        &browser,
        Locator::XPath("//h1[text()='Welkom!']"),
        "the page switches to Dutch",
    )
    .await;
    let current = browser
        .eval("return [...document.querySelectorAll('.language-switch a[aria-current]')].map(a => a.lang);")
        .await;
    assert_eq!(current, serde_json::json!(["nl"]));
    browser.close().await;
}
