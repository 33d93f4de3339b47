//! The financial view's chart (docs/method.md §3c): a panel per option, one under another on
//! one scale, with each organisation's mean net cash by financial year (nominal) as a line —
//! above zero it spends, below it saves — over government's total, a wide grey line.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{Frame, Key, Marker, LINE, MARGIN};
use super::style::{axis_range, err, mesh, money_axis, panel_titles, stacked_panels, GREY, SERIES};
use crate::engine::financial::CashMetric;
use crate::results::Results;

/// Each option's net cash by organisation and financial year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CashChart {
    /// The financial years' labels, "2025-26".
    pub years: Vec<String>,
    /// Every organisation drawn in any panel, in the key's order; the total last.
    pub organisations: Vec<String>,
    pub panels: Vec<CashPanel>,
}

/// One option's lines: (organisation's position in [`CashChart::organisations`], mean net
/// cash by financial year).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CashPanel {
    pub option: String,
    pub lines: Vec<(usize, Vec<f64>)>,
}

/// The height of one option's plot.
const PLOT: i32 = 380;
/// Room under the last plot for the financial years.
const YEARS: i32 = LINE + 30;
/// The total's name in the key.
const TOTAL: &str = "Total";

/// The chart's figures, where the scenario has options.
pub fn data(r: &Results) -> Option<CashChart> {
    let model = r.model();
    if model.options().is_empty() || !r.has_appendices() {
        return None;
    }
    let layout = r.cash_layout();
    let years = layout.years - 1;
    let mut organisations: Vec<String> = Vec::new();
    let mut panels = Vec::new();
    for (o, option) in model.options().iter().enumerate() {
        let mut list = r.organisations(o);
        list.push((layout.slots - 1, "total".into(), TOTAL.into()));
        let mut lines = Vec::new();
        for (slot, _, name) in list {
            let net: Vec<f64> = (0..years)
                .map(|y| r.cash(o, slot, y, CashMetric::NetCash).mean)
                .collect();
            if net.iter().all(|&x| x == 0.0) {
                continue;
            }
            let at = match organisations.iter().position(|n| *n == name) {
                Some(i) => i,
                None => {
                    organisations.push(name);
                    organisations.len() - 1
                }
            };
            lines.push((at, net));
        }
        panels.push(CashPanel {
            option: option.name.clone(),
            lines,
        });
    }
    // The total last in the key, whatever order the options met it.
    if let Some(t) = organisations.iter().position(|n| n == TOTAL) {
        let last = organisations.len() - 1;
        organisations.swap(t, last);
        for panel in &mut panels {
            for (at, _) in &mut panel.lines {
                *at = match *at {
                    i if i == t => last,
                    i if i == last => t,
                    i => i,
                };
            }
        }
    }
    Some(CashChart {
        years: (0..years).map(|y| model.financial_year(y)).collect(),
        organisations,
        panels,
    })
}

/// The total's colour: a light grey under the organisations' lines, which it equals where
/// one organisation has every flow.
const TOTAL_COLOUR: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

/// An organisation's colour: grey for the total, else one of the series colours.
fn colour(chart: &CashChart, at: usize) -> RGBColor {
    match chart.organisations[at] == TOTAL {
        true => TOTAL_COLOUR,
        false => SERIES[at % SERIES.len()],
    }
}

/// Whether a line is the total's, drawn wide and first.
fn is_total(chart: &CashChart, at: usize) -> bool {
    chart.organisations[at] == TOTAL
}

fn names(chart: &CashChart) -> Vec<Vec<String>> {
    panel_titles(chart.panels.iter().map(|p| p.option.as_str()))
}

fn panel_height(name_lines: usize, last: bool) -> i32 {
    name_lines as i32 * LINE + 16 + PLOT + if last { YEARS } else { 40 }
}

pub(super) fn frame(chart: &CashChart) -> Frame {
    let names = names(chart);
    let last = names.len().saturating_sub(1);
    let body: i32 = names
        .iter()
        .enumerate()
        .map(|(i, lines)| panel_height(lines.len(), i == last))
        .sum();
    let key = chart
        .organisations
        .iter()
        .enumerate()
        .fold(Key::new(), |key, (i, name)| {
            key.add(Marker::Line(colour(chart, i)), name.clone())
        });
    Frame {
        title: "Net cash by financial year and organisation".into(),
        body: body.max(LINE) as u32,
        key: key.add(
            Marker::Note,
            "£ in the money of the day, means; above zero is spending, below is saving",
        ),
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &CashChart,
) -> std::result::Result<(), String> {
    let names = names(chart);
    let (lo, hi) = axis_range(
        chart
            .panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|(_, v)| v.iter().copied())),
        true,
    );
    let last = chart.panels.len().saturating_sub(1);
    let height = |i: usize| panel_height(names[i].len(), i == last);
    stacked_panels(area, &names, height, |i, space, below_name| {
        let (_, plot) = space.split_vertically(below_name + 8);
        draw_panel(&plot, chart, &chart.panels[i], (lo, hi), i == last)
    })
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &CashChart,
    panel: &CashPanel,
    (lo, hi): (f64, f64),
    with_years: bool,
) -> std::result::Result<(), String> {
    let n = chart.years.len();
    let (x0, x1) = (-0.5, n as f64 - 0.5);
    let mut plot = ChartBuilder::on(area)
        .margin_top(8)
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32 + 40)
        .x_label_area_size(if with_years { YEARS as u32 } else { 8 })
        .y_label_area_size(200)
        .build_cartesian_2d(x0..x1, lo..hi)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 4);
    // Every other year's label where there are many: they must not touch.
    let step = n.div_ceil(6).max(1);
    let year_label = |x: &f64| {
        let k = x.round();
        match k >= 0.0 && (k as usize) < n && (k as usize) % step == 0 && (x - k).abs() < 1e-6 {
            true => chart.years[k as usize].clone(),
            false => String::new(),
        }
    };
    mesh(&mut plot, |m| {
        m.x_labels(if with_years { n } else { 0 })
            .y_labels(4)
            .x_label_formatter(&year_label)
            .y_label_formatter(&axis);
    })?;
    plot.draw_series(DashedLineSeries::new(
        vec![(x0, 0.0), (x1, 0.0)],
        8,
        6,
        GREY.stroke_width(2),
    ))
    .map_err(err)?;
    // The total first and wide, so an organisation's line on it still shows.
    let mut lines: Vec<&(usize, Vec<f64>)> = panel.lines.iter().collect();
    lines.sort_by_key(|(at, _)| !is_total(chart, *at));
    for (at, values) in lines {
        let points = values.iter().enumerate().map(|(k, &v)| (k as f64, v));
        let width = if is_total(chart, *at) { 12 } else { 4 };
        plot.draw_series(LineSeries::new(
            points,
            colour(chart, *at).stroke_width(width),
        ))
        .map_err(err)?;
    }
    Ok(())
}
