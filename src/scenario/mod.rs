//! Reading a scenario file (docs/scenario-format.md; docs/method.md §2–4) into a validated [`Model`].
//!
//! Loading has three jobs, one file each: `raw` reads the TOML into shapes that refuse
//! unknown keys and keep every value's position, and says what is wrong with a malformed file
//! in the scenario's own words; `inputs` turns each value into a checked distribution — the
//! scenario's value, an override (`--set`, an assumptions register) or the default, checked
//! against its domain — along one path for every input; `build` assembles departments and
//! options and applies the rules that span fields (required minutes, effects naming
//! departments that exist, live years inside the period). Every error names the file, line,
//! key, problem and fix, and the engine only ever sees valid inputs.

mod build;
mod cases;
mod channels;
pub use channels::share_of;
pub mod correlation;
mod effects;
mod inputs;
mod labels;
mod options;
mod portfolio;
mod raw;
mod settings;
mod source;
pub use source::Source;

use std::path::{Path, PathBuf};

use crate::dist::{Dist, Domain, Sampler};
use crate::error::{InputError, Result};
use crate::params::{ChannelParam, DeptParam, Unit, CHANNEL_PARAM_COUNT, DEPT_PARAM_COUNT};

/// The largest appraisal period seams accepts, in years.
pub const MAX_YEARS: usize = 1000;

/// The most iterations one run accepts.
pub const MAX_ITERATIONS: u64 = 100_000_000;

/// The largest scenario file seams reads.
pub const MAX_SCENARIO_BYTES: u64 = 10_000_000;

/// The longest text seams keeps (a distribution, a name, a source or note): a spreadsheet
/// cell's limit, so every text reaches the workbook whole.
pub const MAX_TEXT_CHARS: usize = 32_767;

/// Index of an input in [`Model::inputs`].
pub type InputId = usize;

/// Scenario-wide settings from `[scenario]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settings {
    pub name: String,
    pub description: Option<String>,
    pub price_base_year: i32,
    pub first_year: i32,
    pub years: usize,
    pub iterations: u64,
    pub seed: u64,
    /// Channel ids counted as digital in digital take-up (`digital_channels`, default online).
    pub digital_channels: Vec<String>,
    /// How each batch's uniforms are drawn.
    pub sampling: Sampling,
    /// Stop once every headline mean's 95% half-width is within this share of its value.
    pub precision: Option<f64>,
}

/// How the engine draws each batch of an input (docs/method.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sampling {
    /// Independent draws (the default).
    #[default]
    MonteCarlo,
    /// Each input's uniforms stratified within each batch.
    LatinHypercube,
}

impl Sampling {
    /// The name in a scenario file and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "monte-carlo",
            Sampling::LatinHypercube => "latin-hypercube",
        }
    }

    /// The sampling with this name.
    pub fn from_name(name: &str) -> Option<Sampling> {
        [Sampling::MonteCarlo, Sampling::LatinHypercube]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Where an input's distribution came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    Scenario,
    Default,
    Override { was: String, by: String },
}

/// One uncertain (or fixed) input, drawn once per iteration.
#[derive(Debug, Clone)]
pub struct Input {
    /// Key path, e.g. `departments.hmrc.repetition_rate`.
    pub key: String,
    /// The distribution as written (or the default).
    pub text: String,
    pub dist: Dist,
    pub sampler: Sampler,
    pub unit: Unit,
    pub domain: Domain,
    pub describes: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub origin: Origin,
    /// Identifies the input's own random stream, so changing one input leaves the draws of
    /// every other input unchanged (common random numbers across runs).
    pub stream: u64,
    /// The price year the distribution is written in, where it is not the base year's.
    pub price_year: Option<i32>,
    /// D(price_base_year) / D(price_year): what the written figures were multiplied by to put
    /// them in base-year prices (1 without a price year). `dist` is already converted.
    pub price_factor: f64,
}

impl Input {
    /// Mean, P5 and P95 of the input's distribution, computed from the distribution itself.
    pub fn summary(&self) -> (f64, f64, f64) {
        (
            self.sampler.mean(),
            self.sampler.quantile(0.05),
            self.sampler.quantile(0.95),
        )
    }
}

/// A department and the inputs behind each of its parameters.
#[derive(Debug, Clone)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// The name in charts and tight tables: `short_name` where the scenario gives one, else
    /// `name`.
    pub short_name: String,
    pub description: Option<String>,
    /// Indexed by [`DeptParam::index`]; a defaulted "same draw" parameter shares its input.
    /// `None` where the value is not drawn but mixed from the channels (docs/method.md §2a):
    /// the four per-contact parameters of a department with channels, and failure minutes
    /// that default to them.
    pub params: [Option<InputId>; DEPT_PARAM_COUNT],
    /// (follower, leader): parameters left to default to another's draw, which an option's
    /// effect on the leader moves too (failure minutes follow value-contact minutes).
    pub follows: Vec<(DeptParam, DeptParam)>,
    /// The department's channels, in the order written; empty when it has none.
    pub channels: Vec<Channel>,
    /// The journey (the scenario, in a portfolio) whose part it handles.
    pub journey: usize,
    /// Its organisation in [`Model::organisations`]: departments with one id in several
    /// journeys of a portfolio are one organisation.
    pub organisation: usize,
}

impl Department {
    /// The input behind a parameter, where it is drawn rather than mixed from channels.
    pub fn input(&self, param: DeptParam) -> Option<InputId> {
        self.params[param.index()]
    }

    /// The position of the channel with this id.
    pub fn channel(&self, id: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.id == id)
    }
}

/// One channel of a department (online, phone, post…) and the inputs behind its parameters.
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    /// Indexed by [`ChannelParam::index`].
    pub inputs: [InputId; CHANNEL_PARAM_COUNT],
}

impl Channel {
    /// The input behind one of the channel's parameters.
    pub fn input(&self, param: ChannelParam) -> InputId {
        self.inputs[param.index()]
    }
}

/// How an effect changes a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// Multiply by 1 − x.
    Reduce,
    /// Replace by x.
    Set,
}

/// What an effect changes: a department parameter, or a parameter of one channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Department(DeptParam),
    Channel {
        /// The channel id, e.g. `online`.
        id: String,
        param: ChannelParam,
        /// The channel's position in each of the effect's departments, in their order.
        at: Vec<usize>,
    },
}

impl Target {
    /// The parameter as written in the effect: `failure_demand`, `channels.online.share`.
    pub fn key(&self) -> String {
        match self {
            Target::Department(param) => param.spec().key.to_string(),
            Target::Channel { id, param, .. } => format!("channels.{id}.{}", param.spec().key),
        }
    }
}

/// One effect of an option on a parameter of some departments.
#[derive(Debug, Clone)]
pub struct Effect {
    pub departments: Vec<usize>,
    pub target: Target,
    pub kind: EffectKind,
    pub value: InputId,
}

/// An intervention appraised against business as usual.
#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub live: usize,
    pub adoption: Vec<InputId>,
    pub capital: Vec<InputId>,
    pub running: InputId,
    pub optimism_bias: InputId,
    /// The share x of the uplift that evidence shows mitigated: the uplift applied is
    /// ob × (1 − x) (docs/method.md §3a).
    pub optimism_bias_mitigation: InputId,
    pub effects: Vec<Effect>,
    /// Benefits the model does not value (trust, wellbeing): listed beside the figures, never
    /// added to them.
    pub non_monetised: Vec<String>,
    /// The organisation whose budget bears the option's costs (`funded_by`), if named.
    pub funder: Option<Funder>,
}

/// Who pays for an option.
#[derive(Debug, Clone, PartialEq)]
pub struct Funder {
    /// An organisation id: a department's, or any other (e.g. `gds`).
    pub id: String,
    /// The name a reader sees (`funder_name`, else the department's name, else the id).
    pub name: String,
    /// Its position in [`Model::organisations`], where it is one of the departments'.
    pub organisation: Option<usize>,
}

impl OptionSpec {
    /// Every input the option itself draws: adoption, capital, running cost, optimism bias and
    /// its effects.
    pub fn inputs(&self) -> Vec<InputId> {
        let mut ids: Vec<InputId> = self.adoption.iter().chain(&self.capital).copied().collect();
        ids.extend([
            self.running,
            self.optimism_bias,
            self.optimism_bias_mitigation,
        ]);
        ids.extend(self.effects.iter().map(|e| e.value));
        ids
    }

    /// The optimism-bias uplift applied in an iteration: the drawn uplift less the share
    /// mitigated.
    pub fn applied_uplift(&self, inputs: &[f64]) -> f64 {
        inputs[self.optimism_bias] * (1.0 - inputs[self.optimism_bias_mitigation])
    }

    /// The input giving adoption in appraisal year `year`, or `None` before `live`.
    pub fn adoption_input(&self, year: usize) -> Option<InputId> {
        let since = year.checked_sub(self.live)?;
        self.adoption.get(since).or(self.adoption.last()).copied()
    }
}

/// An override of one input's distribution, from `--set` or an assumptions CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub text: String,
    /// Where it came from, e.g. `--set` or `assumptions.csv row 4`.
    pub by: String,
    /// The price year of the new text: `None` keeps the scenario's (as `--set` does);
    /// `Some(None)` says the text is in base-year prices.
    pub price_year: Option<Option<i32>>,
}

impl Override {
    /// Parses `KEY=DIST` as given to `--set`.
    ///
    /// # Errors
    /// When there is no `=` or the key is empty.
    pub fn parse_set(arg: &str) -> Result<Override> {
        let Some((key, text)) = arg.split_once('=') else {
            return Err(InputError {
                origin: "--set".into(),
                location: None,
                key: arg.into(),
                problem: "expected KEY=DIST".into(),
                fix: "write e.g. --set departments.hmrc.repetition_rate=\"pert(20%, 30%, 50%)\""
                    .into(),
            }
            .into());
        };
        Ok(Override {
            key: key.trim().to_string(),
            text: text.trim().to_string(),
            by: "--set".into(),
            price_year: None,
        })
    }
}

impl Override {
    /// Parses `KEY,KEY=ρ` as given to `--correlate`.
    ///
    /// # Errors
    /// When there is no `=` or no comma between two keys.
    pub fn parse_correlate(arg: &str) -> Result<Override> {
        let parsed = arg
            .rsplit_once('=')
            .and_then(|(keys, rho)| keys.split_once(',').map(|(a, b)| (a, b, rho)));
        let Some((a, b, rho)) = parsed else {
            return Err(InputError {
                origin: "--correlate".into(),
                location: None,
                key: arg.into(),
                problem: "expected KEY,KEY=ρ".into(),
                fix: "write e.g. --correlate \"departments.hmrc.staff_minutes,departments.defra.staff_minutes=0.6\"".into(),
            }
            .into());
        };
        Ok(Override {
            key: format!("{}{},{}", correlation::OVERRIDE_PREFIX, a.trim(), b.trim()),
            text: rho.trim().to_string(),
            by: "--correlate".into(),
            price_year: None,
        })
    }
}

/// An override that changed an input, for provenance.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppliedOverride {
    pub key: String,
    pub from: String,
    pub to: String,
    pub by: String,
}

/// One journey: what one user goes through to reach one outcome, with the volumes and value
/// of time its departments' costs are multiplied by. A scenario is one journey; a portfolio
/// has one per scenario file.
#[derive(Debug, Clone)]
pub struct Journey {
    /// The scenario file's stem (`border-exports`): the `scenario` column of a portfolio's
    /// files, and the namespace of its keys.
    pub id: String,
    /// The scenario's name.
    pub name: String,
    /// The scenario file, and the SHA-256 of its bytes.
    pub path: PathBuf,
    pub sha256: String,
    pub per_year: InputId,
    pub growth: InputId,
    pub value_of_time: InputId,
    pub value_of_time_growth: InputId,
    /// Its departments' positions in [`Model::departments`].
    pub departments: std::ops::Range<usize>,
    /// The scenario's own options, left out of a portfolio (their names).
    pub left_out_options: Vec<String>,
}

/// An organisation that bears costs or receives benefits: a department id, across journeys.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: String,
    pub name: String,
}

/// A validated scenario, ready for the engine. Built only by loading, so that every model a
/// caller holds has passed validation; read it through its accessors.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
    pub(crate) settings: Settings,
    pub(crate) inputs: Vec<Input>,
    /// One journey for a scenario; one per scenario for a portfolio (docs/method.md §6a).
    pub(crate) journeys: Vec<Journey>,
    pub(crate) departments: Vec<Department>,
    /// The organisations departments belong to, matched by department id.
    pub(crate) organisations: Vec<Organisation>,
    /// Whether the model was read from a portfolio file.
    pub(crate) portfolio: bool,
    pub(crate) options: Vec<OptionSpec>,
    /// The Green Book schedule, its health schedule, or a fixed `discounting.rate`.
    pub(crate) discounting: crate::appraisal::Discounting,
    pub(crate) discount_factors: Vec<f64>,
    /// `financial.inflation`: from base-year prices to the money of the day (docs/method.md
    /// §3c); `None` only in a scenario read as part of a portfolio, whose own is the
    /// portfolio's.
    pub(crate) inflation: Option<InputId>,
    pub(crate) overrides: Vec<AppliedOverride>,
    /// Rank correlations between inputs, and the copula that realises them.
    pub(crate) correlations: Vec<correlation::Correlation>,
    pub(crate) copula: Option<correlation::Copula>,
    /// The scenario's named cases, each a model of its own on the same random streams.
    pub(crate) cases: Vec<NamedCase>,
}

/// A `[[case]]` of the scenario: "pessimistic", "slow adoption"… run beside the central case.
#[derive(Debug, Clone)]
pub struct NamedCase {
    pub name: String,
    pub description: Option<String>,
    /// The inputs it sets, (key, distribution), as written.
    pub set: Vec<(String, String)>,
    /// The scenario with those inputs set (and the run's own overrides).
    pub model: Model,
}

impl Model {
    /// The same model with its options left out: business as usual alone. (Inputs that only
    /// options use stay, unused, so that every other input keeps its random stream.)
    pub fn without_options(&self) -> Model {
        Model {
            options: Vec::new(),
            ..self.clone()
        }
    }

    /// The scenario's named cases, in the order written.
    pub fn cases(&self) -> &[NamedCase] {
        &self.cases
    }

    /// The scenario file it was read from (or the origin given for text).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SHA-256 of the scenario file's bytes, in hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Settings from `[scenario]`.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Every input, fixed or uncertain, in the order the scenario defines them.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The departments, in the order the scenario lists them.
    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// The journeys: one for a scenario, one per scenario file for a portfolio.
    pub fn journeys(&self) -> &[Journey] {
        &self.journeys
    }

    /// Whether the model is a portfolio of scenarios (docs/method.md §6a): its files then carry
    /// a `scenario` column.
    pub fn is_portfolio(&self) -> bool {
        self.portfolio
    }

    /// The organisations departments belong to, one per department id.
    pub fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    /// The options, in the order the scenario lists them.
    pub fn options(&self) -> &[OptionSpec] {
        &self.options
    }

    /// `discounting.rate` when the scenario fixes one; `None` for the Green Book schedule.
    pub fn discount_rate(&self) -> Option<f64> {
        match self.discounting {
            crate::appraisal::Discounting::Fixed(rate) => Some(rate),
            _ => None,
        }
    }

    /// How future years are discounted.
    pub fn discounting(&self) -> crate::appraisal::Discounting {
        self.discounting
    }

    /// Discount factors by appraisal year.
    pub fn discount_factors(&self) -> &[f64] {
        &self.discount_factors
    }

    /// The rank correlations between inputs (docs/method.md §5).
    pub fn correlations(&self) -> &[correlation::Correlation] {
        &self.correlations
    }

    /// The Gaussian copula realising the correlations, if there are any.
    pub fn copula(&self) -> Option<&correlation::Copula> {
        self.copula.as_ref()
    }

    /// The overrides that changed an input, in the order applied.
    pub fn overrides(&self) -> &[AppliedOverride] {
        &self.overrides
    }

    /// The inflation assumption of the financial view (docs/method.md §3c).
    pub fn inflation_input(&self) -> Option<&Input> {
        self.inflation.map(|id| &self.inputs[id])
    }

    /// The input with this key path.
    pub fn input(&self, key: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.key == key)
    }

    /// The label of financial year `k` of the financial view, "2024-25": `k` = 0 is the one
    /// that ends in the first appraisal year (its first quarter's flows fall there), `k` the
    /// one that starts in April of appraisal year `k − 1`.
    pub fn financial_year(&self, k: usize) -> String {
        let start = self.settings.first_year - 1 + k as i32;
        format!("{start}-{:02}", (start + 1).rem_euclid(100))
    }

    /// Calendar year of appraisal year `y`.
    pub fn calendar_year(&self, y: usize) -> i32 {
        self.settings.first_year + y as i32
    }
}

/// Reads a price year written as text (`2012`, `2012-13`), as a register cell holds it.
///
/// # Errors
/// A problem and fix when it is not a year inside the GDP deflator table.
pub use build::read_precision;

pub fn read_price_year(text: &str) -> std::result::Result<i32, (String, String)> {
    inputs::read_price_year(&toml::Value::String(text.to_string()))
}
