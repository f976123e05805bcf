//! A child's hands in the browser tests: start with a code, see which screen shows, choose an
//! answer, go on. Works for the survey on the device (JavaScript) and the plain forms.

use crate::driver::Browser;
use fantoccini::Locator;
use std::time::Duration;

/// The screen the survey on the device shows: `language`, `intro`, `about`, `item:<key>`,
/// `open`, `send`, `sending`, `saved`, `refused`, `thanks`, `help` or `lost`.
const VISIBLE_SCREEN: &str =
    "const s = [...document.querySelectorAll('section.screen')].find(s => !s.hidden); \
     return s ? (s.dataset.step === 'item' ? 'item:' + s.dataset.item : s.dataset.step) : '';";

impl Browser {
    pub async fn screen(&self) -> String {
        match self.client.execute(VISIBLE_SCREEN, vec![]).await {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Waits (up to `seconds`) until `wanted` says yes to the visible screen.
    pub async fn wait_for_screen(&self, seconds: u64, wanted: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        for _ in 0..seconds * 20 {
            last = self.screen().await;
            if wanted(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the screen did not come; still showing {last:?}");
    }

    /// Opens the start page (a QR link: code and wave in the address) and presses Start; the
    /// survey on the device opens at its first screen.
    pub async fn start_survey(&self, address: &str) {
        self.client
            .goto(address)
            .await
            .expect("the start page opens");
        self.wait_for_scripts().await;
        self.click("form.code-form button[type='submit']").await;
        self.wait_for_screen(20, |s| !s.is_empty() && s != "lost")
            .await;
    }

    /// Types a code on the start page already open and presses Start.
    pub async fn enter_code(&self, code: &str) {
        let field = self
            .client
            .find(Locator::Id("code"))
            .await
            .expect("the code field");
        field.clear().await.expect("the field clears");
        field.send_keys(code).await.expect("the code is typed");
        self.click("form.code-form button[type='submit']").await;
    }

    /// The path of the page shown, e.g. `/` or `/survey/app/2023/closed/nl`.
    pub async fn path(&self) -> String {
        self.eval("return location.pathname;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} is on the page"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("{css} can be clicked: {e}"));
    }

    /// Chooses the answer whose input has this id (`safe_home-4`, `age_band-12-14`).
    pub async fn choose(&self, input_id: &str) {
        self.click(&format!("label[for='{input_id}']")).await;
    }

    /// Presses Next (or Start, or Send) on the visible screen and waits for the next screen.
    pub async fn next(&self) -> String {
        self.press("next").await
    }

    pub async fn back(&self) -> String {
        self.press("back").await
    }

    async fn press(&self, go: &str) -> String {
        let before = self.screen().await;
        self.click(&format!(
            "section.screen:not([hidden]) button[value='{go}']"
        ))
        .await;
        self.wait_for_screen(10, |s| s != before && !s.is_empty())
            .await
    }

    /// Presses Next until `wanted` shows (at most 80 screens).
    pub async fn next_until(&self, wanted: impl Fn(&str) -> bool) -> String {
        let mut screen = self.screen().await;
        for _ in 0..80 {
            if wanted(&screen) {
                return screen;
            }
            screen = self.next().await;
        }
        panic!("never reached the screen; last was {screen:?}");
    }

    /// The value of the checked radio button named `name` on the visible screen, if any.
    pub async fn chosen(&self, name: &str) -> Option<String> {
        let script = format!(
            "const i = document.querySelector(\"section.screen:not([hidden]) input[name='{name}']:checked\"); \
             return i ? i.value : null;"
        );
        self.eval(&script).await.as_str().map(str::to_string)
    }

    /// Every key of this origin's local storage with its value.
    pub async fn local_storage(&self) -> Vec<(String, String)> {
        let all = self
            .eval("return Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]);")
            .await;
        serde_json::from_value(all).unwrap_or_default()
    }

    pub async fn session_storage_len(&self) -> u64 {
        self.eval("return sessionStorage.length;")
            .await
            .as_u64()
            .unwrap_or(u64::MAX)
    }

    /// Runs axe on the page, writes a screenshot, and checks that the screen fits the
    /// viewport and that every target is at least 48 by 48 pixels.
    pub async fn check_screen(&self, name: &str) {
        self.screenshot(name).await;
        let violations = self.axe_violations().await;
        assert!(violations.is_empty(), "{name}: {violations:#?}");
        self.check_layout(name).await;
    }

    /// The cheap half of `check_screen`, for every screen of a walk.
    pub async fn check_layout(&self, name: &str) {
        let (fits, sizes) = self.fits_without_scrolling().await;
        assert!(
            fits,
            "{name} needs scrolling: [scroll w, h, viewport w, h] = {sizes}"
        );
        let small = self.small_targets().await;
        assert!(small.is_empty(), "{name}: targets under 48 px: {small:#?}");
    }
}
