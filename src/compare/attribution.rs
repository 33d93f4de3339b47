//! Why the headline figures moved between two runs: the later run's scenario is run again with
//! each changed input put back to the earlier run's distribution, one at a time, on the same
//! random numbers (each input has its own stream). What each input accounts for is the later
//! mean less the mean with that input reverted; what is left of the change is the interaction
//! between the changes (and sampling noise where the runs used different seeds or counts).

use std::fmt::Write as _;

use super::settings::{self, Revert};
use super::Run;
use crate::engine::financial::CashMetric;
use crate::engine::{Keep, RunConfig};
use crate::format::{md, MoneyUnit};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::scenario::{Model, Override, Sampling, Source};

/// The most changed inputs explained one by one.
const MAX_EXPLAINED: usize = 12;

/// The most iterations at which the explanation reruns a scenario.
const MAX_EXPLAINED_ITERATIONS: u64 = 1_000_000;

/// A headline mean: the annual cost of disjointedness, an option's mean NPSV, or its mean
/// net cash over the period (the financial view's, nominal).
#[derive(Debug, Clone)]
struct Headline {
    label: String,
    option: Option<String>,
    cash: bool,
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

/// A difference between the runs that the explanation puts back on run B's scenario.
enum Change<'r> {
    Input(&'r String),
    /// The index of a setting in [`Run::settings`].
    Setting(usize),
}

fn explain(a: &Run, b: &Run) -> Result<String, String> {
    let mut changes: Vec<Change> = b
        .inputs
        .keys()
        .filter(|k| {
            a.inputs
                .get(*k)
                .is_some_and(|d| Some(d) != b.inputs.get(*k))
        })
        .map(Change::Input)
        .collect();
    changes.extend(
        (0..a.settings.len().min(b.settings.len()))
            .filter(|&i| a.settings[i].shown != b.settings[i].shown)
            .map(Change::Setting),
    );
    if changes.is_empty() {
        return Ok(
            "No input that both runs have, and no setting, differs: there is nothing to attribute.\n\n"
                .into(),
        );
    }
    if changes.len() > MAX_EXPLAINED {
        return Err(format!(
            "{} inputs and settings changed; the explanation runs the scenario once per change and stops at {MAX_EXPLAINED}",
            changes.len()
        ));
    }
    if let Some(run) = [a, b]
        .into_iter()
        .find(|r| r.iterations > MAX_EXPLAINED_ITERATIONS)
    {
        return Err(format!(
            "a run used {} iterations; the explanation reruns the scenario once per change at the runs' own counts, and does so up to {}",
            crate::format::thousands(run.iterations),
            crate::format::thousands(MAX_EXPLAINED_ITERATIONS)
        ));
    }
    let source = later_source(b)?;
    let model_b = source.model(&overrides_of(b)).map_err(|e| e.to_string())?;
    let headlines = headlines(a, b);
    let later = means(&model_b, b, &headlines)?;
    let mut rows = Vec::new();
    let mut not_put_back = Vec::new();
    for change in &changes {
        let (label, reverted) = match *change {
            Change::Input(key) => {
                let list = [(key.clone(), a.inputs[key].clone())];
                let model = with_reverted(&source, b, &list)?;
                (
                    format!("`{}`", key.replace('`', "'")),
                    means(&model, b, &headlines)?,
                )
            }
            Change::Setting(i) => {
                let setting = &a.settings[i];
                let reverted = match &setting.revert {
                    Revert::Overrides(list) => {
                        means(&with_reverted(&source, b, list)?, b, &headlines)?
                    }
                    Revert::Correlations(pairs) => {
                        let Revert::Correlations(later_pairs) = &b.settings[i].revert else {
                            continue;
                        };
                        let list = settings::correlation_overrides(pairs, later_pairs);
                        means(&with_reverted(&source, b, &list)?, b, &headlines)?
                    }
                    // Run B's scenario as run A sampled it: A's method, count and seed.
                    Revert::Sampling => means(&model_b, a, &headlines)?,
                    Revert::Not(reason) => {
                        not_put_back
                            .push(format!("{}: not put back, since {reason}", setting.name));
                        continue;
                    }
                };
                (setting.name.to_string(), reverted)
            }
        };
        let contribution = later.iter().zip(&reverted).map(|(l, r)| l - r).collect();
        rows.push((label, contribution));
    }
    let change: Vec<f64> = headlines
        .iter()
        .map(|h| mean_in(b, h) - mean_in(a, h))
        .collect();
    let mut text = table(&headlines, &change, &rows);
    for note in not_put_back {
        let _ = writeln!(text, "{}.\n", md(&note));
    }
    Ok(text)
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

/// Run B's scenario with these (key, text) overrides from run A in place of B's own for the
/// same key — or, for discounting and correlations, for the same group of keys, since a
/// schedule replaces a rate and each pair's ρ is set afresh.
fn with_reverted(source: &Source, b: &Run, list: &[(String, String)]) -> Result<Model, String> {
    let group = |key: &str| -> String {
        ["discounting.", "correlation:"]
            .into_iter()
            .find(|p| key.starts_with(p))
            .map_or(key.to_string(), String::from)
    };
    let replaced: Vec<String> = list.iter().map(|(k, _)| group(k)).collect();
    let mut overrides: Vec<Override> = overrides_of(b)
        .into_iter()
        .filter(|o| !replaced.contains(&group(&o.key)))
        .collect();
    overrides.extend(list.iter().map(|(key, text)| Override {
        key: key.clone(),
        text: text.clone(),
        by: "run A".into(),
        price_year: None,
    }));
    source.model(&overrides).map_err(|e| e.to_string())
}

/// The cost of disjointedness and every option both runs have.
fn headlines(a: &Run, b: &Run) -> Vec<Headline> {
    let mut list = vec![Headline {
        label: "Annual cost of disjointedness".into(),
        option: None,
        cash: false,
    }];
    for (id, later) in &b.options {
        let Some(earlier) = a.options.get(id) else {
            continue;
        };
        list.push(Headline {
            label: format!("NPSV of {}", md(id)),
            option: Some(id.clone()),
            cash: false,
        });
        if earlier.net_cash.is_some() && later.net_cash.is_some() {
            list.push(Headline {
                label: format!("Net cash of {} (nominal)", md(id)),
                option: Some(id.clone()),
                cash: true,
            });
        }
    }
    list
}

fn mean_in(run: &Run, h: &Headline) -> f64 {
    match &h.option {
        None => run.cost.get(Bearer::All.name()).map_or(0.0, |c| c[0]),
        Some(id) if h.cash => run.options.get(id).and_then(|o| o.net_cash).unwrap_or(0.0),
        Some(id) => run.options.get(id).map_or(0.0, |o| o.npsv[0]),
    }
}

/// The headline means of `model` run as `run` was: its iterations, seed and sampling.
fn means(model: &Model, run: &Run, headlines: &[Headline]) -> Result<Vec<f64>, String> {
    let config = RunConfig {
        iterations: Some(run.iterations),
        seed: Some(run.seed),
        sampling: Sampling::from_name(&run.sampling),
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
            Some(id) => {
                let Some(o) = model.options().iter().position(|o| o.id == *id) else {
                    return 0.0;
                };
                match h.cash {
                    true => layout
                        .cash
                        .at(
                            o,
                            layout.cash.slots - 1,
                            layout.cash.years - 1,
                            CashMetric::NetCash,
                        )
                        .map_or(0.0, mean),
                    false => mean(layout.appraisal(o, Metric::Npsv)),
                }
            }
        })
        .collect())
}

fn table(headlines: &[Headline], change: &[f64], rows: &[(String, Vec<f64>)]) -> String {
    let mut out = String::from("Run B's scenario was run again with each changed input or setting put back to run A's, one at a time, on the same random numbers (\"Sampling\" reruns B's scenario as A sampled it: A's method, iteration count and seed). Each change's share is B's mean less the mean with that change put back; what is left is the interaction between the changes");
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
        .map(|h| change[h] - rows.iter().map(|(_, c)| c[h]).sum::<f64>())
        .collect();
    // Each column in one unit, that of its largest figure.
    let units: Vec<MoneyUnit> = (0..headlines.len())
        .map(|h| {
            let column = rows.iter().map(|(_, c)| c[h]);
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
    for (label, values) in rows {
        out.push_str(&row(label, values));
    }
    out.push_str(&row("Interaction and other", &remainder));
    out.push('\n');
    out
}
