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
        let stored = app.every_stored_value().await;
        assert!(stored.iter().any(|(t, _, _)| t == "response"), "the scan sees the responses");
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

    async fn nothing_a_child_produces_carries_a_time_finer_than_a_day(app) {
        submissions(&app).await;
        for (table, column, value) in app.every_stored_value().await {
            if ["response", "answer", "open_answer", "access_code"].contains(&table.as_str()) {
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
        let text = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
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
