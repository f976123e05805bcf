//! Starts ChromeDriver and a headless Chromium, and closes both however a test ends.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Browser {
    pub client: Client,
    _driver: Guard,
}

/// A 10-inch tablet upright: the device children mostly answer on.
pub const TABLET: (u32, u32) = (800, 1280);
/// The same tablet lying down.
pub const TABLET_LANDSCAPE: (u32, u32) = (1280, 800);

/// A Chrome DevTools command, sent through ChromeDriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

/// Stands in for the browser's speech synthesis before any script runs: a Dutch and an English
/// voice, and every text spoken kept in `window.__spoken`, so read-aloud can be tested on a
/// machine without voices.
const SPEECH_STUB: &str = r#"
(function () {
  window.__spoken = [];
  var voices = [{ lang: "nl-NL", name: "Test NL" }, { lang: "en-GB", name: "Test EN" }];
  var synth = {
    getVoices: function () { return voices; },
    speak: function (u) { window.__spoken.push({ text: u.text, lang: u.lang }); },
    cancel: function () {},
    addEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"#;

impl Browser {
    /// A browser of a tablet set up in Dutch, as most in Dutch youth care are.
    pub async fn start(javascript: bool) -> Browser {
        Browser::start_with_languages(javascript, "nl-NL,nl").await
    }

    /// A browser that prefers these languages (its `Accept-Language`, e.g. `"en-GB,en"`).
    pub async fn start_with_languages(javascript: bool, languages: &str) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()));
        command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let driver = command
            .spawn()
            .expect("chromedriver is installed (scripts/test.sh installs it)");
        let mut options = Map::new();
        options.insert(
            "args".into(),
            json!([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--window-size={},{}", TABLET.0, TABLET.1),
            ]),
        );
        options.insert(
            "binary".into(),
            json!(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())),
        );
        let mut prefs = json!({ "intl.accept_languages": languages });
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        options.insert("prefs".into(), prefs);
        let mut capabilities = Map::new();
        capabilities.insert("goog:chromeOptions".into(), Value::Object(options));
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            // ChromeDriver speaks plain HTTP on loopback: no TLS stack is linked in for it.
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        _driver: Guard(driver),
                    }
                }
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start Chromium through ChromeDriver: {last_error:?}");
    }

    /// Sends a Chrome DevTools command to the page.
    pub async fn cdp(&self, method: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp(json!({ "cmd": method, "params": params })))
            .await
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// The viewport of a tablet (or phone) of this size, in CSS pixels.
    pub async fn viewport(&self, (width, height): (u32, u32)) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// Replaces speech synthesis on every page loaded from now on (see `SPEECH_STUB`).
    pub async fn stub_speech(&self) {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": SPEECH_STUB }),
        )
        .await;
    }

    /// Tells the page it is offline (or online again): `navigator.onLine`, and the `online`
    /// event when it ends. Pair it with pulling a `Cable`, which makes requests really fail.
    pub async fn set_offline(&self, offline: bool) {
        let conditions = json!({
            "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
        });
        self.cdp("Network.emulateNetworkConditions", conditions)
            .await;
    }

    /// Runs a script and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("the script runs: {e}\n{script}"))
    }

    /// Whether the page fits the viewport: nothing to scroll, either way.
    pub async fn fits_without_scrolling(&self) -> (bool, Value) {
        let sizes = self
            .eval(
                "const e = document.scrollingElement;                  return [e.scrollWidth, e.scrollHeight, innerWidth, innerHeight];",
            )
            .await;
        let n = |i: usize| sizes[i].as_i64().unwrap_or(i64::MAX);
        (n(0) <= n(2) && n(1) <= n(3), sizes)
    }

    /// Buttons, links and answer buttons that are shown but smaller than 48 by 48 pixels.
    pub async fn small_targets(&self) -> Vec<String> {
        let found = self
            .eval(
                "return [...document.querySelectorAll('main a, header a, button, label.choice, textarea, input[type=text]')]                   .filter(e => e.getClientRects().length > 0 && !e.closest('[hidden]'))                   .filter(e => { const r = e.getBoundingClientRect(); return r.width < 48 || r.height < 48; })                   .map(e => e.outerHTML.slice(0, 80));",
            )
            .await;
        serde_json::from_value(found).unwrap_or_default()
    }

    /// Waits until the page's scripts are in charge (a mark only they set, in start.js).
    pub async fn wait_for_scripts(&self) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("main[data-ready='true']"))
            .await
            .expect("the page's scripts run");
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Runs axe-core (WCAG 2.0–2.2 A and AA rules, and SC 2.5.3 "label in name", which axe
    /// files under its experimental rules and does not run by tag) and returns the violations,
    /// described.
    pub async fn axe_violations(&self) -> Vec<String> {
        let path = std::env::var("VEILIG_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../target/npm/node_modules/axe-core/axe.min.js")
            });
        let source = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "axe-core is missing at {} (scripts/test.sh installs it)",
                path.display()
            )
        });
        self.client
            .execute(&source, vec![])
            .await
            .expect("axe-core loads");
        let result = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const described = r => r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '));
                   axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                      .then(tagged => axe.run(document, { runOnly: { type: 'rule', values: ['label-content-name-mismatch'] } })
                         .then(named => done(described(tagged).concat(described(named)))))
                      .catch(e => done(['axe failed: ' + e]));"#,
                vec![],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_value(result).expect("a list of violations")
    }

    /// Clicks what `css` finds and waits until the next page has loaded (a form post or a
    /// link), so that nothing is read from the page that is going away.
    pub async fn click_to_next_page(&self, css: &str) {
        self.client
            .execute("window.__veilig_old_page = true;", vec![])
            .await
            .expect("a script runs");
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} is on the page"))
            .click()
            .await
            .unwrap_or_else(|_| panic!("{css} can be clicked"));
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return window.__veilig_old_page === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page after clicking {css}");
    }

    /// Renders the page as for printing (`print` media), or back on screen.
    pub async fn emulate_media(&self, media: &str) {
        self.cdp("Emulation.setEmulatedMedia", json!({ "media": media }))
            .await;
    }

    /// Prints the page to PDF as Chromium prints to paper (the page's own `@page` size), keeps
    /// it beside the screenshots as `{name}.pdf`, and returns the text `pdftotext` reads from
    /// it, page by page, in layout order.
    pub async fn printed_text(&self, name: &str) -> Vec<String> {
        let printed = self
            .cdp(
                "Page.printToPDF",
                json!({ "preferCSSPageSize": true, "printBackground": false }),
            )
            .await;
        let pdf = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            printed["data"].as_str().expect("a PDF"),
        )
        .expect("base64");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{name}.pdf"));
        std::fs::write(&file, pdf).expect("the PDF is written");
        let out = std::process::Command::new("pdftotext")
            .args(["-layout", file.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext runs (poppler-utils; scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .split('\u{c}')
            .map(str::to_string)
            .filter(|page| !page.trim().is_empty())
            .collect()
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} is on the page"))
            .text()
            .await
            .unwrap()
    }

    /// Ends the browser session; ChromeDriver goes when `self` is dropped.
    pub async fn close(self) {
        // `close` waits for every clone of the client to go, so it must be given the only one.
        let Browser { client, _driver } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    }
}

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        // End the Chromium that ChromeDriver started (its children), then ChromeDriver. Only
        // these processes, by parent id: a negative process id given to `kill` can be read as
        // "every process", which is not a risk to take on a developer's machine.
        let _ = Command::new("pkill")
            .args(["-KILL", "-P", &self.0.id().to_string()])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
