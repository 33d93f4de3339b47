//! What a rerun may take from the run before it (the live page's edits): the draws of every
//! input whose distribution did not change, and the statistics of every output that depends
//! on none of the inputs that did. Each input has its own random stream, so an unchanged
//! input's draws are the same numbers a fresh run would draw; an output computed only from
//! unchanged inputs is the same column of numbers, so its statistics are the same bits. The
//! rerun is therefore identical to a full run, and costs what the edit reaches: on a
//! portfolio, an edit to one journey's input leaves the other journeys' departments alone.
//!
//! What depends on what is read from the model's structure, not from key names: a
//! department's parameters and channels, a journey's volumes and value of time, an option's
//! inputs. Anything else that changed (an input in none of these) makes every output be
//! recomputed.

use std::sync::Arc;

use super::layout::Layout;
use super::Outcome;
use crate::outputs::Scope;
use crate::scenario::{Model, Sampling};

/// An input as drawn: its key, its sampler (its exact parameters, as text) and its stream.
pub(super) type Drawn = (String, String, u64);

/// Each of `model`'s inputs as drawn, by input id: what a rerun compares to see which changed.
pub(super) fn drawn(model: &Model) -> Vec<Drawn> {
    model
        .inputs
        .iter()
        .map(|i| (i.key.clone(), format!("{:?}", i.sampler), i.stream))
        .collect()
}

/// [`drawn`] where `rerun` (a run that may be rerun, the live page's, or is itself a rerun:
/// described once, to compare with the previous run's and for the next to compare); none
/// otherwise.
pub(super) fn drawn_if(model: &Model, rerun: bool) -> Arc<Vec<Drawn>> {
    match rerun {
        true => Arc::new(drawn(model)),
        false => Arc::default(),
    }
}

/// A finished run, as a later run of an edited model may reuse it.
#[derive(Debug, Clone)]
pub struct Previous {
    /// Each input as drawn, by input id.
    inputs: Arc<Vec<Drawn>>,
    outcome: Arc<Outcome>,
    /// The order of each kept input's first draws, as an analysis sorted them.
    pub draw_analyses: Option<Arc<DrawAnalyses>>,
}

/// What the value of information computes from the draws alone, kept so that a rerun
/// recomputes only what an edit changed: the order of each kept input's first `iterations`
/// draws (iteration numbers, smallest draw first), by input id, and each group's regression
/// designs, by group name with the keys of its members.
#[derive(Debug, Clone, Default)]
pub struct DrawAnalyses {
    pub iterations: usize,
    pub orders: Vec<Option<Arc<[u32]>>>,
    pub designs: std::collections::BTreeMap<String, (Vec<String>, crate::voi_groups::Designs)>,
}

impl Previous {
    pub fn new(
        model: &Model,
        outcome: Arc<Outcome>,
        draw_analyses: Option<Arc<DrawAnalyses>>,
    ) -> Previous {
        // A live run kept its inputs as drawn; another is described now.
        let inputs = match outcome.drawn.len() == model.inputs.len() {
            true => Arc::clone(&outcome.drawn),
            false => Arc::new(drawn(model)),
        };
        Previous {
            draw_analyses,
            inputs,
            outcome,
        }
    }

    pub(super) fn outcome(&self) -> &Outcome {
        &self.outcome
    }
}

/// What this run takes from the previous one.
#[derive(Debug, Clone)]
pub(super) struct Reuse {
    /// By input id: its column of draws, kept in the previous run's samples.
    pub(super) inputs: Vec<Option<usize>>,
    /// By output index: whether its statistics are the previous run's.
    pub(super) outputs: Vec<bool>,
    /// By journey: whether its part of every iteration is the previous run's (kept in its
    /// journey states).
    pub(super) journeys: Vec<bool>,
    /// The inputs this run's evaluation reads: all but the departments' inputs of the
    /// journeys whose parts are the previous run's.
    pub(super) read: Vec<usize>,
}

/// A part of the model an input can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Department(usize),
    Journey(usize),
    Option(usize),
    /// An option's effects: what changes the departments it reaches.
    Effect(usize),
}

/// The parts of the model each input reaches; empty for an input the model's structure does
/// not place (it may reach anything).
fn reach(model: &Model) -> Vec<Vec<Unit>> {
    let mut reach = vec![Vec::new(); model.inputs.len()];
    for (d, dept) in model.departments.iter().enumerate() {
        let channel_inputs = dept.channels.iter().flat_map(|c| c.inputs.iter().copied());
        for id in dept.params.iter().flatten().copied().chain(channel_inputs) {
            reach[id].push(Unit::Department(d));
        }
    }
    for (j, journey) in model.journeys.iter().enumerate() {
        let ids = [
            journey.per_year,
            journey.growth,
            journey.value_of_time,
            journey.value_of_time_growth,
        ];
        for id in ids {
            reach[id].push(Unit::Journey(j));
        }
    }
    for (o, option) in model.options.iter().enumerate() {
        for id in option.inputs() {
            reach[id].push(Unit::Option(o));
        }
        for effect in &option.effects {
            reach[effect.value].push(Unit::Effect(o));
        }
    }
    reach
}

/// The parts an output depends on: its scope's departments and journey, and its option;
/// `None` for an output of the whole (totals, appraisal, yearly flows, organisations).
fn depends(model: &Model, layout: &Layout, k: usize) -> Option<Vec<Unit>> {
    let (scope, option) = layout.owner(k)?;
    let mut units = match scope {
        Scope::Department(d) => vec![
            Unit::Department(d),
            Unit::Journey(model.departments[d].journey),
        ],
        Scope::Journey(j) => model.journeys[j]
            .departments
            .clone()
            .map(Unit::Department)
            .chain([Unit::Journey(j)])
            .collect(),
        Scope::Total => return None,
    };
    units.extend(option.map(Unit::Effect));
    Some(units)
}

/// What a run of `model` may reuse of `previous`, or `None` when it cannot: a different
/// number of iterations, seed or sampling, a precision target (the run's length is not
/// known), correlated inputs (drawn together), a model of another shape, or samples that do
/// not hold every iteration.
pub(super) fn plan(
    model: &Model,
    layout: &Layout,
    (iterations, seed, sampling): (u64, u64, Sampling),
    precision: Option<f64>,
    (kept_outputs, now): (&[usize], &[Drawn]),
    previous: &Previous,
) -> Option<Reuse> {
    let before = previous.outcome();
    let samples = before.samples.as_ref()?;
    let same_run = before.iterations == iterations
        && before.seed == seed
        && before.sampling == sampling
        && sampling == Sampling::MonteCarlo
        && precision.is_none()
        && model.copula().is_none()
        && samples.len() as u64 == iterations
        && before.layout.len == layout.len
        && before.layout.computes_details() == layout.computes_details()
        && previous.inputs.len() == model.inputs.len()
        && now.len() == model.inputs.len();
    if !same_run {
        return None;
    }
    let kept: std::collections::HashMap<usize, usize> = samples.inputs().into_iter().collect();
    let unchanged: Vec<bool> = now
        .iter()
        .zip(previous.inputs.iter())
        .map(|(now, before)| now == before)
        .collect();
    let inputs = unchanged
        .iter()
        .enumerate()
        .map(|(id, &same)| if same { kept.get(&id).copied() } else { None })
        .collect();
    let reach = reach(model);
    let changed: Vec<Unit> = match unchanged
        .iter()
        .enumerate()
        .filter(|(_, &same)| !same)
        .map(|(id, _)| (!reach[id].is_empty()).then(|| reach[id].clone()))
        .collect::<Option<Vec<Vec<Unit>>>>()
    {
        Some(units) => units.into_iter().flatten().collect(),
        // An input placed nowhere may reach anything: recompute every output.
        None => {
            return Some(Reuse {
                inputs,
                outputs: vec![false; layout.len],
                journeys: vec![false; model.journeys.len()],
                read: (0..model.inputs.len()).collect(),
            })
        }
    };
    // A journey's part is taken whole where nothing it reads changed: its departments, its
    // volumes and value of time, and any option's effects.
    let states_kept = before
        .journey_states
        .as_ref()
        .is_some_and(|s| super::parts::states_fit(model, layout, s));
    let journeys: Vec<bool> = (0..model.journeys.len())
        .map(|j| {
            states_kept
                && !changed.iter().any(|u| match *u {
                    Unit::Department(d) => model.departments[d].journey == j,
                    Unit::Journey(k) => k == j,
                    Unit::Effect(_) => true,
                    Unit::Option(_) => false,
                })
        })
        .collect();
    let outputs = (0..layout.len)
        .map(|k| {
            let journey = layout.owner(k).and_then(|(scope, _)| match scope {
                Scope::Department(d) => Some(model.departments[d].journey),
                Scope::Journey(j) => Some(j),
                Scope::Total => None,
            });
            // A skipped journey's outputs are not computed: they must be the previous run's.
            if journey.is_some_and(|j| journeys[j]) {
                return true;
            }
            !kept_outputs.contains(&k)
                && depends(model, layout, k)
                    .is_some_and(|units| units.iter().all(|u| !changed.contains(u)))
        })
        .collect();
    let read = (0..model.inputs.len())
        .filter(|&id| {
            let skipped = |u: &Unit| match *u {
                Unit::Department(d) => journeys[model.departments[d].journey],
                _ => false,
            };
            reach[id].is_empty() || !reach[id].iter().all(skipped)
        })
        .collect();
    Some(Reuse {
        inputs,
        outputs,
        journeys,
        read,
    })
}
