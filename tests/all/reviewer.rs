//! The finance reviewer's tools: sensitivity, switching values, the assumptions register and
//! comparing runs.

use super::common::*;

/// NPSV = J · 1 − capital: journeys J ~ uniform(900, 1100) each save 0.5 repetitions of 10
/// minutes at £12 an hour (£1), in one year; capital ~ uniform(1000, 1400). Staff minutes vary
/// but cost nothing, so they cannot change the decision.
const LINEAR: &str = r#"
[scenario]
name = "Linear switching"
price_base_year = 2024
years = 1
iterations = 20000
seed = 9
[journeys]
per_year = "uniform(900, 1100)"
[users]
value_of_time = 12
[departments.d]
user_minutes = 0
staff_minutes = "uniform(1, 2)"
staff_cost_per_hour = 0
repetition_rate = 0.5
repeat_user_minutes = 10
repeat_staff_minutes = 0
[options.o]
capital = ["uniform(1000, 1400)"]
[[options.o.effect]]
departments = "*"
parameter = "repetition_rate"
reduce = 1
"#;

#[test]
fn switching_values_match_the_hand_calculation() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), LINEAR, &[]);
    let rows = read_csv(&out.join("switching.csv"));
    // Base case: J = 1000, capital = 1200, NPSV = −200. NPSV is zero at J = 1200 (+20%), or
    // at capital = 1000 (−16.7%).
    let journeys = row(&rows, &[("option", "o"), ("input", "journeys.per_year")]);
    assert_relative("base J", num(journeys, "base_value"), 1000.0, 1e-9);
    assert_relative(
        "switching J",
        num(journeys, "switching_value"),
        1200.0,
        1e-6,
    );
    assert_relative("change", num(journeys, "change_percent"), 20.0, 1e-6);
    assert_eq!(
        journeys["within_p5_p95"], "false",
        "1200 lies above the P95 of uniform(900, 1100)"
    );
    let capital = row(&rows, &[("option", "o"), ("input", "options.o.capital[0]")]);
    assert_relative(
        "switching capital",
        num(capital, "switching_value"),
        1000.0,
        1e-6,
    );
    assert_eq!(capital["within_p5_p95"], "false");
    let staff = row(
        &rows,
        &[("option", "o"), ("input", "departments.d.staff_minutes")],
    );
    assert_eq!(staff["switching_value"], "none");
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(case.contains("## Switching values"));
}

#[test]
fn the_dominant_input_tops_the_tornado() {
    let text = fixture_text("small.toml").replace(
        "per_year = \"pert(40k, 50k, 70k)\"",
        "per_year = \"uniform(1k, 200k)\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &text, &[]);
    let rows = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(rows[0]["output"], "cost_of_disjointedness");
    assert_eq!(rows[0]["input"], "journeys.per_year");
    assert!(num(&rows[0], "spearman") > 0.9, "{:?}", rows[0]);
    assert!(num(&rows[0], "swing") > 0.0);
    let top_for_npsv = rows.iter().find(|r| r["output"] == "npsv.share").unwrap();
    assert_eq!(top_for_npsv["input"], "journeys.per_year");
    // Sorted by |swing| within each output.
    let swings: Vec<f64> = rows
        .iter()
        .filter(|r| r["output"] == "npsv.share")
        .map(|r| num(r, "swing").abs())
        .collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]));
    assert!(out.join("charts/tornado-npsv-share.png").is_file());
}

#[test]
fn an_unchanged_register_gives_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let register = write_register(dir.path(), &scenario);
    let text = std::fs::read_to_string(&register).unwrap();
    // A byte-order mark first, so a spreadsheet opens the register as UTF-8; read back, it is
    // stripped (the run through the register below gives identical results).
    assert!(text.starts_with("\u{feff}key,distribution,price_year,mean,p5,p95,source,note\n"));
    assert!(text.contains("departments.one.repetition_rate,\"pert(20%, 30%, 50%)\""));
    let run = |name: &str, extra: &[&str]| run_named(dir.path(), &scenario, name, extra);
    let plain = run("plain", &[]);
    let via_register = run("register", &["--assumptions", register.to_str().unwrap()]);
    for file in [
        "summary.csv",
        "appraisal.csv",
        "yearly.csv",
        "sensitivity.csv",
        "switching.csv",
        "economic-case.md",
        "summary.md",
    ] {
        assert_eq!(
            std::fs::read(plain.join(file)).unwrap(),
            std::fs::read(via_register.join(file)).unwrap(),
            "{file} differs"
        );
    }
    // An edited row is applied, named and recorded.
    let edited = text.replace(
        "departments.one.repetition_rate,\"pert(20%, 30%, 50%)\"",
        "departments.one.repetition_rate,\"pert(40%, 50%, 60%)\"",
    );
    std::fs::write(&register, edited).unwrap();
    let changed = run("changed", &["--assumptions", register.to_str().unwrap()]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(changed.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["overrides"].as_array().unwrap().len(), 1);
    assert_eq!(json["overrides"][0]["to"], "pert(40%, 50%, 60%)");
    let line = text
        .lines()
        .position(|l| l.starts_with("departments.one.repetition_rate,"))
        .unwrap()
        + 1;
    assert!(
        json["overrides"][0]["by"]
            .as_str()
            .unwrap()
            .ends_with(&format!("row {line}")),
        "{}",
        json["overrides"][0]["by"]
    );
    let case = std::fs::read_to_string(changed.join("economic-case.md")).unwrap();
    assert!(
        case.contains("Assumptions changed from the scenario file")
            && case.contains("pert(40%, 50%, 60%)")
    );
}

#[test]
fn bad_registers_name_the_row_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let register = write_register(dir.path(), &scenario);
    let good = std::fs::read_to_string(&register).unwrap();
    let cases: [(String, &[&str]); 5] = [
        (
            good.replacen("key,distribution,", "key,distrib,", 1),
            &["row 1", "required column"],
        ),
        (
            good.replace(
                "departments.one.failure_demand,",
                "departments.one.failure_demnd,",
            ),
            &[
                "row ",
                "departments.one.failure_demnd",
                "no input has this key",
            ],
        ),
        (
            good.replace("\"pert(10%, 20%, 30%)\"", "\"pert(10%, 20%\""),
            &[
                "row ",
                "departments.one.failure_demand",
                "expected `,` or `)`",
            ],
        ),
        (
            good.replace("\"pert(10%, 20%, 30%)\"", "\"normal(0.3, 0.2)\""),
            &["row ", "departments.one.failure_demand", "6.7%"],
        ),
        (
            good.replace(
                "departments.two.staff_minutes,6",
                "departments.two.staff_minutes,-6",
            ),
            &["row ", "departments.two.staff_minutes", "outside"],
        ),
    ];
    for (text, expect) in cases {
        assert_ne!(text, good, "the case must change the register: {expect:?}");
        std::fs::write(&register, &text).unwrap();
        let out = dir.path().join("out");
        let output = run_in(
            dir.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--assumptions",
                register.to_str().unwrap(),
            ],
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        for fragment in expect {
            assert!(err.contains(fragment), "expected `{fragment}` in {err}");
        }
        assert!(!out.exists());
    }
}

#[test]
fn compare_shows_nothing_for_a_copy_and_exactly_the_change_after_set() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let run = |name: &str, extra: &[&str]| run_named(dir.path(), &scenario, name, extra);
    let a = run("a", &[]);
    let copy = run("copy", &[]);
    let report = dir.path().join("same.md");
    let output = run_in(
        dir.path(),
        &[
            "compare",
            a.to_str().unwrap(),
            copy.to_str().unwrap(),
            "-o",
            report.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("No inputs differ."), "{text}");
    assert!(
        !text.contains("(+") && !text.contains("(−"),
        "a copy shows no change: {text}"
    );
    let b = run(
        "b",
        &["--set", "departments.two.user_minutes=uniform(10, 20)"],
    );
    let report = dir.path().join("changed.md");
    assert!(run_in(
        dir.path(),
        &[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "-o",
            report.to_str().unwrap()
        ]
    )
    .status
    .success());
    let text = std::fs::read_to_string(&report).unwrap();
    let inputs_section = text.split("## Annual cost").next().unwrap();
    let differing: Vec<&str> = inputs_section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .collect();
    assert_eq!(differing.len(), 1, "{text}");
    assert!(
        differing[0].contains("departments.two.user_minutes")
            && differing[0].contains("uniform(10, 20)")
    );
    // Only value demand moved: the disjointed cost and the options are unchanged.
    assert!(text.contains("| share | NPSV (mean) |") && text.contains("no change"));
}

#[test]
fn compare_refuses_folders_that_are_not_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let output = run_in(
        dir.path(),
        &["compare", out.to_str().unwrap(), empty.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no run.json"));
    let json = std::fs::read_to_string(out.join("run.json")).unwrap();
    std::fs::write(
        out.join("run.json"),
        json.replace(
            &format!("\"results_format\": {}", seams::export::RESULTS_FORMAT),
            "\"results_format\": 99",
        ),
    )
    .unwrap();
    let output = run_in(
        dir.path(),
        &["compare", out.to_str().unwrap(), out.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("can compare format"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("compare.md").exists());
}

#[test]
fn the_registers_computed_columns_are_not_edited_silently() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let register = write_register(dir.path(), &scenario);
    let text = std::fs::read_to_string(&register).unwrap();
    // Figures at sensible precision: no 17-digit tails.
    for line in text.lines().skip(1) {
        for cell in line.split(',').filter(|c| c.parse::<f64>().is_ok()) {
            let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
            let significant = digits.trim_start_matches('0').trim_end_matches('0');
            assert!(significant.len() <= 12, "{cell} in {line}");
        }
    }
    // Editing the mean alone is refused, naming the row and the fix.
    let edited = text.replacen(
        "journeys.growth,\"uniform(0%, 2%)\",,0.01,",
        "journeys.growth,\"uniform(0%, 2%)\",,0.05,",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&register, &edited).unwrap();
    let out = dir.path().join("out");
    let output = run_scenario(
        dir.path(),
        &scenario,
        &out,
        &["--assumptions", register.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("row 3: journeys.growth"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("edit the distribution"),
        "{}",
        stderr(&output)
    );
    // Editing the distribution is applied, and the run says which rows it applied.
    let applied = text.replacen(
        "journeys.growth,\"uniform(0%, 2%)\"",
        "journeys.growth,\"uniform(0%, 3%)\"",
        1,
    );
    std::fs::write(&register, &applied).unwrap();
    // Not quiet: the run lists what it applied on the terminal.
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--assumptions",
            register.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("row 3: journeys.growth = uniform(0%, 3%) (was uniform(0%, 2%))"),
        "{}",
        stdout(&output)
    );
}

/// A scenario whose figures follow by hand: the cost of disjointedness is 1000 × (£0.20 × X +
/// £0.50 × Y) a year, X and Y the user and staff minutes per repetition (2 and 4); the option
/// halves repetitions from year 0 for £100 of capital.
const ATTRIBUTION: &str = r#"
[scenario]
name = "Attribution"
price_base_year = 2024
years = 1
iterations = 100
seed = 3

[journeys]
per_year = 1000

[users]
value_of_time = 12

[departments.a]
user_minutes = 1
staff_minutes = 1
staff_cost_per_hour = 30
repetition_rate = 1
repeat_user_minutes = 2
repeat_staff_minutes = 4

[options.half]
capital = [100]
[[options.half.effect]]
departments = ["a"]
parameter = "repetition_rate"
reduce = "50%"
"#;

/// Runs the attribution fixture as run A, then with `sets` (`KEY=VALUE` each) as run B; returns
/// the folder that holds them (kept while it lives), the two results folders and `seams
/// compare A B`'s report.
fn compare_with(sets: &[&str]) -> (tempfile::TempDir, [std::path::PathBuf; 2], String) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("attribution.toml");
    std::fs::write(&scenario, ATTRIBUTION).unwrap();
    let a = run_named(dir.path(), &scenario, "a", &["--no-charts"]);
    let mut args = vec!["--no-charts"];
    for set in sets {
        args.extend(["--set", set]);
    }
    let b = run_named(dir.path(), &scenario, "b", &args);
    let output = run_in(
        dir.path(),
        &["compare", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    (dir, [a, b], report)
}

#[test]
fn compare_explains_each_changed_input_s_share_of_a_change_worked_by_hand() {
    // The cost of disjointedness is 1000 × (£0.20 × X + £0.50 × Y) a year, X and Y the user and
    // staff minutes per repetition. A has X = 2, Y = 4 (£2,400); B has X = 3, Y = 6 (£3,600):
    // +£1,200, of which X accounts for £200 and Y for £1,000, with nothing left over. The
    // option halves repetitions for one year at a cost of £100, so its NPSV moves by half.
    let (_dir, _, report) = compare_with(&[
        "departments.a.repeat_user_minutes=3",
        "departments.a.repeat_staff_minutes=6",
    ]);
    for line in [
        "| **Change in the mean, A to B** | +£1.20k | +£600 |",
        "| `departments.a.repeat_staff_minutes` | +£1.00k | +£500 |",
        "| `departments.a.repeat_user_minutes` | +£0.200k | +£100 |",
        "| Interaction and other | £0 | £0 |",
        "| half | PV costs (mean) | £0.100k | £0.100k | no change |",
    ] {
        assert!(report.contains(line), "no `{line}` in\n{report}");
    }
}

#[test]
fn compare_attributes_a_discount_rate_and_a_period_change_worked_by_hand() {
    // The attribution fixture's option saves £1,200 a year from year 0 for £100 of capital.
    // A: one year, the Green Book schedule: NPSV = 1,200 − 100 = £1,100.
    // B: two years at a fixed 10 %: NPSV = 1,200 + 1,200/1.1 − 100 = £2,190.91 (+£1,090.91).
    // B with A's discounting (two years at 3.5 %): 1,200 + 1,200/1.035 − 100 = £2,259.42, so
    // discounting accounts for −£68.51; B with A's period (one year at 10 %): £1,100, so the
    // period accounts for +£1,090.91; the interaction is the +£68.51 left.
    let (_dir, [a, b], report) = compare_with(&["scenario.years=2", "discounting.rate=10%"]);
    let npsv = |out: &std::path::Path| {
        let rows = read_csv(&out.join("appraisal.csv"));
        num(
            row(&rows, &[("option", "half"), ("metric", "npsv")]),
            "mean",
        )
    };
    assert_relative("A", npsv(&a), 1100.0, 1e-12);
    assert_relative("B", npsv(&b), 1200.0 + 1200.0 / 1.1 - 100.0, 1e-12);
    for line in [
        "| Discounting | the Green Book schedule (3.5% declining) | a fixed 10% |",
        "| Appraisal period | 1 year from 2024 | 2 years from 2024 |",
        "| **Change in the mean, A to B** | £0 | +£1.09k |",
        "| Discounting | £0 | −£0.069k |",
        "| Appraisal period | £0 | +£1.09k |",
        "| Interaction and other | £0 | +£0.069k |",
    ] {
        assert!(report.contains(line), "no `{line}` in\n{report}");
    }
}
