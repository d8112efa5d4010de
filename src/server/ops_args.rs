//! Command-line flags (and their environment variables) for the server's
//! lifecycle, security and observability, flattened into `debtcalc`'s
//! command line by `main`.

use std::time::Duration;

use clap::Args;

use super::ServerConfig;

/// Lifecycle, security and observability settings.
#[derive(Args, Debug, Clone)]
pub struct OpsArgs {
    /// On SIGTERM/SIGINT, seconds that calls in flight get to finish before
    /// the process exits anyway (a second signal exits at once).
    #[arg(long, global = true, env = "DEBTCALC_DRAIN_TIMEOUT", default_value_t = 10.0, value_parser = parse_seconds)]
    pub drain_timeout: f64,
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
    /// Writes these settings into `config`.
    pub fn apply(&self, config: &mut ServerConfig) {
        config.drain_timeout = Duration::from_secs_f64(self.drain_timeout);
    }
}
