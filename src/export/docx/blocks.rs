//! The economic case's Markdown, read back as blocks a Word document is built from. seams writes
//! that Markdown itself, from its typed tables, so this reads only the forms it writes:
//! headings, paragraphs, bullets, one quoted caveat, pipe tables (their alignment row says
//! which columns hold figures) and chart images; inline, `**bold**`, `*italic*`, `` `code` ``,
//! backslash escapes and `&lt;`/`&gt;`.

/// One block of the case.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(usize, String),
    Paragraph(String),
    Bullet(String),
    Quote(String),
    Table(TableBlock),
    /// A chart: its file in the results folder (`charts/NAME.png`) and its description.
    Image {
        path: String,
        alt: String,
    },
    /// The rest of the document starts on a new page.
    PageBreak,
}

/// A pipe table: its header, which columns are right-aligned (figures), and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct TableBlock {
    pub header: Vec<String>,
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// The blocks of `markdown`, in order.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().peekable();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some((level, text)) = heading(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(level, text.to_string()));
        } else if let Some(text) = trimmed.strip_prefix("- ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Bullet(text.to_string()));
        } else if let Some(text) = trimmed.strip_prefix("> ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Quote(text.to_string()));
        } else if let Some(image) = image(trimmed) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(image);
        } else if trimmed.starts_with('|') {
            flush(&mut paragraph, &mut blocks);
            let mut table_lines = vec![trimmed];
            while let Some(next) = lines.peek().filter(|l| l.starts_with('|')) {
                table_lines.push(next.trim_end());
                lines.next();
            }
            blocks.extend(table(&table_lines));
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    let text = line.get(level..)?.strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, text))
}

fn image(line: &str) -> Option<Block> {
    let rest = line.strip_prefix("![")?;
    let (alt, rest) = rest.split_once("](")?;
    let path = rest.strip_suffix(')')?;
    Some(Block::Image {
        path: path.to_string(),
        alt: alt.to_string(),
    })
}

/// A pipe table from its lines: header, alignment row, rows.
fn table(lines: &[&str]) -> Option<Block> {
    let header = cells(lines.first()?);
    let right = cells(lines.get(1)?)
        .iter()
        .map(|c| c.trim().ends_with(':'))
        .collect();
    let rows = lines.iter().skip(2).map(|l| cells(l)).collect();
    Some(Block::Table(TableBlock {
        header,
        right,
        rows,
    }))
}

/// The cells of a table line, split at unescaped bars.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        if escaped {
            cell.push('\\');
            cell.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '|' {
            out.push(cell.trim().to_string());
            cell.clear();
        } else {
            cell.push(c);
        }
    }
    out.push(cell.trim().to_string());
    out
}

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

/// The spans of a line of inline Markdown.
pub fn spans(text: &str) -> Vec<Span> {
    let text = text.replace("&lt;", "<").replace("&gt;", ">");
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Span> = Vec::new();
    let mut current = Span::default();
    let mut i = 0;
    let start_new = |current: &mut Span, out: &mut Vec<Span>| {
        let next = Span {
            text: String::new(),
            ..current.clone()
        };
        if !current.text.is_empty() {
            out.push(std::mem::replace(current, next));
        } else {
            *current = next;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if current.code && c != '`' {
            current.text.push(c);
        } else if c == '\\' && i + 1 < chars.len() {
            current.text.push(chars[i + 1]);
            i += 1;
        } else if c == '`' {
            start_new(&mut current, &mut out);
            current.code = !current.code;
        } else if c == '*' && chars.get(i + 1) == Some(&'*') {
            start_new(&mut current, &mut out);
            current.bold = !current.bold;
            i += 1;
        } else if c == '*' {
            start_new(&mut current, &mut out);
            current.italic = !current.italic;
        } else {
            current.text.push(c);
        }
        i += 1;
    }
    if !current.text.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of a line of inline Markdown, without its marks.
    fn plain(text: &str) -> String {
        spans(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn the_forms_the_case_writes_are_read_back() {
        let md = "# Title\n\n> A caveat.\n\nOne line\nand the next.\n\n- a *bullet*\n\n| Name | £ |\n|---|---:|\n| a \\| b | **£1m** |\n\n![Alt text](charts/x.png)\n";
        let blocks = parse(md);
        assert_eq!(blocks[0], Block::Heading(1, "Title".into()));
        assert_eq!(blocks[1], Block::Quote("A caveat.".into()));
        assert_eq!(blocks[2], Block::Paragraph("One line and the next.".into()));
        assert_eq!(blocks[3], Block::Bullet("a *bullet*".into()));
        let Block::Table(t) = &blocks[4] else {
            panic!("{blocks:?}")
        };
        assert_eq!(t.right, [false, true]);
        assert_eq!(plain(&t.rows[0][0]), "a | b");
        assert!(spans(&t.rows[0][1])[0].bold);
        assert_eq!(
            blocks[5],
            Block::Image {
                path: "charts/x.png".into(),
                alt: "Alt text".into()
            }
        );
    }

    #[test]
    fn emphasis_code_and_escapes_become_spans() {
        let s = spans("plain **bold** *it* `a*b` \\*star\\* &lt;x&gt;");
        let texts: Vec<(&str, bool, bool, bool)> = s
            .iter()
            .map(|s| (s.text.as_str(), s.bold, s.italic, s.code))
            .collect();
        assert_eq!(
            texts,
            [
                ("plain ", false, false, false),
                ("bold", true, false, false),
                (" ", false, false, false),
                ("it", false, true, false),
                (" ", false, false, false),
                ("a*b", false, false, true),
                (" *star* <x>", false, false, false),
            ]
        );
    }
}
