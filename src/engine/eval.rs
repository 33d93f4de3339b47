//! The equations of docs/method.md §2–3 for one iteration: from the drawn inputs to every output.
//!
//! Kept free of sampling and statistics so it can be read against the contract line by line
//! and tested with fixed inputs. Nothing here allocates: callers pass scratch space.

use crate::appraisal::{self, PresentValues};
use crate::outputs::{Bearer, Component, Metric, Scope, YearlyMetric};
use crate::params::{DeptParam, DEPT_PARAM_COUNT};
use crate::scenario::{EffectKind, Model};

/// Where each output lives in an iteration's output row: the summary costs (every department
/// and the total × component × bearer), then each option's appraisal metrics, then the
/// yearly flows of BAU and each option.
#[derive(Debug, Clone)]
pub struct Layout {
    pub departments: usize,
    pub options: usize,
    pub years: usize,
    appraisal_start: usize,
    yearly_start: usize,
    pub len: usize,
}

impl Layout {
    pub fn new(model: &Model) -> Layout {
        let departments = model.departments().len();
        let options = model.options().len();
        let years = model.settings().years;
        let summary = (departments + 1) * Component::ALL.len() * Bearer::ALL.len();
        let appraisal = options * Metric::ALL.len();
        let yearly = years * (YearlyMetric::BAU.len() + options * YearlyMetric::ALL.len());
        Layout {
            departments,
            options,
            years,
            appraisal_start: summary,
            yearly_start: summary + appraisal,
            len: summary + appraisal + yearly,
        }
    }

    /// The year-0 cost of a scope, component and bearer.
    pub fn summary(&self, scope: Scope, component: Component, bearer: Bearer) -> usize {
        self.summary_at(self.scope_index(scope), component, bearer)
    }

    fn scope_index(&self, scope: Scope) -> usize {
        match scope {
            Scope::Department(d) => d,
            Scope::Total => self.departments,
        }
    }

    fn summary_at(&self, d: usize, component: Component, bearer: Bearer) -> usize {
        (d * Component::ALL.len() + component.index()) * Bearer::ALL.len() + bearer.index()
    }

    /// Number of summary outputs.
    pub fn summary_len(&self) -> usize {
        self.appraisal_start
    }

    /// Index of the first yearly output: summary and appraisal outputs come before it.
    pub fn yearly_start(&self) -> usize {
        self.yearly_start
    }

    /// An appraisal metric of an option.
    pub fn appraisal(&self, option: usize, metric: Metric) -> usize {
        self.appraisal_start + option * Metric::ALL.len() + metric.index()
    }

    /// A yearly flow: `option` is `None` for business as usual.
    pub fn yearly(&self, option: Option<usize>, year: usize, metric: YearlyMetric) -> usize {
        let per_year = YearlyMetric::BAU.len() + self.options * YearlyMetric::ALL.len();
        let within = match option {
            None => metric.index(),
            Some(o) => YearlyMetric::BAU.len() + o * YearlyMetric::ALL.len() + metric.index(),
        };
        self.yearly_start + year * per_year + within
    }

    /// A readable name for output `k`, e.g. `total_failure_users` or `share-data_npsv`.
    pub fn output_name(&self, model: &Model, k: usize) -> String {
        if k < self.summary_len() {
            let per_dept = Component::ALL.len() * Bearer::ALL.len();
            let component = Component::ALL[(k % per_dept) / Bearer::ALL.len()];
            let bearer = Bearer::ALL[k % Bearer::ALL.len()];
            let dept = model
                .departments()
                .get(k / per_dept)
                .map_or("total", |d| d.id.as_str());
            return format!("{dept}_{}_{}", component.name(), bearer.name());
        }
        if k < self.yearly_start {
            let within = k - self.appraisal_start;
            let option = &model.options()[within / Metric::ALL.len()];
            let metric = Metric::ALL[within % Metric::ALL.len()];
            return format!("{}_{}", option.id, metric.name());
        }
        let per_year = YearlyMetric::BAU.len() + self.options * YearlyMetric::ALL.len();
        let within = k - self.yearly_start;
        let year = model.calendar_year(within / per_year);
        match (within % per_year).checked_sub(YearlyMetric::BAU.len()) {
            None => format!("bau_{year}_{}", YearlyMetric::ALL[within % per_year].name()),
            Some(i) => format!(
                "{}_{year}_{}",
                model.options()[i / YearlyMetric::ALL.len()].id,
                YearlyMetric::ALL[i % YearlyMetric::ALL.len()].name()
            ),
        }
    }
}

/// Per-journey cost of one department by component: user minutes, user cash, government £.
#[derive(Debug, Clone, Copy, Default)]
struct PerJourney {
    user_minutes: [f64; 4],
    user_cash: [f64; 4],
    government: [f64; 4],
    /// The part of the government cost whose saving releases cash: channel costs, and the
    /// share h of staff costs (docs/method.md §3).
    government_cash: f64,
}

fn per_journey(p: &[f64; DEPT_PARAM_COUNT]) -> PerJourney {
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
        government_cash: channel_cost + get(DeptParam::CashReleasingShare) * staff_cost,
    }
}

/// Totals over departments and components of the per-journey cost.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    user_minutes: f64,
    user_cash: f64,
    government: f64,
    government_cash: f64,
}

impl Totals {
    fn add(&mut self, j: &PerJourney) {
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
        (EffectKind::Reduce, _) => *value * (1.0 - x),
        (EffectKind::Set, _) => x,
    };
}

/// Scratch space for one iteration, allocated once per batch.
#[derive(Debug, Clone)]
pub struct Scratch {
    bau: Vec<[f64; DEPT_PARAM_COUNT]>,
    changed: Vec<[f64; DEPT_PARAM_COUNT]>,
    /// Journeys in each appraisal year.
    journeys: Vec<f64>,
    /// Value of a user minute in each appraisal year.
    minute_value: Vec<f64>,
}

impl Scratch {
    pub fn new(model: &Model) -> Scratch {
        let d = model.departments.len();
        Scratch {
            bau: vec![[0.0; DEPT_PARAM_COUNT]; d],
            changed: vec![[0.0; DEPT_PARAM_COUNT]; d],
            journeys: vec![0.0; model.settings.years],
            minute_value: vec![0.0; model.settings.years],
        }
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
    for (values, dept) in scratch.bau.iter_mut().zip(&model.departments) {
        for (v, &id) in values.iter_mut().zip(&dept.params) {
            *v = inputs[id];
        }
    }
    let journeys = inputs[model.journeys_per_year];
    let value_of_time = inputs[model.value_of_time];
    let minute_value = value_of_time / 60.0;

    // Year-0 cost of business as usual, by department, component and bearer.
    let mut bau = Totals::default();
    let mut total = [[0.0f64; 2]; 4];
    for (d, values) in scratch.bau.iter().enumerate() {
        let j = per_journey(values);
        bau.add(&j);
        let mut by_component = [[0.0f64; 2]; 4];
        for c in 0..4 {
            by_component[c] = [
                journeys * (minute_value * j.user_minutes[c] + j.user_cash[c]),
                journeys * j.government[c],
            ];
            total[c][0] += by_component[c][0];
            total[c][1] += by_component[c][1];
        }
        put_summary(layout, Scope::Department(d), &by_component, &mut put);
    }
    put_summary(layout, Scope::Total, &total, &mut put);

    // J_y = J·(1+g)^y and v_y = v·(1+gv)^y, by repeated multiplication.
    let growth = 1.0 + inputs[model.journey_growth];
    let time_growth = 1.0 + inputs[model.value_of_time_growth];
    let (mut j_y, mut v_y) = (journeys, minute_value);
    for y in 0..layout.years {
        scratch.journeys[y] = j_y;
        scratch.minute_value[y] = v_y;
        put(
            layout.yearly(None, y, YearlyMetric::CostUsers),
            j_y * (v_y * bau.user_minutes + bau.user_cash),
        );
        put(
            layout.yearly(None, y, YearlyMetric::CostGovernment),
            j_y * bau.government,
        );
        j_y *= growth;
        v_y *= time_growth;
    }

    for (o, option) in model
        .options
        .iter()
        .enumerate()
        .skip(options.start)
        .take(options.len())
    {
        scratch.changed.copy_from_slice(&scratch.bau);
        for effect in &option.effects {
            let x = inputs[effect.value];
            for &d in &effect.departments {
                let values = &mut scratch.changed[d];
                apply_effect(
                    &mut values[effect.param.index()],
                    effect.param,
                    effect.kind,
                    x,
                );
                // Failure minutes left to default follow the minutes they default to.
                for &(follower, leader) in &model.departments[d].follows {
                    if leader == effect.param {
                        apply_effect(&mut values[follower.index()], follower, effect.kind, x);
                    }
                }
            }
        }
        let mut with = Totals::default();
        for values in &scratch.changed {
            with.add(&per_journey(values));
        }
        appraise(
            model,
            layout,
            inputs,
            o,
            (&bau, &with),
            (&scratch.journeys, &scratch.minute_value),
            &mut put,
        );
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

/// The yearly flows and present values of option `o`, given per-journey totals without and
/// with its effects, and journeys and the value of a user minute by year.
fn appraise(
    model: &Model,
    layout: &Layout,
    inputs: &[f64],
    o: usize,
    (bau, with): (&Totals, &Totals),
    (journeys, minute_value): (&[f64], &[f64]),
    put: &mut impl FnMut(usize, f64),
) {
    let option = &model.options[o];
    let optimism_bias = inputs[option.optimism_bias];
    let running = inputs[option.running];
    let mut pv = PresentValues::default();
    for y in 0..layout.years {
        let (j_y, v_y) = (journeys[y], minute_value[y]);
        let adoption = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
        let saved_users =
            j_y * (v_y * (bau.user_minutes - with.user_minutes) + (bau.user_cash - with.user_cash));
        let saved_government = j_y * (bau.government - with.government);
        let benefit_users = adoption * saved_users;
        let benefit_government = adoption * saved_government;
        let benefit_cash = adoption * j_y * (bau.government_cash - with.government_cash);
        let capital = option.capital.get(y).map_or(0.0, |&id| inputs[id]);
        let cost = appraisal::option_cost(capital, optimism_bias, running, y >= option.live);
        let net = benefit_users + benefit_government - cost;
        let df = model.discount_factors[y];
        let row = [
            j_y * (v_y * bau.user_minutes + bau.user_cash) - benefit_users,
            j_y * bau.government - benefit_government,
            benefit_users,
            benefit_government,
            cost,
            net,
            df * net,
        ];
        for (metric, value) in YearlyMetric::ALL.into_iter().zip(row) {
            put(layout.yearly(Some(o), y, metric), value);
        }
        pv.add_year(df, [benefit_users, benefit_government, benefit_cash], cost);
    }
    for (metric, value) in Metric::ALL
        .into_iter()
        .zip(pv.metrics(model.settings.first_year))
    {
        put(layout.appraisal(o, metric), value);
    }
}
