//! The commands, as plain validated plans: the CLI builds a plan, the library carries it out.
//! Tests call these functions directly, without going through argument parsing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::charts;
use crate::engine::{self, Keep, RunConfig};
use crate::error::{Error, Result};
use crate::output::{self, Staging};
use crate::report::{self, economic_case, format, Analysis, Report};
use crate::scenario::{self, Model, Override};
use crate::sensitivity;

/// Everything `seams run` needs, validated.
#[derive(Debug, Clone)]
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
    pub progress: bool,
}

/// What a finished run reports back to the terminal.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub out: PathBuf,
    pub files: Vec<String>,
    pub terminal: String,
    pub wall_seconds: f64,
}

/// The default results folder: `results/<scenario file stem>/`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("results").join(stem)
}

/// Loads the scenario and applies the plan's overrides of iterations and seed.
///
/// # Errors
/// Any scenario or override error.
pub fn load_model(plan: &RunPlan) -> Result<Model> {
    let mut overrides = plan.overrides.clone();
    if let Some(register) = &plan.assumptions {
        let baseline = scenario::load(&plan.scenario, &[])?;
        overrides.extend(crate::assumptions::read_overrides(register, &baseline)?);
    }
    let mut model = scenario::load(&plan.scenario, &overrides)?;
    if let Some(n) = plan.iterations {
        model.settings.iterations = n;
    }
    if let Some(s) = plan.seed {
        model.settings.seed = s;
    }
    Ok(model)
}

/// Runs a scenario and writes its results folder.
///
/// # Errors
/// Bad input ([`Error::is_bad_input`]) before anything is written; a write or numeric
/// failure leaves any previous results folder as it was.
pub fn run(plan: &RunPlan) -> Result<RunOutcome> {
    let started = Instant::now();
    let model = load_model(plan)?;
    let out = plan
        .out
        .clone()
        .unwrap_or_else(|| default_out(&plan.scenario));
    output::check_not_over_scenario(&out, &plan.scenario)?;
    output::check_target(&out)?;
    let config = RunConfig {
        iterations: model.settings.iterations,
        seed: model.settings.seed,
        keep: if plan.samples {
            Keep::Everything
        } else {
            Keep::Sensitivity
        },
        progress: plan.progress,
    };
    engine::check_iterations(config.iterations)?;
    check_memory(&model, &config)?;
    // The temporary folder is made before the run, so an unwritable place fails at once; it is
    // removed again if anything below fails.
    let staging = Staging::new(&out)?;
    let results = engine::run(&model, &config)?;
    let report = Report::new(&model, &results);
    let analysis = Analysis {
        tornadoes: sensitivity::tornadoes(&model, &results),
        switching: sensitivity::switching_values(&model),
    };
    let mut files = vec![
        ("summary.csv", report::summary_csv(&report)),
        ("summary.md", report::summary_md(&report)),
        (
            "economic-case.md",
            economic_case::render(&report, plan.charts, &analysis),
        ),
        (
            "sensitivity.csv",
            report::sensitivity_csv(&analysis.tornadoes),
        ),
    ];
    if !model.options.is_empty() {
        files.push(("appraisal.csv", report::appraisal_csv(&report)));
        files.push(("yearly.csv", report::yearly_csv(&report)));
        files.push(("switching.csv", report::switching_csv(&analysis.switching)));
    }
    for (name, text) in &files {
        staging.write(name, text.as_bytes())?;
    }
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    if plan.charts {
        let data = charts::ChartData::new(&report, &analysis);
        charts::write_all(&staging, &data)?;
        names.push("charts/".into());
    }
    if plan.samples {
        write_samples(&staging, &model, &results)?;
        names.push("samples.parquet".into());
    }
    let wall_seconds = started.elapsed().as_secs_f64();
    staging.write(
        "run.json",
        report::run_json(&report, wall_seconds).as_bytes(),
    )?;
    names.push("run.json".into());
    if crate::error::interrupted() {
        return Err(Error::Interrupted);
    }
    let out = staging.commit()?;
    let terminal = format!(
        "{}{}",
        report::terminal_headline(&report),
        report::terminal_options(&report)
    );
    Ok(RunOutcome {
        out,
        files: names,
        terminal,
        wall_seconds,
    })
}

/// Refuses a run that would not fit in memory, saying how many iterations would.
fn check_memory(model: &Model, config: &RunConfig) -> Result<()> {
    let available = engine::memory_available();
    let needed = engine::memory_estimate(model, config.iterations, config.keep);
    if needed <= available {
        return Ok(());
    }
    let per_iteration = engine::memory_estimate(model, 2_000_000, config.keep)
        .saturating_sub(engine::memory_estimate(model, 1_000_000, config.keep))
        / 1_000_000;
    let fixed = engine::memory_estimate(model, 0, config.keep);
    let feasible = available.saturating_sub(fixed) / per_iteration.max(1);
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    Err(Error::Usage {
        flag: "--iterations".into(),
        problem: format!(
            "{} iterations would need about {:.1} GiB of memory; {:.1} GiB is available",
            format::thousands(config.iterations),
            gib(needed),
            gib(available)
        ),
        fix: format!(
            "use at most --iterations {} here (without --samples, fewer columns are kept)",
            format::thousands(feasible)
        ),
    })
}

fn write_samples(staging: &Staging, model: &Model, results: &engine::Results) -> Result<()> {
    use polars::prelude::*;
    let Some(samples) = &results.samples else {
        return Ok(());
    };
    let inputs = samples.inputs().into_iter().map(|(id, c)| {
        Column::new(
            model.inputs[id].key.as_str().into(),
            samples.input_column(c),
        )
    });
    let outputs = samples.output_ids().iter().filter_map(|&k| {
        Some(Column::new(
            engine::output_name(model, &results.layout, k)
                .as_str()
                .into(),
            samples.output(k)?,
        ))
    });
    let columns: Vec<Column> = inputs.chain(outputs).collect();
    let path = staging.path("samples.parquet");
    let fail = |e: &dyn std::fmt::Display| Error::Write {
        path: PathBuf::from("samples.parquet"),
        problem: e.to_string(),
    };
    let mut frame = DataFrame::new(results.iterations as usize, columns).map_err(|e| fail(&e))?;
    let file = std::fs::File::create(&path).map_err(|e| fail(&e))?;
    ParquetWriter::new(file)
        .finish(&mut frame)
        .map_err(|e| fail(&e))?;
    Ok(())
}

/// `seams check`: validates a scenario and lists every input.
///
/// # Errors
/// Any scenario or override error.
pub fn check(scenario: &Path, overrides: &[Override]) -> Result<String> {
    let model = scenario::load(scenario, overrides)?;
    let s = &model.settings;
    let mut out = format!(
        "{} is valid: {}\n{} departments, {} options; {} years from {}, {} prices; {} iterations, seed {}.\n\n",
        scenario.display(),
        s.name,
        model.departments.len(),
        model.options.len(),
        s.years,
        s.first_year,
        s.price_base_year,
        format::thousands(s.iterations),
        s.seed
    );
    let width = model
        .inputs
        .iter()
        .map(|i| i.key.chars().count())
        .max()
        .unwrap_or(10);
    let dist_width = model
        .inputs
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
    for input in &model.inputs {
        let (mean, p5, p95) = input.summary();
        let text = match input.origin {
            scenario::Origin::Default => format!("{} (default)", input.text),
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
    for o in &model.overrides {
        let _ = writeln!(
            out,
            "overridden by {}: {} = {} (was {})",
            o.by, o.key, o.to, o.from
        );
    }
    Ok(out)
}

/// `seams assumptions`: the register of every input, as CSV.
///
/// # Errors
/// Any scenario or override error.
pub fn assumptions(scenario: &Path, overrides: &[Override]) -> Result<String> {
    let model = scenario::load(scenario, overrides)?;
    Ok(crate::assumptions::register_csv(&model))
}

/// Writes a small text file whole or not at all (a temporary file renamed into place).
///
/// # Errors
/// When the file cannot be written.
pub fn write_file_atomically(path: &Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        problem: e.to_string(),
    };
    if path.is_dir() {
        return Err(Error::Write {
            path: path.to_path_buf(),
            problem: "is a folder; give a file name".into(),
        });
    }
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{name}.seams-partial-{}", std::process::id()));
    std::fs::write(&temp, text).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail(e)
    })
}
