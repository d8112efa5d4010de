//! Compiles the API contract in `proto/` with protox (pure Rust, so no system
//! `protoc` is needed) and generates the prost messages and tonic services.
//! The encoded descriptor set is written to OUT_DIR for server reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_root = PathBuf::from("proto");
    let mut files: Vec<PathBuf> = fs::read_dir(proto_root.join("debtcalc/v1"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    files.sort();

    println!("cargo:rerun-if-changed=proto");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }

    let descriptors = protox::compile(&files, [&proto_root])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(
        out_dir.join("debtcalc_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // The per-item error of EvaluateBatch is tonic-types' google.rpc.Status,
        // so a tonic::Status's details decode straight into it.
        .extern_path(".google.rpc.Status", "::tonic_types::pb::Status")
        .include_file("debtcalc_protos.rs")
        .compile_fds(descriptors)?;
    Ok(())
}
