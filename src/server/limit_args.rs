//! The command-line flags (and environment variables) of the limits, one
//! `clap` group that `main` flattens into its command line. Every default is
//! the one of [`ServerConfig::default`]; flags win over the environment.

use std::time::Duration;

use super::config::ServerConfig;

/// Limits on work, connections and requests (see README, "Limits").
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LimitArgs {
    /// Calculation calls computing at once, process-wide [default: the
    /// number of CPUs].
    #[arg(long, global = true, env = "DEBTCALC_MAX_CALLS_IN_PROGRESS")]
    pub max_calls_in_progress: Option<usize>,
    /// Calculation calls waiting for a worker, process-wide; beyond it
    /// RESOURCE_EXHAUSTED at once [default: 128].
    #[arg(long, global = true, env = "DEBTCALC_MAX_QUEUED_CALLS")]
    pub max_queued_calls: Option<usize>,
    /// Items of one EvaluateBatch stream evaluated at once; while that many
    /// are, the server stops reading the stream [default: 16].
    #[arg(long, global = true, env = "DEBTCALC_MAX_BATCH_ITEMS_IN_FLIGHT", value_parser = at_least_one)]
    pub max_batch_items_in_flight: Option<usize>,
    /// Open connections at most [default: 4096].
    #[arg(long, global = true, env = "DEBTCALC_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// HTTP/2 streams one connection may have open [default: 256].
    #[arg(long, global = true, env = "DEBTCALC_MAX_CONCURRENT_STREAMS")]
    pub max_concurrent_streams: Option<u32>,
    /// Seconds between HTTP/2 keepalive pings, 0 for none [default: 60].
    #[arg(long, global = true, env = "DEBTCALC_KEEPALIVE_INTERVAL", value_parser = seconds)]
    pub keepalive_interval: Option<Duration>,
    /// Seconds a keepalive ping may go unanswered [default: 20].
    #[arg(long, global = true, env = "DEBTCALC_KEEPALIVE_TIMEOUT", value_parser = seconds)]
    pub keepalive_timeout: Option<Duration>,
    /// Seconds without a call in progress before a connection is closed
    /// [default: 300].
    #[arg(long, global = true, env = "DEBTCALC_IDLE_TIMEOUT", value_parser = seconds)]
    pub idle_timeout: Option<Duration>,
    /// Seconds after accepting a connection by which its first call must
    /// have started [default: 10].
    #[arg(long, global = true, env = "DEBTCALC_HANDSHAKE_TIMEOUT", value_parser = seconds)]
    pub handshake_timeout: Option<Duration>,
    /// Bytes of request bodies being received at once, process-wide
    /// [default: 268435456 = 256 MiB].
    #[arg(long, global = true, env = "DEBTCALC_MAX_INFLIGHT_REQUEST_BYTES")]
    pub max_inflight_request_bytes: Option<usize>,
    /// Seconds a request body may pause between frames [default: 10].
    #[arg(long, global = true, env = "DEBTCALC_REQUEST_BODY_TIMEOUT", value_parser = seconds)]
    pub request_body_timeout: Option<Duration>,
}

impl LimitArgs {
    /// `config` with the limits given overriding its own.
    pub fn apply(&self, mut config: ServerConfig) -> ServerConfig {
        let c = &mut config;
        set(&mut c.compute.workers, self.max_calls_in_progress);
        set(&mut c.compute.max_queued, self.max_queued_calls);
        set(
            &mut c.max_batch_items_in_flight,
            self.max_batch_items_in_flight,
        );
        set(&mut c.connections.max_connections, self.max_connections);
        set(
            &mut c.connections.max_concurrent_streams,
            self.max_concurrent_streams,
        );
        if let Some(interval) = self.keepalive_interval {
            c.connections.keepalive_interval = (!interval.is_zero()).then_some(interval);
        }
        set(&mut c.connections.keepalive_timeout, self.keepalive_timeout);
        set(&mut c.connections.idle_timeout, self.idle_timeout);
        set(&mut c.connections.handshake_timeout, self.handshake_timeout);
        set(
            &mut c.requests.max_inflight_request_bytes,
            self.max_inflight_request_bytes,
        );
        set(
            &mut c.requests.request_body_timeout,
            self.request_body_timeout,
        );
        config
    }
}

/// A count of at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// A non-negative number of seconds (`0.5`, `300`).
fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value).map_err(|_| format!("{text:?} is not a duration in seconds"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn flags_override_the_defaults() {
        let cli = Cli::parse_from([
            "debtcalc",
            "--max-calls-in-progress",
            "3",
            "--idle-timeout",
            "0.5",
            "--keepalive-interval",
            "0",
            "--max-inflight-request-bytes",
            "1000",
        ]);
        let config = cli.limits.apply(ServerConfig::default());
        assert_eq!(config.compute.workers, 3);
        assert_eq!(config.connections.idle_timeout, Duration::from_millis(500));
        assert_eq!(config.connections.keepalive_interval, None);
        assert_eq!(config.requests.max_inflight_request_bytes, 1000);
        assert_eq!(
            config.connections.handshake_timeout,
            ServerConfig::default().connections.handshake_timeout
        );
        assert!(Cli::try_parse_from(["debtcalc", "--idle-timeout", "-1"]).is_err());
    }
}
