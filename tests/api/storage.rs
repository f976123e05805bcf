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
        app.advance(wave, WaveState::Closed).await;
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
            let files = app.sqlite_files();
            for marker in &markers {
                assert!(!contains(&files, marker), "a held open answer is readable in the files");
            }
        }
        app.mix_responses().await;
        assert_eq!(app.strings("SELECT text AS t FROM open_answer", &["t"]).await.len(), 3);
        if app.backend == veilig_tests::Db::Sqlite {
            // The held rows are overwritten and the write-ahead log emptied: no sealed payload
            // is left in the files either.
            let files = app.sqlite_files();
            for payload in held.iter().flatten() {
                assert!(!contains(&files, &payload[..40]), "a held row is left in the files");
            }
        }
    }
}

/// Spearman's rank correlation between arrival (0, 1, …) and the positions a dump shows
/// (distinct numbers); 0 when the positions are all equal (nothing is ordered).
fn spearman(positions: &[f64]) -> f64 {
    let n = positions.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]));
    if positions.iter().all(|p| *p == positions[0]) {
        return 0.0;
    }
    // Tied positions (rows sharing a transaction id) get their average rank.
    let mut rank = vec![0.0; n];
    let mut start = 0;
    while start < n {
        let mut end = start;
        while end + 1 < n && positions[order[end + 1]] == positions[order[start]] {
            end += 1;
        }
        for &i in &order[start..=end] {
            rank[i] = (start + end) as f64 / 2.0;
        }
        start = end + 1;
    }
    pearson(&(0..n).map(|i| i as f64).collect::<Vec<_>>(), &rank)
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// The indices 0..n in the order of `positions`, ties in random order.
fn in_order(positions: &[f64]) -> Vec<usize> {
    let mut order: Vec<(usize, uuid::Uuid)> = (0..positions.len())
        .map(|i| (i, uuid::Uuid::new_v4()))
        .collect();
    order.sort_by(|a, b| {
        positions[a.0]
            .total_cmp(&positions[b.0])
            .then(a.1.cmp(&b.1))
    });
    order.into_iter().map(|(i, _)| i).collect()
}

/// Where each needle first appears in `haystack` (every needle must appear).
fn positions_in(haystack: &[u8], needles: &[String]) -> Vec<f64> {
    needles
        .iter()
        .map(|needle| {
            haystack
                .windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .unwrap_or_else(|| panic!("{needle} is in the dump")) as f64
        })
        .collect()
}

on_both_databases! {
    async fn no_order_a_dump_shows_follows_the_order_of_arrival(app) {
        const N: usize = 400;
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Team 1"], N).await;
        let mut hashes = Vec::with_capacity(N);
        let mut markers = Vec::with_capacity(N);
        for (i, code) in codes.iter().enumerate() {
            let mut body = submission(code);
            let marker = format!("Volgorde{i:03}x{}", uuid::Uuid::new_v4().simple());
            body["open_answer"] = json!(marker);
            assert_eq!(app.post_json("/api/v1/responses", &body).await.status(), 201);
            hashes.push(veilig::domain::submission::submission_hash(body["submission_id"].as_str().unwrap()));
            markers.push(marker);
            // A busy wave: the mixer moves what arrived in batches, one after the other.
            if i % 40 == 39 {
                app.mix_responses().await;
            }
        }
        // Everything the server does: mixing in batches while open, closing, publishing.
        app.publish("2023").await;
        let mut orders: Vec<(&str, Vec<f64>)> = Vec::new();
        let position_of = |rows: Vec<Vec<String>>, keys: &[String]| -> Vec<f64> {
            let at: std::collections::HashMap<&str, usize> =
                rows.iter().enumerate().map(|(i, r)| (r[0].as_str(), i)).collect();
            keys.iter().map(|k| at[k.as_str()] as f64).collect()
        };
        let mut answer_orders: Vec<(&str, Vec<f64>)> = Vec::new();
        let response_rows = app.strings("SELECT submission_hash AS h FROM response", &["h"]).await;
        orders.push(("response rows", position_of(response_rows, &hashes)));
        let open_rows = app.strings("SELECT text AS t FROM open_answer", &["t"]).await;
        orders.push(("open answer rows", position_of(open_rows, &markers)));
        match app.backend {
            veilig_tests::Db::Postgres => {
                for (what, sql, keys) in [
                    ("response ctid", "SELECT submission_hash AS h FROM response ORDER BY ctid", &hashes),
                    ("open answer ctid", "SELECT text AS h FROM open_answer ORDER BY ctid", &markers),
                ] {
                    orders.push((what, position_of(app.strings(sql, &["h"]).await, keys)));
                }
                for (what, sql, keys) in [
                    ("response xmin", "SELECT submission_hash AS h, xmin::text AS x FROM response", &hashes),
                    ("open answer xmin", "SELECT text AS h, xmin::text AS x FROM open_answer", &markers),
                ] {
                    let rows = app.strings(sql, &["h", "x"]).await;
                    let xmin: std::collections::HashMap<String, f64> =
                        rows.into_iter().map(|r| (r[0].clone(), r[1].parse().unwrap())).collect();
                    orders.push((what, keys.iter().map(|k| xmin[k]).collect()));
                }
                // The shuffle builds answer's primary key again after the move.
                let keys = app.strings("SELECT conname::text AS c FROM pg_constraint \
                    WHERE conrelid = 'answer'::regclass AND contype = 'p'", &["c"]).await;
                assert_eq!(keys.len(), 1, "answer keeps its primary key");
                // Answers carry no text of their own: each is placed by its response's arrival.
                let answers = "SELECT r.submission_hash AS h, a.xmin::text AS x FROM answer a \
                    JOIN response r ON r.id = a.response_id WHERE a.item_key = 'safe_home'";
                let rows = app.strings(&format!("{answers} ORDER BY a.ctid"), &["h", "x"]).await;
                let arrival: std::collections::HashMap<&str, f64> =
                    hashes.iter().enumerate().map(|(i, h)| (h.as_str(), i as f64)).collect();
                let by_ctid: Vec<f64> = rows.iter().map(|r| arrival[r[0].as_str()]).collect();
                let xmin: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
                // Arrival ranks in ctid order: Spearman against position, like the others.
                let mut at = vec![0.0; N];
                for (position, a) in by_ctid.iter().enumerate() {
                    at[*a as usize] = position as f64;
                }
                let mut xmin_at = vec![0.0; N];
                for (a, x) in by_ctid.iter().zip(&xmin) {
                    xmin_at[*a as usize] = *x;
                }
                answer_orders.push(("answer ctid", at));
                answer_orders.push(("answer xmin", xmin_at));
                let dump = app.pg_dump();
                orders.push(("pg_dump responses", positions_in(dump.as_bytes(), &hashes)));
                orders.push(("pg_dump open answers", positions_in(dump.as_bytes(), &markers)));
                // No code hash on any line of the dump that holds an answer.
                let code_hashes: Vec<String> = app.strings("SELECT code_hash AS h FROM access_code", &["h"]).await
                    .into_iter().flatten().collect();
                for line in dump.lines().filter(|l| l.contains("Volgorde") || l.contains("safe_home")) {
                    assert!(!code_hashes.iter().any(|h| line.contains(h.as_str())), "a code hash beside an answer");
                }
            }
            veilig_tests::Db::Sqlite => {
                let files = app.sqlite_files();
                orders.push(("file positions of responses", positions_in(&files, &hashes)));
                orders.push(("file positions of open answers", positions_in(&files, &markers)));
            }
        }
        for (what, positions) in orders.iter().chain(&answer_orders) {
            let rho = spearman(positions);
            assert!(rho.abs() < 0.15, "{what} follow arrival: Spearman ρ = {rho:.2}");
        }
        // Pairing the k-th open answer with the k-th response, in any order shown, does no
        // better than chance (one right pair expected).
        for pair in orders.chunks(2) {
            let (responses, open) = (&pair[0].1, &pair[1].1);
            let (by_response, by_open) = (in_order(responses), in_order(open));
            let right = by_response.iter().zip(&by_open).filter(|(a, b)| a == b).count();
            assert!(right <= 6, "{} and {}: {right} pairs rejoined by position", pair[0].0, pair[1].0);
        }
    }
}

on_both_databases! {
    async fn a_wave_closed_on_the_staff_pages_is_rewritten_beside_the_request_and_before_publishing(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        for code in app.codes("2023", locations["Team 1"], 12).await {
            assert_eq!(app.post_json("/api/v1/responses", &submission(&code)).await.status(), 201);
        }
        let rewritten = || async {
            app.strings(&format!(
                "SELECT CASE WHEN rewritten THEN 'yes' ELSE 'no' END AS r FROM wave WHERE id = {wave}"
            ), &["r"]).await[0][0].clone()
        };
        assert_eq!(rewritten().await, "no");
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        let path = format!("/staff/waves/{wave}/state");
        assert_eq!(researcher.post(&path, &[("to", "closed")]).await.status(), 200);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while rewritten().await != "yes" {
            assert!(std::time::Instant::now() < deadline, "the closed wave was not rewritten");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // A researcher tags an open answer of the closed wave; rewriting again keeps the tag.
        let tagged = app.strings("SELECT id FROM open_answer", &["id"]).await[0][0].clone();
        veilig::store::open_answers::add_theme(&app.db, "Praten").await.unwrap();
        veilig::store::open_answers::tag(&app.db, &tagged, "Praten").await.unwrap();
        let tags = || async {
            app.strings("SELECT open_answer_id AS a, theme AS t FROM open_answer_tag", &["a", "t"]).await
        };
        let expected = vec![vec![tagged.clone(), "Praten".to_string()]];
        // A rewrite that never finished (its server stopped): publishing does it first ...
        let forget = format!("UPDATE wave SET rewritten = FALSE WHERE id = {wave}");
        app.db.execute_unprepared(&forget).await.unwrap();
        assert_eq!(researcher.post(&path, &[("to", "published")]).await.status(), 202);
        app.wait_until_published(wave).await;
        assert_eq!(rewritten().await, "yes", "published only once rewritten");
        assert_eq!(tags().await, expected, "the researchers' tags stay");
        // ... and so does a server's start, once.
        app.db.execute_unprepared(&forget).await.unwrap();
        assert_eq!(veilig::store::shuffle::rewrite_waiting(&app.db).await.unwrap(), 1);
        assert_eq!(rewritten().await, "yes");
        assert_eq!(tags().await, expected);
        assert_eq!(veilig::store::shuffle::rewrite_waiting(&app.db).await.unwrap(), 0);
    }
}
