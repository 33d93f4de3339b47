//! Portfolios (docs/method.md §6a): a portfolio of one scenario is that scenario; two copies of a
//! scenario add up as independent journeys, or as one journey twice when every uncertain input
//! is shared; an option reaching one journey leaves the other alone in every iteration; an
//! organisation serving two journeys is one row; and every malformed portfolio is refused
//! before anything is written.

use super::common::*;
use seams::engine::eval::{evaluate, Layout, Scratch};
use seams::outputs::{OrgMetric, Scope};

/// The portfolio settings that match tests/fixtures/small.toml's own.
const SETTINGS: &str =
    "price_base_year = 2024\nfirst_year = 2025\nyears = 5\niterations = 4000\nseed = 11\n";

/// Writes `small.toml` under each stem (each copy with a comment naming it, so that no two
/// are the same file, which a portfolio refuses) and a portfolio of them (with `rest` after
/// its `[portfolio]` table) into `dir`; returns the portfolio's path.
fn portfolio(dir: &std::path::Path, stems: &[&str], rest: &str) -> std::path::PathBuf {
    for stem in stems {
        let text = format!(
            "{}\n# the copy for journey {stem}\n",
            fixture_text("small.toml")
        );
        std::fs::write(dir.join(format!("{stem}.toml")), text).unwrap();
    }
    let list: Vec<String> = stems.iter().map(|s| format!("\"{s}.toml\"")).collect();
    let text = format!(
        "[portfolio]\nname = \"Test portfolio\"\n{SETTINGS}scenarios = [{}]\n{rest}",
        list.join(", ")
    );
    let path = dir.join("portfolio.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A portfolio of `a.toml` that also lists `extra`, a path relative to it.
fn portfolio_listing(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let path = portfolio(dir, &["a"], "");
    let text = std::fs::read_to_string(&path).unwrap();
    let listed = text.replace("\"a.toml\"", &format!("\"a.toml\", \"{extra}\""));
    std::fs::write(&path, listed).unwrap();
    path
}

/// The lines of a CSV file.
fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_portfolio_of_one_scenario_gives_the_scenario_s_own_figures() {
    let dir = tempfile::tempdir().unwrap();
    let alone = run_named(dir.path(), &fixture("small.toml"), "alone", &[]);
    let path = portfolio(dir.path(), &["small"], "");
    let joined = run_named(dir.path(), &path, "joined", &[]);
    let expected = lines(&alone.join("summary.csv"));
    let got: Vec<String> = lines(&joined.join("summary.csv"))
        .into_iter()
        .filter_map(|l| l.strip_prefix("small,").map(String::from))
        .collect();
    assert_eq!(got.len() + 1, expected.len(), "every BAU row, header aside");
    assert_eq!(got, expected[1..], "byte-identical BAU rows");
    assert!(lines(&joined.join("summary.csv"))[0].starts_with("scenario,department,"));
}

/// The mean, sd and se of the total annual cost of disjointedness (users and government) in a
/// scope of `summary.csv`: `scenario` is `None` for a scenario's own file.
fn disjointed(out: &std::path::Path, scenario: Option<&str>) -> (f64, f64, f64) {
    let rows = read_csv(&out.join("summary.csv"));
    let mut keys = vec![
        ("department", "total"),
        ("component", "disjointed"),
        ("bearer", "all"),
    ];
    if let Some(s) = scenario {
        keys.push(("scenario", s));
    }
    let r = row(&rows, &keys);
    (num(r, "mean"), num(r, "sd"), num(r, "se"))
}

#[test]
fn two_copies_add_up_as_independent_journeys() {
    let dir = tempfile::tempdir().unwrap();
    let alone = run_named(
        dir.path(),
        &fixture("small.toml"),
        "alone",
        &["-n", "20000"],
    );
    let path = portfolio(dir.path(), &["a", "b"], "");
    let joined = run_named(dir.path(), &path, "joined", &["-n", "20000"]);
    let (mean, sd, se) = disjointed(&alone, None);
    let (total_mean, total_sd, total_se) = disjointed(&joined, Some("total"));
    // The three samples are independent: the portfolio's two journeys draw on streams of their
    // own, neither the scenario's.
    let se_difference = (total_se.powi(2) + (2.0 * se).powi(2)).sqrt();
    assert_within_se("total mean", total_mean, 2.0 * mean, se_difference, 4.0);
    assert_relative("total sd", total_sd, 2f64.sqrt() * sd, 0.05);
    // Each journey on its own has the scenario's distribution.
    for stem in ["a", "b"] {
        let (m, s, _) = disjointed(&joined, Some(stem));
        assert_relative(&format!("{stem} sd"), s, sd, 0.05);
        assert_within_se(&format!("{stem} mean"), m, mean, (2.0f64).sqrt() * se, 4.0);
    }
}

#[test]
fn two_copies_sharing_every_uncertain_input_are_one_journey_twice() {
    let dir = tempfile::tempdir().unwrap();
    let model = seams::Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let shared: Vec<String> = model
        .inputs()
        .iter()
        .filter(|i| !i.sampler.is_fixed() && !i.key.starts_with("options."))
        .map(|i| format!("\"{}\" = \"{}\"", i.key, i.text))
        .collect();
    assert!(
        shared.len() >= 8,
        "the fixture has uncertain inputs to share"
    );
    let path = portfolio(
        dir.path(),
        &["a", "b"],
        &format!("[shared]\n{}\n", shared.join("\n")),
    );
    let alone = run_named(dir.path(), &fixture("small.toml"), "alone", &[]);
    let joined = run_named(dir.path(), &path, "joined", &[]);
    let (mean, sd, _) = disjointed(&alone, None);
    let (total_mean, total_sd, _) = disjointed(&joined, Some("total"));
    assert_relative("total mean", total_mean, 2.0 * mean, 1e-12);
    assert_relative("total sd", total_sd, 2.0 * sd, 1e-12);
}

/// A portfolio of two copies with one option reaching only `a`'s department `one`.
fn one_sided(dir: &std::path::Path) -> seams::Model {
    let path = portfolio(
        dir,
        &["a", "b"],
        r#"
[options.fix-a]
name = "Fix journey a"
funded_by = "gds"
capital = ["pert(100k, 150k, 250k)"]

[[options.fix-a.effect]]
scenarios = ["a"]
departments = ["one"]
parameter = "failure_demand"
reduce = "pert(20%, 40%, 60%)"
"#,
    );
    seams::Source::read(&path)
        .and_then(|s| s.model(&[]))
        .unwrap()
}

#[test]
fn an_option_reaching_one_journey_leaves_the_other_unchanged_in_every_iteration() {
    let dir = tempfile::tempdir().unwrap();
    let model = one_sided(dir.path());
    let layout = Layout::new(&model);
    let mut scratch = Scratch::new(&model, &layout);
    let mut outputs = vec![0.0; layout.len];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let b = model.journeys().iter().position(|j| j.id == "b").unwrap();
    let a = model.journeys().iter().position(|j| j.id == "a").unwrap();
    let mut moved_a = 0;
    for _ in 0..2000 {
        // Every input at its quantile of an independent uniform draw.
        let inputs = random_inputs(&model, &mut state);
        evaluate(&model, &layout, &inputs, &mut scratch, |k, v| {
            outputs[k] = v
        });
        for k in 0..2 {
            let bau = outputs[layout.transaction(None, Scope::Journey(b), k)];
            let with = outputs[layout.transaction(Some(0), Scope::Journey(b), k)];
            assert_eq!(bau.to_bits(), with.to_bits(), "journey b moved");
        }
        let bau = outputs[layout.transaction(None, Scope::Journey(a), 0)];
        let with = outputs[layout.transaction(Some(0), Scope::Journey(a), 0)];
        moved_a += usize::from(with < bau);
    }
    assert_eq!(moved_a, 2000, "journey a's cost falls in every iteration");
}

#[test]
fn an_organisation_in_two_journeys_is_one_row_receiving_both_journeys_benefits() {
    let dir = tempfile::tempdir().unwrap();
    let option = |scenarios: &str| {
        format!(
            "[options.fix]\nname = \"Fix\"\ncapital = [\"100k\"]\n\n[[options.fix.effect]]\nscenarios = {scenarios}\ndepartments = [\"one\"]\nparameter = \"failure_demand\"\nreduce = \"pert(20%, 40%, 60%)\"\n"
        )
    };
    let benefit = |scenarios: &str, name: &str| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let path = portfolio(&sub, &["a", "b"], &option(scenarios));
        let out = run_named(&sub, &path, "out", &[]);
        let rows = read_csv(&out.join("organisations.csv"));
        let ones: Vec<_> = rows
            .iter()
            .filter(|r| {
                r["organisation"] == "one" && r["metric"] == OrgMetric::PvBenefitsGovernment.name()
            })
            .collect();
        assert_eq!(ones.len(), 1, "one row for organisation `one`");
        assert_eq!(ones[0]["scenario"], "total");
        num(ones[0], "mean")
    };
    let only_a = benefit("[\"a\"]", "a");
    let only_b = benefit("[\"b\"]", "b");
    let both = benefit("\"*\"", "both");
    assert!(only_a > 0.0 && only_b > 0.0);
    // The same draws in each run: the sum of both journeys' benefits in every iteration.
    assert_relative("benefits of both journeys", both, only_a + only_b, 1e-9);
}

/// Runs a malformed portfolio: exit 2, the message contains each of `expect`, and no results
/// folder.
fn refused(dir: &std::path::Path, path: &std::path::Path, expect: &[&str]) {
    let out = dir.join("out");
    let output = run_scenario(dir, path, &out, &[]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    for e in expect {
        assert!(message.contains(e), "{e:?} not in: {message}");
    }
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_missing_scenario_file_is_named_with_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio_listing(dir.path(), "missing.toml");
    refused(
        dir.path(),
        &path,
        &[
            "missing.toml",
            "portfolio.toml",
            "relative to the portfolio file",
        ],
    );
}

#[test]
fn a_scenario_that_is_itself_a_portfolio_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = portfolio(dir.path(), &["a"], "");
    std::fs::rename(&inner, dir.path().join("inner.toml")).unwrap();
    let path = portfolio_listing(dir.path(), "inner.toml");
    refused(dir.path(), &path, &["inner.toml", "is itself a portfolio"]);
}

#[test]
fn an_effect_naming_an_unknown_scenario_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(
        dir.path(),
        &["alpha", "beta"],
        "[options.x]\ncapital = [\"1m\"]\n\n[[options.x.effect]]\nscenarios = [\"alhpa\"]\ndepartments = \"*\"\nparameter = \"repetition_rate\"\nreduce = \"50%\"\n",
    );
    refused(
        dir.path(),
        &path,
        &[
            "options.x.effect[0].scenarios",
            "no scenario `alhpa`",
            "alpha",
        ],
    );
}

#[test]
fn two_scenarios_with_one_stem_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    std::fs::write(dir.path().join("other/a.toml"), fixture_text("small.toml")).unwrap();
    let path = portfolio_listing(dir.path(), "other/a.toml");
    refused(
        dir.path(),
        &path,
        &["portfolio.scenarios[1]", "same stem `a`"],
    );
}

#[test]
fn a_shared_key_no_scenario_has_is_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(
        dir.path(),
        &["a", "b"],
        "[shared]\n\"users.value_of_tme\" = \"pert(15, 17, 19)\"\n",
    );
    refused(
        dir.path(),
        &path,
        &[
            "shared.users.value_of_tme",
            "no scenario",
            "users.value_of_time",
        ],
    );
}

#[test]
fn a_bad_scenario_inside_a_portfolio_is_named_by_its_own_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(dir.path(), &["a", "b"], "");
    let broken = fixture_text("small.toml").replace(
        "failure_demand = \"pert(10%, 20%, 30%)\"",
        "failure_demand = \"pert(10%, 20%, 130%)\"",
    );
    std::fs::write(dir.path().join("b.toml"), broken).unwrap();
    refused(
        dir.path(),
        &path,
        &["b.toml:", "b/departments.one.failure_demand"],
    );
}

#[test]
fn overrides_reach_a_journey_by_its_stem() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(dir.path(), &["a", "b"], "");
    let base = run_named(dir.path(), &path, "base", &[]);
    let changed = run_named(
        dir.path(),
        &path,
        "changed",
        &["--set", "b/departments.one.failure_demand=50%"],
    );
    assert_eq!(
        disjointed(&base, Some("a")),
        disjointed(&changed, Some("a"))
    );
    assert!(disjointed(&changed, Some("b")).0 > disjointed(&base, Some("b")).0);
    let unknown = run_in(
        dir.path(),
        &[
            "check",
            path.to_str().unwrap(),
            "--set",
            "c/departments.one.failure_demand=50%",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no input has this key"));
}

#[test]
fn the_shipped_portfolio_writes_a_scenario_column_everywhere_and_a_case_by_journey() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let out = run_named(dir.path(), &shipped, "out", &["-n", "4096", "--no-charts"]);
    for name in [
        "summary.csv",
        "appraisal.csv",
        "yearly.csv",
        "organisations.csv",
        "transactions.csv",
        "sensitivity.csv",
        "switching.csv",
    ] {
        let header = lines(&out.join(name)).remove(0);
        assert!(header.starts_with("scenario,"), "{name}: {header}");
    }
    // The portfolio's total is the sum of its journeys in every iteration, so its mean is the
    // sum of theirs.
    let model = seams::Source::read(&shipped)
        .and_then(|s| s.model(&[]))
        .unwrap();
    let (total, _, _) = disjointed(&out, Some("total"));
    let journeys: f64 = model
        .journeys()
        .iter()
        .map(|j| disjointed(&out, Some(&j.id)).0)
        .sum();
    assert_relative("sum of the journeys", journeys, total, 1e-9);
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(case.contains("## The cost of disjointedness by journey"));
    for journey in model.journeys() {
        assert!(case.contains(&journey.name), "{} named", journey.name);
        assert!(!journey.left_out_options.is_empty());
        assert!(case.contains(&format!("*{}*", journey.left_out_options[0])));
    }
    assert!(case.contains("| **All journeys** |"));
}

#[test]
fn correlations_hold_within_a_journey_and_are_refused_across_journeys() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(dir.path(), &["a", "b"], "");
    let within = "a/departments.one.user_minutes,a/departments.two.user_minutes=0.7";
    let out = run_named(dir.path(), &path, "within", &["--correlate", within]);
    let json = std::fs::read_to_string(out.join("run.json")).unwrap();
    assert!(
        json.contains("\"a/departments.two.user_minutes\""),
        "{json}"
    );
    let across = "a/departments.one.user_minutes,b/departments.two.user_minutes=0.7";
    let refused_out = dir.path().join("across");
    let output = run_scenario(dir.path(), &path, &refused_out, &["--correlate", across]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not supported"),
        "{}",
        stderr(&output)
    );
    assert!(!refused_out.exists());
}

#[test]
fn a_journey_s_correlation_is_realised_in_the_joined_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(dir.path(), &["a", "b"], "");
    let pair = "a/departments.one.user_minutes,a/departments.two.user_minutes=0.7";
    let overrides = [seams::Override::parse_correlate(pair).unwrap()];
    let model = seams::Source::read(&path)
        .and_then(|s| s.model(&overrides))
        .unwrap();
    let config = seams::RunConfig {
        iterations: Some(20_000),
        ..seams::RunConfig::default()
    };
    let results = seams::run(&model, &config).unwrap();
    let samples = results.samples().unwrap();
    let column = |key: &str| {
        let id = model.inputs().iter().position(|i| i.key == key).unwrap();
        let (_, c) = samples
            .inputs()
            .into_iter()
            .find(|(i, _)| *i == id)
            .unwrap();
        samples.input_column(c)
    };
    let rho = |x: &[f64], y: &[f64]| {
        let (rx, ry) = (seams::sensitivity::ranks(x), seams::sensitivity::ranks(y));
        let n = rx.len() as f64;
        let mean = (n + 1.0) / 2.0;
        let (mut xy, mut xx, mut yy) = (0.0, 0.0, 0.0);
        for (a, b) in rx.iter().zip(&ry) {
            let (a, b) = (f64::from(*a) - mean, f64::from(*b) - mean);
            xy += a * b;
            xx += a * a;
            yy += b * b;
        }
        xy / (xx * yy).sqrt()
    };
    let one = column("a/departments.one.user_minutes");
    let within = rho(one, column("a/departments.two.user_minutes"));
    let across = rho(one, column("b/departments.two.user_minutes"));
    // Spearman's ρ from 20,000 pairs has a standard error of about 1/√20,000 ≈ 0.007.
    assert!((within - 0.7).abs() < 0.03, "within a: {within}");
    assert!(across.abs() < 0.03, "across journeys: {across}");
}

#[test]
fn one_scenario_under_two_names_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = portfolio(dir.path(), &["a"], "");
    std::fs::copy(dir.path().join("a.toml"), dir.path().join("b.toml")).unwrap();
    let link = dir.path().join("c.toml");
    let linked = std::process::Command::new("sh")
        .args(["-c", &format!("ln -s a.toml '{}'", link.display())])
        .status()
        .unwrap();
    assert!(linked.success());
    for other in ["b.toml", "c.toml"] {
        let text = std::fs::read_to_string(&path).unwrap();
        let listed = text.replace("\"a.toml\"]", &format!("\"a.toml\", \"{other}\"]"));
        let both = dir.path().join(format!("with-{other}"));
        std::fs::write(&both, listed).unwrap();
        let out = dir.path().join("out");
        let output = run_scenario(dir.path(), &both, &out, &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(
            message.contains("a.toml") && message.contains(other),
            "{message}"
        );
        assert!(message.contains("would be counted twice"), "{message}");
        assert!(!out.exists());
    }
}

/// A model's inputs, each at its quantile of a uniform draw from a fixed-seed generator.
fn random_inputs(model: &seams::Model, state: &mut u64) -> Vec<f64> {
    model
        .inputs()
        .iter()
        .map(|i| {
            *state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = ((*state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            i.sampler.quantile(u)
        })
        .collect()
}

#[test]
fn a_journeys_part_of_the_npsv_moves_it_exactly_as_the_whole_model_does() {
    // Switching values in a portfolio move one journey's input and evaluate that journey
    // alone: the whole model's NPSV must move by exactly the change in the journey's part.
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let model = seams::Source::read(&shipped)
        .and_then(|s| s.model(&[]))
        .unwrap();
    let layout = Layout::new(&model);
    let mut scratch = Scratch::new(&model, &layout);
    let npsv = |inputs: &[f64], o: usize, scratch: &mut Scratch| {
        let mut found = f64::NAN;
        let wanted = layout.appraisal(o, seams::outputs::Metric::Npsv);
        evaluate(&model, &layout, inputs, scratch, |k, v| {
            if k == wanted {
                found = v;
            }
        });
        found
    };
    let mut state = 7u64;
    for o in 0..model.options().len() {
        for (j, journey) in model.journeys().iter().enumerate() {
            let mut part = seams::engine::JourneyPart::new(&model, o, j);
            let prefix = format!("{}/", journey.id);
            for _ in 0..20 {
                let base = random_inputs(&model, &mut state);
                let moved_inputs = random_inputs(&model, &mut state);
                // Move every input of this journey at once, the others held.
                let mut moved = base.clone();
                for (i, input) in model.inputs().iter().enumerate() {
                    if input.key.starts_with(&prefix) {
                        moved[i] = moved_inputs[i];
                    }
                }
                let whole = npsv(&moved, o, &mut scratch) - npsv(&base, o, &mut scratch);
                let by_part = part.pv_benefits(&moved) - part.pv_benefits(&base);
                let scale = npsv(&base, o, &mut scratch).abs().max(1.0);
                assert!(
                    (whole - by_part).abs() <= 1e-9 * scale,
                    "{} / {}: {whole} against {by_part}",
                    model.options()[o].id,
                    journey.id
                );
            }
        }
    }
}

#[test]
fn a_key_without_its_journey_is_refused_with_the_journeys_keys_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let output = run_scenario(
        dir.path(),
        &scenario,
        &dir.path().join("out"),
        &["--set", "departments.dvla.failure_demand=0.2", "-n", "1000"],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("no input has this key"), "{message}");
    for key in [
        "tell-us-once/departments.dvla.failure_demand",
        "learning-to-drive/departments.dvla.failure_demand",
    ] {
        assert!(message.contains(key), "{key} not suggested: {message}");
    }
    assert!(!dir.path().join("out").exists(), "nothing written");
}
