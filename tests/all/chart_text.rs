//! Every chart's words are legible where the chart lands and never collide: placed 16 cm wide
//! in a business case, every piece of text is at least 9 pt; no two pieces of text overlap;
//! none runs off the picture; and a parenthesis such as "(ρ = 0.13)" is never split between
//! lines. The boxes are measured from each SVG with the DejaVu Sans metrics (the charts' own
//! font), independently of the code that placed them.

use ab_glyph::{Font, FontRef};

use super::common::*;

/// 9 pt in millimetres, and the width a chart is placed at.
const NINE_POINT_MM: f64 = 9.0 * 25.4 / 72.0;
const PLACED_MM: f64 = 160.0;

#[derive(Debug, Clone)]
struct TextBox {
    text: String,
    size: f64,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl TextBox {
    fn overlaps(&self, other: &TextBox) -> bool {
        // One pixel of slack: boxes that touch do not collide.
        self.left + 1.0 < other.right
            && other.left + 1.0 < self.right
            && self.top + 1.0 < other.bottom
            && other.top + 1.0 < self.bottom
    }
}

/// The width of `text` at `size` pixels per em, from the font's advances.
fn width(font: &FontRef<'_>, text: &str, size: f64) -> f64 {
    let em = f64::from(font.units_per_em().unwrap_or(2048.0));
    let advance: f64 = text
        .chars()
        .map(|c| f64::from(font.h_advance_unscaled(font.glyph_id(c))))
        .sum();
    advance / em * size
}

/// The picture's size and the box of every piece of text in an SVG drawn by plotters.
fn boxes(svg: &str) -> ((f64, f64), Vec<TextBox>) {
    let regular = FontRef::try_from_slice(dejavu::sans::regular()).unwrap();
    let bold = FontRef::try_from_slice(dejavu::sans::bold()).unwrap();
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses");
    let root = doc.root_element();
    let number = |node: roxmltree::Node, name: &str| -> f64 {
        node.attribute(name)
            .unwrap_or_else(|| panic!("no {name} on {node:?}"))
            .parse()
            .unwrap()
    };
    let size = (number(root, "width"), number(root, "height"));
    let mut found = Vec::new();
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text = node.text().unwrap_or("").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let (x, y, em) = (
            number(node, "x"),
            number(node, "y"),
            number(node, "font-size"),
        );
        let is_bold = node.attribute("font-weight") == Some("bold");
        let font = if is_bold { &bold } else { &regular };
        let w = width(font, &text, em);
        let (left, right) = match node.attribute("text-anchor") {
            Some("middle") => (-w / 2.0, w / 2.0),
            Some("end") => (-w, 0.0),
            _ => (0.0, w),
        };
        // The baseline as plotters places it, and the glyphs' reach above and below it.
        let baseline = match node.attribute("dy") {
            Some("0.76em") => 0.76 * em,
            Some("0.5ex") => 0.27 * em,
            Some("-0.5ex") => -0.27 * em,
            other => panic!("unexpected dy {other:?}"),
        };
        let (top, bottom) = (baseline - 0.74 * em, baseline + 0.22 * em);
        // A rotated label (an axis's description) turns its box about its anchor.
        let [l, t, r, b] = match node.attribute("transform") {
            Some(t) if t.starts_with("rotate(270") => [top, -right, bottom, -left],
            Some(t) if t.starts_with("rotate(90") => [-bottom, left, -top, right],
            None => [left, top, right, bottom],
            Some(other) => panic!("unexpected transform {other}"),
        };
        found.push(TextBox {
            text,
            size: em,
            left: x + l,
            top: y + t,
            right: x + r,
            bottom: y + b,
        });
    }
    (size, found)
}

/// Checks every chart SVG under `out/charts`; returns how many it checked.
fn check_legibility(out: &std::path::Path) -> usize {
    let mut checked = 0;
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("svg") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let svg = std::fs::read_to_string(&path).unwrap();
        let ((width, height), texts) = boxes(&svg);
        assert!(!texts.is_empty(), "{name}: no text");
        let least = NINE_POINT_MM / PLACED_MM * width;
        for t in &texts {
            assert!(
                t.size >= least,
                "{name}: {:?} is {:.1} px, {:.1} pt at 16 cm (needs 9 pt)",
                t.text,
                t.size,
                t.size / width * PLACED_MM / 25.4 * 72.0
            );
            assert!(
                t.left >= -1.0
                    && t.top >= -1.0
                    && t.right <= width + 1.0
                    && t.bottom <= height + 1.0,
                "{name}: {:?} runs off the {width}×{height} picture: {t:?}",
                t.text
            );
            assert_eq!(
                t.text.matches('(').count(),
                t.text.matches(')').count(),
                "{name}: {:?} splits a parenthesis",
                t.text
            );
        }
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert!(!a.overlaps(b), "{name}: {:?} overlaps {:?}", a, b);
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn the_measure_finds_an_overlap_and_a_small_label() {
    // Two labels drawn on top of each other, one of them 7 pt: the checks must see both.
    let svg = r#"<svg width="1600" height="900" xmlns="http://www.w3.org/2000/svg">
<text x="100" y="100" dy="0.76em" text-anchor="start" font-size="32">Users and government</text>
<text x="300" y="110" dy="0.76em" text-anchor="start" font-size="25">Overlapping words</text>
<text x="100" y="400" dy="0.5ex" text-anchor="end" font-size="32" transform="rotate(270, 100, 400)">Axis</text>
</svg>"#;
    let (_, texts) = boxes(svg);
    assert!(texts[0].overlaps(&texts[1]));
    assert!(!texts[0].overlaps(&texts[2]));
    assert!(texts[1].size < NINE_POINT_MM / PLACED_MM * 1600.0);
    // "Users and government" at 32 px is about 330 px wide in DejaVu Sans.
    let w = texts[0].right - texts[0].left;
    assert!((300.0..380.0).contains(&w), "{w}");
    // The rotated label is taller than wide.
    assert!(texts[2].bottom - texts[2].top > texts[2].right - texts[2].left);
}

#[test]
fn every_chart_of_the_portfolio_reads_at_nine_points() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let out = run_named(dir.path(), &scenario, "out", &["-n", "20000"]);
    assert!(check_legibility(&out) >= 9);
}

#[test]
fn every_chart_of_a_journey_with_research_worth_doing_reads_at_nine_points() {
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/learning-to-drive.toml");
    let out = run_named(dir.path(), &scenario, "out", &[]);
    assert!(out.join("charts/value-of-information.svg").exists());
    assert!(check_legibility(&out) >= 10);
}

#[test]
fn long_and_awkward_names_still_read_at_nine_points() {
    let text = fixture_text("small.toml")
        .replace("name = \"Office One\"", "name = \"Tax & <Customs> \\\"Office\\\" 'One', the office with the longest name in government (and a parenthesis)\"")
        .replace("name = \"Share data\"", "name = \"Share <data> & \\\"more\\\" with a very long name that cannot possibly fit on one line of the chart at all\"");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    assert!(check_legibility(&out) >= 5);
}

#[test]
fn the_fit_charts_read_at_nine_points() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("charts");
    let out = crate::common::seams()
        .current_dir(root)
        .args([
            "fit",
            "data/terminal_waiting_times.csv",
            "--column",
            "bus_minutes",
            "-o",
        ])
        .arg(&charts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["fit-qq.png", "fit-qq.svg", "fit-cdf.png", "fit-cdf.svg"] {
        assert!(charts.join(name).exists(), "{name}");
    }
    assert_eq!(check_legibility(dir.path()), 2);
}
