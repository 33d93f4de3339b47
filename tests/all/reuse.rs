//! A live-page rerun takes from the run before it the draws of every input the edit left
//! alone and the statistics of every output depending on none of the edited inputs. These
//! tests check that such a rerun is identical, bit for bit, to a fresh run of the edited model
//! — every output's statistics, the kept draws, the value of information — and that it did
//! reuse something, for edits that reach one journey, a shared input, an option, and a single
//! journey's department.

use std::path::Path;

use seams::{Analyses, Keep, Override, RunConfig, Source};

fn source(name: &str) -> Source {
    Source::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(name),
    )
    .unwrap()
}

/// The live page's runs: the headline figures alone, without the register and the financial
/// view (and so without the transaction figures and their parts of each journey's state).
fn config() -> RunConfig {
    RunConfig {
        iterations: Some(12_288),
        keep: Keep::Sensitivity,
        analyses: Analyses::LivePage,
        appendices: seams::engine::Appendices::Left,
        figures: seams::engine::Figures::Headlines,
        ..RunConfig::default()
    }
}

fn edit(key: &str, text: &str) -> Override {
    Override {
        key: key.into(),
        text: text.into(),
        by: "the test".into(),
        price_year: None,
    }
}

/// Everything a run's figures come from, as exact text (Debug prints every float in full).
fn fingerprint(r: &seams::Results) -> Vec<String> {
    let mut all: Vec<String> = r.output_stats().iter().map(|s| format!("{s:?}")).collect();
    let samples = r.samples().expect("samples kept");
    for (id, c) in samples.inputs() {
        all.push(format!("input {id}: {:?}", samples.input_column(c)));
        all.push(format!("mean {id}: {:?}", r.input_mean(id)));
    }
    for &k in samples.output_ids() {
        all.push(format!("output {k}: {:?}", samples.output(k)));
    }
    // The value of information, but for how long it took.
    if let Some(v) = r.voi() {
        all.push(format!(
            "{:?} {:?} {:?} {:?}",
            v.evpi, v.evpi_se, v.inputs, v.groups
        ));
    }
    all
}

/// Runs the file, then the edits fresh and as a rerun of the file's run; they must agree.
/// Returns what the rerun reused: inputs' draws, outputs' statistics, journeys' parts.
fn check(name: &str, edits: &[Override]) -> (usize, usize, usize) {
    let source = source(name);
    let file = seams::run(&source.model(&[]).unwrap(), &config()).unwrap();
    let edited = source.model(edits).unwrap();
    let fresh = seams::run(&edited, &config()).unwrap();
    let rerun = seams::run(
        &edited,
        &RunConfig {
            previous: Some(file.previous()),
            ..config()
        },
    )
    .unwrap();
    assert_eq!(fresh.reused(), (0, 0, 0));
    let (a, b) = (fingerprint(&fresh), fingerprint(&rerun));
    assert_eq!(a.len(), b.len());
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "{name}: entry {k} differs after {edits:?}");
    }
    // A second edit on top of the rerun: still the same as fresh.
    let mut more = edits.to_vec();
    more.push(edit(
        "options.data-standards.running",
        "pert(1m, 1.5m, 2.5m)",
    ));
    if name == "joined-up-government.toml" {
        let edited = source.model(&more).unwrap();
        let fresh = seams::run(&edited, &config()).unwrap();
        let again = seams::run(
            &edited,
            &RunConfig {
                previous: Some(rerun.previous()),
                ..config()
            },
        )
        .unwrap();
        assert_eq!(
            fingerprint(&fresh),
            fingerprint(&again),
            "a rerun of a rerun"
        );
        assert!(again.reused().1 > 0);
    }
    rerun.reused()
}

#[test]
fn an_edit_to_one_journey_reruns_that_journey_alone_and_changes_nothing_else() {
    let (inputs, outputs, journeys) = check(
        "joined-up-government.toml",
        &[edit(
            "border-exports/departments.apha.failure_demand",
            "pert(30%, 40%, 60%)",
        )],
    );
    assert!(inputs > 100, "{inputs} inputs' draws reused");
    assert!(outputs > 300, "{outputs} outputs reused");
    assert_eq!(
        journeys, 3,
        "the other three journeys' parts taken as they were"
    );
}

#[test]
fn an_edit_to_a_shared_input_or_an_option_is_still_exact() {
    let (_, outputs, journeys) = check(
        "joined-up-government.toml",
        &[edit(
            "departments.hmrc.staff_cost_per_hour",
            "pert(30, 35, 40)",
        )],
    );
    // HMRC is in three journeys; the fourth's part and outputs are reused.
    assert!(outputs > 0);
    assert_eq!(journeys, 1);
    // An option's effect reaches every journey's departments: no part is taken whole.
    let (inputs, outputs, journeys) = check(
        "joined-up-government.toml",
        &[edit(
            "options.data-standards.effect[0].reduce",
            "pert(30%, 45%, 60%)",
        )],
    );
    assert!(inputs > 100 && outputs > 0, "{inputs}, {outputs}");
    assert_eq!(journeys, 0);
}

#[test]
fn an_edit_to_a_journeys_volumes_reruns_all_its_departments() {
    let (_, outputs, journeys) = check(
        "joined-up-government.toml",
        &[edit("learning-to-drive/journeys.per_year", "1.4m to 1.8m")],
    );
    assert!(outputs > 0);
    assert_eq!(journeys, 3);
}

#[test]
fn on_one_journey_an_edit_to_one_department_keeps_the_others() {
    let (inputs, outputs, _) = check(
        "border-exports.toml",
        &[edit(
            "departments.apha.failure_demand",
            "pert(30%, 40%, 60%)",
        )],
    );
    assert!(inputs > 20 && outputs > 20, "{inputs}, {outputs}");
}

#[test]
fn where_research_is_worth_something_the_value_of_information_is_exact_too() {
    // Learning to drive is a close call: its inputs have measurable EVPPIs, which the rerun
    // must give exactly — the edited input's from its new draws, the others' from the orders
    // the previous run sorted.
    let source = source("learning-to-drive.toml");
    let file = seams::run(&source.model(&[]).unwrap(), &config()).unwrap();
    assert!(file.voi().unwrap().inputs.iter().any(|e| e.evppi > 1000.0));
    // PERT(1, 7, 8) has another shape than the file's PERT(1, 3, 8), so its draws come in
    // another order (a PERT of the same shape would be the same draws rescaled).
    let (_, outputs, _) = check(
        "learning-to-drive.toml",
        &[edit(
            "departments.dvsa.repeat_user_minutes",
            "pert(1, 7, 8)",
        )],
    );
    assert!(outputs > 0);
}

#[test]
fn an_input_made_fixed_leaves_its_groups_and_the_rerun_is_still_exact() {
    // A fixed input is not kept, so its department's and journey's groups lose a member: the
    // rerun must not reuse their regressions from the run in which it was uncertain.
    let (_, outputs, _) = check(
        "border-exports.toml",
        &[edit("departments.apha.failure_demand", "40%")],
    );
    assert!(outputs > 0);
}
