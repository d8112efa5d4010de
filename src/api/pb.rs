//! The protobuf messages and gRPC services generated from `proto/` by
//! `build.rs`. Modules nest like the proto packages (`pb::debtcalc::v1`).

#![allow(clippy::all, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/debtcalc_protos.rs"));

/// The encoded descriptor set of debtcalc's protos, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/debtcalc_descriptor.bin"));
