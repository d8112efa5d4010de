//! The `debtcalc` command: parses the command line and hands over to the
//! library.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use debtcalc::server::{self, ServerConfig};

#[derive(Parser)]
#[command(
    name = "debtcalc",
    version,
    about = "Exact arithmetic of sovereign-debt restructuring, served over gRPC"
)]
struct Cli {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, global = true, env = "DEBTCALC_LISTEN", default_value = server::config::DEFAULT_LISTEN)]
    listen: SocketAddr,

    /// A conversion-bases file that replaces the built-in reference data
    /// (same format as data/conversion-bases.json).
    #[arg(long, global = true, env = "DEBTCALC_REFERENCE_DATA")]
    reference_data: Option<std::path::PathBuf>,

    /// A directory of settlement files (<id>.json, the format of
    /// data/settlements/) that replaces the built-in settlement library.
    #[arg(long, global = true, env = "DEBTCALC_SETTLEMENTS")]
    settlements: Option<std::path::PathBuf>,

    #[command(flatten)]
    limits: server::limit_args::LimitArgs,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gRPC API (the default when no command is given).
    Serve,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DEBTCALC_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    // No command means `serve`.
    match cli.command {
        Some(Command::Serve) | None => serve(cli.limits.apply(ServerConfig {
            listen: cli.listen,
            reference_data: cli.reference_data,
            settlements: cli.settlements,
            ..ServerConfig::default()
        })),
    }
}

fn serve(config: ServerConfig) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("debtcalc: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        // Every data file is loaded and validated before the server says it
        // serves: an invalid one stops the start with an error naming it.
        let data = server::load_data(&config)?;
        let listener = server::bind(&config).await?;
        tracing::info!(
            "debtcalc serving gRPC on {}",
            server::local_addr(&listener)?
        );
        server::serve_with(listener, &config, data, server::shutdown_signal()).await?;
        tracing::info!("debtcalc stopped");
        Ok::<(), server::ServeError>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("debtcalc: {e}");
            ExitCode::FAILURE
        }
    }
}
