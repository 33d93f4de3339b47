//! `seams compare` given folders whose run.json lies: a scenario path naming a FIFO or a
//! device, an iteration count its own figures contradict, an input that does not parse, a
//! run.json that is not seams' at all, a results format from elsewhere. Each ends promptly
//! in a clear message — never a hang, an endless read or a rerun at 10⁸ iterations.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::common::*;

/// Runs A (the small fixture) and B (the same with one input changed) in `dir`.
fn two_runs(dir: &Path) -> (PathBuf, PathBuf) {
    let small = fixture("small.toml");
    let a = dir.join("a");
    let b = dir.join("b");
    for (out, extra) in [(&a, None), (&b, Some("journeys.per_year=2000"))] {
        let mut args = vec!["-n", "1000", "--no-charts"];
        if let Some(set) = extra {
            args.extend(["--set", set]);
        }
        let output = run_scenario(dir, &small, out, &args);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    (a, b)
}

/// Rewrites one value of a run's run.json, given as its JSON text before and after.
fn edit_manifest(run: &Path, from: &str, to: &str) {
    let path = run.join("run.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` not in run.json");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `seams compare A B`, which must end within a minute: its exit code and both streams.
fn compare(dir: &Path, a: &Path, b: &Path) -> (Option<i32>, String) {
    let mut child = seams()
        .current_dir(dir)
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("compare did not end within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        format!("{}{}", stdout(&output), stderr(&output)),
    )
}

/// Sets the scenario path that a run's run.json gives.
fn set_scenario_path(run: &Path, path: &str) {
    let file = run.join("run.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    json["scenario"]["path"] = serde_json::Value::from(path);
    std::fs::write(&file, serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

#[test]
fn a_scenario_path_naming_a_fifo_or_a_device_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_runs(dir.path());
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("sh")
        .args(["-c", &format!("mkfifo '{}'", fifo.display())])
        .status()
        .unwrap();
    assert!(made.success());
    for target in [fifo.display().to_string(), "/dev/zero".to_string()] {
        set_scenario_path(&b, &target);
        let (code, text) = compare(dir.path(), &a, &b);
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("Not explained input by input"), "{text}");
        assert!(text.contains("cannot be read"), "{text}");
        assert!(text.contains("not a regular file"), "{text}");
    }
}

#[test]
fn an_iteration_count_the_figures_contradict_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_runs(dir.path());
    edit_manifest(&b, "\"iterations\": 1000", "\"iterations\": 100000000");
    let (code, text) = compare(dir.path(), &a, &b);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("gives 100000000 iterations but summary.csv's figures come from about 1000"),
        "{text}"
    );
    edit_manifest(&b, "\"iterations\": 100000000", "\"iterations\": 0");
    let (code, text) = compare(dir.path(), &a, &b);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("gives 0 iterations; seams runs 1 to"),
        "{text}"
    );
}

#[test]
fn an_input_that_does_not_parse_is_a_damaged_folder_not_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_runs(dir.path());
    edit_manifest(
        &b,
        "\"distribution\": \"2000\"",
        "\"distribution\": \"pert(((\"",
    );
    let (code, text) = compare(dir.path(), &a, &b);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("`journeys.per_year`"), "{text}");
    assert!(text.contains("`pert(((`, which does not parse"), "{text}");
}

#[test]
fn a_run_json_from_elsewhere_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_runs(dir.path());
    let manifest = b.join("run.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, "{ this is not JSON").unwrap();
    let (code, text) = compare(dir.path(), &a, &b);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("its run.json is not a seams results file"),
        "{text}"
    );
    assert!(!text.contains("unknown version"), "{text}");
    std::fs::write(&manifest, r#"{"name": "someone else's"}"#).unwrap();
    let (_, text) = compare(dir.path(), &a, &b);
    assert!(text.contains("not a seams results file"), "{text}");
    let format = format!("\"results_format\": {}", seams::export::RESULTS_FORMAT);
    std::fs::write(
        &manifest,
        original.replace(&format, "\"results_format\": 99"),
    )
    .unwrap();
    let (code, text) = compare(dir.path(), &a, &b);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("holds results in format 99"), "{text}");
    assert!(
        text.contains(&format!(
            "can compare format {} only",
            seams::export::RESULTS_FORMAT
        )),
        "{text}"
    );
}
