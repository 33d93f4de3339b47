//! What the live page shows, as JSON: the headline (the cost of disjointedness, each option's
//! NPSV with its range, BCR, chance of paying off and payback), each figure's change since the
//! scenario file, the main charts as SVG, and the assumptions as editable cells.

use serde_json::{json, Value};

use crate::charts::{main_svgs, ChartData};
use crate::error::Result;
use crate::format::{chance, describe_value, money, money_range, ratio};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::results::Results;
use crate::scenario::{AppliedOverride, Model};

/// The headline means of a run: the cost of disjointedness (users, government, all), then
/// each option's NPSV. The page shows each figure's change against the scenario file's.
pub fn headline_means(r: &Results) -> Vec<f64> {
    let costs = Bearer::ALL
        .into_iter()
        .map(|b| r.cost(Scope::Total, Component::Disjointed, b).mean);
    let npsv = (0..r.model().options().len())
        .map(|o| r.appraisal(o, Metric::Npsv).map_or(0.0, |s| s.mean));
    costs.chain(npsv).collect()
}

/// "+£1.20m" or "no change".
fn change(now: f64, was: f64) -> String {
    let d = now - was;
    if d.abs() < 0.5 {
        "no change".into()
    } else if d > 0.0 {
        format!("+{}", money(d))
    } else {
        format!("−{}", money(-d))
    }
}

/// The results of a run as the page shows them; `baseline` holds the scenario file's headline
/// means, and `edits` the assumptions changed from it.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn results(r: &Results, baseline: &[f64], edits: &[AppliedOverride]) -> Result<Value> {
    let now = headline_means(r);
    let costs: Vec<Value> = Bearer::ALL
        .into_iter()
        .zip(["Users", "Government", "Users and government"])
        .enumerate()
        .map(|(k, (b, label))| {
            let s = r.cost(Scope::Total, Component::Disjointed, b);
            json!({
                "label": label,
                "mean": s.mean,
                "text": money_range(s.mean, s.p10, s.p90),
                "change": change(now[k], baseline[k]),
            })
        })
        .collect();
    let options: Vec<Value> = r
        .model()
        .options()
        .iter()
        .enumerate()
        .map(|(o, option)| {
            let npsv = r.appraisal(o, Metric::Npsv);
            let k = 3 + o;
            json!({
                "id": option.id,
                "name": option.name,
                "npsv": npsv.map(|s| s.mean),
                "npsv_text": npsv.map_or("–".into(), |s| money_range(s.mean, s.p10, s.p90)),
                "bcr": r.bcr_expected(o).map_or("–".into(), ratio),
                "p_positive": npsv.map_or("–".into(), |s| chance(s.p_positive)),
                "payback": r.payback(o).summary(),
                "change": change(now[k], baseline.get(k).copied().unwrap_or(now[k])),
            })
        })
        .collect();
    let charts: Vec<Value> = main_svgs(&ChartData::new(r))?
        .into_iter()
        .map(|(stem, svg)| json!({ "stem": stem, "svg": svg }))
        .collect();
    let edits: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "key": e.key, "from": e.from, "to": e.to }))
        .collect();
    Ok(json!({
        "voi": value_of_information(r),
        "iterations": r.iterations(),
        "seed": r.seed(),
        "costs": costs,
        "options": options,
        "charts": charts,
        "edits": edits,
    }))
}

/// What is worth finding out, as the case says it: the EVPI, a sentence, and the inputs and
/// groups worth most; `null` without options.
fn value_of_information(r: &Results) -> Value {
    let Some(voi) = r.voi() else {
        return Value::Null;
    };
    let rows: Vec<Value> = crate::charts::voi_data(r)
        .map(|chart| chart.bars)
        .unwrap_or_default()
        .into_iter()
        .map(|bar| {
            json!({
                "label": bar.label,
                "evppi": bar.evppi,
                "text": money(bar.evppi),
                "share": crate::format::percent(bar.evppi / voi.evpi),
                "group": bar.group,
            })
        })
        .collect();
    json!({
        "evpi": voi.evpi,
        "evpi_text": money(voi.evpi),
        "sentence": crate::export::voi_sentence(r),
        "note": if voi.evppi_iterations < voi.iterations {
            format!(
                "The EVPI from the page's {} iterations; each EVPPI from the first {}, so that an edit answers at once (seams run reads up to {}, so its figures are finer).",
                crate::format::thousands(voi.iterations as u64),
                crate::format::thousands(voi.evppi_iterations as u64),
                crate::format::thousands(crate::voi::EVPPI_ITERATIONS as u64),
            )
        } else {
            format!("From the page's {} iterations.", crate::format::thousands(voi.iterations as u64))
        },
        "rows": rows,
    })
}

/// Every input of the scenario as an editable cell: key, a reader's label, the distribution as
/// the file writes it, its mean and P5–P95, and its source.
pub fn assumptions(model: &Model) -> Value {
    let cells: Vec<Value> = model
        .inputs()
        .iter()
        .map(|input| {
            let (mean, p5, p95) = input.summary();
            json!({
                "key": input.key,
                "label": model.label(&input.key),
                "distribution": input.text,
                "mean": describe_value(input.unit, mean),
                "range": format!("{}–{}", describe_value(input.unit, p5), describe_value(input.unit, p95)),
                "source": input.source.clone().unwrap_or_default(),
                "note": input.note.clone().unwrap_or_default(),
            })
        })
        .collect();
    json!({ "name": model.settings().name, "inputs": cells })
}
