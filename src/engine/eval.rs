//! The equations of docs/method.md §2–3 for one iteration: from the drawn inputs to every output.
//!
//! Kept free of sampling and statistics so it can be read against the contract line by line
//! and tested with fixed inputs. Nothing here allocates: callers pass scratch space.

use super::channels::{self, ChannelValues};
pub use super::layout::Layout;
use super::transactions::{
    put_journey_transactions, put_total_transactions, Moment, TransactionFigures,
};
use crate::appraisal::{self, PresentValues};
use crate::outputs::{Bearer, Component, Metric, Scope, YearlyMetric};
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

impl PerJourney {
    /// User minutes, user cash, government £ and its cash-releasing part, each summed over
    /// the components.
    pub(super) fn sums(&self) -> [f64; 4] {
        [
            self.user_minutes.iter().sum(),
            self.user_cash.iter().sum(),
            self.government.iter().sum(),
            self.government_cash,
        ]
    }
}

/// Totals over departments and components of the per-journey cost.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Totals {
    pub(super) user_minutes: f64,
    pub(super) user_cash: f64,
    pub(super) government: f64,
    pub(super) government_cash: f64,
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
    pub(super) bau: Vec<[f64; DEPT_PARAM_COUNT]>,
    pub(super) changed: Vec<[f64; DEPT_PARAM_COUNT]>,
    /// Every department's channels, one after another: department d's are
    /// `channel_start[d]..channel_start[d + 1]`.
    pub(super) bau_channels: Vec<ChannelValues>,
    pub(super) changed_channels: Vec<ChannelValues>,
    pub(super) channel_start: Vec<usize>,
    /// Contacts and government cost a year by channel id, of each journey in business as usual
    /// and with each option (block `b` = 0 for BAU, 1 + o for option o; journey j's channel ids
    /// at `(b · journeys + j) · ids`), and of all journeys.
    pub(super) journey_channels: Vec<[f64; 2]>,
    channel_totals: Vec<[f64; 2]>,
    /// Each journey's transaction sums, by block as `journey_channels`.
    pub(super) journey_sums: Vec<TransactionFigures>,
    /// Each journey's year-0 cost by component (users, government).
    pub(super) by_component: Vec<[[f64; 2]; 4]>,
    /// Each department's per-journey cost in BAU as [`PerJourney::sums`], and its saving
    /// with option o (department d's at `o · departments + d`).
    pub(super) bau_sums: Vec<[f64; 4]>,
    pub(super) saved: Vec<[f64; 4]>,
    /// Per journey: year-0 volumes and prices, and per-journey totals in BAU.
    pub(super) moments: Vec<Moment>,
    pub(super) bau_totals: Vec<Totals>,
    /// Journeys and the value of a user minute in each appraisal year, per journey
    /// (journey j's year y at `j * years + y`).
    pub(super) journeys: Vec<f64>,
    pub(super) minute_value: Vec<f64>,
    /// What option o saves per journey j, at `o · journeys + j`: business as usual's totals
    /// less the option's (user minutes, user cash, government, government cash).
    pub(super) savings: Vec<[f64; 4]>,
    /// Per journey, Σ DF_y · a_y · J_y: a department's PV benefit is its saving per journey
    /// times its journey's reach.
    pub(super) reach: Vec<f64>,
    /// Per journey, Σ DF_y · a_y · J_y · v_y (v_y a user minute's value): the same for a
    /// saving in user minutes.
    pub(super) time_reach: Vec<f64>,
    /// Per journey, a_F · J_F and a_F · J_F · v_F in the option's first full-effect year F.
    pub(super) full_year: Vec<[f64; 2]>,
    /// The option's cost in each appraisal year, and the financial view's figures as they are
    /// summed ([`super::financial::put_cash`]).
    pub(super) costs: Vec<appraisal::OptionCost>,
    pub(super) cash: Vec<f64>,
    /// PV government benefits by organisation.
    pub(super) organisation_benefits: Vec<f64>,
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
        let options = model.options.len();
        let blocks = 1 + options;
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
            journey_channels: vec![[0.0; 2]; blocks * journeys * layout.channel_ids.len()],
            channel_totals: vec![[0.0; 2]; layout.channel_ids.len()],
            journey_sums: vec![TransactionFigures::default(); blocks * journeys],
            by_component: vec![[[0.0; 2]; 4]; journeys],
            bau_sums: vec![[0.0; 4]; d],
            saved: vec![[0.0; 4]; options * d],
            moments: vec![at; journeys],
            bau_totals: vec![Totals::default(); journeys],
            journeys: vec![0.0; journeys * years],
            minute_value: vec![0.0; journeys * years],
            savings: vec![[0.0; 4]; options * journeys],
            reach: vec![0.0; journeys],
            time_reach: vec![0.0; journeys],
            full_year: vec![[0.0; 2]; journeys],
            costs: vec![appraisal::OptionCost::default(); years],
            cash: vec![0.0; layout.cash.slots * layout.cash.years * 5],
            organisation_benefits: vec![0.0; model.organisations.len()],
        }
    }
}

impl Scratch {
    /// Writes the transaction figures of journey `j`'s departments and of the journey, for
    /// business as usual (`option` `None`, from the drawn values) or an option in full effect
    /// (from the values its effects changed), keeping the journey's sums for the total.
    pub(super) fn put_journey_transactions(
        &mut self,
        model: &Model,
        layout: &Layout,
        option: Option<usize>,
        j: usize,
        put: &mut impl FnMut(usize, f64),
    ) {
        let Scratch {
            bau,
            changed,
            bau_channels,
            changed_channels,
            channel_start,
            journey_channels,
            journey_sums,
            moments,
            ..
        } = self;
        let (values, channels) = match option {
            None => (&bau[..], &bau_channels[..]),
            Some(_) => (&changed[..], &changed_channels[..]),
        };
        let ids = layout.channel_ids.len();
        let k = option.map_or(0, |o| o + 1) * model.journeys.len() + j;
        journey_sums[k] = put_journey_transactions(
            model,
            layout,
            option,
            (values, channels, &channel_start[..]),
            (j, moments[j]),
            &mut journey_channels[k * ids..(k + 1) * ids],
            put,
        );
    }

    /// Writes the total's transaction figures for business as usual or an option, from every
    /// journey's sums.
    pub(super) fn put_total_transactions(
        &mut self,
        model: &Model,
        layout: &Layout,
        option: Option<usize>,
        put: &mut impl FnMut(usize, f64),
    ) {
        let journeys = model.journeys.len();
        let ids = layout.channel_ids.len();
        let block = option.map_or(0, |o| o + 1);
        put_total_transactions(
            layout,
            option,
            &self.journey_sums[block * journeys..(block + 1) * journeys],
            &self.journey_channels[block * journeys * ids..(block + 1) * journeys * ids],
            &mut self.channel_totals,
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
    put: impl FnMut(usize, f64),
) {
    super::parts::evaluate_with_states(model, layout, inputs, scratch, options, None, put);
}

impl Scratch {
    /// Journeys and the value of a user minute in appraisal year `y` of journey `j`.
    pub(super) fn year(&self, j: usize, y: usize, years: usize) -> (f64, f64) {
        (
            self.journeys[j * years + y],
            self.minute_value[j * years + y],
        )
    }
}

/// The year-0 cost of business as usual of journey `j`'s departments: each department's
/// summary written, their per-journey totals kept in `scratch`, and their sum by component
/// (users, government) returned.
pub(super) fn bau_of_journey(
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
        scratch.bau_sums[d] = per.sums();
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

/// Applies an option's effects to a copy of business as usual's values of `departments` (one
/// journey's), in the order the effects are written, and mixes each department with channels
/// again.
pub(super) fn apply_option(
    model: &Model,
    option: &crate::scenario::OptionSpec,
    inputs: &[f64],
    scratch: &mut Scratch,
    departments: std::ops::Range<usize>,
) {
    let channels = scratch.channel_start[departments.start]..scratch.channel_start[departments.end];
    scratch.changed[departments.clone()].copy_from_slice(&scratch.bau[departments.clone()]);
    scratch.changed_channels[channels.clone()].copy_from_slice(&scratch.bau_channels[channels]);
    for effect in &option.effects {
        let x = inputs[effect.value];
        for (i, &d) in effect.departments.iter().enumerate() {
            if !departments.contains(&d) {
                continue;
            }
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
    for d in departments {
        let dept = &model.departments[d];
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
pub(super) fn put_summary(
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
pub(super) fn appraise(
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
    // The reach by journey and the costs by year feed the organisations, register and cash.
    let details = layout.computes_details();
    scratch.reach.fill(0.0);
    scratch.time_reach.fill(0.0);
    let full_effect = layout.register.full_effect[o];
    let journeys = scratch.bau_totals.len();
    for y in 0..layout.years {
        let adoption = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
        let df = model.discount_factors[y];
        let mut cost_users = 0.0;
        let mut cost_government = 0.0;
        let mut saved = [0.0; 2];
        let mut benefit_cash = 0.0;
        for j in 0..journeys {
            let (j_y, v_y) = scratch.year(j, y, layout.years);
            let [minutes, cash, government, government_cash] = scratch.savings[o * journeys + j];
            saved[0] += j_y * (v_y * minutes + cash);
            saved[1] += j_y * government;
            benefit_cash += adoption * j_y * government_cash;
            if details {
                let bau = &scratch.bau_totals[j];
                cost_users += j_y * (v_y * bau.user_minutes + bau.user_cash);
                cost_government += j_y * bau.government;
                scratch.reach[j] += df * adoption * j_y;
                scratch.time_reach[j] += df * adoption * j_y * v_y;
                if y == full_effect {
                    scratch.full_year[j] = [adoption * j_y, adoption * j_y * v_y];
                }
            }
        }
        let [benefit_users, benefit_government] = saved.map(|s| adoption * s);
        let capital = option.capital.get(y).map_or(0.0, |&id| inputs[id]);
        let cost = appraisal::option_cost(capital, optimism_bias, running, y >= option.live);
        scratch.costs[y] = cost;
        let net = benefit_users + benefit_government - cost.total;
        pv.add_year(df, [benefit_users, benefit_government, benefit_cash], cost);
        if !details {
            continue;
        }
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
    }
    for (metric, value) in Metric::ALL.into_iter().zip(pv.metrics()) {
        put(layout.appraisal(o, metric), value);
    }
    if details {
        super::financial::put_organisations(model, layout, (inputs, o), pv.costs, scratch, put);
    }
}
