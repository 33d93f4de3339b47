//! The value-of-information chart: what perfect information about each of the inputs worth
//! most, and about the groups worth most, would be worth to the decision, against the EVPI —
//! the most any research could be worth — so a Discovery team sees what to find out next.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{wrap_to, Frame, Key, Marker, LINE, MARGIN, TEXT, X_AXIS};
use super::style::{draw_wrapped_lines, err, mesh, money_axis, text_style, BLUE, GREY, ORANGE};
use super::ChartData;
use crate::format::money;

/// Inputs and groups the chart shows.
pub const INPUT_BARS: usize = 6;
pub const GROUP_BARS: usize = 3;

/// What the chart shows: the EVPI and the bars, inputs first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VoiChart {
    pub evpi: f64,
    pub bars: Vec<VoiBar>,
}

/// One bar: an input's or a group's EVPPI.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VoiBar {
    pub label: String,
    pub evppi: f64,
    pub group: bool,
}

/// The chart's data, or `None` where no research can change the decision or no input or group
/// is worth a measurable amount ([`crate::voi::MEASURABLE`]).
pub fn data(r: &crate::results::Results) -> Option<VoiChart> {
    let voi = r.voi().filter(|v| v.evpi > 0.0)?;
    let model = r.model();
    let worth = crate::voi::measurable;
    let inputs = voi
        .inputs
        .iter()
        .filter(|e| worth(e.evppi))
        .take(INPUT_BARS)
        .map(|e| VoiBar {
            label: model.label(&e.input),
            evppi: e.evppi,
            group: false,
        });
    let groups = voi
        .groups
        .iter()
        .filter(|g| worth(g.1))
        .take(GROUP_BARS)
        .map(|(g, value, _)| VoiBar {
            label: format!("All inputs of {}", crate::voi_groups::group_label(model, g)),
            evppi: *value,
            group: true,
        });
    let bars: Vec<VoiBar> = inputs.chain(groups).collect();
    (!bars.is_empty()).then_some(VoiChart {
        evpi: voi.evpi,
        bars,
    })
}

/// The width of a bar's label.
const LABELS: i32 = 620;

fn labels(voi: &VoiChart) -> Vec<Vec<String>> {
    voi.bars
        .iter()
        .map(|bar| wrap_to(&bar.label, TEXT, false, LABELS))
        .collect()
}

fn row(lines: usize) -> i32 {
    (lines as i32 * LINE).max(56) + 20
}

pub(super) fn frame(voi: &VoiChart) -> Frame {
    let rows: i32 = labels(voi).iter().map(|l| row(l.len())).sum();
    Frame {
        title: "What perfect information would be worth".into(),
        body: (LINE + 40 + rows) as u32 + X_AXIS,
        key: Key::new()
            .add(Marker::Fill(BLUE.into()), "One input")
            .add(Marker::Fill(ORANGE.into()), "A group of inputs")
            .add(Marker::Dashed(GREY), "EVPI: the most any research is worth"),
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    voi: &VoiChart,
) -> std::result::Result<(), String> {
    let labels = labels(voi);
    let total: i32 = labels.iter().map(|l| row(l.len())).sum::<i32>().max(LINE);
    let hi = voi.evpi * 1.25;
    let mut chart = ChartBuilder::on(area)
        .margin_left(MARGIN as u32)
        .margin_top(LINE as u32 + 40)
        .margin_right(40 + MARGIN as u32)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(LABELS as u32 + 24)
        .build_cartesian_2d(0.0..hi, 0.0..f64::from(total))
        .map_err(err)?;
    let axis = money_axis(0.0, hi, 4);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(4)
            .x_label_formatter(&axis)
            .x_desc(format!(
                "Expected value of perfect information (£, {} prices)",
                data.price_base_year
            ));
    })?;
    let mut top = f64::from(total);
    for (bar, lines) in voi.bars.iter().zip(&labels) {
        let y = top - f64::from(row(lines.len())) / 2.0;
        let colour = if bar.group { ORANGE } else { BLUE };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 26.0), (bar.evppi, y + 26.0)],
                colour.filled(),
            )))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(0.0, y));
        let style = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        draw_wrapped_lines(root, lines, (px - 14, py), &style)?;
        let (vx, _) = chart.backend_coord(&(bar.evppi, y));
        let value = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(money(bar.evppi), (vx + 10, py), value))
            .map_err(err)?;
        top -= f64::from(row(lines.len()));
    }
    chart
        .draw_series(DashedLineSeries::new(
            vec![(voi.evpi, 0.0), (voi.evpi, f64::from(total))],
            10,
            8,
            GREY.stroke_width(3),
        ))
        .map_err(err)?;
    let (ex, ey) = chart.backend_coord(&(voi.evpi, f64::from(total)));
    let style = text_style(TEXT, &GREY).pos(Pos::new(HPos::Center, VPos::Bottom));
    root.draw(&Text::new(
        format!("EVPI {}", money(voi.evpi)),
        (ex, ey - 4),
        style,
    ))
    .map_err(err)?;
    Ok(())
}
