//! Reports: results in, bytes out. CSV for machines, Markdown for case authors, a short table
//! for the terminal; all read the same [`Results`] through the same accessors, so the figures
//! in every format agree.

pub mod economic_case;
pub mod format;

use std::fmt::Write as _;

use crate::engine::eval::{
    APPRAISAL_METRICS, BAU_YEARLY_METRICS, BEARERS, COMPONENTS, NPSV, OPTION_YEARLY_METRICS,
};
use crate::engine::{Results, Stats};
use crate::scenario::Model;
use format::{csv_number, csv_text, md, money, money_range, percent, thousands};

/// The statistics columns of MODEL.md §6.
pub const STATISTICS: [&str; 8] = ["mean", "sd", "se", "p5", "p10", "p50", "p90", "p95"];

/// Readable names of the components, for Markdown.
pub const COMPONENT_LABELS: [&str; 6] = [
    "Value demand (not disjointed)",
    "Repetition",
    "Failure demand",
    "Stuck",
    "Disjointed",
    "All",
];

/// What the analysis of a run found beyond its statistics: drivers and switching values.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub tornadoes: Vec<crate::sensitivity::Tornado>,
    pub switching: Vec<crate::sensitivity::SwitchingValue>,
}

/// A model and its results, with accessors by meaning rather than index.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub model: &'a Model,
    pub results: &'a Results,
}

impl<'a> Report<'a> {
    pub fn new(model: &'a Model, results: &'a Results) -> Report<'a> {
        Report { model, results }
    }

    /// Year-0 cost: department `d` (`None` for all departments), component and bearer indices.
    pub fn cost(&self, d: Option<usize>, component: usize, bearer: usize) -> Stats {
        let d = d.unwrap_or(self.model.departments.len());
        self.stat(self.results.layout.summary(d, component, bearer))
    }

    /// An appraisal metric of option `o`; `None` when undefined in every iteration (a BCR
    /// with no costs).
    pub fn appraisal(&self, o: usize, metric: usize) -> Option<Stats> {
        self.results.stats[self.results.layout.appraisal(o, metric)]
    }

    /// A yearly metric; `option` is `None` for business as usual.
    pub fn yearly(&self, option: Option<usize>, year: usize, metric: usize) -> Stats {
        self.stat(self.results.layout.yearly(option, year, metric))
    }

    fn stat(&self, k: usize) -> Stats {
        // Only BCR can be undefined; every cost and flow is defined in every iteration.
        self.results.stats[k].unwrap_or(Stats {
            n: 0,
            mean: 0.0,
            sd: 0.0,
            se: 0.0,
            p5: 0.0,
            p10: 0.0,
            p50: 0.0,
            p90: 0.0,
            p95: 0.0,
            p_positive: 0.0,
        })
    }

    /// "mean (P10–P90)" as money.
    pub fn mean_range(s: &Stats) -> String {
        money_range(s.mean, s.p10, s.p90)
    }

    /// "median (P10–P90)" as money.
    pub fn median_range(s: &Stats) -> String {
        money_range(s.p50, s.p10, s.p90)
    }

    /// The line stating prices, iterations and seed.
    pub fn basis_line(&self) -> String {
        let s = &self.model.settings;
        format!(
            "Annual cost in {} (appraisal year 0), in {} prices. Monte Carlo: {} iterations, seed {}.",
            s.first_year,
            s.price_base_year,
            thousands(self.results.iterations),
            self.results.seed
        )
    }
}

fn push_statistics(line: &mut String, s: Option<&Stats>) {
    for v in s
        .map(|s| [s.mean, s.sd, s.se, s.p5, s.p10, s.p50, s.p90, s.p95])
        .into_iter()
        .flatten()
    {
        let _ = write!(line, ",{}", csv_number(v));
    }
    if s.is_none() {
        line.push_str(&",".repeat(STATISTICS.len()));
    }
}

/// `summary.csv`: year-0 BAU cost by department (and `total`), component and bearer.
pub fn summary_csv(r: &Report) -> String {
    let mut out = format!("department,component,bearer,{}\n", STATISTICS.join(","));
    let ids = r
        .model
        .departments
        .iter()
        .map(|d| d.id.as_str())
        .chain(["total"]);
    for (d, id) in ids.enumerate() {
        let d = (d < r.model.departments.len()).then_some(d);
        for (c, component) in COMPONENTS.iter().enumerate() {
            for (b, bearer) in BEARERS.iter().enumerate() {
                let mut line = format!("{},{component},{bearer}", csv_field(&csv_text(id)));
                push_statistics(&mut line, Some(&r.cost(d, c, b)));
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// `appraisal.csv`: each option × metric, with `p_positive` for NPSV.
pub fn appraisal_csv(r: &Report) -> String {
    let mut out = format!("option,metric,{},p_positive\n", STATISTICS.join(","));
    for (o, option) in r.model.options.iter().enumerate() {
        for (m, metric) in APPRAISAL_METRICS.iter().enumerate() {
            let stats = r.appraisal(o, m);
            let mut line = format!("{},{metric}", csv_field(&csv_text(&option.id)));
            push_statistics(&mut line, stats.as_ref());
            line.push(',');
            if m == NPSV {
                if let Some(s) = stats {
                    line.push_str(&csv_number(s.p_positive));
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// `yearly.csv`: BAU and each option × calendar year × metric.
pub fn yearly_csv(r: &Report) -> String {
    let mut out = String::from("option,year,metric,mean,p10,p50,p90\n");
    let mut push = |option: &str, year: i32, metric: &str, s: Stats| {
        let _ = writeln!(
            out,
            "{},{year},{metric},{},{},{},{}",
            csv_field(&csv_text(option)),
            csv_number(s.mean),
            csv_number(s.p10),
            csv_number(s.p50),
            csv_number(s.p90)
        );
    };
    for y in 0..r.model.settings.years {
        for (m, metric) in BAU_YEARLY_METRICS.iter().enumerate() {
            push(
                "bau",
                r.model.calendar_year(y),
                metric,
                r.yearly(None, y, m),
            );
        }
    }
    for (o, option) in r.model.options.iter().enumerate() {
        for y in 0..r.model.settings.years {
            for (m, metric) in OPTION_YEARLY_METRICS.iter().enumerate() {
                push(
                    &option.id,
                    r.model.calendar_year(y),
                    metric,
                    r.yearly(Some(o), y, m),
                );
            }
        }
    }
    out
}

/// Quotes a CSV field when it holds a comma, quote or line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The table of disjointed cost by department, users / government / total.
pub fn department_table(r: &Report) -> String {
    let mut out =
        String::from("| Department | Users | Government | Total |\n|---|---:|---:|---:|\n");
    const DISJOINTED: usize = 4;
    for (d, dept) in r.model.departments.iter().enumerate() {
        let row: Vec<String> = (0..3)
            .map(|b| Report::mean_range(&r.cost(Some(d), DISJOINTED, b)))
            .collect();
        let _ = writeln!(out, "| {} | {} |", md(&dept.name), row.join(" | "));
    }
    let row: Vec<String> = (0..3)
        .map(|b| format!("**{}**", Report::mean_range(&r.cost(None, DISJOINTED, b))))
        .collect();
    let _ = writeln!(out, "| **All departments** | {} |", row.join(" | "));
    out
}

/// The table of cost by component for all departments.
pub fn component_table(r: &Report) -> String {
    let mut out =
        String::from("| Kind of cost | Users | Government | Total |\n|---|---:|---:|---:|\n");
    for c in [1, 2, 3, 4, 0, 5] {
        let bold = c == 4 || c == 5;
        let cells: Vec<String> = (0..3)
            .map(|b| {
                let text = Report::mean_range(&r.cost(None, c, b));
                if bold {
                    format!("**{text}**")
                } else {
                    text
                }
            })
            .collect();
        let label = if bold {
            format!("**{}**", COMPONENT_LABELS[c])
        } else {
            COMPONENT_LABELS[c].to_string()
        };
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }
    out
}

/// Means by department and component (users and government together).
pub fn detail_table(r: &Report) -> String {
    let order = [1, 2, 3, 4, 0, 5];
    let mut out = String::from("| Department |");
    for c in order {
        let _ = write!(
            out,
            " {} |",
            COMPONENT_LABELS[c].replace(" (not disjointed)", "")
        );
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(order.len()));
    out.push('\n');
    let rows = r
        .model
        .departments
        .iter()
        .map(|d| md(&d.name))
        .chain(["**All departments**".to_string()]);
    for (d, name) in rows.enumerate() {
        let d = (d < r.model.departments.len()).then_some(d);
        let cells: Vec<String> = order.iter().map(|&c| money(r.cost(d, c, 2).mean)).collect();
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
}

/// One sentence on how much of all cost is disjointed.
pub fn disjointed_share_sentence(r: &Report) -> String {
    let disjointed = r.cost(None, 4, 2).mean;
    let all = r.cost(None, 5, 2).mean;
    let value = r.cost(None, 0, 2).mean;
    let share = if all > 0.0 { disjointed / all } else { 0.0 };
    format!(
        "Disjointedness (repetition, failure demand and getting stuck) is {} of the {} a year that users and government spend on these journeys; the rest, {}, is value demand the journeys need anyway.",
        percent(share),
        money(all),
        money(value)
    )
}

/// `summary.md`: the year-0 cost tables to paste into a business case.
pub fn summary_md(r: &Report) -> String {
    let mut out = format!(
        "# Cost of disjointed services: {}\n\n",
        md(&r.model.settings.name)
    );
    let _ = writeln!(
        out,
        "{} Figures are means, with the 80% range (P10–P90) in brackets.\n",
        r.basis_line()
    );
    out.push_str("## Cost of disjointedness by department\n\n");
    out.push_str(&department_table(r));
    out.push('\n');
    out.push_str(&disjointed_share_sentence(r));
    out.push_str("\n\n## By kind of cost, all departments\n\n");
    out.push_str(&component_table(r));
    out.push_str("\n## By department and kind of cost (means, users and government together)\n\n");
    out.push_str(&detail_table(r));
    out
}

/// The short headline table for the terminal.
pub fn terminal_headline(r: &Report) -> String {
    let s = &r.model.settings;
    let mut out = format!(
        "{}\nCost of disjointedness in {}, {} prices (mean, P10–P90), {} iterations:\n",
        s.name,
        s.first_year,
        s.price_base_year,
        thousands(r.results.iterations)
    );
    for (b, label) in ["users", "government", "total"].iter().enumerate() {
        let _ = writeln!(
            out,
            "  {label:<11} {}",
            Report::mean_range(&r.cost(None, 4, b))
        );
    }
    out
}

/// The compact options table for the terminal.
pub fn terminal_options(r: &Report) -> String {
    if r.model.options.is_empty() {
        return String::new();
    }
    let years = r.model.settings.years;
    let mut out = format!(
        "\nOptions over {years} years, present values in {} prices:\n  {:<24} {:>9} {:>9} {:>9} {:>10} {:>6}\n",
        r.model.settings.price_base_year, "option", "NPSV P10", "P50", "P90", "P(NPSV>0)", "BCR"
    );
    for (o, option) in r.model.options.iter().enumerate() {
        let Some(npsv) = r.appraisal(o, NPSV) else {
            continue;
        };
        let bcr = r
            .appraisal(o, crate::engine::eval::BCR)
            .map_or("–".to_string(), |s| format::ratio(s.p50));
        let _ = writeln!(
            out,
            "  {:<24} {:>9} {:>9} {:>9} {:>10} {:>6}",
            truncate(&option.id, 24),
            money(npsv.p10),
            money(npsv.p50),
            money(npsv.p90),
            percent(npsv.p_positive),
            bcr
        );
    }
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// `run.json`: provenance of a run.
pub fn run_json(r: &Report, wall_seconds: f64) -> String {
    let m = r.model;
    let value = serde_json::json!({
        "seams_version": env!("CARGO_PKG_VERSION"),
        "results_format": crate::compare::RESULTS_FORMAT,
        "scenario": {
            "path": m.path.display().to_string(),
            "sha256": m.sha256,
            "name": m.settings.name,
        },
        "seed": r.results.seed,
        "iterations": r.results.iterations,
        "price_base_year": m.settings.price_base_year,
        "first_year": m.settings.first_year,
        "years": m.settings.years,
        "overrides": m.overrides,
        "inputs": m.inputs.iter().map(|i| serde_json::json!({"key": i.key, "distribution": i.text})).collect::<Vec<_>>(),
        "percentile_method": format!("nearest rank from a log-linear sketch, within {:.3}% of the exact order statistic", crate::engine::stats::SKETCH_RELATIVE_ERROR * 100.0),
        "wall_time_seconds": (wall_seconds * 1000.0).round() / 1000.0,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `sensitivity.csv`: each output's drivers, largest |swing| first.
pub fn sensitivity_csv(tornadoes: &[crate::sensitivity::Tornado]) -> String {
    let mut out = String::from("output,input,spearman,mean_when_low,mean_when_high,swing\n");
    for t in tornadoes {
        for d in &t.drivers {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                csv_field(&csv_text(&t.output)),
                csv_field(&csv_text(&d.input)),
                csv_number(d.spearman),
                csv_number(d.mean_when_low),
                csv_number(d.mean_when_high),
                csv_number(d.swing)
            );
        }
    }
    out
}

/// `switching.csv`: for each option and uncertain input, the value at which NPSV is zero.
pub fn switching_csv(values: &[crate::sensitivity::SwitchingValue]) -> String {
    let mut out =
        String::from("option,input,base_value,switching_value,change_percent,within_p5_p95\n");
    for v in values {
        let switching = v.switching_value.map_or("none".to_string(), csv_number);
        let change = v.change_percent().map_or(String::new(), csv_number);
        let _ = writeln!(
            out,
            "{},{},{},{switching},{change},{}",
            csv_field(&csv_text(&v.option)),
            csv_field(&csv_text(&v.input)),
            csv_number(v.base_value),
            v.within_p5_p95()
        );
    }
    out
}
