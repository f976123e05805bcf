//! What a copy of the database (a dump, a backup, the SQLite files) holds, tried as someone who
//! has it without the pepper would: stored code hashes are keyed.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use sha2::{Digest, Sha256};
use veilig::domain::access_code::{AccessCode, CodeKey};
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, submission, TestApp};

/// The hash codes were stored as before keyed hashes: SHA-256 of a fixed prefix and the code.
fn unkeyed_hash(code: &str) -> String {
    let code = AccessCode::parse(code)
        .unwrap()
        .display_grouped()
        .replace('-', "");
    hex::encode(Sha256::digest(format!("veilig/code/v1:{code}")))
}

async fn execute(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> u64 {
    app.db
        .execute_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            sql,
            values,
        ))
        .await
        .unwrap()
        .rows_affected()
}

on_both_databases! {
    async fn codes_stored_with_the_unkeyed_hash_are_rekeyed_at_start_and_keep_working(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 4).await;
        let key = CodeKey::from_pepper(&app.pepper);
        // Stored as a server before keyed hashes stored them, with a half-finished survey.
        for code in &codes {
            let keyed = AccessCode::parse(code).unwrap().hash(&key);
            let n = execute(&app, "UPDATE access_code SET code_hash = $1, hash_version = 1 WHERE code_hash = $2",
                vec![unkeyed_hash(code).into(), keyed.into()]).await;
            assert_eq!(n, 1);
        }
        execute(&app, "INSERT INTO survey_draft (code_hash, token_hash, state, started_on) VALUES ($1, $2, $3, $4)",
            vec![unkeyed_hash(&codes[1]).into(), "f".repeat(64).into(), "{}".into(),
                 chrono::Utc::now().date_naive().into()]).await;
        let check = |code: &str| json!({ "code": code });
        assert_eq!(app.post_json("/api/v1/codes/check", &check(&codes[0])).await.status(), 404,
            "an unkeyed hash is not found by the keyed lookup");

        let rekeyed = veilig::store::rekey::rekey_unkeyed_codes(&app.db, &key).await.unwrap();
        assert_eq!(rekeyed, 4);
        assert_eq!(veilig::store::rekey::rekey_unkeyed_codes(&app.db, &key).await.unwrap(), 0,
            "rekeying twice changes nothing");

        // Every unused code works again, and no unkeyed hash is left anywhere.
        for code in &codes[..3] {
            assert_eq!(app.post_json("/api/v1/codes/check", &check(code)).await.status(), 200);
        }
        assert_eq!(app.post_json("/api/v1/responses", &submission(&codes[3])).await.status(), 201);
        let stored: Vec<String> = app.strings(
            "SELECT code_hash AS h FROM access_code UNION ALL SELECT code_hash AS h FROM survey_draft \
             UNION ALL SELECT code_hash AS h FROM pending_response", &["h"]).await
            .into_iter().flatten().collect();
        assert_eq!(stored.len(), 4 + 1 + 1);
        for code in &codes {
            assert!(!stored.contains(&unkeyed_hash(code)), "an unkeyed hash is still stored");
        }
        let draft = app.strings("SELECT code_hash AS h FROM survey_draft", &["h"]).await;
        assert_eq!(draft[0][0], AccessCode::parse(&codes[1]).unwrap().hash(&key), "the draft follows its code");
        let versions = app.strings("SELECT CAST(hash_version AS TEXT) AS v FROM access_code", &["v"]).await;
        assert!(versions.iter().all(|v| v[0] == "2"));
    }

    async fn a_stored_code_hash_is_neither_the_unkeyed_hash_nor_the_same_under_another_pepper(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 3).await;
        let stored: Vec<String> = app.strings("SELECT code_hash AS h FROM access_code", &["h"]).await
            .into_iter().flatten().collect();
        let other = CodeKey::from_pepper(&veilig::pepper::Pepper::random());
        for code in &codes {
            // What a dump alone allows: hashing every possible code without the key.
            assert!(!stored.contains(&unkeyed_hash(code)));
            assert!(!stored.contains(&AccessCode::parse(code).unwrap().hash(&other)));
            assert!(stored.contains(&AccessCode::parse(code).unwrap().hash(&CodeKey::from_pepper(&app.pepper))));
        }
    }
}

on_both_databases! {
    async fn after_a_wave_closes_checking_a_used_or_unused_code_gives_the_same_answer(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 3).await;
        let sent = submission(&codes[0]);
        assert_eq!(app.post_json("/api/v1/responses", &sent).await.status(), 201);
        let revoke = veilig::store::codes::transition(&app.db, &CodeKey::from_pepper(&app.pepper),
            veilig::domain::staff::Scope::National, &AccessCode::parse(&codes[2]).unwrap(),
            veilig::domain::access_code::CodeState::Unused, veilig::domain::access_code::CodeState::Revoked).await.unwrap();
        assert!(revoke);
        let open = app.post_json("/api/v1/codes/check", &json!({ "code": codes[0] })).await;
        assert_eq!(open.json::<serde_json::Value>().await.unwrap()["error"], "used", "while open, a used code says so");
        veilig::store::waves::advance(&app.db, &veilig::domain::seal::SealKey::from_pepper(&app.pepper), wave, WaveState::Closed).await.unwrap();
        for body in [json!({ "code": codes[0] }), json!({ "code": codes[0], "wave": "2023" })] {
            let mut answers = Vec::new();
            for code in &codes {
                let mut body = body.clone();
                body["code"] = json!(code);
                let r = app.post_json("/api/v1/codes/check", &body).await;
                answers.push((r.status(), r.text().await.unwrap()));
            }
            assert_eq!(answers[0], answers[1], "used and unused look alike");
            assert_eq!(answers[1], answers[2], "revoked and unused look alike");
            assert_eq!(answers[0].0, 409);
        }
        // The plain start page too.
        let page = |code: &str| {
            let request = app.client.post(app.url("/survey/start")).form(&[("code", code)]);
            async move {
                let r = request.send().await.unwrap();
                (r.status(), r.headers().get("location").cloned(), r.text().await.unwrap())
            }
        };
        let (used, unused) = (page(&codes[0]).await, page(&codes[1]).await);
        assert_eq!(used, unused);
        assert!(used.1.is_some_and(|l| l.to_str().unwrap().contains("error=closed")));
        // The device that sent the survey is still told it was stored.
        assert_eq!(app.post_json("/api/v1/responses", &sent).await.status(), 200);
    }
}

/// The SQLite files of a test database: the database, its write-ahead log and shared memory.
fn sqlite_files(app: &TestApp) -> Vec<u8> {
    let url = &app.database.url;
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

on_both_databases! {
    async fn a_held_response_waits_sealed_and_leaves_nothing_behind_once_mixed(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 3).await;
        let markers: Vec<String> = (0..3).map(|i| format!("Zegelproef{i}{}", uuid::Uuid::new_v4().simple())).collect();
        for (code, marker) in codes.iter().zip(&markers) {
            let mut body = submission(code);
            body["open_answer"] = json!(marker);
            assert_eq!(app.post_json("/api/v1/responses", &body).await.status(), 201);
        }
        // Held: a row holds the code's hash and the response, sealed; nothing of it is readable.
        let held = app.strings("SELECT payload AS p FROM pending_response", &["p"]).await;
        assert_eq!(held.len(), 3);
        for value in app.every_stored_value().await.iter().map(|(_, _, v)| v) {
            for marker in &markers {
                assert!(!value.contains(marker.as_str()), "a held open answer is readable");
            }
        }
        for payload in held.iter().flatten() {
            assert!(payload.starts_with("v1.") && !payload.contains("safe_home"), "a held answer is readable");
        }
        if app.backend == veilig_tests::Db::Sqlite {
            let files = sqlite_files(&app);
            for marker in &markers {
                assert!(!contains(&files, marker), "a held open answer is readable in the files");
            }
        }
        app.mix_responses().await;
        assert_eq!(app.strings("SELECT text AS t FROM open_answer", &["t"]).await.len(), 3);
        if app.backend == veilig_tests::Db::Sqlite {
            // The held rows are overwritten and the write-ahead log emptied: no sealed payload
            // is left in the files either.
            let files = sqlite_files(&app);
            for payload in held.iter().flatten() {
                assert!(!contains(&files, &payload[..40]), "a held row is left in the files");
            }
        }
    }
}
