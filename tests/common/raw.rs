//! Raw gRPC over HTTP/2 (the `h2` crate): for requests a generated client
//! cannot send (undecodable bytes, a body that stops half-way).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpStream;

/// The gRPC status a raw call ended with: code, message, and the decoded
/// status (with its details).
pub struct RawStatus {
    pub status: tonic::Status,
}

/// A gRPC frame: flag 0, 4-byte big-endian length, the bytes.
pub fn frame(message: &[u8]) -> Vec<u8> {
    let mut framed = vec![0u8];
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(message);
    framed
}

/// Sends `body` (already framed, or not) to `path`; ends the stream when
/// `end` is true, else leaves it open. Returns the call's status, from the
/// response headers (trailers-only) or trailers.
pub async fn call(addr: SocketAddr, path: &str, body: Vec<u8>, end: bool) -> tonic::Status {
    call_with_headers(addr, path, body, end, &[]).await
}

/// Like [`call`], with extra request headers (`grpc-timeout`, say, which a
/// generated client would also enforce on its own side).
pub async fn call_with_headers(
    addr: SocketAddr,
    path: &str,
    body: Vec<u8>,
    end: bool,
    headers: &[(&str, &str)],
) -> tonic::Status {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let (client, connection) = h2::client::handshake(tcp).await.expect("h2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.expect("ready");
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{addr}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    let request = headers
        .iter()
        .fold(request, |request, (name, value)| {
            request.header(*name, *value)
        })
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).expect("send");
    send.send_data(Bytes::from(body), end).expect("send data");
    let response = tokio::time::timeout(Duration::from_secs(60), response)
        .await
        .expect("a response within 60 s")
        .expect("response");
    let (parts, mut body) = response.into_parts();
    if let Some(status) = tonic::Status::from_header_map(&parts.headers) {
        return status;
    }
    while let Some(chunk) = body.data().await {
        let _ = chunk;
    }
    let trailers = body
        .trailers()
        .await
        .expect("trailers")
        .expect("trailers present");
    tonic::Status::from_header_map(&trailers).expect("a grpc-status")
}

/// One HTTP/2 connection for many raw calls.
pub struct RawClient {
    addr: SocketAddr,
    send: h2::client::SendRequest<Bytes>,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr) -> Self {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let (send, connection) = h2::client::handshake(tcp).await.expect("h2 handshake");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Self { addr, send }
    }

    /// Sends `body` (framed by the caller) to `path` and ends the stream;
    /// the call's status, or what went wrong on the wire.
    pub async fn call(&mut self, path: &str, body: Vec<u8>) -> Result<tonic::Status, String> {
        let mut client = self
            .send
            .clone()
            .ready()
            .await
            .map_err(|e| format!("not ready: {e}"))?;
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{}{path}", self.addr))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .unwrap();
        let (response, mut send) = client
            .send_request(request, false)
            .map_err(|e| format!("send: {e}"))?;
        send.send_data(Bytes::from(body), true)
            .map_err(|e| format!("send data: {e}"))?;
        let response = tokio::time::timeout(Duration::from_secs(60), response)
            .await
            .map_err(|_| "no response within 60 s".to_string())?
            .map_err(|e| format!("response: {e}"))?;
        let (parts, mut body) = response.into_parts();
        if let Some(status) = tonic::Status::from_header_map(&parts.headers) {
            return Ok(status);
        }
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(|e| format!("body: {e}"))?;
            let _ = body.flow_control().release_capacity(chunk.len());
        }
        let trailers = body
            .trailers()
            .await
            .map_err(|e| format!("trailers: {e}"))?
            .ok_or("no trailers")?;
        tonic::Status::from_header_map(&trailers).ok_or_else(|| "no grpc-status".to_string())
    }
}
