//! Anonymity by construction, proved after real submissions: each test would fail if its rule
//! were broken.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, submission, TestApp};

const USER_AGENT: &str = "VeiligAnonymityProbe/1.0 (tablet; Groep-Eik-3)";

/// Everything the server logs in this test process, at every level.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        // Everything of our own and of the HTTP layer, at every level; other crates from info.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,veilig=trace,tower_http=trace",
            ))
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .try_init();
        buffer
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Submits through the API with a recognisable user agent; returns the codes and client
/// numbers used.
async fn submissions(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    let mut codes = app.codes("2023", locations["Groep Eik"], 3).await;
    let clients = vec!["CL-777001".to_string(), "CL-777002".to_string()];
    let numbers: Vec<_> = clients
        .iter()
        .map(|c| veilig::domain::client_number::ClientNumber::parse(c).unwrap())
        .collect();
    let linkable = veilig::participation::generate_linkable(
        &app.db,
        &app.pepper,
        veilig::domain::staff::Scope::National,
        "2023",
        locations["De Bunker"],
        &numbers,
    )
    .await
    .unwrap();
    codes.extend(linkable.codes.iter().map(|c| c.display_grouped()));
    for code in &codes {
        let response = app
            .client
            .post(app.url("/api/v1/responses"))
            .header("user-agent", USER_AGENT)
            .json(&submission(code))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    // Also a card's link, which carries the code in its query.
    assert_eq!(app.get(&format!("/?code={}", codes[0])).await.status(), 200);
    (codes, clients)
}

fn forbidden_values(codes: &[String], clients: &[String]) -> Vec<String> {
    let mut values: Vec<String> = codes.to_vec();
    values.extend(codes.iter().map(|c| c.replace('-', "")));
    values.extend(clients.iter().cloned());
    values.push("127.0.0.1".into());
    values.push(USER_AGENT.into());
    values.push("VeiligAnonymityProbe".into());
    values
}

on_both_databases! {
    async fn no_table_holds_a_code_a_client_number_an_address_or_a_user_agent(app) {
        let (codes, clients) = submissions(&app).await;
        // While the responses wait to be mixed, and after.
        for mixed in [false, true] {
            if mixed {
                app.mix_responses().await;
            }
            let stored = app.every_stored_value().await;
            let table = if mixed { "response" } else { "pending_response" };
            assert!(stored.iter().any(|(t, _, _)| t == table), "the scan sees {table}");
            for forbidden in forbidden_values(&codes, &clients) {
                for (table, column, value) in &stored {
                    assert!(!value.contains(&forbidden), "{table}.{column} holds {forbidden:?}");
                }
            }
            // Nor the pepper, in any form.
            for (table, column, value) in &stored {
                assert!(!value.contains(&app.pepper_hex()), "{table}.{column} holds the pepper");
            }
        }
    }

    async fn nothing_a_child_produces_carries_a_time_finer_than_a_day(app) {
        submissions(&app).await;
        let mut seen = app.every_stored_value().await;
        app.mix_responses().await;
        seen.extend(app.every_stored_value().await);
        for (table, column, value) in seen {
            if ["response", "answer", "open_answer", "access_code", "pending_response"].contains(&table.as_str()) {
                let has_clock = value.as_bytes().windows(5).any(|w| {
                    w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2] == b':' && w[3].is_ascii_digit() && w[4].is_ascii_digit()
                });
                assert!(!has_clock, "{table}.{column} holds a time: {value}");
            }
        }
    }

    async fn the_logs_hold_no_codes_answers_or_pseudonyms(app) {
        let logs = captured_logs();
        let (codes, clients) = submissions(&app).await;
        app.mix_responses().await;
        let text = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
        // The capture works: the requests themselves are logged, by their route.
        assert!(text.contains("route=/api/v1/responses") && text.contains("status=201"), "requests are logged");
        for forbidden in forbidden_values(&codes, &clients).iter().filter(|v| *v != "127.0.0.1") {
            assert!(!text.contains(forbidden.as_str()), "the log holds {forbidden:?}");
        }
        assert!(!text.contains("Meer praten"), "the log holds an open answer");
        let pseudonyms = app.strings("SELECT pseudonym AS p FROM access_code WHERE pseudonym IS NOT NULL", &["p"]).await;
        assert_eq!(pseudonyms.len(), 2);
        for p in pseudonyms.iter().flatten() {
            assert!(!text.contains(p.as_str()), "the log holds a pseudonym");
        }
    }

    async fn response_ids_are_random_and_say_nothing_about_arrival(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Team 1"], 30).await;
        let mut arrival = Vec::new();
        for code in &codes {
            let body = submission(code);
            assert_eq!(app.post_json("/api/v1/responses", &body).await.status(), 201);
            arrival.push(body["submission_id"].as_str().unwrap().to_string());
        }
        app.mix_responses().await;
        let ids: Vec<String> = app.strings("SELECT id AS i FROM response ORDER BY id", &["i"]).await.into_iter().flatten().collect();
        assert_eq!(ids.len(), 30);
        for id in &ids {
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 4, "ids are random (version 4), not time-based");
        }
        // Sorting by id must scramble the arrival order: count how often the next response in
        // id order also arrived later. In arrival order that is 29 of 29; at random about 14.5
        // (standard deviation 1.6), so 25 or more would mean the ids follow arrival.
        let hashes: Vec<String> = app.strings(
            "SELECT submission_hash AS h FROM response ORDER BY id", &["h"]).await.into_iter().flatten().collect();
        let position = |hash: &String| arrival.iter().position(|s| &veilig::domain::submission::submission_hash(s) == hash).unwrap();
        let order: Vec<usize> = hashes.iter().map(position).collect();
        let rises = order.windows(2).filter(|w| w[1] > w[0]).count();
        assert!(rises < 25, "ids follow arrival: {rises} of 29 rises");
    }

    async fn no_stored_value_joins_an_access_code_to_a_response(app) {
        submissions(&app).await;
        app.mix_responses().await;
        let code_values: Vec<String> = app.strings(
            "SELECT code_hash AS a, COALESCE(pseudonym, '') AS b FROM access_code", &["a", "b"]).await
            .into_iter().flatten().filter(|v| !v.is_empty()).collect();
        let response_values: Vec<String> = app.strings(
            "SELECT id AS a, COALESCE(link_key, '') AS b, submission_hash AS c FROM response", &["a", "b", "c"]).await
            .into_iter().flatten().filter(|v| !v.is_empty()).collect();
        assert!(response_values.len() >= 12, "linkable responses carry a link key");
        for v in &response_values {
            assert!(!code_values.contains(v), "a response value also appears in access_code");
        }
    }
}

async fn number(app: &TestApp, sql: &str) -> i64 {
    app.strings(sql, &["n"]).await[0][0].parse().unwrap()
}

/// Waits (up to a minute) for the mixer to have moved `n` responses; it runs on its own.
async fn wait_for_mixed(app: &TestApp, n: i64) {
    for _ in 0..600 {
        if number(app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the mixer did not move {n} responses");
}

on_both_databases! {
    async fn responses_wait_for_a_full_batch_and_then_move_together(app) {
        let batch = veilig::store::mixing::DEFAULT_BATCH;
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Team 1"], batch + 5).await;
        for code in &codes[..batch - 1] {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        // One short of a batch: everything is held, nothing is in the results yet.
        assert_eq!(number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await, 0);
        assert_eq!(number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM pending_response").await, batch as i64 - 1);
        let last = submission(&codes[batch - 1]);
        assert_eq!(app.post_json("/api/v1/responses", &last).await.status(), 201);
        wait_for_mixed(&app, batch as i64).await;
        assert_eq!(number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM pending_response").await, 0);
        // A retry of a mixed submission is still recognised.
        assert_eq!(app.post_json("/api/v1/responses", &last).await.status(), 200);
        for code in &codes[batch..] {
            assert_eq!(app.post_json("/api/v1/responses", &submission(code)).await.status(), 201);
        }
        // Closing the wave moves what is left, however few.
        app.advance(wave, WaveState::Closed).await;
        assert_eq!(number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await, batch as i64 + 5);
        assert_eq!(number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM pending_response").await, 0);
    }
}

/// PostgreSQL stamps every row with the id of the transaction that wrote it (`xmin`). Each
/// transaction id found on a used code or a response must be shared by at least a batch of
/// codes and a batch of responses, so it can neither join one code to one response nor order
/// responses by arrival; the id of an open answer must be shared by a batch of responses too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_no_transaction_id_joins_a_code_to_its_response() {
    let app = veilig_tests::spawn_app(veilig_tests::Db::Postgres).await;
    let batch = veilig::store::mixing::DEFAULT_BATCH as i64;
    let locations = app.with_register().await;
    let wave = app.wave("2023", WaveState::Open).await;
    let codes = app.codes("2023", locations["Team 1"], 25).await;
    // A full batch first, mixed on its own; five more are held after it. (Sent together, a
    // busy mixer would move all 25 at once.)
    for (i, code) in codes.iter().enumerate() {
        assert_eq!(
            app.post_json("/api/v1/responses", &submission(code))
                .await
                .status(),
            201
        );
        if i as i64 + 1 == batch {
            wait_for_mixed(&app, batch).await;
        }
    }
    // The last five move with decoys when the wave closes.
    app.advance(wave, WaveState::Closed).await;
    assert_eq!(
        number(&app, "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response").await,
        25
    );

    let by_xmin = |from: &str| {
        format!(
            "SELECT xmin::text AS x, CAST(COUNT(*) AS TEXT) AS n FROM {from} GROUP BY xmin::text"
        )
    };
    let sizes = |rows: Vec<Vec<String>>| -> std::collections::HashMap<String, i64> {
        rows.into_iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap()))
            .collect()
    };
    let codes_by_xmin = sizes(
        app.strings(&by_xmin("access_code WHERE state = 'used'"), &["x", "n"])
            .await,
    );
    let responses_by_xmin = sizes(app.strings(&by_xmin("response"), &["x", "n"]).await);
    let open_by_xmin = sizes(app.strings(&by_xmin("open_answer"), &["x", "n"]).await);
    assert!(!codes_by_xmin.is_empty() && !open_by_xmin.is_empty());
    for (xmin, n) in &codes_by_xmin {
        assert!(*n >= batch, "{n} used codes share transaction {xmin}");
        let responses = responses_by_xmin.get(xmin).copied().unwrap_or(0);
        assert!(
            responses == 0 || responses >= batch,
            "transaction {xmin} wrote {responses} responses"
        );
    }
    for (xmin, n) in &responses_by_xmin {
        assert!(*n >= batch, "{n} responses share transaction {xmin}");
    }
    for xmin in open_by_xmin.keys() {
        let responses = responses_by_xmin.get(xmin).copied().unwrap_or(0);
        assert!(
            responses >= batch,
            "an open answer shares transaction {xmin} with {responses} responses"
        );
    }
}
