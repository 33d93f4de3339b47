//! Outputs are safe to open, and an interrupted run leaves nothing behind.

use super::common::*;

#[test]
fn names_cannot_break_markdown_tables() {
    let text = fixture_text("small.toml")
        .replace("name = \"Office One\"", "name = \"Tax | Customs\\nOffice\"");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    for file in ["summary.md", "economic-case.md"] {
        let md = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(md.contains("Tax \\| Customs Office"), "{file}");
        // Every row of every table has as many cell separators as its header.
        let mut header_pipes = None;
        for line in md.lines() {
            let pipes = line.replace("\\|", "").matches('|').count();
            if !line.starts_with('|') {
                header_pipes = None;
                continue;
            }
            let expected = *header_pipes.get_or_insert(pipes);
            assert_eq!(pipes, expected, "{file}: a row breaks its table: {line}");
        }
    }
}

#[test]
fn cells_that_spreadsheets_would_run_are_neutralised() {
    let text = fixture_text("small.toml")
        .replace("[departments.two]", "[departments.\"=HYPERLINK(1)\"]")
        .replace("source = \"NAO\"", "source = \"@SUM(A1)\"")
        .replace("growth = \"uniform(0%, 2%)\"", "growth = \"-1%\"");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.lines().any(|l| l.starts_with("'=HYPERLINK(1),")),
        "{summary}"
    );
    assert!(!summary.lines().any(|l| l.starts_with('=')));
    let scenario = dir.path().join("scenario.toml");
    let register = dir.path().join("register.csv");
    assert!(run_in(
        dir.path(),
        &[
            "assumptions",
            scenario.to_str().unwrap(),
            "-o",
            register.to_str().unwrap()
        ]
    )
    .status
    .success());
    let csv = std::fs::read_to_string(&register).unwrap();
    assert!(csv.contains(",'@SUM(A1),"), "{csv}");
    assert!(csv.contains("journeys.growth,'-1%,"), "{csv}");
    // The neutralised cells read back as the scenario's own text: no change, same results.
    let again = dir.path().join("again");
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
            "-q",
            "--assumptions",
            register.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(out.join("summary.csv")).unwrap(),
        std::fs::read(again.join("summary.csv")).unwrap()
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_partial_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = seams()
        .current_dir(dir.path())
        .args([
            "run",
            fixture("small.toml").to_str().unwrap(),
            "-n",
            "20000000",
            "-o",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(stderr(&output).contains("interrupted"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a partial folder was left"
    );
}

#[test]
fn results_never_land_over_or_among_the_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).unwrap();
    let scenario = scenarios.join("small.toml");
    std::fs::copy(fixture("small.toml"), &scenario).unwrap();
    for (out, fragment) in [
        (scenarios.join("results"), "inside the scenarios folder"),
        (dir.path().to_path_buf(), "contains the input"),
    ] {
        let output = run_in(
            dir.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(fragment), "{}", stderr(&output));
    }
    assert_eq!(std::fs::read_dir(&scenarios).unwrap().count(), 1);
}
