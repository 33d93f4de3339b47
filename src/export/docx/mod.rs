//! `economic-case.docx`: the case as a Word document (`../shared/MODEL.md` §9), written with
//! docx-rs. A first page "Summary for decision-makers", then the case as `economic-case.md`
//! states it — the same words and the same tables, rendered from the same typed tables —
//! with Word's own heading styles (so a template's navigation pane and contents work), real
//! tables whose header row repeats on every page and whose figures are right-aligned, and each
//! chart 16 cm wide with a numbered caption. A4, 2 cm margins.

mod blocks;
mod summary;

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts,
    Shading, SpecialIndentType, Style, StyleType, Table, TableCell, TableRow, WidthType,
};

use self::blocks::{spans, Block, TableBlock};
use crate::disk::Artefact;
use crate::error::{Error, Result};
use crate::results::Results;

/// The file a run writes.
pub const NAME: &str = "economic-case.docx";

/// A4 in twentieths of a point, and its margins: 2 cm.
const PAGE: (u32, u32) = (11_906, 16_838);
const MARGIN: i32 = 1_134;
/// A chart's width on the page in EMU (16 cm), its height following the picture's proportions
/// up to 22 cm (a taller picture is made narrower to fit the page).
const CHART_WIDTH_EMU: u64 = 5_760_000;
const CHART_MAX_HEIGHT_EMU: u64 = 7_920_000;
const BODY_FONT: &str = "Arial";
const CODE_FONT: &str = "Courier New";

/// The document, from the results and the case's Markdown; `charts` holds the run's chart
/// files (a chart the Markdown names but the run did not draw is left out, its caption kept).
///
/// # Errors
/// When the package cannot be written.
pub fn render(r: &Results, case_markdown: &str, charts: &[Artefact]) -> Result<Artefact> {
    let mut document = Document::default();
    let mut docx = styled(Docx::new());
    for block in summary::page(r)
        .into_iter()
        .chain(blocks::parse(case_markdown))
    {
        docx = document.add(docx, block, charts);
    }
    let mut package = docx.build();
    package.document = repeat_header_rows(&package.document);
    let mut bytes = std::io::Cursor::new(Vec::new());
    package.pack(&mut bytes).map_err(|e| Error::Write {
        path: NAME.into(),
        problem: e.to_string(),
    })?;
    Ok(Artefact {
        name: NAME.into(),
        bytes: bytes.into_inner(),
    })
}

/// Header rows are marked `cantSplit` (no other row is), and gain `tblHeader` here: docx-rs
/// 0.4 has no builder for it, and Word repeats a row so marked at the top of every page.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(document)
        .replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
        .into_bytes()
}

/// Page size, margins, body font and the styles the document uses, named as Word's built-in
/// ones so a template restyles them.
fn styled(docx: Docx) -> Docx {
    let heading = |level: usize, size: usize| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(size)
            .bold()
            .color("0B0C0C")
            .outline_lvl(level - 1)
            .line_spacing(LineSpacing::new().before(240).after(120))
    };
    docx.page_size(PAGE.0, PAGE.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(BODY_FONT)
                .hi_ansi(BODY_FONT)
                .cs(BODY_FONT),
        )
        .default_size(21)
        .add_style(heading(1, 32))
        .add_style(heading(2, 26))
        .add_style(heading(3, 23))
        .add_style(
            Style::new("Caption", StyleType::Paragraph)
                .name("caption")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(18)
                .italic()
                .line_spacing(LineSpacing::new().after(240)),
        )
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .based_on("Normal")
                .q_format(true)
                .italic()
                .indent(Some(567), None, Some(567), None),
        )
}

/// Numbers the figures as they are added.
#[derive(Default)]
struct Document {
    figures: usize,
}

impl Document {
    fn add(&mut self, docx: Docx, block: Block, charts: &[Artefact]) -> Docx {
        match block {
            Block::Heading(level, text) => docx.add_paragraph(
                runs(Paragraph::new(), &text)
                    .style(&format!("Heading{}", level.min(3)))
                    .keep_next(true),
            ),
            Block::Paragraph(text) => docx.add_paragraph(spaced(runs(Paragraph::new(), &text))),
            Block::Bullet(text) => docx.add_paragraph(spaced(
                runs(
                    Paragraph::new().add_run(Run::new().add_text("•").add_tab()),
                    &text,
                )
                .indent(
                    Some(360),
                    Some(SpecialIndentType::Hanging(360)),
                    None,
                    None,
                ),
            )),
            Block::Quote(text) => docx.add_paragraph(runs(Paragraph::new(), &text).style("Quote")),
            Block::Table(table) => docx
                .add_table(word_table(&fitted(table)))
                .add_paragraph(Paragraph::new()),
            Block::Image { path, alt } => self.figure(docx, &path, &alt, charts),
            Block::PageBreak => {
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
        }
    }

    /// A chart 16 cm wide, kept with its caption: "Figure N: what it shows".
    fn figure(&mut self, docx: Docx, path: &str, alt: &str, charts: &[Artefact]) -> Docx {
        let Some(png) = charts.iter().find(|a| a.name == path) else {
            return docx;
        };
        self.figures += 1;
        let (width, height) = png_size(&png.bytes).unwrap_or(crate::charts::SIZE);
        let tall = CHART_WIDTH_EMU * u64::from(height) / u64::from(width.max(1));
        let high = tall.min(CHART_MAX_HEIGHT_EMU);
        let wide = CHART_WIDTH_EMU * high / tall.max(1);
        let picture = Pic::new_with_dimensions(png.bytes.clone(), width, height)
            .size(wide as u32, high as u32)
            .id(format!("rIdImage{}", self.figures));
        docx.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_image(picture))
                .keep_next(true),
        )
        .add_paragraph(runs(
            Paragraph::new().style("Caption"),
            &format!("Figure {}: {}", self.figures, alt),
        ))
    }
}

/// A PNG's width and height, from its header (the charts are seams' own PNGs; anything else
/// gives `None`).
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let signature = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || &bytes[..8] != signature || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let word =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((word(16), word(20)))
}

fn spaced(paragraph: Paragraph) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().after(120))
}

/// The paragraph with the inline Markdown's spans as runs (control characters dropped: they
/// have no place in a document's XML).
fn runs(mut paragraph: Paragraph, text: &str) -> Paragraph {
    for span in spans(text) {
        let clean: String = span.text.chars().filter(|c| !c.is_control()).collect();
        let mut run = Run::new().add_text(clean);
        if span.bold {
            run = run.bold();
        }
        if span.italic {
            run = run.italic();
        }
        if span.code {
            run = run.fonts(RunFonts::new().ascii(CODE_FONT).hi_ansi(CODE_FONT));
        }
        paragraph = paragraph.add_run(run);
    }
    paragraph
}

/// The text width of the page, in twentieths of a point.
const TEXT_WIDTH: usize = PAGE.0 as usize - 2 * MARGIN as usize;

/// About the width of a character of 9-point Arial, and a cell's padding, in twentieths of a
/// point.
const CHAR_WIDTH: usize = 112;
const CELL_PADDING: usize = 300;

/// Each column's width: first what its longest word needs, up to 16 characters (a figure such
/// as "£0.719m" or "(£1.80m–£4.28m)" never breaks inside), then the rest of the page shared towards what its
/// longest cell needs on one line (a text cell's up to a long phrase), in proportion to the
/// shortfall; any space left over goes in proportion to those needs.
fn column_widths(table: &TableBlock) -> Vec<usize> {
    let least = least_widths(table);
    let right = |i: usize| table.right.get(i).copied().unwrap_or(false);
    let wanted: Vec<usize> = (0..table.header.len())
        .map(|i| {
            let line =
                |c: &String| words(c).iter().sum::<usize>() + words(c).len().saturating_sub(1);
            let longest = body_cells(table, i).map(line).max().unwrap_or(0);
            twips(if right(i) { longest } else { longest.min(36) }).max(least[i])
        })
        .collect();
    share(&least, &wanted, TEXT_WIDTH)
}

/// Each column's least width: what its longest word needs, up to 16 characters (a word longer
/// than that, such as a file name or a key path, breaks anyway).
fn least_widths(table: &TableBlock) -> Vec<usize> {
    (0..table.header.len())
        .map(|i| {
            // The header is bold, so its words are wider: two characters' allowance.
            let header = table
                .header
                .get(i)
                .map_or(0, |h| words(h).into_iter().max().unwrap_or(0) + 2);
            let body = body_cells(table, i)
                .flat_map(|c| words(c))
                .max()
                .unwrap_or(1);
            twips(body.max(header).min(16))
        })
        .collect()
}

/// The lengths in characters of a cell's words, as a line may break between them.
fn words(text: &str) -> Vec<usize> {
    let plain: String = spans(text).iter().map(|s| s.text.as_str()).collect();
    hold_parentheses(&plain)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().count())
        .collect()
}

/// Column `i`'s cells below the header.
fn body_cells(table: &TableBlock, i: usize) -> impl Iterator<Item = &String> {
    table.rows.iter().filter_map(move |row| row.get(i))
}

/// The width of `chars` characters in a cell, with its padding.
fn twips(chars: usize) -> usize {
    chars * CHAR_WIDTH + CELL_PADDING
}

/// `table`, or where its columns cannot fit the page even at their least widths and it has
/// fewer rows than columns (the Options table: nine figures of each option), the same table on
/// its side: each row a column headed by its first cell, each other column a row labelled by
/// its header. Squeezed, its figures and names would break in the middle of words.
fn fitted(table: TableBlock) -> TableBlock {
    let columns = table.header.len();
    let fits = least_widths(&table).iter().sum::<usize>() <= TEXT_WIDTH;
    if fits || table.rows.len() + 1 >= columns {
        return table;
    }
    let cell = |row: &Vec<String>, i: usize| row.get(i).cloned().unwrap_or_default();
    let header: Vec<String> = std::iter::once(cell(&table.header, 0))
        .chain(table.rows.iter().map(|row| cell(row, 0)))
        .collect();
    let rows = (1..columns)
        .map(|i| {
            std::iter::once(cell(&table.header, i))
                .chain(table.rows.iter().map(|row| cell(row, i)))
                .collect()
        })
        .collect();
    let right = (0..header.len()).map(|i| i > 0).collect();
    TableBlock {
        header,
        right,
        rows,
    }
}

/// Widths from `least` towards `wanted` within `total` (see [`column_widths`]).
fn share(least: &[usize], wanted: &[usize], total: usize) -> Vec<usize> {
    let floor: usize = least.iter().sum();
    if floor >= total {
        return least.iter().map(|w| w * total / floor.max(1)).collect();
    }
    let extra = total - floor;
    let shortfall: usize = wanted.iter().zip(least).map(|(w, l)| w - l).sum();
    if shortfall > extra {
        return wanted
            .iter()
            .zip(least)
            .map(|(w, l)| l + (w - l) * extra / shortfall)
            .collect();
    }
    let spare = extra - shortfall;
    let all: usize = wanted.iter().sum::<usize>().max(1);
    wanted.iter().map(|w| w + w * spare / all).collect()
}

/// `text` with the spaces inside each short parenthesis (16 characters or fewer, such as
/// "(NPSV > 0)" or "(ρ = 0.13)") made no-break spaces, so a line never breaks inside one.
fn hold_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let group = &rest[open..];
        match group.find(')') {
            Some(close) if group[..=close].chars().count() <= 16 => {
                out.push_str(&group[..=close].replace(' ', "\u{a0}"));
                rest = &group[close + 1..];
            }
            _ => {
                out.push('(');
                rest = &group[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Word table the width of the page: the header row shaded, bold and repeated on every
/// page, figures right-aligned, text at 9 pt so wide tables fit.
fn word_table(table: &TableBlock) -> Table {
    let widths = column_widths(table);
    let width = |i: usize| widths.get(i).copied().unwrap_or(0);
    let cell = |text: &str, right: bool, header: bool| {
        // A range breaks at its space, never at its dash: word joiners hold "£1.80m–£4.28m",
        // and a minus sign to its figure ("(−£38.1m to −£14.1m)" breaks only at a space); a
        // short parenthesis such as "(NPSV > 0)" stays on one line.
        let text = if right {
            hold_parentheses(text)
                .replace('–', "\u{2060}–\u{2060}")
                .replace('−', "−\u{2060}")
        } else {
            hold_parentheses(text)
        };
        let mut paragraph = runs(Paragraph::new().size(18), &text).size(18);
        if right {
            paragraph = paragraph.align(AlignmentType::Right);
        }
        if header {
            paragraph = paragraph.bold();
        }
        let cell = TableCell::new().add_paragraph(paragraph);
        if header {
            cell.shading(Shading::new().fill("D9D9D9"))
        } else {
            cell
        }
    };
    let right = |i: usize| table.right.get(i).copied().unwrap_or(false);
    let header = TableRow::new(
        table
            .header
            .iter()
            .enumerate()
            .map(|(i, h)| cell(h, right(i), true).width(width(i), WidthType::Dxa))
            .collect(),
    )
    .cant_split();
    let rows = table.rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .enumerate()
                .map(|(i, c)| cell(c, right(i), false).width(width(i), WidthType::Dxa))
                .collect(),
        )
    });
    Table::new(std::iter::once(header).chain(rows).collect())
        .set_grid(widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> TableBlock {
        let text = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect();
        TableBlock {
            header: text(header),
            right: (0..header.len()).map(|i| i > 0).collect(),
            rows: rows.iter().map(|r| text(r)).collect(),
        }
    }

    /// A table whose columns cannot fit the page even at their least widths, with fewer rows
    /// than columns, is set on its side; one that fits, or a long one, is left as it is.
    #[test]
    fn a_table_too_wide_for_the_page_is_set_on_its_side() {
        let figure = "(£5.36m–£7.28m)";
        let header = [
            "Option",
            "PV costs",
            "PV benefits",
            "NPSV",
            "BCR",
            "P(NPSV > 0)",
        ];
        let wide_header: Vec<&str> = header.iter().chain(&header[1..]).copied().collect();
        let wide_row: Vec<&str> = std::iter::once("Share data")
            .chain(std::iter::repeat_n(figure, wide_header.len() - 1))
            .collect();
        let wide = table(&wide_header, &[&wide_row, &wide_row]);
        assert!(least_widths(&wide).iter().sum::<usize>() > TEXT_WIDTH);
        let flipped = fitted(wide.clone());
        assert_eq!(flipped.header, ["Option", "Share data", "Share data"]);
        assert_eq!(flipped.rows.len(), wide_header.len() - 1);
        assert_eq!(flipped.rows[0], ["PV costs", figure, figure]);
        assert_eq!(flipped.right, [false, true, true]);

        let narrow = table(&header[..3], &[&["Share data", figure, figure]]);
        assert_eq!(fitted(narrow.clone()), narrow);
        let long_rows: Vec<&[&str]> = vec![&wide_row[..]; wide_header.len()];
        let long = table(&wide_header, &long_rows);
        assert_eq!(fitted(long.clone()), long);
    }
}
