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
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Export a national breakdown of a published wave (with k and suppression applied).
    Export(ExportArgs),
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
    /// Send the session cookie only over TLS. Default: yes, unless --addr is a loopback
    /// address. Set it to true when a TLS proxy on the same machine forwards to 127.0.0.1.
    #[arg(long, env = "VEILIG_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// The smallest number of children behind any published figure (never below 5).
    #[arg(long, env = "VEILIG_K", default_value_t = crate::domain::results::DEFAULT_K,
          value_parser = clap::value_parser!(u64).range(crate::domain::results::MIN_K..))]
    pub k: u64,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from the first line of stdin.
    Add(UserAddArgs),
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
    #[arg(long)]
    pub wave: String,
    /// overall, setting_type, region, age_band, gender, organisation, setting_type_by_age_band.
    #[arg(long, default_value = "overall")]
    pub by: String,
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// CSV with `;` and decimal commas, for Dutch Excel.
    #[arg(long)]
    pub semicolon: bool,
    /// The disclosure threshold k (never below 5).
    #[arg(long, env = "VEILIG_K", default_value_t = crate::domain::results::DEFAULT_K,
          value_parser = clap::value_parser!(u64).range(crate::domain::results::MIN_K..))]
    pub k: u64,
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
            secure_cookies: serve
                .secure_cookies
                .unwrap_or(!serve.addr.ip().is_loopback()),
            k: serve.k,
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
}
