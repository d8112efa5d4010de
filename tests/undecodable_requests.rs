//! Bytes that are not a valid request, sent to every debtcalc RPC over a
//! real server: each gets INVALID_ARGUMENT with ErrorInfo reason
//! MALFORMED_REQUEST (a message over the size limit RESOURCE_EXHAUSTED,
//! reason REQUEST_TOO_LARGE), never INTERNAL (issue 11).

mod common;

use common::{error_reason, raw, TestServer};
use prost::Message;
use prost_types::field_descriptor_proto::Type;
use prost_types::{DescriptorProto, FileDescriptorSet};
use tonic::Code;

struct Rpc {
    path: String,
    /// A client stream (EvaluateBatch), for which no message at all is a
    /// valid, empty stream.
    client_streaming: bool,
    /// Field numbers leading to a string field of the request, if any.
    string_path: Option<Vec<i32>>,
}

/// Every method of every debtcalc service, from the descriptors the server
/// serves, so an RPC added later is covered without editing this test.
fn rpcs() -> Vec<Rpc> {
    let set = FileDescriptorSet::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET).unwrap();
    let messages: Vec<(String, &DescriptorProto)> = set
        .file
        .iter()
        .flat_map(|file| {
            let package = file.package().to_string();
            file.message_type
                .iter()
                .map(move |m| (format!(".{package}.{}", m.name()), m))
        })
        .collect();
    let find = |name: &str| messages.iter().find(|(n, _)| n == name).map(|(_, m)| *m);
    // Depth-first search for a string field, through message fields.
    fn string_path<'a>(
        message: &DescriptorProto,
        find: &dyn Fn(&str) -> Option<&'a DescriptorProto>,
        depth: usize,
    ) -> Option<Vec<i32>> {
        for field in &message.field {
            if field.r#type() == Type::String {
                return Some(vec![field.number()]);
            }
        }
        if depth == 0 {
            return None;
        }
        for field in &message.field {
            if field.r#type() == Type::Message {
                if let Some(inner) = find(field.type_name()) {
                    if let Some(mut rest) = string_path(inner, find, depth - 1) {
                        rest.insert(0, field.number());
                        return Some(rest);
                    }
                }
            }
        }
        None
    }
    let mut rpcs = Vec::new();
    for file in set.file.iter().filter(|f| f.package() == "debtcalc.v1") {
        for service in &file.service {
            for method in &service.method {
                let input = find(method.input_type()).expect("the input message");
                rpcs.push(Rpc {
                    path: format!("/{}.{}/{}", file.package(), service.name(), method.name()),
                    client_streaming: method.client_streaming(),
                    string_path: string_path(input, &find, 3),
                });
            }
        }
    }
    assert!(rpcs.len() >= 9, "{}", rpcs.len());
    rpcs
}

/// A message whose string field at `path` holds bytes that are not UTF-8.
fn bad_utf8(path: &[i32]) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe, 0xfd];
    for &number in path.iter().rev() {
        let mut outer = Vec::new();
        prost::encoding::encode_key(
            number as u32,
            prost::encoding::WireType::LengthDelimited,
            &mut outer,
        );
        prost::encoding::encode_varint(bytes.len() as u64, &mut outer);
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    bytes
}

fn assert_malformed(status: &tonic::Status, what: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{what}: {status:?}");
    assert_eq!(error_reason(status), "MALFORMED_REQUEST", "{what}");
}

#[tokio::test]
async fn undecodable_bytes_are_invalid_argument_for_every_rpc() {
    let server = TestServer::start().await;
    let mut without_strings = Vec::new();
    for rpc in rpcs() {
        let path = rpc.path.as_str();
        let mut cases: Vec<(&str, Vec<u8>)> = vec![
            // Field 1 with wire type 7, which does not exist.
            ("invalid wire type", raw::frame(&[0x0f, 0x00])),
            // A length-delimited field 1 that claims 5 bytes and has 1.
            ("truncated field", raw::frame(&[0x0a, 0x05, 0x01])),
            // A varint that never ends.
            ("unterminated varint", raw::frame(&[0x08, 0xff, 0xff, 0xff])),
            // A gRPC frame that declares 10 bytes and brings 3.
            ("truncated frame", raw::frame(&[0u8; 10])[..8].to_vec()),
            // No message at all.
            ("empty body", Vec::new()),
            // A frame flag that is neither 0 nor 1.
            ("bad frame flag", {
                let mut framed = raw::frame(&[]);
                framed[0] = 7;
                framed
            }),
            // Compressed, but no grpc-encoding.
            ("compressed flag without encoding", {
                let mut framed = raw::frame(&[]);
                framed[0] = 1;
                framed
            }),
        ];
        match &rpc.string_path {
            Some(string_path) => cases.push(("bad UTF-8", raw::frame(&bad_utf8(string_path)))),
            None => without_strings.push(rpc.path.clone()),
        }
        for (what, body) in cases {
            let status = raw::call(server.addr, path, body, true).await;
            if rpc.client_streaming && what == "empty body" {
                // A stream of no items: answered with no items, OK.
                assert_eq!(status.code(), Code::Ok, "{path}, {what}: {status:?}");
                continue;
            }
            assert_malformed(&status, &format!("{path}, {what}"));
        }
        // Over the 4 MiB message limit (the header alone says so).
        let mut header = vec![0u8];
        header.extend_from_slice(&(5u32 << 20).to_be_bytes());
        let status = raw::call(server.addr, path, header, true).await;
        assert_eq!(status.code(), Code::ResourceExhausted, "{path}: {status:?}");
        assert_eq!(error_reason(&status), "REQUEST_TOO_LARGE", "{path}");
    }
    // Only List requests, which have no string field, escape the UTF-8 case.
    for path in &without_strings {
        assert!(path.contains("/List"), "{path} has no string field?");
    }
}
