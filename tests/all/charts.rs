//! Charts: every file is written, PNGs decode at the stated size, SVGs parse and carry the
//! names and units, and the data behind each chart matches its snapshot.

use super::common::*;

const STEMS: [&str; 5] = [
    "cost-by-department",
    "npsv-by-option",
    "npsv-histogram",
    "benefits-over-time",
    "costs-and-benefits",
];

fn check_charts(out: &std::path::Path, names: &[&str]) {
    for stem in STEMS {
        let png = out.join(format!("charts/{stem}.png"));
        let image = image::open(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        // Every chart is as wide as the others; its height follows what it has to show.
        assert_eq!(image.width(), seams::charts::SIZE.0, "{stem}");
        assert!(image.height() >= 600, "{stem}: {} px high", image.height());
        let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{stem}.svg does not parse: {e}"));
        let text: String = doc
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(text.contains("2024 prices"), "{stem}: no unit in {text}");
        if stem == "cost-by-department" {
            for name in names {
                assert!(text.contains(name), "{stem}: no `{name}` in {text}");
            }
        }
    }
}

#[test]
fn every_chart_is_drawn_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    check_charts(&out, &["Office One", "Office Two"]);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    for stem in STEMS {
        assert!(
            case.contains(&format!("](charts/{stem}.png)")),
            "economic case lacks {stem}"
        );
    }
}

#[test]
fn names_that_need_escaping_do_not_break_the_svg() {
    let text = fixture_text("small.toml")
        .replace("name = \"Office One\"", "name = \"Tax & <Customs> \\\"Office\\\" 'One'\"")
        .replace("name = \"Share data\"", "name = \"Share <data> & \\\"more\\\" with a very long name that cannot possibly fit on the chart at all\"");
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    check_charts(&out, &["Tax & <Customs> \"Office\" 'One'"]);
    let svg = std::fs::read_to_string(out.join("charts/costs-and-benefits.svg")).unwrap();
    // A long option name is wrapped onto more lines, never cut.
    assert!(!svg.contains('…'), "a name was cut");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let words: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.text())
        .flat_map(str::split_whitespace)
        .collect();
    assert!(
        words.join(" ").contains("fit on the chart at all"),
        "the end of a long name is missing"
    );
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(
        case.contains("Tax & &lt;Customs&gt;"),
        "Markdown escapes angle brackets"
    );
}

#[test]
fn constant_and_single_series_still_draw() {
    // All inputs fixed: the NPSV distribution is a single value, drawn as a step.
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("fixed-option.toml"), &[]);
    for stem in STEMS {
        assert!(out.join(format!("charts/{stem}.png")).is_file(), "{stem}");
    }
    // No options at all: only the cost chart, and no broken links in the economic case.
    let text = fixture_text("small.toml");
    let without_options = &text[..text.find("[options.share]").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), without_options, &[]);
    assert!(out.join("charts/cost-by-department.png").is_file());
    assert!(!out.join("charts/npsv-by-option.png").exists());
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(!case.contains("npsv-by-option"));
}

#[test]
fn no_charts_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &["--no-charts"]);
    assert!(!out.join("charts").exists());
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(!case.contains("charts/"));
}

#[test]
fn chart_data_matches_its_snapshot() {
    let model = seams::Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(4000),
        seed: Some(11),
        keep: seams::Keep::Nothing,
        ..seams::RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let data = seams::charts::ChartData::new(&results);
    // Departments are sorted by disjointed cost, largest first.
    assert_eq!(data.costs[0].department, "Office One");
    let json = serde_json::to_string_pretty(&data).unwrap() + "\n";
    super::snapshots::check_snapshot("chart-data.json", &json);
}

#[test]
fn the_value_of_information_chart_shows_what_voi_csv_holds() {
    // A close call (no capital, lower running costs): research could change the decision, and
    // the option's running cost is worth most to find out.
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(
        dir.path(),
        &fixture("small.toml"),
        "close",
        &[
            "--set",
            "options.share.capital[0]=0",
            "--set",
            "options.share.running=uniform(0, 30k)",
        ],
    );
    let rows = read_csv(&out.join("voi.csv"));
    let evpi = num(&rows[0], "evppi");
    let top = rows
        .iter()
        .skip(1)
        .filter(|r| r["group"].is_empty())
        .max_by(|a, b| num(a, "evppi").total_cmp(&num(b, "evppi")))
        .unwrap();
    assert_eq!(top["input"], "options.share.running");
    let svg = std::fs::read_to_string(out.join("charts/value-of-information.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    let shown = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(shown("Share data: running cost a year"), "{text:?}");
    assert!(
        shown(&format!("EVPI {}", seams::format::money(evpi))),
        "{text:?}"
    );
    assert!(shown(&seams::format::money(num(top, "evppi"))), "{text:?}");
    // Where no research can change the decision there is nothing to chart, and the case says
    // so in words.
    let settled = run_named(dir.path(), &fixture("small.toml"), "settled", &[]);
    assert!(!settled.join("charts/value-of-information.png").exists());
    let case = std::fs::read_to_string(settled.join("economic-case.md")).unwrap();
    assert!(case.contains("no research can change this decision"));
}

#[test]
fn the_histogram_names_each_options_mean_and_band_as_appraisal_csv_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let svg = std::fs::read_to_string(out.join("charts/npsv-histogram.svg")).unwrap();
    let appraisal = read_csv(&out.join("appraisal.csv"));
    let npsv: Vec<_> = appraisal.iter().filter(|r| r["metric"] == "npsv").collect();
    assert!(!npsv.is_empty());
    for row in npsv {
        let words = format!(
            "mean {}; P10–P90 {} to {}",
            seams::format::money(num(row, "mean")),
            seams::format::money(num(row, "p10")),
            seams::format::money(num(row, "p90"))
        );
        assert!(svg.contains(&words), "no `{words}` in the histogram");
    }
}
