//! A fuzz harness on stable Rust: request bytes for every debtcalc RPC, from
//! a schema-aware generator (random messages that follow the request's
//! descriptor, with values from a dictionary of plausible and hostile
//! strings and numbers) and random mutations of them (flipped, inserted and
//! dropped bytes, truncation), sent to a real server on loopback, so each
//! input goes through decoding, validation and computation. No input may
//! crash a connection or produce INTERNAL or UNKNOWN (issue 11).
//!
//! Deterministic: case `i` of a run is generated from `FUZZ_SEED + i`. CI
//! runs the default `FUZZ_CASES` (40 per RPC); a long run:
//!
//! ```sh
//! FUZZ_CASES=20000 FUZZ_SEED=1 cargo test --release --test fuzz_requests -- --nocapture
//! ```
//!
//! A failing input is written to `target/fuzz-failures/<rpc>-<seed>.bin`;
//! copy it to `tests/fuzz_corpus/` and it is replayed by
//! `the_corpus_replays_cleanly` on every run.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use common::raw::{frame, RawClient};
use common::TestServer;
use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};
use tonic::Code;

/// xorshift64*: small, deterministic, good enough to drive a generator.
/// `hostile`: whether the case also draws hostile values (half the cases);
/// the others use plausible values only, to reach the computations.
struct Rng(u64, bool);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut rng = Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, false);
        rng.1 = rng.chance(2);
        rng
    }
    /// Whether to draw a hostile value here (never in a plausible case).
    fn hostile(&mut self, one_in: usize) -> bool {
        self.1 && self.chance(one_in)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

struct Schema {
    messages: HashMap<String, DescriptorProto>,
    /// (path, input type) of every debtcalc RPC.
    rpcs: Vec<(String, String)>,
    strings: Vec<String>,
}

impl Schema {
    fn load() -> Self {
        let set = FileDescriptorSet::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET).unwrap();
        let mut messages = HashMap::new();
        fn add(
            prefix: &str,
            message: &DescriptorProto,
            out: &mut HashMap<String, DescriptorProto>,
        ) {
            let name = format!("{prefix}.{}", message.name());
            for nested in &message.nested_type {
                add(&name, nested, out);
            }
            out.insert(name, message.clone());
        }
        let mut rpcs = Vec::new();
        for file in &set.file {
            let prefix = format!(".{}", file.package());
            for message in &file.message_type {
                add(&prefix, message, &mut messages);
            }
            if file.package() == "debtcalc.v1" {
                for service in &file.service {
                    for method in &service.method {
                        rpcs.push((
                            format!("/{}.{}/{}", file.package(), service.name(), method.name()),
                            method.input_type().to_string(),
                        ));
                    }
                }
            }
        }
        let mut strings: Vec<String> = [
            "",
            "USD",
            "EUR",
            "JPY",
            "KWD",
            "SUR",
            "RUR",
            "DEM",
            "XXX",
            "usd",
            "0",
            "1",
            "-1",
            "0.5",
            "0.05",
            "0.06",
            "-0.3",
            "1.5",
            "10",
            "100",
            "1000000",
            "1090000000",
            "1000000000.00",
            "0.01",
            "0.001",
            "1e3",
            "1_000",
            " 1",
            "NaN",
            "inf",
            "-0",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
            "-79228162514264337593543950335",
            "99999999999999999999999999999.99",
            "0.123456789012345678901234567890",
            "1/3",
            "5000",
            "0.9999999999999",
            "2025-01-15",
            "\u{0}",
            "é",
            "gosbank-settlement-rate",
            "gosbank-1961-1971",
            "gosbank-average-1985",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        strings.extend(
            debtcalc::domain::solver::all_presets()
                .iter()
                .map(|p| p.id.to_string()),
        );
        // The settlement library's ids.
        let settlements = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/settlements");
        if let Ok(entries) = std::fs::read_dir(settlements) {
            for entry in entries.flatten() {
                let path = entry.path();
                if let Some(id) = path.file_stem() {
                    strings.push(id.to_string_lossy().to_string());
                }
            }
        }
        strings.push("9".repeat(5000));
        Self {
            messages,
            rpcs,
            strings,
        }
    }

    /// A random message of type `name`, following its descriptor.
    fn message(&self, name: &str, rng: &mut Rng, depth: usize, out: &mut Vec<u8>) {
        let Some(message) = self.messages.get(name) else {
            let len = rng.below(8);
            out.extend((0..len).map(|_| rng.next() as u8));
            return;
        };
        // One member of each oneof, at most.
        let oneofs = message.oneof_decl.len();
        let sizes: Vec<usize> = (0..oneofs)
            .map(|i| {
                message
                    .field
                    .iter()
                    .filter(|f| f.oneof_index == Some(i as i32) && !f.proto3_optional())
                    .count()
            })
            .collect();
        // Sometimes no member (index past the last).
        let chosen: Vec<usize> = sizes
            .iter()
            .map(|&n| rng.below(n + usize::from(rng.1)))
            .collect();
        let mut members = vec![0usize; oneofs];
        for field in &message.field {
            if let (Some(index), false) = (field.oneof_index, field.proto3_optional()) {
                let index = index as usize;
                let member = members[index];
                members[index] += 1;
                if chosen[index] != member {
                    continue;
                }
            }
            let repeated = field.label() == Label::Repeated;
            let count = if repeated {
                match rng.below(10) {
                    0..=2 => 0,
                    3..=8 => 1 + rng.below(3),
                    _ if rng.1 => rng.below(60),
                    _ => 1,
                }
            } else if rng.hostile(4) || (field.proto3_optional() && rng.chance(2)) {
                0
            } else {
                1
            };
            for _ in 0..count {
                self.field(field, rng, depth, out);
            }
        }
    }

    fn field(
        &self,
        field: &prost_types::FieldDescriptorProto,
        rng: &mut Rng,
        depth: usize,
        out: &mut Vec<u8>,
    ) {
        let number = field.number() as u32;
        match field.r#type() {
            Type::String | Type::Bytes => {
                let name = field.name();
                let plausible: &[&str] = if name.contains("currency") {
                    &["USD", "EUR", "JPY", "KWD", "SUR", "RUR", "DEM"]
                } else if name.contains("rate") || name.contains("margin") {
                    &["0.05", "0.06", "0", "0.035", "-0.01", "0.08", "0.1"]
                } else if name.contains("share")
                    || name.contains("reduction")
                    || name.contains("weight")
                {
                    &["0.5", "0.67", "0.9", "0", "1", "0.333", "0.25"]
                } else {
                    &[
                        "1000000",
                        "1090000000",
                        "1000",
                        "250000",
                        "1",
                        "40",
                        "12345",
                    ]
                };
                let text = if rng.hostile(5) {
                    self.strings[rng.below(self.strings.len())].as_str()
                } else {
                    plausible[rng.below(plausible.len())]
                };
                encode_key(number, WireType::LengthDelimited, out);
                encode_varint(text.len() as u64, out);
                out.extend_from_slice(text.as_bytes());
            }
            Type::Message => {
                if depth == 0 {
                    return;
                }
                let mut inner = Vec::new();
                self.message(field.type_name(), rng, depth - 1, &mut inner);
                encode_key(number, WireType::LengthDelimited, out);
                encode_varint(inner.len() as u64, out);
                out.extend_from_slice(&inner);
            }
            Type::Double | Type::Fixed64 | Type::Sfixed64 => {
                encode_key(number, WireType::SixtyFourBit, out);
                out.extend_from_slice(&rng.next().to_le_bytes());
            }
            Type::Float | Type::Fixed32 | Type::Sfixed32 => {
                encode_key(number, WireType::ThirtyTwoBit, out);
                out.extend_from_slice(&(rng.next() as u32).to_le_bytes());
            }
            Type::Group => {}
            _ => {
                const INTS: [u64; 24] = [
                    0,
                    1,
                    2,
                    3,
                    4,
                    5,
                    6,
                    7,
                    12,
                    15,
                    28,
                    29,
                    30,
                    31,
                    40,
                    66,
                    360,
                    1200,
                    1201,
                    1900,
                    2025,
                    9999,
                    10000,
                    u32::MAX as u64,
                ];
                let name = field.name();
                let value = match rng.below(8) {
                    0 if rng.1 => rng.next(),
                    1 if rng.1 => (-(rng.below(3) as i64) - 1) as u64,
                    2 if rng.1 => INTS[rng.below(INTS.len())],
                    _ if name == "year" => 2015 + rng.below(30) as u64,
                    _ if name == "month" => 1 + rng.below(12) as u64,
                    _ if name == "day" => 1 + rng.below(28) as u64,
                    _ if field.r#type() == Type::Enum => 1 + rng.below(3) as u64,
                    _ if field.r#type() == Type::Bool => rng.below(2) as u64,
                    _ => 1 + rng.below(40) as u64,
                };
                encode_key(number, WireType::Varint, out);
                encode_varint(value, out);
            }
        }
    }
}

/// Flips, inserts or drops a few bytes, or truncates.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(3) {
        if bytes.is_empty() {
            bytes.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(4) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes.insert(at, rng.next() as u8),
            2 => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
}

/// The input of case `seed` for an RPC taking `input_type`: half the time
/// (when there are any) one of `seeds`, valid requests, with a few
/// generated fields appended (protobuf merges them over the seed's) or a
/// few bytes mutated; otherwise a generated message.
fn input(schema: &Schema, input_type: &str, seeds: &[Vec<u8>], seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    if !seeds.is_empty() && rng.chance(2) {
        let mut bytes = seeds[rng.below(seeds.len())].clone();
        let message = &schema.messages[input_type];
        // A request without fields (ListSwapsRequest) has none to append.
        if rng.chance(2) && !message.field.is_empty() {
            for _ in 0..1 + rng.below(2) {
                let field = &message.field[rng.below(message.field.len())];
                schema.field(field, &mut rng, 3, &mut bytes);
            }
        } else {
            mutate(&mut bytes, &mut rng);
        }
        return bytes;
    }
    let mut bytes = Vec::new();
    schema.message(input_type, &mut rng, 4, &mut bytes);
    if rng.hostile(2) {
        mutate(&mut bytes, &mut rng);
    }
    bytes
}

/// The corpus: `tests/fuzz_corpus/<Method>-<anything>.bin`, by method.
fn corpus() -> BTreeMap<String, Vec<(String, Vec<u8>)>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut corpus: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("tests/fuzz_corpus") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "bin") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let method = name.split('-').next().unwrap().to_string();
        corpus
            .entry(method)
            .or_default()
            .push((name, std::fs::read(&path).unwrap()));
    }
    for inputs in corpus.values_mut() {
        inputs.sort();
    }
    corpus
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What is wrong with the answer to an input, if anything.
fn failure(result: &Result<tonic::Status, String>) -> Option<String> {
    match result {
        Err(wire) => Some(format!("transport failure: {wire}")),
        Ok(status) if matches!(status.code(), Code::Internal | Code::Unknown) => {
            Some(format!("{status:?}"))
        }
        Ok(_) => None,
    }
}

fn save_failure(name: &str, bytes: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.bin")), bytes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_never_crash_or_give_internal() {
    let schema = Schema::load();
    let cases = env_u64("FUZZ_CASES", 40 * schema.rpcs.len() as u64);
    let seed = env_u64("FUZZ_SEED", 0);
    let corpus = corpus();
    let server = TestServer::start().await;
    let mut client = RawClient::connect(server.addr).await;
    let started = Instant::now();
    let mut codes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in 0..cases {
        let (path, input_type) = &schema.rpcs[case as usize % schema.rpcs.len()];
        let case_seed = seed.wrapping_add(case);
        let method = path.rsplit('/').next().unwrap().to_string();
        let seeds: Vec<Vec<u8>> = corpus
            .get(&method)
            .map(|inputs| inputs.iter().map(|(_, bytes)| bytes.clone()).collect())
            .unwrap_or_default();
        let bytes = input(&schema, input_type, &seeds, case_seed);
        let result = client.call(path, frame(&bytes)).await;
        if let Some(why) = failure(&result) {
            save_failure(&format!("{method}-{case_seed}"), &bytes);
            failures.push(format!("{method} seed {case_seed}: {why}"));
            // A broken connection: carry on with a new one.
            client = RawClient::connect(server.addr).await;
        }
        if std::env::var("FUZZ_SHOW").is_ok_and(|m| path.ends_with(&m)) {
            if let Ok(status) = &result {
                eprintln!("{}", status.message());
            }
        }
        let code = match &result {
            Ok(status) => format!("{:?}", status.code()),
            Err(_) => "transport".to_string(),
        };
        *codes.entry((method, code)).or_default() += 1;
    }
    eprintln!(
        "fuzz: {cases} inputs (seed {seed}) in {:?}, {} failures; by RPC and code: {codes:?}",
        started.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Replays every input kept in `tests/fuzz_corpus/` against its RPC: the
/// README's requests (`scripts/fuzz-seeds`) and any failure kept.
#[tokio::test]
async fn the_corpus_replays_cleanly() {
    let schema = Schema::load();
    let server = TestServer::start().await;
    let mut client = RawClient::connect(server.addr).await;
    let mut replayed = 0;
    for (method, inputs) in corpus() {
        let (rpc, _) = schema
            .rpcs
            .iter()
            .find(|(p, _)| p.ends_with(&format!("/{method}")))
            .unwrap_or_else(|| panic!("no RPC {method}"));
        for (name, bytes) in inputs {
            let result = client.call(rpc, frame(&bytes)).await;
            assert_eq!(failure(&result), None, "{name}");
            replayed += 1;
        }
    }
    assert!(replayed > 0, "the corpus is empty");
}
