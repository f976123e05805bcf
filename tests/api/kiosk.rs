//! Kiosk tablets: unlocked by staff for one location and wave, they take that location's codes
//! only, and their pages go back to the start after the idle time.

use serde_json::json;
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, StaffClient, TestApp};

struct Setup {
    own: i32,
    other: i32,
    own_codes: Vec<String>,
    other_code: String,
}

async fn setup(app: &TestApp) -> Setup {
    let locations = app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    Setup {
        own: locations["Groep Eik"],
        other: locations["Team 1"],
        own_codes: app.codes("2023", locations["Groep Eik"], 2).await,
        other_code: app.codes("2023", locations["Team 1"], 1).await.remove(0),
    }
}

/// Unlocks `tablet` (a signed-in browser) for a location; returns the answer.
async fn unlock(tablet: &StaffClient, location: i32, wave: &str) -> reqwest::Response {
    tablet
        .post(
            "/staff/kiosk",
            &[("location", &location.to_string()), ("wave", wave)],
        )
        .await
}

on_both_databases! {
    async fn an_unlocked_tablet_takes_codes_of_its_own_location_only(app) {
        let s = setup(&app).await;
        let linde = app.organisation_id("De Linde").await;
        let tablet = app.staff("groep@example.nl", "institution_admin", Some(linde)).await;
        assert_eq!(tablet.get("/staff/kiosk").await.status(), 200);
        let unlocked = unlock(&tablet, s.own, "2023").await;
        assert_eq!(unlocked.status(), 303);
        assert_eq!(unlocked.headers()["location"], "/");
        let cookies: Vec<String> = unlocked.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_string()).collect();
        let kiosk = cookies.iter().find(|c| c.starts_with("veilig_kiosk=v1.")).expect("a kiosk pass");
        assert!(kiosk.contains("HttpOnly") && kiosk.contains("SameSite=Strict") && kiosk.contains("Max-Age=43200"), "{kiosk}");
        // The staff member is signed out on the tablet at once.
        assert!(cookies.iter().any(|c| c.starts_with("veilig_session=;")), "{cookies:?}");
        assert_eq!(tablet.get("/staff").await.headers()["location"], "/staff/login");

        let start = tablet.get("/").await.text().await.unwrap();
        assert!(start.contains("data-kiosk-idle=\"180\""), "kiosk.js is told the idle time");
        assert!(start.contains("<noscript><meta http-equiv=\"refresh\" content=\"180;url=/survey/reset\""));

        // Another location's code: refused by the form and by the API alike.
        let refused = tablet.client.post(app.url("/survey/start")).form(&[("code", s.other_code.as_str())]).send().await.unwrap();
        assert_eq!(refused.headers()["location"], "/?error=wrong_location&lang=nl");
        let api = tablet.client.post(app.url("/api/v1/codes/check")).json(&json!({ "code": s.other_code })).send().await.unwrap();
        assert_eq!(api.status(), 409);
        assert_eq!(api.json::<serde_json::Value>().await.unwrap()["error"], "wrong_location");
        let page = tablet.get("/?error=wrong_location").await.text().await.unwrap();
        assert!(page.contains("Deze code hoort niet bij deze tablet"));
        // Its own codes work, and every survey page carries the idle time.
        let api = tablet.client.post(app.url("/api/v1/codes/check")).json(&json!({ "code": s.own_codes[0] })).send().await.unwrap();
        assert_eq!(api.status(), 200);
        let started = tablet.client.post(app.url("/survey/start")).form(&[("code", s.own_codes[1].as_str())]).send().await.unwrap();
        assert_eq!(started.headers()["location"], "/survey");
        let screen = tablet.get("/survey").await.text().await.unwrap();
        assert!(screen.contains("data-kiosk-idle=\"180\"") && screen.contains("url=/survey/reset"));
        let thanks = tablet.get("/survey/thanks").await.text().await.unwrap();
        assert!(thanks.contains("href=\"/survey/reset\""), "Done hands the tablet on");

        // Without the pass (another browser), any location's code starts.
        let (other_status, _) = (app.post_json("/api/v1/codes/check", &json!({ "code": s.other_code })).await.status(), ());
        assert_eq!(other_status, 200);
        let audit = app.strings("SELECT action AS a FROM audit_log WHERE action LIKE 'kiosk.%'", &["a"]).await;
        assert_eq!(audit, [["kiosk.unlock".to_string()]]);
    }

    async fn a_tablet_is_unlocked_only_for_an_own_location_and_an_open_wave(app) {
        let s = setup(&app).await;
        app.wave("2021", WaveState::Closed).await;
        let linde = app.organisation_id("De Linde").await;
        let tablet = app.staff("groep@example.nl", "institution_admin", Some(linde)).await;
        assert_eq!(unlock(&tablet, s.other, "2023").await.status(), 404, "another organisation's location");
        assert_eq!(unlock(&tablet, s.own, "2021").await.status(), 409, "a closed wave");
        assert_eq!(unlock(&tablet, s.own, "nope").await.status(), 409);
        let viewer = app.staff("kijker@example.nl", "institution_viewer", Some(linde)).await;
        assert_eq!(unlock(&viewer, s.own, "2023").await.status(), 403);
        assert_eq!(tablet.get("/").await.text().await.unwrap().matches("data-kiosk-idle").count(), 0);
    }

    async fn a_forged_or_ended_pass_makes_no_kiosk(app) {
        let s = setup(&app).await;
        let child = app.browser();
        let forged = child.client.post(app.url("/api/v1/codes/check"))
            .header("cookie", format!("veilig_kiosk=v1.{}.2023.99999999999.{}", s.other, "0".repeat(64)))
            .json(&json!({ "code": s.own_codes[0] })).send().await.unwrap();
        assert_eq!(forged.status(), 200, "a pass that was not signed here is ignored");

        let researcher = app.staff("onderzoek@example.nl", "researcher", None).await;
        let unlocked = unlock(&researcher, s.own, "2023").await;
        assert_eq!(unlocked.status(), 303);
        // Signing in again on the tablet, staff can see and lock it.
        let login = researcher.submit_login("onderzoek@example.nl", veilig_tests::TEST_PASSWORD).await;
        assert_eq!(login.status(), 303);
        let page = researcher.get("/staff/kiosk").await.text().await.unwrap();
        assert!(page.contains("This tablet is unlocked") && page.contains("Groep Eik"), "{page}");
        let csrf = veilig_tests::csrf_in(&page).unwrap();
        let locked = researcher.client.post(app.url("/staff/kiosk/end")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(locked.status(), 200);
        let cleared = locked.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cleared.starts_with("veilig_kiosk=;") && cleared.contains("Max-Age=0"), "{cleared}");
    }
}
