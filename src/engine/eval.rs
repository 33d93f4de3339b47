//! The equations of MODEL.md §2–3 for one iteration: from the drawn inputs to every output.
//!
//! Kept free of sampling and statistics so it can be read against the contract line by line
//! and tested with fixed inputs. Nothing here allocates: callers pass scratch space.

use crate::params::{DeptParam, DEPT_PARAM_COUNT};
use crate::scenario::{EffectKind, Model};

/// The cost components, in report order.
pub const COMPONENTS: [&str; 6] = [
    "value",
    "repetition",
    "failure",
    "stuck",
    "disjointed",
    "all",
];
/// Who bears a cost, in report order.
pub const BEARERS: [&str; 3] = ["users", "government", "all"];
/// Appraisal metrics per option, in report order.
pub const APPRAISAL_METRICS: [&str; 7] = [
    "pv_benefits_users",
    "pv_benefits_government",
    "pv_benefits",
    "pv_costs",
    "npsv",
    "bcr",
    "net_present_cost_government",
];
/// Yearly metrics for business as usual.
pub const BAU_YEARLY_METRICS: [&str; 2] = ["cost_users", "cost_government"];
/// Yearly metrics for an option.
pub const OPTION_YEARLY_METRICS: [&str; 7] = [
    "cost_users",
    "cost_government",
    "benefit_users",
    "benefit_government",
    "option_cost",
    "net",
    "discounted_net",
];

/// Index of the NPSV metric in [`APPRAISAL_METRICS`].
pub const NPSV: usize = 4;
/// Index of the BCR metric in [`APPRAISAL_METRICS`].
pub const BCR: usize = 5;

/// Where each output lives in an iteration's output row.
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
        let departments = model.departments.len();
        let options = model.options.len();
        let years = model.settings.years;
        let summary = (departments + 1) * COMPONENTS.len() * BEARERS.len();
        let appraisal = options * APPRAISAL_METRICS.len();
        let yearly = years * (BAU_YEARLY_METRICS.len() + options * OPTION_YEARLY_METRICS.len());
        Layout {
            departments,
            options,
            years,
            appraisal_start: summary,
            yearly_start: summary + appraisal,
            len: summary + appraisal + yearly,
        }
    }

    /// Summary output for department `d` (`d == departments` is the total).
    pub fn summary(&self, d: usize, component: usize, bearer: usize) -> usize {
        (d * COMPONENTS.len() + component) * BEARERS.len() + bearer
    }

    /// Number of summary outputs.
    pub fn summary_len(&self) -> usize {
        self.appraisal_start
    }

    /// Index of the first yearly output: summary and appraisal outputs come before it.
    pub fn yearly_start(&self) -> usize {
        self.yearly_start
    }

    pub fn appraisal(&self, option: usize, metric: usize) -> usize {
        self.appraisal_start + option * APPRAISAL_METRICS.len() + metric
    }

    /// Yearly output: `option` is `None` for business as usual.
    pub fn yearly(&self, option: Option<usize>, year: usize, metric: usize) -> usize {
        let per_year = BAU_YEARLY_METRICS.len() + self.options * OPTION_YEARLY_METRICS.len();
        let within = match option {
            None => metric,
            Some(o) => BAU_YEARLY_METRICS.len() + o * OPTION_YEARLY_METRICS.len() + metric,
        };
        self.yearly_start + year * per_year + within
    }
}

/// Per-journey cost of one department by component: user minutes, user cash, government £.
#[derive(Debug, Clone, Copy, Default)]
struct PerJourney {
    user_minutes: [f64; 4],
    user_cash: [f64; 4],
    government: [f64; 4],
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
    PerJourney {
        user_minutes: [
            c * get(DeptParam::UserMinutes),
            repetitions * get(DeptParam::RepeatUserMinutes),
            failures * get(DeptParam::FailureUserMinutes),
            stuck * get(DeptParam::StuckUserMinutes),
        ],
        user_cash: [c * user_cost, 0.0, failures * user_cost, 0.0],
        government: [
            c * (get(DeptParam::StaffMinutes) * staff_rate + channel),
            repetitions * get(DeptParam::RepeatStaffMinutes) * staff_rate,
            failures * (get(DeptParam::FailureStaffMinutes) * staff_rate + channel),
            stuck * get(DeptParam::StuckStaffMinutes) * staff_rate,
        ],
    }
}

/// Totals over departments and components of the per-journey cost.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    user_minutes: f64,
    user_cash: f64,
    government: f64,
}

impl Totals {
    fn add(&mut self, j: &PerJourney) {
        self.user_minutes += j.user_minutes.iter().sum::<f64>();
        self.user_cash += j.user_cash.iter().sum::<f64>();
        self.government += j.government.iter().sum::<f64>();
    }
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
        put_summary(layout, d, &by_component, &mut put);
    }
    put_summary(layout, layout.departments, &total, &mut put);

    // J_y = J·(1+g)^y and v_y = v·(1+gv)^y, by repeated multiplication.
    let growth = 1.0 + inputs[model.journey_growth];
    let time_growth = 1.0 + inputs[model.value_of_time_growth];
    let (mut j_y, mut v_y) = (journeys, minute_value);
    for y in 0..layout.years {
        scratch.journeys[y] = j_y;
        scratch.minute_value[y] = v_y;
        put(
            layout.yearly(None, y, 0),
            j_y * (v_y * bau.user_minutes + bau.user_cash),
        );
        put(layout.yearly(None, y, 1), j_y * bau.government);
        j_y *= growth;
        v_y *= time_growth;
    }

    for (o, option) in model.options.iter().enumerate() {
        scratch.changed.copy_from_slice(&scratch.bau);
        for effect in &option.effects {
            let x = inputs[effect.value];
            for &d in &effect.departments {
                let v = &mut scratch.changed[d][effect.param.index()];
                *v = match effect.kind {
                    EffectKind::Reduce => *v * (1.0 - x),
                    EffectKind::Set => x,
                };
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

fn put_summary(
    layout: &Layout,
    d: usize,
    by_component: &[[f64; 2]; 4],
    put: &mut impl FnMut(usize, f64),
) {
    let mut disjointed = [0.0; 2];
    let mut all = [0.0; 2];
    for (c, costs) in by_component.iter().enumerate() {
        for b in 0..2 {
            if c > 0 {
                disjointed[b] += costs[b];
            }
            all[b] += costs[b];
        }
        put(layout.summary(d, c, 0), costs[0]);
        put(layout.summary(d, c, 1), costs[1]);
        put(layout.summary(d, c, 2), costs[0] + costs[1]);
    }
    for (c, costs) in [(4, disjointed), (5, all)] {
        put(layout.summary(d, c, 0), costs[0]);
        put(layout.summary(d, c, 1), costs[1]);
        put(layout.summary(d, c, 2), costs[0] + costs[1]);
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
    let uplift = 1.0 + inputs[option.optimism_bias];
    let running = inputs[option.running];
    let mut pv = [0.0f64; 3]; // users, government, costs
    for y in 0..layout.years {
        let (j_y, v_y) = (journeys[y], minute_value[y]);
        let adoption = option.adoption_input(y).map_or(0.0, |id| inputs[id]);
        let saved_users =
            j_y * (v_y * (bau.user_minutes - with.user_minutes) + (bau.user_cash - with.user_cash));
        let saved_government = j_y * (bau.government - with.government);
        let benefit_users = adoption * saved_users;
        let benefit_government = adoption * saved_government;
        let capital = option.capital.get(y).map_or(0.0, |&id| inputs[id]);
        let cost = capital * uplift + if y >= option.live { running } else { 0.0 };
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
        for (m, value) in row.into_iter().enumerate() {
            put(layout.yearly(Some(o), y, m), value);
        }
        pv[0] += df * benefit_users;
        pv[1] += df * benefit_government;
        pv[2] += df * cost;
    }
    let benefits = pv[0] + pv[1];
    let bcr = if pv[2] > 0.0 {
        benefits / pv[2]
    } else {
        f64::NAN
    };
    let metrics = [
        pv[0],
        pv[1],
        benefits,
        pv[2],
        benefits - pv[2],
        bcr,
        pv[2] - pv[1],
    ];
    for (m, value) in metrics.into_iter().enumerate() {
        put(layout.appraisal(o, m), value);
    }
}
