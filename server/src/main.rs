//! `veilig`: see `veilig --help`.

use clap::Parser;
use std::process::ExitCode;
use veilig::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    veilig::telemetry::init();
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Serve(args) => veilig::startup::serve(&cli.global, args).await,
        Command::Migrate => veilig::startup::migrate_only(&cli.global).await,
        Command::Demo(args) => veilig::demo::run_cli(&cli.global, args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("veilig: {error:#}");
            ExitCode::FAILURE
        }
    }
}
