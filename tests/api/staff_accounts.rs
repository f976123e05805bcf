//! Staff accounts: sign-in, sessions, CSRF, password change and reset, roles, rate limit.

use sea_orm::{ConnectionTrait, Statement};
use veilig_tests::{on_both_databases, TEST_PASSWORD};

on_both_databases! {
    async fn staff_sign_in_with_the_right_password_and_reach_their_home(app) {
        app.add_staff("onderzoek@example.nl", "researcher", None).await;
        let staff = app.sign_in("Onderzoek@Example.nl ", TEST_PASSWORD).await;
        let page = staff.get("/staff").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("onderzoek@example.nl"));
        assert!(html.contains("researcher"));
    }

    async fn the_session_cookie_is_http_only_and_same_site_strict(app) {
        app.add_staff("a@example.nl", "admin", None).await;
        let response = app.browser().submit_login("a@example.nl", TEST_PASSWORD).await;
        let cookie = response.headers().get_all("set-cookie").iter()
            .map(|c| c.to_str().unwrap().to_string())
            .find(|c| c.starts_with("veilig_session="))
            .expect("a session cookie");
        assert!(cookie.starts_with("veilig_session="));
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        // The database keeps only the hash of the token.
        let token = cookie.trim_start_matches("veilig_session=").split(';').next().unwrap();
        let rows = app
            .db
            .query_all_raw(Statement::from_string(app.db.get_database_backend(), "SELECT id_hash FROM staff_session"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let stored: String = rows[0].try_get("", "id_hash").unwrap();
        assert_ne!(stored, token);
    }

    async fn a_wrong_password_or_unknown_address_gets_the_same_calm_answer(app) {
        app.add_staff("a@example.nl", "admin", None).await;
        for (email, password) in [("a@example.nl", "wrong password here"), ("nobody@example.nl", TEST_PASSWORD), ("", "")] {
            let response = app.browser().submit_login(email, password).await;
            assert_eq!(response.status(), 303);
            assert_eq!(response.headers()["location"], "/staff/login?error=invalid");
            assert!(response.headers().get("set-cookie").is_none());
        }
        let page = app.get("/staff/login?error=invalid").await.text().await.unwrap();
        assert!(page.contains("Dat e-mailadres of wachtwoord klopt niet."));
    }

    async fn sign_in_is_rate_limited_per_account(app) {
        app.add_staff("a@example.nl", "admin", None).await;
        for _ in 0..5 {
            let r = app.browser().submit_login("a@example.nl", "wrong password here").await;
            assert_eq!(r.headers()["location"], "/staff/login?error=invalid");
        }
        // Now even the right password is refused until the window is over.
        let r = app.browser().submit_login("a@example.nl", TEST_PASSWORD).await;
        assert_eq!(r.headers()["location"], "/staff/login?error=limited");
        let page = app.get("/staff/login?error=limited&lang=en").await.text().await.unwrap();
        assert!(page.contains("Too many attempts"));
    }

    async fn a_sign_in_without_the_forms_token_is_refused_even_with_the_right_password(app) {
        app.add_staff("a@example.nl", "admin", None).await;
        // Another site's form: no cookie, no token. Then a stolen token without its cookie,
        // and the browser's own cookie with a made-up token.
        let foreign = app.client.post(app.url("/staff/login"))
            .form(&[("email", "a@example.nl"), ("password", TEST_PASSWORD)])
            .send().await.unwrap();
        let browser = app.browser();
        let page = browser.get("/staff/login").await;
        assert_eq!(page.headers()["cache-control"], "no-store");
        let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.starts_with("veilig_login=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        let token = veilig_tests::csrf_in(&page.text().await.unwrap()).unwrap();
        let stolen = app.client.post(app.url("/staff/login"))
            .form(&[("csrf", token.as_str()), ("email", "a@example.nl"), ("password", TEST_PASSWORD)])
            .send().await.unwrap();
        let made_up = browser.client.post(app.url("/staff/login"))
            .form(&[("csrf", "made-up"), ("email", "a@example.nl"), ("password", TEST_PASSWORD)])
            .send().await.unwrap();
        for refused in [foreign, stolen, made_up] {
            assert_eq!(refused.status(), 303);
            assert_eq!(refused.headers()["location"], "/staff/login?error=expired");
            assert!(refused.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("veilig_session")));
        }
        let page = app.get("/staff/login?error=expired&lang=en").await.text().await.unwrap();
        assert!(page.contains("The sign-in form had expired"));
        // The same browser with its own form's token signs in, and the form's cookie is cleared.
        let ok = browser.client.post(app.url("/staff/login"))
            .form(&[("csrf", token.as_str()), ("email", "a@example.nl"), ("password", TEST_PASSWORD)])
            .send().await.unwrap();
        assert_eq!(ok.headers()["location"], "/staff");
        assert!(ok.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("veilig_login=;")));
    }

    async fn staff_pages_without_a_session_send_you_to_sign_in(app) {
        for path in ["/staff", "/staff/users", "/staff/audit", "/staff/password"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 303, "{path}");
            assert_eq!(response.headers()["location"], "/staff/login", "{path}");
        }
    }

    async fn sign_out_ends_the_session_and_needs_the_csrf_token(app) {
        let staff = app.staff("a@example.nl", "researcher", None).await;
        let forged = staff.client.post(staff.url("/staff/logout")).form(&[("csrf", "forged")]).send().await.unwrap();
        assert_eq!(forged.status(), 403);
        assert_eq!(staff.get("/staff").await.status(), 200);
        let out = staff.post("/staff/logout", &[]).await;
        assert_eq!(out.status(), 303);
        assert_eq!(staff.get("/staff").await.status(), 303);
    }

    async fn only_administrators_manage_accounts_and_read_the_audit_log(app) {
        let researcher = app.staff("r@example.nl", "researcher", None).await;
        assert_eq!(researcher.get("/staff/users").await.status(), 403);
        assert_eq!(researcher.get("/staff/audit").await.status(), 403);
        let forbidden = researcher.post("/staff/users", &[("email", "x@example.nl"), ("role", "admin")]).await;
        assert_eq!(forbidden.status(), 403);
        let admin = app.staff("admin@example.nl", "admin", None).await;
        assert_eq!(admin.get("/staff/users").await.status(), 200);
        let audit = admin.get("/staff/audit").await.text().await.unwrap();
        assert!(audit.contains("session.sign_in"));
    }

    async fn an_administrator_adds_an_account_that_must_choose_its_own_password(app) {
        let admin = app.staff("admin@example.nl", "admin", None).await;
        let added = admin.post("/staff/users", &[("email", "nieuw@example.nl"), ("role", "researcher"), ("organisation", "")]).await;
        assert_eq!(added.status(), 201);
        let html = added.text().await.unwrap();
        let marker = "Temporary password (shown only now; hand it over in person or by phone): ";
        let start = html.find(marker).expect("the temporary password is shown") + marker.len();
        let temporary: String = html[start..].chars().take(20).collect();

        let again = admin.post("/staff/users", &[("email", "NIEUW@example.nl"), ("role", "researcher")]).await;
        assert_eq!(again.status(), 409);
        let bad = admin.post("/staff/users", &[("email", "not an address"), ("role", "boss")]).await;
        assert_eq!(bad.status(), 422);
        let bad = bad.text().await.unwrap();
        assert!(bad.contains("e-mail: this is not an e-mail address"));
        assert!(bad.contains("unknown role"));
        let no_org = admin.post("/staff/users", &[("email", "inst@example.nl"), ("role", "institution_viewer")]).await;
        assert_eq!(no_org.status(), 422);

        // First sign-in with the temporary password leads to the forced change.
        let newcomer = app.browser();
        let r = newcomer.submit_login("nieuw@example.nl", &temporary).await;
        assert_eq!(r.headers()["location"], "/staff/password");
        let home = newcomer.get("/staff").await;
        assert_eq!(home.status(), 303);
        assert_eq!(home.headers()["location"], "/staff/password");
        let page = newcomer.get("/staff/password").await.text().await.unwrap();
        let csrf = veilig_tests::csrf_in(&page).unwrap();
        let short = newcomer.client.post(app.url("/staff/password"))
            .form(&[("csrf", csrf.as_str()), ("current", temporary.as_str()), ("new", "short"), ("repeat", "short")])
            .send().await.unwrap();
        assert_eq!(short.status(), 422);
        assert!(short.text().await.unwrap().contains("at least 12 characters"));
        let changed = newcomer.client.post(app.url("/staff/password"))
            .form(&[("csrf", csrf.as_str()), ("current", temporary.as_str()), ("new", "my own new password"), ("repeat", "my own new password")])
            .send().await.unwrap();
        assert_eq!(changed.status(), 303);
        let again = app.sign_in("nieuw@example.nl", "my own new password").await;
        assert_eq!(again.get("/staff").await.status(), 200);
    }

    async fn a_reset_by_an_administrator_signs_the_person_out_and_forces_a_new_password(app) {
        let admin = app.staff("admin@example.nl", "admin", None).await;
        let id = app.add_staff("r@example.nl", "researcher", None).await;
        let researcher = app.sign_in("r@example.nl", TEST_PASSWORD).await;
        let reset = admin.post(&format!("/staff/users/{id}/reset"), &[]).await;
        assert_eq!(reset.status(), 200);
        assert!(reset.text().await.unwrap().contains("Temporary password (shown only now)"));
        assert_eq!(researcher.get("/staff").await.status(), 303, "the old session ended");
        let r = app.browser().submit_login("r@example.nl", TEST_PASSWORD).await;
        assert_eq!(r.headers()["location"], "/staff/login?error=invalid", "the old password no longer works");
        assert_eq!(admin.post("/staff/users/99999/reset", &[]).await.status(), 404);
    }

    async fn a_deactivated_account_is_signed_out_and_cannot_sign_in(app) {
        let admin = app.staff("admin@example.nl", "admin", None).await;
        let id = app.add_staff("r@example.nl", "researcher", None).await;
        let researcher = app.sign_in("r@example.nl", TEST_PASSWORD).await;
        assert_eq!(admin.post(&format!("/staff/users/{id}/deactivate"), &[]).await.status(), 200);
        assert_eq!(researcher.get("/staff").await.status(), 303);
        let r = app.browser().submit_login("r@example.nl", TEST_PASSWORD).await;
        assert_eq!(r.headers()["location"], "/staff/login?error=invalid");
        let own = admin.post("/staff/users/1/deactivate", &[]).await;
        assert_eq!(own.status(), 422, "an administrator cannot lock themselves out");
    }

    async fn deactivation_revokes_every_token_and_session_for_good(app) {
        app.wave("2023", veilig::domain::wave::WaveState::Open).await;
        let admin = app.staff("admin@example.nl", "admin", None).await;
        let id = app.add_staff("r@example.nl", "researcher", None).await;
        let researcher = app.sign_in("r@example.nl", TEST_PASSWORD).await;
        let mut tokens = Vec::new();
        for name in ["laptop", "server"] {
            let made = researcher.post("/staff/tokens", &[("name", name)]).await;
            assert_eq!(made.status(), 201);
            let html = made.text().await.unwrap();
            let marker = "it is shown only this once: ";
            let start = html.find(marker).expect("the token is shown") + marker.len();
            tokens.push(html[start..start + 43].to_string());
        }
        let api = |token: String| {
            let request = app.client.get(app.url("/api/v1/waves/2023/results?by=overall")).bearer_auth(token);
            async move { request.send().await.unwrap().status() }
        };
        for token in &tokens {
            assert_ne!(api(token.clone()).await, 401, "the token works before");
        }
        assert_eq!(admin.post(&format!("/staff/users/{id}/deactivate"), &[]).await.status(), 200);
        assert_eq!(admin.post(&format!("/staff/users/{id}/activate"), &[]).await.status(), 200);
        // Active again, yet nothing of before comes back: not the tokens, not the session.
        for token in &tokens {
            assert_eq!(api(token.clone()).await, 401, "a token outlived deactivation");
        }
        assert_eq!(researcher.get("/staff").await.status(), 303, "a session outlived deactivation");
        let live = app.strings("SELECT CAST(COUNT(*) AS TEXT) AS n FROM api_token WHERE revoked_at IS NULL", &["n"]).await;
        assert_eq!(live[0][0], "0");
        let sessions = app.strings(&format!("SELECT CAST(COUNT(*) AS TEXT) AS n FROM staff_session WHERE user_id = {id}"), &["n"]).await;
        assert_eq!(sessions[0][0], "0");
        // Signing in again makes a new session; the old tokens stay revoked.
        let again = app.sign_in("r@example.nl", TEST_PASSWORD).await;
        assert_eq!(again.get("/staff").await.status(), 200);
        for token in &tokens {
            assert_eq!(api(token.clone()).await, 401);
        }
    }

    async fn passwords_are_stored_as_argon2id_hashes_only(app) {
        app.add_staff("a@example.nl", "admin", None).await;
        let rows = app.db.query_all_raw(Statement::from_string(app.db.get_database_backend(), "SELECT password_hash FROM staff_user")).await.unwrap();
        let stored: String = rows[0].try_get("", "password_hash").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.contains(TEST_PASSWORD));
    }
}
