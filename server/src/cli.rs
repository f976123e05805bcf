//! The `veilig` command.

use crate::config::{Settings, DEFAULT_DATABASE_URL};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "veilig",
    version,
    about = "Anonymous safety-perception surveys for children in Dutch youth care",
    long_about = "Anonymous safety-perception surveys for children who live away from home.\n\n\
                  Without DATABASE_URL, data is kept in the SQLite file ./veilig.db (created when missing).\n\
                  Set DATABASE_URL=postgres://... for PostgreSQL. Migrations run at every start."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database: `sqlite://FILE` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,
    /// File holding the pepper (the key behind pseudonyms). In development a pepper is made
    /// next to the database when this is not set.
    #[arg(long, env = "VEILIG_PEPPER_FILE", global = true)]
    pub pepper_file: Option<PathBuf>,
    /// Directory with extra instrument files (`*.toml`); `./instruments` is used when it exists.
    #[arg(long, env = "VEILIG_INSTRUMENTS_DIR", global = true)]
    pub instruments_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (runs pending migrations first and prints the URL).
    Serve(ServeArgs),
    /// Run pending migrations and exit.
    Migrate,
    /// Fill an empty database with synthetic demo data (clearly labelled as synthetic).
    Demo(DemoArgs),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Access codes.
    #[command(subcommand)]
    Codes(CodesCommand),
    /// Import data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// List organisations: id, name, region (tab-separated, one per line).
    Organisations,
    /// List locations: id, organisation, location, setting type, children placed (tab-separated).
    Locations(LocationsArgs),
    /// Response per location: id, organisation, location, setting type, children placed,
    /// codes handed out, codes used, response rate (tab-separated).
    Response(ResponseArgs),
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Export a results view of published waves (a breakdown, a wave comparison or
    /// within-child change) as CSV, XLSX, JSON or SPSS syntax, with k and suppression applied;
    /// made as a researcher account and written to the audit log.
    Export(ExportArgs),
    /// Delete the answers of waves that closed more than --keep-years ago (responses, open
    /// answers, anything unfinished). Lists what would go; deletes only with --delete. Result
    /// counts, access codes and the audit log stay.
    Retention(RetentionArgs),
}

#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Keep the answers of waves that closed less than this many years ago.
    #[arg(long, env = "VEILIG_KEEP_YEARS",
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub keep_years: u32,
    /// Really delete (without it, only list what would be deleted).
    #[arg(long)]
    pub delete: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "VEILIG_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Fill the database with demo data first, if it is empty.
    #[arg(long)]
    pub demo: bool,
    /// Directory of the built web assets (see scripts/build-site.sh).
    #[arg(long, env = "VEILIG_SITE_DIR", default_value = "target/site")]
    pub site_dir: PathBuf,
    /// Browsers reach this server over HTTPS, through a TLS-terminating proxy in front of it:
    /// send Strict-Transport-Security and print https:// addresses on code cards.
    #[arg(long, env = "VEILIG_BEHIND_TLS")]
    pub behind_tls: bool,
    /// Send the cookies only over TLS. Default: yes when --behind-tls is set or --addr is not
    /// a loopback address.
    #[arg(long, env = "VEILIG_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Reverse proxies (addresses or networks, comma-separated, like 10.0.0.0/8) whose
    /// X-Forwarded-For header names the client. The limits on wrong codes and sign-ins count
    /// per client address; without this, behind a proxy everyone shares one count.
    #[arg(long, env = "VEILIG_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: crate::domain::network::TrustedProxies,
    /// The smallest number of children behind any published figure (never below 10).
    #[arg(long, env = "VEILIG_K", default_value_t = crate::domain::results::DEFAULT_K,
          value_parser = clap::value_parser!(u64).range(crate::domain::results::SERVED_MIN_K..))]
    pub k: u64,
    /// Responses are stored for results in batches of at least this many, so that none can be
    /// told from the others by when it was written (see docs/operations.md).
    #[arg(long, env = "VEILIG_MIX_BATCH", default_value_t = crate::store::mixing::DEFAULT_BATCH as u64,
          value_parser = clap::value_parser!(u64).range(2..=500))]
    pub mix_batch: u64,
    /// Seconds a response waits for a full batch before it is stored with decoys.
    #[arg(long, env = "VEILIG_MIX_WAIT", default_value_t = 600)]
    pub mix_wait: u64,
    /// A TOML file with the help contacts children see (default: the built-in national list).
    #[arg(long, env = "VEILIG_HELP_FILE")]
    pub help_file: Option<PathBuf>,
    /// A kiosk tablet returns to the start page after this many idle seconds.
    #[arg(long, env = "VEILIG_KIOSK_IDLE_SECONDS", default_value_t = 180,
          value_parser = clap::value_parser!(u64).range(3..=3600))]
    pub kiosk_idle_seconds: u64,
    /// How many hours a kiosk tablet stays unlocked.
    #[arg(long, env = "VEILIG_KIOSK_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u64).range(1..=168))]
    pub kiosk_hours: u64,
    /// Half-finished surveys are deleted after this many days.
    #[arg(long, env = "VEILIG_DRAFT_DAYS", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=90))]
    pub draft_days: u32,
    /// Offer the pseudo right-to-left test locale `x-rtl` in the survey.
    #[arg(long, env = "VEILIG_PSEUDO_LOCALE")]
    pub pseudo_locale: bool,
    /// Seconds a connection may take to send a complete request header, from opening or from
    /// its last answer (so also how long an idle connection is kept open).
    #[arg(long, env = "VEILIG_HEADER_TIMEOUT", default_value_t = crate::config::DEFAULT_HEADER_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout: u64,
    /// The most connections open at once (default: the open-files limit less 128).
    #[arg(long, env = "VEILIG_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// The roles that sign in with a code from an authenticator app after their password
    /// (comma-separated: admin, researcher, institution_admin, institution_viewer; or none).
    /// Leaving out admin or researcher is for trials only: the server warns at start.
    #[arg(
        long,
        env = "VEILIG_TWO_FACTOR_ROLES",
        default_value = "admin,researcher"
    )]
    pub two_factor_roles: crate::domain::two_factor::TwoFactorRoles,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from the first line of stdin.
    Add(UserAddArgs),
    /// Remove an account's two-factor sign-in (a lost phone, or the last administrator locked
    /// out): its sessions end and it sets two-factor sign-in up again at its next sign-in.
    ResetTwoFactor(UserEmailArgs),
}

#[derive(Debug, Args)]
pub struct UserEmailArgs {
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[arg(long)]
    pub email: String,
    /// admin, researcher, institution_admin or institution_viewer.
    #[arg(long)]
    pub role: String,
    /// The organisation of an institution role (see `veilig organisations`).
    #[arg(long)]
    pub organisation: Option<i32>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Organisations and locations from a CSV file with the columns
    /// organisation, region, location, setting_type, children_placed (`,` or `;`).
    Organisations { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct LocationsArgs {
    /// Only this organisation's locations.
    #[arg(long)]
    pub organisation: Option<i32>,
}

#[derive(Debug, Args)]
pub struct ResponseArgs {
    #[arg(long)]
    pub wave: String,
    /// Only this organisation's locations.
    #[arg(long)]
    pub organisation: Option<i32>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for a staff member and print it (once) on stdout.
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[arg(long)]
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "command line")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The (first) wave's label, e.g. 2021.
    #[arg(long)]
    pub wave: String,
    /// results (a breakdown of --wave), compare (--wave with --to), or change (within-child
    /// change from --wave to --to).
    #[arg(long, default_value = "results")]
    pub view: String,
    /// The second wave of a comparison or of within-child change.
    #[arg(long)]
    pub to: Option<String>,
    /// overall, setting_type, region, age_band, gender, organisation, setting_type_by_age_band.
    #[arg(long, default_value = "overall")]
    pub by: String,
    /// csv, xlsx, json or sps (SPSS syntax with a codebook).
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// CSV with `;` and decimal commas, for Dutch Excel.
    #[arg(long)]
    pub semicolon: bool,
    /// Which table a CSV holds: groups (default), items or answers.
    #[arg(long)]
    pub part: Option<String>,
    /// Write to this file instead of standard output (needed for xlsx on a terminal).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The researcher account the export is made as; it is written to the audit log.
    #[arg(long = "as", value_name = "EMAIL")]
    pub actor: String,
    /// A stricter k for this export. It can only raise the configured k, never lower it.
    #[arg(long)]
    pub k: Option<u64>,
    /// The k the server is configured with (VEILIG_K, default 10): the floor for --k.
    #[arg(long = "configured-k", env = "VEILIG_K", default_value_t = crate::domain::results::DEFAULT_K,
          value_parser = clap::value_parser!(u64).range(crate::domain::results::SERVED_MIN_K..), hide = true)]
    pub configured_k: u64,
}

#[derive(Debug, Subcommand)]
pub enum CodesCommand {
    /// Make anonymous codes for a location and print them, one per line, on stdout.
    Generate(CodesGenerateArgs),
}

#[derive(Debug, Args)]
pub struct CodesGenerateArgs {
    /// The wave's label, e.g. 2023 (it must be a draft or open).
    #[arg(long)]
    pub wave: String,
    /// The location's id (see `veilig locations`).
    #[arg(long)]
    pub location: i32,
    #[arg(long)]
    pub count: usize,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Responses per wave (the default gives a realistic national picture; raise it for benchmarks).
    #[arg(long, default_value_t = 5_000)]
    pub responses: u32,
    /// Seed for the random generator, for a reproducible data set.
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
}

impl GlobalArgs {
    pub fn instruments_dir(&self) -> Option<PathBuf> {
        self.instruments_dir.clone().or_else(|| {
            let default = PathBuf::from("instruments");
            default.is_dir().then_some(default)
        })
    }

    pub fn settings(&self, serve: &ServeArgs) -> Settings {
        Settings {
            addr: serve.addr,
            database_url: self.database_url.clone(),
            pepper_file: self.pepper_file.clone(),
            site_dir: serve.site_dir.clone(),
            instruments_dir: self.instruments_dir(),
            behind_tls: serve.behind_tls,
            trusted_proxies: serve.trusted_proxies.clone(),
            secure_cookies: serve
                .secure_cookies
                .unwrap_or(serve.behind_tls || !serve.addr.ip().is_loopback()),
            k: serve.k,
            mix: crate::mixer::MixSettings {
                batch: usize::try_from(serve.mix_batch)
                    .unwrap_or(crate::store::mixing::DEFAULT_BATCH),
                max_wait: std::time::Duration::from_secs(serve.mix_wait),
            },
            survey: crate::config::SurveySettings {
                help_file: serve.help_file.clone(),
                kiosk_idle_seconds: serve.kiosk_idle_seconds,
                kiosk_hours: serve.kiosk_hours,
                draft_days: serve.draft_days,
                pseudo_locale: serve.pseudo_locale,
            },
            connections: crate::config::ConnectionSettings {
                header_timeout: std::time::Duration::from_secs(serve.header_timeout),
                max_open: serve.max_connections,
            },
            two_factor: serve.two_factor_roles.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    fn settings_of(args: &[&str]) -> Settings {
        let cli = Cli::try_parse_from(args).unwrap();
        match &cli.command {
            Command::Serve(serve) => cli.global.settings(serve),
            _ => unreachable!("a serve command"),
        }
    }

    #[test]
    fn hsts_and_secure_cookies_follow_tls() {
        let local = settings_of(&["veilig", "serve"]);
        assert!(!local.behind_tls && !local.secure_cookies);
        let proxied = settings_of(&["veilig", "serve", "--behind-tls"]);
        assert!(
            proxied.behind_tls && proxied.secure_cookies,
            "a local proxy with TLS"
        );
        let open = settings_of(&["veilig", "serve", "--addr", "0.0.0.0:3000"]);
        assert!(!open.behind_tls && open.secure_cookies);
        let plain = settings_of(&[
            "veilig",
            "serve",
            "--behind-tls",
            "--secure-cookies",
            "false",
        ]);
        assert!(plain.behind_tls && !plain.secure_cookies);
    }
}
