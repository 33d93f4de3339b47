//! What every chart shares: the Okabe–Ito palette, the embedded font, axes, legends, headers
//! and whiskers, so the charts look like one set.

use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::TEXT;
use crate::format::MoneyUnit;

pub(super) const FONT: &str = "sans-serif";

pub(super) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(super) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(super) const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub(super) const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(super) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub(super) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(super) const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Colours for series in order (options on one chart).
pub(super) const SERIES: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY];

pub(super) fn register_font() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // The DejaVu fonts are valid OpenType; a failure would only lose text, not crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Draws `lines` one under another, 1.25 font sizes apart, from `at` with `style`'s anchor
/// (a centred anchor centres the block of lines on `at`).
pub(super) fn draw_wrapped_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    at: (i32, i32),
    style: &TextStyle<'_>,
) -> std::result::Result<(), String> {
    let step = (style.font.get_size() * 1.25) as i32;
    let offset = match style.pos.v_pos {
        plotters::style::text_anchor::VPos::Center => -(lines.len() as i32 - 1) * step / 2,
        _ => 0,
    };
    for (i, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (at.0, at.1 + offset + i as i32 * step),
            style.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// Each panel title wrapped to the chart's width, in the bold face panels are titled in.
pub(super) fn panel_titles<'a>(titles: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let width = super::SIZE.0 as i32 - 2 * super::layout::MARGIN;
    titles
        .map(|t| super::layout::wrap_to(t, TEXT, true, width))
        .collect()
}

/// Panels one under another, each `height(i)` tall with its title's lines (from
/// [`panel_titles`]) in bold at its top; `body` draws panel `i` given its area and the y below
/// its title.
pub(super) fn stacked_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    titles: &[Vec<String>],
    height: impl Fn(usize) -> i32,
    mut body: impl FnMut(usize, &DrawingArea<DB, Shift>, i32) -> std::result::Result<(), String>,
) -> std::result::Result<(), String> {
    let bold = (FONT, TEXT, FontStyle::Bold).into_font().color(&BLACK);
    let mut rest = area.clone();
    for (i, title) in titles.iter().enumerate() {
        let (panel, below) = rest.split_vertically(height(i));
        rest = below;
        let margin = super::layout::MARGIN;
        draw_wrapped_lines(&panel, title, (margin, 8), &bold)?;
        body(i, &panel, 8 + title.len() as i32 * super::layout::LINE)?;
    }
    Ok(())
}

/// A chart with two continuous axes.
pub(super) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the axes every chart shares (readable label sizes, faint major grid lines only), with
/// the chart's own settings from `configure`.
pub(super) fn mesh<'a, 'b, DB: DrawingBackend + 'a>(
    chart: &'b mut Plot<'a, DB>,
    configure: impl FnOnce(&mut MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB>),
) -> std::result::Result<(), String> {
    let mut style = chart.configure_mesh();
    style
        .label_style(text_style(TEXT, &BLACK))
        .axis_desc_style(text_style(TEXT, &BLACK))
        // Longer ticks under the x axis keep its first label clear of the y axis's lowest.
        .set_tick_mark_size(LabelAreaPosition::Bottom, 18)
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12));
    configure(&mut style);
    style.draw().map_err(err)
}

/// A P10–P90 whisker from `from` to `to`, with a cap at each end reaching `cap` either side.
pub(super) fn whisker<'a, DB: DrawingBackend + 'a>(
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

pub(super) fn text_style(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(color)
}

pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A padded axis range that always has some width and includes zero when asked.
pub(super) fn axis_range(values: impl Iterator<Item = f64>, include_zero: bool) -> (f64, f64) {
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

/// The tick labels of a money axis from `low` to `high` with about `ticks` labels: one unit
/// for the whole axis (that of its larger end) and the decimals its step needs, so the ticks
/// read £0, £50m, £100m or £0.5m, £1.0m, £1.5m — never £8.0m beside £12m.
pub(super) fn money_axis(low: f64, high: f64, ticks: usize) -> impl Fn(&f64) -> String {
    let unit = MoneyUnit::of([low, high]);
    let decimals = unit.decimals_for_step((high - low) / ticks.max(1) as f64);
    move |x: &f64| unit.with_decimals(*x, decimals)
}

/// A picture drawn the same way on any backend: a chart, to encode as PNG and as SVG.
pub(super) trait Picture {
    fn size(&self) -> (u32, u32);
    fn paint<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String>;
}

/// `picture` as PNG bytes and SVG text.
pub(super) fn png_and_svg(
    picture: &impl Picture,
) -> std::result::Result<(Vec<u8>, String), String> {
    let size = picture.size();
    let (width, height) = size;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    picture.paint(&BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area())?;
    let mut png = Vec::new();
    image::RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| "the bitmap has the wrong size".to_string())?
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(err)?;
    let mut svg = String::new();
    picture.paint(&SVGBackend::with_string(&mut svg, size).into_drawing_area())?;
    Ok((png, svg))
}

/// A plot's axes in `area` with the margins every chart shares: room for the y labels on the
/// left and the x axis below.
pub(super) fn plot_in<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> std::result::Result<Plot<'a, DB>, String> {
    ChartBuilder::on(area)
        .margin_top(24)
        .margin_left(super::layout::MARGIN as u32)
        .margin_right(40 + super::layout::MARGIN as u32)
        .x_label_area_size(super::layout::X_AXIS)
        .y_label_area_size(200)
        .build_cartesian_2d(x, y)
        .map_err(err)
}
