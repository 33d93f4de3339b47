//! The fixed-assumptions chart: each option's mean NPSV across the range of each assumption the
//! scenario fixes — the optimism-bias uplift, the adoption path, the years late, the discount
//! rate — in four panels, the value as written marked and NPSV = 0 drawn, so a reviewer sees at
//! a glance which fixed assumption could turn the decision and how far it would have to move.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{Frame, Key, Marker, LINE, TEXT};
use super::style::{axis_range, err, mesh, money_axis, text_style, GREY, SERIES};
use super::ChartData;
use crate::format::describe_value;
use crate::params::Unit;

/// How a panel's x values read.
type XLabel = fn(f64) -> String;

/// The panels: title and how an x value reads.
const PANELS: [(&str, XLabel); 4] = [
    ("Optimism-bias uplift on capital", |x| percent(x)),
    ("Adoption path, times", |x| format!("{x:.1}×")),
    ("Years late", |x| format!("{x:.0}")),
    ("Discount rate (constant)", |x| percent(x)),
];

fn percent(x: f64) -> String {
    describe_value(Unit::Share, x)
}

/// The height of a row of two panels.
const PANEL: u32 = 470;

pub(super) fn frame(data: &ChartData) -> Frame {
    // One key for all four panels: each option's colour; the dots mark the values as written.
    let key = data
        .fixed
        .iter()
        .enumerate()
        .fold(Key::new(), |key, (i, curves)| {
            let name = data
                .options
                .get(i)
                .map_or(curves.option.clone(), |o| o.name.clone());
            key.add(Marker::Line(SERIES[i % SERIES.len()]), name)
        });
    Frame {
        title: "Expected NPSV as each fixed assumption moves".into(),
        body: 2 * PANEL,
        key: key.add(
            Marker::Note,
            "Dots mark each assumption as the scenario gives it; the dashed line is NPSV = 0",
        ),
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    for (p, panel) in area.split_evenly((2, 2)).iter().enumerate() {
        draw_panel(panel, data, p)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    p: usize,
) -> std::result::Result<(), String> {
    let (title, label) = PANELS[p];
    let xs = data
        .fixed
        .iter()
        .flat_map(|c| c.points[p].iter().map(|q| q.0));
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    if !(x0.is_finite() && x1.is_finite() && x1 > x0) {
        return Ok(());
    }
    let (lo, hi) = axis_range(
        data.fixed
            .iter()
            .flat_map(|c| c.points[p].iter().map(|q| q.1)),
        true,
    );
    // The panel's title, with room under it for the y axis's top label.
    let (caption, area) = area.split_vertically(LINE + 16);
    let (width, _) = caption.dim_in_pixel();
    let centred = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
    caption
        .draw(&Text::new(title, (width as i32 / 2, 16), centred))
        .map_err(err)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(16)
        .margin_right(80)
        .margin_top(24)
        .x_label_area_size(LINE as u32 + 10)
        .y_label_area_size(170)
        .build_cartesian_2d(x0..x1, lo..hi)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 5);
    let x_axis = |x: &f64| label(*x);
    mesh(&mut chart, |m| {
        m.x_labels(5)
            .y_labels(5)
            .x_label_formatter(&x_axis)
            .y_label_formatter(&axis);
    })?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(x0, 0.0), (x1, 0.0)],
            8,
            6,
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
    for (i, curves) in data.fixed.iter().enumerate() {
        let colour = SERIES[i % SERIES.len()];
        chart
            .draw_series(LineSeries::new(
                curves.points[p].iter().copied(),
                colour.stroke_width(3),
            ))
            .map_err(err)?;
        // The value as written, on its curve.
        let current = curves.current[p];
        let nearest = curves.points[p]
            .iter()
            .min_by(|a, b| (a.0 - current).abs().total_cmp(&(b.0 - current).abs()));
        if let Some(&(x, y)) = nearest {
            chart
                .draw_series(std::iter::once(Circle::new((x, y), 9, colour.filled())))
                .map_err(err)?;
        }
    }
    Ok(())
}
