//! One truth in every output (MODEL §3): the terminal, the case, the workbook and the page
//! show the same BCR (the ratio of expected PVs), the same payback statement (the median over
//! all iterations, led by the share that pays back) and the same P(NPSV > 0) for one run; and
//! the payback statement is what the per-iteration payback years give.

use calamine::{Data, Reader};
use seams::format::{chance, ratio};
use seams::outputs::Metric;
use seams::{Keep, RunConfig, Source};

use super::common::*;
use super::serve::{json, request, start};

/// What every output must agree on, for one option, from `appraisal.csv`.
struct Truth {
    name: String,
    bcr: String,
    p_positive: String,
    payback_share: String,
}

fn truths(out: &std::path::Path, model: &seams::Model) -> Vec<Truth> {
    let rows = read_csv(&out.join("appraisal.csv"));
    model
        .options()
        .iter()
        .map(|option| {
            let cell = |metric: &str, column: &str| {
                num(
                    row(&rows, &[("option", &option.id), ("metric", metric)]),
                    column,
                )
            };
            Truth {
                name: option.name.clone(),
                bcr: ratio(cell("bcr_expected", "mean")),
                p_positive: chance(cell("npsv", "p_positive")),
                payback_share: chance(cell("payback_year", "p_positive")),
            }
        })
        .collect()
}

#[test]
fn terminal_case_workbook_and_page_state_the_same_bcr_payback_and_chance() {
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("border-exports.toml");
    let dir = tempfile::tempdir().unwrap();
    // The scenario's own iteration count and seed: what the page runs too.
    let out = dir.path().join("out");
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let model = Source::read(&scenario).and_then(|s| s.model(&[])).unwrap();
    let truths = truths(&out, &model);
    let terminal = stdout(&output);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let summary = workbook_summary(&out.join("economic-case.xlsx"));
    let server = start(&scenario);
    let (status, state) = request(&server, "GET", "/api/state", "127.0.0.1", "");
    assert_eq!(status, 200);
    let page = json(&state)["results"]["options"].clone();

    for (o, truth) in truths.iter().enumerate() {
        let option = &model.options()[o];
        // The page's short payback statement is the one the terminal prints.
        let payback = page[o]["payback"].as_str().unwrap().to_string();
        assert!(
            payback.ends_with(&format!("({} pay back)", truth.payback_share)),
            "{payback}"
        );
        let central = payback.split(" (").next().unwrap().to_string();

        // Terminal: the option's line has the chance, the BCR and the payback statement.
        let line = terminal
            .lines()
            .find(|l| l.trim_start().starts_with(&option.id))
            .unwrap();
        for figure in [&truth.p_positive, &truth.bcr, &payback] {
            assert!(line.contains(figure.as_str()), "terminal {figure}: {line}");
        }

        // Case: the options table's BCR and chance, and the sentence led by the share.
        let table_row = case
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", truth.name)))
            .unwrap();
        let cells: Vec<&str> = table_row.split('|').map(str::trim).collect();
        assert!(
            cells[7].starts_with(&format!("{} (", truth.bcr)),
            "{table_row}"
        );
        assert_eq!(cells[8], truth.p_positive, "{table_row}");
        let paragraph = case
            .lines()
            .find(|l| l.starts_with(&format!("**{}.**", truth.name)))
            .unwrap();
        let led = format!("{} of iterations pay back", truth.payback_share);
        assert!(paragraph.contains(&led), "{paragraph}");
        let central_words = if central == "not within the period" {
            "the central payback year is not within the period".to_string()
        } else {
            format!("the median payback year is {central}")
        };
        assert!(paragraph.contains(&central_words), "{paragraph}");
        assert!(!paragraph.contains("pays back by"), "{paragraph}");

        // Workbook: the Summary's BCR, chance and payback rows.
        let find = |start: &str| {
            summary
                .iter()
                .find(|r| r[0].to_string().starts_with(start))
                .unwrap_or_else(|| panic!("no Summary row {start}"))
        };
        let bcr_row = find(&format!("BCR of {}", truth.name));
        assert_eq!(ratio(float(&bcr_row[1])), truth.bcr);
        let npsv_row = find(&format!("NPSV of {}", truth.name));
        assert_eq!(chance(float(&npsv_row[4])), truth.p_positive);
        let payback_row = find(&format!("Payback of {}", truth.name));
        let shown = match &payback_row[1] {
            Data::Float(year) => format!("{year:.0}"),
            other => other.to_string(),
        };
        assert_eq!(shown, central);
        assert_eq!(chance(float(&payback_row[4])), truth.payback_share);

        // Page: the same BCR and chance.
        assert_eq!(page[o]["bcr"], truth.bcr.as_str());
        assert_eq!(page[o]["p_positive"], truth.p_positive.as_str());
    }
}

fn workbook_summary(path: &std::path::Path) -> Vec<Vec<Data>> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range("Summary").unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn float(cell: &Data) -> f64 {
    match cell {
        Data::Float(x) => *x,
        other => panic!("a number stored as {other:?}"),
    }
}

#[test]
fn the_payback_statement_is_the_median_over_every_iteration() {
    // Border exports' share-data pays back in about a fifth of its iterations, status-page in
    // nearly all: one option below half, one above.
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("border-exports.toml");
    let model = Source::read(&scenario).and_then(|s| s.model(&[])).unwrap();
    let config = RunConfig {
        iterations: Some(20_000),
        seed: Some(11),
        keep: Keep::Everything,
        ..RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let samples = results.samples().unwrap();
    let first = model.settings().first_year;
    let mut below_half = false;
    let mut above_half = false;
    for (o, option) in model.options().iter().enumerate() {
        let name = format!("{}_payback_year", option.id);
        let k = *samples
            .output_ids()
            .iter()
            .find(|&&k| results.output_name(k) == name)
            .unwrap();
        // Never paying back sorts after every year: the median over all iterations by hand.
        let mut years: Vec<f64> = samples
            .output(k)
            .unwrap()
            .iter()
            .map(|y| if y.is_nan() { f64::INFINITY } else { *y })
            .collect();
        years.sort_by(f64::total_cmp);
        let n = years.len();
        let at = |p: f64| years[((p * n as f64).ceil() as usize).max(1) - 1];
        let as_year = |y: f64| y.is_finite().then(|| first + y as i32);
        let paying = years.iter().filter(|y| y.is_finite()).count();
        let payback = results.payback(o);
        assert_eq!(payback.share, paying as f64 / n as f64);
        assert_eq!(payback.central, as_year(at(0.5)), "{name}");
        assert_eq!(payback.p10, as_year(at(0.1)), "{name}");
        assert_eq!(payback.p90, as_year(at(0.9)), "{name}");
        let among = &years[..paying];
        if paying > 0 {
            let median = among[((0.5 * paying as f64).ceil() as usize).max(1) - 1];
            assert_eq!(payback.median_of_those_that_do, as_year(median));
        }
        below_half |= payback.share < 0.5;
        above_half |= payback.share > 0.5;
        // The appraisal statistics stay those of the iterations that pay back.
        let stats = results.appraisal(o, Metric::PaybackYear).unwrap();
        assert_eq!(stats.n as usize, paying);
    }
    assert!(below_half && above_half, "both cases exercised");
}

#[test]
fn no_path_of_the_analyst_s_machine_reaches_a_reader_s_document() {
    // Run on the absolute path of a scenario: the case, the summary, the workbook and the
    // charts name the file, never the folders it sits in.
    let scenario = fixture("small.toml");
    let folder = scenario.parent().unwrap().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &scenario, "out", &[]);
    let mut documents = vec![
        std::fs::read_to_string(out.join("economic-case.md")).unwrap(),
        std::fs::read_to_string(out.join("summary.md")).unwrap(),
    ];
    let book = std::fs::File::open(out.join("economic-case.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(book).unwrap();
    for i in 0..zip.len() {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut text);
        documents.push(text);
    }
    for chart in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = chart.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            documents.push(std::fs::read_to_string(path).unwrap());
        }
    }
    assert!(scenario.is_absolute());
    for text in &documents {
        assert!(!text.contains(&folder), "a path in a document: {folder}");
    }
    assert!(
        documents.iter().any(|t| t.contains("small.toml")),
        "the file is named"
    );
}
