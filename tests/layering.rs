//! No circular imports, and layers that point one way. In every folder of
//! `src`, a module (a file or a subfolder) never reaches itself through the
//! `super::…` / `crate::<folder>::…` paths the modules name (issue 10 for
//! src/api; every folder since). Shared code lives in a module both users
//! import (for example `preset`, used by `solve` and `debt_stream`; the
//! calendar in `domain::time`, used by the schedule and the day counts).

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

/// The text of a module: its file, or every file of its folder.
fn module_texts(path: &Path) -> Vec<(bool, String)> {
    if path.is_file() {
        return vec![(
            true,
            std::fs::read_to_string(path).expect("a readable file"),
        )];
    }
    let mut texts = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable source folder") {
            let file = entry.expect("a directory entry").path();
            if file.is_dir() {
                dirs.push(file);
            } else if file.extension().and_then(|e| e.to_str()) == Some("rs") {
                // `super::` in a folder's mod.rs names the folder's siblings;
                // deeper down it names modules inside the folder.
                let siblings = dir == path && file.file_name().unwrap() == "mod.rs";
                let text = std::fs::read_to_string(&file).expect("a readable file");
                texts.push((siblings, text));
            }
        }
    }
    texts
}

/// Module -> the sibling modules it names, for the modules of the folder
/// `dir` (files other than mod.rs, and subfolders), whose path in the
/// crate is `crate_path` (`crate::api::`).
fn module_graph(dir: &Path, crate_path: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let is_module = path.is_dir() || path.extension().and_then(|e| e.to_str()) == Some("rs");
        if !is_module || name == "mod" || name == "lib" || name == "main" {
            continue;
        }
        let mut deps = BTreeSet::new();
        for (siblings, text) in module_texts(&path) {
            for line in text.lines() {
                let code = line.split("//").next().unwrap_or("");
                if siblings {
                    referenced(code, "super::", &mut deps);
                }
                referenced(code, crate_path, &mut deps);
            }
        }
        modules.insert(name, deps);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    for (name, deps) in modules.iter_mut() {
        deps.retain(|d| names.contains(d) && d != name);
    }
    modules
}

/// Every folder of `src` (itself included) with its path in the crate.
fn source_folders() -> Vec<(std::path::PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut folders = Vec::new();
    let mut pending = vec![(root, "crate::".to_string())];
    while let Some((dir, crate_path)) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                let name = path.file_name().unwrap().to_str().unwrap();
                pending.push((path.clone(), format!("{crate_path}{name}::")));
            }
        }
        folders.push((dir, crate_path));
    }
    folders
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

/// No folder's modules import each other in a circle: not the files of
/// src/api (issue 10), nor the files of src/domain/solver, nor the
/// folders of src/domain (schedule and time, valuation and solver).
#[test]
fn no_folder_has_an_import_cycle() {
    let folders = source_folders();
    let api = module_graph(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api"),
        "crate::api::",
    );
    assert!(api.contains_key("solve") && api.contains_key("valuation"));
    assert!(folders.len() > 5, "{} folders", folders.len());
    let mut cycles = Vec::new();
    for (dir, crate_path) in &folders {
        let graph = module_graph(dir, crate_path);
        cycles.extend(
            graph
                .keys()
                .filter_map(|m| cycle_from(&graph, m, &mut vec![m.clone()]))
                .map(|c| format!("{}: {}", dir.display(), c.join(" -> "))),
        );
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

/// The graph of src/domain's folders sees a folder's files naming another
/// folder through `crate::domain::`.
#[test]
fn folder_modules_count_every_file_inside() {
    let graph = module_graph(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"),
        "crate::domain::",
    );
    assert!(graph["solver"].contains("valuation"), "{graph:#?}");
    assert!(graph["schedule"].contains("time"), "{graph:#?}");
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

/// The layers point one way: main -> server / cli -> api -> chart ->
/// domain. A file of a lower layer never names a higher one
/// (`crate::server`, ...), so the domain knows nothing of the API or the
/// charts, the charts nothing of the API (they take plain figures, never
/// protobuf types), and the API nothing of the server.
#[test]
fn lower_layers_never_name_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rules: [(&str, &[&str]); 3] = [
        ("api", &["crate::server", "crate::cli"]),
        (
            "chart",
            &[
                "crate::api",
                "crate::server",
                "crate::cli",
                "tonic",
                "prost",
            ],
        ),
        (
            "domain",
            &["crate::api", "crate::chart", "crate::server", "crate::cli"],
        ),
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
