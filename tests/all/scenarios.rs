//! Every shipped scenario checks, runs, and carries at least two options, with a source (or
//! the label "illustration") on every uncertain figure.

use super::common::*;

fn shipped() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_checks_and_runs() {
    let files = shipped();
    assert!(files.len() >= 3, "at least three scenarios ship");
    for scenario in files {
        let dir = tempfile::tempdir().unwrap();
        let check = run_in(dir.path(), &["check", scenario.to_str().unwrap()]);
        assert!(
            check.status.success(),
            "{}: {}",
            scenario.display(),
            stderr(&check)
        );
        let out = dir.path().join("out");
        let run = run_in(
            dir.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "-n",
                "3000",
                "-o",
                out.to_str().unwrap(),
                "-q",
            ],
        );
        assert!(
            run.status.success(),
            "{}: {}",
            scenario.display(),
            stderr(&run)
        );
        let model = seams::scenario::Source::read(&scenario)
            .and_then(|s| s.model(&[]))
            .unwrap();
        assert!(
            model.options().len() >= 2,
            "{}: at least two options",
            scenario.display()
        );
        // Every uncertain figure carries its source, or says it is an illustration.
        for input in model
            .inputs()
            .iter()
            .filter(|i| i.origin == seams::scenario::Origin::Scenario && !i.sampler.is_fixed())
        {
            assert!(
                input.source.is_some(),
                "{}: {} has no source",
                scenario.display(),
                input.key
            );
        }
    }
}
