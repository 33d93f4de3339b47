//! The two pictures `seams fit` draws of its fits: a Q–Q plot (each fit's quantile at the data's
//! plotting positions against the data's sorted values; a fit that describes the data lies on
//! the diagonal) and the cumulative curves of the best fits over the data's empirical CDF.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{Frame, Key, Marker, X_AXIS};
use super::style::{
    axis_range, err, mesh, plot_in, png_and_svg, register_font, Picture, GREY, SERIES,
};
use crate::disk::Artefact;
use crate::dist::Domain;
use crate::error::{Error, Result};
use crate::fit::Fitted;
use crate::format::four_figures as figure;

/// The height of each chart's plot.
const PLOT: u32 = 900;
/// The most fits drawn (best first): more lines than this cannot be told apart.
const SHOWN: usize = 3;

fn colour(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

fn frame(title: &str, fits: &[Fitted], data_marker: Marker, data_label: &str) -> Frame {
    let key = fits
        .iter()
        .take(SHOWN)
        .enumerate()
        .fold(Key::new().add(data_marker, data_label), |key, (i, f)| {
            key.add(Marker::Line(colour(i)), f.dist.to_string())
        });
    Frame {
        title: title.into(),
        body: 24 + PLOT + X_AXIS,
        key,
    }
}

/// The two charts.
#[derive(Clone, Copy)]
enum Which {
    Qq,
    Cdf,
}

/// `fit-qq` and `fit-cdf` as PNG and SVG, under `subtitle` (what was fitted), for the sorted
/// data and its fits (best first).
///
/// # Errors
/// When a chart cannot be drawn or encoded.
pub fn fit_charts(subtitle: &str, sorted: &[f64], fits: &[Fitted]) -> Result<Vec<Artefact>> {
    register_font();
    let mut out = Vec::new();
    for which in [Which::Qq, Which::Cdf] {
        out.extend(render(which, subtitle, sorted, fits)?);
    }
    Ok(out)
}

impl Which {
    fn stem(self) -> &'static str {
        match self {
            Which::Qq => "fit-qq",
            Which::Cdf => "fit-cdf",
        }
    }

    fn frame(self, fits: &[Fitted]) -> Frame {
        match self {
            Which::Qq => frame(
                "Quantiles of the fits against the data (Q–Q)",
                fits,
                Marker::Dashed(GREY),
                "Dashed: where a fit that matched the data would lie",
            ),
            Which::Cdf => frame(
                "Cumulative share: the data and the fits",
                fits,
                Marker::Line(BLACK),
                "Black steps: the data",
            ),
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        subtitle: &str,
        sorted: &[f64],
        fits: &[Fitted],
    ) -> std::result::Result<(), String> {
        let area = self.frame(fits).draw_for(root, subtitle)?;
        match self {
            Which::Qq => draw_qq(&area, sorted, fits),
            Which::Cdf => draw_cdf(&area, sorted, fits),
        }?;
        root.present().map_err(err)
    }
}

/// A chart as PNG and SVG.
fn render(which: Which, subtitle: &str, sorted: &[f64], fits: &[Fitted]) -> Result<[Artefact; 2]> {
    let stem = which.stem();
    let picture = FitPicture {
        which,
        subtitle,
        sorted,
        fits,
    };
    let (png, svg) = png_and_svg(&picture).map_err(|problem| Error::Write {
        path: format!("{stem}.png").into(),
        problem,
    })?;
    Ok([
        Artefact {
            name: format!("{stem}.png"),
            bytes: png,
        },
        Artefact::text(format!("{stem}.svg"), svg),
    ])
}

/// One of the two charts with what it draws.
struct FitPicture<'a> {
    which: Which,
    subtitle: &'a str,
    sorted: &'a [f64],
    fits: &'a [Fitted],
}

impl Picture for FitPicture<'_> {
    fn size(&self) -> (u32, u32) {
        self.which.frame(self.fits).size_for(self.subtitle)
    }

    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        self.which.draw(root, self.subtitle, self.sorted, self.fits)
    }
}

/// Each fit's quantile at the data's plotting positions (i − ½)/n.
fn fitted_quantiles(fit: &Fitted, n: usize) -> Vec<f64> {
    let Ok(sampler) = fit.dist.sampler(Domain::ANY) else {
        return Vec::new();
    };
    (0..n)
        .map(|i| sampler.quantile((i as f64 + 0.5) / n as f64))
        .collect()
}

fn draw_qq<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sorted: &[f64],
    fits: &[Fitted],
) -> std::result::Result<(), String> {
    let shown: Vec<Vec<f64>> = fits
        .iter()
        .take(SHOWN)
        .map(|f| fitted_quantiles(f, sorted.len()))
        .collect();
    let (lo, hi) = axis_range(sorted.iter().chain(shown.iter().flatten()).copied(), false);
    let mut chart = plot_in(area, lo..hi, lo..hi)?;
    mesh(&mut chart, |m| {
        m.x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| figure(*v))
            .y_label_formatter(&|v| figure(*v))
            .x_desc("The data, sorted")
            .y_desc("The fit's quantile");
    })?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(lo, lo), (hi, hi)],
            10,
            8,
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
    for (i, quantiles) in shown.iter().enumerate() {
        let points = sorted.iter().zip(quantiles).map(|(&x, &q)| (x, q));
        chart
            .draw_series(points.map(|p| Circle::new(p, 5, colour(i).filled())))
            .map_err(err)?;
    }
    Ok(())
}

fn draw_cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sorted: &[f64],
    fits: &[Fitted],
) -> std::result::Result<(), String> {
    let (lo, hi) = axis_range(sorted.iter().copied(), false);
    let mut chart = plot_in(area, lo..hi, 0f64..1f64)?;
    mesh(&mut chart, |m| {
        m.x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| figure(*v))
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .x_desc("Value")
            .y_desc("Share of values ≤ this");
    })?;
    let n = sorted.len() as f64;
    let mut steps = vec![(lo, 0.0)];
    for (i, &x) in sorted.iter().enumerate() {
        steps.push((x, i as f64 / n));
        steps.push((x, (i + 1) as f64 / n));
    }
    steps.push((hi, 1.0));
    chart
        .draw_series(LineSeries::new(steps, BLACK.stroke_width(3)))
        .map_err(err)?;
    for (i, fit) in fits.iter().take(SHOWN).enumerate() {
        let curve = (0..=400).map(|k| {
            let x = lo + (hi - lo) * k as f64 / 400.0;
            (x, fit.dist.cdf(x).unwrap_or(0.0).clamp(0.0, 1.0))
        });
        chart
            .draw_series(LineSeries::new(curve, colour(i).stroke_width(4)))
            .map_err(err)?;
    }
    Ok(())
}
