//! Bad input: exit code 2, a message naming the key and the problem, no panic, and no results
//! folder created or changed.

use super::common::*;

/// A change to tests/fixtures/small.toml: replace `from` by `to` (once).
struct Case {
    from: &'static str,
    to: &'static str,
    args: &'static [&'static str],
    expect: &'static [&'static str],
}

const fn case(from: &'static str, to: &'static str, expect: &'static [&'static str]) -> Case {
    Case {
        from,
        to,
        args: &[],
        expect,
    }
}

const CASES: &[Case] = &[
    case(
        "name = \"Office One\"",
        "name = \"Office One",
        &["scenario.toml:", "fix:"],
    ),
    case(
        "repetition_rate = \"pert(20%",
        "repetiton_rate = \"pert(20%",
        &[
            "departments.one.repetiton_rate",
            "did you mean `repetition_rate`",
        ],
    ),
    case(
        "user_minutes = \"uniform(5, 15)\"",
        "",
        &["departments.two.user_minutes", "required"],
    ),
    case(
        "user_minutes = \"pert(10, 20, 40)\"",
        "user_minutes = \"pert(10, 50, 20)\"",
        &["departments.one.user_minutes", "mode 50 lies outside"],
    ),
    case(
        "repetition_rate = \"pert(20%, 30%, 50%)\"",
        "repetition_rate = \"beta(mean=0.5, sd=0.6)\"",
        &["departments.one.repetition_rate", "infeasible"],
    ),
    case(
        "failure_demand = \"pert(10%, 20%, 30%)\"",
        "failure_demand = \"normal(0.3, 0.2)\"",
        &["departments.one.failure_demand", "6.7%", "use pert or beta"],
    ),
    case(
        "staff_minutes = 6",
        "staff_minutes = -6",
        &["departments.two.staff_minutes", "outside"],
    ),
    case(
        "user_minutes = \"pert(10, 20, 40)\"",
        "user_minutes = \"pert(10, 20\"",
        &["departments.one.user_minutes", "expected `,` or `)`"],
    ),
    case(
        "departments = [\"one\"]",
        "departments = [\"three\"]",
        &[
            "options.share.effect[0].departments",
            "no department has the id `three`",
        ],
    ),
    case(
        "parameter = \"repetition_rate\"",
        "parameter = \"repetition_rat\"",
        &[
            "options.share.effect[0].parameter",
            "did you mean `repetition_rate`",
        ],
    ),
    case(
        "reduce = \"pert(50%, 75%, 90%)\"",
        "reduce = 1.5",
        &["options.share.effect[0].reduce", "outside"],
    ),
    case(
        "adoption = [0.5, 0.9]",
        "adoption = [0.5, 1.2]",
        &["options.share.adoption[1]", "outside"],
    ),
    case(
        "live = 1",
        "live = 5",
        &["options.share.live", "outside the appraisal years"],
    ),
    case(
        "capital = [\"pert(100k, 150k, 250k)\"]",
        "capital = [1, 2, 3, 4, 5, 6]",
        &["options.share.capital", "6 capital entries"],
    ),
    case(
        "optimism_bias = \"equipment-development\"",
        "optimism_bias = \"equipment-developmnt\"",
        &[
            "options.share.optimism_bias",
            "not a Green Book optimism-bias category",
            "equipment-development",
        ],
    ),
    case(
        "[options.share]",
        "[discounting]\nrate = -1\n\n[options.share]",
        &["discounting.rate", "outside"],
    ),
    case(
        "per_year = \"pert(40k, 50k, 70k)\"",
        "per_year = true",
        &["journeys.per_year", "expected a number"],
    ),
    case(
        "per_year = \"pert(40k, 50k, 70k)\"",
        "per_year = nan",
        &["journeys.per_year", "not a usable number"],
    ),
    case(
        "per_year = \"pert(40k, 50k, 70k)\"",
        "per_year = 1e400",
        &["scenario.toml:"],
    ),
    case(
        "staff_minutes = 6",
        "staff_minutes = 6\nstaff_minutes = 7",
        &["scenario.toml:", "duplicate"],
    ),
    case(
        "[options.share]",
        "[options.bau]",
        &["options.bau", "reserved"],
    ),
    case("[users]", "users = 5\n[userz]", &["scenario.toml:"]),
    case(
        "value_of_time = { value = \"pert(15, 17, 19)\", source = \"NAO\", note = \"per hour\" }",
        "value_of_time = { value = \"pert(15, 17, 19)\", sauce = \"NAO\" }",
        &["users.value_of_time", "unknown key `sauce`"],
    ),
    Case {
        from: "",
        to: "",
        args: &["--iterations", "0"],
        expect: &["--iterations", "whole number from 1 to 100,000,000"],
    },
    Case {
        from: "",
        to: "",
        args: &["--set", "departments.one.repetiton_rate=0.3"],
        expect: &[
            "departments.one.repetiton_rate",
            "no input has this key",
            "did you mean departments.one.repetition_rate",
        ],
    },
    Case {
        from: "",
        to: "",
        args: &["--set", "departments.one.failure_demand=normal(0.3, 0.2)"],
        expect: &["--set", "departments.one.failure_demand", "6.7%"],
    },
    Case {
        from: "",
        to: "",
        args: &["--set", "journeys.per_year"],
        expect: &["--set", "KEY=DIST"],
    },
];

fn assert_bad_input(
    dir: &std::path::Path,
    scenario: &std::path::Path,
    args: &[&str],
    expect: &[&str],
) {
    let out = dir.join("out");
    let mut all = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let output = run_in(dir, &all);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{expect:?}: exit {:?}, stderr {err}",
        output.status.code()
    );
    for fragment in expect {
        assert!(err.contains(fragment), "expected `{fragment}` in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists(), "a results folder was created for {expect:?}");
}

#[test]
fn every_bad_scenario_is_refused_clearly() {
    let good = fixture_text("small.toml");
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        assert!(good.contains(case.from), "fixture lacks {:?}", case.from);
        let text = if case.from.is_empty() {
            good.clone()
        } else {
            good.replacen(case.from, case.to, 1)
        };
        let scenario = dir.path().join("scenario.toml");
        std::fs::write(&scenario, text).unwrap();
        assert_bad_input(dir.path(), &scenario, case.args, case.expect);
    }
}

#[test]
fn unreadable_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    assert_bad_input(dir.path(), &missing, &[], &["cannot read", "missing.toml"]);
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, b"[scenario]\nname = \"\xff\xfe\"\n").unwrap();
    assert_bad_input(dir.path(), &binary, &[], &["not UTF-8"]);
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    assert_bad_input(dir.path(), &empty, &[], &["missing field"]);
    let no_departments = dir.path().join("none.toml");
    let text = fixture_text("small.toml");
    std::fs::write(
        &no_departments,
        &text[..text.find("[departments.one]").unwrap()],
    )
    .unwrap();
    assert_bad_input(dir.path(), &no_departments, &[], &["no departments"]);
}

#[test]
fn a_bad_run_leaves_an_existing_results_folder_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("small.toml"), &[]);
    let before = std::fs::read(out.join("run.json")).unwrap();
    let scenario = dir.path().join("scenario.toml");
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--set",
            "nope=1",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(out.join("run.json")).unwrap(), before);
    // Only the scenario and the results folder: no partial folder left beside them.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn out_must_not_clobber_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let precious = dir.path().join("precious");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("notes.txt"), "keep").unwrap();
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            precious.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("is a folder that seams did not write"));
    assert_eq!(
        std::fs::read_to_string(precious.join("notes.txt")).unwrap(),
        "keep"
    );
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let output = run_in(
        dir.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is a file"));
}

#[test]
fn a_short_name_too_long_for_a_chart_is_refused_and_a_short_one_names_the_department() {
    let text = fixture_text("small.toml").replace(
        "name = \"Office One\"",
        "name = \"Office One\"\nshort_name = \"The first office of the two in this fixture\"",
    );
    let message = seams::Source::from_text(&text, "small.toml")
        .model(&[])
        .unwrap_err()
        .to_string();
    for part in [
        "departments.one.short_name",
        "has 43 characters",
        "give at most 24 characters",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let text = fixture_text("small.toml").replace(
        "name = \"Office One\"",
        "name = \"Office One\"\nshort_name = \"O1\"",
    );
    let model = seams::Source::from_text(&text, "small.toml")
        .model(&[])
        .unwrap();
    // Charts and tight tables use the short name; the name stays everywhere else.
    assert_eq!(
        model.label("departments.one.failure_demand"),
        "O1: failure demand"
    );
    assert_eq!(model.departments()[0].name, "Office One");
}
