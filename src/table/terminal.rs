//! A table as `seams run` prints it: each line indented two spaces, the first column
//! left-aligned (and cut with "…" past its width), figures right-aligned, each column at least
//! as wide as the width it is given, in the same words and money units as the case.

use super::markdown::written;
use super::Table;

/// The table in columns of at least these widths; the header is printed where it has one.
pub fn render(table: &Table, widths: &[usize]) -> String {
    let mut lines = Vec::new();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .into_iter()
            .enumerate()
            .map(|(c, text)| {
                let width = widths.get(c).copied().unwrap_or(0);
                if c == 0 {
                    format!("{:<width$}", cut(&text, width))
                } else {
                    format!("{text:>width$}")
                }
            })
            .collect();
        format!("  {}", padded.join(" "))
    };
    if !table.header.is_empty() {
        lines.push(line(table.header.clone()));
    }
    for (row, units) in table.rows.iter().zip(table.units()) {
        let cells = row.cells.iter().zip(units);
        lines.push(line(
            cells
                .map(|(cell, unit)| written(cell, unit, false))
                .collect(),
        ));
    }
    lines
        .iter()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect()
}

/// Text cut to `width` characters, its last one "…", where it is longer.
fn cut(text: &str, width: usize) -> String {
    if width == 0 || text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}
