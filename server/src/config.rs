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
    /// Header and idle timeouts, and the cap on open connections.
    pub connections: ConnectionSettings,
    /// The roles that sign in with a second factor (administrators and researchers by default).
    pub two_factor: crate::domain::two_factor::TwoFactorRoles,
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

/// How the server treats connections (`http::connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// A connection is closed when no complete request header arrived this long after it
    /// opened or after its last answer.
    pub header_timeout: std::time::Duration,
    /// The most connections open at once; `None`: the open-files limit less [`RESERVED_FILES`].
    pub max_open: Option<usize>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_open: None,
        }
    }
}

pub const DEFAULT_HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
/// Open files kept for what is not a connection: the database pool (and SQLite's files), the
/// web assets being sent, the log.
pub const RESERVED_FILES: usize = 128;
/// The fewest connections the cap allows, however low the open-files limit.
const MIN_OPEN: usize = 32;

impl ConnectionSettings {
    /// The cap on open connections for this process.
    pub fn max_open(&self) -> usize {
        self.max_open
            .unwrap_or_else(|| open_files_limit().saturating_sub(RESERVED_FILES))
            .max(MIN_OPEN)
    }
}

/// The process's soft limit on open files.
fn open_files_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and reads nothing else.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if read != 0 {
        return 1_024;
    }
    if limit.rlim_cur == libc::RLIM_INFINITY {
        return usize::MAX;
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod connection_tests {
    use super::*;

    #[test]
    fn the_cap_stays_below_the_open_files_limit() {
        let limit = open_files_limit();
        assert!(limit > 0);
        let cap = ConnectionSettings::default().max_open();
        assert_eq!(cap, limit.saturating_sub(RESERVED_FILES).max(MIN_OPEN));
        let fixed = ConnectionSettings {
            max_open: Some(5),
            ..Default::default()
        };
        assert_eq!(fixed.max_open(), MIN_OPEN, "never fewer than {MIN_OPEN}");
    }
}
