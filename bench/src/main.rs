//! `veilig-bench`: the figures in docs/benchmarks.md. Runs against the release build of the real
//! server (`cargo build --release -p veilig`), over loopback HTTP, on a fresh database each time.
//!
//! ```text
//! veilig-bench submissions --database postgres --responses 20000 --clients 64
//! veilig-bench dashboards  --database sqlite --sizes 10000,100000,1000000
//! ```

mod dashboards;
mod database;
mod respondent;
mod server;
mod stats;
mod submissions;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "veilig-bench", about = "Benchmarks of the Veilig server")]
struct Cli {
    /// The PostgreSQL server for `--database postgres` (a fresh database is made and dropped).
    #[arg(
        long,
        env = "VEILIG_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432",
        global = true
    )]
    postgres: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Submission throughput over HTTP beside the database limit.
    Submissions(submissions::Args),
    /// Dashboard, breakdown, comparison and export latency at several sizes.
    Dashboards(dashboards::Args),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Submissions(args) => submissions::run(args, &cli.postgres).await,
        Command::Dashboards(args) => dashboards::run(args, &cli.postgres).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("veilig-bench: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
