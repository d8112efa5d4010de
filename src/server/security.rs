//! Who may call what: bearer tokens on every service but health, TLS
//! settings, and whether reflection is served.
//!
//! Tokens are compared in constant time (`subtle`), against each configured
//! token; a missing or wrong token is UNAUTHENTICATED with an ErrorInfo
//! (reason MISSING_TOKEN or INVALID_TOKEN). Health is never wrapped, so load
//! balancers and Kubernetes probes need no credentials.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// The accepted bearer tokens. Never printed.
#[derive(Clone)]
pub struct Tokens(Arc<Vec<Vec<u8>>>);

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tokens({} redacted)", self.0.len())
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
        Ok(Self(Arc::new(tokens)))
    }

    /// Tokens from a file (see [`Tokens::parse`]).
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the tokens file {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("tokens file {}: {e}", path.display()))
    }

    /// Whether `presented` is one of the tokens; constant time in the
    /// tokens' contents (every token is compared).
    pub fn accepts(&self, presented: &[u8]) -> bool {
        let mut accepted = subtle::Choice::from(0);
        for token in self.0.iter() {
            accepted |= token.as_slice().ct_eq(presented);
        }
        accepted.into()
    }
}

/// Checks every call of the service it wraps: refused with UNAVAILABLE
/// once the server drains (before the GOAWAY reaches the client), and the
/// `authorization: Bearer <token>` header when tokens are configured.
#[derive(Clone, Debug)]
pub struct TokenCheck {
    tokens: Option<Tokens>,
    drain: Option<super::lifecycle::DrainSignal>,
}

impl TokenCheck {
    pub fn new(tokens: Option<Tokens>) -> Self {
        Self {
            tokens,
            drain: None,
        }
    }

    /// Also refuses calls (UNAVAILABLE) once `drain` has started.
    pub fn refusing_when_draining(mut self, drain: super::lifecycle::DrainSignal) -> Self {
        self.drain = Some(drain);
        self
    }

    /// Wraps a service so that its calls need a token.
    pub fn wrap<S>(&self, service: S) -> InterceptedService<S, TokenCheck> {
        InterceptedService::new(service, self.clone())
    }
}

fn unauthenticated(reason: &str, message: &str) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(reason, ERROR_DOMAIN, HashMap::new());
    Status::with_error_details(tonic::Code::Unauthenticated, message, details)
}

impl Interceptor for TokenCheck {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        if self.drain.as_ref().is_some_and(|d| d.is_draining()) {
            return Err(Status::unavailable(
                "the server is shutting down; retry on another instance",
            ));
        }
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
}
