//! Where a chart's words go. Every chart is placed 16 cm wide in a business case, so every
//! word on it is at least 9 pt there ([`TEXT`]); labels wrap by their measured width, never
//! inside a parenthesis such as "(ρ = 0.13)"; and the key sits below the plot, where it cannot
//! cover a bar or a line. A chart's height follows from its title, its body and its key: a long
//! name or many rows make a taller picture, never smaller type.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{draw_wrapped_lines, err, text_style, FONT, GREY};
use super::{ChartData, SIZE};

/// Text size in plotters' units (an em of `TEXT / 1.24` pixels): 32 px on a 1,600-pixel
/// chart, which is 9.1 pt when the chart is 16 cm wide.
pub(super) const TEXT: u32 = 40;
/// The title's size.
pub(super) const TITLE: u32 = 48;
/// The distance between lines of [`TEXT`].
pub(super) const LINE: i32 = TEXT as i32 * 5 / 4;
/// Room under a plot for its tick labels and the axis's description.
pub(super) const X_AXIS: u32 = 2 * LINE as u32 + 30;
/// The space left and right of everything on a chart.
pub(super) const MARGIN: i32 = 28;

/// The width of `text` in pixels at `size` (bold or not), measured with the chart's font.
pub(super) fn text_width(text: &str, size: u32, bold: bool) -> i32 {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    let font = FontDesc::new(FontFamily::Name(FONT), f64::from(size), style);
    match font.box_size(text) {
        Ok((width, _)) => width as i32,
        // Without the font's metrics, a generous estimate: 0.62 em a character.
        Err(_) => (text.chars().count() as f64 * f64::from(size) / 1.24 * 0.62) as i32,
    }
}

/// Breaks `text` into lines no wider than `width` pixels at `size`, at spaces only and never
/// inside parentheses (a word wider than the width gets a line of its own).
pub(super) fn wrap_to(text: &str, size: u32, bold: bool, width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for unit in units(text) {
        let candidate = if line.is_empty() {
            unit.clone()
        } else {
            format!("{line} {unit}")
        };
        if line.is_empty() || text_width(&candidate, size, bold) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, unit));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The unbreakable pieces of `text`: its words, except that a parenthesis and what it holds
/// stay one piece.
fn units(text: &str) -> Vec<String> {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut units: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for word in flat.split_whitespace() {
        match units.last_mut() {
            Some(last) if depth > 0 => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_string()),
        }
        depth += word.matches('(').count() as i32 - word.matches(')').count() as i32;
        depth = depth.max(0);
    }
    units
}

/// What a key entry shows beside its words.
#[derive(Debug, Clone, Copy)]
pub(super) enum Marker {
    /// A filled box of a colour (possibly a lighter shade).
    Fill(RGBAColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// The lighter shade of each of three colours, side by side.
    Shades([RGBColor; 3]),
    /// A short upright line: a figure marked on a bar.
    Tick(RGBColor),
    /// Words alone: a note on how to read the chart.
    Note,
}

/// A chart's key: entries flowing left to right in rows across the foot of the chart.
#[derive(Debug, Clone, Default)]
pub(super) struct Key {
    entries: Vec<(Marker, String)>,
}

/// Room for an entry's marker and the gap after it.
const MARKER: i32 = 56;
/// The gap between entries on a row.
const GAP: i32 = 44;

impl Key {
    pub(super) fn new() -> Key {
        Key::default()
    }

    pub(super) fn add(mut self, marker: Marker, text: impl Into<String>) -> Key {
        self.entries.push((marker, text.into()));
        self
    }

    /// Adds the entry only when `wanted`.
    pub(super) fn add_if(self, wanted: bool, marker: Marker, text: impl Into<String>) -> Key {
        if wanted {
            self.add(marker, text)
        } else {
            self
        }
    }

    /// The rows of the key, as pieces placed left to right.
    fn rows(&self) -> Vec<Vec<Piece>> {
        let width = SIZE.0 as i32 - 2 * MARGIN;
        let mut rows: Vec<Vec<Piece>> = Vec::new();
        let mut x = width;
        for (marker, text) in &self.entries {
            let indent = if matches!(marker, Marker::Note) {
                0
            } else {
                MARKER
            };
            let needed = indent + text_width(text, TEXT, false);
            if let Some(row) = rows.last_mut().filter(|_| x + needed <= width) {
                row.push(Piece {
                    x,
                    marker: Some(*marker),
                    indent,
                    text: text.clone(),
                });
                x += needed + GAP;
                continue;
            }
            // A new row; an entry wider than the chart wraps onto further rows.
            let lines = wrap_to(text, TEXT, false, width - indent);
            for (k, line) in lines.iter().enumerate() {
                rows.push(vec![Piece {
                    x: 0,
                    marker: (k == 0).then_some(*marker),
                    indent,
                    text: line.clone(),
                }]);
            }
            x = if lines.len() == 1 {
                needed + GAP
            } else {
                width
            };
        }
        rows
    }

    /// The key's height in pixels (nothing when it has no entries).
    pub(super) fn height(&self) -> u32 {
        let rows = self.rows().len() as u32;
        if rows == 0 {
            0
        } else {
            rows * LINE as u32 + 36
        }
    }

    /// Draws the key on `area`, whose top it fills.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> std::result::Result<(), String> {
        for (r, row) in self.rows().iter().enumerate() {
            let y = 24 + r as i32 * LINE + LINE / 2;
            for piece in row {
                let x = MARGIN + piece.x;
                if let Some(marker) = piece.marker {
                    draw_marker(area, marker, (x, y))?;
                }
                let colour = if piece.indent == 0 { GREY } else { BLACK };
                let style = text_style(TEXT, &colour).pos(Pos::new(HPos::Left, VPos::Center));
                area.draw(&Text::new(piece.text.clone(), (x + piece.indent, y), style))
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// A line of a key: where it starts, its marker (none on a wrapped entry's further lines),
/// how far its words sit from its start, and its words.
struct Piece {
    x: i32,
    marker: Option<Marker>,
    indent: i32,
    text: String,
}

fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marker: Marker,
    (x, y): (i32, i32),
) -> std::result::Result<(), String> {
    let span = (x, x + 40);
    match marker {
        Marker::Fill(colour) => area.draw(&Rectangle::new(
            [(span.0, y - 13), (span.1, y + 13)],
            colour.filled(),
        )),
        Marker::Line(colour) => area.draw(&PathElement::new(
            vec![(span.0, y), (span.1, y)],
            colour.stroke_width(5),
        )),
        Marker::Dashed(colour) => {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(x + k * 15, y), (x + k * 15 + 10, y)],
                    colour.stroke_width(4),
                ))
                .map_err(err)?;
            }
            Ok(())
        }
        Marker::Shades(colours) => {
            for (k, colour) in colours.iter().enumerate() {
                let left = x + k as i32 * 14;
                area.draw(&Rectangle::new(
                    [(left, y - 13), (left + 12, y + 13)],
                    colour.mix(0.55).filled(),
                ))
                .map_err(err)?;
            }
            Ok(())
        }
        Marker::Tick(colour) => area.draw(&PathElement::new(
            vec![(x + 20, y - 16), (x + 20, y + 16)],
            colour.stroke_width(5),
        )),
        Marker::Note => Ok(()),
    }
    .map_err(err)
}

/// A chart's frame: its title and the scenario's name above, its body, its key below.
pub(super) struct Frame {
    pub title: String,
    /// The height of the body in pixels.
    pub body: u32,
    pub key: Key,
}

impl Frame {
    fn title_lines(&self) -> Vec<String> {
        wrap_to(&self.title, TITLE, true, SIZE.0 as i32 - 2 * MARGIN)
    }

    fn header_height(&self, subtitle: &str) -> u32 {
        let title = self.title_lines().len() as i32;
        let scenario = subtitle_lines(subtitle).len() as i32;
        (20 + title * TITLE as i32 * 5 / 4 + scenario * LINE + 24) as u32
    }

    /// The chart's size in pixels.
    pub(super) fn size(&self, data: &ChartData) -> (u32, u32) {
        self.size_for(&data.scenario)
    }

    /// The size of a chart whose subtitle is `subtitle` (a run's charts have the scenario's
    /// name there).
    pub(super) fn size_for(&self, subtitle: &str) -> (u32, u32) {
        (
            SIZE.0,
            self.header_height(subtitle) + self.body + self.key.height(),
        )
    }

    /// Draws the title and the key, and returns the area left for the body.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        data: &ChartData,
    ) -> std::result::Result<DrawingArea<DB, Shift>, String> {
        self.draw_for(root, &data.scenario)
    }

    /// As [`Frame::draw`], under `subtitle`.
    pub(super) fn draw_for<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        subtitle: &str,
    ) -> std::result::Result<DrawingArea<DB, Shift>, String> {
        root.fill(&WHITE).map_err(err)?;
        let header = self.header_height(subtitle);
        let (top, rest) = root.split_vertically(header);
        let (body, foot) = rest.split_vertically(self.body);
        let bold = (FONT, TITLE, FontStyle::Bold).into_font().color(&BLACK);
        let title = self.title_lines();
        draw_wrapped_lines(&top, &title, (MARGIN, 20), &bold)?;
        let below = 20 + title.len() as i32 * TITLE as i32 * 5 / 4;
        let grey = text_style(TEXT, &GREY);
        draw_wrapped_lines(&top, &subtitle_lines(subtitle), (MARGIN, below), &grey)?;
        self.key.draw(&foot)?;
        Ok(body)
    }
}

fn subtitle_lines(subtitle: &str) -> Vec<String> {
    wrap_to(subtitle, TEXT, false, SIZE.0 as i32 - 2 * MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parentheses_stay_whole_when_a_label_wraps() {
        super::super::style::register_font();
        let label = "Council: repeat user minutes (tell-us-once) (ρ = 0.20)";
        for width in [200, 400, 600, 900] {
            for line in wrap_to(label, TEXT, false, width) {
                let opens = line.matches('(').count();
                assert_eq!(opens, line.matches(')').count(), "{line:?} at {width}");
            }
        }
        assert_eq!(
            units("a (b c) d (e"),
            ["a", "(b c)", "d", "(e"].map(String::from)
        );
    }

    #[test]
    fn wrapped_lines_fit_their_width() {
        super::super::style::register_font();
        let text = "Cut in stuck rate at Register office, DWP, HMRC, DVLA, Council in tell-us-once";
        let lines = wrap_to(text, TEXT, false, 500);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(text_width(line, TEXT, false) <= 500, "{line:?}");
        }
        assert_eq!(lines.join(" "), text);
    }
}
