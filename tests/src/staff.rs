//! Staff in the tests: accounts, a signed-in browser (its cookies and CSRF token), and the
//! codes of an authenticator app.

use crate::TestApp;

/// The password every test account gets.
pub const TEST_PASSWORD: &str = "a long test password";

/// A signed-in staff member's browser: its own cookie jar and the session's CSRF token.
pub struct StaffClient {
    pub client: reqwest::Client,
    pub csrf: String,
    address: String,
}

impl TestApp {
    /// Adds a staff account (role as in `veilig user add`), with `TEST_PASSWORD`.
    pub async fn add_staff(&self, email: &str, role: &str, organisation: Option<i32>) -> i32 {
        let (user, _) = veilig::accounts::add_user(
            &self.db,
            None,
            email,
            role,
            organisation,
            Some(TEST_PASSWORD),
        )
        .await
        .expect("the account is added");
        user.id
    }

    /// A fresh cookie-keeping client, not signed in.
    pub fn browser(&self) -> StaffClient {
        self.browser_at(&self.address)
    }

    /// The same, talking to the server at `address` (see [`TestApp::another_server`]).
    pub fn browser_at(&self, address: &str) -> StaffClient {
        StaffClient {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .expect("an HTTP client"),
            csrf: String::new(),
            address: address.to_string(),
        }
    }

    /// Signs in through the form and reads the CSRF token from the staff home page.
    pub async fn sign_in(&self, email: &str, password: &str) -> StaffClient {
        let mut staff = self.browser();
        let response = staff.submit_login(email, password).await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            response.headers()["location"],
            "/staff",
            "sign-in for {email} did not succeed"
        );
        let home = staff.get("/staff").await.text().await.expect("a page");
        staff.csrf = csrf_in(&home).expect("the page carries a CSRF token");
        staff
    }

    /// Adds an account with `role` and signs it in.
    pub async fn staff(&self, email: &str, role: &str, organisation: Option<i32>) -> StaffClient {
        self.add_staff(email, role, organisation).await;
        self.sign_in(email, TEST_PASSWORD).await
    }
}

/// Seconds since 1970, now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The code an authenticator app shows at `unix_seconds` for `key` (base32, as the enrolment
/// page shows it): RFC 6238 through `totp-rs` (SHA-1, six digits, 30-second steps), not
/// through the server's own code.
pub fn authenticator_code(key: &str, unix_seconds: u64) -> String {
    let compact: String = key.split_whitespace().collect();
    let secret = totp_rs::Secret::try_from_base32(compact).expect("the key is base32");
    totp_rs::Builder::new()
        .with_secret(secret.as_ref().to_vec())
        .build_noncompliant()
        .generate(unix_seconds)
        .to_string()
}

/// The value of the first `name="csrf"` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl StaffClient {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Opens the sign-in form (which sets its token cookie) and sends it, as a browser does.
    pub async fn submit_login(&self, email: &str, password: &str) -> reqwest::Response {
        let form = self.get("/staff/login").await.text().await.expect("a page");
        let token = csrf_in(&form).expect("the sign-in form carries a token");
        self.client
            .post(self.url("/staff/login"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .expect("the request is sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is sent")
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("the request is sent")
    }
}
