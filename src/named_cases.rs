//! Running a scenario's named cases (docs/method.md §6): each case's model through the engine
//! on the central run's seed, sampling and iteration count — the same random numbers — for the
//! figures `cases.csv` and the case's "Other cases" table give.

use crate::engine::{self, Keep, RunConfig};
use crate::outputs::{Bearer, Component, Metric, Scope, Stats};
use crate::scenario::Model;

/// One named case's headline figures.
#[derive(Debug, Clone)]
pub struct CaseFigures {
    pub name: String,
    pub description: Option<String>,
    /// The inputs the case sets, (key, distribution).
    pub set: Vec<(String, String)>,
    /// The annual cost of disjointedness, users and government together.
    pub cost: Stats,
    pub options: Vec<OptionFigures>,
}

/// An option's figures in a named case.
#[derive(Debug, Clone)]
pub struct OptionFigures {
    pub id: String,
    pub npsv: Stats,
    /// E[PV benefits] / E[PV costs]; `None` where the expected PV of costs is not above 0.
    pub bcr_expected: Option<f64>,
}

/// Every named case of `model`, run as the central run was: `iterations` iterations on
/// `config`'s seed and sampling, with no precision target (so each case stops where the
/// central run did).
///
/// # Errors
/// As [`engine::run`]: interrupted, or numbers that overflow.
pub fn run(model: &Model, config: &RunConfig, iterations: u64) -> crate::Result<Vec<CaseFigures>> {
    model
        .cases()
        .iter()
        .map(|case| {
            let mut case_model = case.model.clone();
            case_model.settings.precision = None;
            let config = RunConfig {
                iterations: Some(iterations),
                precision: None,
                keep: Keep::Nothing,
                stream: None,
                progress: None,
                // The cases table reads headline figures only.
                appendices: engine::Appendices::Left,
                figures: engine::Figures::Headlines,
                ..config.clone()
            };
            let outcome = engine::run(&case_model, &config)?;
            let layout = &outcome.layout;
            let stats = |k: usize| outcome.stats[k].unwrap_or(Stats::UNDEFINED);
            let options = case_model
                .options()
                .iter()
                .enumerate()
                .map(|(o, option)| {
                    let mean = |m: Metric| stats(layout.appraisal(o, m)).mean;
                    let costs = mean(Metric::PvCosts);
                    OptionFigures {
                        id: option.id.clone(),
                        npsv: stats(layout.appraisal(o, Metric::Npsv)),
                        bcr_expected: (costs > 0.0).then(|| mean(Metric::PvBenefits) / costs),
                    }
                })
                .collect();
            Ok(CaseFigures {
                name: case.name.clone(),
                description: case.description.clone(),
                set: case.set.clone(),
                cost: stats(layout.summary(Scope::Total, Component::Disjointed, Bearer::All)),
                options,
            })
        })
        .collect()
}
