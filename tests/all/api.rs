//! The library as a service: a run is a value, a cancellation belongs to one run, and every
//! artefact renders in memory.

use std::sync::Arc;

use seams::export::{self, ExportOptions};
use seams::outputs::{Bearer, Component, Metric, Scope};
use seams::{CancelToken, Error, Keep, RunConfig, Source};

use super::common::*;

fn config(iterations: u64) -> RunConfig {
    RunConfig {
        iterations: Some(iterations),
        seed: Some(5),
        ..RunConfig::default()
    }
}

fn summary_csv(results: &seams::Results) -> Vec<u8> {
    let rendered = export::render_all(results, ExportOptions::default(), &[]).unwrap();
    rendered.get("summary.csv").unwrap().bytes.clone()
}

#[test]
fn a_cancelled_run_leaves_later_runs_in_the_same_process_alone() {
    let model = Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let before = seams::run(&model, &config(20_000)).unwrap();

    // Cancel the second run from inside it, once it has done some batches.
    let cancel = CancelToken::new();
    let trigger = cancel.clone();
    let cancelled = RunConfig {
        cancel,
        progress: Some(Arc::new(move |done, _| {
            if done >= 8_192 {
                trigger.cancel();
            }
        })),
        ..config(200_000)
    };
    assert!(matches!(
        seams::run(&model, &cancelled),
        Err(Error::Interrupted)
    ));

    // The next run has its own token and finishes, with the same figures as the first.
    let after = seams::run(&model, &config(20_000)).unwrap();
    assert_eq!(summary_csv(&before), summary_csv(&after));
    let cost = |r: &seams::Results| r.cost(Scope::Total, Component::Disjointed, Bearer::All);
    assert_eq!(cost(&before), cost(&after));
}

#[test]
fn a_cancelled_app_run_leaves_the_previous_results_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut plan = seams::app::RunPlan::new(fixture("small.toml"));
    plan.out = Some(out.clone());
    plan.charts = false;
    plan.iterations = Some(5_000);
    seams::app::run(&plan).unwrap();
    let before = std::fs::read(out.join("summary.csv")).unwrap();

    let cancel = CancelToken::new();
    cancel.cancel();
    plan.cancel = cancel;
    plan.iterations = Some(9_000);
    assert!(matches!(seams::app::run(&plan), Err(Error::Interrupted)));
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before);
    // No staging folder is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("out")]);
}

#[test]
fn every_artefact_renders_in_memory() {
    let model = Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let results = seams::run(
        &model,
        &RunConfig {
            keep: Keep::Everything,
            ..config(5_000)
        },
    )
    .unwrap();
    let options = ExportOptions {
        charts: true,
        samples: true,
    };
    let rendered = export::render_all(&results, options, &[]).unwrap();
    // Every registered exporter — the Word document straight after the case it is built from,
    // with the charts — then run.json, which lists them.
    let registered: Vec<&str> = export::registered(options)
        .iter()
        .flat_map(|e| match e.name() {
            "economic-case.md" => vec!["economic-case.md", "economic-case.docx"],
            name => vec![name],
        })
        .chain(["run.json"])
        .collect();
    // The small fixture has options, so every exporter has something to write.
    assert_eq!(rendered.names, registered);
    for name in [
        "summary.csv",
        "summary.md",
        "economic-case.md",
        "sensitivity.csv",
        "appraisal.csv",
        "yearly.csv",
        "switching.csv",
        "run.json",
    ] {
        let file = rendered
            .get(name)
            .unwrap_or_else(|| panic!("{name} rendered"));
        let text = std::str::from_utf8(&file.bytes).unwrap();
        assert!(!text.contains("NaN"), "{name}");
    }
    // The Word document is a zip package.
    let docx = rendered
        .get("economic-case.docx")
        .expect("economic-case.docx rendered");
    assert!(docx.bytes.starts_with(b"PK\x03\x04"));
    let png = rendered.get("charts/cost-by-department.png").unwrap();
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let decoded = image::load_from_memory(&png.bytes).unwrap();
    assert_eq!(decoded.width(), seams::charts::SIZE.0, "a full-width PNG");
    assert!(decoded.height() >= 600, "{} px high", decoded.height());
    let svg = rendered.get("charts/npsv-by-option.svg").unwrap();
    roxmltree::Document::parse(std::str::from_utf8(&svg.bytes).unwrap()).unwrap();
    let parquet = rendered.get("samples.parquet").unwrap();
    assert!(parquet.bytes.starts_with(b"PAR1") && parquet.bytes.ends_with(b"PAR1"));

    // The typed accessors agree with the table they feed.
    let npsv = results.appraisal(0, Metric::Npsv).unwrap();
    let appraisal =
        String::from_utf8(rendered.get("appraisal.csv").unwrap().bytes.clone()).unwrap();
    let line = appraisal
        .lines()
        .find(|l| l.contains(",npsv,"))
        .unwrap()
        .to_string();
    assert!(line.contains(&format!(",npsv,{},", npsv.mean)), "{line}");
}

#[test]
fn a_model_runs_from_text() {
    let model = Source::from_text(&fixture_text("small.toml"), "small.toml")
        .model(&[])
        .unwrap();
    let from_file = Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let a = seams::run(&model, &config(4_096)).unwrap();
    let b = seams::run(&from_file, &config(4_096)).unwrap();
    assert_eq!(summary_csv(&a), summary_csv(&b));
}

#[test]
fn only_the_first_million_iterations_are_kept_for_sensitivity() {
    // Memory stays bounded whatever the iteration count: statistics cover every iteration,
    // the per-iteration values only the first KEPT_ITERATIONS.
    let model = Source::read(fixture("fixed-option.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let iterations = seams::engine::KEPT_ITERATIONS + 5_000;
    let results = seams::run(&model, &config(iterations)).unwrap();
    assert_eq!(results.iterations(), iterations);
    let samples = results.samples().expect("samples kept for sensitivity");
    assert_eq!(samples.len() as u64, seams::engine::KEPT_ITERATIONS);
    let npsv = results.appraisal(0, Metric::Npsv).unwrap();
    assert_eq!(npsv.n, iterations);
    let kept = samples.output(samples.output_ids()[1]).unwrap();
    assert_eq!(kept.len() as u64, seams::engine::KEPT_ITERATIONS);
}

#[test]
fn samples_that_would_not_fit_on_the_disk_are_refused_before_the_run() {
    // 100,000,000 iterations of 100 columns is 80 GB; with 50 GiB free, at most 90% of it is
    // used: 45 GiB / 800 bytes an iteration.
    let gib = 1u64 << 30;
    let refused = seams::app::room_for_samples(80_000_000_000, 50 * gib, 800, 100_000_000);
    let message = refused.unwrap_err().to_string();
    assert!(message.contains("--samples"), "{message}");
    assert!(message.contains("74.5 GiB"), "{message}");
    assert!(
        message.contains("use at most --iterations 60,397,977"),
        "{message}"
    );
    assert!(seams::app::room_for_samples(8_000_000, 50 * gib, 800, 10_000).is_ok());
    // Where not one iteration fits, the fix never says "at most 0", and small sizes read in
    // their own unit, not "0.0 GiB".
    let message = seams::app::room_for_samples(10_000_000, 500_000, 1_000_000, 10)
        .unwrap_err()
        .to_string();
    assert!(!message.contains("at most --iterations 0"), "{message}");
    assert!(message.contains("free some room"), "{message}");
    assert!(message.contains("488 KiB is free"), "{message}");
}
