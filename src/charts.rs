//! Charts for the economic case, as PNG and SVG, drawn with plotters and an embedded font so
//! they render the same on a machine with no fonts installed.
//!
//! Each chart is built in two steps: [`ChartData`] gathers the series from the results (and is
//! what the tests snapshot), then a drawing function renders it onto any plotters backend, so
//! the PNG and the SVG are the same picture. Colours come from the Okabe–Ito palette, which
//! readers with the common forms of colour blindness can tell apart.

use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::engine::eval::{APPRAISAL_METRICS, BCR, NPSV};
use crate::error::{Error, Result};
use crate::output::Staging;
use crate::report::format::{money, percent};
use crate::report::Report;

/// Pixel size of every chart: legible when placed across an A4 page.
pub const SIZE: (u32, u32) = (1600, 900);
const FONT: &str = "sans-serif";

const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Colours for series in order (options on one chart).
const SERIES: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY];

/// The file stems of the charts, in the order the economic case discusses them.
pub const COSTS: &str = "cost-by-department";
pub const NPSV_CURVES: &str = "npsv-by-option";
pub const OVER_TIME: &str = "benefits-over-time";
pub const COSTS_BENEFITS: &str = "costs-and-benefits";

fn register_font() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // The DejaVu fonts are valid OpenType; a failure would only lose text, not crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Shortens text to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let mut t: String = flat.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A P10–P90 range and a central value.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Range {
    pub central: f64,
    pub p10: f64,
    pub p90: f64,
}

/// One bar of the cost chart: a department's disjointed cost to one bearer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CostBar {
    pub department: String,
    pub bearer: String,
    /// Mean repetition, failure and stuck cost.
    pub components: [f64; 3],
    /// Mean disjointed total with its P10–P90.
    pub disjointed: Range,
    pub value_demand: f64,
}

/// One option's curves.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OptionSeries {
    pub name: String,
    /// (NPSV, cumulative probability) points of its distribution.
    pub npsv_cdf: Vec<(f64, f64)>,
    pub npsv: Range,
    pub p_positive: f64,
    /// Per calendar year: the net benefit's median and P10–P90.
    pub net_by_year: Vec<(i32, Range)>,
    /// Per calendar year: cumulative discounted net benefit (mean).
    pub cumulative_discounted: Vec<(i32, f64)>,
    pub payback_year: Option<i32>,
    /// PV costs, PV benefits to users, PV benefits to government (median, P10–P90).
    pub present_values: [Range; 3],
}

/// Everything the charts show, gathered from the results.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChartData {
    pub scenario: String,
    pub price_base_year: i32,
    pub first_year: i32,
    pub costs: Vec<CostBar>,
    pub options: Vec<OptionSeries>,
    /// Tornado sensitivity, top drivers only.
    pub tornadoes: Vec<crate::sensitivity::Tornado>,
}

impl ChartData {
    /// Gathers the series from a report and its analysis.
    pub fn new(r: &Report, analysis: &crate::report::Analysis) -> ChartData {
        let m = r.model;
        let mut costs = Vec::new();
        let mut order: Vec<usize> = (0..m.departments.len()).collect();
        order.sort_by(|&a, &b| {
            r.cost(Some(b), 4, 2)
                .mean
                .total_cmp(&r.cost(Some(a), 4, 2).mean)
        });
        for d in order {
            for (bearer, name) in [(0, "users"), (1, "government")] {
                let total = r.cost(Some(d), 4, bearer);
                costs.push(CostBar {
                    department: m.departments[d].name.clone(),
                    bearer: name.into(),
                    components: [1, 2, 3].map(|c| r.cost(Some(d), c, bearer).mean),
                    disjointed: Range {
                        central: total.mean,
                        p10: total.p10,
                        p90: total.p90,
                    },
                    value_demand: r.cost(Some(d), 0, bearer).mean,
                });
            }
        }
        let options = (0..m.options.len()).map(|o| option_series(r, o)).collect();
        ChartData {
            scenario: m.settings.name.clone(),
            price_base_year: m.settings.price_base_year,
            first_year: m.settings.first_year,
            costs,
            options,
            tornadoes: analysis
                .tornadoes
                .iter()
                .map(|t| crate::sensitivity::Tornado {
                    drivers: t.drivers.iter().take(TORNADO_BARS).cloned().collect(),
                    ..t.clone()
                })
                .collect(),
        }
    }
}

fn option_series(r: &Report, o: usize) -> OptionSeries {
    let m = r.model;
    let layout = &r.results.layout;
    let sketch = &r.results.sketches[layout.appraisal(o, NPSV)];
    let npsv_cdf = (0..=200)
        .filter_map(|i| {
            let p = (i as f64 / 200.0).clamp(0.0005, 0.9995);
            sketch.quantile(p).map(|x| (x, p))
        })
        .collect();
    let range = |st: Option<crate::engine::Stats>| {
        st.map_or(
            Range {
                central: 0.0,
                p10: 0.0,
                p90: 0.0,
            },
            |s| Range {
                central: s.p50,
                p10: s.p10,
                p90: s.p90,
            },
        )
    };
    let npsv = r.appraisal(o, NPSV);
    let mut cumulative = 0.0;
    let mut payback_year = None;
    let mut was_negative = false;
    let mut cumulative_discounted = Vec::new();
    let mut net_by_year = Vec::new();
    for y in 0..m.settings.years {
        let year = m.calendar_year(y);
        let net = r.yearly(Some(o), y, 5);
        net_by_year.push((
            year,
            Range {
                central: net.p50,
                p10: net.p10,
                p90: net.p90,
            },
        ));
        cumulative += r.yearly(Some(o), y, 6).mean;
        cumulative_discounted.push((year, cumulative));
        if cumulative < 0.0 {
            was_negative = true;
        } else if was_negative && payback_year.is_none() {
            payback_year = Some(year);
        }
    }
    debug_assert_eq!(APPRAISAL_METRICS[BCR], "bcr");
    OptionSeries {
        name: m.options[o].name.clone(),
        npsv_cdf,
        npsv: range(npsv),
        p_positive: npsv.map_or(0.0, |s| s.p_positive),
        net_by_year,
        cumulative_discounted,
        payback_year,
        present_values: [3, 0, 1].map(|metric| range(r.appraisal(o, metric))),
    }
}

/// Inputs shown on a tornado chart.
pub const TORNADO_BARS: usize = 10;

/// The file stem of the tornado chart of an output (`cost_of_disjointedness`, `npsv.ID`),
/// with characters unsafe in file names replaced.
pub fn tornado_stem(output: &str) -> String {
    let safe: String = output
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("tornado-{safe}")
}

/// The charts, for dispatch to one generic drawing function per backend.
#[derive(Debug, Clone, Copy)]
enum Chart {
    Costs,
    Npsv,
    OverTime,
    CostsBenefits,
    Tornado(usize),
}

impl Chart {
    fn stem(self, data: &ChartData) -> String {
        match self {
            Chart::Costs => COSTS.into(),
            Chart::Npsv => NPSV_CURVES.into(),
            Chart::OverTime => OVER_TIME.into(),
            Chart::CostsBenefits => COSTS_BENEFITS.into(),
            Chart::Tornado(i) => tornado_stem(&data.tornadoes[i].output),
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ChartData,
    ) -> std::result::Result<(), String> {
        match self {
            Chart::Costs => draw_costs(root, data),
            Chart::Npsv => draw_npsv(root, data),
            Chart::OverTime => draw_over_time(root, data),
            Chart::CostsBenefits => draw_costs_benefits(root, data),
            Chart::Tornado(i) => draw_tornado(root, data, &data.tornadoes[i]),
        }?;
        root.present().map_err(err)
    }
}

/// Draws every chart into `charts/` of the staging folder, as PNG and SVG.
///
/// # Errors
/// When a chart cannot be drawn or written.
pub fn write_all(staging: &Staging, data: &ChartData) -> Result<Vec<String>> {
    register_font();
    let mut charts = vec![Chart::Costs];
    if !data.options.is_empty() {
        charts.extend([Chart::Npsv, Chart::OverTime, Chart::CostsBenefits]);
    }
    charts.extend((0..data.tornadoes.len()).map(Chart::Tornado));
    let folder = staging.path("charts");
    std::fs::create_dir_all(&folder).map_err(|e| Error::Write {
        path: folder.clone(),
        problem: e.to_string(),
    })?;
    let mut written = Vec::new();
    for chart in charts {
        let stem = chart.stem(data);
        let fail = |e: String| Error::Write {
            path: format!("charts/{stem}").into(),
            problem: e,
        };
        let png = staging.path(&format!("charts/{stem}.png"));
        chart
            .draw(&BitMapBackend::new(&png, SIZE).into_drawing_area(), data)
            .map_err(fail)?;
        let mut svg = String::new();
        chart
            .draw(
                &SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
                data,
            )
            .map_err(fail)?;
        staging.write(&format!("charts/{stem}.svg"), svg.as_bytes())?;
        written.push(stem);
    }
    Ok(written)
}

/// A chart with two continuous axes.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the axes every chart shares (readable label sizes, faint major grid lines only), with
/// the chart's own settings from `configure`.
fn mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    configure: impl FnOnce(&mut MeshStyle<'_, '_, RangedCoordf64, RangedCoordf64, DB>),
) -> std::result::Result<(), String> {
    let mut style = chart.configure_mesh();
    style
        .label_style(text_style(24, &BLACK))
        .axis_desc_style(text_style(26, &BLACK))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12));
    configure(&mut style);
    style.draw().map_err(err)
}

/// A legend entry with a colour swatch, for bars drawn one by one.
fn swatch<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    label: &str,
    colour: RGBColor,
) -> std::result::Result<(), String> {
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 9), (x + 22, y + 9)], colour.filled()));
    Ok(())
}

/// A P10–P90 whisker from `from` to `to`, with a cap at each end reaching `cap` either side.
fn whisker<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    from: (f64, f64),
    to: (f64, f64),
    cap: (f64, f64),
) -> std::result::Result<(), String> {
    let line = |a: (f64, f64), b: (f64, f64)| PathElement::new(vec![a, b], BLACK.stroke_width(2));
    let caps = [from, to].map(|(x, y)| line((x - cap.0, y - cap.1), (x + cap.0, y + cap.1)));
    chart
        .draw_series(std::iter::once(line(from, to)).chain(caps))
        .map_err(err)?;
    Ok(())
}

/// Draws the legend of the labelled series.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    position: SeriesLabelPosition,
    size: u32,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(text_style(size, &BLACK))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(err)
}

fn text_style(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(color)
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A padded axis range that always has some width and includes zero when asked.
fn axis_range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let span = (hi - lo).max(hi.abs().max(lo.abs()) * 0.1).max(1.0);
    (lo - span * 0.06, hi + span * 0.06)
}

/// Draws the title and, beneath it, the scenario's name; returns the area left for the chart.
fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    what: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (top, rest) = root.split_vertically(96);
    top.draw(&Text::new(
        shorten(what, 80),
        (28, 18),
        (FONT, 36, FontStyle::Bold).into_font().color(&BLACK),
    ))
    .map_err(err)?;
    top.draw(&Text::new(
        shorten(&data.scenario, 110),
        (28, 62),
        text_style(24, &GREY),
    ))
    .map_err(err)?;
    Ok(rest)
}

fn money_axis(x: &f64) -> String {
    money(*x)
}

fn draw_costs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let area = header(
        root,
        data,
        &format!(
            "Annual cost of disjointedness in {}, by department",
            data.first_year
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
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&money_axis)
            .x_desc(format!(
                "Cost a year (£, {} prices); whiskers show P10–P90",
                data.price_base_year
            ));
    })?;
    let colours = [BLUE, ORANGE, PURPLE];
    for (i, name) in ["Repetition", "Failure demand", "Stuck"].iter().enumerate() {
        swatch(&mut chart, name, colours[i])?;
    }
    let label_font = text_style(22, &BLACK);
    let value_font = text_style(20, &GREY);
    for (i, bar) in data.costs.iter().enumerate() {
        let department = i / 2;
        let government = i % 2 == 1;
        let top = height - pad - department as f64 * per_department;
        let y_mid = top - if government { 2.55 } else { 1.55 };
        let (y0, y1) = (y_mid - 0.42, y_mid + 0.42);
        if !government {
            let name = EmptyElement::at((0.0, top - 0.55))
                + Text::new(
                    shorten(&bar.department, 90),
                    (2, 0),
                    text_style(24, &BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
                );
            chart.draw_series(std::iter::once(name)).map_err(err)?;
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
    legend(&mut chart, SeriesLabelPosition::LowerRight, 22)?;
    Ok(())
}

fn draw_npsv<DB: DrawingBackend>(
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
    mesh(&mut chart, |m| {
        m.x_labels(8)
            .y_labels(6)
            .x_label_formatter(&money_axis)
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
            shorten(&option.name, 48),
            percent(option.p_positive)
        );
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(4)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 28, y)], colour.stroke_width(4))
            });
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

fn draw_over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> std::result::Result<(), String> {
    let lower = header(root, data, "Net benefit over time, by option")?;
    let n = data.options.len();
    let columns = if n <= 1 { 1 } else { 2 };
    let rows = n.div_ceil(columns);
    let panels = lower.split_evenly((rows, columns));
    // One shared y scale, so options can be compared by eye.
    let values = data.options.iter().flat_map(|o| {
        o.net_by_year
            .iter()
            .flat_map(|(_, r)| [r.p10, r.p90])
            .chain(o.cumulative_discounted.iter().map(|c| c.1))
    });
    let (lo, hi) = axis_range(values, true);
    let years = data.options.first().map_or(1, |o| o.net_by_year.len()) as i32;
    let (x0, x1) = (
        data.first_year as f64 - 0.5,
        (data.first_year + years) as f64 - 0.5,
    );
    let small = n > 2;
    for (option, panel) in data.options.iter().zip(panels.iter()) {
        let mut chart = ChartBuilder::on(panel)
            .caption(
                shorten(&option.name, if columns == 1 { 90 } else { 48 }),
                text_style(if small { 24 } else { 28 }, &BLACK),
            )
            .margin(16)
            .x_label_area_size(if small { 50 } else { 70 })
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(err)?;
        mesh(&mut chart, |m| {
            m.x_labels((years as usize).min(if columns == 1 { 12 } else { 6 }))
                .y_labels(6)
                .x_label_formatter(&|x| format!("{:.0}", x))
                .y_label_formatter(&money_axis)
                .y_desc(format!("£ a year, {} prices", data.price_base_year))
                .label_style(text_style(20, &BLACK))
                .axis_desc_style(text_style(22, &BLACK));
        })?;
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
            .draw_series(LineSeries::new(cumulative, VERMILLION.stroke_width(3)))
            .map_err(err)?
            .label("Cumulative discounted net benefit (mean)")
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
        if let Some(year) = option.payback_year {
            let x = year as f64;
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x, lo), (x, hi)],
                    8,
                    6,
                    GREEN.stroke_width(2),
                ))
                .map_err(err)?;
            let label = EmptyElement::at((x, hi))
                + Text::new(
                    format!("pays back in {year}"),
                    (6, 14),
                    text_style(20, &GREEN).pos(Pos::new(HPos::Left, VPos::Top)),
                );
            chart.draw_series(std::iter::once(label)).map_err(err)?;
        }
        legend(
            &mut chart,
            SeriesLabelPosition::LowerRight,
            if small { 16 } else { 19 },
        )?;
    }
    Ok(())
}

fn draw_costs_benefits<DB: DrawingBackend>(
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
    let hi = hi + (hi - lo) * 0.22;
    let mut chart = ChartBuilder::on(&area)
        .margin(24)
        .x_label_area_size(110)
        .y_label_area_size(120)
        .build_cartesian_2d(0f64..n as f64, lo..hi)
        .map_err(err)?;
    mesh(&mut chart, |m| {
        m.disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&money_axis)
            .y_desc(format!(
                "Present value (£, {} prices); medians with P10–P90",
                data.price_base_year
            ));
    })?;
    let names = [
        "PV costs",
        "PV benefits to users",
        "PV benefits to government",
    ];
    let colours = [VERMILLION, SKY, GREEN];
    for (k, name) in names.iter().enumerate() {
        swatch(&mut chart, name, colours[k])?;
    }
    let name_length = (110 / n.max(1)).clamp(14, 60);
    for (i, option) in data.options.iter().enumerate() {
        for (k, r) in option.present_values.iter().enumerate() {
            let left = i as f64 + 0.12 + k as f64 * 0.26;
            let right = left + 0.22;
            let mid = (left + right) / 2.0;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(left, 0.0), (right, r.central)],
                    colours[k].filled(),
                )))
                .map_err(err)?;
            whisker(&mut chart, (mid, r.p10), (mid, r.p90), (0.04, 0.0))?;
        }
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, lo));
        root.draw(&Text::new(
            shorten(&option.name, name_length),
            (px, py + 16),
            text_style(22, &BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
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

fn draw_tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    tornado: &crate::sensitivity::Tornado,
) -> std::result::Result<(), String> {
    let is_cost = tornado.output == crate::sensitivity::COST_OUTPUT;
    let what = if is_cost {
        "What drives the annual cost of disjointedness".to_string()
    } else {
        format!("What drives the NPSV of {}", shorten(&tornado.title, 40))
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
    mesh(&mut chart, |m| {
        m.disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&money_axis)
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
            shorten(&d.input, 44),
            format!("{:.2}", d.spearman).replace('-', "−")
        );
        root.draw(&Text::new(
            label,
            (px - 12, py),
            text_style(22, &BLACK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
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
