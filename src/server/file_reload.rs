//! Reloading files the server reads at start (TLS certificates and keys, the
//! tokens file) on SIGHUP and when a file's modification time changes: one
//! loop for both, so they behave alike.

use std::time::{Duration, SystemTime};

/// How often the files' modification times are checked.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// Spawns the loop: `reload` runs on every SIGHUP and whenever `modified`
/// (the files' modification times) changes, until the task is aborted.
/// `what` names the files in the SIGHUP log line. The signal handler is
/// installed before this returns, so a SIGHUP sent once the server says it
/// serves is never lost.
pub fn spawn_reloader<M, R>(
    what: &'static str,
    modified: M,
    reload: R,
) -> tokio::task::JoinHandle<()>
where
    M: Fn() -> Vec<Option<SystemTime>> + Send + 'static,
    R: Fn() + Send + 'static,
{
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    tokio::spawn(async move {
        let mut seen = modified();
        let mut poll = tokio::time::interval(POLL_INTERVAL);
        loop {
            #[cfg(unix)]
            let hup = async {
                match hangup.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            #[cfg(not(unix))]
            let hup = std::future::pending::<()>();
            tokio::select! {
                () = hup => {
                    tracing::info!("SIGHUP: reloading {what}");
                    reload();
                    seen = modified();
                }
                _ = poll.tick() => {
                    let now = modified();
                    if now != seen {
                        seen = now;
                        reload();
                    }
                }
            }
        }
    })
}
