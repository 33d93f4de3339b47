//! Drawing the bar charts of [`super::ChartData`] — the cost of disjointedness, the present
//! values by option, the tornadoes — onto any plotters backend, so that the PNG and the SVG
//! are the same picture. Colours come from the Okabe–Ito palette, which readers with the
//! common forms of colour blindness can tell apart. Each chart's plot is built in pixel units
//! on its y axis, so rows get exactly the room their wrapped labels need.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::layout::{text_width, wrap_to, Frame, Key, Marker, LINE, MARGIN, TEXT, X_AXIS};
use super::style::{
    axis_range, draw_wrapped_lines, err, mesh, money_axis, text_style, whisker, BLUE, GREY, ORANGE,
    PURPLE, SKY, VERMILLION,
};
use super::{ChartData, SIZE};
use crate::format::money;

/// Room above a plot.
const TOP: u32 = 24;

// ---- The cost of disjointedness ----------------------------------------------------------

/// Room left of the cost bars for "Government".
const BEARER_AREA: u32 = 250;

fn cost_plot_width() -> i32 {
    SIZE.0 as i32 - 2 * MARGIN - BEARER_AREA as i32 - 40
}

/// The lines of each department's (or journey's) name, above its pair of bars.
fn cost_names(data: &ChartData) -> Vec<Vec<String>> {
    data.costs
        .iter()
        .step_by(2)
        .map(|bar| wrap_to(&bar.department, TEXT, false, cost_plot_width()))
        .collect()
}

/// The height of a department's group: its name, two bars with two lines of figures each, a gap.
fn cost_group(name_lines: usize) -> i32 {
    name_lines as i32 * LINE + 2 * (2 * LINE + 10) + 30
}

pub(super) fn costs_frame(data: &ChartData) -> Frame {
    let plot: i32 = cost_names(data).iter().map(|n| cost_group(n.len())).sum();
    let key = Key::new()
        .add(Marker::Fill(BLUE.into()), "Repetition")
        .add(Marker::Fill(ORANGE.into()), "Failure demand")
        .add(Marker::Fill(PURPLE.into()), "Stuck")
        .add(
            Marker::Shades([BLUE, ORANGE, PURPLE]),
            "Lighter shades: cost to government",
        );
    let key = match data.file {
        Some(_) => key.add(Marker::Tick(BLACK), "The scenario file's mean"),
        None => key,
    };
    Frame {
        title: format!(
            "Annual cost of disjointedness in {}, by {}",
            data.first_year, data.costs_by
        ),
        body: TOP + plot.max(LINE) as u32 + X_AXIS,
        key,
    }
}

/// The two lines beside a bar: its total and its value demand.
fn cost_figures(bar: &super::CostBar) -> [String; 2] {
    [
        money(bar.disjointed.central),
        format!("value demand {}", money(bar.value_demand)),
    ]
}

pub(super) fn costs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let names = cost_names(data);
    let plot: i32 = names
        .iter()
        .map(|n| cost_group(n.len()))
        .sum::<i32>()
        .max(LINE);
    // The axis reaches far enough that every bar's figures fit to its right.
    let width = f64::from(cost_plot_width());
    let x_max = data
        .costs
        .iter()
        .map(|bar| {
            let end = bar.disjointed.p90.max(bar.components.iter().sum());
            let words = cost_figures(bar)
                .iter()
                .map(|t| text_width(t, TEXT, false))
                .max()
                .unwrap_or(0);
            end * width / (width - f64::from(words) - 30.0).max(width * 0.3)
        })
        .fold(0.0, f64::max);
    // The file's marks, too, on the live page.
    let file_max = data
        .file
        .iter()
        .flat_map(|f| f.costs.iter().map(|b| b.disjointed.central * 1.05))
        .fold(0.0, f64::max);
    let x_max = x_max.max(file_max);
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .margin_top(TOP)
        .margin_left(MARGIN as u32)
        .margin_right(40 + MARGIN as u32)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(BEARER_AREA)
        .build_cartesian_2d(0f64..x_max, 0f64..f64::from(plot))
        .map_err(err)?;
    let axis = money_axis(0.0, x_max, 6);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&axis)
            .x_desc(format!(
                "Cost a year (£, {} prices); whiskers show P10–P90",
                data.price_base_year
            ));
    })?;
    let colours = [BLUE, ORANGE, PURPLE];
    let mut top = f64::from(plot);
    for (group, pair) in data.costs.chunks(2).enumerate() {
        let lines = &names[group];
        let (nx, ny) = chart.backend_coord(&(0.0, top));
        let style = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Left, VPos::Top));
        draw_wrapped_lines(root, lines, (nx, ny + 4), &style)?;
        let mut y_top = top - f64::from(lines.len() as i32 * LINE + 10);
        for (k, bar) in pair.iter().enumerate() {
            let government = k == 1;
            let y_mid = y_top - f64::from(LINE);
            let (y0, y1) = (y_mid - 24.0, y_mid + 24.0);
            let mut x = 0.0;
            for (c, value) in bar.components.iter().enumerate() {
                let colour = colours[c].mix(if government { 0.55 } else { 1.0 });
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y0), (x + value, y1)],
                        colour.filled(),
                    )))
                    .map_err(err)?;
                x += value;
            }
            let r = bar.disjointed;
            whisker(&mut chart, (r.p10, y_mid), (r.p90, y_mid), (0.0, 16.0))?;
            let index = group * 2 + k;
            if let Some(was) = data.file.as_ref().and_then(|f| f.costs.get(index)) {
                let x = was.disjointed.central;
                let tick =
                    PathElement::new(vec![(x, y0 - 10.0), (x, y1 + 10.0)], BLACK.stroke_width(5));
                chart.draw_series(std::iter::once(tick)).map_err(err)?;
            }
            let (ex, ey) = chart.backend_coord(&(x.max(r.p90), y_mid));
            let [total, value_demand] = cost_figures(bar);
            let left = Pos::new(HPos::Left, VPos::Center);
            root.draw(&Text::new(
                total,
                (ex + 14, ey - LINE / 2),
                text_style(TEXT, &BLACK).pos(left),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                value_demand,
                (ex + 14, ey + LINE / 2),
                text_style(TEXT, &GREY).pos(left),
            ))
            .map_err(err)?;
            let (px, py) = chart.backend_coord(&(0.0, y_mid));
            let bearer = if government { "Government" } else { "Users" };
            let right = Pos::new(HPos::Right, VPos::Center);
            root.draw(&Text::new(
                bearer,
                (px - 14, py),
                text_style(TEXT, &BLACK).pos(right),
            ))
            .map_err(err)?;
            y_top -= f64::from(2 * LINE + 10);
        }
        top -= f64::from(cost_group(lines.len()));
    }
    Ok(())
}

// ---- Present values by option ------------------------------------------------------------

/// The height of the costs-and-benefits plot.
const PV_PLOT: u32 = 620;
const PV_Y_AREA: u32 = 210;

fn pv_names(data: &ChartData) -> Vec<Vec<String>> {
    let n = data.options.len().max(1) as i32;
    let group = (SIZE.0 as i32 - 2 * MARGIN - PV_Y_AREA as i32) / n - 30;
    data.options
        .iter()
        .map(|o| wrap_to(&o.name, TEXT, false, group))
        .collect()
}

pub(super) fn costs_benefits_frame(data: &ChartData) -> Frame {
    let lines = pv_names(data).iter().map(Vec::len).max().unwrap_or(1) as u32;
    Frame {
        title: "Present value of costs and benefits, by option".into(),
        body: TOP + PV_PLOT + 2 * LINE as u32 + lines * LINE as u32 + 30,
        key: Key::new()
            .add(Marker::Fill(VERMILLION.into()), "PV costs: capital")
            .add(
                Marker::Fill(VERMILLION.mix(0.5)),
                "PV costs: optimism bias on capital",
            )
            .add(Marker::Fill(PURPLE.into()), "PV costs: running")
            .add(Marker::Fill(SKY.into()), "PV benefits to users")
            .add(
                Marker::Fill(super::style::GREEN.into()),
                "PV benefits to government",
            )
            .add(Marker::Note, "Bars are means; whiskers show P10–P90")
            .add_if(
                data.file.is_some(),
                Marker::Line(BLACK),
                "Black line: the scenario file's mean",
            ),
    }
}

pub(super) fn costs_benefits<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let n = data.options.len();
    let names = pv_names(data);
    let lines = names.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let (lo, hi) = axis_range(
        data.options
            .iter()
            .chain(data.file.iter().flat_map(|f| f.options.iter()))
            .flat_map(|o| {
                o.present_values
                    .iter()
                    .flat_map(|r| [r.p10, r.p90, r.central])
            }),
        true,
    );
    let mut chart = ChartBuilder::on(area)
        .margin_top(TOP)
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32)
        .x_label_area_size(lines * LINE as u32 + 30)
        .y_label_area_size(PV_Y_AREA)
        .build_cartesian_2d(0f64..n as f64, lo..hi)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 6);
    mesh(&mut chart, |m| {
        m.disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&axis)
            .y_desc(format!("£, {} prices", data.price_base_year));
    })?;
    let cost_colours = [VERMILLION.mix(1.0), VERMILLION.mix(0.5), PURPLE.mix(1.0)];
    let colours = [VERMILLION, SKY, super::style::GREEN];
    for (i, option) in data.options.iter().enumerate() {
        for (k, r) in option.present_values.iter().enumerate() {
            let left = i as f64 + 0.12 + k as f64 * 0.26;
            let right = left + 0.22;
            if k == 0 {
                let mut bottom = 0.0;
                for (part, colour) in option.cost_parts.iter().zip(cost_colours) {
                    let bar =
                        Rectangle::new([(left, bottom), (right, bottom + part)], colour.filled());
                    chart.draw_series(std::iter::once(bar)).map_err(err)?;
                    bottom += part;
                }
            } else {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(left, 0.0), (right, r.central)],
                        colours[k].filled(),
                    )))
                    .map_err(err)?;
            }
            let mid = (left + right) / 2.0;
            whisker(&mut chart, (mid, r.p10), (mid, r.p90), (0.04, 0.0))?;
            let file = data.file.as_ref().and_then(|f| f.options.get(i));
            if let Some(was) = file.map(|f| f.present_values[k].central) {
                let line = PathElement::new(
                    vec![(left - 0.02, was), (right + 0.02, was)],
                    BLACK.stroke_width(5),
                );
                chart.draw_series(std::iter::once(line)).map_err(err)?;
            }
        }
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, lo));
        let style = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        draw_wrapped_lines(root, &names[i], (px, py + 16), &style)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n as f64, 0.0)],
            BLACK.stroke_width(1),
        )))
        .map_err(err)?;
    Ok(())
}

// ---- Tornadoes ---------------------------------------------------------------------------

/// The width of a tornado's labels.
const TORNADO_LABELS: i32 = 640;

fn tornado_labels(tornado: &crate::sensitivity::Tornado) -> Vec<Vec<String>> {
    tornado
        .drivers
        .iter()
        .map(|d| {
            let rho = format!("{:.2}", d.spearman).replace('-', "−");
            let label = format!("{} (ρ = {rho})", d.input);
            wrap_to(&label, TEXT, false, TORNADO_LABELS)
        })
        .collect()
}

/// A row's height: its label's lines, and room for its bar.
fn tornado_row(lines: usize) -> i32 {
    (lines as i32 * LINE).max(56) + 20
}

fn tornado_title(tornado: &crate::sensitivity::Tornado) -> String {
    if tornado.output == crate::sensitivity::COST_OUTPUT {
        "What drives the annual cost of disjointedness".to_string()
    } else {
        format!("What drives the NPSV of {}", tornado.title)
    }
}

pub(super) fn tornado_frame(tornado: &crate::sensitivity::Tornado) -> Frame {
    let rows: i32 = tornado_labels(tornado)
        .iter()
        .map(|l| tornado_row(l.len()))
        .sum();
    Frame {
        title: tornado_title(tornado),
        body: TOP + rows.max(LINE) as u32 + X_AXIS,
        key: Key::new()
            .add(Marker::Fill(SKY.into()), "Input at or below its P10")
            .add(Marker::Fill(VERMILLION.into()), "Input at or above its P90")
            .add(
                Marker::Note,
                "ρ: rank correlation of the input with the figure",
            ),
    }
}

pub(super) fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    tornado: &crate::sensitivity::Tornado,
) -> std::result::Result<(), String> {
    let labels = tornado_labels(tornado);
    let total: i32 = labels
        .iter()
        .map(|l| tornado_row(l.len()))
        .sum::<i32>()
        .max(LINE);
    let values = tornado
        .drivers
        .iter()
        .flat_map(|d| [d.mean_when_low, d.mean_when_high])
        .chain([tornado.mean]);
    let (lo, hi) = axis_range(values, false);
    let mut chart = ChartBuilder::on(area)
        .margin_top(TOP)
        .margin_left(MARGIN as u32)
        .margin_right(40 + MARGIN as u32)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(TORNADO_LABELS as u32 + 24)
        .build_cartesian_2d(lo..hi, 0f64..f64::from(total))
        .map_err(err)?;
    let measure = if tornado.output == crate::sensitivity::COST_OUTPUT {
        "annual cost"
    } else {
        "NPSV"
    };
    let axis = money_axis(lo, hi, 6);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&axis)
            .x_desc(format!(
                "Mean {measure} (£, {} prices)",
                data.price_base_year
            ));
    })?;
    let mut top = f64::from(total);
    for (d, lines) in tornado.drivers.iter().zip(&labels) {
        let y = top - f64::from(tornado_row(lines.len())) / 2.0;
        for (value, colour) in [(d.mean_when_low, SKY), (d.mean_when_high, VERMILLION)] {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(tornado.mean, y - 24.0), (value, y + 24.0)],
                    colour.filled(),
                )))
                .map_err(err)?;
        }
        let (px, py) = chart.backend_coord(&(lo, y));
        let style = text_style(TEXT, &BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        draw_wrapped_lines(root, lines, (px - 14, py), &style)?;
        top -= f64::from(tornado_row(lines.len()));
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(tornado.mean, 0.0), (tornado.mean, f64::from(total))],
            BLACK.stroke_width(2),
        )))
        .map_err(err)?;
    if lo < 0.0 && hi > 0.0 {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (0.0, f64::from(total))],
                10,
                8,
                GREY.stroke_width(2),
            ))
            .map_err(err)?;
    }
    Ok(())
}
