//! Where each output lives in an iteration's output row, addressed by meaning: the engine
//! writes through it, [`crate::Results`] reads through it.

use super::financial::CashLayout;
use super::register::Register;
use crate::outputs::{
    Bearer, Component, Metric, OrgMetric, Scope, TransactionMetric, YearlyMetric,
};
use crate::scenario::Model;

/// Where each output lives in an iteration's output row: the summary costs (every department
/// and the total × component × bearer), then each option's appraisal metrics, then the
/// yearly flows of BAU and each option, what each option means to each organisation, and the
/// transaction figures of BAU and each option in full effect.
#[derive(Debug, Clone)]
pub struct Layout {
    pub departments: usize,
    /// Journeys with a scope of their own: a portfolio's, none for a scenario (whose one
    /// journey is the total).
    pub journeys: usize,
    /// Organisations that can receive benefits (the funder slot comes after them).
    pub organisations: usize,
    pub options: usize,
    pub years: usize,
    appraisal_start: usize,
    yearly_start: usize,
    organisations_start: usize,
    /// Every channel id of the scenario, in the order first written.
    pub channel_ids: Vec<String>,
    /// Per department, each of its channels' index into `channel_ids`.
    pub channel_index: Vec<Vec<usize>>,
    /// Per scope (every department, every journey of a portfolio, then the total), the
    /// channels its transaction figures cover, as indices into `channel_ids`.
    pub scope_channels: Vec<Vec<usize>>,
    /// The transaction metrics of each scope (as `scope_channels`), in the order they are
    /// written.
    pub transaction_metrics: Vec<Vec<TransactionMetric>>,
    /// Where each scope's transaction metrics start within one block (BAU or an option).
    transaction_offsets: Vec<usize>,
    transactions_start: usize,
    transaction_block: usize,
    /// The benefits register's figures, after the transaction figures.
    pub register: Register,
    /// The financial view's figures, after the register's.
    pub cash: CashLayout,
    appendices: bool,
    /// Whether runs compute the outputs after the headlines (yearly flows, organisations,
    /// transaction figures, register, cash): not when they fold the headlines alone
    /// ([`super::Figures::Headlines`]), whose values do not depend on them.
    details: bool,
    pub len: usize,
}

impl Layout {
    /// Every output of `model`'s runs.
    pub fn new(model: &Model) -> Layout {
        Layout::build(model, true)
    }

    /// The outputs without the benefits register and the financial view: for the evaluations
    /// that read only the headline figures (switching values, the fixed assumptions) and the
    /// live page's edits.
    pub fn core(model: &Model) -> Layout {
        Layout::build(model, false)
    }

    /// Whether the layout holds the benefits register and the financial view.
    pub fn has_appendices(&self) -> bool {
        self.appendices
    }

    /// Whether runs on this layout compute the outputs after the headlines (the summary
    /// costs and the appraisal).
    pub fn computes_details(&self) -> bool {
        self.details
    }

    /// How many outputs, from the first, runs on this layout compute: all, or the headlines.
    pub(super) fn computed_len(&self) -> usize {
        match self.details {
            true => self.len,
            false => self.yearly_start,
        }
    }

    /// The same layout, its runs computing the headlines alone: the outputs after them keep
    /// their places, without values or statistics.
    pub(super) fn headlines_only(mut self) -> Layout {
        self.details = false;
        self
    }

    fn build(model: &Model, appendices: bool) -> Layout {
        let departments = model.departments().len();
        let journeys = if model.is_portfolio() {
            model.journeys().len()
        } else {
            0
        };
        let organisation_count = model.organisations().len();
        let options = model.options().len();
        let years = model.settings().years;
        let scopes = departments + journeys + 1;
        let summary = scopes * Component::ALL.len() * Bearer::ALL.len();
        let appraisal = options * Metric::ALL.len();
        let yearly = years * (YearlyMetric::BAU.len() + options * YearlyMetric::ALL.len());
        let organisations = options * (organisation_count + 1) * OrgMetric::ALL.len();
        let (channel_ids, channel_index) = channel_ids(model);
        let scope_channels = scope_channels(model, journeys, &channel_index, channel_ids.len());
        let transaction_metrics = transaction_metrics(&scope_channels);
        let transaction_offsets: Vec<usize> = transaction_metrics
            .iter()
            .scan(0, |start, metrics| {
                let here = *start;
                *start += metrics.len();
                Some(here)
            })
            .collect();
        let transaction_block = transaction_metrics.iter().map(Vec::len).sum::<usize>();
        let transactions_start = summary + appraisal + yearly + organisations;
        let transactions_end = transactions_start + (options + 1) * transaction_block;
        let register = Register::new(model, transactions_end, appendices);
        let cash = match appendices {
            true => CashLayout::new(model, transactions_end + register.len),
            false => CashLayout::default(),
        };
        Layout {
            departments,
            journeys,
            organisations: organisation_count,
            options,
            years,
            appraisal_start: summary,
            yearly_start: summary + appraisal,
            organisations_start: summary + appraisal + yearly,
            channel_ids,
            channel_index,
            scope_channels,
            transaction_metrics,
            transaction_offsets,
            transactions_start,
            transaction_block,
            len: transactions_end + register.len + cash.len,
            register,
            cash,
            appendices,
            details: true,
        }
    }

    /// The `k`-th transaction metric of a scope (see `transaction_metrics`), for business as
    /// usual (`option` `None`) or an option in full effect.
    pub fn transaction(&self, option: Option<usize>, scope: Scope, k: usize) -> usize {
        let block = option.map_or(0, |o| o + 1);
        self.transactions_start
            + block * self.transaction_block
            + self.transaction_offsets[self.scope_index(scope)]
            + k
    }

    /// The scope and option of a summary or transaction output (`None` for business as
    /// usual's); `None` for the outputs of the whole — appraisal, yearly flows, organisations.
    pub fn owner(&self, k: usize) -> Option<(Scope, Option<usize>)> {
        if k < self.summary_len() {
            let per_scope = Component::ALL.len() * Bearer::ALL.len();
            return Some((self.scope_at(k / per_scope), None));
        }
        if k >= self.len - self.cash.len {
            return None;
        }
        if k >= self.len - self.cash.len - self.register.len {
            let (entry, measure) = self.register.owner(k)?;
            return measure.then_some((Scope::Department(entry.department), Some(entry.option)));
        }
        if k < self.transactions_start {
            return None;
        }
        let within = k - self.transactions_start;
        let block = within / self.transaction_block.max(1);
        let at = within % self.transaction_block.max(1);
        let scope = self
            .transaction_offsets
            .iter()
            .rposition(|&start| start <= at)?;
        Some((self.scope_at(scope), block.checked_sub(1)))
    }

    /// The year-0 cost of a scope, component and bearer.
    pub fn summary(&self, scope: Scope, component: Component, bearer: Bearer) -> usize {
        self.summary_at(self.scope_index(scope), component, bearer)
    }

    /// The position of a scope among the departments, the journeys of a portfolio and the
    /// total.
    pub fn scope_index(&self, scope: Scope) -> usize {
        match scope {
            Scope::Department(d) => d,
            Scope::Journey(j) => self.departments + j,
            Scope::Total => self.departments + self.journeys,
        }
    }

    /// The scope at a position (the inverse of [`Layout::scope_index`]).
    pub fn scope_at(&self, index: usize) -> Scope {
        if index < self.departments {
            Scope::Department(index)
        } else if index < self.departments + self.journeys {
            Scope::Journey(index - self.departments)
        } else {
            Scope::Total
        }
    }

    /// Every scope, in the order of the output row: departments, journeys, the total.
    pub fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        (0..=self.departments + self.journeys).map(|i| self.scope_at(i))
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

    /// What option `option` means to one organisation: `slot` is an organisation's position,
    /// or `organisations` for a funder that is not a department (or costs not allocated).
    pub fn organisation(&self, option: usize, slot: usize, metric: OrgMetric) -> usize {
        self.organisations_start
            + (option * (self.organisations + 1) + slot) * OrgMetric::ALL.len()
            + metric.index()
    }

    /// A readable name for output `k`, e.g. `total_failure_users` or `share-data_npsv`.
    pub fn output_name(&self, model: &Model, k: usize) -> String {
        if k < self.summary_len() {
            let per_dept = Component::ALL.len() * Bearer::ALL.len();
            let component = Component::ALL[(k % per_dept) / Bearer::ALL.len()];
            let bearer = Bearer::ALL[k % Bearer::ALL.len()];
            let scope = self.scope_name(model, self.scope_at(k / per_dept));
            return format!("{scope}_{}_{}", component.name(), bearer.name());
        }
        if k < self.yearly_start {
            let within = k - self.appraisal_start;
            let option = &model.options()[within / Metric::ALL.len()];
            let metric = Metric::ALL[within % Metric::ALL.len()];
            return format!("{}_{}", option.id, metric.name());
        }
        if let Some(name) = self.register.output_name(model, k) {
            return name;
        }
        if let Some((o, slot, year, metric)) = self.cash.place(k) {
            let option = &model.options()[o].id;
            let organisation = match model.organisations().get(slot) {
                Some(organisation) => organisation.id.as_str(),
                None if slot == self.cash.slots - 1 => "total",
                None => "funder",
            };
            let year = match year {
                y if y == self.cash.years - 1 => "period".to_string(),
                y => model.financial_year(y),
            };
            return format!("{option}_{organisation}_{year}_{}", metric.name());
        }
        if k >= self.transactions_start {
            let within = k - self.transactions_start;
            let block = within / self.transaction_block.max(1);
            let mut at = within % self.transaction_block.max(1);
            let option = block
                .checked_sub(1)
                .map_or("bau", |o| model.options()[o].id.as_str());
            for (scope, metrics) in self.transaction_metrics.iter().enumerate() {
                if at < metrics.len() {
                    let place = self.scope_name(model, self.scope_at(scope));
                    let metric = metrics[at].name(&self.channel_ids);
                    return format!("{option}_{place}_{metric}");
                }
                at -= metrics.len();
            }
        }
        if k >= self.organisations_start {
            let within = k - self.organisations_start;
            let per_option = (self.organisations + 1) * OrgMetric::ALL.len();
            let option = &model.options()[within / per_option];
            let slot = (within % per_option) / OrgMetric::ALL.len();
            let metric = OrgMetric::ALL[within % OrgMetric::ALL.len()];
            let organisation = model
                .organisations()
                .get(slot)
                .map_or("funder", |o| o.id.as_str());
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

impl Layout {
    /// A scope's name in an output's name: the department's id (with its journey's in a
    /// portfolio), the journey's id, or `total`.
    fn scope_name(&self, model: &Model, scope: Scope) -> String {
        match scope {
            Scope::Department(d) => {
                let dept = &model.departments()[d];
                if self.journeys > 0 {
                    format!("{}/{}", model.journeys()[dept.journey].id, dept.id)
                } else {
                    dept.id.clone()
                }
            }
            Scope::Journey(j) => format!("{}/total", model.journeys()[j].id),
            Scope::Total => "total".into(),
        }
    }
}

/// Per scope — every department, every journey with a scope of its own, the total — the
/// channel ids its figures cover, in the order first written.
fn scope_channels(
    model: &Model,
    journeys: usize,
    channel_index: &[Vec<usize>],
    channels: usize,
) -> Vec<Vec<usize>> {
    let mut scopes = channel_index.to_vec();
    for journey in model.journeys().iter().take(journeys) {
        let mut ids: Vec<usize> = journey
            .departments
            .clone()
            .flat_map(|d| channel_index[d].iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        scopes.push(ids);
    }
    scopes.push((0..channels).collect());
    scopes
}

/// Every channel id of the model in the order first written, and each department's channels'
/// indices into that list.
fn channel_ids(model: &Model) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut ids: Vec<String> = Vec::new();
    let index = model
        .departments()
        .iter()
        .map(|dept| {
            dept.channels
                .iter()
                .map(
                    |channel| match ids.iter().position(|id| *id == channel.id) {
                        Some(i) => i,
                        None => {
                            ids.push(channel.id.clone());
                            ids.len() - 1
                        }
                    },
                )
                .collect()
        })
        .collect();
    (ids, index)
}

/// The transaction metrics of each scope: cost per transaction, cost per journey to users and
/// contacts; then, where there are channels, contacts and cost by channel and digital take-up.
fn transaction_metrics(scope_channels: &[Vec<usize>]) -> Vec<Vec<TransactionMetric>> {
    scope_channels
        .iter()
        .map(|ids| {
            let mut metrics = vec![
                TransactionMetric::CostPerTransaction,
                TransactionMetric::UserCostPerJourney,
                TransactionMetric::Contacts,
            ];
            if !ids.is_empty() {
                metrics.extend(ids.iter().map(|&c| TransactionMetric::ChannelContacts(c)));
                metrics.extend(ids.iter().map(|&c| TransactionMetric::ChannelCost(c)));
                metrics.push(TransactionMetric::DigitalTakeUp);
            }
            metrics
        })
        .collect()
}
