//! The settings of a run that are not inputs but move its figures: discounting, the appraisal
//! period, the price base year, sampling (method, iterations, seed, precision target) and
//! correlations. `compare` lists those that differ and, where it can, puts each back on run
//! B's scenario to say what it accounts for.

use std::fmt::Write as _;

use crate::format::{md, thousands};
use crate::scenario::correlation::OVERRIDE_PREFIX;

/// One setting of a run, as `compare` shows it and as it would be put back on another run.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Setting {
    pub name: &'static str,
    pub shown: String,
    pub revert: Revert,
}

/// How run B's scenario is given run A's value of a setting.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Revert {
    /// Overrides (key, text) that set it, as `--set` would.
    Overrides(Vec<(String, String)>),
    /// Correlations (pair, ρ): every pair of either run is set to this run's ρ, 0 where it has
    /// none.
    Correlations(Vec<([String; 2], f64)>),
    /// Run B's scenario run with this run's iterations, seed and sampling method.
    Sampling,
    /// It cannot be put back on the other run's scenario, for this reason.
    Not(&'static str),
}

/// The parts of `run.json` the settings come from.
pub(super) struct Parts<'j> {
    pub discounting: &'j serde_json::Value,
    pub first_year: i32,
    pub years: usize,
    pub price_base_year: i32,
    pub sampling: &'j str,
    pub iterations: u64,
    pub seed: u64,
    pub precision: Option<&'j serde_json::Value>,
    pub correlations: &'j [serde_json::Value],
}

/// The settings of a run, in the order `compare` lists them; `Err` names a field that is not
/// as seams writes it.
pub(super) fn read(p: &Parts) -> Result<Vec<Setting>, String> {
    Ok(vec![
        discounting(p.discounting)?,
        Setting {
            name: "Appraisal period",
            shown: format!(
                "{} year{} from {}",
                p.years,
                if p.years == 1 { "" } else { "s" },
                p.first_year
            ),
            revert: Revert::Overrides(vec![
                ("scenario.first_year".into(), p.first_year.to_string()),
                ("scenario.years".into(), p.years.to_string()),
            ]),
        },
        Setting {
            name: "Price base year",
            shown: p.price_base_year.to_string(),
            revert: Revert::Not("the runs are in different prices, so their figures are not comparable until one is restated"),
        },
        Setting {
            name: "Sampling",
            shown: sampling_words(p),
            revert: Revert::Sampling,
        },
        correlations(p.correlations)?,
    ])
}

fn discounting(value: &serde_json::Value) -> Result<Setting, String> {
    let (shown, key, text) = match (value["schedule"].as_str(), value["rate"].as_f64()) {
        (Some("green-book"), None) => (
            "the Green Book schedule (3.5% declining)".to_string(),
            "discounting.schedule",
            "green-book".to_string(),
        ),
        (Some("health"), None) => (
            "the Green Book health schedule (1.5% declining)".to_string(),
            "discounting.schedule",
            "health".to_string(),
        ),
        (None, Some(rate)) if rate.is_finite() && rate > -1.0 => (
            format!(
                "a fixed {}",
                crate::format::describe_value(crate::params::Unit::Share, rate)
            ),
            "discounting.rate",
            rate.to_string(),
        ),
        _ => return Err(format!("its discounting, {value}, is not one seams writes")),
    };
    Ok(Setting {
        name: "Discounting",
        shown,
        revert: Revert::Overrides(vec![(key.to_string(), text)]),
    })
}

fn sampling_words(p: &Parts) -> String {
    let mut words = format!(
        "{}, {} iterations, seed {}",
        p.sampling,
        thousands(p.iterations),
        p.seed
    );
    if let Some(target) = p.precision.and_then(|v| v["target"].as_f64()) {
        let _ = write!(
            words,
            ", precision target ±{}",
            crate::format::describe_value(crate::params::Unit::Share, target)
        );
    }
    words
}

fn correlations(list: &[serde_json::Value]) -> Result<Setting, String> {
    let mut pairs = Vec::new();
    for c in list {
        let inputs = c["inputs"].as_array().map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect::<Vec<_>>()
        });
        match (inputs.as_deref(), c["rank"].as_f64()) {
            (Some([a, b]), Some(rank)) if rank > -1.0 && rank < 1.0 => {
                pairs.push(([a.clone(), b.clone()], rank));
            }
            _ => return Err(format!("a correlation, {c}, is not one seams writes")),
        }
    }
    let shown = if pairs.is_empty() {
        "none".to_string()
    } else {
        pairs
            .iter()
            .map(|([a, b], rank)| format!("{a} with {b}: ρ = {rank}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(Setting {
        name: "Correlations",
        shown,
        revert: Revert::Correlations(pairs),
    })
}

/// The overrides that give run B run A's correlations: A's ρ for each of A's pairs, 0 for a
/// pair only B has.
pub(super) fn correlation_overrides(
    a: &[([String; 2], f64)],
    b: &[([String; 2], f64)],
) -> Vec<(String, String)> {
    let same = |x: &[String; 2], y: &[String; 2]| {
        (x[0] == y[0] && x[1] == y[1]) || (x[0] == y[1] && x[1] == y[0])
    };
    let key = |[x, y]: &[String; 2]| format!("{OVERRIDE_PREFIX}{x},{y}");
    let mut overrides: Vec<(String, String)> =
        a.iter().map(|(p, r)| (key(p), r.to_string())).collect();
    overrides.extend(
        b.iter()
            .filter(|(p, _)| !a.iter().any(|(q, _)| same(p, q)))
            .map(|(p, _)| (key(p), "0".to_string())),
    );
    overrides
}

/// The settings that differ, as a table, or nothing when none do.
pub(super) fn section(a: &[Setting], b: &[Setting]) -> String {
    let rows: Vec<String> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.shown != y.shown)
        .map(|(x, y)| format!("| {} | {} | {} |", x.name, md(&x.shown), md(&y.shown)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "## Settings that differ\n\n| Setting | A | B |\n|---|---|---|\n{}\n\n",
        rows.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations_are_put_back_pair_by_pair() {
        let pair = |a: &str, b: &str| [a.to_string(), b.to_string()];
        let a = vec![(pair("x", "y"), 0.5)];
        let b = vec![(pair("y", "x"), 0.2), (pair("x", "z"), 0.4)];
        assert_eq!(
            correlation_overrides(&a, &b),
            [
                ("correlation:x,y".to_string(), "0.5".to_string()),
                ("correlation:x,z".to_string(), "0".to_string()),
            ]
        );
    }
}
