//! The network goes away once the survey has loaded: the child finishes anyway (a reload comes
//! from the service worker and goes on where the child was), the finished survey waits on the
//! tablet, and it is sent by itself when the network is back — stored exactly once.

use crate::cable::Cable;
use crate::driver::{Browser, TABLET};
use std::time::Duration;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, Db, TestApp};

/// Responses stored, once everything held has been mixed in.
async fn responses(app: &TestApp) -> String {
    app.mix_responses().await;
    app.strings("SELECT CAST(COUNT(*) AS TEXT) AS n FROM response", &["n"])
        .await[0][0]
        .clone()
}

/// Waits until the service worker controls the page and has the survey in its cache.
async fn wait_until_kept_for_offline(browser: &Browser) {
    for _ in 0..200 {
        let ready = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 if (!navigator.serviceWorker.controller) { done(false); return; } \
                 caches.match(location.pathname).then(hit => done(!!hit), () => done(false));",
                vec![],
            )
            .await;
        if matches!(ready, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the survey was not kept for use without a network");
}

#[tokio::test]
async fn with_the_network_cut_the_survey_is_finished_and_sent_once_when_it_returns() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let cable = Cable::to(&app.address).await;
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser
        .start_survey(&cable.url(&format!("/?code={code}")))
        .await;
    wait_until_kept_for_offline(&browser).await;

    cable.pull();
    browser.set_offline(true).await;
    assert_eq!(
        browser.eval("return navigator.onLine;").await,
        serde_json::json!(false)
    );
    browser.choose("language-nl").await;
    assert_eq!(browser.next().await, "intro");
    assert_eq!(browser.next().await, "about");
    browser.choose("gender-girl").await;
    assert_eq!(browser.next().await, "item:safe_home");
    browser.choose("safe_home-4").await;
    assert_eq!(browser.next().await, "item:safe_own_room");

    // A reload without a network: the page comes from the service worker, and the survey
    // goes on where the child was, with the answers kept.
    browser.client.refresh().await.unwrap();
    assert_eq!(
        browser
            .wait_for_screen(10, |s| !s.is_empty() && s != "lost")
            .await,
        "item:safe_own_room"
    );
    assert_eq!(browser.back().await, "item:safe_home");
    assert_eq!(browser.chosen("answer").await.as_deref(), Some("4"));
    browser.next_until(|s| s == "send").await;
    browser.next().await;
    assert_eq!(browser.wait_for_screen(10, |s| s == "saved").await, "saved");
    browser.check_screen("offline-saved").await;
    assert_eq!(responses(&app).await, "0");
    let waiting = browser.local_storage().await;
    assert!(
        waiting.iter().any(|(k, _)| k == "veilig.outbox"),
        "{waiting:?}"
    );
    assert!(
        !waiting.iter().any(|(k, _)| k.starts_with("veilig.draft.")),
        "only the finished survey waits"
    );

    // The network is back: the survey goes out by itself, once.
    cable.plug_in();
    browser.set_offline(false).await;
    assert_eq!(
        browser.wait_for_screen(20, |s| s == "thanks").await,
        "thanks"
    );
    assert_eq!(responses(&app).await, "1");
    browser.client.refresh().await.unwrap();
    assert_eq!(
        browser.wait_for_screen(10, |s| s == "thanks").await,
        "thanks"
    );
    let kept = browser.local_storage().await;
    assert!(
        kept.iter().all(|(k, _)| !k.starts_with("veilig.")),
        "{kept:?}"
    );
    browser.close().await;
    assert_eq!(responses(&app).await, "1");
    assert_eq!(
        app.strings("SELECT gender AS n FROM response", &["n"])
            .await[0][0],
        "girl"
    );
}

/// The tablet has its network, but the server's database is away (PostgreSQL stopped): the
/// server answers 503, the finished survey waits on the tablet, and the tablet sends it again
/// by itself once the database is back; it is stored once.
#[tokio::test]
async fn with_the_database_away_the_survey_waits_on_the_tablet_and_is_sent_once_it_is_back() {
    let postgres = veilig_tests::postgres_server_url()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    let relay = veilig_tests::relay::Relay::to(&postgres).await;
    let app = veilig_tests::spawn_app_with(Db::Postgres, |s| {
        s.database_url = s.database_url.replacen(&postgres, &relay.address, 1);
    })
    .await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let code = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser
        .start_survey(&app.url(&format!("/?code={code}")))
        .await;
    browser.choose("language-nl").await;
    assert_eq!(browser.next().await, "intro");
    assert_eq!(browser.next().await, "about");
    browser.choose("gender-boy").await;
    browser.next_until(|s| s == "send").await;

    relay.switch_off().await;
    browser.next().await;
    // The server waits up to its pool's acquire timeout (5 s) before it answers 503.
    assert_eq!(browser.wait_for_screen(15, |s| s == "saved").await, "saved");
    browser.check_screen("database-away-saved").await;
    let waiting = browser.local_storage().await;
    assert!(
        waiting.iter().any(|(k, _)| k == "veilig.outbox"),
        "{waiting:?}"
    );

    relay.switch_on().await;
    assert_eq!(
        browser.wait_for_screen(30, |s| s == "thanks").await,
        "thanks"
    );
    let kept = browser.local_storage().await;
    assert!(
        kept.iter().all(|(k, _)| !k.starts_with("veilig.")),
        "{kept:?}"
    );
    browser.close().await;
    assert_eq!(responses(&app).await, "1");
    assert_eq!(
        app.strings("SELECT gender AS n FROM response", &["n"])
            .await[0][0],
        "boy"
    );
}
