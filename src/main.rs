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
    ops: server::ops_args::OpsArgs,

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
    let _log = server::telemetry::init_logging(cli.ops.log_format);
    let admin_listen = cli.ops.admin_listen;

    // No command means `serve`.
    match cli.command {
        Some(Command::Serve) | None => {
            let mut config = cli.limits.apply(ServerConfig {
                listen: cli.listen,
                reference_data: cli.reference_data,
                settlements: cli.settlements,
                ..ServerConfig::default()
            });
            if let Err(e) = cli.ops.apply(&mut config) {
                eprintln!("debtcalc: {e}");
                return ExitCode::FAILURE;
            }
            serve(config, admin_listen)
        }
    }
}

fn serve(config: ServerConfig, admin_listen: Option<SocketAddr>) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("debtcalc: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        // Every data file (and the TLS files) is loaded and validated before
        // the listener is bound: an invalid one stops the start with an error
        // naming it, and nothing says "serving".
        let data = server::check(&config)?;
        if let Some(admin) = admin_listen {
            let addr = server::telemetry::start_admin(admin).await?;
            tracing::info!("debtcalc metrics at http://{addr}/metrics");
        }
        // Signals are handled from before the server says it serves.
        let shutdown = server::shutdown_signal(&config);
        let listener = server::bind(&config).await?;
        tracing::info!(
            "debtcalc serving gRPC on {} ({})",
            server::local_addr(&listener)?,
            config.security.summary()
        );
        server::serve_with(listener, &config, data, shutdown).await?;
        tracing::info!("debtcalc stopped");
        Ok::<(), server::ServeError>(())
    });
    // Do not wait for computations still running on blocking threads: the
    // drain deadline has passed.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("debtcalc: {e}");
            ExitCode::FAILURE
        }
    }
}
