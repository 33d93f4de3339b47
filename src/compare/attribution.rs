//! Why the headline figures moved between two runs: the later run's scenario is run again with
//! each changed input put back to the earlier run's distribution, one at a time, on the same
//! random numbers (each input has its own stream). What each input accounts for is the later
//! mean less the mean with that input reverted; what is left of the change is the interaction
//! between the changes (and sampling noise where the runs used different seeds or counts).

use std::fmt::Write as _;

use super::Run;
use crate::engine::{Keep, RunConfig};
use crate::format::{md, MoneyUnit};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::scenario::{Model, Override, Sampling, Source};

/// The most changed inputs explained one by one.
const MAX_EXPLAINED: usize = 12;

/// The most iterations at which the explanation reruns a scenario.
const MAX_EXPLAINED_ITERATIONS: u64 = 1_000_000;

/// A headline mean: the annual cost of disjointedness, or an option's mean NPSV.
#[derive(Debug, Clone)]
struct Headline {
    label: String,
    option: Option<String>,
}

/// The "Why the figures moved" section, or a note saying why it cannot be given.
pub(super) fn section(a: &Run, b: &Run) -> String {
    let mut out = String::from("## Why the figures moved\n\n");
    match explain(a, b) {
        Ok(text) => out.push_str(&text),
        Err(reason) => {
            let _ = writeln!(out, "Not explained input by input: {reason}.\n");
        }
    }
    out
}

fn explain(a: &Run, b: &Run) -> Result<String, String> {
    let changed: Vec<&String> = b
        .inputs
        .keys()
        .filter(|k| {
            a.inputs
                .get(*k)
                .is_some_and(|d| Some(d) != b.inputs.get(*k))
        })
        .collect();
    if changed.is_empty() {
        return Ok(
            "No input that both runs have changed: there is nothing to attribute.\n\n".into(),
        );
    }
    if changed.len() > MAX_EXPLAINED {
        return Err(format!(
            "{} inputs changed; the explanation runs the scenario once per changed input and stops at {MAX_EXPLAINED}",
            changed.len()
        ));
    }
    if b.iterations > MAX_EXPLAINED_ITERATIONS {
        return Err(format!(
            "run B used {} iterations; the explanation reruns the scenario once per changed input at the run's own count, and does so up to {}",
            crate::format::thousands(b.iterations),
            crate::format::thousands(MAX_EXPLAINED_ITERATIONS)
        ));
    }
    let source = later_source(b)?;
    let model_b = source.model(&overrides_of(b)).map_err(|e| e.to_string())?;
    let headlines = headlines(a, b);
    let later = means(&model_b, b, &headlines)?;
    let mut contributions = Vec::new();
    for key in &changed {
        let model = with_reverted(&source, b, key, &a.inputs[*key])?;
        let reverted = means(&model, b, &headlines)?;
        contributions.push(
            later
                .iter()
                .zip(&reverted)
                .map(|(l, r)| l - r)
                .collect::<Vec<_>>(),
        );
    }
    let change: Vec<f64> = headlines
        .iter()
        .map(|h| mean_in(b, h) - mean_in(a, h))
        .collect();
    Ok(table(a, b, &changed, &headlines, &change, &contributions))
}

/// The later run's scenario, read once, provided the file is still the one it read; every
/// model of the explanation is built from these bytes.
fn later_source(b: &Run) -> Result<Source, String> {
    let source = Source::read(&b.scenario).map_err(|e| {
        format!(
            "run B's scenario file {} cannot be read ({e})",
            b.scenario.display()
        )
    })?;
    if source.sha256() != b.sha256 {
        return Err(format!(
            "run B's scenario file {} has changed since the run",
            b.scenario.display()
        ));
    }
    Ok(source)
}

/// Run B's overrides, as they were applied.
fn overrides_of(b: &Run) -> Vec<Override> {
    b.overrides
        .iter()
        .map(|(key, text, by)| Override {
            key: key.clone(),
            text: text.clone(),
            by: by.clone(),
            price_year: None,
        })
        .collect()
}

/// Run B's scenario with `key` put back to run A's distribution.
fn with_reverted(source: &Source, b: &Run, key: &str, text: &str) -> Result<Model, String> {
    let mut overrides: Vec<Override> = overrides_of(b)
        .into_iter()
        .filter(|o| o.key != key)
        .collect();
    overrides.push(Override {
        key: key.to_string(),
        text: text.to_string(),
        by: "run A".into(),
        price_year: None,
    });
    source.model(&overrides).map_err(|e| e.to_string())
}

/// The cost of disjointedness and every option both runs have.
fn headlines(a: &Run, b: &Run) -> Vec<Headline> {
    let mut list = vec![Headline {
        label: "Annual cost of disjointedness".into(),
        option: None,
    }];
    list.extend(
        b.options
            .keys()
            .filter(|id| a.options.contains_key(*id))
            .map(|id| Headline {
                label: format!("NPSV of {}", md(id)),
                option: Some(id.clone()),
            }),
    );
    list
}

fn mean_in(run: &Run, h: &Headline) -> f64 {
    match &h.option {
        None => run.cost.get(Bearer::All.name()).map_or(0.0, |c| c[0]),
        Some(id) => run.options.get(id).map_or(0.0, |o| o.npsv[0]),
    }
}

/// The headline means of `model` run as run B was: same iterations, seed and sampling.
fn means(model: &Model, b: &Run, headlines: &[Headline]) -> Result<Vec<f64>, String> {
    let config = RunConfig {
        iterations: Some(b.iterations),
        seed: Some(b.seed),
        sampling: Sampling::from_name(&b.sampling),
        keep: Keep::Nothing,
        ..RunConfig::default()
    };
    // The engine alone: only means are needed, not the sensitivity and switching-value
    // analysis that `crate::run` adds.
    let outcome = crate::engine::run(model, &config).map_err(|e| e.to_string())?;
    let layout = &outcome.layout;
    let mean = |k: usize| outcome.stats[k].map_or(0.0, |s| s.mean);
    Ok(headlines
        .iter()
        .map(|h| match &h.option {
            None => mean(layout.summary(Scope::Total, Component::Disjointed, Bearer::All)),
            Some(id) => model
                .options()
                .iter()
                .position(|o| o.id == *id)
                .map_or(0.0, |o| mean(layout.appraisal(o, Metric::Npsv))),
        })
        .collect())
}

fn table(
    a: &Run,
    b: &Run,
    changed: &[&String],
    headlines: &[Headline],
    change: &[f64],
    contributions: &[Vec<f64>],
) -> String {
    let mut out = String::from("Run B's scenario was run again with each changed input put back to run A's distribution, one at a time, on the same random numbers. Each input's share of a change is B's mean less the mean with that input put back; what is left is the interaction between the changes");
    if a.seed != b.seed || a.iterations != b.iterations {
        out.push_str(
            ", and sampling noise, since the runs used different seeds or iteration counts",
        );
    }
    out.push_str(".\n\n| | ");
    out.push_str(
        &headlines
            .iter()
            .map(|h| h.label.clone())
            .collect::<Vec<_>>()
            .join(" | "),
    );
    let _ = writeln!(out, " |\n|---|{}", "---:|".repeat(headlines.len()));
    let remainder: Vec<f64> = (0..headlines.len())
        .map(|h| change[h] - contributions.iter().map(|c| c[h]).sum::<f64>())
        .collect();
    // Each column in one unit, that of its largest figure.
    let units: Vec<MoneyUnit> = (0..headlines.len())
        .map(|h| {
            let column = contributions.iter().map(|c| c[h]);
            MoneyUnit::of(column.chain([change[h], remainder[h]]))
        })
        .collect();
    let signed = |x: f64, unit: MoneyUnit| {
        if x.abs() < 0.5 {
            "£0".to_string()
        } else if x > 0.0 {
            format!("+{}", unit.format(x))
        } else {
            format!("−{}", unit.format(-x))
        }
    };
    let row = |label: &str, values: &[f64]| {
        let cells: Vec<String> = values
            .iter()
            .zip(&units)
            .map(|(&v, &u)| signed(v, u))
            .collect();
        format!("| {label} | {} |\n", cells.join(" | "))
    };
    out.push_str(&row("**Change in the mean, A to B**", change));
    for (key, values) in changed.iter().zip(contributions) {
        out.push_str(&row(&format!("`{}`", key.replace('`', "'")), values));
    }
    out.push_str(&row("Interaction and other", &remainder));
    out.push('\n');
    out
}
