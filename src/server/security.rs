//! Who may call what: bearer tokens on every service but health, TLS
//! settings, and whether reflection is served.
//!
//! Tokens are compared in constant time (`subtle`), against each configured
//! token; a missing or wrong token is UNAUTHENTICATED with an ErrorInfo
//! (reason MISSING_TOKEN or INVALID_TOKEN). Health is never wrapped, so load
//! balancers and Kubernetes probes need no credentials.
//!
//! Tokens read from a file are read again on SIGHUP and when the file's
//! modification time changes (a Kubernetes Secret mounted as a volume is
//! updated that way), so tokens rotate without a restart; a file that no
//! longer reads as tokens keeps the previous ones (and the reason is
//! logged). See [`Tokens::spawn_watcher`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use subtle::ConstantTimeEq;
use tonic::service::interceptor::InterceptedService;
use tonic::service::Interceptor;
use tonic::{Request, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::api::error::ERROR_DOMAIN;

/// The security settings of the server.
#[derive(Debug, Clone)]
pub struct SecurityConfig {
    /// TLS on the gRPC listener; `None` serves plaintext.
    pub tls: Option<TlsSettings>,
    /// Bearer tokens required on every service but health; `None` requires
    /// none.
    pub tokens: Option<Tokens>,
    /// Serve gRPC reflection (v1 and v1alpha).
    pub reflection: bool,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            tls: None,
            tokens: None,
            reflection: true,
        }
    }
}

impl SecurityConfig {
    /// A one-line summary for the start-up log (no secret in it).
    pub fn summary(&self) -> String {
        format!(
            "{}; {}; reflection {}",
            match &self.tls {
                Some(tls) if tls.client_ca.is_some() => "mutual TLS",
                Some(_) => "TLS",
                None => "plaintext",
            },
            match &self.tokens {
                Some(_) => "bearer token required except on health",
                None => "no authentication",
            },
            if self.reflection { "on" } else { "off" }
        )
    }
}

/// TLS files, read at start and again on SIGHUP or when they change.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// PEM certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// PEM CA certificates: when set, clients must present a certificate
    /// issued by one of them (mutual TLS).
    pub client_ca: Option<PathBuf>,
}

/// The accepted bearer tokens (clones share them, so a reload reaches
/// every clone), and the file they were read from. Never printed.
#[derive(Clone)]
pub struct Tokens {
    current: Arc<RwLock<Arc<Vec<Vec<u8>>>>>,
    file: Option<PathBuf>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tokens({} redacted)", self.snapshot().len())
    }
}

impl Tokens {
    /// Tokens from text: one per line or comma-separated; blank lines and
    /// lines starting with `#` are skipped. Empty text is an error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let tokens: Vec<Vec<u8>> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .map(|token| token.as_bytes().to_vec())
            .collect();
        if tokens.is_empty() {
            return Err("no token given".into());
        }
        if tokens.iter().any(|t| t.len() < 16) {
            return Err("every token must be at least 16 characters".into());
        }
        Ok(Self {
            current: Arc::new(RwLock::new(Arc::new(tokens))),
            file: None,
        })
    }

    /// Tokens from a file (see [`Tokens::parse`]); [`Tokens::reload`] reads
    /// it again.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let mut tokens = Self::parse(&read_file(path)?)
            .map_err(|e| format!("tokens file {}: {e}", path.display()))?;
        tokens.file = Some(path.to_path_buf());
        Ok(tokens)
    }

    /// The file the tokens come from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    fn snapshot(&self) -> Arc<Vec<Vec<u8>>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads the tokens file again (nothing to do without one). A file that
    /// cannot be read or holds no valid token keeps the previous tokens: the
    /// error says why.
    pub fn reload(&self) -> Result<(), String> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let fresh = Self::parse(&read_file(path)?)
            .map_err(|e| format!("tokens file {}: {e}", path.display()))?;
        let tokens = fresh.snapshot();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = tokens;
        Ok(())
    }

    fn reload_logged(&self) {
        match self.reload() {
            Ok(()) => tracing::info!("tokens reloaded"),
            Err(e) => tracing::warn!("tokens reload failed, keeping the previous tokens: {e}"),
        }
    }

    fn modified(&self) -> Option<SystemTime> {
        let path = self.file.as_ref()?;
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    }

    /// For tokens read from a file: reloads them on SIGHUP and when the
    /// file's modification time changes, until the returned task is aborted.
    /// `None` when there is no file.
    pub fn spawn_watcher(&self) -> Option<tokio::task::JoinHandle<()>> {
        self.file.as_ref()?;
        let (this, watched) = (self.clone(), self.clone());
        Some(super::file_reload::spawn_reloader(
            "the tokens",
            move || vec![watched.modified()],
            move || this.reload_logged(),
        ))
    }

    /// Whether `presented` is one of the tokens; constant time in the
    /// tokens' contents (every token is compared).
    pub fn accepts(&self, presented: &[u8]) -> bool {
        let tokens = self.snapshot();
        let mut accepted = subtle::Choice::from(0);
        for token in tokens.iter() {
            accepted |= token.as_slice().ct_eq(presented);
        }
        accepted.into()
    }
}

/// Checks the `authorization: Bearer <token>` header of every call of the
/// service it wraps, when tokens are configured. (Calls arriving while the
/// server drains are refused before this, by the request-limits layer.)
#[derive(Clone, Debug)]
pub struct TokenCheck {
    tokens: Option<Tokens>,
}

impl TokenCheck {
    pub fn new(tokens: Option<Tokens>) -> Self {
        Self { tokens }
    }

    /// Wraps a service so that its calls need a token.
    pub fn wrap<S>(&self, service: S) -> InterceptedService<S, TokenCheck> {
        InterceptedService::new(service, self.clone())
    }
}

fn read_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the tokens file {}: {e}", path.display()))
}

fn unauthenticated(reason: &str, message: &str) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(reason, ERROR_DOMAIN, HashMap::new());
    Status::with_error_details(tonic::Code::Unauthenticated, message, details)
}

impl Interceptor for TokenCheck {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let Some(tokens) = &self.tokens else {
            return Ok(request);
        };
        let Some(value) = request.metadata().get("authorization") else {
            return Err(unauthenticated(
                "MISSING_TOKEN",
                "this call needs an `authorization: Bearer <token>` header",
            ));
        };
        let value = value.as_bytes();
        let token = match value.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case(b"bearer ") => &value[7..],
            _ => {
                return Err(unauthenticated(
                    "MISSING_TOKEN",
                    "the authorization header must be `Bearer <token>`",
                ))
            }
        };
        if tokens.accepts(token) {
            Ok(request)
        } else {
            Err(unauthenticated("INVALID_TOKEN", "the token is not valid"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_and_compare() {
        let tokens =
            Tokens::parse("# ops\nabcdefghijklmnop\n\nqrstuvwxyz012345, 6789abcdefghijkl\n")
                .unwrap();
        assert!(tokens.accepts(b"abcdefghijklmnop"));
        assert!(tokens.accepts(b"6789abcdefghijkl"));
        assert!(!tokens.accepts(b"abcdefghijklmno"));
        assert!(!tokens.accepts(b""));
        assert!(Tokens::parse("# nothing\n").is_err());
        assert!(Tokens::parse("short").is_err());
        assert_eq!(format!("{tokens:?}"), "Tokens(3 redacted)");
    }

    #[test]
    fn a_tokens_file_reloads_and_a_bad_one_keeps_the_old_tokens() {
        let dir = std::env::temp_dir().join(format!("debtcalc-tokens-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokens");
        std::fs::write(&path, "first-token-0123456789\n").unwrap();
        let tokens = Tokens::from_file(&path).unwrap();
        let shared = tokens.clone();
        assert!(shared.accepts(b"first-token-0123456789"));
        std::fs::write(&path, "second-token-0123456789\n").unwrap();
        tokens.reload().unwrap();
        assert!(shared.accepts(b"second-token-0123456789"));
        assert!(!shared.accepts(b"first-token-0123456789"));
        std::fs::write(&path, "short\n").unwrap();
        assert!(tokens.reload().is_err());
        assert!(shared.accepts(b"second-token-0123456789"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
