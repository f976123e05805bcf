//! Starts ChromeDriver and a headless Chromium, and closes both however a test ends.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Browser {
    pub client: Client,
    _driver: Guard,
}

/// A tablet in portrait: the device children mostly answer on.
pub const TABLET: (u32, u32) = (800, 1280);

impl Browser {
    pub async fn start(javascript: bool) -> Browser {
        // Two TLS back-ends are linked in (by reqwest and fantoccini); ChromeDriver speaks plain
        // HTTP, but rustls still wants one chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
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
        if !javascript {
            options.insert(
                "prefs".into(),
                json!({ "profile.managed_default_content_settings.javascript": 2 }),
            );
        }
        let mut capabilities = Map::new();
        capabilities.insert("goog:chromeOptions".into(), Value::Object(options));
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::rustls()
                .expect("TLS")
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

    /// Waits until the WASM app has hydrated the page (a marker only the browser side sets).
    pub async fn wait_for_hydration(&self) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("main[data-hydrated='true']"))
            .await
            .expect("the page hydrates");
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Runs axe-core (WCAG 2.0–2.2 A and AA rules) and returns the violations, described.
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
                   axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                      .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
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
