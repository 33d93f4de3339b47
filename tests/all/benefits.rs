//! The benefits register (docs/method.md §3e) against figures worked out by hand from
//! tests/fixtures/benefits.toml, and against the run's other files.
//!
//! By hand. Inspection office: c = 1, r = 50%, φ = 20% so F = φ/(1−φ) = 0.25 failure contacts.
//! The option cuts r by 40% (target 30%) and failure contacts by half: φ' = 0.2·0.5 / (1 −
//! 0.2·0.5) = 1/9 (F' = 0.125). A user minute is worth £0.20 and a staff minute £0.50, so per
//! journey users save 0.2·4 + 0.125·10 = 2.05 minutes (£0.41) and government 0.2·2·£0.50 +
//! 0.125·(6·£0.50 + £1) = £0.70, of which the channel cost 0.125·£1 = £0.125 is cash and half
//! of the staff cost £0.575 is: £0.4125. Test booking: shares 3:1 are 75% online; set to 90%,
//! user minutes fall from 15 to 12, user cost from £0.15 to £0.06 and government's cost per
//! journey from 3.25·£0.50 + £1.375 = £3.00 to 1.9·£0.50 + £0.85 = £1.80 (the cost per
//! transaction), the channel part (£1.375 → £0.85) all cash, the staff part none.
//!
//! Live from year 1 (2026) with adoption 50% then 100%: full effect in year 2 (2027), on 1,000
//! journeys a year. Reach Σ DF_y·a_y·J = 500/1.035 + 1000/1.035².

use std::collections::HashMap;

use super::common::*;

const TIGHT: f64 = 1e-9;

/// A scenario shipped in `scenarios/`.
fn shipped(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn reach() -> f64 {
    500.0 / 1.035 + 1000.0 / (1.035 * 1.035)
}

fn register_rows(out: &std::path::Path) -> Vec<HashMap<String, String>> {
    read_csv(&out.join("benefits.csv"))
}

fn target(rows: &[HashMap<String, String>], dept: &str, measure: &str) -> f64 {
    num(
        row(rows, &[("department", dept), ("measure", measure)]),
        "target_mean",
    )
}

fn baseline(rows: &[HashMap<String, String>], dept: &str, measure: &str) -> f64 {
    num(
        row(rows, &[("department", dept), ("measure", measure)]),
        "baseline_mean",
    )
}

#[test]
fn baselines_and_targets_are_the_parameters_before_and_after_the_effects() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("benefits.toml"), "out", &[]);
    let rows = register_rows(&out);
    let expected = [
        ("apha", "repetition_rate", 0.5, 0.3),
        // The failure-demand rule: failure contacts halved, φ' = 0.1 / 0.9.
        ("apha", "failure_demand", 0.2, 0.1 / 0.9),
        // A channel shift: the normalised share before and after.
        ("dvsa", "channels.online.share", 0.75, 0.9),
        ("dvsa", "cost_per_transaction", 3.0, 1.8),
        ("dvsa", "digital_take_up", 0.75, 0.9),
    ];
    for (dept, measure, before, after) in expected {
        assert_relative(measure, baseline(&rows, dept, measure), before, TIGHT);
        assert_relative(measure, target(&rows, dept, measure), after, TIGHT);
        let line = row(&rows, &[("department", dept), ("measure", measure)]);
        assert_eq!(line["from_year"], "2026");
        assert_eq!(line["full_year"], "2027");
    }
    // Fixed inputs: the P10 and P90 are the value itself.
    let line = row(
        &rows,
        &[("department", "apha"), ("measure", "repetition_rate")],
    );
    assert_eq!(num(line, "target_p10"), num(line, "target_p90"));
    // A benefit the model does not value: owner to be agreed, no figures.
    let unvalued = row(&rows, &[("department", "to be agreed")]);
    assert_eq!(unvalued["measure"], "less stress for applicants");
    assert_eq!(unvalued["target_mean"], "");
}

#[test]
fn each_department_gains_what_its_savings_are_worth_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("benefits.toml"), "out", &[]);
    let rows = register_rows(&out);
    let expected = [
        ("apha", "value_users_year", 1000.0 * 0.41),
        ("apha", "value_government_year", 1000.0 * 0.70),
        ("apha", "value_year", 1000.0 * 1.11),
        ("apha", "pv_benefits", 1.11 * reach()),
        ("apha", "pv_benefits_government", 0.70 * reach()),
        ("apha", "pv_cash_releasing", 0.4125 * reach()),
        // Users save 3 minutes (£0.60) and £0.09 of call charges.
        ("dvsa", "value_users_year", 1000.0 * 0.69),
        ("dvsa", "value_government_year", 1000.0 * 1.2),
        ("dvsa", "pv_benefits", (0.69 + 1.2) * reach()),
        ("dvsa", "pv_cash_releasing", 0.525 * reach()),
    ];
    for (dept, measure, value) in expected {
        assert_relative(
            &format!("{dept} {measure}"),
            target(&rows, dept, measure),
            value,
            TIGHT,
        );
    }
}

#[test]
fn the_register_adds_up_to_the_yearly_appraisal_and_organisation_files() {
    let dir = tempfile::tempdir().unwrap();
    // An uncertain scenario: the sums hold iteration by iteration, so for the means too.
    let out = run_named(
        dir.path(),
        &shipped("border-exports.toml"),
        "out",
        &["-n", "5000"],
    );
    let rows = register_rows(&out);
    let appraisal = read_csv(&out.join("appraisal.csv"));
    let yearly = read_csv(&out.join("yearly.csv"));
    let organisations = read_csv(&out.join("organisations.csv"));
    for option in ["share-data", "status-page"] {
        let of_option: Vec<_> = rows
            .iter()
            .filter(|r| r["option"] == option)
            .cloned()
            .collect();
        let sum = |measure: &str| -> f64 {
            of_option
                .iter()
                .filter(|r| r["measure"] == measure)
                .map(|r| num(r, "target_mean"))
                .sum()
        };
        let metric = |m: &str| {
            num(
                row(&appraisal, &[("option", option), ("metric", m)]),
                "mean",
            )
        };
        assert_relative(
            "pv_benefits",
            sum("pv_benefits"),
            metric("pv_benefits"),
            TIGHT,
        );
        assert_relative(
            "pv_cash_releasing",
            sum("pv_cash_releasing"),
            metric("pv_benefits_cash_releasing"),
            TIGHT,
        );
        let full_year = &of_option[0]["full_year"];
        let flow = |m: &str| {
            num(
                row(
                    &yearly,
                    &[("option", option), ("year", full_year), ("metric", m)],
                ),
                "mean",
            )
        };
        assert_relative(
            "users",
            sum("value_users_year"),
            flow("benefit_users"),
            TIGHT,
        );
        assert_relative(
            "government",
            sum("value_government_year"),
            flow("benefit_government"),
            TIGHT,
        );
        for line in of_option
            .iter()
            .filter(|r| r["measure"] == "pv_benefits_government")
        {
            let department = &line["department"];
            let received = row(
                &organisations,
                &[
                    ("option", option),
                    ("organisation", department),
                    ("metric", "pv_benefits_government"),
                ],
            );
            assert_relative(
                department,
                num(line, "target_mean"),
                num(received, "mean"),
                TIGHT,
            );
        }
    }
}

#[test]
fn a_portfolio_register_has_a_total_for_an_organisation_in_several_journeys() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(
        dir.path(),
        &shipped("joined-up-government.toml"),
        "out",
        &["-n", "4096"],
    );
    let rows = register_rows(&out);
    let organisations = read_csv(&out.join("organisations.csv"));
    let option = "data-standards";
    // HMRC is reached in border-exports and tell-us-once.
    let journeys: Vec<&HashMap<String, String>> = rows
        .iter()
        .filter(|r| {
            r["option"] == option
                && r["department"] == "hmrc"
                && r["scenario"] != "total"
                && r["measure"] == "pv_benefits_government"
        })
        .collect();
    assert!(journeys.len() >= 2, "{journeys:?}");
    let total = row(
        &rows,
        &[
            ("scenario", "total"),
            ("option", option),
            ("department", "hmrc"),
            ("measure", "pv_benefits_government"),
        ],
    );
    let sum: f64 = journeys.iter().map(|r| num(r, "target_mean")).sum();
    assert_relative("hmrc total", num(total, "target_mean"), sum, TIGHT);
    let received = row(
        &organisations,
        &[
            ("scenario", "total"),
            ("option", option),
            ("organisation", "hmrc"),
            ("metric", "pv_benefits_government"),
        ],
    );
    assert_relative(
        "hmrc received",
        num(total, "target_mean"),
        num(received, "mean"),
        TIGHT,
    );
    // The case groups the register by journey, with the organisation's total after.
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let section = &case[case.find("## Benefits register").unwrap()..];
    assert!(section.contains("| **Exporting plants"), "{section}");
    assert!(
        section.contains("HM Revenue & Customs, all journeys"),
        "{section}"
    );
}

#[test]
fn the_case_word_document_and_workbook_carry_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_named(dir.path(), &fixture("benefits.toml"), "out", &[]);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    let section = &case[case.find("## Benefits register").unwrap()..];
    // Baseline → target in the measure's unit; owner, years and values in the second table.
    for line in [
        "| Inspection office | Repetition rate | 50% | 30% |",
        "|  | Failure demand (share of contacts) | 20% | 11% |",
        "| Test booking | Online share | 75% | 90% |",
        "| To be agreed | Less stress for applicants | not valued |  |",
        "| Inspection office | 2026 | 2027 | £1.11k | £1.57k | £0.584k |",
        "| **Total** |  |  |  | **£4.25k** | **£1.33k** |",
    ] {
        assert!(section.contains(line), "{line}\n{section}");
    }
    // Every effect is fixed: no uncertainty to name.
    assert!(
        section.contains("Every effect of this option is a fixed figure"),
        "{section}"
    );
    let document = super::word::part(&out.join("economic-case.docx"), "word/document.xml");
    assert!(
        document.contains("Benefits register"),
        "the Word document has no register"
    );
    assert!(document.contains("less stress for applicants"));
    let sheet = super::workbook::texts(&out.join("economic-case.xlsx"), "Benefits register");
    assert!(sheet.iter().any(|s| s == "pv_cash_releasing"), "{sheet:?}");
    assert!(
        sheet.iter().any(|s| s == "less stress for applicants"),
        "{sheet:?}"
    );
}
