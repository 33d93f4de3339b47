//! The equations of docs/method.md §2–3 for one iteration: from the drawn inputs to every output.
//!
//! Kept free of sampling and statistics so it can be read against the contract line by line
//! and tested with fixed inputs. Nothing here allocates: callers pass scratch space.

use super::channels::{self, ChannelValues};
pub use super::layout::Layout;
use super::transactions::{put_transactions, Moment};
use crate::appraisal::{self, PresentValues};
use crate::outputs::{Bearer, Component, Metric, OrgMetric, Scope, YearlyMetric};
use crate::params::{ChannelParam, DeptParam, CHANNEL_PARAM_COUNT, DEPT_PARAM_COUNT};
use crate::scenario::{Department, EffectKind, Model, Target};

/// Per-journey cost of one department by component: user minutes, user cash, government £.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PerJourney {
    pub(super) user_minutes: [f64; 4],
    pub(super) user_cash: [f64; 4],
    pub(super) government: [f64; 4],
    /// The part of the government cost whose saving releases cash: the share g of channel
    /// costs and the share h of staff costs (docs/method.md §3).
    government_cash: f64,
}

pub(super) fn per_journey(p: &[f64; DEPT_PARAM_COUNT]) -> PerJourney {
    let get = |q: DeptParam| p[q.index()];
    let c = get(DeptParam::ContactsPerJourney);
    let staff_rate = get(DeptParam::StaffCostPerHour) / 60.0;
    let phi = get(DeptParam::FailureDemand);
    let failures = c * phi / (1.0 - phi);
    let repetitions = c * get(DeptParam::RepetitionRate);
    let stuck = get(DeptParam::StuckRate);
    let user_cost = get(DeptParam::UserCostPerContact);
    let channel = get(DeptParam::ChannelCostPerContact);
    let government = [
        c * (get(DeptParam::StaffMinutes) * staff_rate + channel),
        repetitions * get(DeptParam::RepeatStaffMinutes) * staff_rate,
        failures * (get(DeptParam::FailureStaffMinutes) * staff_rate + channel),
        stuck * get(DeptParam::StuckStaffMinutes) * staff_rate,
    ];
    let channel_cost = (c + failures) * channel;
    let staff_cost = government.iter().sum::<f64>() - channel_cost;
    PerJourney {
        user_minutes: [
            c * get(DeptParam::UserMinutes),
            repetitions * get(DeptParam::RepeatUserMinutes),
            failures * get(DeptParam::FailureUserMinutes),
            stuck * get(DeptParam::StuckUserMinutes),
        ],
        user_cash: [c * user_cost, 0.0, failures * user_cost, 0.0],
        government,
        government_cash: get(DeptParam::ChannelCostCashReleasing) * channel_cost
            + get(DeptParam::CashReleasingShare) * staff_cost,
    }
}

/// Totals over departments and components of the per-journey cost.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Totals {
    pub(super) user_minutes: f64,
    pub(super) user_cash: f64,
    pub(super) government: f64,
    government_cash: f64,
}

impl Totals {
    pub(super) fn add(&mut self, j: &PerJourney) {
        self.user_minutes += j.user_minutes.iter().sum::<f64>();
        self.user_cash += j.user_cash.iter().sum::<f64>();
        self.government += j.government.iter().sum::<f64>();
        self.government_cash += j.government_cash;
    }
}

/// Applies one effect's draw `x` to a parameter's value (docs/method.md §3): `reduce`
/// multiplies by 1 − x, except on failure demand, where it cuts the failure contacts by the
/// share x (the odds φ/(1−φ) times 1 − x); `set` replaces the value.
fn apply_effect(value: &mut f64, param: DeptParam, kind: EffectKind, x: f64) {
    *value = match (kind, param) {
        (EffectKind::Reduce, DeptParam::FailureDemand) => *value * (1.0 - x) / (1.0 - *value * x),
        _ => changed(*value, kind, x),
    };
}

/// The plain rule for every value but failure demand: `reduce` multiplies by 1 − x, `set`
/// replaces.
fn changed(value: f64, kind: EffectKind, x: f64) -> f64 {
    match kind {
        EffectKind::Reduce => value * (1.0 - x),
        EffectKind::Set => x,
    }
}

/// Scratch space for one iteration, allocated once per batch.
#[derive(Debug, Clone)]
pub struct Scratch {
    bau: Vec<[f64; DEPT_PARAM_COUNT]>,
    changed: Vec<[f64; DEPT_PARAM_COUNT]>,
    /// Every department's channels, one after another: department d's are
    /// `channel_start[d]..channel_start[d + 1]`.
    bau_channels: Vec<ChannelValues>,
    changed_channels: Vec<ChannelValues>,
    channel_start: Vec<usize>,
    /// Contacts and government cost a year by channel id: of one journey, and of all.
    journey_channels: Vec<[f64; 2]>,
    channel_totals: Vec<[f64; 2]>,
    /// Government cost per journey of each department, in BAU and with the option.
    bau_government: Vec<f64>,
    saved_government: Vec<f64>,
    /// Per journey: year-0 volumes and prices, and per-journey totals in BAU and with the
    /// option.
    moments: Vec<Moment>,
    bau_totals: Vec<Totals>,
    with_totals: Vec<Totals>,
    /// Journeys and the value of a user minute in each appraisal year, per journey
    /// (journey j's year y at `j * years + y`).
    journeys: Vec<f64>,
    minute_value: Vec<f64>,
    /// Per journey, Σ DF_y · a_y · J_y: a department's PV benefit is its saving per journey
    /// times its journey's reach.
    reach: Vec<f64>,
    /// PV government benefits by organisation.
    organisation_benefits: Vec<f64>,
}

impl Scratch {
    pub fn new(model: &Model, layout: &Layout) -> Scratch {
        let d = model.departments.len();
        let mut channel_start = vec![0];
        for dept in &model.departments {
            channel_start.push(channel_start[channel_start.len() - 1] + dept.channels.len());
        }
        let channels = channel_start[d];
        let journeys = model.journeys.len();
        let years = model.settings.years;
        let at = Moment {
            journeys: 0.0,
            minute_value: 0.0,
        };
        Scratch {
            bau: vec![[0.0; DEPT_PARAM_COUNT]; d],
            changed: vec![[0.0; DEPT_PARAM_COUNT]; d],
            bau_channels: vec![[0.0; CHANNEL_PARAM_COUNT]; channels],
            changed_channels: vec![[0.0; CHANNEL_PARAM_COUNT]; channels],
            channel_start,
            journey_channels: vec![[0.0; 2]; layout.channel_ids.len()],
            channel_totals: vec![[0.0; 2]; layout.channel_ids.len()],
            bau_government: vec![0.0; d],
            saved_government: vec![0.0; d],
            moments: vec![at; journeys],
            bau_totals: vec![Totals::default(); journeys],
            with_totals: vec![Totals::default(); journeys],
            journeys: vec![0.0; journeys * years],
            minute_value: vec![0.0; journeys * years],
            reach: vec![0.0; journeys],
            organisation_benefits: vec![0.0; model.organisations.len()],
        }
    }
}

impl Scratch {
    /// Writes the transaction figures of business as usual (`option` `None`, from the drawn
    /// values) or of an option in full effect (from the values its effects changed).
    fn put_transactions(
        &mut self,
        model: &Model,
        layout: &Layout,
        option: Option<usize>,
        put: &mut impl FnMut(usize, f64),
    ) {
        let (values, channels) = match option {
            None => (&self.bau, &self.bau_channels),
            Some(_) => (&self.changed, &self.changed_channels),
        };
        let drawn = (&values[..], &channels[..], &self.channel_start[..]);
        put_transactions(
            model,
            layout,
            option,
            drawn,
            &self.moments,
            (&mut self.journey_channels, &mut self.channel_totals),
            put,
        );
    }
}

/// Computes every output of one iteration from its drawn `inputs` (indexed by input id),
/// writing each through `put(output index, value)`.
pub fn evaluate(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    scratch: &mut Scratch,
    put: impl FnMut(usize, f64),
) {
    evaluate_options(model, layout, inputs, scratch, 0..model.options.len(), put);
}

/// As [`evaluate`], for business as usual and only the options in `options`: what switching
/// values need when they move one option's inputs.
pub fn evaluate_options(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    scratch: &mut Scratch,
    options: std::ops::Range<usize>,
    mut put: impl FnMut(usize, f64),
) {
    load_departments(model, inputs, scratch);
    let mut total = [[0.0f64; 2]; 4];
    for (j, journey) in model.journeys.iter().enumerate() {
        let at = Moment {
            journeys: inputs[journey.per_year],
            minute_value: inputs[journey.value_of_time] / 60.0,
        };
        scratch.moments[j] = at;
        let by_component = bau_of_journey(model, layout, j, at, scratch, &mut put);
        if layout.journeys > 0 {
            put_summary(layout, Scope::Journey(j), &by_component, &mut put);
        }
        for (sum, part) in total.iter_mut().zip(by_component) {
            sum[0] += part[0];
            sum[1] += part[1];
        }
        // J_y = J·(1+g)^y and v_y = v·(1+gv)^y, by repeated multiplication.
        let growth = 1.0 + inputs[journey.growth];
        let time_growth = 1.0 + inputs[journey.value_of_time_growth];
        let (mut j_y, mut v_y) = (at.journeys, at.minute_value);
        for y in 0..layout.years {
            scratch.journeys[j * layout.years + y] = j_y;
            scratch.minute_value[j * layout.years + y] = v_y;
            j_y *= growth;
            v_y *= time_growth;
        }
    }
    put_summary(layout, Scope::Total, &total, &mut put);
    scratch.put_transactions(model, layout, None, &mut put);
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

    for (o, option) in model
        .options
        .iter()
        .enumerate()
        .skip(options.start)
        .take(options.len())
    {
        apply_option(model, option, inputs, scratch);
        scratch.with_totals.fill(Totals::default());
        for (d, values) in scratch.changed.iter().enumerate() {
            let j = per_journey(values);
            scratch.with_totals[model.departments[d].journey].add(&j);
            scratch.saved_government[d] =
                scratch.bau_government[d] - j.government.iter().sum::<f64>();
        }
        appraise(model, layout, inputs, o, scratch, &mut put);
        scratch.put_transactions(model, layout, Some(o), &mut put);
    }
}

impl Scratch {
    /// Journeys and the value of a user minute in appraisal year `y` of journey `j`.
    fn year(&self, j: usize, y: usize, years: usize) -> (f64, f64) {
        (
            self.journeys[j * years + y],
            self.minute_value[j * years + y],
        )
    }
}

/// The year-0 cost of business as usual of journey `j`'s departments: each department's
/// summary written, their per-journey totals kept in `scratch`, and their sum by component
/// (users, government) returned.
fn bau_of_journey(
    model: &Model,
    layout: &Layout,
    j: usize,
    at: Moment,
    scratch: &mut Scratch,
    put: &mut impl FnMut(usize, f64),
) -> [[f64; 2]; 4] {
    let mut totals = Totals::default();
    let mut sum = [[0.0f64; 2]; 4];
    for d in model.journeys[j].departments.clone() {
        let per = per_journey(&scratch.bau[d]);
        totals.add(&per);
        scratch.bau_government[d] = per.government.iter().sum();
        let mut by_component = [[0.0f64; 2]; 4];
        for c in 0..4 {
            by_component[c] = [
                at.journeys * (at.minute_value * per.user_minutes[c] + per.user_cash[c]),
                at.journeys * per.government[c],
            ];
            sum[c][0] += by_component[c][0];
            sum[c][1] += by_component[c][1];
        }
        put_summary(layout, Scope::Department(d), &by_component, put);
    }
    scratch.bau_totals[j] = totals;
    sum
}

/// Applies an option's effects to a copy of business as usual's values, and mixes each
/// department with channels again.
fn apply_option(
    model: &Model,
    option: &crate::scenario::OptionSpec,
    inputs: &[f64],
    scratch: &mut Scratch,
) {
    scratch.changed.copy_from_slice(&scratch.bau);
    scratch
        .changed_channels
        .copy_from_slice(&scratch.bau_channels);
    for effect in &option.effects {
        let x = inputs[effect.value];
        for (i, &d) in effect.departments.iter().enumerate() {
            let dept = &model.departments[d];
            let range = scratch.channel_start[d]..scratch.channel_start[d + 1];
            let channels = &mut scratch.changed_channels[range];
            apply_to_department(
                dept,
                &effect.target,
                i,
                effect.kind,
                x,
                &mut scratch.changed[d],
                channels,
            );
        }
    }
    for (d, dept) in model.departments.iter().enumerate() {
        if !dept.channels.is_empty() {
            let range = scratch.channel_start[d]..scratch.channel_start[d + 1];
            channels::mix(
                &scratch.changed_channels[range],
                &mut scratch.changed[d],
                &dept.follows,
            );
        }
    }
}

/// Reads each department's drawn values, and its channels', from the iteration's inputs; in a
/// department with channels, normalises the shares and mixes the per-contact values.
fn load_departments(model: &Model, inputs: &[f64], scratch: &mut Scratch) {
    for (d, dept) in model.departments.iter().enumerate() {
        let channels =
            &mut scratch.bau_channels[scratch.channel_start[d]..scratch.channel_start[d + 1]];
        load_department(dept, inputs, &mut scratch.bau[d], channels);
    }
}

/// Reads one department's drawn values, and its channels' (normalised and mixed).
pub(super) fn load_department(
    dept: &Department,
    inputs: &[f64],
    values: &mut [f64; DEPT_PARAM_COUNT],
    channels: &mut [ChannelValues],
) {
    for (v, id) in values.iter_mut().zip(&dept.params) {
        *v = id.map_or(0.0, |i| inputs[i]);
    }
    if dept.channels.is_empty() {
        return;
    }
    for (drawn, channel) in channels.iter_mut().zip(&dept.channels) {
        for (v, &i) in drawn.iter_mut().zip(&channel.inputs) {
            *v = inputs[i];
        }
    }
    channels::normalise(channels);
    channels::mix(channels, values, &dept.follows);
}

/// Applies one effect's draw `x` to department `dept`, the `i`-th the effect names. A
/// department-level effect on a value its channels give acts on every channel's value (so the
/// mixed value moves by the same reduce or set); failure minutes left to default follow the
/// minutes they default to. The caller mixes a department with channels again afterwards.
pub(super) fn apply_to_department(
    dept: &Department,
    target: &Target,
    i: usize,
    kind: EffectKind,
    x: f64,
    values: &mut [f64; DEPT_PARAM_COUNT],
    channels: &mut [ChannelValues],
) {
    match target {
        Target::Department(param) => match param.channel_param() {
            Some(per_channel) if !channels.is_empty() => {
                for channel in channels.iter_mut() {
                    apply_effect(&mut channel[per_channel.index()], *param, kind, x);
                }
            }
            _ => {
                apply_effect(&mut values[param.index()], *param, kind, x);
                if dept.channels.is_empty() {
                    for &(follower, leader) in &dept.follows {
                        if leader == *param {
                            apply_effect(&mut values[follower.index()], follower, kind, x);
                        }
                    }
                }
            }
        },
        Target::Channel {
            param: ChannelParam::Share,
            at,
            ..
        } => {
            let share = channels[at[i]][ChannelParam::Share.index()];
            channels::shift(channels, at[i], changed(share, kind, x));
        }
        Target::Channel { param, at, .. } => {
            let value = &mut channels[at[i]][param.index()];
            *value = changed(*value, kind, x);
        }
    }
}

/// Writes one scope's year-0 costs: the four basic components as computed (users,
/// government), their sums, and each with both bearers together.
fn put_summary(
    layout: &Layout,
    scope: Scope,
    by_component: &[[f64; 2]; 4],
    put: &mut impl FnMut(usize, f64),
) {
    let mut disjointed = [0.0; 2];
    let mut all = [0.0; 2];
    for (component, costs) in Component::BASIC.into_iter().zip(by_component) {
        for b in 0..2 {
            if component != Component::Value {
                disjointed[b] += costs[b];
            }
            all[b] += costs[b];
        }
    }
    let sums = [(Component::Disjointed, disjointed), (Component::All, all)];
    for (component, costs) in Component::BASIC.into_iter().zip(*by_component).chain(sums) {
        put(layout.summary(scope, component, Bearer::Users), costs[0]);
        put(
            layout.summary(scope, component, Bearer::Government),
            costs[1],
        );
        put(
            layout.summary(scope, component, Bearer::All),
            costs[0] + costs[1],
        );
    }
}

/// The yearly flows and present values of option `o`, given (in `scratch`) each journey's
/// per-journey totals without and with its effects, journeys and the value of a user minute
/// by year, and each department's saving per journey.
fn appraise(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    o: usize,
    scratch: &mut Scratch,
    put: &mut impl FnMut(usize, f64),
) {
    let option = &model.options[o];
    let optimism_bias = option.applied_uplift(inputs);
    let running = inputs[option.running];
    let mut pv = PresentValues::default();
    scratch.reach.fill(0.0);
    for y in 0..layout.years {
        let adoption = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
        let df = model.discount_factors[y];
        let mut cost_users = 0.0;
        let mut cost_government = 0.0;
        let mut saved = [0.0; 2];
        let mut benefit_cash = 0.0;
        for (j, (bau, with)) in scratch
            .bau_totals
            .iter()
            .zip(&scratch.with_totals)
            .enumerate()
        {
            let (j_y, v_y) = scratch.year(j, y, layout.years);
            cost_users += j_y * (v_y * bau.user_minutes + bau.user_cash);
            cost_government += j_y * bau.government;
            saved[0] += j_y
                * (v_y * (bau.user_minutes - with.user_minutes) + (bau.user_cash - with.user_cash));
            saved[1] += j_y * (bau.government - with.government);
            benefit_cash += adoption * j_y * (bau.government_cash - with.government_cash);
            scratch.reach[j] += df * adoption * j_y;
        }
        let [benefit_users, benefit_government] = saved.map(|s| adoption * s);
        let capital = option.capital.get(y).map_or(0.0, |&id| inputs[id]);
        let cost = appraisal::option_cost(capital, optimism_bias, running, y >= option.live);
        let net = benefit_users + benefit_government - cost.total;
        let row = [
            cost_users - benefit_users,
            cost_government - benefit_government,
            benefit_users,
            benefit_government,
            cost.total,
            net,
            df * net,
        ];
        for (metric, value) in YearlyMetric::ALL.into_iter().zip(row) {
            put(layout.yearly(Some(o), y, metric), value);
        }
        pv.add_year(df, [benefit_users, benefit_government, benefit_cash], cost);
    }
    for (metric, value) in Metric::ALL.into_iter().zip(pv.metrics()) {
        put(layout.appraisal(o, metric), value);
    }
    // Who pays and who benefits: each organisation receives its departments' savings; the
    // funder bears the costs (the last slot when the funder is no department, or none is
    // named).
    scratch.organisation_benefits.fill(0.0);
    for (d, dept) in model.departments.iter().enumerate() {
        scratch.organisation_benefits[dept.organisation] +=
            scratch.reach[dept.journey] * scratch.saved_government[d];
    }
    let funder_slot = option
        .funder
        .as_ref()
        .and_then(|f| f.organisation)
        .unwrap_or(layout.organisations);
    for slot in 0..=layout.organisations {
        let costs = if slot == funder_slot { pv.costs } else { 0.0 };
        let benefits = scratch
            .organisation_benefits
            .get(slot)
            .copied()
            .unwrap_or(0.0);
        for (metric, value) in [costs, benefits, costs - benefits].into_iter().enumerate() {
            put(layout.organisation(o, slot, OrgMetric::ALL[metric]), value);
        }
    }
}
