//! What every chart shares: the Okabe–Ito palette, the embedded font, axes, legends, headers
//! and whiskers, so the charts look like one set.

use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::ChartData;
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

/// Breaks text into lines of at most `width` characters at spaces (a word longer than the
/// width gets a line of its own): long names are wrapped, never cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in flat.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if line.is_empty() {
            line = word.to_string();
        } else if fits {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws text wrapped at `width` characters, its lines 1.25 font sizes apart, at `at` with
/// `style`'s anchor (a centred anchor centres the block of lines on `at`).
pub(super) fn draw_wrapped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    width: usize,
    at: (i32, i32),
    style: &TextStyle<'_>,
) -> std::result::Result<(), String> {
    let lines = wrap(text, width);
    let step = (style.font.get_size() * 1.25) as i32;
    // Lines are centred on `at` vertically when the anchor is the centre.
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
        .label_style(text_style(24, &BLACK))
        .axis_desc_style(text_style(26, &BLACK))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12));
    configure(&mut style);
    style.draw().map_err(err)
}

/// A legend entry with a colour swatch (a full colour or a mixed shade), for bars drawn one
/// by one.
pub(super) fn swatch<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    label: &str,
    colour: impl Color + Copy + 'static,
) -> std::result::Result<(), String> {
    let lines = wrap(label, LEGEND_WIDTH);
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
        .map_err(err)?
        .label(lines[0].clone())
        .legend(move |(x, y)| Rectangle::new([(x, y - 9), (x + 22, y + 9)], colour.filled()));
    continuation(chart, &lines[1..])
}

/// The characters of a legend entry's line: a longer label wraps onto further lines.
pub(super) const LEGEND_WIDTH: usize = 56;

/// The further lines of a wrapped legend entry: entries with no marker, so the label reads on
/// under its swatch instead of being cut.
pub(super) fn continuation<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    lines: &[String],
) -> std::result::Result<(), String> {
    for line in lines {
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
            .map_err(err)?
            .label(line.clone())
            .legend(|(x, y)| EmptyElement::at((x, y)));
    }
    Ok(())
}

/// A legend entry whose swatch shows the lighter shade of each of `colours`, side by side.
pub(super) fn swatch_mixed<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    label: &str,
    colours: [RGBColor; 3],
) -> std::result::Result<(), String> {
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| {
            let third = |k: i32| {
                Rectangle::new(
                    [(x + k * 8, y - 9), (x + k * 8 + 7, y + 9)],
                    colours[k as usize].mix(0.55).filled(),
                )
            };
            EmptyElement::at((0, 0)) + third(0) + third(1) + third(2)
        });
    Ok(())
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

/// Draws the legend of the labelled series.
pub(super) fn legend<'a, DB: DrawingBackend + 'a>(
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

/// Draws the title and, beneath it, the scenario's name; returns the area left for the chart.
pub(super) fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    what: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    // A long title or scenario name takes a second line rather than being cut.
    let title = wrap(what, 80);
    let scenario = wrap(&data.scenario, 110);
    let height = 96 + 44 * (title.len() - 1) as u32 + 30 * (scenario.len() - 1) as u32;
    let (top, rest) = root.split_vertically(height);
    let title_style = (FONT, 36, FontStyle::Bold).into_font().color(&BLACK);
    draw_wrapped(&top, what, 80, (28, 18), &title_style)?;
    let below = 62 + 44 * (title.len() - 1) as i32;
    draw_wrapped(
        &top,
        &data.scenario,
        110,
        (28, below),
        &text_style(24, &GREY),
    )?;
    Ok(rest)
}

/// The tick labels of a money axis from `low` to `high` with about `ticks` labels: one unit
/// for the whole axis (that of its larger end) and the decimals its step needs, so the ticks
/// read £0, £50m, £100m or £0.5m, £1.0m, £1.5m — never £8.0m beside £12m.
pub(super) fn money_axis(low: f64, high: f64, ticks: usize) -> impl Fn(&f64) -> String {
    let unit = MoneyUnit::of([low, high]);
    let decimals = unit.decimals_for_step((high - low) / ticks.max(1) as f64);
    move |x: &f64| unit.with_decimals(*x, decimals)
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_breaks_at_spaces() {
        assert_eq!(
            wrap("Share consignment data between HMRC, Defra and APHA", 30),
            ["Share consignment data between", "HMRC, Defra and APHA"]
        );
        assert_eq!(wrap("short", 30), ["short"]);
        assert_eq!(wrap("", 30), [""]);
        assert_eq!(
            wrap("averyveryverylongword next", 5),
            ["averyveryverylongword", "next"]
        );
    }
}
