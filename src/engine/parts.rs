//! One iteration evaluated as the sum of its journeys' parts: each journey's own outputs and
//! its part of the whole (its costs, what each option saves, savings by department,
//! transaction sums), then the whole — totals, yearly flows, appraisal, organisations — from
//! the parts in journey order. The live page keeps each journey's part of every iteration
//! ([`States`]), so a rerun after an edit to one journey takes the other journeys' parts as
//! they were instead of computing them again: the same numbers, summed in the same order.

use super::eval::{
    apply_option, appraise, bau_of_journey, load_department, per_journey, put_summary, Layout,
    Scratch, Totals,
};
use super::transactions::{Moment, TransactionFigures};
use crate::outputs::{Scope, YearlyMetric};
use crate::scenario::Model;

/// As [`evaluate_options`], keeping each journey's part of the whole in `states` (its next
/// run's), and taking the part of each journey `states` marks as unchanged from its previous
/// run instead of computing it (docs/method.md §7: the live page's reruns).
pub(super) fn evaluate_with_states(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    scratch: &mut Scratch,
    options: std::ops::Range<usize>,
    mut states: Option<States<'_>>,
    mut put: impl FnMut(usize, f64),
) {
    for (j, journey) in model.journeys.iter().enumerate() {
        scratch.moments[j] = Moment {
            journeys: inputs[journey.per_year],
            minute_value: inputs[journey.value_of_time] / 60.0,
        };
        // J_y = J·(1+g)^y and v_y = v·(1+gv)^y, by repeated multiplication.
        let growth = 1.0 + inputs[journey.growth];
        let time_growth = 1.0 + inputs[journey.value_of_time_growth];
        let (mut j_y, mut v_y) = (scratch.moments[j].journeys, scratch.moments[j].minute_value);
        for y in 0..layout.years {
            scratch.journeys[j * layout.years + y] = j_y;
            scratch.minute_value[j * layout.years + y] = v_y;
            j_y *= growth;
            v_y *= time_growth;
        }
    }
    for j in 0..model.journeys.len() {
        match states.as_mut() {
            Some(kept) if kept.skips(j) => kept.restore(model, layout, j, scratch),
            _ => {
                journey_part(model, layout, inputs, scratch, j, options.clone(), &mut put);
                if let Some(kept) = states.as_mut() {
                    kept.save(model, layout, j, scratch);
                }
            }
        }
    }
    whole(model, layout, inputs, scratch, options, &mut put);
}

/// Journey `j`'s own outputs — its departments' and its own year-0 costs and transaction
/// figures, in business as usual and with each option in `options` — and its part of the
/// whole, kept in `scratch`.
fn journey_part(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    scratch: &mut Scratch,
    j: usize,
    options: std::ops::Range<usize>,
    put: &mut impl FnMut(usize, f64),
) {
    let departments = model.journeys[j].departments.clone();
    for d in departments.clone() {
        let channels =
            &mut scratch.bau_channels[scratch.channel_start[d]..scratch.channel_start[d + 1]];
        load_department(&model.departments[d], inputs, &mut scratch.bau[d], channels);
    }
    let by_component = bau_of_journey(model, layout, j, scratch.moments[j], scratch, put);
    if layout.journeys > 0 {
        put_summary(layout, Scope::Journey(j), &by_component, put);
    }
    scratch.by_component[j] = by_component;
    if layout.computes_details() {
        scratch.put_journey_transactions(model, layout, None, j, put);
    }
    let (journeys, count) = (model.journeys.len(), model.departments.len());
    for o in options {
        apply_option(
            model,
            &model.options[o],
            inputs,
            scratch,
            departments.clone(),
        );
        let mut with = Totals::default();
        for d in departments.clone() {
            let per = per_journey(&scratch.changed[d]);
            with.add(&per);
            // Each department's saving feeds the organisations, register and cash alone.
            if layout.computes_details() {
                let (bau, with) = (scratch.bau_sums[d], per.sums());
                scratch.saved[o * count + d] = std::array::from_fn(|k| bau[k] - with[k]);
            }
        }
        let (bau, with) = (values_of(&scratch.bau_totals[j]), values_of(&with));
        scratch.savings[o * journeys + j] = std::array::from_fn(|k| bau[k] - with[k]);
        if layout.computes_details() {
            scratch.put_journey_transactions(model, layout, Some(o), j, put);
            super::register::put_measures(model, layout, (o, j), scratch, put);
        }
    }
}

/// The outputs of the whole, from every journey's part: the total's year-0 costs and
/// transaction figures, business as usual's yearly costs, and each option's appraisal.
fn whole(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    scratch: &mut Scratch,
    options: std::ops::Range<usize>,
    put: &mut impl FnMut(usize, f64),
) {
    let mut total = [[0.0f64; 2]; 4];
    for part in &scratch.by_component {
        for (sum, part) in total.iter_mut().zip(part) {
            sum[0] += part[0];
            sum[1] += part[1];
        }
    }
    put_summary(layout, Scope::Total, &total, put);
    if layout.computes_details() {
        scratch.put_total_transactions(model, layout, None, put);
        bau_yearly(layout, scratch, put);
    }
    for o in options {
        appraise(model, layout, inputs, o, scratch, put);
        if layout.computes_details() {
            scratch.put_total_transactions(model, layout, Some(o), put);
        }
    }
}

/// Business as usual's yearly costs to users and government, over every journey.
fn bau_yearly(layout: &Layout, scratch: &Scratch, put: &mut impl FnMut(usize, f64)) {
    for y in 0..layout.years {
        let (mut users, mut government) = (0.0, 0.0);
        for (j, bau) in scratch.bau_totals.iter().enumerate() {
            let (j_y, v_y) = scratch.year(j, y, layout.years);
            users += j_y * (v_y * bau.user_minutes + bau.user_cash);
            government += j_y * bau.government;
        }
        put(layout.yearly(None, y, YearlyMetric::CostUsers), users);
        put(
            layout.yearly(None, y, YearlyMetric::CostGovernment),
            government,
        );
    }
}

/// Where one journey's part of every iteration lies: `len` values at `offset` in each
/// iteration's `stride` values of a buffer.
#[derive(Debug, Clone)]
pub(super) struct Segment {
    data: std::sync::Arc<Vec<f64>>,
    stride: usize,
    offset: usize,
    len: usize,
}

impl Segment {
    fn of(&self, iteration: usize) -> &[f64] {
        let start = iteration * self.stride + self.offset;
        &self.data[start..start + self.len]
    }
}

/// Reads the previous run's parts of the journeys `skip` marks for `iterations` in a tight
/// loop, one value a cache line and the last value (a part need not start on a line, so its
/// last line may hold fewer than eight of its values), so the processor fetches them all at
/// once; restored one iteration at a time between evaluations, each part would wait on memory.
pub(super) fn warm(
    previous: &super::JourneyStates,
    skip: &[bool],
    iterations: std::ops::Range<usize>,
) {
    let mut touched = 0.0;
    for (part, _) in previous.parts.iter().zip(skip).filter(|(_, &s)| s) {
        for iteration in iterations.clone() {
            let start = iteration * part.stride + part.offset;
            if let Some(values) = part.data.get(start..start + part.len) {
                touched += values.iter().step_by(8).sum::<f64>();
                touched += values.last().copied().unwrap_or(0.0);
            }
        }
    }
    std::hint::black_box(touched);
}

/// The journey parts a run leaves for the next: its own buffer for the journeys it computed,
/// the previous run's segments for the others; `None` where the run keeps none.
pub(super) fn segments(
    model: &Model,
    layout: &Layout,
    plan: &super::Plan<'_>,
    states: Vec<f64>,
) -> Option<super::JourneyStates> {
    if plan.state_offsets.is_empty() {
        return None;
    }
    let data = std::sync::Arc::new(states);
    let before = plan
        .reuse
        .and_then(|(_, outcome)| outcome.journey_states.as_ref());
    let parts = plan
        .state_offsets
        .iter()
        .enumerate()
        .map(|(j, offset)| match (offset, before) {
            (Some(offset), _) => Some(Segment {
                data: std::sync::Arc::clone(&data),
                stride: plan.states,
                offset: *offset,
                len: state_len(model, layout, j),
            }),
            (None, Some(before)) => before.parts.get(j).cloned(),
            (None, None) => None,
        })
        .collect::<Option<Vec<Segment>>>()?;
    Some(super::JourneyStates { parts })
}

/// Whether `states` holds a part of the length this model's journeys have.
pub(super) fn states_fit(model: &Model, layout: &Layout, states: &super::JourneyStates) -> bool {
    states.parts.len() == model.journeys.len()
        && states
            .parts
            .iter()
            .enumerate()
            .all(|(j, p)| p.len == state_len(model, layout, j))
}

/// One iteration's journey parts: the previous run's, for the journeys `skip` marks, and this
/// run's `next` values, where each computed journey's part goes at its `offsets` entry.
pub(super) struct States<'a> {
    pub(super) skip: &'a [bool],
    pub(super) iteration: usize,
    pub(super) previous: Option<&'a super::JourneyStates>,
    pub(super) next: &'a mut [f64],
    pub(super) offsets: &'a [Option<usize>],
}

/// The values of journey `j`'s part: its year-0 cost by component (8) and for each option what
/// it saves per journey (4); where the run computes more than the headlines, also its totals
/// in business as usual (4), for business as usual and each option its transaction sums and
/// contacts and cost by channel id, and for each option each of its departments' savings
/// (four sums each).
pub(super) fn state_len(model: &Model, layout: &Layout, j: usize) -> usize {
    let options = model.options.len();
    let ids = layout.channel_ids.len();
    let departments = model.journeys[j].departments.len();
    let (totals, savings) = match layout.computes_details() {
        true => (4, options * 4 * departments),
        false => (0, 0),
    };
    let transactions = transaction_blocks(model, layout) * (TransactionFigures::LEN + 2 * ids);
    8 + totals + options * 4 + transactions + savings
}

/// The blocks of transaction figures a journey's part keeps, business as usual's and each
/// option's: none where the run computes the headlines alone.
fn transaction_blocks(model: &Model, layout: &Layout) -> usize {
    match layout.computes_details() {
        true => model.options.len() + 1,
        false => 0,
    }
}

impl States<'_> {
    /// Whether journey `j`'s part is the previous run's.
    pub(super) fn skips(&self, j: usize) -> bool {
        self.previous.is_some() && self.skip.get(j).copied().unwrap_or(false)
    }

    /// Where this run keeps journey `j`'s part of the iteration, if it computes it.
    fn slot(&mut self, model: &Model, layout: &Layout, j: usize) -> Option<&mut [f64]> {
        let start = self.offsets.get(j).copied().flatten()?;
        self.next
            .get_mut(start..start + state_len(model, layout, j))
    }

    /// Takes journey `j`'s part from the previous run into `scratch` (the next run finds it
    /// where this one did).
    pub(super) fn restore(
        &mut self,
        model: &Model,
        layout: &Layout,
        j: usize,
        scratch: &mut Scratch,
    ) {
        let Some(saved) = self
            .previous
            .and_then(|p| p.parts.get(j))
            .map(|part| part.of(self.iteration))
        else {
            return;
        };
        let mut part = Cursor(saved);
        for costs in scratch.by_component[j].iter_mut() {
            *costs = part.take();
        }
        if layout.computes_details() {
            scratch.bau_totals[j] = totals_of(part.take());
        }
        let (journeys, ids, count) = (
            model.journeys.len(),
            layout.channel_ids.len(),
            model.departments.len(),
        );
        for block in 0..transaction_blocks(model, layout) {
            let k = block * journeys + j;
            let sums: [f64; TransactionFigures::LEN] = part.take();
            scratch.journey_sums[k] = TransactionFigures::from_slice(&sums);
            for channel in &mut scratch.journey_channels[k * ids..(k + 1) * ids] {
                *channel = part.take();
            }
        }
        for o in 0..model.options.len() {
            scratch.savings[o * journeys + j] = part.take();
            if layout.computes_details() {
                for d in model.journeys[j].departments.clone() {
                    scratch.saved[o * count + d] = part.take();
                }
            }
        }
    }

    /// Keeps journey `j`'s part, as just computed in `scratch`, for the next run.
    pub(super) fn save(&mut self, model: &Model, layout: &Layout, j: usize, scratch: &Scratch) {
        let (journeys, ids, count) = (
            model.journeys.len(),
            layout.channel_ids.len(),
            model.departments.len(),
        );
        let Some(slot) = self.slot(model, layout, j) else {
            return;
        };
        let mut slots = slot.iter_mut();
        let mut put = |value: f64| {
            if let Some(slot) = slots.next() {
                *slot = value;
            }
        };
        scratch.by_component[j]
            .iter()
            .flatten()
            .for_each(|&v| put(v));
        if layout.computes_details() {
            values_of(&scratch.bau_totals[j])
                .into_iter()
                .for_each(&mut put);
        }
        for block in 0..transaction_blocks(model, layout) {
            let k = block * journeys + j;
            scratch.journey_sums[k]
                .to_array()
                .into_iter()
                .for_each(&mut put);
            let channels = &scratch.journey_channels[k * ids..(k + 1) * ids];
            channels.iter().flatten().for_each(|&v| put(v));
        }
        for o in 0..model.options.len() {
            scratch.savings[o * journeys + j]
                .into_iter()
                .for_each(&mut put);
            if layout.computes_details() {
                for d in model.journeys[j].departments.clone() {
                    scratch.saved[o * count + d].into_iter().for_each(&mut put);
                }
            }
        }
    }
}

/// A journey part's values read in order; a part of the right length is never read past its
/// end (where it would give zeros).
struct Cursor<'a>(&'a [f64]);

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> [f64; N] {
        match self.0.split_first_chunk::<N>() {
            Some((values, rest)) => {
                self.0 = rest;
                *values
            }
            None => [0.0; N],
        }
    }
}

/// A journey's totals as kept, and back.
fn values_of(t: &Totals) -> [f64; 4] {
    [t.user_minutes, t.user_cash, t.government, t.government_cash]
}

fn totals_of([user_minutes, user_cash, government, government_cash]: [f64; 4]) -> Totals {
    Totals {
        user_minutes,
        user_cash,
        government,
        government_cash,
    }
}
