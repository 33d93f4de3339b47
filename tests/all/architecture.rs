//! The shape of the code, checked so that it stays as designed: short files, modules whose
//! dependencies run one way, and a library with no global mutable state.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn library_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let relative = p.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            (relative, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The top-level module a file belongs to (`engine/eval.rs` → `engine`).
fn module_of(file: &str) -> String {
    file.split('/')
        .next()
        .unwrap()
        .trim_end_matches(".rs")
        .to_string()
}

#[test]
fn no_source_file_is_over_600_lines() {
    for (file, text) in library_sources() {
        let lines = text.lines().count();
        assert!(
            lines <= 600,
            "src/{file} has {lines} lines: split it by job"
        );
    }
}

#[test]
fn modules_depend_on_each_other_one_way() {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in library_sources() {
        let module = module_of(&file);
        if ["main", "cli", "lib"].contains(&module.as_str()) {
            continue;
        }
        let code = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let deps = uses.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    for start in uses.keys() {
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((module, path)) = stack.pop() {
            for next in uses.get(&module).into_iter().flatten() {
                assert!(next != start, "import cycle: {} → {next}", path.join(" → "));
                if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
}

#[test]
fn the_library_keeps_no_global_mutable_state() {
    for (file, text) in library_sources() {
        if ["main.rs", "cli.rs"].contains(&file.as_str()) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let is_static = line.starts_with("static ") || line.starts_with("pub static ");
            // Immutable tables built once (OnceLock) are allowed; anything that can change is not.
            let mutable = ["static mut", "Atomic", "Mutex", "RwLock", "Cell<"]
                .iter()
                .any(|m| line.contains(m));
            assert!(
                !(is_static && mutable),
                "src/{file}:{}: global mutable state: {line}",
                n + 1
            );
        }
    }
}
