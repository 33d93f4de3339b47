//! The channel chart: contacts a year and government's cost a year through each channel, side
//! by side, for business as usual and each option in full effect — so a reader sees at once
//! that a channel carrying a small share of contacts can carry most of the cost, and what a
//! channel shift moves.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{wrap_to, Frame, Key, Marker, LINE, MARGIN, TEXT};
use super::style::{
    axis_range, draw_wrapped_lines, err, mesh, money_axis, text_style, whisker, GREY, SERIES,
};
use super::{ChannelChart, ChartData, Range};
use crate::format::describe_value;
use crate::params::Unit;

/// The colour of a case: grey for business as usual, then the option colours in order.
fn colour(case: usize) -> RGBColor {
    match case {
        0 => GREY,
        k => SERIES[(k - 1) % SERIES.len()],
    }
}

/// The height of the panels.
const PANELS: u32 = 760;

pub(super) fn frame(chart: &ChannelChart) -> Frame {
    let key = chart
        .cases
        .iter()
        .enumerate()
        .fold(Key::new(), |key, (k, case)| {
            key.add(Marker::Fill(colour(k).into()), case.clone())
        });
    Frame {
        title: "Contacts and cost to government, by channel".into(),
        body: PANELS,
        key: key.add(
            Marker::Note,
            "Means with P10–P90 whiskers. Options in full effect (every journey reached), in \
             year-0 volumes; value and failure contacts.",
        ),
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    chart: &ChannelChart,
) -> std::result::Result<(), String> {
    let (left, right) = area.split_horizontally(SIZE_HALF);
    let contacts: Vec<&[Range]> = chart.channels.iter().map(|c| &c.contacts[..]).collect();
    let costs: Vec<&[Range]> = chart.channels.iter().map(|c| &c.cost[..]).collect();
    panel(root, &left, chart, &contacts, "Contacts a year", false)?;
    let cost_label = format!(
        "Cost to government a year (£, {} prices)",
        data.price_base_year
    );
    panel(root, &right, chart, &costs, &cost_label, true)
}

/// A count for an axis: `120k`, `1.5m`.
fn count_axis(x: &f64) -> String {
    describe_value(Unit::Journeys, *x)
}

/// Half the chart's width: one panel each.
const SIZE_HALF: u32 = super::SIZE.0 / 2;

/// One panel, with its caption above: a group of bars per channel, one bar per case.
fn panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &ChannelChart,
    values: &[&[Range]],
    caption: &str,
    in_money: bool,
) -> std::result::Result<(), String> {
    let n = values.len();
    let cases = chart.cases.len();
    let (_, hi) = axis_range(
        values
            .iter()
            .flat_map(|v| v.iter().flat_map(|r| [r.p90, r.central])),
        true,
    );
    let format: Box<dyn Fn(&f64) -> String> = if in_money {
        Box::new(money_axis(0.0, hi, 6))
    } else {
        Box::new(count_axis)
    };
    let (panel_width, _) = area.dim_in_pixel();
    let group = (panel_width as i32 - 200 - 2 * MARGIN) / n.max(1) as i32 - 12;
    let names: Vec<Vec<String>> = chart
        .channels
        .iter()
        .map(|c| wrap_to(&c.channel.replace('_', " "), TEXT, false, group))
        .collect();
    let lines = names.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let mut plot = ChartBuilder::on(area)
        .caption(caption, text_style(TEXT, &BLACK))
        .margin(MARGIN as u32)
        .x_label_area_size(lines * LINE as u32 + 24)
        .y_label_area_size(170)
        .build_cartesian_2d(0f64..n as f64, 0f64..hi)
        .map_err(err)?;
    mesh(&mut plot, |m| {
        m.disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&format);
    })?;
    let width = 0.8 / cases as f64;
    for (i, (bars, name)) in values.iter().zip(&names).enumerate() {
        for (k, r) in bars.iter().enumerate() {
            let left = i as f64 + 0.1 + k as f64 * width;
            let right = left + width * 0.9;
            plot.draw_series(std::iter::once(Rectangle::new(
                [(left, 0.0), (right, r.central)],
                colour(k).filled(),
            )))
            .map_err(err)?;
            let mid = (left + right) / 2.0;
            whisker(&mut plot, (mid, r.p10), (mid, r.p90), (width * 0.15, 0.0))?;
        }
        let (px, py) = plot.backend_coord(&(i as f64 + 0.5, 0.0));
        let style = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        draw_wrapped_lines(root, name, (px, py + 14), &style)?;
    }
    Ok(())
}
