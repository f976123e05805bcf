//! Two-factor sign-in for staff, tried as a person and as an attacker would: codes are
//! computed here from the key the enrolment page shows (RFC 6238 through `totp-rs`, as an
//! authenticator app does), not through the server's own code.

use veilig::domain::two_factor::TwoFactorRoles;
use veilig_tests::{
    authenticator_code as code, csrf_in, on_both_databases, unix_now as now, StaffClient, TestApp,
    TEST_PASSWORD,
};

/// The server's default: administrators and researchers need a second factor.
fn required(settings: &mut veilig::config::Settings) {
    settings.two_factor = TwoFactorRoles::default();
}

/// The text of the element with `id` (its tags and leptos' markers removed).
fn text_of(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let start = html.find(&marker)?;
    let start = start + html[start..].find('>')? + 1;
    let end = start + html[start..].find("</code>")?;
    Some(html[start..end].replace("<!>", "").trim().to_string())
}

fn recovery_codes_in(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .filter_map(|part| part.split("</code>").next())
        .map(|c| c.replace("<!>", ""))
        .collect()
}

/// The session token a response sets.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("veilig_session="))
        .and_then(|v| v.split(';').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
}

/// Signs in with the password only: the browser, and the token of its pending session.
async fn password_only(app: &TestApp, email: &str) -> (StaffClient, String) {
    let mut staff = app.browser();
    let response = staff.submit_login(email, TEST_PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/staff/two-factor", "for {email}");
    let token = session_cookie(&response).expect("a pending session");
    let page = staff.get("/staff/two-factor").await.text().await.unwrap();
    staff.csrf = csrf_in(&page).expect("the second step's form");
    (staff, token)
}

/// Enrols `email` (signed in with its password) and returns its browser, now fully signed in,
/// the key, the step its first code used and the recovery codes.
async fn enrol(app: &TestApp, email: &str) -> (StaffClient, String, u64, Vec<String>) {
    let (mut staff, key, step, codes) = enrol_at(app, &app.address, email).await;
    let home = staff.get("/staff").await.text().await.unwrap();
    staff.csrf = csrf_in(&home).expect("signed in");
    (staff, key, step, codes)
}

async fn sign_out(staff: &StaffClient) {
    assert_eq!(staff.post("/staff/logout", &[]).await.status(), 303);
}

on_both_databases! { with required;
    async fn a_researcher_enrols_and_then_signs_in_with_each_code_once(app) {
        let email = "onderzoek@example.nl";
        app.add_staff(email, "researcher", None).await;
        let (staff, pending) = password_only(&app, email).await;

        // The pending session opens nothing but the second step: no page, no action.
        for path in ["/staff", "/staff/waves", "/staff/results", "/staff/tokens", "/staff/password",
                     "/staff/organisations", "/staff/codes", "/staff/response", "/staff/open-answers"] {
            let response = staff.get(path).await;
            assert_eq!(response.status(), 303, "{path}");
            assert_eq!(location(&response), "/staff/two-factor", "{path}");
        }
        let made = staff.post("/staff/tokens", &[("name", "script")]).await;
        assert_eq!(location(&made), "/staff/two-factor");
        let api = app.client.get(app.url("/api/v1/waves/2021/publication")).header("cookie", format!("veilig_session={pending}")).send().await.unwrap();
        assert_eq!(api.status(), 401, "the API takes tokens, never a session");

        // Enrolment shows the same key on every visit until it is confirmed.
        let page = staff.get("/staff/two-factor").await.text().await.unwrap();
        assert!(page.contains("Set up two-factor sign-in") && page.contains("<svg"), "{page}");
        let key = text_of(&page, "two-factor-key").expect("the key as text");
        let again = staff.get("/staff/two-factor").await.text().await.unwrap();
        assert_eq!(text_of(&again, "two-factor-key").as_deref(), Some(key.as_str()));
        let (other, _) = password_only(&app, email).await;
        let theirs = other.get("/staff/two-factor").await.text().await.unwrap();
        assert_ne!(text_of(&theirs, "two-factor-key").as_deref(), Some(key.as_str()),
                   "another session, even with the password, is shown another key");
        let wrong = staff.post("/staff/two-factor/enrol", &[("code", "000000")]).await;
        // (A chance of 3 in a million that 000000 is right.)
        assert_eq!(wrong.status(), 422);
        let enrolled_at = now();
        let first = code(&key, enrolled_at);
        let response = staff.post("/staff/two-factor/enrol", &[("code", &first)]).await;
        assert_eq!(response.status(), 200);
        let full = session_cookie(&response).expect("a new session");
        assert_ne!(full, pending, "the token changes with the second factor");
        let codes = recovery_codes_in(&response.text().await.unwrap());
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert_eq!(staff.get("/staff").await.status(), 200);
        let old = app.client.get(app.url("/staff/two-factor")).header("cookie", format!("veilig_session={pending}")).send().await.unwrap();
        assert_eq!(location(&old), "/staff/login", "the pending token is of no use after the second step");

        // Neither the key nor a recovery code is in the database, in any form an attacker reads.
        let stored = app.stored_bytes();
        let compact: String = key.split_whitespace().collect();
        for secret in std::iter::once(compact.clone()).chain(codes.iter().cloned()).chain(codes.iter().map(|c| c.replace('-', ""))) {
            assert!(!stored.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} is stored as it is");
        }

        // A later step's code signs in once: sent again at once, while it is still the
        // app's code, it is refused.
        let mut staff = staff;
        staff.csrf = csrf_in(&staff.get("/staff").await.text().await.unwrap()).unwrap();
        sign_out(&staff).await;
        let (staff, _) = password_only(&app, email).await;
        let next = code(&key, (now() / 30 + 1) * 30);
        let response = staff.post("/staff/two-factor/verify", &[("code", &next)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/staff");
        assert_eq!(staff.get("/staff/waves").await.status(), 200);
        let mut staff = staff;
        staff.csrf = csrf_in(&staff.get("/staff").await.text().await.unwrap()).unwrap();
        sign_out(&staff).await;
        let (staff, _) = password_only(&app, email).await;
        let replay = staff.post("/staff/two-factor/verify", &[("code", &next)]).await;
        assert_eq!(replay.status(), 422, "a code is accepted once");
        let earlier = staff.post("/staff/two-factor/verify", &[("code", &first)]).await;
        assert_eq!(earlier.status(), 422, "and no code of an earlier step");

        // A recovery code instead of the app, however it is typed: once.
        let typed = codes[3].to_uppercase().replace('-', " ");
        let response = staff.post("/staff/two-factor/verify", &[("code", &typed)]).await;
        assert_eq!(location(&response), "/staff");
        let mut staff = staff;
        staff.csrf = csrf_in(&staff.get("/staff").await.text().await.unwrap()).unwrap();
        let state = staff.get("/staff/two-factor").await.text().await.unwrap();
        assert!(state.contains("9 recovery codes left"), "{state}");
        sign_out(&staff).await;
        let (staff, _) = password_only(&app, email).await;
        let used = staff.post("/staff/two-factor/verify", &[("code", &codes[3])]).await;
        assert_eq!(used.status(), 422, "a recovery code works once");
        let other = staff.post("/staff/two-factor/verify", &[("code", &codes[4])]).await;
        assert_eq!(location(&other), "/staff");
    }

    async fn wrong_codes_count_toward_the_sign_in_limit(app) {
        let email = "beheer@example.nl";
        app.add_staff(email, "admin", None).await;
        let (_, key, _, _) = enrol(&app, email).await;
        let (staff, _) = password_only(&app, email).await;
        for _ in 0..5 {
            let wrong = staff.post("/staff/two-factor/verify", &[("code", "abcd-efgh-jkmn")]).await;
            assert_eq!(wrong.status(), 422);
        }
        let right = code(&key, (now() / 30 + 1) * 30);
        let limited = staff.post("/staff/two-factor/verify", &[("code", &right)]).await;
        assert_eq!(limited.status(), 429, "five wrong codes stop even the right one");
        // And the password step too: the account waits.
        let again = app.browser().submit_login(email, TEST_PASSWORD).await;
        assert_eq!(location(&again), "/staff/login?error=limited");
    }

    async fn an_administrator_resets_a_lost_phone_and_the_account_enrols_again(app) {
        app.add_staff("beheer@example.nl", "admin", None).await;
        let researcher = app.add_staff("onderzoek@example.nl", "researcher", None).await;
        let (admin, _, _, _) = enrol(&app, "beheer@example.nl").await;
        let (lost, old_key, _, old_codes) = enrol(&app, "onderzoek@example.nl").await;

        let users = admin.get("/staff/users").await.text().await.unwrap();
        assert!(users.contains("Reset two-factor sign-in for onderzoek@example.nl"), "{users}");
        let reset = admin.post(&format!("/staff/users/{researcher}/reset-two-factor"), &[]).await;
        assert_eq!(reset.status(), 200);
        assert_eq!(location(&lost.get("/staff").await), "/staff/login", "signed out everywhere");
        let audit = admin.get("/staff/audit").await.text().await.unwrap();
        assert!(audit.contains("user.reset_two_factor") && audit.contains("onderzoek@example.nl"));

        // At the next sign-in: a new key, and the old codes are gone.
        let (staff, _) = password_only(&app, "onderzoek@example.nl").await;
        let page = staff.get("/staff/two-factor").await.text().await.unwrap();
        let key = text_of(&page, "two-factor-key").expect("enrolment again");
        assert_ne!(key, old_key);
        let old = staff.post("/staff/two-factor/verify", &[("code", &old_codes[0])]).await;
        assert_eq!(old.status(), 422, "the old recovery codes are gone");
        assert_eq!(veilig::store::two_factor::recovery_codes_left(&app.db, researcher).await.unwrap(), 0);
    }

    async fn institution_roles_need_a_second_factor_only_when_the_deployment_says_so(app) {
        app.with_register().await;
        let organisation = app.organisation_id("De Linde").await;
        // Not required: the password is enough.
        app.add_staff("kijker@example.nl", "institution_viewer", Some(organisation)).await;
        let response = app.browser().submit_login("kijker@example.nl", TEST_PASSWORD).await;
        assert_eq!(location(&response), "/staff");
        // A server that requires it of institution viewers (another app server, same database).
        let strict = app.another_server(|s| s.two_factor = "admin,researcher,institution_viewer".parse().unwrap()).await;
        let response = app.browser_at(&strict).submit_login("kijker@example.nl", TEST_PASSWORD).await;
        assert_eq!(location(&response), "/staff/two-factor");
        // Someone who chose to enrol is asked for it whatever their role.
        let (_, _, _, _) = enrol_at(&app, &strict, "kijker@example.nl").await;
        let response = app.browser().submit_login("kijker@example.nl", TEST_PASSWORD).await;
        assert_eq!(location(&response), "/staff/two-factor", "enrolled: asked on every server");
    }

    async fn a_temporary_password_is_changed_right_after_the_second_factor(app) {
        let (_, temporary) = veilig::accounts::add_user(&app.db, None, "nieuw@example.nl", "researcher", None, None)
            .await
            .unwrap();
        let temporary = temporary.expect("a temporary password");
        let mut staff = app.browser();
        let response = staff.submit_login("nieuw@example.nl", temporary.expose()).await;
        assert_eq!(location(&response), "/staff/two-factor");
        let page = staff.get("/staff/two-factor").await.text().await.unwrap();
        staff.csrf = csrf_in(&page).unwrap();
        let key = text_of(&page, "two-factor-key").unwrap();
        let response = staff.post("/staff/two-factor/enrol", &[("code", &code(&key, now()))]).await;
        let page = response.text().await.unwrap();
        assert!(page.contains("href=\"/staff/password\" class=\"primary-link\""), "{page}");
        assert_eq!(location(&staff.get("/staff").await), "/staff/password");
    }
}

/// [`enrol`] through the server at `address`.
async fn enrol_at(
    app: &TestApp,
    address: &str,
    email: &str,
) -> (StaffClient, String, u64, Vec<String>) {
    let mut staff = app.browser_at(address);
    let response = staff.submit_login(email, TEST_PASSWORD).await;
    assert_eq!(location(&response), "/staff/two-factor");
    let page = staff.get("/staff/two-factor").await.text().await.unwrap();
    staff.csrf = csrf_in(&page).unwrap();
    let key = text_of(&page, "two-factor-key").expect("the key as text");
    let at = now();
    let response = staff
        .post("/staff/two-factor/enrol", &[("code", &code(&key, at))])
        .await;
    assert_eq!(response.status(), 200);
    let codes = recovery_codes_in(&response.text().await.unwrap());
    (staff, key, at / 30, codes)
}

on_both_databases! {
    async fn a_voluntary_enrolment_keeps_the_session_and_new_recovery_codes_need_a_code(app) {
        // The test servers ask no role (`TwoFactorRoles::none`): enrolling is a choice here.
        let mut staff = app.staff("beheer@example.nl", "admin", None).await;
        let page = staff.get("/staff/two-factor").await.text().await.unwrap();
        assert!(!page.contains("Your account can read figures"), "not required here");
        let key = text_of(&page, "two-factor-key").unwrap();
        assert!(page.contains("autocomplete=\"current-password\""), "the password is asked");
        let right = code(&key, now());
        let without = staff.post("/staff/two-factor/enrol", &[("code", &right), ("password", "not it at all")]).await;
        assert_eq!(without.status(), 422, "a session left open does not let someone else bind a phone");
        let response = staff.post("/staff/two-factor/enrol", &[("code", &right), ("password", TEST_PASSWORD)]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert!(session_cookie(&response).is_none(), "a full session stays as it is");
        staff.csrf = csrf_in(&staff.get("/staff").await.text().await.unwrap()).unwrap();
        // New recovery codes need a code from the app.
        let refused = staff.post("/staff/two-factor/recovery-codes", &[("code", "123")]).await;
        assert_eq!(refused.status(), 422);
        let fresh = staff.post("/staff/two-factor/recovery-codes", &[("code", &code(&key, (now() / 30 + 1) * 30))]).await;
        assert_eq!(fresh.status(), 200);
        assert_eq!(recovery_codes_in(&fresh.text().await.unwrap()).len(), 10);
    }
}
