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
    /// Mark the session cookie `Secure` (only sent over TLS). On by default unless the server
    /// listens on a loopback address (development).
    pub secure_cookies: bool,
    /// The disclosure threshold k (at least `domain::results::MIN_K`).
    pub k: u64,
}

/// The SQLite file used when no `DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://veilig.db?mode=rwc";
