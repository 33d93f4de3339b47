//! Comparing two runs: which inputs differ and how each headline figure moved. It reads only
//! what a run wrote (`run.json`, `summary.csv`, `appraisal.csv`), so runs of different
//! scenarios, or made on different machines, can be compared. It reads them through the same
//! names that wrote them ([`crate::outputs`] and the exporters' file names).

mod attribution;
mod changes;
mod settings;

use changes::{change_unit, money_change, options_section};

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Result};
use crate::export::RESULTS_FORMAT;
use crate::format::{md, MoneyUnit};
use crate::outputs::{Bearer, Component, Metric, STATISTICS};

/// What `compare` needs from one run.
#[derive(Debug, Clone)]
struct Run {
    dir: PathBuf,
    name: String,
    /// The scenario file the run read, and the SHA-256 of its bytes then.
    scenario: PathBuf,
    sha256: String,
    iterations: u64,
    seed: u64,
    sampling: String,
    /// The overrides the run applied: (key, distribution, by).
    overrides: Vec<(String, String, String)>,
    /// Discounting, period, prices, sampling and correlations, in a fixed order.
    settings: Vec<settings::Setting>,
    inputs: BTreeMap<String, String>,
    /// (bearer) → (mean, p10, p90) of the annual cost of disjointedness.
    cost: BTreeMap<String, [f64; 3]>,
    /// option id → figures.
    options: BTreeMap<String, OptionFigures>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct OptionFigures {
    /// Mean, P10 and P90 of the NPSV.
    npsv: [f64; 3],
    /// Means of PV costs and of the net present cost to government.
    pv_costs: f64,
    net_cost_government: f64,
    bcr: Option<f64>,
    p_positive: f64,
    /// Mean net cash over the period, all organisations, nominal (`financial.csv`); `None`
    /// for a run written before the financial view.
    net_cash: Option<f64>,
}

fn not_a_run(dir: &Path, problem: impl Into<String>) -> Error {
    InputError {
        origin: dir.display().to_string(),
        location: None,
        key: String::new(),
        problem: problem.into(),
        fix: "give two folders written by `seams run` (each holds run.json, summary.csv and, with options, appraisal.csv)".into(),
    }
    .into()
}

/// The largest file of a results folder that `compare` reads.
const MAX_RESULT_FILE: u64 = 100_000_000;

/// `run.json` as seams writes it: every field typed, nothing unknown accepted.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // every field is checked by the schema; compare uses some of them
struct RunJson {
    format: String,
    seams_version: String,
    results_format: u64,
    scenario: ScenarioJson,
    portfolio: bool,
    journeys: Vec<serde_json::Value>,
    seed: u64,
    iterations: u64,
    sampling: String,
    precision: Option<serde_json::Value>,
    correlations: Vec<serde_json::Value>,
    discounting: serde_json::Value,
    price_base_year: i32,
    first_year: i32,
    years: usize,
    overrides: Vec<OverrideJson>,
    inputs: Vec<InputJson>,
    percentile_method: String,
    wall_time_seconds: f64,
    reference_tables: Vec<serde_json::Value>,
    files: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ScenarioJson {
    path: String,
    sha256: String,
    name: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OverrideJson {
    key: String,
    from: String,
    to: String,
    by: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InputJson {
    key: String,
    distribution: String,
}

fn read_text(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    let bytes = crate::disk::read_regular(&path, "results", MAX_RESULT_FILE)
        .map_err(|e| not_a_run(dir, format!("cannot read {name}: {e}")))?;
    String::from_utf8(bytes).map_err(|_| not_a_run(dir, format!("{name} is not UTF-8 text")))
}

fn read_csv(dir: &Path, name: &str) -> Result<Vec<BTreeMap<String, String>>> {
    let text = read_text(dir, name)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| not_a_run(dir, format!("{name}: {e}")))?
        .clone();
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.map_err(|e| not_a_run(dir, format!("{name}: {e}")))?;
            // Every figure seams writes is a finite number (or empty where undefined).
            for (column, cell) in headers.iter().zip(r.iter()) {
                let figure = STATISTICS.contains(&column) || column == "p_positive";
                if figure && !cell.is_empty() && !cell.parse::<f64>().is_ok_and(f64::is_finite) {
                    return Err(not_a_run(
                        dir,
                        format!(
                            "{name} row {}: `{}` in column {column} is not a finite number: the folder is damaged",
                            i + 2,
                            crate::error::quote(cell)
                        ),
                    ));
                }
            }
            Ok(headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect())
        })
        .collect()
}

/// A figure from a results table: present, a number, and finite (a NaN or infinity means the
/// folder is damaged: seams never writes one).
fn number(dir: &Path, row: &BTreeMap<String, String>, column: &str) -> Result<f64> {
    row.get(column)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            not_a_run(
                dir,
                format!(
                    "a figure in column {column} is missing, not a number or not finite: the folder is damaged"
                ),
            )
        })
}

/// Refuses a run.json whose iteration count or inputs seams could not have written.
fn check_manifest(dir: &Path, json: &RunJson) -> Result<()> {
    if !(1..=crate::scenario::MAX_ITERATIONS).contains(&json.iterations) {
        return Err(not_a_run(
            dir,
            format!(
                "run.json gives {} iterations; seams runs 1 to {}: the folder is damaged",
                json.iterations,
                crate::scenario::MAX_ITERATIONS
            ),
        ));
    }
    for input in &json.inputs {
        // An optimism bias may be written as a Green Book category instead.
        let category = input.key.ends_with("optimism_bias")
            && crate::appraisal::reference::optimism_bias(&input.distribution).is_some();
        if category {
            continue;
        }
        if let Err(e) = crate::dist::Dist::parse(&input.distribution) {
            return Err(not_a_run(
                dir,
                format!(
                    "run.json gives `{}` the distribution `{}`, which does not parse ({e}): the folder is damaged",
                    crate::error::quote(&input.key),
                    crate::error::quote(&input.distribution)
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a run.json whose iteration count disagrees with its own figures: the standard
/// error of a mean is its sd over √n, so summary.csv says how many iterations made it.
fn check_iterations(dir: &Path, iterations: u64, rows: &[BTreeMap<String, String>]) -> Result<()> {
    let figure = |row: &BTreeMap<String, String>, c: &str| {
        row.get(c)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let implied = rows
        .iter()
        .map(|row| (figure(row, "sd"), figure(row, "se")))
        .find(|&(sd, se)| sd > 0.0 && se > 0.0)
        .map(|(sd, se)| (sd / se).powi(2));
    match implied {
        Some(n) if (n - iterations as f64).abs() > 0.01 * iterations as f64 + 1.0 => {
            Err(not_a_run(
                dir,
                format!(
                    "run.json gives {iterations} iterations but summary.csv's figures come from about {}: the folder is damaged",
                    n.round()
                ),
            ))
        }
        _ => Ok(()),
    }
}

impl Run {
    fn read(dir: &Path) -> Result<Run> {
        let text = read_text(dir, "run.json")
            .map_err(|_| not_a_run(dir, "is not a seams results folder: it has no run.json"))?;
        let json: RunJson = serde_json::from_str(&text).map_err(|e| {
            // A run.json without this version's marker was written by another version (say
            // which, where it says); one with the marker but the wrong shape is damaged.
            let value = serde_json::from_str::<serde_json::Value>(&text).ok();
            let marked = value
                .as_ref()
                .is_some_and(|v| v["format"] == crate::disk::FORMAT_ID && v["files"].is_array());
            if marked {
                return not_a_run(dir, format!("run.json is damaged: {e}"));
            }
            match value.as_ref().and_then(|v| v["seams_version"].as_str()) {
                Some(version) => not_a_run(
                    dir,
                    format!(
                        "was written by seams {}, whose results this version ({}) cannot compare",
                        crate::error::quote(version),
                        env!("CARGO_PKG_VERSION")
                    ),
                ),
                None => not_a_run(
                    dir,
                    format!("its run.json is not a seams results file ({e})"),
                ),
            }
        })?;
        if json.results_format != RESULTS_FORMAT {
            return Err(not_a_run(
                dir,
                format!(
                    "holds results in format {} (written by seams {}); this version ({}) reads and can compare format {RESULTS_FORMAT} only",
                    json.results_format,
                    crate::error::quote(&json.seams_version),
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        check_manifest(dir, &json)?;
        let settings = settings::read(&settings::Parts {
            discounting: &json.discounting,
            first_year: json.first_year,
            years: json.years,
            price_base_year: json.price_base_year,
            sampling: &json.sampling,
            iterations: json.iterations,
            seed: json.seed,
            precision: json.precision.as_ref(),
            correlations: &json.correlations,
        })
        .map_err(|problem| not_a_run(dir, format!("run.json is damaged: {problem}")))?;
        let inputs = json
            .inputs
            .into_iter()
            .map(|i| (i.key, i.distribution))
            .collect();
        let mut cost = BTreeMap::new();
        let summary = "summary.csv";
        let summary_rows = read_csv(dir, summary)?;
        check_iterations(dir, json.iterations, &summary_rows)?;
        for row in summary_rows {
            // A portfolio's rows lead with a scenario column: its total is the portfolio's.
            let whole = row.get("scenario").is_none_or(|s| s == "total");
            if whole
                && row.get("department").map(String::as_str) == Some("total")
                && row.get("component").map(String::as_str) == Some(Component::Disjointed.name())
            {
                let figures = [
                    number(dir, &row, "mean")?,
                    number(dir, &row, "p10")?,
                    number(dir, &row, "p90")?,
                ];
                cost.insert(row["bearer"].clone(), figures);
            }
        }
        let mut options = BTreeMap::new();
        let net_cash = net_cash_of(dir, &json.files)?;
        let appraisal = "appraisal.csv";
        if json.files.iter().any(|f| f == appraisal) {
            let rows = read_csv(dir, appraisal)?;
            let metric = |r: &BTreeMap<String, String>, m: Metric| {
                r.get("metric").map(String::as_str) == Some(m.name())
            };
            for row in rows.iter().filter(|r| metric(r, Metric::Npsv)) {
                let id = row["option"].clone();
                let bcr = match rows.iter().find(|r| {
                    r.get("option") == Some(&id)
                        && r.get("metric").map(String::as_str) == Some("bcr_expected")
                }) {
                    Some(r) if r.get("mean").is_some_and(|v| !v.is_empty()) => {
                        Some(number(dir, r, "mean")?)
                    }
                    _ => None,
                };
                let mean_of = |m: Metric| -> Result<f64> {
                    let found = rows
                        .iter()
                        .find(|r| r.get("option") == Some(&id) && metric(r, m))
                        .ok_or_else(|| {
                            not_a_run(
                                dir,
                                format!(
                                    "appraisal.csv has no {} row for {id}: the folder is damaged",
                                    m.name()
                                ),
                            )
                        })?;
                    number(dir, found, "mean")
                };
                let figures = OptionFigures {
                    npsv: [
                        number(dir, row, "mean")?,
                        number(dir, row, "p10")?,
                        number(dir, row, "p90")?,
                    ],
                    pv_costs: mean_of(Metric::PvCosts)?,
                    net_cost_government: mean_of(Metric::NetPresentCostGovernment)?,
                    bcr,
                    p_positive: number(dir, row, "p_positive")?,
                    net_cash: net_cash.get(&id).copied(),
                };
                options.insert(id, figures);
            }
        }
        Ok(Run {
            dir: dir.to_path_buf(),
            name: json.scenario.name,
            scenario: PathBuf::from(json.scenario.path),
            sha256: json.scenario.sha256,
            iterations: json.iterations,
            seed: json.seed,
            sampling: json.sampling,
            overrides: json
                .overrides
                .into_iter()
                .map(|o| (o.key, o.to, o.by))
                .collect(),
            settings,
            inputs,
            cost,
            options,
        })
    }
}

/// Each option's mean net cash over the period, all organisations together, from
/// `financial.csv` where the run wrote one.
fn net_cash_of(dir: &Path, files: &[String]) -> Result<BTreeMap<String, f64>> {
    let name = "financial.csv";
    let mut out = BTreeMap::new();
    if !files.iter().any(|f| f == name) {
        return Ok(out);
    }
    for row in read_csv(dir, name)? {
        let is = |column: &str, value: &str| row.get(column).is_some_and(|v| v == value);
        if row.get("scenario").is_none_or(|s| s == "total")
            && is("organisation", "total")
            && is("financial_year", "total")
            && is("metric", "net_cash")
        {
            out.insert(row["option"].clone(), number(dir, &row, "mean")?);
        }
    }
    Ok(out)
}

/// Compares two runs; returns the Markdown report.
///
/// # Errors
/// When either folder is not a seams run, or was written by an incompatible version.
pub fn compare(a: &Path, b: &Path) -> Result<String> {
    let (a, b) = (Run::read(a)?, Run::read(b)?);
    let mut out = String::from("# Comparing two seams runs\n\n| | A | B |\n|---|---|---|\n");
    let _ = writeln!(
        out,
        "| Results folder | `{}` | `{}` |",
        a.dir.display(),
        b.dir.display()
    );
    let _ = writeln!(out, "| Scenario | {} | {} |", md(&a.name), md(&b.name));
    let _ = writeln!(
        out,
        "| Scenario file SHA-256 | `{}` | `{}` |",
        &a.sha256.get(..12).unwrap_or(""),
        &b.sha256.get(..12).unwrap_or("")
    );
    let _ = writeln!(
        out,
        "| Iterations, seed | {}, {} | {}, {} |\n",
        crate::format::thousands(a.iterations),
        a.seed,
        crate::format::thousands(b.iterations),
        b.seed
    );
    out.push_str(&inputs_section(&a, &b));
    out.push_str(&settings::section(&a.settings, &b.settings));
    out.push_str("## Annual cost of disjointedness\n\nMeans, with P10–P90.\n\n| Borne by | A | B | Change in the mean |\n|---|---:|---:|---:|\n");
    // Each column in one unit, that of its largest figure.
    let unit_of = |run: &Run| MoneyUnit::of(run.cost.values().flatten().copied());
    let (unit_a, unit_b) = (unit_of(&a), unit_of(&b));
    let means = Bearer::ALL
        .into_iter()
        .filter_map(|bearer| Some((a.cost.get(bearer.name())?[0], b.cost.get(bearer.name())?[0])));
    let unit_change = change_unit(means);
    for bearer in Bearer::ALL {
        let (Some(x), Some(y)) = (a.cost.get(bearer.name()), b.cost.get(bearer.name())) else {
            continue;
        };
        let label = match bearer {
            Bearer::Users => "Users",
            Bearer::Government => "Government",
            Bearer::All => "Users and government",
        };
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            unit_a.range(x[0], x[1], x[2]),
            unit_b.range(y[0], y[1], y[2]),
            money_change(x[0], y[0], unit_change)
        );
    }
    out.push('\n');
    out.push_str(&options_section(&a, &b));
    out.push_str(&attribution::section(&a, &b));
    Ok(out)
}

fn inputs_section(a: &Run, b: &Run) -> String {
    let mut out = String::from("## Inputs that differ\n\n");
    let keys: std::collections::BTreeSet<&String> =
        a.inputs.keys().chain(b.inputs.keys()).collect();
    let rows: Vec<String> = keys
        .into_iter()
        .filter(|k| a.inputs.get(*k) != b.inputs.get(*k))
        .map(|k| {
            let cell = |r: &Run| {
                r.inputs
                    .get(k)
                    .map_or("*not in this run*".to_string(), |d| {
                        format!("`{}`", d.replace('`', "'"))
                    })
            };
            format!("| `{}` | {} | {} |", k.replace('`', "'"), cell(a), cell(b))
        })
        .collect();
    if rows.is_empty() {
        out.push_str("No inputs differ.\n\n");
    } else {
        out.push_str("| Input | A | B |\n|---|---|---|\n");
        out.push_str(&rows.join("\n"));
        out.push_str("\n\n");
    }
    out
}
