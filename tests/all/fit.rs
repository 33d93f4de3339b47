//! `seams fit` (MODEL.md §3d): a column of data into a distribution by maximum likelihood.
//! Normal and lognormal estimates are checked against their closed forms computed here; the
//! others against the definition of a maximum — the likelihood at the estimate is at least that
//! at nearby parameters. Bad files and columns are refused with the reason and exit code 2.

use seams::dist::{Dist, Family};
use seams::fit::{estimate, log_likelihood};

use crate::common::seams;

/// A fixed, skewed sample (deterministic, no generator needed): 200 values from 3 to about 60.
fn sample() -> Vec<f64> {
    let mut v: Vec<f64> = (1..=200)
        .map(|i| {
            let u = (i as f64 - 0.5) / 200.0;
            // The quantiles of a lognormal(ln 15, 0.45), scrambled a little.
            15.0 * (0.45 * probit(u)).exp() * (1.0 + 0.01 * ((i * 7919 % 13) as f64 - 6.0))
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Φ⁻¹ by bisection on erfc (accurate enough for a test sample).
fn probit(p: f64) -> f64 {
    let (mut lo, mut hi) = (-10.0f64, 10.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if 0.5 * statrs::function::erf::erfc(-mid / 2f64.sqrt()) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

#[test]
fn normal_and_lognormal_estimates_are_their_closed_forms() {
    let x = sample();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    let (normal, k) = estimate("normal", &x).unwrap();
    assert_eq!(k, 2);
    let Family::Normal { mean: m, sd: s } = normal.family else {
        panic!("{normal}")
    };
    assert!((m - mean).abs() < 1e-9 && (s - sd).abs() < 1e-9, "{m} {s}");
    let logs: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let mu = logs.iter().sum::<f64>() / n;
    let sigma = (logs.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / n).sqrt();
    let (lognormal, _) = estimate("lognormal", &x).unwrap();
    let Family::LogNormal { mean: m, sd: s } = lognormal.family else {
        panic!("{lognormal}")
    };
    // The language's lognormal takes the variable's mean and sd: E = e^(μ+σ²/2),
    // SD = E·√(e^(σ²) − 1).
    let e = (mu + sigma * sigma / 2.0).exp();
    assert!((m - e).abs() < 1e-9 * e, "{m} vs {e}");
    assert!((s - e * ((sigma * sigma).exp() - 1.0).sqrt()).abs() < 1e-9 * e);
}

/// Whether the likelihood at `dist` is at least that at every parameter moved by ±`step`
/// (relatively), one at a time.
fn is_a_local_maximum(dist: &Dist, x: &[f64], step: f64) -> bool {
    let at = log_likelihood(dist, x);
    let moved = |f: &dyn Fn(f64) -> f64| -> Vec<Family> {
        match dist.family {
            Family::Pert { min, mode, max } => vec![
                Family::Pert {
                    min: f(min),
                    mode,
                    max,
                },
                Family::Pert {
                    min,
                    mode: f(mode),
                    max,
                },
                Family::Pert {
                    min,
                    mode,
                    max: f(max),
                },
            ],
            Family::Triangular { min, mode, max } => vec![
                Family::Triangular {
                    min: f(min),
                    mode,
                    max,
                },
                Family::Triangular {
                    min,
                    mode: f(mode),
                    max,
                },
                Family::Triangular {
                    min,
                    mode,
                    max: f(max),
                },
            ],
            Family::Beta { a, b } => vec![Family::Beta { a: f(a), b }, Family::Beta { a, b: f(b) }],
            _ => unreachable!(),
        }
    };
    [1.0 + step, 1.0 - step].iter().all(|&factor| {
        moved(&|v| v * factor).into_iter().all(|family| {
            let near = Dist { family, ..*dist };
            log_likelihood(&near, x) <= at + 1e-9
        })
    })
}

#[test]
fn pert_triangular_and_beta_estimates_are_maxima_of_the_likelihood() {
    let x = sample();
    for family in ["pert", "triangular"] {
        let (dist, k) = estimate(family, &x).unwrap();
        assert_eq!(k, 3);
        assert!(is_a_local_maximum(&dist, &x, 0.01), "{dist}");
        assert!(is_a_local_maximum(&dist, &x, 0.001), "{dist}");
    }
    let shares: Vec<f64> = x.iter().map(|v| v / 100.0).collect();
    let (beta, _) = estimate("beta", &shares).unwrap();
    assert!(is_a_local_maximum(&beta, &shares, 0.01), "{beta}");
    assert!(is_a_local_maximum(&beta, &shares, 0.001), "{beta}");
    // A beta needs shares; a lognormal needs positive values.
    assert!(estimate("beta", &x).is_none());
    let centred: Vec<f64> = x.iter().map(|v| v - 20.0).collect();
    assert!(estimate("lognormal", &centred).is_none());
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_csv_column_gives_the_best_fit_first_and_a_register_row_citing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("case,minutes\n");
    for (i, v) in sample().iter().enumerate() {
        text += &format!("{i},{v}\n");
    }
    text += "200,\n";
    let path = write(dir.path(), "calls.csv", &text);
    let out = seams()
        .args([
            "fit",
            path.to_str().unwrap(),
            "--column",
            "minutes",
            "--key",
            "k.minutes",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("n = 200 (1 blank cell skipped)"),
        "{stdout}"
    );
    // The sample is a lognormal's quantiles: the lognormal wins on AIC.
    assert!(
        stdout.contains("Best fit (lowest AIC): lognormal("),
        "{stdout}"
    );
    assert!(
        stdout.contains("fitted to calls.csv, column minutes, n = 200, by maximum likelihood"),
        "{stdout}"
    );
}

#[test]
fn bad_files_and_columns_are_refused_with_the_reason_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let good: String = (1..=10).map(|i| format!("{i},{}\n", i * i)).collect();
    let cases = [
        (
            "text.csv",
            format!("case,minutes\n{good}11,twelve\n"),
            "minutes",
            "row 12",
        ),
        (
            "empty.csv",
            "case,minutes\n1,\n2,\n".to_string(),
            "minutes",
            "at least 5",
        ),
        (
            "single.csv",
            "case,minutes\n1,7\n".to_string(),
            "minutes",
            "at least 5",
        ),
        (
            "same.csv",
            "minutes\n3\n3\n3\n3\n3\n3\n".to_string(),
            "minutes",
            "one value",
        ),
        (
            "other.csv",
            format!("case,minutes\n{good}"),
            "seconds",
            "not a column",
        ),
        ("data.txt", good.clone(), "minutes", ".txt"),
        (
            "broken.parquet",
            "not parquet".to_string(),
            "minutes",
            "not a readable Parquet",
        ),
        (
            "book.xlsx",
            "not a workbook".to_string(),
            "minutes",
            "no sheet was named",
        ),
        (
            "quotes.csv",
            "minutes\n\"1\n2,3\"\"\n\u{0}\u{7f}\n".to_string(),
            "minutes",
            "readable CSV",
        ),
        (
            "wide.csv",
            format!("{}\n1\n", ",".repeat(20_000)),
            "minutes",
            "20001 columns",
        ),
        (
            "ragged.csv",
            "case,minutes\n1,2,3,4\n5\n".to_string(),
            "minutes",
            "more fields",
        ),
    ];
    for (name, text, column, reason) in cases {
        let path = write(dir.path(), name, &text);
        let out = seams()
            .args(["fit", path.to_str().unwrap(), "--column", column])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let missing = seams()
        .args(["fit", "no/such/file.csv", "--column", "x"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn parquet_and_workbook_columns_read_the_same_numbers_as_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let values = sample();
    let mut frame = DataFrame::new(
        values.len(),
        vec![Column::new("minutes".into(), values.clone())],
    )
    .unwrap();
    let parquet = dir.path().join("calls.parquet");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut frame)
        .unwrap();
    let xlsx = dir.path().join("calls.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Data").unwrap();
    sheet.write_string(0, 0, "Handling time").unwrap();
    for (i, v) in values.iter().enumerate() {
        sheet.write_number(i as u32 + 1, 0, *v).unwrap();
    }
    book.save(&xlsx).unwrap();
    let from_parquet = seams::fit::read_column(&parquet, "minutes", None).unwrap();
    let from_book = seams::fit::read_column(&xlsx, "Handling time", Some("Data")).unwrap();
    assert_eq!(from_parquet.values, values);
    assert_eq!(from_book.values, values);
    assert_eq!((from_parquet.blanks, from_book.blanks), (0, 0));
}

#[test]
fn the_worked_examples_in_the_guide_are_what_seams_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/modelling-a-journey.md")).unwrap();
    let fit = seams()
        .current_dir(root)
        .args([
            "fit",
            "data/terminal_waiting_times.csv",
            "--column",
            "train_minutes",
        ])
        .output()
        .unwrap();
    let elicit = seams()
        .args(["elicit", "--quantiles", "10%=20, 50%=35, 90%=55"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&fit.stdout) + String::from_utf8_lossy(&elicit.stdout);
    // Every line the guide quotes from a ```text block is one seams printed.
    let mut quoted = 0;
    for block in guide.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap();
        for line in block
            .lines()
            .filter(|l| !l.trim().is_empty() && *l != "...")
        {
            assert!(
                printed.lines().any(|p| p == line),
                "the guide quotes {line:?}"
            );
            quoted += 1;
        }
    }
    assert!(quoted >= 8, "{quoted} lines quoted");
}
