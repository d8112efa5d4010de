//! Command-line flags (and their environment variables) for the server's
//! lifecycle, security and observability, flattened into `debtcalc`'s
//! command line by `main`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::security::{TlsSettings, Tokens};
use super::telemetry::LogFormat;
use super::ServerConfig;

/// Lifecycle, security and observability settings.
#[derive(Args, Debug, Clone)]
pub struct OpsArgs {
    /// On SIGTERM/SIGINT, seconds that calls in flight get to finish before
    /// the process exits anyway (a second signal exits at once).
    #[arg(long, global = true, env = "DEBTCALC_DRAIN_TIMEOUT", default_value_t = 10.0, value_parser = parse_seconds)]
    pub drain_timeout: f64,

    /// PEM certificate chain: serve TLS (needs --tls-key). Reloaded on SIGHUP
    /// and when the file changes.
    #[arg(long, global = true, env = "DEBTCALC_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, global = true, env = "DEBTCALC_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// PEM CA certificates: require client certificates issued by them
    /// (mutual TLS; needs --tls-cert).
    #[arg(
        long,
        global = true,
        env = "DEBTCALC_TLS_CLIENT_CA",
        requires = "tls_cert"
    )]
    pub tls_client_ca: Option<PathBuf>,

    /// A file of bearer tokens (one per line, `#` comments): every service
    /// but health then needs `authorization: Bearer <token>`.
    #[arg(
        long,
        global = true,
        env = "DEBTCALC_TOKENS_FILE",
        conflicts_with = "tokens"
    )]
    pub tokens_file: Option<PathBuf>,

    /// Bearer tokens, comma-separated (prefer --tokens-file: the environment
    /// of a process can be read by its owner).
    #[arg(long, global = true, env = "DEBTCALC_TOKENS", hide_env_values = true)]
    pub tokens: Option<String>,

    /// Serve gRPC reflection (`--reflection false` hides the API schema).
    #[arg(long, global = true, env = "DEBTCALC_REFLECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub reflection: bool,

    /// Log format: one readable line per event, or one JSON object per line.
    /// Colour codes only when stderr is a terminal.
    #[arg(
        long,
        global = true,
        env = "DEBTCALC_LOG_FORMAT",
        value_enum,
        default_value = "human"
    )]
    pub log_format: LogFormat,

    /// Address (`host:port`; a host name is resolved, the first address
    /// used) of the admin listener serving Prometheus metrics at `/metrics`
    /// (off unless given; keep it off the public network).
    #[arg(long, global = true, env = "DEBTCALC_ADMIN_LISTEN")]
    pub admin_listen: Option<String>,

    /// Address (`host:port`) of a plaintext listener serving only
    /// grpc.health.v1 (no token, no TLS, no log line per call): for
    /// Kubernetes' native gRPC probes, which cannot speak TLS (off unless
    /// given).
    #[arg(long, global = true, env = "DEBTCALC_HEALTH_LISTEN")]
    pub health_listen: Option<String>,

    /// Address (`host:port`) of an HTTP listener serving the web page
    /// (open `http://host:port/` in a browser) and gRPC-Web to the same
    /// services, behind the same limits, tokens and TLS as the gRPC
    /// listener (off unless given).
    #[arg(long, global = true, env = "DEBTCALC_HTTP_LISTEN")]
    pub http_listen: Option<String>,
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(seconds.is_finite() && (0.0..=86_400.0).contains(&seconds)) {
        return Err(format!("`{text}`: expected 0 to 86400 seconds"));
    }
    Ok(seconds)
}

impl OpsArgs {
    /// Writes these settings into `config`; reads the tokens file.
    pub fn apply(&self, config: &mut ServerConfig) -> Result<(), String> {
        config.drain_timeout = Duration::from_secs_f64(self.drain_timeout);
        config.security.tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsSettings {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: self.tls_client_ca.clone(),
            }),
            _ => None,
        };
        config.security.tokens = match (&self.tokens_file, &self.tokens) {
            (Some(path), _) => Some(Tokens::from_file(path)?),
            (None, Some(text)) => Some(Tokens::parse(text).map_err(|e| format!("--tokens: {e}"))?),
            (None, None) => None,
        };
        config.security.reflection = self.reflection;
        config.health_listen = match &self.health_listen {
            Some(text) => Some(super::config_file::resolve("--health-listen", text)?.0),
            None => None,
        };
        config.http_listen = match &self.http_listen {
            Some(text) => Some(super::config_file::resolve("--http-listen", text)?.0),
            None => None,
        };
        Ok(())
    }
}
