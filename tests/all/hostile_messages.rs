//! Messages that say what is true, at any size: a register of 200,000 bad rows gives one
//! short message that counts them; a precision target is never claimed from a handful of
//! iterations.

use super::common::*;

#[test]
fn a_register_of_many_bad_rows_is_one_short_message_that_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("key,distribution\n");
    for i in 0..200_000 {
        csv.push_str(&format!("unknown.key{i},1\n"));
    }
    let register = dir.path().join("many.csv");
    std::fs::write(&register, csv).unwrap();
    let out = dir.path().join("out");
    let output = run_scenario(
        dir.path(),
        &fixture("small.toml"),
        &out,
        &["--assumptions", register.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.len() < 2_000, "{} bytes of message", message.len());
    assert!(
        message.contains("no input has this key (and 199,997 more like it)"),
        "{message}"
    );
    assert_eq!(
        message.matches("no input has this key").count(),
        3,
        "{message}"
    );
    assert!(!out.exists());
}

#[test]
fn a_precision_target_is_not_claimed_from_a_handful_of_iterations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_scenario(
        dir.path(),
        &fixture("small.toml"),
        &out,
        &["-n", "1", "--precision", "1%", "--no-charts"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["precision"]["converged"], false);
    assert_eq!(json["precision"]["judged"], false);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(case.contains("**not judged**"), "{case}");
}
