//! `POST /api/v1/responses`: stored whole and once, refused clearly.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, submission, TestApp};

/// Rows in `table` once everything held has been mixed in.
async fn count(app: &TestApp, table: &str) -> i64 {
    app.mix_responses().await;
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn setup(app: &TestApp) -> Vec<String> {
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    app.codes("2023", locations["Groep Eik"], 3).await
}

on_both_databases! {
    async fn a_complete_response_is_stored_with_its_answers_and_the_code_is_used(app) {
        let codes = setup(&app).await;
        let response = app.post_json("/api/v1/responses", &submission(&codes[0])).await;
        assert_eq!(response.status(), 201);
        let receipt: Value = response.json().await.unwrap();
        assert_eq!(receipt["status"], "stored");
        assert_eq!(receipt["wave"], "2023");
        assert_eq!(count(&app, "response").await, 1);
        assert_eq!(count(&app, "answer").await, 4);
        assert_eq!(count(&app, "open_answer").await, 1);
        let used = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM access_code WHERE state = 'used'")).await.unwrap().unwrap();
        assert_eq!(used.try_get::<i64>("", "n").unwrap(), 1);
    }

    async fn the_open_answer_is_stored_without_names_or_phone_numbers(app) {
        let codes = setup(&app).await;
        app.post_json("/api/v1/responses", &submission(&codes[0])).await;
        app.mix_responses().await;
        let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(),
            "SELECT text FROM open_answer")).await.unwrap().unwrap();
        let text: String = row.try_get("", "text").unwrap();
        assert_eq!(text, "Meer praten met […], bel […].");
    }

    async fn the_same_submission_twice_is_stored_once_and_answered_both_times(app) {
        let codes = setup(&app).await;
        let body = submission(&codes[0]);
        assert_eq!(app.post_json("/api/v1/responses", &body).await.status(), 201);
        let again = app.post_json("/api/v1/responses", &body).await;
        assert_eq!(again.status(), 200);
        let receipt: Value = again.json().await.unwrap();
        assert_eq!(receipt["status"], "stored");
        assert_eq!(receipt["wave"], "2023", "a resend's receipt names the wave as the first did");
        assert_eq!(count(&app, "response").await, 1);
    }

    async fn an_open_answer_keeps_no_bidirectional_override(app) {
        // U+202E would show the rest of the text backwards to the researcher who reads it.
        let codes = setup(&app).await;
        let mut body = submission(&codes[0]);
        body["open_answer"] = json!("het eten is \u{202E}lekker\u{202C} hier");
        assert_eq!(app.post_json("/api/v1/responses", &body).await.status(), 201);
        app.mix_responses().await;
        let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(),
            "SELECT text FROM open_answer")).await.unwrap().unwrap();
        let text: String = row.try_get("", "text").unwrap();
        assert_eq!(text, "het eten is lekker hier");
    }

    async fn the_same_submission_sent_concurrently_is_stored_once(app) {
        let codes = setup(&app).await;
        let body = submission(&codes[0]);
        let sends = (0..8).map(|_| app.post_json("/api/v1/responses", &body));
        let statuses: Vec<u16> = futures_statuses(sends).await;
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}");
        assert_eq!(count(&app, "response").await, 1);
    }

    async fn many_surveys_sent_at_once_each_get_their_own_answer(app) {
        let locations = app.with_register().await;
        app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 35).await;
        // 30 surveys each sent twice at once (a tablet retrying), 5 codes each used by two
        // different surveys at once, and one unknown code: stored together where they can be.
        let mut bodies = Vec::new();
        for code in &codes[..30] {
            let body = submission(code);
            bodies.push(("resent", body.clone()));
            bodies.push(("resent", body));
        }
        for code in &codes[30..] {
            bodies.push(("contested", submission(code)));
            bodies.push(("contested", submission(code)));
        }
        bodies.push(("unknown", submission("ABC-DEF-GHJ")));
        let sends = bodies.iter().map(|(_, b)| app.post_json("/api/v1/responses", b));
        let statuses = futures_statuses(sends).await;
        for (pair, kind) in statuses.chunks(2).zip(bodies.iter().step_by(2).map(|(k, _)| *k)) {
            let mut pair = pair.to_vec();
            pair.sort();
            match kind {
                "resent" => assert_eq!(pair, [200, 201], "one survey sent twice"),
                "contested" => assert_eq!(pair, [201, 409], "one code, two surveys"),
                _ => assert_eq!(pair, [404], "an unknown code"),
            }
        }
        assert_eq!(count(&app, "response").await, 35);
        assert_eq!(count(&app, "answer").await, 35 * 4);
    }

    async fn surveys_taken_in_together_get_the_outcome_each_would_get_alone(app) {
        use veilig::store::{intake::submit_many, responses::SubmitOutcome};
        let locations = app.with_register().await;
        let wave_id = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 4).await;
        let seal = veilig::domain::seal::SealKey::from_pepper(&app.pepper);
        let hash = |c: &str| veilig::domain::access_code::AccessCode::parse(c).unwrap().hash(&veilig::domain::access_code::CodeKey::from_pepper(&app.pepper));
        let response = |id: &str| veilig::store::responses::NewResponse {
            wave_id,
            location_id: locations["Groep Eik"],
            demographics: Default::default(),
            language: "nl".into(),
            link_key: None,
            submission_hash: veilig::domain::submission::submission_hash(id),
            answers: [("safe_home".to_string(), Some(4))].into(),
            open_answer: None,
            counts: vec![("safe_home".into(), 4)],
        };
        let (first, second) = (response("first"), response("second"));
        assert_eq!(
            veilig::store::intake::submit(&app.db, &seal, &hash(&codes[0]), &first).await.unwrap(),
            SubmitOutcome::Created
        );
        let (fresh, other, revoked) = (response("fresh"), response("other"), response("revoked"));
        let code = veilig::domain::access_code::AccessCode::parse(&codes[2]).unwrap();
        veilig::store::codes::transition(&app.db, &veilig::domain::access_code::CodeKey::from_pepper(&app.pepper), veilig::domain::staff::Scope::National, &code,
            veilig::domain::access_code::CodeState::Unused,
            veilig::domain::access_code::CodeState::Revoked).await.unwrap();
        let outcomes = submit_many(&app.db, &seal, &[
            (&hash(&codes[1]), &first),    // sent again, with another code
            (&hash(&codes[0]), &second),   // a code used already
            (&hash(&codes[3]), &fresh),
            (&hash(&codes[2]), &revoked),
        ]).await.unwrap();
        assert_eq!(outcomes, [
            SubmitOutcome::AlreadyStored,
            SubmitOutcome::CodeNotUnused,
            SubmitOutcome::Created,
            SubmitOutcome::CodeNotUnused,
        ]);
        // The code of the resent survey was not used up by it.
        let again = submit_many(&app.db, &seal, &[(&hash(&codes[1]), &other)]).await.unwrap();
        assert_eq!(again, [SubmitOutcome::Created]);
        assert_eq!(count(&app, "response").await, 3);
    }

    async fn a_used_code_cannot_be_used_again_by_another_submission(app) {
        let codes = setup(&app).await;
        app.post_json("/api/v1/responses", &submission(&codes[0])).await;
        let second = app.post_json("/api/v1/responses", &submission(&codes[0])).await;
        assert_eq!(second.status(), 409);
        let body: Value = second.json().await.unwrap();
        assert_eq!(body["error"], "used");
        assert_eq!(count(&app, "response").await, 1);
    }

    async fn unknown_malformed_and_revoked_codes_each_have_their_reason(app) {
        let codes = setup(&app).await;
        let unknown = app.post_json("/api/v1/responses", &submission("ABC-DEF-GHJ")).await;
        assert_eq!(unknown.status(), 404);
        assert_eq!(unknown.json::<Value>().await.unwrap()["error"], "unknown");
        let malformed = app.post_json("/api/v1/responses", &submission("0000")).await;
        assert_eq!(malformed.status(), 422);
        assert_eq!(malformed.json::<Value>().await.unwrap()["error"], "format");
        let code = veilig::domain::access_code::AccessCode::parse(&codes[1]).unwrap();
        veilig::store::codes::transition(&app.db, &veilig::domain::access_code::CodeKey::from_pepper(&app.pepper), veilig::domain::staff::Scope::National, &code, veilig::domain::access_code::CodeState::Unused, veilig::domain::access_code::CodeState::Revoked).await.unwrap();
        let revoked = app.post_json("/api/v1/responses", &submission(&codes[1])).await;
        assert_eq!(revoked.status(), 409);
        assert_eq!(revoked.json::<Value>().await.unwrap()["error"], "revoked");
    }

    async fn a_closed_wave_takes_no_responses(app) {
        let locations = app.with_register().await;
        let wave = app.wave("2023", WaveState::Open).await;
        let codes = app.codes("2023", locations["Groep Eik"], 1).await;
        app.advance(wave, WaveState::Closed).await;
        let response = app.post_json("/api/v1/responses", &submission(&codes[0])).await;
        assert_eq!(response.status(), 409);
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "closed");
        assert_eq!(count(&app, "response").await, 0);
    }

    async fn bad_answers_get_a_message_per_field_and_nothing_is_kept(app) {
        let codes = setup(&app).await;
        let mut body = submission(&codes[0]);
        body["answers"] = json!({ "no_such_item": 1, "safe_home": 9, "safe_mark": "high", "secluded": 1 });
        body["open_answer"] = json!("x".repeat(5000));
        let response = app.post_json("/api/v1/responses", &body).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid");
        let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        for f in ["answers.no_such_item", "answers.safe_home", "answers.safe_mark", "answers.secluded", "open_answer"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert_eq!(count(&app, "response").await, 0);
        assert_eq!(count(&app, "answer").await, 0);
        // The code still works.
        assert_eq!(app.post_json("/api/v1/responses", &submission(&codes[0])).await.status(), 201);
    }

    async fn malformed_json_and_wrong_types_are_refused_calmly(app) {
        setup(&app).await;
        let not_json = app.client.post(app.url("/api/v1/responses"))
            .header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(not_json.status(), 400);
        assert_eq!(not_json.json::<Value>().await.unwrap()["error"], "bad_json");
        let wrong = app.post_json("/api/v1/responses", &json!({"code": 5, "submission_id": "x", "answers": 3})).await;
        assert_eq!(wrong.status(), 422);
        let too_big = app.client.post(app.url("/api/v1/responses"))
            .header("content-type", "application/json").body(format!("{{\"open_answer\": \"{}\"}}", "x".repeat(300_000)))
            .send().await.unwrap();
        assert_eq!(too_big.status(), 413);
    }
}

async fn futures_statuses(
    sends: impl Iterator<Item = impl std::future::Future<Output = reqwest::Response>>,
) -> Vec<u16> {
    let handles: Vec<_> = sends.collect();
    let mut statuses = Vec::new();
    for response in join_all(handles).await {
        statuses.push(response.status().as_u16());
    }
    statuses
}

/// Runs the futures at the same time (a tiny join_all, to avoid another dependency).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => outputs[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
