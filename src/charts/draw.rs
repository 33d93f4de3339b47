//! Drawing the charts of [`super::ChartData`] onto any plotters backend, so that the PNG and
//! the SVG are the same picture. Colours come from the Okabe–Ito palette, which readers with
//! the common forms of colour blindness can tell apart.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    axis_range, continuation, draw_wrapped, err, header, legend, mesh, money_axis, swatch,
    swatch_mixed, text_style, whisker, wrap, BLUE, GREEN, GREY, ORANGE, PURPLE, SERIES, SKY,
    VERMILLION,
};
use super::{ChartData, SIZE};
use crate::format::{chance, money};

pub(super) fn costs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let area = header(
        root,
        data,
        &format!(
            "Annual cost of disjointedness in {}, by {}",
            data.first_year, data.costs_by
        ),
    )?;
    let rows = data.costs.len() / 2;
    // Each department takes 3.4 rows of the y axis: its name, the users bar, the government bar.
    let per_department = 3.4;
    // Room for at least two departments, so a single one does not become a slab; the bars
    // are centred in the space.
    let height = rows.max(2) as f64 * per_department;
    let pad = (height - rows as f64 * per_department) / 2.0;
    let largest = data
        .costs
        .iter()
        .map(|b| b.disjointed.p90.max(b.components.iter().sum()))
        .fold(0.0, f64::max);
    let x_max = if largest > 0.0 { largest * 1.45 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .x_label_area_size(90)
        .y_label_area_size(170)
        .margin_right(60)
        .build_cartesian_2d(0f64..x_max, 0f64..height)
        .map_err(err)?;
    let axis = money_axis(0.0, x_max, 8);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&axis)
            .x_desc(format!(
                "Cost a year (£, {} prices); whiskers show P10–P90",
                data.price_base_year
            ));
    })?;
    let colours = [BLUE, ORANGE, PURPLE];
    for (i, name) in ["Repetition", "Failure demand", "Stuck"].iter().enumerate() {
        swatch(&mut chart, name, colours[i])?;
    }
    swatch_mixed(&mut chart, "Lighter shades: cost to government", colours)?;
    let label_font = text_style(22, &BLACK);
    let value_font = text_style(20, &GREY);
    for (i, bar) in data.costs.iter().enumerate() {
        let department = i / 2;
        let government = i % 2 == 1;
        let top = height - pad - department as f64 * per_department;
        let y_mid = top - if government { 2.55 } else { 1.55 };
        let (y0, y1) = (y_mid - 0.42, y_mid + 0.42);
        if !government {
            // A long name wraps upwards, into the space between groups.
            let lines = wrap(&bar.department, 90);
            let count = lines.len() as i32;
            let names = lines.into_iter().enumerate().map(|(k, line)| {
                EmptyElement::at((0.0, top - 0.55))
                    + Text::new(
                        line,
                        (2, (k as i32 - count + 1) * 28),
                        text_style(24, &BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
                    )
            });
            chart.draw_series(names).map_err(err)?;
        }
        let mut x = 0.0;
        for (c, value) in bar.components.iter().enumerate() {
            let colour = if government {
                colours[c].mix(0.55)
            } else {
                colours[c].mix(1.0)
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y0), (x + value, y1)],
                    colour.filled(),
                )))
                .map_err(err)?;
            x += value;
        }
        let r = bar.disjointed;
        whisker(&mut chart, (r.p10, y_mid), (r.p90, y_mid), (0.0, 0.25))?;
        let end = x.max(r.p90);
        let total = EmptyElement::at((end, y_mid))
            + Text::new(
                money(r.central),
                (10, -11),
                label_font.pos(Pos::new(HPos::Left, VPos::Center)),
            )
            + Text::new(
                format!("value demand {}", money(bar.value_demand)),
                (10, 12),
                value_font.pos(Pos::new(HPos::Left, VPos::Center)),
            );
        chart.draw_series(std::iter::once(total)).map_err(err)?;
        let (px, py) = chart.backend_coord(&(0.0, y_mid));
        let bearer = if government { "Government" } else { "Users" };
        root.draw(&Text::new(
            bearer,
            (px - 12, py),
            text_style(22, &BLACK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(())
}

pub(super) fn npsv<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let area = header(root, data, "Net present social value by option")?;
    let (lo, hi) = axis_range(
        data.options
            .iter()
            .flat_map(|o| o.npsv_cdf.iter().map(|p| p.0)),
        true,
    );
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .x_label_area_size(90)
        .y_label_area_size(110)
        .margin_right(60)
        .build_cartesian_2d(lo..hi, 0f64..1f64)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 8);
    mesh(&mut chart, |m| {
        m.x_labels(8)
            .y_labels(6)
            .x_label_formatter(&axis)
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .x_desc(format!(
                "NPSV (£, {} prices, discounted to {})",
                data.price_base_year, data.first_year
            ))
            .y_desc("Chance NPSV is at most this");
    })?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (0.0, 1.0)],
            10,
            8,
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
    for (i, option) in data.options.iter().enumerate() {
        let colour = SERIES[i % SERIES.len()];
        let mut points = vec![(lo, 0.0)];
        if let Some(first) = option.npsv_cdf.first() {
            points.push((first.0, 0.0));
        }
        points.extend(option.npsv_cdf.iter().copied());
        if let Some(last) = option.npsv_cdf.last() {
            points.push((last.0, 1.0));
        }
        points.push((hi, 1.0));
        let label = format!(
            "{} (chance NPSV > 0: {})",
            option.name,
            chance(option.p_positive)
        );
        let lines = wrap(&label, 80);
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(4)))
            .map_err(err)?
            .label(lines[0].clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 28, y)], colour.stroke_width(4))
            });
        continuation(&mut chart, &lines[1..])?;
        let marks = [
            (option.npsv.p10, 0.1),
            (option.npsv.central, 0.5),
            (option.npsv.p90, 0.9),
        ];
        chart
            .draw_series(
                marks
                    .iter()
                    .map(|&(x, p)| Circle::new((x, p), 8, colour.filled())),
            )
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 24)?;
    let note = "Dots mark P10, P50 and P90; the dashed line is NPSV = 0";
    root.draw(&Text::new(
        note,
        (40, SIZE.1 as i32 - 30),
        text_style(20, &GREY),
    ))
    .map_err(err)?;
    Ok(())
}

pub(super) fn over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let lower = header(root, data, "Net benefit over time, by option")?;
    let n = data.options.len();
    let columns = if n <= 1 { 1 } else { 2 };
    let rows = n.div_ceil(columns);
    let panels = lower.split_evenly((rows, columns));
    // One shared y scale, so options can be compared by eye.
    let values = data
        .options
        .iter()
        .flat_map(|o| o.net_by_year.iter().flat_map(|(_, r)| [r.p10, r.p90]));
    let (lo, hi) = axis_range(values, true);
    // Room below for the legend.
    let lo = lo - (hi - lo) * 0.3;
    // The cumulative discounted total has its own axis on the right, scaled so that both
    // zeros fall on one line.
    let (cumulative_lo, cumulative_hi) = axis_range(
        data.options
            .iter()
            .flat_map(|o| o.cumulative_discounted.iter().map(|c| c.1)),
        true,
    );
    let scale = (cumulative_hi / hi)
        .max(cumulative_lo / lo)
        .max(f64::MIN_POSITIVE);
    let years = data.options.first().map_or(1, |o| o.net_by_year.len()) as i32;
    let (x0, x1) = (
        data.first_year as f64 - 0.5,
        (data.first_year + years) as f64 - 0.5,
    );
    let small = n > 2;
    for (option, panel) in data.options.iter().zip(panels.iter()) {
        // The option's name above its panel, wrapped onto a second line if long.
        let (width, size) = (
            if columns == 1 { 90 } else { 48 },
            if small { 24 } else { 28 },
        );
        // Every panel keeps room for the longest name, so the panels line up.
        let lines = data
            .options
            .iter()
            .map(|o| wrap(&o.name, width).len())
            .max()
            .unwrap_or(1) as u32;
        let (caption, panel) = panel.split_vertically(16 + lines * (size * 5 / 4));
        let (panel_width, _) = caption.dim_in_pixel();
        let centred = text_style(size, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        draw_wrapped(
            &caption,
            &option.name,
            width,
            (panel_width as i32 / 2, 12),
            &centred,
        )?;
        let mut chart = ChartBuilder::on(&panel)
            .margin(16)
            .x_label_area_size(if small { 50 } else { 70 })
            .y_label_area_size(100)
            .right_y_label_area_size(100)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(err)?
            .set_secondary_coord(x0..x1, lo * scale..hi * scale);
        let axis = money_axis(lo, hi, 6);
        let right_axis = money_axis(lo * scale, hi * scale, 6);
        mesh(&mut chart, |m| {
            m.x_labels((years as usize).min(if columns == 1 { 12 } else { 6 }))
                .y_labels(6)
                .x_label_formatter(&|x| format!("{:.0}", x))
                .y_label_formatter(&axis)
                .y_desc(format!(
                    "Net benefit, £ a year, {} prices",
                    data.price_base_year
                ))
                .label_style(text_style(20, &BLACK))
                .axis_desc_style(text_style(22, &BLACK));
        })?;
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&right_axis)
            .y_desc(format!(
                "Cumulative discounted net benefit, £, {} prices",
                data.price_base_year
            ))
            .label_style(text_style(20, &VERMILLION))
            .axis_desc_style(text_style(22, &VERMILLION))
            .draw()
            .map_err(err)?;
        let band: Vec<(f64, f64)> = option
            .net_by_year
            .iter()
            .map(|(y, r)| (*y as f64, r.p90))
            .chain(
                option
                    .net_by_year
                    .iter()
                    .rev()
                    .map(|(y, r)| (*y as f64, r.p10)),
            )
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, SKY.mix(0.35).filled())))
            .map_err(err)?
            .label("Net benefit, P10–P90")
            .legend(|(x, y)| Rectangle::new([(x, y - 8), (x + 22, y + 8)], SKY.mix(0.35).filled()));
        let median: Vec<(f64, f64)> = option
            .net_by_year
            .iter()
            .map(|(y, r)| (*y as f64, r.central))
            .collect();
        chart
            .draw_series(LineSeries::new(median, BLUE.stroke_width(3)))
            .map_err(err)?
            .label("Net benefit, median")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], BLUE.stroke_width(3)));
        let cumulative: Vec<(f64, f64)> = option
            .cumulative_discounted
            .iter()
            .map(|(y, v)| (*y as f64, *v))
            .collect();
        chart
            .draw_secondary_series(LineSeries::new(cumulative, VERMILLION.stroke_width(3)))
            .map_err(err)?
            .label("Cumulative discounted net benefit (mean; right-hand axis)")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], VERMILLION.stroke_width(3))
            });
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, 0.0), (x1, 0.0)],
                8,
                6,
                GREY.stroke_width(1),
            ))
            .map_err(err)?;
        // Payback as every output states it: the median over all iterations, with the share
        // that pays back; no line when fewer than half do.
        let words = format!("payback: {}", option.payback.summary());
        let at = match option.payback.central {
            Some(year) => {
                let x = f64::from(year);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(x, lo), (x, hi)],
                        8,
                        6,
                        GREEN.stroke_width(2),
                    ))
                    .map_err(err)?;
                x
            }
            None => x0,
        };
        // The words run to the right of the line in the chart's left half, to its left after.
        let (dx, side) = if at - x0 <= (x1 - x0) / 2.0 {
            (6, HPos::Left)
        } else {
            (-6, HPos::Right)
        };
        let label = EmptyElement::at((at, hi))
            + Text::new(
                words,
                (dx, 14),
                text_style(20, &GREEN).pos(Pos::new(side, VPos::Top)),
            );
        chart.draw_series(std::iter::once(label)).map_err(err)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font(text_style(if small { 16 } else { 19 }, &BLACK))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}

pub(super) fn costs_benefits<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let area = header(root, data, "Present value of costs and benefits, by option")?;
    let n = data.options.len();
    let (lo, hi) = axis_range(
        data.options.iter().flat_map(|o| {
            o.present_values
                .iter()
                .flat_map(|r| [r.p10, r.p90, r.central])
        }),
        true,
    );
    // Head room for the legend above the tallest whisker.
    let hi = hi + (hi - lo) * 0.45;
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .x_label_area_size(110)
        .y_label_area_size(120)
        .build_cartesian_2d(0f64..n as f64, lo..hi)
        .map_err(err)?;
    let axis = money_axis(lo, hi, 8);
    mesh(&mut chart, |m| {
        m.disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&axis)
            .y_desc(format!(
                "Present value (£, {} prices); means with P10–P90",
                data.price_base_year
            ));
    })?;
    // The costs bar is stacked from its parts; the benefits bars are one colour each.
    let cost_colours = [VERMILLION.mix(1.0), VERMILLION.mix(0.5), PURPLE.mix(1.0)];
    let cost_names = [
        "PV costs: capital",
        "PV costs: optimism bias on capital",
        "PV costs: running",
    ];
    for (name, colour) in cost_names.iter().zip(cost_colours) {
        swatch(&mut chart, name, colour)?;
    }
    let colours = [VERMILLION, SKY, GREEN];
    for (k, name) in ["PV benefits to users", "PV benefits to government"]
        .iter()
        .enumerate()
    {
        swatch(&mut chart, name, colours[k + 1])?;
    }
    let name_length = (110 / n.max(1)).clamp(14, 60);
    for (i, option) in data.options.iter().enumerate() {
        for (k, r) in option.present_values.iter().enumerate() {
            let left = i as f64 + 0.12 + k as f64 * 0.26;
            let right = left + 0.22;
            let mid = (left + right) / 2.0;
            if k == 0 {
                let mut bottom = 0.0;
                for (part, colour) in option.cost_parts.iter().zip(cost_colours) {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(left, bottom), (right, bottom + part)],
                            colour.filled(),
                        )))
                        .map_err(err)?;
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
            whisker(&mut chart, (mid, r.p10), (mid, r.p90), (0.04, 0.0))?;
        }
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, lo));
        let style = text_style(22, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        draw_wrapped(root, &option.name, name_length, (px, py + 16), &style)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n as f64, 0.0)],
            BLACK.stroke_width(1),
        )))
        .map_err(err)?;
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(())
}

pub(super) fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    tornado: &crate::sensitivity::Tornado,
) -> std::result::Result<(), String> {
    let is_cost = tornado.output == crate::sensitivity::COST_OUTPUT;
    let what = if is_cost {
        "What drives the annual cost of disjointedness".to_string()
    } else {
        format!("What drives the NPSV of {}", tornado.title)
    };
    let area = header(root, data, &what)?;
    let n = tornado.drivers.len().max(1);
    let values = tornado
        .drivers
        .iter()
        .flat_map(|d| [d.mean_when_low, d.mean_when_high])
        .chain([tornado.mean]);
    let (lo, hi) = axis_range(values, false);
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .x_label_area_size(90)
        .y_label_area_size(560)
        .margin_right(60)
        // A spare row at the bottom keeps the legend clear of the bars.
        .build_cartesian_2d(lo..hi, -1.3f64..n as f64)
        .map_err(err)?;
    let measure = if is_cost { "annual cost" } else { "NPSV" };
    let axis = money_axis(lo, hi, 8);
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&axis)
            .x_desc(format!(
                "Mean {measure} (£, {} prices) when the input is low or high",
                data.price_base_year
            ));
    })?;
    let low = ("Input at or below its P10", SKY);
    let high = ("Input at or above its P90", VERMILLION);
    for (label, colour) in [low, high] {
        swatch(&mut chart, label, colour)?;
    }
    for (i, d) in tornado.drivers.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (y0, y1) = (y + 0.18, y + 0.82);
        for (value, colour) in [(d.mean_when_low, low.1), (d.mean_when_high, high.1)] {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(tornado.mean, y0), (value, y1)],
                    colour.filled(),
                )))
                .map_err(err)?;
        }
        let (px, py) = chart.backend_coord(&(lo, y + 0.5));
        let label = format!(
            "{} (ρ = {})",
            d.input,
            format!("{:.2}", d.spearman).replace('-', "−")
        );
        let style = text_style(22, &BLACK).pos(Pos::new(HPos::Right, VPos::Center));
        draw_wrapped(root, &label, 46, (px - 12, py), &style)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(tornado.mean, 0.0), (tornado.mean, n as f64)],
            BLACK.stroke_width(2),
        )))
        .map_err(err)?;
    if lo < 0.0 && hi > 0.0 {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, -1.3), (0.0, n as f64)],
                10,
                8,
                GREY.stroke_width(2),
            ))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 22)?;
    Ok(())
}
