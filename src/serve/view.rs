//! What the live page shows, as JSON: the headline (the cost of disjointedness, each option's
//! NPSV with its range, BCR, chance of paying off and payback), each figure's change since the
//! scenario file, the main charts as SVG, and the assumptions as editable cells.

use serde_json::{json, Value};

use crate::charts::{main_svgs, ChartData};
use crate::error::Result;
use crate::format::{describe_value, money, money_range};
use crate::outputs::{Bearer, Component, Metric, Scope};
use crate::results::Results;
use crate::scenario::{AppliedOverride, Model};

/// The headline means of a run: the cost of disjointedness (users, government, all), then
/// each option's NPSV, then (in a portfolio) each journey's cost of disjointedness. The page
/// shows each figure's change against the scenario file's.
pub fn headline_means(r: &Results) -> Vec<f64> {
    let costs = Bearer::ALL
        .into_iter()
        .map(|b| r.cost(Scope::Total, Component::Disjointed, b).mean);
    let npsv = (0..r.model().options().len())
        .map(|o| r.appraisal(o, Metric::Npsv).map_or(0.0, |s| s.mean));
    let journeys = (0..journey_count(r)).map(|j| {
        r.cost(Scope::Journey(j), Component::Disjointed, Bearer::All)
            .mean
    });
    costs.chain(npsv).chain(journeys).collect()
}

/// The journeys with figures of their own: a portfolio's, none for a single journey.
fn journey_count(r: &Results) -> usize {
    if r.model().is_portfolio() {
        r.model().journeys().len()
    } else {
        0
    }
}

/// The scenario file's figures, which the page compares a run with.
pub struct File<'a> {
    /// Its headline means ([`headline_means`]).
    pub means: &'a [f64],
    pub charts: &'a ChartData,
}

/// Which way is better for a figure: a lower cost, a higher NPSV.
#[derive(Clone, Copy)]
enum Better {
    Lower,
    Higher,
}

/// A change since the file: "+£1.20m" or "no change", and whether it is better or worse for
/// the figure (`null` when there is none), so the page colours meaning, not direction.
fn change(now: f64, was: f64, better: Better) -> (String, Value) {
    let d = now - was;
    if d.abs() < 0.5 {
        return ("no change".into(), Value::Null);
    }
    let text = if d > 0.0 {
        format!("+{}", money(d))
    } else {
        format!("−{}", money(-d))
    };
    let good = match better {
        Better::Lower => d < 0.0,
        Better::Higher => d > 0.0,
    };
    (text, json!(if good { "better" } else { "worse" }))
}

/// The results of a run as the page shows them; `baseline` holds the scenario file's headline
/// means, and `edits` the assumptions changed from it.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn results(r: &Results, file: &File<'_>, edits: &[AppliedOverride]) -> Result<Value> {
    let baseline = file.means;
    let now = headline_means(r);
    let costs: Vec<Value> = Bearer::ALL
        .into_iter()
        .zip(["Users", "Government", "Users and government"])
        .enumerate()
        .map(|(k, (b, label))| {
            let s = r.cost(Scope::Total, Component::Disjointed, b);
            let (change, direction) = change(now[k], baseline[k], Better::Lower);
            json!({
                "label": label,
                "mean": s.mean,
                "text": money_range(s.mean, s.p10, s.p90),
                "change": change,
                "direction": direction,
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
            let was = baseline.get(k).copied().unwrap_or(now[k]);
            let (change, direction) = change(now[k], was, Better::Higher);
            let h = crate::export::option_headline(r, o);
            json!({
                "id": option.id,
                "name": option.name,
                "npsv": npsv.map(|s| s.mean),
                "npsv_text": h.npsv,
                "bcr": h.bcr,
                "p_positive": h.p_positive,
                "payback": h.payback,
                "change": change,
                "direction": direction,
            })
        })
        .collect();
    let first_journey = 3 + r.model().options().len();
    let journeys: Vec<Value> = (0..journey_count(r))
        .map(|j| {
            let s = r.cost(Scope::Journey(j), Component::Disjointed, Bearer::All);
            let k = first_journey + j;
            let was = baseline.get(k).copied().unwrap_or(now[k]);
            let (change, direction) = change(now[k], was, Better::Lower);
            json!({
                "label": r.model().journeys()[j].name,
                "text": money_range(s.mean, s.p10, s.p90),
                "change": change,
                "direction": direction,
            })
        })
        .collect();
    let mut data = ChartData::new(r);
    if !edits.is_empty() {
        data.file = Some(Box::new(file.charts.clone()));
    }
    let charts: Vec<Value> = main_svgs(&data)?
        .into_iter()
        .map(|(stem, svg)| json!({ "stem": stem, "svg": svg }))
        .collect();
    // The edited inputs' own mean and range, from their new distributions.
    let inputs: serde_json::Map<String, Value> = r
        .model()
        .inputs()
        .iter()
        .filter(|input| edits.iter().any(|e| e.key == input.key))
        .map(|input| (input.key.clone(), summary(input)))
        .collect();
    let edits: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "key": e.key, "from": e.from, "to": e.to }))
        .collect();
    Ok(json!({
        "voi": value_of_information(r),
        "inputs": inputs,
        "iterations": r.iterations(),
        "seed": r.seed(),
        "costs": costs,
        "journeys": journeys,
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
            let mut cell = json!({
                "key": input.key,
                "label": model.label(&input.key),
                "group": group(model, &input.key),
                "distribution": input.text,
                "source": input.source.clone().unwrap_or_default(),
                "note": input.note.clone().unwrap_or_default(),
            });
            if let (Some(cell), Value::Object(figures)) = (cell.as_object_mut(), summary(input)) {
                cell.extend(figures);
            }
            cell
        })
        .collect();
    json!({ "name": model.settings().name, "inputs": cells })
}

/// An input's mean and P5–P95 in its unit, as the page shows them.
fn summary(input: &crate::scenario::Input) -> Value {
    let (mean, p5, p95) = input.summary();
    json!({
        "mean": describe_value(input.unit, mean),
        "range": format!("{}–{}", describe_value(input.unit, p5), describe_value(input.unit, p95)),
    })
}

/// The heading an input sits under on the page: its journey (in a portfolio) and its
/// department or option, from its key — "Learning to drive: DVSA", "Option: Share data",
/// "Shared across journeys".
fn group(model: &Model, key: &str) -> String {
    let (journey, rest) = match key.split_once('/') {
        Some((id, rest)) => (
            model
                .journeys()
                .iter()
                .find(|j| j.id == id)
                .map(|j| j.name.clone()),
            rest,
        ),
        None => (None, key),
    };
    let mut parts = rest.split('.');
    let within = match (parts.next(), parts.next()) {
        (Some("departments"), Some(id)) => model
            .departments()
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| id.to_string(), |d| d.name.clone()),
        (Some("options"), Some(id)) => {
            let name = model
                .options()
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.name.as_str());
            format!("Option: {}", name.unwrap_or(id))
        }
        _ => "The journey".to_string(),
    };
    match journey {
        Some(journey) => format!("{journey}: {within}"),
        None if model.is_portfolio() && rest.starts_with("departments.") => {
            format!("Shared across journeys: {within}")
        }
        None => within,
    }
}
