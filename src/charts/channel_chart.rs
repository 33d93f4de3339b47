//! The channel chart: contacts a year and government's cost a year through each channel, side
//! by side, for business as usual and each option in full effect — so a reader sees at once
//! that a channel carrying a small share of contacts can carry most of the cost, and what a
//! channel shift moves.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    axis_range, err, header, legend, mesh, money_axis, swatch, text_style, whisker, GREY, SERIES,
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

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    chart: &ChannelChart,
) -> std::result::Result<(), String> {
    let area = header(root, data, "Contacts and cost to government, by channel")?;
    let (left, right) = area.split_horizontally(SIZE_HALF);
    let contacts: Vec<&[Range]> = chart.channels.iter().map(|c| &c.contacts[..]).collect();
    let costs: Vec<&[Range]> = chart.channels.iter().map(|c| &c.cost[..]).collect();
    panel(
        root,
        &left,
        chart,
        &contacts,
        "Contacts a year; means with P10–P90",
        false,
        true,
    )?;
    let cost_label = format!(
        "Cost to government a year (£, {} prices); means with P10–P90",
        data.price_base_year
    );
    panel(root, &right, chart, &costs, &cost_label, true, false)?;
    let note = "Options in full effect (every journey reached), in year-0 volumes; value and failure contacts";
    root.draw(&Text::new(
        note,
        (40, super::SIZE.1 as i32 - 30),
        text_style(20, &GREY),
    ))
    .map_err(err)
}

/// A count for an axis: `120k`, `1.5m`.
fn count_axis(x: &f64) -> String {
    describe_value(Unit::Journeys, *x)
}

/// Half the chart's width: one panel each.
const SIZE_HALF: u32 = super::SIZE.0 / 2;

/// One panel: a group of bars per channel, one bar per case.
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &ChannelChart,
    values: &[&[Range]],
    y_desc: &str,
    in_money: bool,
    with_legend: bool,
) -> std::result::Result<(), String> {
    let n = values.len();
    let cases = chart.cases.len();
    let (_, hi) = axis_range(
        values
            .iter()
            .flat_map(|v| v.iter().flat_map(|r| [r.p90, r.central])),
        true,
    );
    // Head room for the legend above the tallest whisker.
    let hi = hi
        * if with_legend {
            1.1 + 0.08 * cases as f64
        } else {
            1.05
        };
    let format: Box<dyn Fn(&f64) -> String> = if in_money {
        Box::new(money_axis(0.0, hi, 6))
    } else {
        Box::new(count_axis)
    };
    let mut plot = ChartBuilder::on(area)
        .margin(24)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..n as f64, 0f64..hi)
        .map_err(err)?;
    mesh(&mut plot, |m| {
        m.disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&format)
            .y_desc(y_desc)
            .label_style(text_style(20, &BLACK))
            .axis_desc_style(text_style(20, &BLACK));
    })?;
    if with_legend {
        for (k, case) in chart.cases.iter().enumerate() {
            swatch(&mut plot, case, colour(k))?;
        }
    }
    let width = 0.8 / cases as f64;
    for (i, (bars, channel)) in values.iter().zip(&chart.channels).enumerate() {
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
        root.draw(&Text::new(
            channel.channel.replace('_', " "),
            (px, py + 14),
            text_style(22, &BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    if with_legend {
        legend(&mut plot, SeriesLabelPosition::UpperRight, 18)?;
    }
    Ok(())
}
