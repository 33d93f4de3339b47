//! Snapshots of the Markdown a case author pastes. Run with UPDATE_SNAPSHOTS=1 to accept a
//! deliberate change, then read the diff.

use super::common::*;

/// Whether to re-pin snapshots and golden files: only by hand, never under CI, where a set
/// `UPDATE_SNAPSHOTS` would make every pinned comparison pass whatever the output.
pub fn updating_snapshots() -> bool {
    let asked = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    assert!(
        !(asked && std::env::var_os("CI").is_some()),
        "UPDATE_SNAPSHOTS is refused under CI: re-pin by hand and commit the diff"
    );
    asked
}

pub fn check_snapshot(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if updating_snapshots() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {}\n  actual:   {}\n(UPDATE_SNAPSHOTS=1 to accept)",
            first + 1,
            expected.lines().nth(first).unwrap_or(""),
            actual.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn markdown_reports_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    // The scenario is copied under a fixed name so that its path in the report is stable.
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    // Not a number or an infinity printed as a figure ("inflation" is a word).
    let infinite = regex::Regex::new(r"(?i)\binf(inity)?\b").unwrap();
    for name in ["summary.md", "economic-case.md"] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(!text.contains("NaN") && !infinite.is_match(&text), "{name}");
        check_snapshot(name, &text);
    }
}
