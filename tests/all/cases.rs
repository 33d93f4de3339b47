//! Named cases (MODEL §3a): a `[[case]]` runs on the central case's random numbers, so its
//! figures are those of a run with the same `--set` overrides, figure for figure; a case that
//! names a key no input has is refused before anything runs.

use super::common::*;

const CASE: &str = r#"
[[case]]
name = "slow"
description = "Fewer journeys and a smaller effect."
[case.set]
"journeys.per_year" = "800"
"departments.one.repetition_rate" = "pert(20%, 30%, 40%)"
"#;

#[test]
fn a_named_case_is_a_run_with_the_same_overrides_figure_for_figure() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml") + CASE;
    let out = run_scenario_text(dir.path(), &text, &["--no-charts"]);
    let cases = read_csv(&out.join("cases.csv"));
    let separate = run_named(
        dir.path(),
        &dir.path().join("scenario.toml"),
        "separate",
        &[
            "--no-charts",
            "--set",
            "journeys.per_year=800",
            "--set",
            "departments.one.repetition_rate=pert(20%, 30%, 40%)",
        ],
    );
    let appraisal = read_csv(&separate.join("appraisal.csv"));
    let mut compared = 0;
    for row in cases
        .iter()
        .filter(|r| r["case"] == "slow" && r["option"] != "bau")
    {
        let metric = row["metric"].as_str();
        let (source, column) = match metric {
            "p_positive" => ("npsv", "p_positive"),
            other => (other, "mean"),
        };
        let want = super::common::row(
            &appraisal,
            &[("option", &row["option"]), ("metric", source)],
        );
        assert_eq!(row["mean"], want[column], "{} {metric}", row["option"]);
        if metric == "npsv" {
            assert_eq!(row["p10"], want["p10"]);
            assert_eq!(row["p90"], want["p90"]);
        }
        compared += 1;
    }
    assert!(
        compared >= 3,
        "an option's npsv, bcr_expected and p_positive"
    );
    let summary = read_csv(&separate.join("summary.csv"));
    let cost = super::common::row(
        &summary,
        &[
            ("department", "total"),
            ("component", "disjointed"),
            ("bearer", "all"),
        ],
    );
    let slow_cost = cases
        .iter()
        .find(|r| r["case"] == "slow" && r["option"] == "bau")
        .unwrap();
    assert_eq!(slow_cost["mean"], cost["mean"]);
    // The central rows are the run's own figures.
    let central = read_csv(&out.join("appraisal.csv"));
    let npsv = cases
        .iter()
        .find(|r| r["case"] == "central" && r["metric"] == "npsv")
        .unwrap();
    let own = super::common::row(&central, &[("option", &npsv["option"]), ("metric", "npsv")]);
    assert_eq!(npsv["mean"], own["mean"]);
    // The case and the workbook show them.
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(
        case.contains("### Other cases") && case.contains("| slow |"),
        "{case}"
    );
}

#[test]
fn a_case_naming_a_key_no_input_has_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture_text("small.toml") + &CASE.replace("journeys.per_year", "journeys.per_yeer");
    std::fs::write(dir.path().join("scenario.toml"), text).unwrap();
    let output = run_scenario(
        dir.path(),
        &dir.path().join("scenario.toml"),
        &dir.path().join("out"),
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for part in [
        "case \"slow\"",
        "journeys.per_yeer",
        "no input has this key",
        "did you mean journeys.per_year?",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert!(!dir.path().join("out").exists());
    // Two cases of one name are refused too.
    let twice = fixture_text("small.toml") + CASE + CASE;
    let refused = seams::Source::from_text(&twice, "twice.toml")
        .model(&[])
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("a case named `slow` comes earlier"),
        "{refused}"
    );
}

#[test]
fn check_lists_each_case_and_what_it_sets() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, fixture_text("small.toml") + CASE).unwrap();
    let output = run_in(dir.path(), &["check", scenario.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(
        "case \"slow\": departments.one.repetition_rate = pert(20%, 30%, 40%); journeys.per_year = 800"
    ));
}

#[test]
fn what_must_be_true_is_where_the_inputs_sit_when_an_option_loses_value() {
    use seams::outputs::Metric;
    // Recomputed from the kept iterations by hand: each listed input's medians (the lower
    // middle) and its shift in sds, every listed shift at least 0.5, none missed.
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let model = seams::Source::read(scenario)
        .and_then(|s| s.model(&[]))
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(20_000),
        seed: Some(5),
        ..seams::RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let samples = results.samples().unwrap();
    let layout = seams::engine::Layout::new(&model);
    // The status page loses value in about one iteration in a hundred.
    let option = 1;
    let npsv = samples
        .output(layout.appraisal(option, Metric::Npsv))
        .unwrap();
    let negative: Vec<bool> = npsv.iter().map(|&x| x < 0.0).collect();
    let some = negative.iter().filter(|&&n| n).count();
    assert!(
        some > 100 && some < npsv.len() - 100,
        "both kinds of iteration: {some}"
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[(v.len() - 1) / 2]
    };
    let mut listed = 0;
    for (id, c) in samples.inputs() {
        let values = samples.input_column(c);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let all = median(values.to_vec());
        let subset = median(
            values
                .iter()
                .zip(&negative)
                .filter_map(|(&x, &neg)| neg.then_some(x))
                .collect(),
        );
        let shift = (subset - all) / sd;
        let key = &model.inputs()[id].key;
        let row = results
            .conditions()
            .iter()
            .find(|c| c.option == model.options()[option].id && &c.input == key);
        match row {
            Some(row) => {
                assert!(shift.abs() >= 0.5, "{key}: {shift}");
                assert_eq!(row.median_all, all);
                assert_eq!(row.median_npsv_negative, subset);
                assert!((row.shift_sd - shift).abs() < 1e-12, "{key}");
                listed += 1;
            }
            None => assert!(shift.abs() < 0.5 || sd == 0.0, "{key} missed: {shift}"),
        }
    }
    assert!(listed > 0, "the option's effect, at least, decides it");
}

#[test]
fn a_run_of_the_headlines_alone_gives_them_bit_for_bit_and_nothing_else() {
    use seams::engine::{run, Figures, Keep};
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let model = seams::Source::read(&path)
        .and_then(|s| s.model(&[]))
        .unwrap();
    let config = |figures| seams::RunConfig {
        iterations: Some(10_000),
        keep: Keep::Nothing,
        figures,
        ..seams::RunConfig::default()
    };
    let all = run(&model, &config(Figures::All)).unwrap();
    let headlines = run(&model, &config(Figures::Headlines)).unwrap();
    let split = all.layout.yearly_start();
    assert!(split > 0 && split < all.layout.len);
    for k in 0..all.layout.len {
        if k < split {
            let (a, h) = (all.stats[k].unwrap(), headlines.stats[k].unwrap());
            assert_eq!(format!("{a:?}"), format!("{h:?}"), "output {k}");
        } else {
            assert!(
                all.stats[k].is_some() && headlines.stats[k].is_none(),
                "output {k}"
            );
        }
    }
}
