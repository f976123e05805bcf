use veilig_tests::on_both_databases;

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

on_both_databases! {
    async fn the_start_page_is_server_rendered_in_dutch_with_a_plain_form(app) {
        let response = app.get("/").await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\""), "{html}");
        assert!(html.contains("<h1>Welkom!</h1>"));
        assert!(html.contains("action=\"/survey/start\""));
        assert!(html.contains("method=\"post\""));
        assert!(html.contains("<label for=\"code\">Jouw code</label>"));
        assert!(html.contains("<title>Welkom! · Veilig</title>"), "{html}");
    }

    async fn a_refused_code_goes_back_to_the_start_page_in_a_cookie_read_once(app) {
        let refused = app.client.post(app.url("/survey/start"))
            .form(&[("code", "k7m-4q9-txo"), ("lang", "en")]).send().await.unwrap();
        assert_eq!(refused.status(), 303);
        let to = refused.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(to, "/?error=format&symbol=O&lang=en");
        let cookie = refused.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cookie.starts_with("veilig_retry=k7m-4q9-txo;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=60"), "{cookie}");
        let page = app.client.get(app.url(&to)).header("cookie", "veilig_retry=k7m-4q9-txo").send().await.unwrap();
        let cleared = page.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(cleared.starts_with("veilig_retry=;") && cleared.contains("Max-Age=0"), "{cleared}");
        assert_eq!(page.headers()["cache-control"], "no-store");
        let html = page.text().await.unwrap();
        assert!(html.contains("value=\"k7m-4q9-txo\""), "{html}");
        assert!(html.contains("The sign O is not on any card."), "{html}");
        // Too short: the count is named; a cookie with anything but a code's signs is ignored.
        let short = app.client.post(app.url("/survey/start"))
            .form(&[("code", "K7M 4Q9"), ("lang", "nl")]).send().await.unwrap();
        assert_eq!(short.headers()["location"], "/?error=format&count=6&lang=nl");
        let html = app.client.get(app.url("/?error=format&count=6&lang=nl"))
            .header("cookie", "veilig_retry=\"><script>").send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Jij typte er 6."), "{html}");
        assert!(!html.contains("<script>\""), "{html}");
    }

    async fn a_browser_that_prefers_english_is_sent_to_the_english_start_page(app) {
        let open = |path: &str, languages: &str, navigate: bool| {
            let mut request = app.client.get(app.url(path)).header("accept-language", languages);
            if navigate {
                request = request.header("sec-fetch-mode", "navigate");
            }
            request.send()
        };
        let sent = open("/", "en-US,en;q=0.9", true).await.unwrap();
        assert_eq!(sent.status(), 303);
        assert_eq!(sent.headers()["location"], "/?lang=en");
        assert_eq!(sent.headers()["vary"], "accept-language");
        let card = open("/?code=K7M-4Q9-TXA&wave=2025", "en", true).await.unwrap();
        assert_eq!(card.headers()["location"], "/?code=K7M-4Q9-TXA&wave=2025&lang=en");
        // Dutch preferred, a language chosen, or not a navigation (a service worker storing the
        // page): the page itself.
        for (path, languages, navigate) in [
            ("/", "nl-NL,en;q=0.5", true),
            ("/", "fr", true),
            ("/?lang=nl", "en", true),
            ("/", "en", false),
            ("/staff/login", "en", true),
        ] {
            let page = open(path, languages, navigate).await.unwrap();
            assert_eq!(page.status(), 200, "{path} {languages} {navigate}");
        }
        // The Dutch page a browser got for its languages is no page for another's.
        let dutch = open("/", "nl-NL,en;q=0.5", true).await.unwrap();
        let vary: Vec<&str> = dutch.headers().get_all("vary").iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(vary.iter().any(|v| v.contains("accept-language")), "{vary:?}");
    }

    async fn the_start_page_speaks_english_when_asked(app) {
        let html = app.get("/?lang=en").await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\""));
        assert!(html.contains("<h1>Welcome!</h1>"));
        assert!(html.contains("Nobody at your group will see your answers."));
    }

    async fn the_staff_login_page_has_a_labelled_form(app) {
        let response = app.get("/staff/login").await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("action=\"/staff/login\""));
        assert!(html.contains("<label for=\"email\">"));
        assert!(html.contains("autocomplete=\"current-password\""));
    }

    async fn an_unknown_page_is_a_404_with_a_way_back(app) {
        let response = app.get("/no-such-page").await;
        assert_eq!(response.status(), 404);
        let html = response.text().await.unwrap();
        assert!(html.contains("Deze pagina bestaat niet"));
        assert!(html.contains("href=\"/\""));
    }

    async fn the_stylesheet_is_cache_busted_cached_for_a_year_and_compressed(app) {
        let html = app.get("/").await.text().await.unwrap();
        let href = between(&html, "<link rel=\"stylesheet\" href=\"", "\"").expect("a stylesheet link");
        assert!(href.starts_with("/assets/") && href.ends_with("/veilig.css"), "{href}");
        let response = app
            .client
            .get(app.url(href))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(response.headers()["content-encoding"], "gzip");
    }

    async fn pages_are_compressed_for_clients_that_accept_it(app) {
        let response = app.client.get(app.url("/")).header("accept-encoding", "br").send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], "br");
    }
}

mod security_headers {
    use veilig_tests::on_both_databases;

    on_both_databases! {
        async fn every_answer_carries_the_security_headers(app) {
            for path in ["/", "/staff/login", "/survey/help", "/api/v1/openapi.json", "/health", "/no-such-page"] {
                let response = app.get(path).await;
                let h = response.headers();
                let csp = h["content-security-policy"].to_str().unwrap();
                assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{path}");
                assert!(!csp.contains("unsafe-inline"), "{path}");
                assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
                assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
                assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
            }
        }

        async fn behind_tls_answers_carry_hsts_and_cookies_are_secure_and_host_bound(app) {
            // `app` serves plain HTTP: no HSTS (checked above). The same server behind TLS:
            let tls = veilig_tests::spawn_app_with(app.backend, |s| {
                s.behind_tls = true;
                s.secure_cookies = true;
            })
            .await;
            let response = tls.get("/staff/login").await;
            assert_eq!(response.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
            let cookie = response.headers()["set-cookie"].to_str().unwrap();
            assert!(cookie.starts_with("__Host-veilig_login=") && cookie.contains("; Secure") && cookie.contains("Path=/;"), "{cookie}");
        }

        async fn the_start_page_takes_the_code_from_a_card_link(app) {
            let html = app.get("/?code=K7M-4Q9-TXA").await.text().await.unwrap();
            assert!(html.contains("value=\"K7M-4Q9-TXA\""), "{html}");
        }
    }
}

/// No WASM on a page a child sees: the start page (however it is opened) and the pages it
/// sends to carry the plain scripts only; the staff sign-in page is the one that hydrates.
#[tokio::test]
async fn the_childs_pages_load_no_wasm() {
    let app = veilig_tests::spawn_app(veilig_tests::Db::Sqlite).await;
    let login = app.get("/staff/login").await.text().await.unwrap();
    let bundle_built = login.contains("/boot.js");
    for path in [
        "/",
        "/?lang=en",
        "/?code=K7M-4Q9-TXA&wave=2023",
        "/?error=unknown",
        "/no-such-page",
    ] {
        let page = app.get(path).await.text().await.unwrap();
        assert!(page.contains("/child.js"), "{path} has the child's scripts");
        assert!(
            !page.contains("boot.js") && !page.contains(".wasm"),
            "{path} loads WASM"
        );
    }
    // With the bundle built (as in CI), the sign-in page shows that the check above can fail.
    if veilig_tests::site_dir().join("pkg/boot.js").exists() {
        assert!(
            bundle_built,
            "the sign-in page hydrates when the bundle is built"
        );
    }
}
