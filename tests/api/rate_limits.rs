//! Guessing codes is limited per client address (100 wrong codes in 15 minutes), on the start
//! page, the code check and the responses API alike. Behind a trusted reverse proxy the address
//! comes from `X-Forwarded-For`, so one group's typing mistakes do not lock out everyone else;
//! from anyone else the header is ignored, so a guesser cannot pick a fresh address each time.

use serde_json::{json, Value};
use veilig_tests::{spawn_app, spawn_app_with, Db, TestApp};

/// Well-formed, but never handed out.
const UNKNOWN_CODE: &str = "K7M-4Q9-TXA";

async fn check_from(app: &TestApp, forwarded_for: &str) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/codes/check"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "code": UNKNOWN_CODE }))
        .send()
        .await
        .expect("the request is sent");
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    (status, retry, response.json().await.unwrap_or(Value::Null))
}

async fn wrong_codes_from(app: &TestApp, forwarded_for: &str, n: usize) {
    for i in 0..n {
        let (status, _, body) = check_from(app, forwarded_for).await;
        assert_eq!(status, 404, "wrong code {i} from {forwarded_for}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let app = spawn_app_with(Db::Sqlite, |settings| {
        settings.trusted_proxies = "127.0.0.1".parse().expect("a valid list");
    })
    .await;
    wrong_codes_from(&app, "198.51.100.1", 100).await;

    let (status, retry, body) = check_from(&app, "198.51.100.1").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"], "too_many_attempts", "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains("wait")),
        "{body}"
    );
    let seconds: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((1..=15 * 60).contains(&seconds), "{seconds}");

    // The responses API counts the same guesses.
    let sent = reqwest::Client::new()
        .post(app.url("/api/v1/responses"))
        .header("x-forwarded-for", "198.51.100.1")
        .json(&veilig_tests::submission(UNKNOWN_CODE))
        .send()
        .await
        .expect("sent");
    assert_eq!(sent.status(), 429);

    // Someone elsewhere behind the same proxy is not held up.
    let (status, _, body) = check_from(&app, "198.51.100.2").await;
    assert_eq!(status, 404, "{body}");
    // A client cannot escape by writing its own entry in front of the proxy's.
    let (status, _, _) = check_from(&app, "203.0.113.50, 198.51.100.1").await;
    assert_eq!(status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_trusted_proxy_the_forwarded_header_is_ignored() {
    let app = spawn_app(Db::Sqlite).await;
    for i in 0..100 {
        // A new made-up address every time: it changes nothing.
        let (status, _, body) = check_from(&app, &format!("198.51.100.{}", i % 250)).await;
        assert_eq!(status, 404, "{body}");
    }
    let (status, _, _) = check_from(&app, "203.0.113.77").await;
    assert_eq!(status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_page_counts_wrong_codes_too() {
    let app = spawn_app_with(Db::Sqlite, |settings| {
        settings.trusted_proxies = "127.0.0.0/8".parse().expect("a valid list");
    })
    .await;
    wrong_codes_from(&app, "198.51.100.9", 100).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let start = |from: &'static str| {
        client
            .post(app.url("/survey/start"))
            .header("x-forwarded-for", from)
            .form(&[("code", UNKNOWN_CODE), ("lang", "nl")])
            .send()
    };
    let limited = start("198.51.100.9").await.expect("sent");
    let to = limited.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.contains("busy"),
        "a limited address is asked to wait: {to}"
    );
    let other = start("198.51.100.10").await.expect("sent");
    let to = other.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.contains("unknown"),
        "another address is told the code is unknown: {to}"
    );
}
