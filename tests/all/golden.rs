//! Golden results: every shipped scenario, run at a fixed seed and iteration count, must write
//! the same numbers byte for byte as when they were pinned. A refactor that is not meant to
//! change results must leave these files alone; a deliberate change of the model re-pins them
//! (run with UPDATE_SNAPSHOTS=1, then read the diff and say why in the commit).

use super::common::*;

/// The files whose bytes are pinned.
const PINNED: [&str; 7] = [
    "summary.csv",
    "appraisal.csv",
    "yearly.csv",
    "organisations.csv",
    "transactions.csv",
    "sensitivity.csv",
    "switching.csv",
];

fn golden_dir(stem: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(stem)
}

#[test]
fn shipped_scenarios_give_their_pinned_results() {
    let scenarios = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&scenarios)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let update = super::snapshots::updating_snapshots();
    for scenario in files {
        let stem = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let out = run_named(
            dir.path(),
            &scenario,
            "out",
            &["-n", "5000", "--seed", "7", "--no-charts"],
        );
        let golden = golden_dir(&stem);
        for name in PINNED {
            let actual = std::fs::read(out.join(name)).unwrap_or_default();
            let pinned = golden.join(name);
            if update {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::write(&pinned, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read(&pinned)
                .unwrap_or_else(|_| panic!("no golden file {}", pinned.display()));
            if expected != actual {
                let (e, a) = (
                    String::from_utf8_lossy(&expected),
                    String::from_utf8_lossy(&actual),
                );
                let line = e
                    .lines()
                    .zip(a.lines())
                    .position(|(x, y)| x != y)
                    .unwrap_or_else(|| e.lines().count().min(a.lines().count()));
                panic!(
                    "{stem}/{name} differs from its golden copy at line {}:\n  expected: {}\n  actual:   {}",
                    line + 1,
                    e.lines().nth(line).unwrap_or("(end)"),
                    a.lines().nth(line).unwrap_or("(end)")
                );
            }
        }
    }
}
