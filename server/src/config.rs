//! Configuration in one typed struct. Values come from command-line flags, which fall back to
//! environment variables, which fall back to development defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub database_url: String,
    /// Where the pepper is kept; `None` in development (a pepper is then made next to the database).
    pub pepper_file: Option<PathBuf>,
    /// The built web assets (WASM, JS, CSS). Pages still work without them, as plain HTML.
    pub site_dir: PathBuf,
    /// Extra instrument files; the default instrument is always compiled in.
    pub instruments_dir: Option<PathBuf>,
    /// Browsers reach this server over HTTPS (through a TLS-terminating proxy): send HSTS and
    /// write `https://` addresses on code cards. Off by default: the server itself speaks plain
    /// HTTP, and HSTS sent over plain HTTP to a site that has no TLS would lock browsers out.
    pub behind_tls: bool,
    /// Mark the cookies `Secure` (only sent over TLS). On by default when behind TLS or when
    /// the server listens on an address other than loopback.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client, for the rate limits.
    pub trusted_proxies: crate::domain::network::TrustedProxies,
    /// The disclosure threshold k (at least `domain::results::MIN_K`).
    pub k: u64,
    /// How arriving responses are mixed before they are stored for results.
    pub mix: crate::mixer::MixSettings,
    /// The child's survey: help contacts, kiosk tablets, drafts, test locales.
    pub survey: SurveySettings,
}

/// How the child's survey behaves in this deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveySettings {
    /// A TOML file with the help contacts (see frontend/texts/help/default.toml); the built-in
    /// national list when `None`. Checked at start: a bad file stops the server.
    pub help_file: Option<PathBuf>,
    /// A kiosk tablet goes back to the start page after this many idle seconds.
    pub kiosk_idle_seconds: u64,
    /// How long an unlocked kiosk tablet stays unlocked.
    pub kiosk_hours: u64,
    /// Half-finished surveys (on the server, and on a device) are deleted after this many days.
    pub draft_days: u32,
    /// Offer the pseudo right-to-left locale `x-rtl` (for testing layouts).
    pub pseudo_locale: bool,
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings {
            help_file: None,
            kiosk_idle_seconds: 180,
            kiosk_hours: 12,
            draft_days: 3,
            pseudo_locale: false,
        }
    }
}

/// The SQLite file used when no `DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://veilig.db?mode=rwc";
