//! Limits that hold across app servers and restarts. On PostgreSQL every server counts wrong
//! codes and failed sign-ins in the database and hears at once when a key reaches its limit on
//! another; a server that starts reads the keys at their limit. (Counted per server, two
//! servers let one address make 200 wrong codes and each account 10 failed sign-ins.) A kiosk
//! tablet counts by its pass, so the group's shared connection does not lock its children out.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use std::time::{Duration, Instant};
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, spawn_app, Db, TEST_PASSWORD};

/// Well-formed, but never handed out.
const UNKNOWN_CODE: &str = "K7M-4Q9-TXA";

async fn check_code_at(client: &reqwest::Client, address: &str, code: &str) -> u16 {
    client
        .post(format!("{address}/api/v1/codes/check"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .expect("the request is sent")
        .status()
        .as_u16()
}

/// Waits (up to 5 s) until the server at `address` refuses `code`, a right one: a source at
/// its limit is refused before its code is looked at, and a right code counts as no failure.
async fn refused_soon(client: &reqwest::Client, address: &str, code: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        match check_code_at(client, address, code).await {
            429 => return true,
            200 => {}
            other => panic!("a right code was answered {other}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_on_two_servers_add_up_and_a_restarted_server_remembers_them() {
    let app = spawn_app(Db::Postgres).await;
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let right = app.codes("2023", locations["Groep Eik"], 1).await.remove(0);
    let other = app.another_server(|_| {}).await;
    let client = reqwest::Client::new();
    assert_eq!(check_code_at(&client, &app.address, &right).await, 200);
    // 50 wrong codes on the first server, 50 on the second, the last one there.
    for i in 0..100 {
        let address = if i % 2 == 1 { &app.address } else { &other };
        assert_eq!(
            check_code_at(&client, address, UNKNOWN_CODE).await,
            404,
            "wrong code {i}"
        );
    }
    assert_eq!(
        check_code_at(&client, &other, &right).await,
        429,
        "where the limit was reached"
    );
    // Counted per server, the first would still take the right code (it saw 50).
    assert!(
        refused_soon(&client, &app.address, &right).await,
        "the first server"
    );
    // A server that starts now (as after a restart) knows at once.
    let restarted = app.another_server(|_| {}).await;
    assert_eq!(check_code_at(&client, &restarted, &right).await, 429);

    // The table keeps keyed hashes, never the address.
    let rows: Vec<String> = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT scope || ' ' || key_hash || ' ' || CAST(failures AS TEXT) AS r FROM rate_limit",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "r").unwrap())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.starts_with("code ") && r.ends_with(" 100")),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| !r.contains("127.0.0.1")), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_on_two_servers_add_up() {
    let app = spawn_app(Db::Postgres).await;
    app.add_staff("a@example.nl", "admin", None).await;
    let other = app.another_server(|_| {}).await;
    for i in 0..5 {
        let browser = if i % 2 == 0 {
            app.browser()
        } else {
            app.browser_at(&other)
        };
        let r = browser
            .submit_login("a@example.nl", "wrong password here")
            .await;
        assert_eq!(
            r.headers()["location"],
            "/staff/login?error=invalid",
            "try {i}"
        );
    }
    // Even the right password waits now, on either server.
    for address in [app.address.clone(), other] {
        let started = Instant::now();
        loop {
            let r = app
                .browser_at(&address)
                .submit_login("a@example.nl", TEST_PASSWORD)
                .await;
            if r.headers()["location"] == "/staff/login?error=limited" {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{address} lets the account in"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

on_both_databases! {
    async fn a_kiosk_tablet_and_the_other_devices_of_its_group_are_counted_apart(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let linde = app.organisation_id("De Linde").await;
        let tablet = app.staff("groep@example.nl", "institution_admin", Some(linde)).await;
        let unlocked = tablet
            .post("/staff/kiosk", &[("location", &locations["Groep Eik"].to_string()), ("wave", "2023")])
            .await;
        assert_eq!(unlocked.status(), 303);
        // The group's other devices, on the same connection, make 100 typing mistakes.
        let phone = reqwest::Client::new();
        for i in 0..100 {
            assert_eq!(check_code_at(&phone, &app.address, UNKNOWN_CODE).await, 404, "wrong code {i}");
        }
        assert_eq!(check_code_at(&phone, &app.address, UNKNOWN_CODE).await, 429);
        // The kiosk tablet is not locked out by them: it counts by its pass.
        assert_eq!(check_code_at(&tablet.client, &app.address, UNKNOWN_CODE).await, 404);
        for _ in 1..100 {
            check_code_at(&tablet.client, &app.address, UNKNOWN_CODE).await;
        }
        assert_eq!(check_code_at(&tablet.client, &app.address, UNKNOWN_CODE).await, 429, "the tablet has its own limit");
    }
}
