//! The web page's assets (web/assets/: the page, its style sheet, its
//! script bundled from web/src/ by scripts/web-bundle, and an icon),
//! embedded in the binary, and the layer that answers `GET` and `HEAD`
//! with them on the web listener (see [`super::web`]).
//!
//! Every asset is sent with a strict Content-Security-Policy: the page may
//! load scripts, styles and images only from its own origin (charts are
//! shown as `blob:` images made from the SVG the service returns), may
//! connect only to its own origin (gRPC-Web), and cannot be framed. The
//! page makes no request to any other host.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use tonic::body::Body;

use super::connections::ConnectionRegistry;

/// One embedded file, served at `path`.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// The URL path it is served at.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

/// The page's files. `app.js` is the generated client and the page's code,
/// bundled into one file (scripts/web-bundle; CI checks that the committed
/// file equals a fresh bundle).
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../../web/assets/index.html"),
    },
    Asset {
        path: "/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../web/assets/app.js"),
    },
    Asset {
        path: "/style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../web/assets/style.css"),
    },
    Asset {
        path: "/favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../web/assets/favicon.svg"),
    },
];

/// The Content-Security-Policy of every asset: nothing from another origin,
/// no inline script or style, no plugin, no framing, no form posting.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' blob:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The asset served at `path` (`/index.html` is `/`).
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = if path == "/index.html" { "/" } else { path };
    ASSETS.iter().find(|asset| asset.path == path)
}

/// The answer to a `GET` or `HEAD` of `path`: the asset with its headers,
/// or 404.
pub fn respond(method: &Method, path: &str) -> Response<Body> {
    let (status, content_type, body) = match asset(path) {
        Some(asset) => (StatusCode::OK, asset.content_type, asset.body),
        None => (
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            &b"not found\n"[..],
        ),
    };
    let length = body.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::new(Full::new(Bytes::from_static(body)))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    // Small files, embedded in the binary: always revalidated, so a new
    // binary's page is never mixed with an old script.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The layer answering `GET` and `HEAD` with the assets; every other
/// request (gRPC-Web and gRPC calls are `POST`) goes on to the service.
#[derive(Debug, Clone)]
pub struct WebAssetsLayer {
    connections: ConnectionRegistry,
}

impl WebAssetsLayer {
    /// `connections`: the registry the listener's connections are tracked
    /// in; an asset request counts as a call on its connection (so a
    /// browser that only loads the page is not closed as idle meanwhile).
    pub fn new(connections: ConnectionRegistry) -> Self {
        Self { connections }
    }
}

impl<S> tower::Layer<S> for WebAssetsLayer {
    type Service = WebAssets<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WebAssets {
            inner,
            connections: self.connections.clone(),
        }
    }
}

/// The service of [`WebAssetsLayer`].
#[derive(Debug, Clone)]
pub struct WebAssets<S> {
    inner: S,
    connections: ConnectionRegistry,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S> tower::Service<Request<Body>> for WebAssets<S>
where
    S: tower::Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Response<Body>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let method = request.method();
        if method == Method::GET || method == Method::HEAD {
            let _call = super::telemetry::peer(request.extensions())
                .and_then(|peer| self.connections.start_call(peer));
            let response = respond(method, request.uri().path());
            return Box::pin(async move { Ok(response) });
        }
        // The clone that was made ready is the one called.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_served_with_the_policy_and_its_type() {
        for asset in ASSETS {
            let response = respond(&Method::GET, asset.path);
            assert_eq!(response.status(), StatusCode::OK, "{}", asset.path);
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                asset.content_type,
                "{}",
                asset.path
            );
            assert_eq!(
                response.headers()[header::CONTENT_SECURITY_POLICY],
                CONTENT_SECURITY_POLICY
            );
            assert!(!asset.body.is_empty(), "{} is empty", asset.path);
        }
        assert_eq!(
            respond(&Method::GET, "/nope").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(asset("/index.html").map(|a| a.path), Some("/"));
    }

    /// The page loads nothing from another origin: no absolute URL in a
    /// `src` or `href`, no protocol-relative one.
    #[test]
    fn the_page_names_no_other_host() {
        for asset in ASSETS.iter().filter(|a| a.path != "/app.js") {
            let text = std::str::from_utf8(asset.body).unwrap();
            for attribute in ["src=\"", "href=\""] {
                for (i, _) in text.match_indices(attribute) {
                    let value = &text[i + attribute.len()..];
                    assert!(
                        value.starts_with('#')
                            || (value.starts_with('/') && !value.starts_with("//")),
                        "{}: {}",
                        asset.path,
                        &value[..value.len().min(40)]
                    );
                }
            }
        }
    }
}
