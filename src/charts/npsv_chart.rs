//! The two pictures of each option's NPSV distribution: the cumulative curves of every option
//! on one plot (the chance of NPSV at most a value, so two options are compared at a glance),
//! and a histogram per option with its P10–P90 band shaded and its mean marked, as a risk
//! analyst's tool shows an output — the shape a reader asks about first.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{wrap_to, Frame, Key, Marker, LINE, MARGIN, TEXT, X_AXIS};
use super::style::{
    axis_range, draw_wrapped_lines, err, mesh, money_axis, plot_in, text_style, GREY, SERIES,
};
use super::{ChartData, OptionSeries, SIZE};
use crate::format::{chance, money};

/// The height of the cumulative curves' plot.
const CDF_PLOT: u32 = 620;

fn colour(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

pub(super) fn cdf_frame(data: &ChartData) -> Frame {
    let key = data
        .options
        .iter()
        .enumerate()
        .fold(Key::new(), |key, (i, o)| {
            key.add(
                Marker::Line(colour(i)),
                format!("{} (chance NPSV > 0: {})", o.name, chance(o.p_positive)),
            )
        });
    Frame {
        title: "Net present social value by option".into(),
        body: 24 + CDF_PLOT + X_AXIS,
        key: key
            .add_if(
                data.file.is_some(),
                Marker::Dashed(GREY),
                "Dashed: the scenario file's curves",
            )
            .add(
                Marker::Note,
                "Dots mark P10, P50 and P90; the grey dashed upright is NPSV = 0",
            ),
    }
}

fn npsv_axis(data: &ChartData) -> String {
    format!(
        "NPSV (£, {} prices, discounted to {})",
        data.price_base_year, data.first_year
    )
}

pub(super) fn cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let (lo, hi) = axis_range(
        data.options
            .iter()
            .chain(data.file.iter().flat_map(|f| f.options.iter()))
            .flat_map(|o| o.npsv_cdf.iter().map(|p| p.0)),
        true,
    );
    let mut chart = plot_in(area, lo..hi, 0f64..1f64)?;
    let axis = money_axis(lo, hi, 6);
    mesh(&mut chart, |m| {
        m.x_labels(6)
            .y_labels(6)
            .x_label_formatter(&axis)
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .x_desc(npsv_axis(data))
            .y_desc("Chance NPSV ≤ this");
    })?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (0.0, 1.0)],
            10,
            8,
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
    if let Some(file) = &data.file {
        for (i, option) in file.options.iter().enumerate() {
            let points = option.npsv_cdf.iter().copied();
            let curve = DashedLineSeries::new(points, 12, 8, colour(i).mix(0.8).stroke_width(3));
            chart.draw_series(curve).map_err(err)?;
        }
    }
    for (i, option) in data.options.iter().enumerate() {
        let mut points = vec![(lo, 0.0)];
        points.extend(option.npsv_cdf.first().map(|first| (first.0, 0.0)));
        points.extend(option.npsv_cdf.iter().copied());
        points.extend(option.npsv_cdf.last().map(|last| (last.0, 1.0)));
        points.push((hi, 1.0));
        chart
            .draw_series(LineSeries::new(points, colour(i).stroke_width(4)))
            .map_err(err)?;
        let marks = [
            (option.npsv.p10, 0.1),
            (option.npsv.central, 0.5),
            (option.npsv.p90, 0.9),
        ];
        chart
            .draw_series(
                marks
                    .iter()
                    .map(|&(x, p)| Circle::new((x, p), 9, colour(i).filled())),
            )
            .map_err(err)?;
    }
    Ok(())
}

/// The bars of a histogram.
const BINS: usize = 40;
/// The height of one option's histogram panel, without its name.
const PANEL: i32 = 330;
/// The space between two options' panels.
const GAP: i32 = 40;

fn panel_names(data: &ChartData) -> Vec<Vec<String>> {
    let width = SIZE.0 as i32 - 2 * MARGIN;
    data.options
        .iter()
        .map(|o| wrap_to(&o.name, TEXT, true, width))
        .collect()
}

pub(super) fn histogram_frame(data: &ChartData) -> Frame {
    let panels: i32 = panel_names(data)
        .iter()
        .map(|lines| lines.len() as i32 * LINE + LINE + PANEL + GAP)
        .sum();
    Frame {
        title: "How each option's NPSV is spread".into(),
        body: (panels - GAP) as u32 + X_AXIS,
        key: Key::new()
            .add(Marker::Fill(GREY.mix(0.3)), "Between P10 and P90")
            .add(Marker::Line(BLACK), "Mean")
            .add(Marker::Dashed(GREY), "NPSV = 0")
            .add(
                Marker::Note,
                "A bar's height is the share of iterations with an NPSV in its range",
            ),
    }
}

/// The probability of each of `BINS` equal bins from `lo` to `hi`, read from the option's
/// cumulative distribution (interpolated between its quantiles).
pub fn bin_probabilities(option: &OptionSeries, lo: f64, hi: f64) -> Vec<f64> {
    let cdf = |x: f64| -> f64 {
        let points = &option.npsv_cdf;
        match points.iter().position(|p| p.0 >= x) {
            None => 1.0,
            Some(0) => 0.0,
            Some(k) => {
                let (a, b) = (points[k - 1], points[k]);
                let t = if b.0 > a.0 {
                    (x - a.0) / (b.0 - a.0)
                } else {
                    1.0
                };
                a.1 + t * (b.1 - a.1)
            }
        }
    };
    let step = (hi - lo) / BINS as f64;
    (0..BINS)
        .map(|k| {
            let (a, b) = (lo + k as f64 * step, lo + (k + 1) as f64 * step);
            (cdf(b) - cdf(a)).max(0.0)
        })
        .collect()
}

/// The NPSV range every panel shares: the options' P0.05 to P99.95, and zero.
fn histogram_range(data: &ChartData) -> (f64, f64) {
    let xs = data
        .options
        .iter()
        .flat_map(|o| o.npsv_cdf.iter().map(|p| p.0))
        .chain([0.0]);
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
        (l.min(x), h.max(x))
    });
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (-1.0, 1.0)
    }
}

pub(super) fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let (lo, hi) = histogram_range(data);
    let names = panel_names(data);
    let mut rest = area.clone();
    let last = data.options.len().saturating_sub(1);
    for (i, option) in data.options.iter().enumerate() {
        let height = names[i].len() as i32 * LINE + LINE + PANEL;
        let axis = if i == last { X_AXIS as i32 } else { GAP };
        let (panel, below) = rest.split_vertically(height + axis);
        rest = below;
        let bold = (super::style::FONT, TEXT, FontStyle::Bold)
            .into_font()
            .color(&BLACK);
        draw_wrapped_lines(&panel, &names[i], (MARGIN, 8), &bold)?;
        let (_, plot) = panel.split_vertically(names[i].len() as i32 * LINE + 8);
        histogram_panel(root, &plot, data, option, (lo, hi), i == last)?;
    }
    Ok(())
}

fn histogram_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    option: &OptionSeries,
    (lo, hi): (f64, f64),
    with_axis: bool,
) -> std::result::Result<(), String> {
    let bins = bin_probabilities(option, lo, hi);
    let top = bins.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.05;
    let mut chart = ChartBuilder::on(area)
        .margin_top(LINE as u32 + 8)
        .margin_left(MARGIN as u32)
        .margin_right(40 + MARGIN as u32)
        .x_label_area_size(if with_axis { X_AXIS } else { 8 })
        .y_label_area_size(200)
        .build_cartesian_2d(lo..hi, 0f64..top)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 6);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(3)
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .x_labels(if with_axis { 6 } else { 0 })
            .x_label_formatter(&axis)
            .x_desc(if with_axis {
                npsv_axis(data)
            } else {
                String::new()
            });
    })?;
    // Each bar light, and the part of it between P10 and P90 dark, so the band's edges fall
    // exactly at the percentiles.
    let step = (hi - lo) / BINS as f64;
    let (p10, p90) = (option.npsv.p10, option.npsv.p90);
    for (k, p) in bins.iter().enumerate() {
        let (a, b) = (lo + k as f64 * step, lo + (k + 1) as f64 * step);
        let light = Rectangle::new([(a, 0.0), (b, *p)], GREY.mix(0.2).filled());
        chart.draw_series(std::iter::once(light)).map_err(err)?;
        let (from, to) = (a.max(p10), b.min(p90));
        if to > from {
            let dark = Rectangle::new([(from, 0.0), (to, *p)], GREY.mix(0.55).filled());
            chart.draw_series(std::iter::once(dark)).map_err(err)?;
        }
    }
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (0.0, top)],
            10,
            8,
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(option.mean, 0.0), (option.mean, top)],
            BLACK.stroke_width(4),
        )))
        .map_err(err)?;
    // The mean and the band's ends, named above the plot.
    let (mx, my) = chart.backend_coord(&(option.mean, top));
    let words = format!(
        "mean {}; P10–P90 {} to {}",
        money(option.mean),
        money(option.npsv.p10),
        money(option.npsv.p90)
    );
    let (left, right) = (MARGIN + 200, SIZE.0 as i32 - MARGIN - 40);
    let width = super::layout::text_width(&words, TEXT, false);
    let x = (mx - width / 2).clamp(left, (right - width).max(left));
    root.draw(&Text::new(
        words,
        (x, my - 8),
        text_style(TEXT, &BLACK).pos(Pos::new(HPos::Left, VPos::Bottom)),
    ))
    .map_err(err)?;
    Ok(())
}
