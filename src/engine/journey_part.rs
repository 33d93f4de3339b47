//! One journey's part of an option's NPSV. In a portfolio an option's benefits are a sum over
//! journeys, and a journey's benefit depends only on its own inputs, the option's effects and
//! its adoption path; its costs on the option's own inputs. So moving one input of journey j
//! moves the NPSV by exactly the change in journey j's part: a switching-value search over a
//! journey's input evaluates that journey alone, and its cost stays the same however many
//! journeys the portfolio holds (it grew with their square when every step evaluated all).

use super::channels::{self, ChannelValues};
use super::eval::{apply_to_department, load_department, per_journey, Totals};
use crate::params::DEPT_PARAM_COUNT;
use crate::scenario::Model;

/// Evaluates journey `journey`'s part of option `option`'s NPSV: the present value of the
/// benefits to users and government of that journey's departments.
pub struct JourneyPart<'m> {
    model: &'m Model,
    option: usize,
    journey: usize,
    departments: std::ops::Range<usize>,
    /// Each effect's reach into this journey, in the order written: (effect, the position of
    /// the department in the effect's list, the department).
    reach: Vec<(usize, usize, usize)>,
    bau: Vec<[f64; DEPT_PARAM_COUNT]>,
    changed: Vec<[f64; DEPT_PARAM_COUNT]>,
    bau_channels: Vec<Vec<ChannelValues>>,
    changed_channels: Vec<Vec<ChannelValues>>,
}

impl<'m> JourneyPart<'m> {
    pub fn new(model: &'m Model, option: usize, journey: usize) -> JourneyPart<'m> {
        let departments = model.journeys[journey].departments.clone();
        let channels: Vec<Vec<ChannelValues>> = departments
            .clone()
            .map(|d| vec![ChannelValues::default(); model.departments[d].channels.len()])
            .collect();
        let reach = model.options[option]
            .effects
            .iter()
            .enumerate()
            .flat_map(|(e, effect)| {
                effect
                    .departments
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| departments.contains(d))
                    .map(move |(i, &d)| (e, i, d))
            })
            .collect();
        JourneyPart {
            model,
            option,
            journey,
            reach,
            bau: vec![[0.0; DEPT_PARAM_COUNT]; departments.len()],
            changed: vec![[0.0; DEPT_PARAM_COUNT]; departments.len()],
            departments,
            bau_channels: channels.clone(),
            changed_channels: channels,
        }
    }

    /// The PV of the journey's benefits under `inputs`.
    pub fn pv_benefits(&mut self, inputs: &[f64]) -> f64 {
        let model = self.model;
        let option = &model.options[self.option];
        for (k, d) in self.departments.clone().enumerate() {
            let dept = &model.departments[d];
            load_department(dept, inputs, &mut self.bau[k], &mut self.bau_channels[k]);
            self.changed[k] = self.bau[k];
            self.changed_channels[k].copy_from_slice(&self.bau_channels[k]);
        }
        for &(e, i, d) in &self.reach {
            let effect = &option.effects[e];
            let k = d - self.departments.start;
            apply_to_department(
                &model.departments[d],
                &effect.target,
                i,
                effect.kind,
                inputs[effect.value],
                &mut self.changed[k],
                &mut self.changed_channels[k],
            );
        }
        let (mut bau, mut with) = (Totals::default(), Totals::default());
        for (k, d) in self.departments.clone().enumerate() {
            let dept = &model.departments[d];
            if !dept.channels.is_empty() {
                channels::mix(
                    &self.changed_channels[k],
                    &mut self.changed[k],
                    &dept.follows,
                );
            }
            bau.add(&per_journey(&self.bau[k]));
            with.add(&per_journey(&self.changed[k]));
        }
        let journey = &model.journeys[self.journey];
        let growth = 1.0 + inputs[journey.growth];
        let time_growth = 1.0 + inputs[journey.value_of_time_growth];
        let (mut j_y, mut v_y) = (
            inputs[journey.per_year],
            inputs[journey.value_of_time] / 60.0,
        );
        let mut pv = 0.0;
        for (y, df) in model.discount_factors.iter().enumerate() {
            let adoption = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
            let users = j_y
                * (v_y * (bau.user_minutes - with.user_minutes) + (bau.user_cash - with.user_cash));
            let government = j_y * (bau.government - with.government);
            pv += df * (adoption * users + adoption * government);
            j_y *= growth;
            v_y *= time_growth;
        }
        pv
    }
}
