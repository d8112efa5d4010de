//! The `debtcalc` command: parses the command line and hands over to the
//! library.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use debtcalc::server::{self, ServerConfig};

/// The help heading of the flags only `serve` uses, listed apart so that
/// the offline commands' own flags come first.
const SERVER: &str = "Server (serve only)";

#[derive(Parser)]
#[command(
    name = "debtcalc",
    version,
    about = "Exact arithmetic of sovereign-debt restructuring, served over gRPC",
    after_help = "\
Examples:
  debtcalc serve --listen 127.0.0.1:50051
  debtcalc split --claim \"10960000000 USD\" --write-off 0.9 \\
    --program energy --program education --program health
  debtcalc settlement dprk-2014 --format table
  debtcalc call SplitClaim -d @request.json

`debtcalc COMMAND --help` shows each command's flags and examples."
)]
struct Cli {
    /// A TOML file of settings, keyed by the long flag names without `--`
    /// (`max-connections = 100`); flags and environment variables beat it.
    #[arg(long, global = true, env = "DEBTCALC_CONFIG", help_heading = "Data")]
    config: Option<std::path::PathBuf>,

    /// Address to listen on (`host:port`; a host name is resolved and the
    /// first address used); port 0 picks a free port.
    #[arg(long, global = true, env = "DEBTCALC_LISTEN", default_value = server::config::DEFAULT_LISTEN, help_heading = SERVER)]
    listen: String,

    /// A conversion-bases file that replaces the built-in reference data
    /// (same format as data/conversion-bases.json).
    #[arg(
        long,
        global = true,
        env = "DEBTCALC_REFERENCE_DATA",
        help_heading = "Data"
    )]
    reference_data: Option<std::path::PathBuf>,

    /// A directory of settlement files (<id>.json, the format of
    /// data/settlements/) that replaces the built-in settlement library.
    #[arg(
        long,
        global = true,
        env = "DEBTCALC_SETTLEMENTS",
        help_heading = "Data"
    )]
    settlements: Option<std::path::PathBuf>,

    /// A directory of swap files (<id>.json, the format of data/swaps/)
    /// that replaces the built-in swap library.
    #[arg(long, global = true, env = "DEBTCALC_SWAPS", help_heading = "Data")]
    swaps: Option<std::path::PathBuf>,

    #[command(flatten, next_help_heading = SERVER)]
    ops: server::ops_args::OpsArgs,

    #[command(flatten, next_help_heading = SERVER)]
    limits: server::limit_args::LimitArgs,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gRPC API (the default when no command is given).
    #[command(after_help = "\
Examples:
  debtcalc serve                                    # 127.0.0.1:50051, plaintext, no tokens
  debtcalc serve --listen 0.0.0.0:50051 --tls-cert tls.crt --tls-key tls.key --tokens-file tokens
  debtcalc serve --config /etc/debtcalc/debtcalc.toml --admin-listen 127.0.0.1:9090
  debtcalc serve --http-listen 127.0.0.1:8080            # and open http://127.0.0.1:8080/

The README's \"Operating the server\" lists every flag, its environment variable and config key.")]
    Serve,
    #[command(flatten)]
    Offline(Box<debtcalc::cli::Command>),
}

/// The command line, with the config file's settings where neither a flag
/// nor an environment variable gives them; `Err` for an unusable file.
fn parse() -> Result<Cli, String> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = Cli::command().get_matches_from(&args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let Some(path) = cli.config else {
        return Ok(cli);
    };
    let args = server::config_file::args_with_file(&Cli::command(), &matches, &path, args)?;
    Cli::try_parse_from(args).map_err(|e| format!("config file {}: {e}", path.display()))
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("debtcalc: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The offline commands answer without a server (no logging, no
    // listener); they read the same data files.
    let command = match cli.command {
        Some(Command::Offline(command)) => {
            return ExitCode::from(debtcalc::cli::run(
                *command,
                cli.reference_data,
                cli.settlements,
                cli.swaps,
            ))
        }
        other => other,
    };
    let _log = server::telemetry::init_logging(cli.ops.log_format);
    let resolved = server::config_file::resolve("--listen", &cli.listen).and_then(|listen| {
        let admin = cli
            .ops
            .admin_listen
            .as_deref()
            .map(|text| server::config_file::resolve("--admin-listen", text))
            .transpose()?;
        Ok((listen, admin))
    });
    let ((listen, listen_note), admin) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => {
            eprintln!("debtcalc: {e}");
            return ExitCode::FAILURE;
        }
    };
    for note in [&listen_note, &admin.as_ref().and_then(|a| a.1.clone())]
        .into_iter()
        .flatten()
    {
        tracing::info!("{note}");
    }
    let admin_listen = admin.map(|(addr, _)| addr);

    // No command means `serve`.
    match command {
        // Answered above.
        Some(Command::Offline(_)) => ExitCode::FAILURE,
        Some(Command::Serve) | None => {
            let mut config = cli.limits.apply(ServerConfig {
                listen,
                reference_data: cli.reference_data,
                settlements: cli.settlements,
                swaps: cli.swaps,
                ..ServerConfig::default()
            });
            if let Err(e) = cli.ops.apply(&mut config) {
                eprintln!("debtcalc: {e}");
                return ExitCode::FAILURE;
            }
            // The effective configuration (tokens are redacted by their
            // Debug); the log format is the one this line is written in.
            tracing::info!(
                "debtcalc configuration: config file {:?}; log format {:?}; admin listen {:?}; {:?}",
                cli.config,
                cli.ops.log_format,
                admin_listen,
                config
            );
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
        let extra = server::bind_extra(&config).await?;
        tracing::info!(
            "debtcalc serving gRPC on {} ({})",
            server::local_addr(&listener)?,
            config.security.summary()
        );
        server::serve_on(listener, extra, &config, data, shutdown).await?;
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
