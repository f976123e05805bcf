//! Fuzzing: hostile variants of every row of the authorization matrix (every route, called as
//! every role with a valid session, CSRF token and API token, so inputs get past sign-in and
//! reach the handlers), on SQLite and PostgreSQL. Each answer must be calm: never a 5xx, a 4xx
//! in the API's JSON shape or as an HTML page, and nothing sent comes back as raw markup. After
//! the run the server still answers `/health`, held responses still mix, and memory stayed
//! bounded. `VEILIG_FUZZ_CASES` sets the number of cases per database (`VEILIG_FUZZ_SEED`
//! replays another sequence); a failure names the case so it can be sent again by hand.
//!
//! A test binary of its own, and the two databases take turns: the memory it measures is the
//! process's, so nothing else may run in it (beside the integration tests the process held a
//! gigabyte of other servers, and their growth looked like this server's). Problems it found
//! have a focused test each in `tests/api/found_by_fuzzing.rs`. The rows come from the
//! authorization matrix, included here as files.

#[path = "../api/authorization/matrix.rs"]
mod matrix;
// The rows' expected statuses and texts are for the authorization tests; fuzzing needs only
// their routes, paths and bodies.
#[allow(dead_code)]
#[path = "../api/authorization/world.rs"]
mod world;

mod deeper;
mod inputs;
mod request;

use inputs::RAW_MARKERS;
use matrix::matrix;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use request::{Answer, Caller};
use std::collections::BTreeMap;
use veilig_tests::{spawn_app_with, stand_in_site, Db, TestApp, TEST_PASSWORD};
use world::{world, Auth, CALLERS};

/// About a minute per database on a 2-core machine (debug build).
const DEFAULT_CASES: usize = 25_000;
const DEFAULT_SEED: u64 = 6_2026;

/// What is wrong with one answer, if anything.
fn problems(answer: &Answer) -> Vec<String> {
    let mut found = Vec::new();
    let html = answer.content_type.starts_with("text/html");
    if answer.status >= 500 {
        found.push(format!("status {}", answer.status));
    } else if (400..500).contains(&answer.status) {
        let json_error = answer.content_type.starts_with("application/json")
            && serde_json::from_str::<serde_json::Value>(&answer.body)
                .is_ok_and(|v| v.get("error").is_some());
        let page = html && answer.body.to_lowercase().contains("<html");
        // The API's own paths (`/api/v1/` itself is not one: it is the not-found page).
        let api = answer.path.starts_with("/api/v1/") && answer.path.len() > "/api/v1/".len();
        let calm = if api { json_error } else { page || json_error };
        if !calm {
            found.push(format!(
                "a {} without a calm body ({:?}): {:?}",
                answer.status,
                answer.content_type,
                answer.body.chars().take(120).collect::<String>()
            ));
        }
    }
    if html {
        for marker in RAW_MARKERS {
            if answer.body.contains(marker) {
                found.push(format!("{marker:?} came back unescaped"));
            }
        }
    }
    found
}

/// The resident memory of this process (the server and the test client), in MiB.
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn signed_in(app: &TestApp, caller: usize) -> Option<Caller> {
    let name = CALLERS[caller];
    if caller == 0 {
        return None;
    }
    let email = format!("{name}@example.nl");
    let staff = app.sign_in(&email, TEST_PASSWORD).await;
    Some(Caller {
        browser: staff.client,
        csrf: staff.csrf,
        token: None,
    })
}

async fn fuzz(kind: Db) {
    let site = stand_in_site();
    let app = spawn_app_with(kind, |s| {
        s.site_dir = site.clone();
        // Every case comes from its own address, so the limits on wrong codes and sign-ins
        // (which count per address) do not turn the rest of the run into 429s.
        s.trusted_proxies = "127.0.0.1".parse().expect("a network");
    })
    .await;
    let w = world(&app).await;
    let linde = app.organisation_id("De Linde").await;
    let mut callers: Vec<Option<Caller>> = vec![None];
    for (i, name) in CALLERS.iter().enumerate().skip(1) {
        let organisation = name.starts_with("institution").then_some(linde);
        let email = format!("{name}@example.nl");
        let user = app.add_staff(&email, name, organisation).await;
        let token = veilig::auth::token::Token::generate();
        veilig::store::tokens::create(&app.db, user, "fuzz", &token.hash())
            .await
            .expect("a token");
        let mut caller = signed_in(&app, i).await.expect("a session");
        caller.token = Some(token.expose().to_string());
        callers.push(Some(caller));
    }
    let locations = veilig::store::organisations::list_locations(
        &app.db,
        veilig::domain::staff::Scope::National,
    )
    .await
    .expect("locations");
    let eik = locations
        .iter()
        .find(|l| l.name == "Groep Eik")
        .expect("Groep Eik")
        .id;
    let cases = setting("VEILIG_FUZZ_CASES", DEFAULT_CASES as u64) as usize;
    let seed = setting("VEILIG_FUZZ_SEED", DEFAULT_SEED);
    let codes = app.codes("2023", eik, (cases / 20).clamp(2, 1000)).await;
    // A child's browser with a survey under way, for the survey's form posts.
    let child = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("a client");
    let started = child
        .post(app.url("/survey/start"))
        .form(&[("code", codes[0].as_str()), ("lang", "nl")])
        .send()
        .await
        .expect("the survey starts");
    assert_eq!(started.status(), 303);
    let anonymous = app.client.clone();

    let mut rows = matrix();
    rows.extend(deeper::rows());
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let strategy = (0..rows.len(), 0..CALLERS.len(), inputs::mutation());
    let rss_before = rss_mib();
    let mut rss_half = rss_before;
    let clock = std::time::Instant::now();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    let mut failures: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for case in 0..cases {
        let (r, caller, mutation) = strategy.new_tree(&mut runner).expect("a case").current();
        let row = &rows[r];
        let fresh_code = &codes[case % codes.len()];
        let forwarded = format!(
            "10.{}.{}.{}",
            case / 65536 % 256,
            case / 256 % 256,
            case % 256
        );
        let answer = request::send(
            &app.address,
            row,
            &w,
            caller,
            callers[caller].as_ref(),
            &child,
            &anonymous,
            &mutation,
            fresh_code,
            &forwarded,
        )
        .await;
        let found = match &answer {
            Ok(answer) => {
                *statuses.entry(answer.status).or_default() += 1;
                problems(answer)
            }
            Err(e) => vec![e.clone()],
        };
        for problem in found {
            let key = format!("{} {} {problem}", row.method, row.route);
            let example = format!("case {case}: as {}, {mutation:?}", CALLERS[caller]);
            let entry = failures.entry(key).or_insert((0, example));
            entry.0 += 1;
        }
        // Signing out, unlocking a kiosk or a lost session: sign in again and go on.
        if caller > 0
            && row.auth == Auth::Session
            && answer.as_ref().is_ok_and(|a| a.clears_session)
        {
            let token = callers[caller].as_ref().and_then(|c| c.token.clone());
            let mut again = signed_in(&app, caller).await.expect("a session");
            again.token = token;
            callers[caller] = Some(again);
        }
        if case == cases / 2 {
            rss_half = rss_mib();
        }
        if case % 5000 == 4999 {
            eprintln!(
                "fuzz {kind:?}: {} cases, {:.1} s, RSS {} MiB",
                case + 1,
                clock.elapsed().as_secs_f64(),
                rss_mib()
            );
        }
    }
    let elapsed = clock.elapsed();
    let health = app.get("/health").await.status();
    // Whatever was stored, held responses still move into the results.
    app.mix_responses().await;
    let rss_after = rss_mib();
    eprintln!(
        "fuzz {kind:?}: {cases} cases (seed {seed}) in {:.1} s, {:.0} per second; statuses {statuses:?}; \
         RSS of the test process {rss_before} MiB before, {rss_half} MiB halfway, {rss_after} MiB after",
        elapsed.as_secs_f64(),
        cases as f64 / elapsed.as_secs_f64().max(0.001)
    );
    let _ = std::fs::remove_dir_all(&site);
    assert_eq!(health, 200, "the server still answers /health");
    let report: Vec<String> = failures
        .iter()
        .map(|(k, (n, example))| format!("{k} ({n}×; first {example})"))
        .collect();
    assert!(report.is_empty(), "{report:#?}");
    // Memory rises while allocators and caches warm up, then must stay level: the second half
    // of the run may not add more than a little. (Alone, both databases stay within 3 MiB.)
    assert!(
        rss_after < rss_half + 64,
        "memory kept growing: {rss_half} MiB halfway, {rss_after} MiB at the end"
    );
}

/// One database at a time, so each run's memory is its own.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

mod every_route_takes_hostile_input_calmly {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let _turn = super::ONE_AT_A_TIME.lock().await;
        super::fuzz(veilig_tests::Db::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let _turn = super::ONE_AT_A_TIME.lock().await;
        super::fuzz(veilig_tests::Db::Postgres).await;
    }
}
