//! `run.json`: the provenance of a run — version, scenario and its SHA-256, seed, iterations,
//! overrides and every input — which `compare` reads back.

use super::Artefact;
use crate::error::Result;
use crate::results::Results;

/// The version of the results folder layout; `compare` refuses runs of another layout.
pub const RESULTS_FORMAT: u64 = 6;

/// Every reference table the run used, with its source and vintage.
pub(super) fn reference_tables(m: &crate::scenario::Model) -> Vec<serde_json::Value> {
    use crate::appraisal::{reference, Discounting};
    let mut tables = Vec::new();
    let discounting = match m.discounting() {
        Discounting::GreenBook => Some("Green Book social time preference rate"),
        Discounting::Health => Some("Green Book health discount rate"),
        Discounting::Fixed(_) => None,
    };
    if let Some(name) = discounting {
        tables.push(serde_json::json!({
            "table": name,
            "file": "data/discount_rates.csv",
            "source": reference::DISCOUNT_SOURCE,
            "vintage": "2022",
        }));
    }
    let categories = reference::optimism_bias_categories();
    if m.inputs()
        .iter()
        .any(|i| categories.iter().any(|c| c.category == i.text))
    {
        tables.push(serde_json::json!({
            "table": "optimism bias (capital, upper bounds)",
            "file": "data/optimism_bias.csv",
            "source": reference::OPTIMISM_BIAS_TABLE_SOURCE,
            "vintage": "2002",
        }));
    }
    if m.inputs().iter().any(|i| i.price_year.is_some()) {
        tables.push(serde_json::json!({
            "table": "GDP deflator at market prices",
            "file": "data/gdp_deflator.csv",
            "source": reference::GDP_DEFLATOR_SOURCE,
            "vintage": "December 2025",
        }));
    }
    tables
}

/// The manifest's name.
pub const NAME: &str = crate::disk::MANIFEST;

/// `run.json`: provenance, and `files`, every file of the run (`run.json` last).
///
/// # Errors
/// Only if JSON serialisation fails.
pub fn render(r: &Results, files: &[&str]) -> Result<Artefact> {
    let m = r.model();
    let s = m.settings();
    let files: Vec<&str> = files.iter().copied().chain([NAME]).collect();
    let value = serde_json::json!({
        "format": crate::disk::FORMAT_ID,
        "seams_version": env!("CARGO_PKG_VERSION"),
        "results_format": RESULTS_FORMAT,
        "scenario": {
            "path": m.path().display().to_string(),
            "sha256": m.sha256(),
            "name": s.name,
        },
        "portfolio": m.is_portfolio(),
        "journeys": m.journeys().iter().map(|j| serde_json::json!({
            "id": j.id,
            "name": j.name,
            "path": j.path.display().to_string(),
            "sha256": j.sha256,
            "left_out_options": j.left_out_options,
        })).collect::<Vec<_>>(),
        "seed": r.seed(),
        "iterations": r.iterations(),
        "sampling": r.sampling().name(),
        "precision": r.precision(),
        "correlations": m.correlations(),
        "discounting": discounting_json(m.discounting()),
        "price_base_year": s.price_base_year,
        "first_year": s.first_year,
        "years": s.years,
        "overrides": m.overrides(),
        "inputs": m.inputs().iter().map(|i| serde_json::json!({"key": i.key, "distribution": i.text})).collect::<Vec<_>>(),
        "percentile_method": format!("nearest rank from a log-linear sketch, within {:.3}% of the exact order statistic", crate::engine::stats::SKETCH_RELATIVE_ERROR * 100.0),
        "wall_time_seconds": (r.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        "reference_tables": reference_tables(m),
        "files": files,
    });
    let text = serde_json::to_string_pretty(&value).map_err(|e| crate::Error::Write {
        path: NAME.into(),
        problem: e.to_string(),
    })?;
    Ok(Artefact::text(NAME, text + "\n"))
}

/// How the run discounted: `{"schedule": "green-book"}`, `{"schedule": "health"}` or
/// `{"rate": 0.015}`, so `compare` can see and put back a change of discounting.
fn discounting_json(d: crate::appraisal::Discounting) -> serde_json::Value {
    use crate::appraisal::Discounting;
    match d {
        Discounting::GreenBook => serde_json::json!({ "schedule": "green-book" }),
        Discounting::Health => serde_json::json!({ "schedule": "health" }),
        Discounting::Fixed(rate) => serde_json::json!({ "rate": rate }),
    }
}
