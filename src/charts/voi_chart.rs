//! The value-of-information chart: what perfect information about each of the inputs worth
//! most, and about the groups worth most, would be worth to the decision, against the EVPI —
//! the most any research could be worth — so a Discovery team sees what to find out next.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{draw_wrapped, err, header, mesh, money_axis, text_style, BLUE, GREY, ORANGE};
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

/// Label text size: 9 pt when the chart is placed 16 cm wide.
const LABEL: u32 = 32;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    voi: &VoiChart,
) -> std::result::Result<(), String> {
    let area = header(root, data, "What perfect information would be worth")?;
    let n = voi.bars.len().max(1);
    let hi = voi.evpi * 1.25;
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .margin_top(60)
        .margin_right(60)
        .x_label_area_size(110)
        .y_label_area_size(620)
        .build_cartesian_2d(0.0..hi, 0.0..n as f64)
        .map_err(err)?;
    let axis = money_axis(0.0, hi, 5);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(5)
            .x_label_formatter(&axis)
            .label_style(text_style(LABEL, &BLACK))
            .axis_desc_style(text_style(LABEL, &BLACK))
            .x_desc(format!(
                "Expected value of perfect information (£, {} prices)",
                data.price_base_year
            ));
    })?;
    for (i, bar) in voi.bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let colour = if bar.group { ORANGE } else { BLUE };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.15), (bar.evppi, y + 0.85)],
                colour.filled(),
            )))
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(0.0, y + 0.5));
        let style = text_style(LABEL, &BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        draw_wrapped(root, &bar.label, 34, (px - 12, py), &style)?;
        let (vx, _) = chart.backend_coord(&(bar.evppi, y));
        let value = text_style(LABEL, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(money(bar.evppi), (vx + 10, py), value))
            .map_err(err)?;
    }
    chart
        .draw_series(DashedLineSeries::new(
            vec![(voi.evpi, 0.0), (voi.evpi, n as f64)],
            10,
            8,
            GREY.stroke_width(3),
        ))
        .map_err(err)?;
    let (ex, ey) = chart.backend_coord(&(voi.evpi, n as f64));
    let style = text_style(LABEL, &GREY).pos(Pos::new(HPos::Center, VPos::Bottom));
    root.draw(&Text::new(
        format!("EVPI {}", money(voi.evpi)),
        (ex, ey - 4),
        style,
    ))
    .map_err(err)?;
    Ok(())
}
