//! The names of what a run computes: cost components, who bears a cost, appraisal metrics and
//! yearly metrics (docs/method.md §2–3). Each is an enum with `ALL` in report order and
//! `name()` as written in the CSV files, so that the engine, every report and `compare` address
//! outputs by meaning and read files back through the same names that wrote them.

/// A kind of cost (docs/method.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// Value demand: the contacts the journey needs anyway.
    Value,
    Repetition,
    Failure,
    Stuck,
    /// Repetition + failure + stuck.
    Disjointed,
    /// Every component.
    All,
}

impl Component {
    /// Every component, in report order.
    pub const ALL: [Component; 6] = [
        Component::Value,
        Component::Repetition,
        Component::Failure,
        Component::Stuck,
        Component::Disjointed,
        Component::All,
    ];

    /// The four components computed directly; the others are sums of them.
    pub const BASIC: [Component; 4] = [
        Component::Value,
        Component::Repetition,
        Component::Failure,
        Component::Stuck,
    ];

    /// The order of the tables a case author reads: the disjointed kinds, their total, then
    /// value demand and the grand total.
    pub const TABLE_ORDER: [Component; 6] = [
        Component::Repetition,
        Component::Failure,
        Component::Stuck,
        Component::Disjointed,
        Component::Value,
        Component::All,
    ];

    /// Position in [`Component::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in `summary.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Component::Value => "value",
            Component::Repetition => "repetition",
            Component::Failure => "failure",
            Component::Stuck => "stuck",
            Component::Disjointed => "disjointed",
            Component::All => "all",
        }
    }

    /// The name a reader sees in Markdown.
    pub fn label(self) -> &'static str {
        match self {
            Component::Value => "Value demand (not disjointed)",
            Component::Repetition => "Repetition",
            Component::Failure => "Failure demand",
            Component::Stuck => "Stuck",
            Component::Disjointed => "Disjointed",
            Component::All => "All",
        }
    }

    /// Whether this is a total row (disjointed or all), shown in bold.
    pub fn is_total(self) -> bool {
        matches!(self, Component::Disjointed | Component::All)
    }
}

/// Who bears a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bearer {
    Users,
    Government,
    /// Users and government together.
    All,
}

impl Bearer {
    /// Every bearer, in report order.
    pub const ALL: [Bearer; 3] = [Bearer::Users, Bearer::Government, Bearer::All];

    /// Position in [`Bearer::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in `summary.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Bearer::Users => "users",
            Bearer::Government => "government",
            Bearer::All => "all",
        }
    }
}

/// Which departments a cost covers: one, those of one journey of a portfolio, or all of them
/// together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The department at this position in the model.
    Department(usize),
    /// Every department of one journey of a portfolio (docs/method.md §6a).
    Journey(usize),
    /// Every department together (`total` in `summary.csv`).
    Total,
}

/// A Green Book figure of an option over the appraisal period (docs/method.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    PvBenefitsUsers,
    PvBenefitsGovernment,
    PvBenefits,
    PvCosts,
    Npsv,
    Bcr,
    NetPresentCostGovernment,
    /// The part of the benefits to government that releases cash.
    PvBenefitsCashReleasing,
    /// The rest: staff time freed for other work.
    PvBenefitsNonCashReleasing,
    /// The calendar year from which the cumulative discounted net benefit stays ≥ 0;
    /// undefined in an iteration that never pays back.
    PaybackYear,
    /// The parts of the PV costs: capital, its optimism-bias uplift, and running costs.
    PvCapital,
    PvOptimismBias,
    PvRunning,
}

impl Metric {
    /// Every metric, in the order of `appraisal.csv`.
    pub const ALL: [Metric; 13] = [
        Metric::PvBenefitsUsers,
        Metric::PvBenefitsGovernment,
        Metric::PvBenefits,
        Metric::PvCosts,
        Metric::Npsv,
        Metric::Bcr,
        Metric::NetPresentCostGovernment,
        Metric::PvBenefitsCashReleasing,
        Metric::PvBenefitsNonCashReleasing,
        Metric::PaybackYear,
        Metric::PvCapital,
        Metric::PvOptimismBias,
        Metric::PvRunning,
    ];

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in `appraisal.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::PvBenefitsUsers => "pv_benefits_users",
            Metric::PvBenefitsGovernment => "pv_benefits_government",
            Metric::PvBenefits => "pv_benefits",
            Metric::PvCosts => "pv_costs",
            Metric::Npsv => "npsv",
            Metric::Bcr => "bcr",
            Metric::NetPresentCostGovernment => "net_present_cost_government",
            Metric::PvBenefitsCashReleasing => "pv_benefits_cash_releasing",
            Metric::PvBenefitsNonCashReleasing => "pv_benefits_non_cash_releasing",
            Metric::PaybackYear => "payback_year",
            Metric::PvCapital => "pv_capital",
            Metric::PvOptimismBias => "pv_optimism_bias",
            Metric::PvRunning => "pv_running",
        }
    }
}

/// A flow in one appraisal year (`yearly.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum YearlyMetric {
    /// Users' cost, with the option in place where there is one.
    CostUsers,
    /// Government's cost, with the option in place where there is one.
    CostGovernment,
    BenefitUsers,
    BenefitGovernment,
    /// The option's cost: capital with optimism bias, and running cost.
    OptionCost,
    /// Benefits less the option's cost.
    Net,
    /// The net flow times the year's discount factor.
    DiscountedNet,
}

impl YearlyMetric {
    /// Every yearly metric of an option, in the order of `yearly.csv`.
    pub const ALL: [YearlyMetric; 7] = [
        YearlyMetric::CostUsers,
        YearlyMetric::CostGovernment,
        YearlyMetric::BenefitUsers,
        YearlyMetric::BenefitGovernment,
        YearlyMetric::OptionCost,
        YearlyMetric::Net,
        YearlyMetric::DiscountedNet,
    ];

    /// The yearly metrics of business as usual.
    pub const BAU: [YearlyMetric; 2] = [YearlyMetric::CostUsers, YearlyMetric::CostGovernment];

    /// Position in [`YearlyMetric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in `yearly.csv`.
    pub fn name(self) -> &'static str {
        match self {
            YearlyMetric::CostUsers => "cost_users",
            YearlyMetric::CostGovernment => "cost_government",
            YearlyMetric::BenefitUsers => "benefit_users",
            YearlyMetric::BenefitGovernment => "benefit_government",
            YearlyMetric::OptionCost => "option_cost",
            YearlyMetric::Net => "net",
            YearlyMetric::DiscountedNet => "discounted_net",
        }
    }
}

/// What an option means to one organisation (`organisations.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrgMetric {
    /// The option's costs it bears (it funds the option).
    PvCosts,
    /// The option's benefits to government that fall on it.
    PvBenefitsGovernment,
    /// Costs less benefits: negative where it gains.
    NetPresentCost,
}

impl OrgMetric {
    /// Every metric, in the order of `organisations.csv`.
    pub const ALL: [OrgMetric; 3] = [
        OrgMetric::PvCosts,
        OrgMetric::PvBenefitsGovernment,
        OrgMetric::NetPresentCost,
    ];

    /// Position in [`OrgMetric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name in `organisations.csv`.
    pub fn name(self) -> &'static str {
        match self {
            OrgMetric::PvCosts => "pv_costs",
            OrgMetric::PvBenefitsGovernment => "pv_benefits_government",
            OrgMetric::NetPresentCost => "net_present_cost",
        }
    }
}

/// Statistics of one output across iterations.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stats {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub se: f64,
    pub p5: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    /// Share of iterations above zero.
    pub p_positive: f64,
}

impl Stats {
    /// The statistics of minus this output: the mean and percentiles mirrored (P10 of −X is
    /// −P90 of X), the spread kept; the share above zero is not known from these, and is left 0.
    pub fn negated(&self) -> Stats {
        // 0 − x, not −x: a zero stays +0 rather than printing as "-0".
        let minus = |x: f64| 0.0 - x;
        Stats {
            n: self.n,
            mean: minus(self.mean),
            sd: self.sd,
            se: self.se,
            p5: minus(self.p95),
            p10: minus(self.p90),
            p50: minus(self.p50),
            p90: minus(self.p10),
            p95: minus(self.p5),
            p_positive: 0.0,
        }
    }

    /// The statistics of an output that is defined in no iteration (a BCR with no costs
    /// anywhere): zeros, never NaN, so that no table shows NaN.
    pub const UNDEFINED: Stats = Stats {
        n: 0,
        mean: 0.0,
        sd: 0.0,
        se: 0.0,
        p5: 0.0,
        p10: 0.0,
        p50: 0.0,
        p90: 0.0,
        p95: 0.0,
        p_positive: 0.0,
    };
}

/// The statistics columns of every table (`mean,sd,se,p5,p10,p50,p90,p95`).
pub const STATISTICS: [&str; 8] = ["mean", "sd", "se", "p5", "p10", "p50", "p90", "p95"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_report_order() {
        for (i, c) in Component::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        for (i, b) in Bearer::ALL.iter().enumerate() {
            assert_eq!(b.index(), i);
        }
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
        }
        for (i, m) in YearlyMetric::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
        }
        assert_eq!(
            YearlyMetric::BAU,
            [YearlyMetric::ALL[0], YearlyMetric::ALL[1]]
        );
    }
}

/// A figure of `transactions.csv` (docs/method.md §2a): the GDS cost per transaction and its
/// companions, for one department (or the total) in business as usual or an option in full
/// effect, in year-0 volumes and prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionMetric {
    /// Year-0 government cost ÷ journeys: the total cost to serve one completed transaction.
    CostPerTransaction,
    /// Year-0 cost to users (time and cash) ÷ journeys.
    UserCostPerJourney,
    /// Value and failure contacts a year.
    Contacts,
    /// Contacts a year through one channel (an index into the run's channel ids).
    ChannelContacts(usize),
    /// Government's year-0 cost of the value and failure contacts through one channel.
    ChannelCost(usize),
    /// The digital channels' share of the contacts of departments with channels.
    DigitalTakeUp,
}

impl TransactionMetric {
    /// The name in `transactions.csv`: `contacts:online` for a channel's contacts.
    pub fn name(self, channel_ids: &[String]) -> String {
        match self {
            TransactionMetric::CostPerTransaction => "cost_per_transaction".into(),
            TransactionMetric::UserCostPerJourney => "user_cost_per_journey".into(),
            TransactionMetric::Contacts => "contacts".into(),
            TransactionMetric::ChannelContacts(c) => format!("contacts:{}", channel_ids[c]),
            TransactionMetric::ChannelCost(c) => format!("cost:{}", channel_ids[c]),
            TransactionMetric::DigitalTakeUp => "digital_take_up".into(),
        }
    }
}

/// Receives every iteration's uncertain inputs and summary and appraisal outputs as a run
/// goes (`--samples`), a round of batches at a time in iteration order, so that nothing of
/// them need stay in memory whatever the iteration count.
pub trait SampleSink: Send + Sync {
    /// One round's iterations: `columns[c]` holds column `c` of [`crate::engine::stream_columns`].
    ///
    /// # Errors
    /// When the values cannot be written; the run stops with this error.
    fn write(&self, columns: Vec<Vec<f64>>) -> crate::error::Result<()>;
}
