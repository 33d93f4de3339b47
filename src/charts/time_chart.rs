//! Net benefit over time: a panel per option, one under another on one scale — the yearly net
//! benefit's median and P10–P90 band on the left axis, the cumulative discounted net benefit on
//! the right, zero on one line for both — with when the option pays back under its name.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{Frame, Key, Marker, LINE, MARGIN, TEXT};
use super::style::{
    axis_range, draw_wrapped_lines, err, mesh, money_axis, panel_titles, stacked_panels,
    text_style, BLUE, GREEN, GREY, SKY, VERMILLION,
};
use super::ChartData;

/// The height of one option's plot.
const PLOT: i32 = 400;
/// Room under the last plot for the years.
const YEARS: i32 = LINE + 30;

fn names(data: &ChartData) -> Vec<Vec<String>> {
    panel_titles(data.options.iter().map(|o| o.name.as_str()))
}

/// A panel's height: the option's name, its payback line, its plot.
fn panel_height(name_lines: usize, last: bool) -> i32 {
    name_lines as i32 * LINE + LINE + 16 + PLOT + if last { YEARS } else { 56 }
}

pub(super) fn frame(data: &ChartData) -> Frame {
    let names = names(data);
    let last = names.len().saturating_sub(1);
    let body: i32 = names
        .iter()
        .enumerate()
        .map(|(i, lines)| panel_height(lines.len(), i == last))
        .sum();
    let prices = format!("£, {} prices", data.price_base_year);
    Frame {
        title: "Net benefit over time, by option".into(),
        body: body.max(LINE) as u32,
        key: Key::new()
            .add(
                Marker::Fill(SKY.mix(0.35)),
                "Net benefit a year, P10–P90 (left axis)",
            )
            .add(Marker::Line(BLUE), "Net benefit a year, median (left axis)")
            .add(
                Marker::Line(VERMILLION),
                "Cumulative discounted net benefit, mean (right axis)",
            )
            .add(Marker::Dashed(GREEN), "Payback year")
            .add(Marker::Note, prices),
    }
}

/// The scales every panel shares: the left axis's range and the factor from it to the right's.
struct Scales {
    lo: f64,
    hi: f64,
    right: f64,
    x: (f64, f64),
    years: usize,
}

fn scales(data: &ChartData) -> Scales {
    let values = data
        .options
        .iter()
        .flat_map(|o| o.net_by_year.iter().flat_map(|(_, r)| [r.p10, r.p90]));
    let (lo, hi) = axis_range(values, true);
    // The cumulative total is scaled so that both zeros fall on one line.
    let (cumulative_lo, cumulative_hi) = axis_range(
        data.options
            .iter()
            .flat_map(|o| o.cumulative_discounted.iter().map(|c| c.1)),
        true,
    );
    let right = (cumulative_hi / hi)
        .max(cumulative_lo / lo)
        .max(f64::MIN_POSITIVE);
    let years = data.options.first().map_or(1, |o| o.net_by_year.len());
    let first = f64::from(data.first_year);
    Scales {
        lo,
        hi,
        right,
        x: (first - 0.5, first + years as f64 - 0.5),
        years,
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let names = names(data);
    let scales = scales(data);
    let last = data.options.len().saturating_sub(1);
    let height = |i: usize| panel_height(names[i].len(), i == last);
    stacked_panels(area, &names, height, |i, panel, below_name| {
        let option = &data.options[i];
        let payback = format!("Payback: {}", option.payback.summary());
        draw_wrapped_lines(
            panel,
            &[payback],
            (MARGIN, below_name),
            &text_style(TEXT, &GREEN),
        )?;
        let (_, plot) = panel.split_vertically(below_name + LINE + 8);
        draw_panel(&plot, option, &scales, i == last)
    })
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    option: &super::OptionSeries,
    s: &Scales,
    with_years: bool,
) -> std::result::Result<(), String> {
    let (x0, x1) = s.x;
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32)
        .x_label_area_size(if with_years { YEARS as u32 } else { 8 })
        .y_label_area_size(200)
        .right_y_label_area_size(200)
        .build_cartesian_2d(x0..x1, s.lo..s.hi)
        .map_err(err)?
        .set_secondary_coord(x0..x1, s.lo * s.right..s.hi * s.right);
    let axis = money_axis(s.lo, s.hi, 4);
    let right_axis = money_axis(s.lo * s.right, s.hi * s.right, 4);
    mesh(&mut chart, |m| {
        m.x_labels(if with_years { s.years.min(8) } else { 0 })
            .y_labels(4)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&axis);
    })?;
    chart
        .configure_secondary_axes()
        .y_labels(4)
        .y_label_formatter(&right_axis)
        .label_style(text_style(TEXT, &VERMILLION))
        .draw()
        .map_err(err)?;
    let band: Vec<(f64, f64)> = option
        .net_by_year
        .iter()
        .map(|(y, r)| (f64::from(*y), r.p90))
        .chain(
            option
                .net_by_year
                .iter()
                .rev()
                .map(|(y, r)| (f64::from(*y), r.p10)),
        )
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(band, SKY.mix(0.35).filled())))
        .map_err(err)?;
    let median = option
        .net_by_year
        .iter()
        .map(|(y, r)| (f64::from(*y), r.central));
    chart
        .draw_series(LineSeries::new(median, BLUE.stroke_width(4)))
        .map_err(err)?;
    let cumulative = option
        .cumulative_discounted
        .iter()
        .map(|(y, v)| (f64::from(*y), *v));
    chart
        .draw_secondary_series(LineSeries::new(cumulative, VERMILLION.stroke_width(4)))
        .map_err(err)?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(x0, 0.0), (x1, 0.0)],
            8,
            6,
            GREY.stroke_width(1),
        ))
        .map_err(err)?;
    // Payback as every output states it: the median over all iterations; no line when fewer
    // than half pay back.
    if let Some(year) = option.payback.central {
        let x = f64::from(year);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x, s.lo), (x, s.hi)],
                8,
                6,
                GREEN.stroke_width(3),
            ))
            .map_err(err)?;
    }
    Ok(())
}
