//! `veilig`: see `veilig --help`.

use clap::Parser;
use std::process::ExitCode;
use veilig::cli::{Cli, CodesCommand, Command, ImportCommand, TokenCommand, UserCommand};

#[tokio::main]
async fn main() -> ExitCode {
    veilig::telemetry::init();
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Serve(args) => veilig::startup::serve(&cli.global, args).await,
        Command::Migrate => veilig::startup::migrate_only(&cli.global).await,
        Command::Demo(args) => veilig::demo::run_cli(&cli.global, args).await,
        Command::User(UserCommand::Add(args)) => {
            veilig::commands::users::add(&cli.global, args).await
        }
        Command::User(UserCommand::ResetTwoFactor(args)) => {
            veilig::commands::users::reset_two_factor(&cli.global, args).await
        }
        Command::Codes(CodesCommand::Generate(args)) => {
            veilig::commands::codes::generate(&cli.global, args).await
        }
        Command::Import(ImportCommand::Organisations { file }) => {
            veilig::commands::organisations::import(&cli.global, file).await
        }
        Command::Organisations => {
            veilig::commands::organisations::list_organisations(&cli.global).await
        }
        Command::Token(TokenCommand::Create(args)) => {
            veilig::commands::tokens::create(&cli.global, args).await
        }
        Command::Export(args) => veilig::commands::export::run(&cli.global, args).await,
        Command::Retention(args) => veilig::commands::retention::run(&cli.global, args).await,
        Command::Response(args) => veilig::commands::response::run(&cli.global, args).await,
        Command::Locations(args) => {
            veilig::commands::organisations::list_locations(&cli.global, args).await
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("veilig: {error:#}");
            ExitCode::FAILURE
        }
    }
}
