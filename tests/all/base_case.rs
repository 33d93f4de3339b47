//! The workbook's "Base case" sheet rebuilds each option's NPSV in formulas a reviewer can
//! audit. These tests evaluate those formulas independently — a small evaluator of the
//! arithmetic, cell references, SUMPRODUCT and IF the sheet uses — and check the result against
//! `appraisal.csv`, against closed forms of the discount factors, and after changing a rate or
//! the optimism-bias uplift as a reviewer would.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::common::*;

/// A sheet's cells: formulas by position, and the values stored beside them.
struct Sheet {
    formulas: HashMap<(u32, u32), String>,
    values: HashMap<(u32, u32), Data>,
    /// Values a test puts in place of what the sheet holds.
    overrides: HashMap<(u32, u32), f64>,
}

impl Sheet {
    fn open(path: &Path, name: &str) -> Sheet {
        let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
        let range = book.worksheet_range(name).unwrap();
        let formulas = book.worksheet_formula(name).unwrap();
        let mut values = HashMap::new();
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap();
            values.insert((r0 + r as u32, c0 + c as u32), v.clone());
        }
        let mut found = HashMap::new();
        for (r, c, f) in formulas.used_cells() {
            let (r0, c0) = formulas.start().unwrap();
            if !f.is_empty() {
                found.insert((r0 + r as u32, c0 + c as u32), f.clone());
            }
        }
        Sheet {
            formulas: found,
            values,
            overrides: HashMap::new(),
        }
    }

    /// The row whose first cell starts with `label`, at or after row `from`.
    fn row(&self, label: &str, from: u32) -> u32 {
        let mut rows: Vec<u32> = self
            .values
            .iter()
            .filter(|((r, c), v)| *c == 0 && *r >= from && v.to_string().starts_with(label))
            .map(|((r, _), _)| *r)
            .collect();
        rows.sort();
        *rows.first().unwrap_or_else(|| panic!("no row `{label}`"))
    }

    /// A cell's value: its formula evaluated, or the number stored, or 0 when empty.
    fn value(&self, at: (u32, u32)) -> f64 {
        if let Some(x) = self.overrides.get(&at) {
            return *x;
        }
        if let Some(f) = self.formulas.get(&at) {
            let mut parser = Parser {
                text: f.trim_start_matches('=').as_bytes(),
                at: 0,
                sheet: self,
            };
            let x = parser.expression();
            assert_eq!(parser.at, parser.text.len(), "did not read all of `{f}`");
            return x;
        }
        match self.values.get(&at) {
            Some(Data::Float(x)) => *x,
            Some(Data::Int(x)) => *x as f64,
            None | Some(Data::Empty) => 0.0,
            Some(other) => panic!("{at:?} holds {other:?}, not a number"),
        }
    }

    fn stored(&self, at: (u32, u32)) -> f64 {
        match self.values.get(&at) {
            Some(Data::Float(x)) => *x,
            other => panic!("{at:?}: {other:?}"),
        }
    }
}

/// A recursive-descent reader of the formulas' grammar.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    sheet: &'a Sheet,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn expression(&mut self) -> f64 {
        let left = self.sum();
        if self.eat(b'>') {
            let right = self.sum();
            return f64::from(u8::from(left > right));
        }
        left
    }

    fn sum(&mut self) -> f64 {
        let mut x = self.product();
        loop {
            if self.eat(b'+') {
                x += self.product();
            } else if self.eat(b'-') {
                x -= self.product();
            } else {
                return x;
            }
        }
    }

    fn product(&mut self) -> f64 {
        let mut x = self.atom();
        loop {
            if self.eat(b'*') {
                x *= self.atom();
            } else if self.eat(b'/') {
                x /= self.atom();
            } else {
                return x;
            }
        }
    }

    fn atom(&mut self) -> f64 {
        if self.eat(b'(') {
            let x = self.expression();
            assert!(self.eat(b')'));
            return x;
        }
        if self.eat(b'"') {
            while !self.eat(b'"') {
                self.at += 1;
            }
            return f64::NAN;
        }
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'$')
        {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.text[start..self.at]).unwrap();
        if self.eat(b'(') {
            return self.function(word);
        }
        if let Ok(x) = word.parse::<f64>() {
            return x;
        }
        self.sheet.value(reference(word))
    }

    fn function(&mut self, name: &str) -> f64 {
        match name {
            "SUMPRODUCT" => {
                let a = self.range();
                assert!(self.eat(b','));
                let b = self.range();
                assert!(self.eat(b')'));
                assert_eq!(a.len(), b.len(), "SUMPRODUCT of unequal ranges");
                a.iter()
                    .zip(&b)
                    .map(|(&p, &q)| self.sheet.value(p) * self.sheet.value(q))
                    .sum()
            }
            "IF" => {
                let condition = self.expression();
                assert!(self.eat(b','));
                let yes = self.expression();
                assert!(self.eat(b','));
                let no = self.expression();
                assert!(self.eat(b')'));
                if condition != 0.0 {
                    yes
                } else {
                    no
                }
            }
            other => panic!("the evaluator does not know {other}"),
        }
    }

    /// A range `B7:K7`: its cells, row by row.
    fn range(&mut self) -> Vec<(u32, u32)> {
        let start = self.at;
        while self.peek().is_some_and(|c| c != b',' && c != b')') {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.text[start..self.at]).unwrap();
        let (a, b) = text.split_once(':').expect("a range");
        let (a, b) = (reference(a), reference(b));
        (a.0..=b.0)
            .flat_map(|r| (a.1..=b.1).map(move |c| (r, c)))
            .collect()
    }
}

/// A cell reference (`$B$7`, `C14`) as (row, column) from 0.
fn reference(text: &str) -> (u32, u32) {
    let clean: String = text.chars().filter(|&c| c != '$').collect();
    let letters: String = clean
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    let digits = &clean[letters.len()..];
    let column = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = digits
        .parse()
        .unwrap_or_else(|_| panic!("`{text}` is no cell"));
    (row - 1, column)
}

/// Each option's block: (name row, NPSV row), found by their labels.
fn blocks(sheet: &Sheet, options: usize) -> Vec<(u32, u32)> {
    let mut from = 0;
    (0..options)
        .map(|_| {
            let capital = sheet.row("Capital, mean of the draws", from);
            let npsv = sheet.row("NPSV: PV benefits", capital);
            from = npsv + 1;
            (capital - 1, npsv)
        })
        .collect()
}

fn appraisal_mean(out: &Path, option: &str, metric: &str) -> f64 {
    let rows = read_csv(&out.join("appraisal.csv"));
    num(
        rows.iter()
            .find(|r| r["option"] == option && r["metric"] == metric)
            .unwrap(),
        "mean",
    )
}

fn check_rebuilds_the_npsv(out: &Path, option_ids: &[&str]) {
    let path = out.join("economic-case.xlsx");
    let mut sheet = Sheet::open(&path, "Base case");
    let blocks = blocks(&sheet, option_ids.len());
    for (&(_, npsv_row), id) in blocks.iter().zip(option_ids) {
        let scale = appraisal_mean(out, id, "pv_costs").abs()
            + appraisal_mean(out, id, "pv_benefits").abs();
        let expected = appraisal_mean(out, id, "npsv");
        let got = sheet.value((npsv_row, 1));
        assert!(
            (got - expected).abs() <= 1e-6 * scale,
            "{id}: the formulas give {got}, appraisal.csv {expected}"
        );
        // The value stored beside the formula is the one the formula gives.
        assert!((sheet.stored((npsv_row, 1)) - got).abs() <= 1e-6 * scale);
    }
    // The discount factors are formulas of the rates: the Green Book's 3.5 % gives 1.035^−t.
    let df_row = sheet.row("Discount factor", 0);
    let rate_row = sheet.row("Discount rate", 0);
    let years = (0..200u32)
        .take_while(|t| sheet.formulas.contains_key(&(df_row, 1 + t)))
        .count() as u32;
    assert!(years >= 5, "{years} discount factors");
    for t in 0..years {
        let df = sheet.value((df_row, 1 + t));
        assert!(
            (df - 1.035f64.powi(-(t as i32))).abs() < 1e-12,
            "DF{t} = {df}"
        );
        assert!(sheet.formulas.contains_key(&(df_row, 1 + t)));
    }
    // With every rate at zero, the NPSV is the plain sum of the yearly net benefits.
    let yearly = read_csv(&out.join("yearly.csv"));
    for t in 1..years {
        sheet.overrides.insert((rate_row, 1 + t), 0.0);
    }
    for (&(_, npsv_row), id) in blocks.iter().zip(option_ids) {
        let undiscounted: f64 = yearly
            .iter()
            .filter(|r| r["option"] == *id && r["metric"] == "net")
            .map(|r| num(r, "mean"))
            .sum();
        let got = sheet.value((npsv_row, 1));
        assert!(
            (got - undiscounted).abs() <= 1e-6 * undiscounted.abs().max(1.0),
            "{id}: at a zero rate the formulas give {got}, yearly.csv's nets sum to {undiscounted}"
        );
    }
}

#[test]
fn the_base_case_sheet_rebuilds_each_options_npsv_in_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let out = run_named(dir.path(), &scenario, "out", &["--no-charts", "-n", "5000"]);
    check_rebuilds_the_npsv(&out, &["share-data", "status-page"]);
}

#[test]
fn removing_the_optimism_bias_adds_back_its_present_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("small.toml"), "out", &["--no-charts"]);
    check_rebuilds_the_npsv(&out, &["share"]);
    let mut sheet = Sheet::open(&out.join("economic-case.xlsx"), "Base case");
    let (_, npsv_row) = blocks(&sheet, 1)[0];
    let before = sheet.value((npsv_row, 1));
    let uplift = sheet.row("Optimism-bias uplift applied", 0);
    // equipment-development: the Green Book's upper bound, 200 %.
    assert_eq!(sheet.stored((uplift, 1)), 2.0);
    sheet.overrides.insert((uplift, 1), 0.0);
    let after = sheet.value((npsv_row, 1));
    let bias = appraisal_mean(&out, "share", "pv_optimism_bias");
    assert!(bias > 0.0);
    assert!(
        (after - before - bias).abs() <= 1e-6 * bias,
        "the NPSV rose by {} without the uplift; its PV is {bias}",
        after - before
    );
}

#[test]
fn an_uncertain_uplift_is_given_in_pounds_and_still_adds_up() {
    let text = fixture_text("small.toml").replace(
        "optimism_bias = \"equipment-development\"",
        "optimism_bias = \"uniform(0.2, 0.6)\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &["--no-charts"]);
    let sheet = Sheet::open(&out.join("economic-case.xlsx"), "Base case");
    sheet.row("Optimism-bias uplift: uncertain", 0);
    check_rebuilds_the_npsv(&out, &["share"]);
}
