//! A benchmark, not a test (it is ignored in the suite and asserts no timings): what a child's
//! tablet downloads and how long it waits, on a slow network and a slow processor, until the
//! first question shows. Run it with `./scripts/bench.sh page` (figures in docs/benchmarks.md).
//!
//! The tablet: Chromium with the processor slowed down four times and the network at 1.6 Mbps
//! down, 750 kbps up and 150 ms latency (DevTools), nothing cached. Bytes are counted on the
//! wire by a relay between browser and server: headers and compressed bodies, as sent.

use crate::cable::Cable;
use crate::driver::{Browser, TABLET};
use serde_json::json;
use std::time::Instant;
use veilig::domain::wave::WaveState;
use veilig_tests::{spawn_app, Db};

/// A fresh browser made into a slow tablet, and a cable that counts what it receives.
async fn slow_tablet(app: &veilig_tests::TestApp) -> (Browser, Cable) {
    let cable = Cable::to(&app.address).await;
    let browser = Browser::start(true).await;
    browser.viewport(TABLET).await;
    browser.cdp("Network.enable", json!({})).await;
    browser
        .cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
        .await;
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": 150,
                "downloadThroughput": 1_600_000 / 8,
                "uploadThroughput": 750_000 / 8,
            }),
        )
        .await;
    browser
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 }))
        .await;
    (browser, cable)
}

fn row(what: &str, (time, bytes): (std::time::Duration, u64)) {
    println!(
        "| {what} | {:.2} s | {:.1} KB |",
        time.as_secs_f64(),
        bytes as f64 / 1000.0
    );
}

#[tokio::test]
#[ignore = "a benchmark: ./scripts/bench.sh page"]
async fn the_first_question_on_a_slow_tablet() {
    let app = spawn_app(Db::Sqlite).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let codes = app.codes("2023", locations["Groep Eik"], 2).await;
    println!("\n| moment (from opening the card's link) | time | bytes received |");
    println!("|---|---|---|");

    // The start page alone, until its scripts are in charge (no WASM on a child's page).
    let (browser, cable) = slow_tablet(&app).await;
    let started = Instant::now();
    let link = cable.url(&format!("/?code={}&wave=2023", codes[0]));
    browser
        .client
        .goto(&link)
        .await
        .expect("the start page opens");
    row(
        "start page loaded (scripts run, code filled in)",
        (started.elapsed(), cable.received()),
    );
    browser.wait_for_scripts().await;
    row(
        "start page ready (its scripts in charge)",
        (started.elapsed(), cable.received()),
    );
    browser.close().await;

    // The child presses Start as soon as the page has loaded, the worst case for the first
    // question (when the page still hydrated, its download competed with the survey's).
    let (browser, cable) = slow_tablet(&app).await;
    let started = Instant::now();
    let link = cable.url(&format!("/?code={}&wave=2023", codes[1]));
    browser
        .client
        .goto(&link)
        .await
        .expect("the start page opens");
    browser.click("form.code-form button[type='submit']").await;
    browser.wait_for_screen(60, |s| s == "language").await;
    // From here on every screen is on the tablet already: no more waiting for the network.
    row(
        "survey loaded: first screen (language) shown",
        (started.elapsed(), cable.received()),
    );
    browser.choose("language-nl").await;
    browser.next().await;
    browser.next().await;
    let first = browser.next().await;
    assert!(
        first.starts_with("item:"),
        "the first question shows: {first}"
    );
    row(
        "first question shown (three screens tapped through by the test)",
        (started.elapsed(), cable.received()),
    );
    browser.close().await;
}
