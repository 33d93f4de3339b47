//! `economic-case.docx` read as Word reads it: the package's XML, not its look. The summary for
//! decision-makers comes first and ends with a page break; headings use Word's heading styles;
//! every table of the Markdown case is a real table, its header row repeated on each page and
//! its figures right-aligned; every chart the case shows is embedded 16 cm wide with a
//! numbered caption.

use std::io::Read;

use super::common::*;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub(super) fn part(docx: &std::path::Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn media(docx: &std::path::Path) -> usize {
    let zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    zip.file_names()
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .count()
}

/// A paragraph's style and text.
fn paragraphs(doc: &roxmltree::Document) -> Vec<(String, String)> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|n| n.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect();
            (style, text)
        })
        .collect()
}

#[test]
fn the_word_document_opens_with_the_summary_and_carries_every_table_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let out = run_named(dir.path(), &scenario, "word", &[]);
    let docx = out.join("economic-case.docx");
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let xml = part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let paragraphs = paragraphs(&doc);

    // The summary first, on a page of its own, then the case's own title.
    assert_eq!(
        paragraphs[0],
        (
            "Heading1".to_string(),
            "Summary for decision-makers".to_string()
        )
    );
    let page_break = doc
        .descendants()
        .position(|n| n.has_tag_name((W, "br")) && n.attribute((W, "type")) == Some("page"))
        .expect("a page break after the summary");
    let title = doc
        .descendants()
        .position(|n| n.text().is_some_and(|t| t.starts_with("Economic Case: ")))
        .unwrap();
    assert!(page_break < title);
    let summary: String = paragraphs
        .iter()
        .take_while(|p| !p.1.starts_with("Economic Case: "))
        .map(|p| p.1.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for needed in [
        "The cost of disjointedness",
        "What each option turns on",
        "What is most worth finding out",
    ] {
        assert!(summary.contains(needed), "{needed} missing from {summary}");
    }
    assert!(!summary.to_lowercase().contains("recommend "), "{summary}");

    // Every Markdown heading is a Word heading of its level.
    let md_headings: Vec<(usize, &str)> = case
        .lines()
        .filter_map(|l| {
            let level = l.chars().take_while(|&c| c == '#').count();
            (level > 0).then(|| (level, l[level..].trim()))
        })
        .collect();
    let word_headings: Vec<(String, String)> = paragraphs
        .iter()
        .filter(|p| p.0.starts_with("Heading"))
        .skip_while(|p| !p.1.starts_with("Economic Case: "))
        .cloned()
        .collect();
    assert_eq!(word_headings.len(), md_headings.len());
    for ((style, text), (level, md)) in word_headings.iter().zip(&md_headings) {
        assert_eq!(style, &format!("Heading{level}"));
        assert_eq!(text, &md.replace('\\', ""));
    }
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains("w:styleId=\"Heading1\"") && styles.contains("heading 1"));

    // Tables: the summary's options table and every table of the case, each with a repeated
    // header row; figures right-aligned.
    let md_tables = case
        .lines()
        .filter(|l| l.starts_with("|---") || l.starts_with("| ---"))
        .count();
    let tables: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    assert_eq!(tables.len(), md_tables + 1);
    for table in &tables {
        let first = table
            .children()
            .find(|n| n.has_tag_name((W, "tr")))
            .unwrap();
        assert!(
            first
                .descendants()
                .any(|n| n.has_tag_name((W, "tblHeader"))),
            "a table without a repeated header row"
        );
        let headers = table
            .descendants()
            .filter(|n| n.has_tag_name((W, "tblHeader")))
            .count();
        assert_eq!(headers, 1, "only the first row repeats");
    }
    let options = tables[0];
    let second_row = options
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .nth(1)
        .unwrap();
    let aligned: Vec<Option<&str>> = second_row
        .children()
        .filter(|n| n.has_tag_name((W, "tc")))
        .map(|c| {
            c.descendants()
                .find(|n| n.has_tag_name((W, "jc")))
                .and_then(|n| n.attribute((W, "val")))
        })
        .collect();
    assert_eq!(aligned[0], None, "names read from the left");
    assert!(
        aligned[1..].iter().all(|a| *a == Some("right")),
        "{aligned:?}"
    );

    // Charts: each image of the case embedded, 16 cm wide, with a numbered caption.
    let md_images = case.lines().filter(|l| l.starts_with("![")).count();
    assert!(md_images >= 5);
    assert_eq!(media(&docx), md_images);
    let extents: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "extent")
        .filter_map(|n| n.attribute("cx"))
        .collect();
    assert_eq!(extents.len(), md_images);
    assert!(
        extents.iter().all(|cx| *cx == "5760000"),
        "16 cm is 5,760,000 EMU: {extents:?}"
    );
    let captions: Vec<&String> = paragraphs
        .iter()
        .filter(|p| p.0 == "Caption")
        .map(|p| &p.1)
        .collect();
    assert_eq!(captions.len(), md_images);
    for (k, caption) in captions.iter().enumerate() {
        assert!(
            caption.starts_with(&format!("Figure {}: ", k + 1)),
            "{caption}"
        );
    }
}

#[test]
fn a_short_parenthesis_in_a_table_never_breaks_across_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("small.toml"), "word", &["--no-charts"]);
    let xml = part(&out.join("economic-case.docx"), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cells: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tc")))
        .map(|tc| {
            tc.descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    // The options table's header: its spaces inside the parenthesis are no-break spaces.
    assert!(
        cells.iter().any(|c| c == "P(NPSV\u{a0}>\u{a0}0)"),
        "no unbreakable P(NPSV > 0) among {:?}",
        &cells[..cells.len().min(20)]
    );
    assert!(!cells.iter().any(|c| c.contains("(NPSV > 0)")));
}
