//! A run as a value: what [`crate::run`] returns and every exporter reads.
//!
//! [`Results`] holds the model it was run on, the statistics of every output, the quantile
//! sketches the charts draw from, the kept samples and the analysis (tornado sensitivity and
//! switching values). Outputs are addressed by meaning — `results.cost(Scope::Total,
//! Component::Failure, Bearer::Users)` — never by position, so a report cannot read the wrong
//! figure when the layout grows.

use std::time::{Duration, Instant};

use crate::appraisal;
use crate::engine::{self, Outcome, RunConfig, Samples, Stats};
use crate::error::Result;
use crate::outputs::{
    Bearer, Component, Metric, OrgMetric, Scope, TransactionMetric, YearlyMetric,
};
use crate::scenario::Model;
use crate::sensitivity::{SwitchingValue, Tornado};

/// Runs a model: the Monte Carlo estimate of every output, then its analysis (tornado
/// sensitivity and switching values). Nothing is written and nothing printed; progress goes to
/// the config's callback, and the config's cancel token stops the run between batches.
///
/// # Errors
/// [`crate::Error::Usage`] for an iteration count out of range; [`crate::Error::Interrupted`]
/// when cancelled; [`crate::Error::Numeric`] when the inputs overflow.
pub fn run(model: &Model, config: &RunConfig) -> Result<Results> {
    let started = Instant::now();
    let outcome = engine::run(model, config)?;
    // The live page sorts again only the inputs an edit changed.
    let earlier = config
        .previous
        .as_ref()
        .and_then(|p| p.draw_analyses.as_deref())
        .map(|orders| (orders, &outcome.reused_inputs[..]));
    let (voi, draw_analyses) = match outcome.samples.as_ref() {
        Some(samples) => {
            let reach = match config.analyses {
                crate::engine::Analyses::Everything => crate::voi::Reach::RUN,
                crate::engine::Analyses::LivePage => crate::voi::Reach::LIVE_PAGE,
            };
            match crate::voi::value_of_information_reusing(model, samples, reach, earlier) {
                Some((voi, orders)) => (Some(voi), Some(std::sync::Arc::new(orders))),
                None => (None, None),
            }
        }
        None => (None, None),
    };
    // Only the live page reruns: a run keeps the orders for one.
    let draw_analyses =
        draw_analyses.filter(|_| config.analyses == crate::engine::Analyses::LivePage);
    if config.analyses == crate::engine::Analyses::LivePage {
        return Ok(Results {
            model: model.clone(),
            outcome: std::sync::Arc::new(outcome),
            tornadoes: Vec::new(),
            switching: Vec::new(),
            mitigation: Vec::new(),
            curves: Vec::new(),
            cases: Vec::new(),
            conditions: Vec::new(),
            voi,
            draw_analyses,
            elapsed: started.elapsed(),
        });
    }
    let tornadoes = crate::sensitivity::tornadoes(model, &outcome);
    let mut switching = crate::sensitivity::switching_values(model, &config.cancel)?;
    let conditions = outcome
        .samples
        .as_ref()
        .map(|samples| crate::conditions::conditions(model, samples))
        .unwrap_or_default();
    let fixed = outcome
        .samples
        .as_ref()
        .map(|samples| crate::fixed::test(model, samples))
        .unwrap_or_default();
    switching.extend(fixed.switching);
    let cases = crate::named_cases::run(model, config, outcome.iterations)?;
    Ok(Results {
        model: model.clone(),
        outcome: std::sync::Arc::new(outcome),
        tornadoes,
        switching,
        mitigation: fixed.mitigation,
        curves: fixed.curves,
        cases,
        conditions,
        voi,
        draw_analyses,
        elapsed: started.elapsed(),
    })
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct Results {
    model: Model,
    outcome: std::sync::Arc<Outcome>,
    tornadoes: Vec<Tornado>,
    switching: Vec<SwitchingValue>,
    mitigation: Vec<crate::fixed::Mitigated>,
    curves: Vec<crate::fixed::Curves>,
    cases: Vec<crate::named_cases::CaseFigures>,
    conditions: Vec<crate::conditions::Condition>,
    voi: Option<crate::voi::Voi>,
    /// The order of each input's draws the value of information sorted, kept for the live
    /// page's next rerun.
    draw_analyses: Option<std::sync::Arc<crate::engine::DrawAnalyses>>,
    elapsed: Duration,
}

/// Zeros, never NaN, for an output defined in no iteration.
const UNDEFINED: Stats = Stats::UNDEFINED;

impl Results {
    /// The model the run used, with its overrides applied.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Iterations run.
    pub fn iterations(&self) -> u64 {
        self.outcome.iterations
    }

    /// How a precision target was met, where the run had one (docs/method.md §5).
    pub fn precision(&self) -> Option<&crate::engine::Precision> {
        self.outcome.precision.as_ref()
    }

    /// How the run drew its inputs.
    pub fn sampling(&self) -> crate::scenario::Sampling {
        self.outcome.sampling
    }

    /// The mean of an input's draws over the run: its value where it is fixed.
    pub fn input_mean(&self, input: crate::scenario::InputId) -> f64 {
        match self.model.inputs[input].dist.fixed_value() {
            Some(value) => value,
            None => self
                .outcome
                .input_means
                .get(input)
                .copied()
                .unwrap_or(f64::NAN),
        }
    }

    /// This run as a later run of an edited model may reuse it ([`RunConfig::previous`]).
    ///
    /// [`RunConfig::previous`]: crate::engine::RunConfig::previous
    pub fn previous(&self) -> std::sync::Arc<crate::engine::Previous> {
        std::sync::Arc::new(crate::engine::Previous::new(
            &self.model,
            std::sync::Arc::clone(&self.outcome),
            self.draw_analyses.clone(),
        ))
    }

    /// How many inputs' draws, outputs' statistics and journeys' parts of every iteration
    /// this run took from a previous one.
    pub fn reused(&self) -> (usize, usize, usize) {
        self.outcome.reused
    }

    /// Every output's statistics, in the engine's order (`None` where undefined throughout).
    pub fn output_stats(&self) -> &[Option<Stats>] {
        &self.outcome.stats
    }

    /// The seed of the run.
    pub fn seed(&self) -> u64 {
        self.outcome.seed
    }

    /// Wall time from the start of the run to the end of its analysis.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Every scope with figures of its own, in the order of the output files: each
    /// department, each journey of a portfolio, then the total.
    pub fn scopes(&self) -> Vec<Scope> {
        self.outcome.layout.scopes().collect()
    }

    /// The `scenario` and `department` cells of a scope's rows: a department's journey id and
    /// its own id, a journey's id and `total`, or `total` twice.
    pub fn scope_ids(&self, scope: Scope) -> (&str, &str) {
        let model = &self.model;
        match scope {
            Scope::Department(d) => {
                let dept = &model.departments()[d];
                (model.journeys()[dept.journey].id.as_str(), dept.id.as_str())
            }
            Scope::Journey(j) => (model.journeys()[j].id.as_str(), "total"),
            Scope::Total => ("total", "total"),
        }
    }

    /// The year-0 cost of business as usual for a scope, component and bearer.
    pub fn cost(&self, scope: Scope, component: Component, bearer: Bearer) -> Stats {
        let k = self.outcome.layout.summary(scope, component, bearer);
        self.outcome.stats[k].unwrap_or(UNDEFINED)
    }

    /// The benefit–cost ratio of option `option` (docs/method.md §3): the ratio of the
    /// expected present values, E[PV benefits] / E[PV costs], which a reviewer gets by
    /// dividing the two PV rows; `None` where the expected PV of costs is not above zero. The
    /// per-iteration ratio ([`Metric::Bcr`]) gives its P10–P90.
    pub fn bcr_expected(&self, option: usize) -> Option<f64> {
        let benefits = self.appraisal(option, Metric::PvBenefits)?.mean;
        let costs = self.appraisal(option, Metric::PvCosts)?.mean;
        (costs > 0.0).then(|| benefits / costs)
    }

    /// An appraisal metric of option `option`; `None` when it is undefined in every iteration
    /// (a BCR with no costs).
    pub fn appraisal(&self, option: usize, metric: Metric) -> Option<Stats> {
        let stats = self.outcome.stats[self.outcome.layout.appraisal(option, metric)]?;
        if metric != Metric::PaybackYear {
            return Some(stats);
        }
        // The engine keeps the appraisal year (a small whole number, so the sketch's bins
        // hold each year apart); report calendar years, percentiles as the whole years they
        // are.
        let first = f64::from(self.model.settings().first_year);
        let year = |x: f64| first + x.round();
        Some(Stats {
            mean: first + stats.mean,
            p5: year(stats.p5),
            p10: year(stats.p10),
            p50: year(stats.p50),
            p90: year(stats.p90),
            p95: year(stats.p95),
            ..stats
        })
    }

    /// A yearly flow in appraisal year `year`; `option` is `None` for business as usual.
    pub fn yearly(&self, option: Option<usize>, year: usize, metric: YearlyMetric) -> Stats {
        let k = self.outcome.layout.yearly(option, year, metric);
        self.outcome.stats[k].unwrap_or(UNDEFINED)
    }

    /// What option `option` means to an organisation: `slot` is its position in
    /// [`Model::organisations`], or their number for a funder that is no department (or
    /// unallocated costs).
    pub fn organisation(&self, option: usize, slot: usize, metric: OrgMetric) -> Stats {
        let k = self.outcome.layout.organisation(option, slot, metric);
        self.outcome.stats[k].unwrap_or(UNDEFINED)
    }

    /// The organisations of option `option` that a reader sees, in order: the funder first
    /// (unless it is one of the departments' organisations, or `not allocated` where none is
    /// named), then every organisation; each as (slot, id, name).
    pub fn organisations(&self, option: usize) -> Vec<(usize, String, String)> {
        let organisations = self.model.organisations();
        let spec = &self.model.options()[option];
        let mut list = Vec::new();
        match &spec.funder {
            Some(f) if f.organisation.is_none() => {
                list.push((organisations.len(), f.id.clone(), f.name.clone()))
            }
            None => list.push((
                organisations.len(),
                "not allocated".to_string(),
                "Costs not allocated to an organisation".to_string(),
            )),
            Some(_) => {}
        }
        list.extend(
            organisations
                .iter()
                .enumerate()
                .map(|(k, o)| (k, o.id.clone(), o.name.clone())),
        );
        list
    }

    /// The transaction figures of a scope (docs/method.md §2a) for business as usual (`option`
    /// `None`) or an option in full effect: each metric with its statistics, in the order of
    /// `transactions.csv`.
    pub fn transactions(
        &self,
        option: Option<usize>,
        scope: Scope,
    ) -> Vec<(TransactionMetric, Stats)> {
        let layout = &self.outcome.layout;
        layout.transaction_metrics[layout.scope_index(scope)]
            .iter()
            .enumerate()
            .map(|(k, &metric)| {
                let stats = self.outcome.stats[layout.transaction(option, scope, k)];
                (metric, stats.unwrap_or(UNDEFINED))
            })
            .collect()
    }

    /// One transaction figure, where the scope has it (a channel's figures exist only where
    /// the scope has that channel; digital take-up only where it has channels).
    pub fn transaction(
        &self,
        option: Option<usize>,
        scope: Scope,
        metric: TransactionMetric,
    ) -> Option<Stats> {
        self.transactions(option, scope)
            .into_iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, s)| s)
    }

    /// Where the benefits register's figures are (docs/method.md §3e): each option's entry
    /// per department it reaches, and the totals of organisations in several journeys.
    pub fn register(&self) -> &crate::engine::register::Register {
        &self.outcome.layout.register
    }

    /// Whether the run computed the benefits register and the financial view (the live page's
    /// edits do not).
    pub fn has_appendices(&self) -> bool {
        self.outcome.layout.has_appendices()
    }

    /// Where the financial view's figures are (docs/method.md §3c).
    pub fn cash_layout(&self) -> &crate::engine::financial::CashLayout {
        &self.outcome.layout.cash
    }

    /// One figure of option `option`'s financial view: an organisation's slot (as in
    /// [`Results::organisations`], the total after them), a financial year (the period's
    /// total last) and a metric; zero where it is zero by construction.
    pub fn cash(
        &self,
        option: usize,
        slot: usize,
        year: usize,
        metric: crate::engine::financial::CashMetric,
    ) -> Stats {
        use crate::engine::financial::CashSource;
        match self.outcome.layout.cash.source(option, slot, year, metric) {
            CashSource::Own(k) | CashSource::Same(k) => self.output(k),
            CashSource::Negated(k) => self.output(k).negated(),
            CashSource::Zero => Stats::UNDEFINED,
        }
    }

    /// The statistics of output `k` (a register figure's, say).
    pub fn output(&self, k: usize) -> Stats {
        self.outcome
            .stats
            .get(k)
            .copied()
            .flatten()
            .unwrap_or(UNDEFINED)
    }

    /// Every channel id of the scenario, in the order first written: what
    /// [`TransactionMetric::ChannelContacts`] and [`TransactionMetric::ChannelCost`] index.
    pub fn channel_ids(&self) -> &[String] {
        &self.outcome.layout.channel_ids
    }

    /// Several quantiles of an appraisal metric in one pass over its sketch; `ps` in
    /// increasing order. `None` where the metric is undefined throughout.
    pub fn appraisal_quantiles(
        &self,
        option: usize,
        metric: Metric,
        ps: &[f64],
    ) -> Option<Vec<f64>> {
        let mut out = vec![0.0; ps.len()];
        let sketch = &self.outcome.sketches[self.outcome.layout.appraisal(option, metric)];
        sketch.quantiles_into(ps, &mut out).then_some(out)
    }

    /// When option `option` pays back, stated honestly (docs/method.md §3): the median over
    /// all iterations, those that never pay back counted as after the period.
    pub fn payback(&self, option: usize) -> appraisal::Payback {
        let k = self.outcome.layout.appraisal(option, Metric::PaybackYear);
        let paying = self.outcome.stats[k].map_or(0, |s| s.n);
        let first = self.model.settings().first_year;
        let sketch = &self.outcome.sketches[k];
        appraisal::Payback::from_paying(self.iterations(), paying, |p| {
            sketch.quantile(p).map(|y| first + y.round() as i32)
        })
    }

    /// The share of iterations in which option `option` pays back within the period.
    pub fn payback_share(&self, option: usize) -> f64 {
        self.payback(option).share
    }

    /// Tornado sensitivity of every headline output.
    pub fn tornadoes(&self) -> &[Tornado] {
        &self.tornadoes
    }

    /// Switching values of every option and uncertain input.
    pub fn switching_values(&self) -> &[SwitchingValue] {
        &self.switching
    }

    /// Each option's mean NPSV, BCR and chance of a positive NPSV with 0, 25, 50, 75 and 100 %
    /// of its optimism-bias uplift mitigated (docs/method.md §6).
    pub fn mitigation_sweep(&self) -> &[crate::fixed::Mitigated] {
        &self.mitigation
    }

    /// The central case in the form of a named case's figures, to stand beside them.
    pub fn central_case(&self) -> crate::named_cases::CaseFigures {
        crate::named_cases::CaseFigures {
            name: "central".into(),
            description: None,
            set: Vec::new(),
            cost: self.cost(Scope::Total, Component::Disjointed, Bearer::All),
            options: (0..self.model.options().len())
                .filter_map(|o| {
                    Some(crate::named_cases::OptionFigures {
                        id: self.model.options()[o].id.clone(),
                        npsv: self.appraisal(o, Metric::Npsv)?,
                        bcr_expected: self.bcr_expected(o),
                    })
                })
                .collect(),
        }
    }

    /// What must be true: per option, the uncertain inputs that differ most where its NPSV is
    /// below zero.
    pub fn conditions(&self) -> &[crate::conditions::Condition] {
        &self.conditions
    }

    /// Each option's mean NPSV across each fixed assumption's range.
    pub fn fixed_curves(&self) -> &[crate::fixed::Curves] {
        &self.curves
    }

    /// What perfect information would be worth to the decision, where there are options.
    pub fn voi(&self) -> Option<&crate::voi::Voi> {
        self.voi.as_ref()
    }

    /// The scenario's named cases, run on the same random numbers.
    pub fn cases(&self) -> &[crate::named_cases::CaseFigures] {
        &self.cases
    }

    /// The per-iteration values kept by the run, if any.
    pub fn samples(&self) -> Option<&Samples> {
        self.outcome.samples.as_ref()
    }

    /// A readable name of output `k`, for messages and `samples.parquet`.
    pub fn output_name(&self, k: usize) -> String {
        self.outcome.layout.output_name(&self.model, k)
    }
}
