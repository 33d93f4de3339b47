//! Where each output lives in an iteration's output row, addressed by meaning: the engine
//! writes through it, [`crate::Results`] reads through it.

use crate::outputs::{Bearer, Component, Metric, OrgMetric, Scope, YearlyMetric};
use crate::scenario::Model;

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
    organisations_start: usize,
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
        let organisations = options * (departments + 1) * OrgMetric::ALL.len();
        Layout {
            departments,
            options,
            years,
            appraisal_start: summary,
            yearly_start: summary + appraisal,
            organisations_start: summary + appraisal + yearly,
            len: summary + appraisal + yearly + organisations,
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

    /// What option `option` means to one organisation: `slot` is a department's position, or
    /// `departments` for a funder that is not a department (or costs not allocated).
    pub fn organisation(&self, option: usize, slot: usize, metric: OrgMetric) -> usize {
        self.organisations_start
            + (option * (self.departments + 1) + slot) * OrgMetric::ALL.len()
            + metric.index()
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
        if k >= self.organisations_start {
            let within = k - self.organisations_start;
            let per_option = (self.departments + 1) * OrgMetric::ALL.len();
            let option = &model.options()[within / per_option];
            let slot = (within % per_option) / OrgMetric::ALL.len();
            let metric = OrgMetric::ALL[within % OrgMetric::ALL.len()];
            let organisation = model
                .departments()
                .get(slot)
                .map_or("funder", |d| d.id.as_str());
            return format!("{}_{organisation}_{}", option.id, metric.name());
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
