//! The API layer has no circular imports (issue 10): a module of `src/api`
//! never reaches itself through the `super::…` / `crate::api::…` paths the
//! modules name. Shared parsing lives in a module both users import (for
//! example `preset`, used by `solve` and `debt_stream`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The first path segment of each item after `prefix` in `line`
/// (`super::a::b`, `super::{a, b::c}` and `super::{self}` give a, b).
fn referenced(line: &str, prefix: &str, out: &mut BTreeSet<String>) {
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        rest = &rest[at + prefix.len()..];
        let items: Vec<&str> = if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            inner[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for item in items {
            let name: String = item
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != "self" {
                out.insert(name);
            }
        }
    }
}

/// Module -> the sibling modules it names.
fn api_graph() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("src/api is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        let mut deps = BTreeSet::new();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            referenced(code, "super::", &mut deps);
            referenced(code, "crate::api::", &mut deps);
        }
        modules.insert(name, deps);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    for deps in modules.values_mut() {
        deps.retain(|d| names.contains(d));
    }
    modules
}

/// A cycle through `start`, if any (depth-first search).
fn cycle_from(
    graph: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let last = path.last().unwrap().clone();
    for next in &graph[&last] {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            return Some(cycle);
        }
        if !path.contains(next) {
            path.push(next.clone());
            if let Some(cycle) = cycle_from(graph, start, path) {
                return Some(cycle);
            }
            path.pop();
        }
    }
    None
}

#[test]
fn the_api_layer_has_no_import_cycle() {
    let graph = api_graph();
    assert!(graph.contains_key("solve") && graph.contains_key("valuation"));
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&graph, m, &mut vec![m.clone()]))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles in src/api: {cycles:#?}");
}

#[test]
fn the_scan_sees_braced_and_inline_paths() {
    let mut deps = BTreeSet::new();
    referenced(
        "use super::{schedule, solve::x, self}; let s = super::preset::f(crate::api::pb::A);",
        "super::",
        &mut deps,
    );
    referenced("crate::api::pb::A", "crate::api::", &mut deps);
    let want: BTreeSet<String> = ["schedule", "solve", "preset", "pb"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(deps, want);
}

/// The layers point one way: main -> server / cli -> api -> domain. A file
/// of a lower layer never names a higher one (`crate::server`, ...), so the
/// domain knows nothing of the API and the API nothing of the server.
#[test]
fn lower_layers_never_name_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules: [(&str, &[&str]); 2] = [
        ("api", &["crate::server", "crate::cli"]),
        ("domain", &["crate::api", "crate::server", "crate::cli"]),
    ];
    let mut offences = Vec::new();
    for (layer, forbidden) in rules {
        let mut dirs = vec![root.join(layer)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("a readable source folder") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a readable source file");
                for (n, line) in text.lines().enumerate() {
                    if line.trim_start().starts_with("//") {
                        continue;
                    }
                    for name in forbidden {
                        if line.contains(name) {
                            offences.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "imports against the layering:\n{}",
        offences.join("\n")
    );
}
