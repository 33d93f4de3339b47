//! One iteration evaluated as the sum of its journeys' parts: each journey's own outputs and
//! its part of the whole (its costs, totals with each option, savings by department,
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
    scratch.put_journey_transactions(model, layout, None, j, put);
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
            scratch.saved_government[o * count + d] =
                scratch.bau_government[d] - per.government.iter().sum::<f64>();
        }
        scratch.with_totals[o * journeys + j] = with;
        scratch.put_journey_transactions(model, layout, Some(o), j, put);
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
    scratch.put_total_transactions(model, layout, None, put);
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
    for o in options {
        appraise(model, layout, inputs, o, scratch, put);
        scratch.put_total_transactions(model, layout, Some(o), put);
    }
}

/// Each journey's part of one iteration: the previous run's (for journeys `skip` marks) and
/// this run's, each laid out as [`state_len`] values a journey, journey after journey.
pub(super) struct States<'a> {
    pub(super) skip: &'a [bool],
    pub(super) previous: Option<&'a [f64]>,
    pub(super) next: &'a mut [f64],
}

/// The values of journey `j`'s part: its year-0 cost by component (8), its totals (4), for
/// business as usual and each option its transaction sums and contacts and cost by channel id,
/// and for each option its totals and each of its departments' saving.
pub(super) fn state_len(model: &Model, layout: &Layout, j: usize) -> usize {
    let options = model.options.len();
    let ids = layout.channel_ids.len();
    let departments = model.journeys[j].departments.len();
    8 + 4 + (options + 1) * (TransactionFigures::LEN + 2 * ids) + options * (4 + departments)
}

/// The values of every journey's part of one iteration.
pub(super) fn states_len(model: &Model, layout: &Layout) -> usize {
    (0..model.journeys.len())
        .map(|j| state_len(model, layout, j))
        .sum()
}

/// Where journey `j`'s part starts among an iteration's.
fn state_start(model: &Model, layout: &Layout, j: usize) -> usize {
    (0..j).map(|k| state_len(model, layout, k)).sum()
}

impl States<'_> {
    /// Whether journey `j`'s part is the previous run's.
    pub(super) fn skips(&self, j: usize) -> bool {
        self.previous.is_some() && self.skip.get(j).copied().unwrap_or(false)
    }

    /// Takes journey `j`'s part from the previous run into `scratch`, and keeps it for the next.
    pub(super) fn restore(
        &mut self,
        model: &Model,
        layout: &Layout,
        j: usize,
        scratch: &mut Scratch,
    ) {
        let (start, len) = (state_start(model, layout, j), state_len(model, layout, j));
        let Some(previous) = self.previous else {
            return;
        };
        let saved = &previous[start..start + len];
        self.next[start..start + len].copy_from_slice(saved);
        let mut at = saved.iter().copied();
        let mut take = || at.next().unwrap_or(0.0);
        for part in scratch.by_component[j].iter_mut() {
            *part = [take(), take()];
        }
        scratch.bau_totals[j] = Totals {
            user_minutes: take(),
            user_cash: take(),
            government: take(),
            government_cash: take(),
        };
        let (journeys, ids, count) = (
            model.journeys.len(),
            layout.channel_ids.len(),
            model.departments.len(),
        );
        for block in 0..=model.options.len() {
            let k = block * journeys + j;
            let mut sums = [0.0; TransactionFigures::LEN];
            sums.iter_mut().for_each(|v| *v = take());
            scratch.journey_sums[k] = TransactionFigures::from_slice(&sums);
            for channel in &mut scratch.journey_channels[k * ids..(k + 1) * ids] {
                *channel = [take(), take()];
            }
        }
        for o in 0..model.options.len() {
            scratch.with_totals[o * journeys + j] = Totals {
                user_minutes: take(),
                user_cash: take(),
                government: take(),
                government_cash: take(),
            };
            for d in model.journeys[j].departments.clone() {
                scratch.saved_government[o * count + d] = take();
            }
        }
    }

    /// Keeps journey `j`'s part, as just computed in `scratch`, for the next run.
    pub(super) fn save(&mut self, model: &Model, layout: &Layout, j: usize, scratch: &Scratch) {
        let (start, len) = (state_start(model, layout, j), state_len(model, layout, j));
        let (journeys, ids, count) = (
            model.journeys.len(),
            layout.channel_ids.len(),
            model.departments.len(),
        );
        let mut slots = self.next[start..start + len].iter_mut();
        let mut put = |value: f64| {
            if let Some(slot) = slots.next() {
                *slot = value;
            }
        };
        let totals = |t: &Totals| [t.user_minutes, t.user_cash, t.government, t.government_cash];
        scratch.by_component[j]
            .iter()
            .flatten()
            .for_each(|&v| put(v));
        totals(&scratch.bau_totals[j])
            .into_iter()
            .for_each(&mut put);
        for block in 0..=model.options.len() {
            let k = block * journeys + j;
            scratch.journey_sums[k]
                .to_array()
                .into_iter()
                .for_each(&mut put);
            let channels = &scratch.journey_channels[k * ids..(k + 1) * ids];
            channels.iter().flatten().for_each(|&v| put(v));
        }
        for o in 0..model.options.len() {
            totals(&scratch.with_totals[o * journeys + j])
                .into_iter()
                .for_each(&mut put);
            for d in model.journeys[j].departments.clone() {
                put(scratch.saved_government[o * count + d]);
            }
        }
    }
}
