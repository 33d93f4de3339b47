//! The typed table and its renderers: each format writes the same cells by their kind — one
//! money unit down a Markdown column, a total in bold, "–" for an undefined figure, words
//! escaped, the CSV formula guard and its refusal of a figure that is not finite, the
//! terminal's columns — and the registered tables are exactly the CSV files and the
//! workbook's table sheets, in order.

use seams::table::{self, Cell, Emphasis, Kind, MoneyUnits, Table};

use super::common::*;

const MONEY: Kind = Kind::Money(2024);

fn money_table() -> Table {
    let mut t = Table::new("Costs", &["Department", "Cost", "P(NPSV > 0) <b>"]);
    t.push(vec![
        Cell::text("Office | One *draft*"),
        Cell::Range {
            central: 597_000.0,
            low: 500_000.0,
            high: 700_000.0,
            kind: MONEY,
        },
        Cell::Figure(0.25, Kind::Share),
    ]);
    t.push(vec![
        Cell::text("Office Two"),
        Cell::Range {
            central: 17_000_000.0,
            low: 12_000_000.0,
            high: 21_500_000.0,
            kind: MONEY,
        },
        Cell::Empty,
    ]);
    t.push_emphasised(
        vec![
            Cell::text("All"),
            Cell::Figure(17_597_000.0, MONEY),
            Cell::Figure(1.0, Kind::Share),
        ],
        Emphasis::Whole,
    );
    t
}

#[test]
fn markdown_writes_one_money_unit_down_a_column_and_bolds_a_total() {
    let text = table::markdown::render(&money_table());
    let lines: Vec<&str> = text.lines().collect();
    // `>` reads bare in a header, `<` is escaped so no tag can form.
    assert_eq!(lines[0], "| Department | Cost | P(NPSV > 0) &lt;b> |");
    assert_eq!(lines[1], "|---|---:|---:|");
    // The column's unit is that of its largest figure (£m), so £597k reads £0.597m.
    assert_eq!(
        lines[2],
        "| Office \\| One \\*draft\\* | £0.597m (£0.500m–£0.700m) | 25% |"
    );
    assert_eq!(lines[3], "| Office Two | £17.0m (£12.0m–£21.5m) | – |");
    assert_eq!(lines[4], "| **All** | **£17.6m** | **100%** |");
    assert_eq!(lines.len(), 5);
}

#[test]
fn markdown_units_can_run_across_rows_or_stand_alone() {
    let row = |a: f64, b: f64| {
        vec![
            Cell::text("x"),
            Cell::Figure(a, MONEY),
            Cell::Figure(b, MONEY),
        ]
    };
    let mut t = Table::new("Pairs", &["Input", "Base", "Switch"]);
    t.push(row(1_270_000.0, 909_000.0));
    t.push(row(5_000.0, 12_000.0));
    t.money_units = MoneyUnits::PerRow;
    let text = table::markdown::render(&t);
    assert!(text.contains("| x | £1.27m | £0.909m |"), "{text}");
    assert!(text.contains("| x | £5.00k | £12.0k |"), "{text}");
    t.money_units = MoneyUnits::PerCell;
    let text = table::markdown::render(&t);
    assert!(text.contains("| x | £1.27m | £909k |"), "{text}");
}

#[test]
fn a_label_row_bolds_its_name_alone_and_declared_text_columns_align_left() {
    let mut t = Table::new("Mixed", &["Name", "Figure", "Note"]);
    t.text_columns = vec![0, 2];
    t.push_emphasised(
        vec![
            Cell::text("Journey"),
            Cell::Figure(3.0, Kind::Ratio),
            Cell::Key("a`b".into()),
        ],
        Emphasis::Label,
    );
    let text = table::markdown::render(&t);
    assert!(text.contains("|---|---:|---|"), "{text}");
    assert!(text.contains("| **Journey** | 3.00 | `a'b` |"), "{text}");
    // An empty table still aligns its figure columns.
    let empty = Table::new("Empty", &["Name", "Figure"]);
    assert_eq!(
        table::markdown::render(&empty),
        "| Name | Figure |\n|---|---:|\n"
    );
}

#[test]
fn csv_guards_formulas_writes_numbers_in_full_and_refuses_a_figure_that_is_not_finite() {
    let mut t = Table::new("Guarded", &["name", "value", "flag"]);
    t.push(vec![
        Cell::text("=HYPERLINK(\"x\")"),
        Cell::Figure(0.1 + 0.2, MONEY),
        Cell::Flag(true),
    ]);
    t.push(vec![Cell::key("-id"), Cell::Empty, Cell::Flag(false)]);
    let text = String::from_utf8(table::csv::render("guarded.csv", &t).unwrap()).unwrap();
    assert_eq!(
        text,
        "name,value,flag\n\"'=HYPERLINK(\"\"x\"\")\",0.30000000000000004,true\n'-id,,false\n"
    );
    let mut bad = Table::new("Bad", &["name", "npsv"]);
    bad.push(vec![Cell::text("a"), Cell::Figure(f64::NAN, MONEY)]);
    let message = table::csv::render("appraisal.csv", &bad)
        .unwrap_err()
        .to_string();
    assert!(message.contains("appraisal.csv"), "{message}");
    assert!(message.contains("`npsv`"), "{message}");
    assert!(message.contains("not a finite number"), "{message}");
}

#[test]
fn the_terminal_pads_columns_and_cuts_a_long_name() {
    let mut t = Table::new("Options", &["option", "NPSV"]);
    t.push(vec![
        Cell::key("a-very-long-option-identifier"),
        Cell::Figure(-1_080_000.0, MONEY),
    ]);
    t.push(vec![Cell::key("short"), Cell::Figure(4_880_000.0, MONEY)]);
    let text = table::terminal::render(&t, &[10, 8]);
    assert_eq!(
        text,
        "  option         NPSV\n  a-very-lo…  −£1.08m\n  short        £4.88m\n"
    );
}

#[test]
fn the_registered_tables_are_the_csv_files_and_the_workbook_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(
        dir.path(),
        &fixture("small.toml"),
        "out",
        &["-n", "2000", "--no-charts"],
    );
    for data in seams::export::DATA_TABLES.iter() {
        assert!(
            out.join(data.file).is_file(),
            "{} was not written",
            data.file
        );
    }
    // The workbook: the Summary, the options side by side and their base case (the fixture
    // has options), each registered sheet in order, the fixed assumptions, the register, the
    // method.
    let file = std::fs::File::open(out.join("economic-case.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    let names: Vec<String> = regex::Regex::new(r#"<sheet name="([^"]+)""#)
        .unwrap()
        .captures_iter(&workbook)
        .map(|c| c[1].to_string())
        .collect();
    let expected: Vec<String> = ["Summary", "Options", "Base case"]
        .into_iter()
        .chain(seams::export::DATA_TABLES.iter().filter_map(|t| t.sheet))
        .chain(["Fixed assumptions", "Assumptions", "Method"])
        .map(String::from)
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn an_estimated_chance_is_never_written_impossible_or_certain() {
    use seams::format::chance;
    assert_eq!(chance(0.0), "<0.1%");
    assert_eq!(chance(0.0009), "<0.1%");
    assert_eq!(chance(0.004), "0.4%");
    assert_eq!(chance(0.22), "22%");
    assert_eq!(chance(0.995), "99.5%");
    assert_eq!(chance(0.9995), ">99.9%");
    assert_eq!(chance(1.0), ">99.9%");
    let mut t = Table::new("Chances", &["Option", "P(NPSV > 0)"]);
    t.push(vec![Cell::text("a"), Cell::Figure(1.0, Kind::Chance)]);
    assert!(table::markdown::render(&t).contains("| a | >99.9% |"));
}
