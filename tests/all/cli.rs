//! The real binary, run as a user would, in a temporary folder.

use super::common::*;

#[test]
fn run_writes_every_file_and_a_headline() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let output = run_in(dir.path(), &["run", scenario.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = dir.path().join("results/small");
    for file in [
        "summary.csv",
        "summary.md",
        "economic-case.md",
        "appraisal.csv",
        "yearly.csv",
        "run.json",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let text = stdout(&output);
    assert!(text.contains("Cost of disjointedness in 2025"), "{text}");
    assert!(text.contains("users") && text.contains("government"));
    assert!(text.contains("results/small"), "{text}");
    assert!(text.contains("P(NPSV>0)"), "{text}");
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["seed"], 11);
    assert_eq!(run["iterations"], 4000);
    assert_eq!(run["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(run["seams_version"], env!("CARGO_PKG_VERSION"));
    assert!(run["wall_time_seconds"].as_f64().unwrap() >= 0.0);
}

#[test]
fn summary_csv_has_the_contract_columns_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let text = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "department,component,bearer,mean,sd,se,p5,p10,p50,p90,p95"
    );
    assert_eq!(text.lines().count(), 1 + 3 * 6 * 3);
    let appraisal = std::fs::read_to_string(out.join("appraisal.csv")).unwrap();
    assert_eq!(
        appraisal.lines().next().unwrap(),
        "option,metric,mean,sd,se,p5,p10,p50,p90,p95,p_positive"
    );
    assert_eq!(appraisal.lines().count(), 1 + 14);
    // One BCR: the ratio of the expected PVs, as a reviewer gets it by dividing the two rows,
    // in the mean cell alone.
    let rows = read_csv(&out.join("appraisal.csv"));
    let mean = |metric: &str| num(row(&rows, &[("metric", metric)]), "mean");
    assert_relative(
        "bcr_expected",
        mean("bcr_expected"),
        mean("pv_benefits") / mean("pv_costs"),
        1e-12,
    );
    let expected = row(&rows, &[("metric", "bcr_expected")]);
    for column in ["sd", "se", "p5", "p10", "p50", "p90", "p95", "p_positive"] {
        assert_eq!(expected[column], "", "{column} of bcr_expected");
    }
    let yearly = std::fs::read_to_string(out.join("yearly.csv")).unwrap();
    assert_eq!(
        yearly.lines().next().unwrap(),
        "option,year,metric,mean,p10,p50,p90"
    );
    assert_eq!(yearly.lines().count(), 1 + 5 * 2 + 5 * 7);
    for file in [&text, &appraisal, &yearly] {
        assert!(
            !file.to_lowercase().contains("nan") && !file.contains("inf"),
            "{file}"
        );
    }
}

/// Runs small.toml on `threads` threads with `args`, and returns the bytes of `files`.
fn run_on_threads<const N: usize>(threads: &str, args: &[&str], files: [&str; N]) -> [Vec<u8>; N] {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = fixture("small.toml");
    let output = seams()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    files.map(|f| std::fs::read(out.join(f)).unwrap())
}

#[test]
fn the_same_seed_gives_identical_results_on_any_thread_count() {
    let run = |threads: &str, seed: &str| {
        // More than one round of batches, shared unevenly between three threads.
        let args = ["-n", "280000", "--seed", seed];
        run_on_threads(
            threads,
            &args,
            ["summary.csv", "appraisal.csv", "yearly.csv"],
        )
    };
    let one = run("1", "5");
    let two = run("2", "5");
    assert_eq!(one, two, "results differ between 1 and 2 threads");
    assert_eq!(one, run("3", "5"), "results differ between 1 and 3 threads");
    let other_seed = run("2", "6");
    assert_ne!(one[0], other_seed[0], "another seed gave the same summary");
}

#[test]
fn latin_hypercube_correlation_and_a_precision_target_give_the_same_results_on_any_thread_count() {
    let args = [
        "-n",
        "1m",
        "--sampling",
        "latin-hypercube",
        "--precision",
        "0.4%",
        "--correlate",
        "departments.one.user_minutes,departments.one.staff_minutes=0.5",
        // A close call, so that the value of information is not zero.
        "--set",
        "options.share.capital[0]=0",
        "--set",
        "options.share.running=uniform(0, 30k)",
        "--no-charts",
    ];
    let files = ["summary.csv", "appraisal.csv", "sensitivity.csv", "voi.csv"];
    let one = run_on_threads("1", &args, files);
    assert_eq!(
        one,
        run_on_threads("3", &args, files),
        "results differ between 1 and 3 threads"
    );
}

#[test]
fn set_overrides_an_input_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let base = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let base_rows = read_csv(&base.join("summary.csv"));
    let dir2 = tempfile::tempdir().unwrap();
    let changed = run_scenario_text(
        dir2.path(),
        &fixture_text("small.toml"),
        &[
            "--set",
            "departments.two.failure_demand=pert(10%, 20%, 30%)",
        ],
    );
    let rows = read_csv(&changed.join("summary.csv"));
    let key = [
        ("department", "two"),
        ("component", "failure"),
        ("bearer", "all"),
    ];
    assert_eq!(num(row(&base_rows, &key), "mean"), 0.0);
    assert!(num(row(&rows, &key), "mean") > 0.0);
    // Common random numbers: department one's draws are untouched by the override.
    let one = [
        ("department", "one"),
        ("component", "all"),
        ("bearer", "all"),
    ];
    assert_eq!(row(&base_rows, &one)["mean"], row(&rows, &one)["mean"]);
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(changed.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["overrides"][0]["key"], "departments.two.failure_demand");
    assert_eq!(run["overrides"][0]["from"], "0 (default)");
    let case = std::fs::read_to_string(changed.join("economic-case.md")).unwrap();
    assert!(case.contains("Assumptions changed from the scenario file"));
}

#[test]
fn check_lists_every_input_with_its_range() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(
        dir.path(),
        &["check", fixture("small.toml").to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("is valid"));
    assert!(
        text.contains("departments.one.repetition_rate") && text.contains("pert(20%, 30%, 50%)")
    );
    assert!(text.contains("options.share.optimism_bias") && text.contains("200%"));
    assert!(
        !dir.path().join("results").exists(),
        "check must not write results"
    );
}

#[test]
fn samples_parquet_holds_every_iteration() {
    // Streamed round by round: 70,000 iterations span three rounds of 8 batches.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(
        dir.path(),
        &fixture_text("small.toml"),
        &["--samples", "-n", "70000", "--seed", "4"],
    );
    let file = std::fs::File::open(out.join("samples.parquet")).unwrap();
    use polars::prelude::*;
    let frame = ParquetReader::new(file).finish().unwrap();
    assert_eq!(frame.height(), 70000);
    // In iteration order: the same values, in the same order, as a run that keeps them.
    let model = seams::Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(70000),
        seed: Some(4),
        ..seams::RunConfig::default()
    };
    let kept = seams::run(&model, &config).unwrap();
    let samples = kept.samples().unwrap();
    let expected = samples.output(samples.output_ids()[0]).unwrap();
    let streamed: Vec<f64> = frame
        .column("total_disjointed_all")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert!(
        streamed == expected,
        "the streamed column differs from the kept one"
    );
    assert!(frame.column("departments.one.repetition_rate").is_ok());
    assert!(frame.column("total_disjointed_all").is_ok());
    assert!(frame.column("share_npsv").is_ok());
    // The sample mean equals the summary's mean.
    let mean = frame
        .column("total_disjointed_all")
        .unwrap()
        .as_materialized_series()
        .mean()
        .unwrap();
    let rows = read_csv(&out.join("summary.csv"));
    let summary = num(
        row(
            &rows,
            &[
                ("department", "total"),
                ("component", "disjointed"),
                ("bearer", "all"),
            ],
        ),
        "mean",
    );
    assert_relative("samples mean", mean, summary, 1e-9);
}

#[test]
fn seams_new_writes_a_starter_that_checks_and_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["new", "blue-badge"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let scenario = dir.path().join("blue-badge.toml");
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert!(text.contains("name = \"Blue badge\""));
    assert!(text.contains("ILLUSTRATION"));
    let check = run_in(dir.path(), &["check", "blue-badge.toml"]);
    assert!(check.status.success(), "{}", stderr(&check));
    run_named(dir.path(), &scenario, "out", &["-n", "2000", "--no-charts"]);
    let again = run_in(dir.path(), &["new", "blue-badge.toml"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&scenario).unwrap(), text);
}

#[test]
fn every_command_helps_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    for command in [
        "run",
        "check",
        "assumptions",
        "compare",
        "new",
        "completions",
    ] {
        let output = run_in(dir.path(), &[command, "--help"]);
        assert!(output.status.success());
        assert!(
            stdout(&output).contains("Examples:"),
            "{command}: {}",
            stdout(&output)
        );
    }
    let output = run_in(dir.path(), &["--help"]);
    assert!(stdout(&output).contains("Exit codes") && stdout(&output).contains("docs/method.md"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let output = run_in(dir.path(), &["completions", shell]);
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(
            script.contains("seams") && script.contains("assumptions"),
            "{shell}"
        );
    }
    let output = run_in(dir.path(), &["completions", "cmd"]);
    assert_eq!(output.status.code(), Some(2));
}
