//! Charts for the economic case, as PNG and SVG, drawn with plotters and an embedded font so
//! they render the same on a machine with no fonts installed.
//!
//! Each chart is built in two steps: [`ChartData`] gathers the series from the results (and is
//! what the tests snapshot), then a drawing function in `draw` renders it onto any plotters
//! backend, so the PNG and the SVG are the same picture. Both are rendered in memory.

pub mod cash_chart;
mod channel_chart;
mod draw;
mod fit_chart;
mod fixed_chart;
mod layout;
mod npsv_chart;
mod style;
mod time_chart;
mod voi_chart;

pub use fit_chart::fit_charts;

pub use voi_chart::{data as voi_data, VoiBar, VoiChart};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::disk::Artefact;
use crate::error::{Error, Result};
use crate::outputs::{Bearer, Component, Metric, Scope, TransactionMetric, YearlyMetric};
use crate::results::Results;
use crate::sensitivity::Tornado;

/// The width of every chart in pixels, and the least height: placed 16 cm wide across an A4
/// page, its words are 9 pt. A chart with more to show is taller, never smaller in type.
pub const SIZE: (u32, u32) = (1600, 900);

/// The file stems of the charts, in the order the economic case discusses them.
pub const COSTS: &str = "cost-by-department";
pub const NPSV_CURVES: &str = "npsv-by-option";
pub const NPSV_HISTOGRAM: &str = "npsv-histogram";
pub const OVER_TIME: &str = "benefits-over-time";
pub const COSTS_BENEFITS: &str = "costs-and-benefits";
pub const CHANNELS: &str = "contacts-and-cost-by-channel";
pub const FIXED: &str = "fixed-assumptions";
pub const VOI: &str = "value-of-information";
pub const CASH: &str = "net-cash-by-year";

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
    /// The mean NPSV.
    pub mean: f64,
    pub p_positive: f64,
    /// Per calendar year: the net benefit's median and P10–P90.
    pub net_by_year: Vec<(i32, Range)>,
    /// Per calendar year: cumulative discounted net benefit (mean).
    pub cumulative_discounted: Vec<(i32, f64)>,
    /// When it pays back, as every output states it.
    pub payback: crate::appraisal::Payback,
    /// PV costs, PV benefits to users, PV benefits to government (mean, P10–P90).
    pub present_values: [Range; 3],
    /// The mean PV costs in their parts: capital, optimism bias on it, running costs.
    pub cost_parts: [f64; 3],
}

/// Everything the charts show, gathered from the results.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChartData {
    pub scenario: String,
    pub price_base_year: i32,
    pub first_year: i32,
    /// What each pair of cost bars is: `department`, or `journey` in a portfolio.
    pub costs_by: String,
    pub costs: Vec<CostBar>,
    pub options: Vec<OptionSeries>,
    /// Tornado sensitivity, top drivers only.
    pub tornadoes: Vec<crate::sensitivity::Tornado>,
    /// Contacts and cost by channel, where the scenario has channels.
    pub channels: Option<ChannelChart>,
    /// Each option's mean NPSV across each fixed assumption's range.
    pub fixed: Vec<crate::fixed::Curves>,
    /// What perfect information would be worth, where research could change the decision.
    pub voi: Option<VoiChart>,
    /// Net cash by financial year and organisation, where there are options.
    pub cash: Option<cash_chart::CashChart>,
    /// The scenario file's own figures, drawn beside these on the live page after an edit.
    #[serde(skip)]
    pub file: Option<Box<ChartData>>,
}

/// Contacts and government cost a year by channel, over every department, in business as
/// usual and with each option in full effect (docs/method.md §2a).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChannelChart {
    /// "Business as usual", then each option's name (each option in full effect).
    pub cases: Vec<String>,
    pub channels: Vec<ChannelBars>,
}

/// One channel's bars: per case, contacts a year and government cost a year (mean, P10–P90).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChannelBars {
    pub channel: String,
    pub contacts: Vec<Range>,
    pub cost: Vec<Range>,
}

impl ChartData {
    /// Gathers the series from the results.
    pub fn new(r: &Results) -> ChartData {
        let m = r.model();
        // Departments in the scenario's order, as the tables beside the chart list them; a
        // portfolio's journeys, whose departments its tables list.
        let scopes: Vec<(Scope, String)> = if m.is_portfolio() {
            m.journeys()
                .iter()
                .enumerate()
                .map(|(j, journey)| (Scope::Journey(j), journey.name.clone()))
                .collect()
        } else {
            (0..m.departments().len())
                .map(|d| (Scope::Department(d), m.departments()[d].short_name.clone()))
                .collect()
        };
        let mut costs = Vec::new();
        for (scope, name) in scopes {
            for bearer in [Bearer::Users, Bearer::Government] {
                let total = r.cost(scope, Component::Disjointed, bearer);
                costs.push(CostBar {
                    department: name.clone(),
                    bearer: bearer.name().into(),
                    components: [Component::Repetition, Component::Failure, Component::Stuck]
                        .map(|c| r.cost(scope, c, bearer).mean),
                    disjointed: Range {
                        central: total.mean,
                        p10: total.p10,
                        p90: total.p90,
                    },
                    value_demand: r.cost(scope, Component::Value, bearer).mean,
                });
            }
        }
        let options = (0..m.options().len())
            .map(|o| option_series(r, o))
            .collect();
        ChartData {
            costs_by: if m.is_portfolio() {
                "journey"
            } else {
                "department"
            }
            .into(),
            channels: channel_chart(r),
            fixed: r.fixed_curves().to_vec(),
            voi: voi_chart::data(r),
            cash: cash_chart::data(r),
            file: None,
            scenario: m.settings().name.clone(),
            price_base_year: m.settings().price_base_year,
            first_year: m.settings().first_year,
            costs,
            options,
            tornadoes: r
                .tornadoes()
                .iter()
                .map(|t| Tornado {
                    // Bars are labelled as a reader names the input, not by its key path.
                    drivers: t
                        .drivers
                        .iter()
                        .take(TORNADO_BARS)
                        .map(|d| crate::sensitivity::Driver {
                            input: m.label_within(&d.input, &t.title),
                            ..d.clone()
                        })
                        .collect(),
                    ..t.clone()
                })
                .collect(),
        }
    }
}

/// Contacts and cost by channel in total, for BAU and each option in full effect; `None`
/// when no department has channels.
fn channel_chart(r: &Results) -> Option<ChannelChart> {
    if r.channel_ids().is_empty() {
        return None;
    }
    let options = r.model().options();
    let cases: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..options.len()).map(Some))
        .collect();
    let figure = |metric| {
        cases
            .iter()
            .map(|&case| range(r.transaction(case, Scope::Total, metric), |s| s.mean))
            .collect()
    };
    let channels = (0..r.channel_ids().len())
        .map(|c| ChannelBars {
            channel: r.channel_ids()[c].clone(),
            contacts: figure(TransactionMetric::ChannelContacts(c)),
            cost: figure(TransactionMetric::ChannelCost(c)),
        })
        .collect();
    Some(ChannelChart {
        cases: std::iter::once("Business as usual".to_string())
            .chain(options.iter().map(|o| o.name.clone()))
            .collect(),
        channels,
    })
}

/// A central value (chosen by `central`) with its P10–P90, or zeros where the figure is
/// undefined.
fn range(
    stats: Option<crate::outputs::Stats>,
    central: fn(&crate::outputs::Stats) -> f64,
) -> Range {
    stats.map_or(
        Range {
            central: 0.0,
            p10: 0.0,
            p90: 0.0,
        },
        |s| Range {
            central: central(&s),
            p10: s.p10,
            p90: s.p90,
        },
    )
}

/// The median with its P10–P90: the centre of a fan or a distribution curve.
fn median_range(stats: Option<crate::outputs::Stats>) -> Range {
    range(stats, |s| s.p50)
}

fn option_series(r: &Results, o: usize) -> OptionSeries {
    let m = r.model();
    let ps: Vec<f64> = (0..=200)
        .map(|i| (i as f64 / 200.0).clamp(0.0005, 0.9995))
        .collect();
    let npsv_cdf = r
        .appraisal_quantiles(o, Metric::Npsv, &ps)
        .map(|xs| xs.into_iter().zip(ps).collect())
        .unwrap_or_default();
    let npsv = r.appraisal(o, Metric::Npsv);
    let mut cumulative = 0.0;
    let mut cumulative_discounted = Vec::new();
    let mut net_by_year = Vec::new();
    for y in 0..m.settings().years {
        let year = m.calendar_year(y);
        net_by_year.push((
            year,
            median_range(Some(r.yearly(Some(o), y, YearlyMetric::Net))),
        ));
        cumulative += r.yearly(Some(o), y, YearlyMetric::DiscountedNet).mean;
        cumulative_discounted.push((year, cumulative));
    }
    OptionSeries {
        name: m.options()[o].name.clone(),
        npsv_cdf,
        npsv: median_range(npsv),
        mean: npsv.map_or(0.0, |s| s.mean),
        p_positive: npsv.map_or(0.0, |s| s.p_positive),
        net_by_year,
        cumulative_discounted,
        payback: r.payback(o),
        present_values: [
            Metric::PvCosts,
            Metric::PvBenefitsUsers,
            Metric::PvBenefitsGovernment,
        ]
        // Bars of present values show the expected value, as the options table does.
        .map(|metric| range(r.appraisal(o, metric), |s| s.mean)),
        cost_parts: [Metric::PvCapital, Metric::PvOptimismBias, Metric::PvRunning]
            .map(|metric| r.appraisal(o, metric).map_or(0.0, |s| s.mean)),
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

/// Stand-ins for a chart's data where a run has none (that chart is then not drawn).
const EMPTY: ChannelChart = ChannelChart {
    cases: Vec::new(),
    channels: Vec::new(),
};
/// No financial view: a chart drawn without options is empty.
const NO_CASH: cash_chart::CashChart = cash_chart::CashChart {
    years: Vec::new(),
    organisations: Vec::new(),
    panels: Vec::new(),
};

const NO_VOI: VoiChart = VoiChart {
    evpi: 0.0,
    bars: Vec::new(),
};

/// The charts, for dispatch to one generic drawing function per backend.
#[derive(Debug, Clone, Copy)]
enum Chart {
    Costs,
    Npsv,
    Histogram,
    OverTime,
    CostsBenefits,
    Channels,
    Fixed,
    Voi,
    Cash,
    Tornado(usize),
}

impl Chart {
    fn stem(self, data: &ChartData) -> String {
        match self {
            Chart::Costs => COSTS.into(),
            Chart::Npsv => NPSV_CURVES.into(),
            Chart::Histogram => NPSV_HISTOGRAM.into(),
            Chart::OverTime => OVER_TIME.into(),
            Chart::CostsBenefits => COSTS_BENEFITS.into(),
            Chart::Channels => CHANNELS.into(),
            Chart::Fixed => FIXED.into(),
            Chart::Voi => VOI.into(),
            Chart::Cash => CASH.into(),
            Chart::Tornado(i) => tornado_stem(&data.tornadoes[i].output),
        }
    }

    /// The chart's title, body and key, from which its size follows.
    fn frame(self, data: &ChartData) -> layout::Frame {
        match self {
            Chart::Costs => draw::costs_frame(data),
            Chart::Npsv => npsv_chart::cdf_frame(data),
            Chart::Histogram => npsv_chart::histogram_frame(data),
            Chart::OverTime => time_chart::frame(data),
            Chart::CostsBenefits => draw::costs_benefits_frame(data),
            Chart::Channels => channel_chart::frame(data.channels.as_ref().unwrap_or(&EMPTY)),
            Chart::Fixed => fixed_chart::frame(data),
            Chart::Voi => voi_chart::frame(data.voi.as_ref().unwrap_or(&NO_VOI)),
            Chart::Cash => cash_chart::frame(data.cash.as_ref().unwrap_or(&NO_CASH)),
            Chart::Tornado(i) => draw::tornado_frame(&data.tornadoes[i]),
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ChartData,
    ) -> std::result::Result<(), String> {
        let area = self.frame(data).draw(root, data)?;
        match self {
            Chart::Costs => draw::costs(root, &area, data),
            Chart::Npsv => npsv_chart::cdf(&area, data),
            Chart::Histogram => npsv_chart::histogram(root, &area, data),
            Chart::OverTime => time_chart::draw(&area, data),
            Chart::CostsBenefits => draw::costs_benefits(root, &area, data),
            Chart::Channels => match &data.channels {
                Some(channels) => channel_chart::draw(root, &area, data, channels),
                None => Ok(()),
            },
            Chart::Fixed => fixed_chart::draw(&area, data),
            Chart::Voi => match &data.voi {
                Some(voi) => voi_chart::draw(root, &area, data, voi),
                None => Ok(()),
            },
            Chart::Cash => match &data.cash {
                Some(cash) => cash_chart::draw(&area, cash),
                None => Ok(()),
            },
            Chart::Tornado(i) => draw::tornado(root, &area, data, &data.tornadoes[i]),
        }?;
        root.present().map_err(style::err)
    }

    /// The chart as SVG text alone (the live page draws these).
    fn svg(self, data: &ChartData) -> Result<String> {
        let mut svg = String::new();
        let size = self.frame(data).size(data);
        self.draw(
            &SVGBackend::with_string(&mut svg, size).into_drawing_area(),
            data,
        )
        .map_err(|problem| Error::Write {
            path: format!("charts/{}.svg", self.stem(data)).into(),
            problem,
        })?;
        Ok(svg)
    }

    /// The chart as PNG and SVG.
    fn render(self, data: &ChartData) -> Result<[Artefact; 2]> {
        let stem = self.stem(data);
        let (png, svg) = style::png_and_svg(&(self, data)).map_err(|problem| Error::Write {
            path: format!("charts/{stem}").into(),
            problem,
        })?;
        Ok([
            Artefact {
                name: format!("charts/{stem}.png"),
                bytes: png,
            },
            Artefact::text(format!("charts/{stem}.svg"), svg),
        ])
    }
}

impl style::Picture for (Chart, &ChartData) {
    fn size(&self) -> (u32, u32) {
        self.0.frame(self.1).size(self.1)
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        self.0.draw(root, self.1)
    }
}

/// The main charts as SVG, for the live page: the cost of disjointedness and, with options,
/// the NPSV curves and costs against benefits; each as (stem, SVG text). Where `data.file`
/// holds the scenario file's figures, each chart marks them beside the edited ones.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn main_svgs(data: &ChartData) -> Result<Vec<(String, String)>> {
    style::register_font();
    let mut charts = vec![Chart::Costs];
    if !data.options.is_empty() {
        charts.extend([Chart::Npsv, Chart::CostsBenefits]);
    }
    charts
        .into_iter()
        .map(|chart| Ok((chart.stem(data), chart.svg(data)?)))
        .collect()
}

/// Every chart of a run, as PNG and SVG.
///
/// # Errors
/// When a chart cannot be drawn or encoded.
pub fn render_all(data: &ChartData) -> Result<Vec<Artefact>> {
    style::register_font();
    let mut charts = vec![Chart::Costs];
    if !data.options.is_empty() {
        charts.extend([
            Chart::Npsv,
            Chart::Histogram,
            Chart::OverTime,
            Chart::CostsBenefits,
        ]);
    }
    if data.channels.is_some() {
        charts.push(Chart::Channels);
    }
    if !data.fixed.is_empty() {
        charts.push(Chart::Fixed);
    }
    if data.voi.is_some() {
        charts.push(Chart::Voi);
    }
    if data.cash.is_some() {
        charts.push(Chart::Cash);
    }
    charts.extend((0..data.tornadoes.len()).map(Chart::Tornado));
    let mut files = Vec::new();
    for chart in charts {
        files.extend(chart.render(data)?);
    }
    Ok(files)
}
