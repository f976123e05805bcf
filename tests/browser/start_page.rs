use crate::driver::Browser;
use fantoccini::Locator;
use std::time::Duration;
use veilig_tests::{spawn_app, Db};

#[tokio::test]
async fn the_start_page_hydrates_and_reacts_in_the_browser() {
    let app = spawn_app(Db::Sqlite).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    browser.wait_for_hydration().await;
    browser.screenshot("start-nl").await;

    // A marker on the window survives only if the page is not reloaded.
    c.execute("window.__stayed = true;", vec![]).await.unwrap();
    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys("k7m 4q9txa")
        .await
        .unwrap();
    let preview = browser.text_of(".code-preview").await;
    assert_eq!(preview, "Je typte: K7M-4Q9-TXA");

    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//h1[text()='Welcome!']"))
        .await
        .expect("the page switches to English");
    let stayed = c
        .execute("return window.__stayed === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        stayed,
        serde_json::json!(true),
        "switching language must not reload the page"
    );
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
        browser.wait_for_hydration().await;
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
        .attr("data-hydrated")
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
