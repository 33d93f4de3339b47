//! Helpers: run the real binary in a temporary folder, read its CSV output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixture file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The text of a fixture file.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture exists")
}

/// The `seams` binary built for these tests.
pub fn seams() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seams"))
}

/// Runs `seams` with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    seams()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("seams runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Rows of a CSV file as maps from column name to cell.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The row whose `keys` columns have the given values.
pub fn row<'a>(
    rows: &'a [HashMap<String, String>],
    keys: &[(&str, &str)],
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| {
            keys.iter()
                .all(|(k, v)| r.get(*k).map(String::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no row {keys:?}"))
}

pub fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} = {:?} is not a number", row[column]))
}

/// Runs a scenario given as text into `dir/out`, returning the output folder.
pub fn run_scenario_text(dir: &Path, text: &str, extra: &[&str]) -> PathBuf {
    let scenario = dir.join("scenario.toml");
    std::fs::write(&scenario, text).expect("write scenario");
    run_named(dir, &scenario, "out", extra)
}

/// Runs `seams run SCENARIO -o OUT -q EXTRA…` in `dir`, success or not.
pub fn run_scenario(dir: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

/// Runs a scenario file into `dir/name` (quietly), asserting success; returns the folder.
pub fn run_named(dir: &Path, scenario: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let output = run_scenario(dir, scenario, &out, extra);
    assert!(output.status.success(), "{}", stderr(&output));
    out
}

/// Asserts `got` lies within `sigmas` standard errors of `expected`.
pub fn assert_within_se(what: &str, got: f64, expected: f64, se: f64, sigmas: f64) {
    assert!(se > 0.0 || got == expected, "{what}: zero standard error");
    assert!(
        (got - expected).abs() <= sigmas * se,
        "{what}: {got} is {:.2} SE from the expected {expected} (se {se})",
        (got - expected).abs() / se
    );
}

/// Asserts a relative difference below `tolerance`.
pub fn assert_relative(what: &str, got: f64, expected: f64, tolerance: f64) {
    let scale = expected.abs().max(1e-300);
    assert!(
        (got - expected).abs() / scale <= tolerance,
        "{what}: {got} vs expected {expected}"
    );
}

/// Writes `seams assumptions SCENARIO -o DIR/register.csv` and returns the register's path.
pub fn write_register(dir: &Path, scenario: &Path) -> PathBuf {
    let path = dir.join("register.csv");
    let output = run_in(
        dir,
        &[
            "assumptions",
            scenario.to_str().unwrap(),
            "-o",
            path.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    path
}
