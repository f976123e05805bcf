//! Institutions and the people around them, in Chromium on the demo data: an institution viewer
//! sees its own organisation only (response, results beside the benchmarks, incidents, a
//! printable report); a researcher sees every organisation; an administrator manages accounts
//! and reads the audit log. axe-core checks each page.

use crate::driver::Browser;
use crate::participation::{fill, sign_in, sign_out, submit};
use fantoccini::Locator;
use veilig::demo::DemoOptions;
use veilig::domain::staff::Scope;
use veilig_tests::{spawn_app, Db, TestApp};

/// A smaller demo than the default, still with organisations above and below k.
async fn demo_app() -> TestApp {
    let app = spawn_app(Db::Sqlite).await;
    let options = DemoOptions {
        responses_per_wave: 2_000,
        seed: 7,
    };
    veilig::demo::fill(&app.db, &app.pepper, &app.instruments(), &options)
        .await
        .expect("demo data");
    app
}

/// The organisation with the most 2021 responses among those that registered incidents.
/// The organisation with the most children in 2021 among those that register incidents and
/// whose share the publication shows (the engine may hide a large one's as a complement).
async fn large_registering_organisation(app: &TestApp) -> (i32, String) {
    let rows = app
        .strings(
            "SELECT CAST(r.organisation_id AS TEXT) AS o, CAST(COUNT(*) AS TEXT) AS n FROM response r \
             JOIN wave w ON w.id = r.wave_id WHERE w.label = '2021' \
             AND r.organisation_id IN (SELECT organisation_id FROM incident_count) \
             GROUP BY r.organisation_id",
            &["o", "n"],
        )
        .await;
    let wave = veilig::store::waves::find_by_label(&app.db, "2021")
        .await
        .unwrap()
        .unwrap();
    let instruments = veilig::store::instruments::InstrumentCache::default();
    let kept = veilig::results::published::PublishedTables::default();
    let source = veilig::results::Source {
        db: &app.db,
        instruments: &instruments,
        k: app.k,
        published: &kept,
    };
    let publication = veilig::results::published::publication(&source, &wave)
        .await
        .unwrap();
    let shown = |id: i32| {
        publication
            .table(veilig::domain::results::Dimension::Organisation)
            .is_some_and(|t| {
                t.rows
                    .iter()
                    .any(|r| r.value == id.to_string() && r.share_safe.is_some())
            })
    };
    let (id, _) = rows
        .iter()
        .map(|r| (r[0].parse::<i32>().unwrap(), r[1].parse::<i64>().unwrap()))
        .filter(|(id, _)| shown(*id))
        .max_by_key(|(_, n)| *n)
        .expect("an organisation whose share is shown");
    let name = veilig::store::organisations::find_organisation(&app.db, Scope::National, id)
        .await
        .unwrap()
        .unwrap()
        .name;
    (id, name)
}

async fn other_names(app: &TestApp, own: i32) -> Vec<String> {
    veilig::store::organisations::list_organisations(&app.db, Scope::National)
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.id != own)
        .map(|o| o.name)
        .collect()
}

async fn page_source(browser: &Browser) -> String {
    browser.client.source().await.unwrap()
}

async fn no_violations(browser: &Browser, name: &str) {
    browser.screenshot(&format!("staff-{name}")).await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "{name}: {violations:#?}");
}

async fn style_of(browser: &Browser, css: &str, property: &str) -> String {
    browser
        .client
        .execute(
            &format!("return getComputedStyle(document.querySelector(\"{css}\"))[\"{property}\"];"),
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn an_institution_viewer_sees_only_its_own_organisation_on_its_dashboard() {
    let app = demo_app().await;
    let (own, name) = large_registering_organisation(&app).await;
    let others = other_names(&app, own).await;
    app.add_staff("kijker@instelling.nl", "institution_viewer", Some(own))
        .await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    sign_in(&browser, &app, "kijker@instelling.nl").await;

    c.goto(&app.url("/staff/dashboard")).await.unwrap();
    assert_eq!(browser.text_of("h1").await, format!("Results for {name}"));
    // Response per location during the open wave.
    let response = browser.text_of("#dashboard-response").await;
    assert!(
        response.contains("Response per location, wave 2023"),
        "{response}"
    );
    let own_locations =
        veilig::store::organisations::list_locations(&app.db, Scope::Organisation(own))
            .await
            .unwrap();
    for l in &own_locations {
        assert!(response.contains(&l.name), "{} missing: {response}", l.name);
    }
    assert!(response.contains('%'), "a response rate: {response}");
    // Results of 2021 beside the benchmarks, with incidents beside felt safety.
    let results = browser.text_of(".wave-block table.results").await;
    assert!(results.contains(&name), "{results}");
    assert!(
        results.contains("All children in the Netherlands"),
        "{results}"
    );
    let own_row = browser
        .text_of(".wave-block table.results tbody tr.total")
        .await;
    assert!(own_row.contains('%'), "its own share: {own_row}");
    // The last two cells: recorded and reported incidents per 100 children per quarter.
    let rates: Vec<f64> = own_row
        .split_whitespace()
        .rev()
        .take(2)
        .filter_map(|t| t.parse().ok())
        .collect();
    assert_eq!(rates.len(), 2, "its incident rates: {own_row}");
    assert!(
        rates[0] <= rates[1],
        "no more reported than recorded: {own_row}"
    );
    assert!(browser
        .text_of(".wave-block")
        .await
        .contains("Where children feel least safe"));
    let html = page_source(&browser).await;
    for other in &others {
        assert!(
            !html.contains(other.as_str()),
            "{other} shows on {name}'s dashboard"
        );
    }
    no_violations(&browser, "dashboard").await;

    // Printed: no navigation, each wave on its own page, and the notices stay.
    browser.emulate_media("print").await;
    assert_eq!(style_of(&browser, ".site-header", "display").await, "none");
    assert_eq!(
        style_of(&browser, ".wave-block", "breakBefore").await,
        "page"
    );
    browser.emulate_media("screen").await;

    // Another organisation's dashboard or registrations are not found.
    let other = veilig::store::organisations::list_organisations(&app.db, Scope::National)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.id != own)
        .unwrap();
    c.goto(&app.url(&format!("/staff/dashboard?organisation={}", other.id)))
        .await
        .unwrap();
    assert!(browser.text_of("h1").await.contains("Not found"));

    // Its own incident counts, read only.
    c.goto(&app.url("/staff/incidents")).await.unwrap();
    let reports = browser.text_of("#incident-reports").await;
    assert!(reports.contains("2021 Q2"), "{reports}");
    assert!(
        c.find(Locator::Css("form[action='/staff/incidents']"))
            .await
            .is_err(),
        "a viewer does not register"
    );
    let html = page_source(&browser).await;
    for other in &others {
        assert!(
            !html.contains(other.as_str()),
            "{other} shows on the incidents page"
        );
    }
    no_violations(&browser, "incidents-viewer").await;
    browser.close().await;
}

#[tokio::test]
async fn an_institution_with_too_few_responses_keeps_the_notice_on_paper() {
    let app = demo_app().await;
    let small = app
        .strings(
            "SELECT CAST(o.id AS TEXT) AS o FROM organisation o LEFT JOIN response r ON r.organisation_id = o.id \
             GROUP BY o.id HAVING COUNT(r.id) = 0",
            &["o"],
        )
        .await;
    // A new organisation without responses, if the demo has none.
    let id = match small.first() {
        Some(row) => row[0].parse().unwrap(),
        None => {
            app.with_register().await;
            app.organisation_id("De Linde").await
        }
    };
    app.add_staff("klein@instelling.nl", "institution_admin", Some(id))
        .await;
    let browser = Browser::start(true).await;
    sign_in(&browser, &app, "klein@instelling.nl").await;
    browser
        .client
        .goto(&app.url("/staff/dashboard"))
        .await
        .unwrap();
    assert!(browser
        .text_of(".wave-block .notice")
        .await
        .contains("Too few responses"));
    browser.emulate_media("print").await;
    assert_ne!(
        style_of(&browser, ".wave-block .notice", "display").await,
        "none",
        "the notice is printed"
    );
    browser.emulate_media("screen").await;
    no_violations(&browser, "dashboard-too-few").await;

    // An institution administrator registers a quarter, then corrects it.
    browser
        .client
        .goto(&app.url("/staff/incidents"))
        .await
        .unwrap();
    no_violations(&browser, "incidents-form").await;
    fill(&browser, "children_placed", "12").await;
    fill(&browser, "physical_peer_recorded", "3").await;
    fill(&browser, "physical_peer_reported", "1").await;
    submit(&browser, "/staff/incidents").await;
    let flash = browser.text_of(".flash").await;
    assert!(
        flash.starts_with("Saved:") || flash.starts_with("Corrected:"),
        "{flash}"
    );
    fill(&browser, "physical_peer_recorded", "4").await;
    submit(&browser, "/staff/incidents").await;
    assert!(browser.text_of(".flash").await.starts_with("Corrected:"));
    let audit = veilig::store::staff::recent_audit(&app.db, 5)
        .await
        .unwrap();
    assert!(
        audit.iter().any(|e| e.action == "incidents.correct"
            && e.detail.contains("physical by a peer recorded 3 → 4")),
        "{audit:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_researcher_sees_every_organisation() {
    let app = demo_app().await;
    app.add_staff("onderzoek@example.nl", "researcher", None)
        .await;
    let all = other_names(&app, 0).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    sign_in(&browser, &app, "onderzoek@example.nl").await;

    c.goto(&app.url("/staff/response?wave=2023")).await.unwrap();
    let table = browser.text_of("#response-table").await;
    for name in &all {
        assert!(
            table.contains(name.as_str()),
            "{name} is missing from the response page"
        );
    }

    c.goto(&app.url("/staff/incidents?wave=2021"))
        .await
        .unwrap();
    let national = browser.text_of("#national-incidents").await;
    // Setting types in words, never as the register's keys.
    for setting in [
        "Gezinshuis (family-style home)",
        "Youth justice (JJI)",
        "All settings",
    ] {
        assert!(national.contains(setting), "{setting}: {national}");
    }
    for key in ["gezinshuis", "foster_care", "open_residential"] {
        assert!(!national.contains(key), "{key}: {national}");
    }
    no_violations(&browser, "incidents-national").await;

    // Any institution's dashboard, as the institution sees it.
    let (id, name) = large_registering_organisation(&app).await;
    c.goto(&app.url(&format!("/staff/dashboard?organisation={id}")))
        .await
        .unwrap();
    assert_eq!(browser.text_of("h1").await, format!("Results for {name}"));
    no_violations(&browser, "dashboard-researcher").await;
    browser.close().await;
}

#[tokio::test]
async fn an_administrator_manages_accounts_and_reads_the_audit_log() {
    let app = demo_app().await;
    app.add_staff("beheer@example.nl", "admin", None).await;
    let browser = Browser::start(true).await;
    let c = &browser.client;
    // From the start page to the sign-in form, switching its language in place on the way: the
    // form keeps the token the server put in it.
    c.goto(&app.url("/")).await.unwrap();
    browser.wait_for_scripts().await;
    browser.click_to_next_page("p.staff-link a").await;
    browser.wait_for_scripts().await;
    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::XPath("//h1[text()='Staff sign-in']"))
        .await
        .expect("the form switches to English");
    let token = c
        .execute(
            "return document.querySelector(\"input[name='csrf']\").value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(token.as_str().map(str::len), Some(43), "{token}");
    fill(&browser, "email", "beheer@example.nl").await;
    fill(&browser, "password", veilig_tests::TEST_PASSWORD).await;
    browser.click_to_next_page("form.login-form button").await;
    c.wait()
        .for_element(Locator::Css("body.staff"))
        .await
        .expect("signed in");

    c.goto(&app.url("/staff/users")).await.unwrap();
    no_violations(&browser, "users").await;
    fill(&browser, "email", "nieuw@instelling.nl").await;
    c.find(Locator::Css("#role option[value='institution_viewer']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#organisation option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    submit(&browser, "/staff/users").await;
    let flash = browser.text_of(".flash").await;
    assert!(flash.contains("Temporary password"), "{flash}");
    let users = browser.text_of("table.data").await;
    assert!(users.contains("nieuw@instelling.nl"), "{users}");
    // With another account listed, its row has buttons to check too.
    no_violations(&browser, "users-listed").await;

    let id = veilig::store::staff::find_user_by_email(
        &app.db,
        &veilig::domain::staff::Email::parse("nieuw@instelling.nl").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    browser
        .click_to_next_page(&format!(
            "form[action='/staff/users/{id}/deactivate'] button"
        ))
        .await;
    assert!(browser.text_of("table.data").await.contains("deactivated"));

    c.goto(&app.url("/staff/audit")).await.unwrap();
    let log = browser.text_of("table.data").await;
    for action in ["user.add", "user.deactivate", "session.sign_in"] {
        assert!(log.contains(action), "{action}: {log}");
    }
    no_violations(&browser, "audit").await;
    sign_out(&browser).await;
    browser.close().await;
}
