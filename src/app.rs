//! The commands of the binary, as plain validated plans: the CLI builds a plan, the library
//! carries it out. Process concerns live here and not in the engine: reading the machine's
//! free memory, choosing the results folder, writing it atomically. Tests call these functions
//! directly, without going through argument parsing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::disk::{self, Staging};
use crate::engine::{self, CancelToken, Keep, Progress, RunConfig};
use crate::error::{Error, Result};
use crate::export::{self, ExportOptions};
use crate::format;
use crate::scenario::{Model, Override, Source};

/// Everything `seams run` needs, validated.
#[derive(Clone)]
pub struct RunPlan {
    pub scenario: PathBuf,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub overrides: Vec<Override>,
    /// An edited assumptions register whose changed rows override the scenario.
    pub assumptions: Option<PathBuf>,
    pub samples: bool,
    pub charts: bool,
    /// The sampling method and precision target, where the command line gives them.
    pub sampling: Option<crate::scenario::Sampling>,
    pub precision: Option<f64>,
    /// Stops the run; the binary cancels it on Ctrl-C.
    pub cancel: CancelToken,
    /// Told of the run's progress, if given.
    pub progress: Option<Progress>,
}

impl RunPlan {
    /// A plan to run `scenario` with its own settings into the default folder.
    pub fn new(scenario: impl Into<PathBuf>) -> RunPlan {
        RunPlan {
            scenario: scenario.into(),
            iterations: None,
            seed: None,
            out: None,
            overrides: Vec::new(),
            assumptions: None,
            samples: false,
            charts: true,
            sampling: None,
            precision: None,
            cancel: CancelToken::new(),
            progress: None,
        }
    }

    fn config(&self) -> RunConfig {
        RunConfig {
            iterations: self.iterations,
            seed: self.seed,
            sampling: self.sampling,
            precision: self.precision,
            // `--samples` streams every iteration to the results folder as the run goes; only
            // what sensitivity needs is kept in memory.
            keep: Keep::Sensitivity,
            stream: None,
            cancel: self.cancel.clone(),
            progress: self.progress.clone(),
            analyses: crate::engine::Analyses::Everything,
            previous: None,
            appendices: crate::engine::Appendices::Included,
            figures: crate::engine::Figures::All,
        }
    }
}

/// What a finished run reports back to the terminal.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub out: PathBuf,
    pub files: Vec<String>,
    pub terminal: String,
    pub wall_seconds: f64,
    /// What the value of information cost, in words (empty without options).
    pub voi_timing: String,
}

/// The file `--samples` streams into the results folder.
const SAMPLES: &str = "samples.parquet";

/// The default results folder: `results/<scenario file stem>/`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(stem)
}

/// Loads the scenario with the plan's overrides and assumptions register applied.
///
/// # Errors
/// Any scenario or override error.
pub fn load_model(plan: &RunPlan) -> Result<Model> {
    let source = Source::read(&plan.scenario)?;
    let mut overrides = plan.overrides.clone();
    if let Some(register) = &plan.assumptions {
        let baseline = source.model(&[])?;
        overrides.extend(crate::register::read_overrides(register, &baseline)?);
    }
    source.model(&overrides)
}

/// Runs a scenario and writes its results folder.
///
/// # Errors
/// Bad input ([`Error::is_bad_input`]) before anything is written; a write or numeric
/// failure, or a cancellation, leaves any previous results folder as it was.
pub fn run(plan: &RunPlan) -> Result<RunOutcome> {
    let started = std::time::Instant::now();
    let model = load_model(plan)?;
    let out = plan
        .out
        .clone()
        .unwrap_or_else(|| default_out(&plan.scenario));
    let register: Vec<&Path> = plan.assumptions.iter().map(PathBuf::as_path).collect();
    disk::check_not_over_inputs(&out, &plan.scenario, &register)?;
    disk::check_target(&out)?;
    let mut config = plan.config();
    let iterations = config.iterations_for(&model);
    engine::check_iterations(iterations)?;
    check_memory(&model, &config)?;
    // The columns `--samples` streams, each 8 bytes an iteration.
    let sample_columns = plan.samples.then(|| engine::stream_columns(&model).2);
    if let Some(names) = &sample_columns {
        let place = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        check_disk(names.len() as u64 * 8, iterations, place)?;
    }
    // The temporary folder is made before the run, so an unwritable place fails at once; it is
    // removed again if anything below fails.
    let mut staging = Staging::new(&out)?;
    let stream = match sample_columns {
        Some(names) => {
            let file = staging.create(SAMPLES)?;
            let stream = Arc::new(crate::disk::ParquetStream::new(file, names)?);
            config.stream = Some(stream.clone());
            Some(stream)
        }
        None => None,
    };
    let results = crate::run(&model, &config)?;
    // The files this step wrote itself, beside those the exporters render.
    let mut streamed = Vec::new();
    if let Some(stream) = stream {
        stream.finish()?;
        streamed.push(SAMPLES);
    }
    let options = ExportOptions {
        charts: plan.charts,
        samples: false,
    };
    let rendered = export::render_all(&results, options, &streamed)?;
    for artefact in &rendered.files {
        staging.write(&artefact.name, &artefact.bytes)?;
    }
    if plan.cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    let out = staging.commit()?;
    Ok(RunOutcome {
        out,
        files: rendered.names,
        terminal: export::terminal::summary(&results) + &applied_overrides(results.model()),
        wall_seconds: started.elapsed().as_secs_f64(),
        voi_timing: results.voi().map(|v| v.timing()).unwrap_or_default(),
    })
}

/// The overrides a run applied, one line each, so a reviewer sees which register rows and
/// `--set` flags took effect.
fn applied_overrides(model: &Model) -> String {
    if model.overrides().is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nApplied {} change(s) to the scenario:\n",
        model.overrides().len()
    );
    for o in model.overrides() {
        let _ = writeln!(out, "  {}: {} = {} (was {})", o.by, o.key, o.to, o.from);
    }
    out
}

/// Refuses a run that would not fit in memory, saying how many iterations would.
fn check_memory(model: &Model, config: &RunConfig) -> Result<()> {
    let available = memory_available();
    let iterations = config.iterations_for(model);
    let needed = engine::memory_estimate(model, iterations, config.keep);
    if needed <= available {
        return Ok(());
    }
    // Memory grows with iterations only up to the kept iterations.
    let kept = engine::kept_iterations(model, iterations, config.keep).max(1);
    let per_iteration = engine::memory_estimate(model, kept, config.keep)
        .saturating_sub(engine::memory_estimate(model, 0, config.keep))
        / kept;
    let fixed = engine::memory_estimate(model, 0, config.keep);
    let feasible = available.saturating_sub(fixed) / per_iteration.max(1);
    Err(Error::Usage {
        flag: "--iterations".into(),
        problem: format!(
            "{} iterations would need about {} of memory; {} is available",
            format::thousands(iterations),
            size(needed),
            size(available)
        ),
        fix: if feasible == 0 {
            format!(
                "this model needs about {} even for one iteration: run it on a machine with more memory, or split the portfolio into smaller ones",
                size(fixed + per_iteration)
            )
        } else {
            format!(
                "use at most --iterations {} here",
                format::thousands(feasible)
            )
        },
    })
}

/// Refuses `--samples` when the file it would stream, `per_iteration` bytes an iteration,
/// cannot fit on the disk holding `place`.
fn check_disk(per_iteration: u64, iterations: u64, place: &Path) -> Result<()> {
    let needed = iterations.saturating_mul(per_iteration);
    let Some(free) = disk_free(place) else {
        return Ok(());
    };
    room_for_samples(needed, free, per_iteration, iterations)
}

/// Whether `needed` bytes of samples fit in `free` bytes of disk, keeping a tenth spare: the
/// check before `--samples` streams its file, on figures alone.
pub fn room_for_samples(needed: u64, free: u64, per_iteration: u64, iterations: u64) -> Result<()> {
    let usable = free - free / 10;
    if needed <= usable {
        return Ok(());
    }
    Err(Error::Usage {
        flag: "--samples".into(),
        problem: format!(
            "{} iterations would write about {} to samples.parquet; {} is free there",
            format::thousands(iterations),
            size(needed),
            size(free)
        ),
        fix: match usable / per_iteration.max(1) {
            0 => "free some room on that disk, or leave --samples out (the other files need little room)".into(),
            fits => format!(
                "use at most --iterations {} with --samples, or leave --samples out (the other files need little room)",
                format::thousands(fits)
            ),
        },
    })
}

/// Free space on the disk holding `place` (or its nearest existing parent).
fn disk_free(place: &Path) -> Option<u64> {
    let existing = place
        .ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.exists())
        .unwrap_or(Path::new("."));
    let stats = rustix::fs::statvfs(existing).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// Bytes in GiB, for messages.
/// An amount of memory or disk as people read it: `1.2 GiB`, `340 MiB`, `12 KiB`.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        n if n >= 1 << 30 => format!("{:.1} GiB", b / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.0} MiB", b / (1u64 << 20) as f64),
        _ => format!("{:.0} KiB", b / 1024.0),
    }
}

/// The memory this machine has available, from /proc/meminfo where there is one.
fn memory_available() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(16 << 30)
}

/// `seams check`: validates a scenario and lists every input.
///
/// # Errors
/// Any scenario or override error.
pub fn check(scenario: &Path, overrides: &[Override]) -> Result<String> {
    let model = Source::read(scenario)?.model(overrides)?;
    let s = model.settings();
    let parts = if model.is_portfolio() {
        format!(
            "a portfolio of {} scenarios ({}), {} departments ({} organisations)",
            model.journeys().len(),
            model
                .journeys()
                .iter()
                .map(|j| j.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            model.departments().len(),
            model.organisations().len()
        )
    } else {
        format!("{} departments", model.departments().len())
    };
    let mut out = format!(
        "{} is valid: {}\n{parts}, {} options; {} years from {}, {} prices; {} iterations, seed {}.\n",
        scenario.display(),
        s.name,
        model.options().len(),
        s.years,
        s.first_year,
        s.price_base_year,
        format::thousands(s.iterations),
        s.seed
    );
    for journey in model
        .journeys()
        .iter()
        .filter(|j| !j.left_out_options.is_empty())
    {
        out.push_str(&format!(
            "Left out of the portfolio: the options of {} ({}).\n",
            journey.id,
            journey.left_out_options.join("; ")
        ));
    }
    out.push('\n');
    let width = model
        .inputs()
        .iter()
        .map(|i| i.key.chars().count())
        .max()
        .unwrap_or(10);
    let dist_width = model
        .inputs()
        .iter()
        .map(|i| i.text.chars().count())
        .max()
        .unwrap_or(10)
        .min(34);
    let _ = writeln!(
        out,
        "{:<width$}  {:<dist_width$}  {:>10}  {:>10}  {:>10}",
        "input", "distribution", "mean", "P5", "P95"
    );
    for input in model.inputs() {
        let (mean, p5, p95) = input.summary();
        let text = match input.origin {
            crate::scenario::Origin::Default => format!("{} (default)", input.text),
            _ => input.text.clone(),
        };
        let d = |x| format::describe_value(input.unit, x);
        let _ = writeln!(
            out,
            "{:<width$}  {:<dist_width$}  {:>10}  {:>10}  {:>10}",
            input.key,
            text,
            d(mean),
            d(p5),
            d(p95)
        );
    }
    for (d, dept) in model.departments().iter().enumerate() {
        if dept.channels.is_empty() {
            continue;
        }
        let shares: Vec<String> = dept
            .channels
            .iter()
            .zip(model.channel_shares(d))
            .map(|(c, share)| format!("{} {}", c.id, format::percent(share)))
            .collect();
        let _ = writeln!(
            out,
            "channels: {} {} (mean shares after normalising to 100%)",
            dept.id,
            shares.join(", ")
        );
    }
    for input in model.inputs().iter().filter(|i| i.price_year.is_some()) {
        let _ = writeln!(
            out,
            "price year: {} is written in {} prices; converted to {} prices with the GDP deflator, × {:.4}",
            input.key,
            input.price_year.unwrap_or_default(),
            s.price_base_year,
            input.price_factor
        );
    }
    if s.sampling != crate::scenario::Sampling::MonteCarlo || s.precision.is_some() {
        let precision = s.precision.map_or(String::new(), |p| {
            format!(
                ", until every headline mean is known to ±{}",
                format::describe_value(crate::params::Unit::Share, p)
            )
        });
        let _ = writeln!(out, "sampling: {}{precision}", s.sampling.name());
    }
    for c in model.correlations() {
        let _ = writeln!(
            out,
            "correlation: {} & {}: rank {} ({})",
            c.inputs[0], c.inputs[1], c.rank, c.by
        );
    }
    for o in model.overrides() {
        let _ = writeln!(
            out,
            "overridden by {}: {} = {} (was {})",
            o.by, o.key, o.to, o.from
        );
    }
    for case in model.cases() {
        let set: Vec<String> = case.set.iter().map(|(k, d)| format!("{k} = {d}")).collect();
        let _ = writeln!(out, "case \"{}\": {}", case.name, set.join("; "));
    }
    Ok(out)
}

/// `seams assumptions`: the register of every input, as CSV.
///
/// # Errors
/// Any scenario or override error.
pub fn assumptions(scenario: &Path, overrides: &[Override]) -> Result<String> {
    let model = Source::read(scenario)?.model(overrides)?;
    crate::register::register_csv(&model)
}

/// `seams elicit`: the fits to one expert's quantiles, or to several experts' pooled, as text,
/// with a register row for `key` if given.
///
/// # Errors
/// [`Error::Usage`] for quantiles or weights that cannot be read.
pub fn elicit(
    quantiles: Option<&str>,
    experts: &[String],
    weights: Option<&str>,
    key: Option<&str>,
) -> Result<String> {
    use crate::elicit::{describe, fit_all, fit_pool, parse_quantiles, report};
    const METHOD: &str = "fitted by least squares on the CDF (seams elicit)";
    let (text, best, source) = match quantiles {
        Some(q) => {
            let judgements = parse_quantiles("--quantiles", q)?;
            let fits = fit_all(&judgements);
            let source = format!("elicited: {}; {METHOD}", describe(&judgements));
            (
                report("Judged", &judgements, &fits),
                fits.into_iter().next(),
                source,
            )
        }
        None => {
            let sets = experts
                .iter()
                .map(|e| parse_quantiles("--expert", e))
                .collect::<Result<Vec<_>>>()?;
            let weights = expert_weights(weights, sets.len())?;
            let (fits, pooled) = fit_pool(&sets, &weights);
            let mut text = String::new();
            for (k, set) in sets.iter().enumerate() {
                let own = fit_all(set);
                text += &report(&format!("Expert {}", k + 1), set, &own[..own.len().min(1)]);
                text += "\n";
            }
            let shown: Vec<String> = weights.iter().map(|&w| crate::dist::fmt_num(w)).collect();
            let title = format!("Pooled linearly (weights {})", shown.join(", "));
            text += &report(&title, &pooled, &fits);
            let judged: Vec<String> = sets.iter().map(|s| describe(s)).collect();
            let source = format!(
                "elicited from {} experts ({}), pooled linearly with weights {}; {METHOD}",
                sets.len(),
                judged.join("; "),
                shown.join(", ")
            );
            (text, fits.into_iter().next(), source)
        }
    };
    match (key, best) {
        (Some(key), Some(best)) => Ok(format!(
            "{text}\nAssumptions-register row:\n{}",
            crate::register::register_row(key, &best.dist, &source)?
        )),
        _ => Ok(text),
    }
}

/// The experts' weights from "2,1" (equal when not given).
fn expert_weights(text: Option<&str>, experts: usize) -> Result<Vec<f64>> {
    let Some(text) = text else {
        return Ok(vec![1.0; experts]);
    };
    let weights: Vec<f64> = text
        .split(',')
        .filter_map(|w| w.trim().parse::<f64>().ok())
        .filter(|w| w.is_finite() && *w > 0.0)
        .collect();
    if weights.len() != experts || text.split(',').count() != experts {
        return Err(Error::Usage {
            flag: "--weights".into(),
            problem: format!(
                "\"{text}\" is not {experts} positive numbers, one per --expert"
            ),
            fix: "give one weight per expert, in the order of the --expert options, e.g. --weights 2,1".into(),
        });
    }
    Ok(weights)
}

/// `seams fit`: every family fitted to a column of data by maximum likelihood, as text, with a
/// register row for `key` if given.
///
/// # Errors
/// A file or column that cannot be read (named, with the row of a bad cell), or too few values.
pub fn fit(
    path: &Path,
    column: &str,
    sheet: Option<&str>,
    key: Option<&str>,
    out: Option<&Path>,
) -> Result<String> {
    let data = crate::fit::read_column(path, column, sheet)?;
    let file = format::file_name(path);
    let what = match sheet {
        Some(sheet) => format!("{file}, sheet {sheet}, column {column}"),
        None => format!("{file}, column {column}"),
    };
    crate::fit::check(&path.display().to_string(), column, &data.values)?;
    let fits = crate::fit::fit_all(&data.values);
    let mut text = crate::fit::report(&what, &data, &fits);
    if let Some(dir) = out {
        let mut sorted = data.values.clone();
        sorted.sort_by(f64::total_cmp);
        let subtitle = format!(
            "Fitted to {what}, n = {}, by maximum likelihood",
            sorted.len()
        );
        std::fs::create_dir_all(dir).map_err(|e| Error::Write {
            path: dir.to_path_buf(),
            problem: e.to_string(),
        })?;
        let mut written = Vec::new();
        for chart in crate::charts::fit_charts(&subtitle, &sorted, &fits)? {
            let target = dir.join(&chart.name);
            disk::write_file("--out", &target, &chart.bytes, &[path])?;
            written.push(chart.name);
        }
        let _ = writeln!(text, "\nWrote {} to {}.", written.join(", "), dir.display());
    }
    match (key, fits.first()) {
        (Some(key), Some(best)) => {
            let source = format!(
                "fitted to {what}, n = {}, by maximum likelihood (seams fit)",
                data.values.len()
            );
            Ok(format!(
                "{text}\nAssumptions-register row:\n{}",
                crate::register::register_row(key, &best.dist, &source)?
            ))
        }
        _ => Ok(text),
    }
}
