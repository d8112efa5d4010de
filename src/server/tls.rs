//! TLS on the gRPC listener with rustls: a custom incoming stream (accept,
//! then a TLS handshake bounded in time, off the accept loop), whose rustls
//! configuration is reloaded on SIGHUP and when the certificate, key or
//! client-CA file changes, so certificates rotate without a restart.
//! A reload that fails keeps the previous configuration (and logs why).

use std::io;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};

use super::security::TlsSettings;
use super::ServeError;

/// How long a client gets to complete the TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the files and builds the rustls configuration (HTTP/2 only).
pub fn load(settings: &TlsSettings) -> Result<Arc<ServerConfig>, ServeError> {
    let provider = Arc::new(ring::default_provider());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&settings.cert)
        .and_then(|certs| certs.collect())
        .map_err(|e| format!("TLS certificate {}: {e}", settings.cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "TLS certificate {}: no certificate",
            settings.cert.display()
        )
        .into());
    }
    let key = PrivateKeyDer::from_pem_file(&settings.key)
        .map_err(|e| format!("TLS key {}: {e}", settings.key.display()))?;
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match &settings.client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(ca)
                .map_err(|e| format!("TLS client CA {}: {e}", ca.display()))?
            {
                let cert = cert.map_err(|e| format!("TLS client CA {}: {e}", ca.display()))?;
                roots.add(cert)?;
            }
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build()?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS certificate and key: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// The current rustls configuration, swapped on reload.
#[derive(Clone)]
pub struct Reloadable {
    current: Arc<RwLock<Arc<ServerConfig>>>,
    settings: TlsSettings,
}

impl Reloadable {
    /// Loads the files once; an error stops the start.
    pub fn new(settings: TlsSettings) -> Result<Self, ServeError> {
        let config = load(&settings)?;
        Ok(Self {
            current: Arc::new(RwLock::new(config)),
            settings,
        })
    }

    fn acceptor(&self) -> TlsAcceptor {
        let config = self.current.read().unwrap_or_else(|e| e.into_inner());
        TlsAcceptor::from(config.clone())
    }

    /// Reloads the files; keeps the old configuration if they are bad.
    pub fn reload(&self) -> bool {
        match load(&self.settings) {
            Ok(config) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = config;
                tracing::info!("TLS configuration reloaded");
                true
            }
            Err(e) => {
                tracing::warn!("TLS reload failed, keeping the previous configuration: {e}");
                false
            }
        }
    }

    fn modified(&self) -> Vec<Option<SystemTime>> {
        let files = [
            Some(&self.settings.cert),
            Some(&self.settings.key),
            self.settings.client_ca.as_ref(),
        ];
        files
            .into_iter()
            .flatten()
            .map(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok())
            .collect()
    }

    /// Reloads on SIGHUP and when a file's modification time changes, until
    /// the returned task is dropped or aborted.
    pub fn spawn_watcher(&self) -> tokio::task::JoinHandle<()> {
        let (this, watched) = (self.clone(), self.clone());
        super::file_reload::spawn_reloader(
            "TLS",
            move || watched.modified(),
            move || {
                this.reload();
            },
        )
    }
}

/// Handshaken TLS connections over the connections of `inner` (a plain
/// accept stream such as tonic's `TcpIncoming`, or one that caps and tracks
/// connections). Each handshake runs in a task of its own, bounded by
/// [`HANDSHAKE_TIMEOUT`], so a slow client does not hold up the others. The
/// accept loop ends (and `inner`, with its listener, is dropped) when the
/// returned stream is dropped.
pub fn incoming<S, IO>(
    inner: S,
    tls: Reloadable,
) -> ReceiverStream<Result<TlsStream<IO>, io::Error>>
where
    S: Stream<Item = Result<IO, io::Error>> + Send + 'static,
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        let mut inner = Box::pin(inner);
        loop {
            let accepted = tokio::select! {
                () = tx.closed() => break,
                accepted = inner.next() => accepted,
            };
            let io = match accepted {
                None => break,
                Some(Ok(io)) => io,
                Some(Err(e)) => {
                    tracing::warn!("accept failed: {e}");
                    continue;
                }
            };
            let acceptor = tls.acceptor();
            let tx = tx.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(io)).await {
                    Ok(Ok(stream)) => {
                        let _ = tx.send(Ok(stream)).await;
                    }
                    Ok(Err(e)) => tracing::debug!("TLS handshake failed: {e}"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            });
        }
    });
    ReceiverStream::new(rx)
}
