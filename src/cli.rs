//! Command-line arguments. Clap types stay here and become plain plans before any work starts.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use seams::app::{self, RunPlan};
use seams::scenario::{Override, Sampling};
use seams::{CancelToken, Progress};

/// Cost of disjointed public services, and what joining them up would save.
#[derive(Debug, Parser)]
#[command(
    name = "seams",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success; 1 a failure while running (a file could not be written, a port in use); 2 bad input (the message names the file, key, problem and fix); 130 Ctrl-C; 143 SIGTERM.\n\nThe scenario format is in docs/scenario-format.md and the method in docs/method.md."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and write its results folder.
    #[command(
        after_help = "Examples:\n  seams run scenarios/border-exports.toml\n  seams run scenarios/border-exports.toml -n 1m --seed 7 -o results/big\n  seams run scenarios/hmrc-helpline.toml --set departments.hmrc.failure_demand=\"pert(60%, 70%, 76%)\"\n  seams run scenarios/border-exports.toml --assumptions register.csv\n\nExit codes: 0 success; 1 a failure while writing; 2 bad input; 130 Ctrl-C; 143 SIGTERM. See docs/scenario-format.md."
    )]
    Run(RunArgs),
    /// Validate a scenario and list every input with its mean and P5–P95.
    #[command(
        after_help = "Examples:\n  seams check scenarios/border-exports.toml\n  seams check my-journey.toml --set journeys.per_year=\"100k to 150k\"\n\nExit code 2 means the scenario has a problem; the message names the line, key and fix."
    )]
    Check(CheckArgs),
    /// Write the assumptions register: every input as CSV, to edit and pass to `run --assumptions`.
    #[command(
        after_help = "Examples:\n  seams assumptions scenarios/border-exports.toml -o register.csv\n  (edit the distribution cells in a spreadsheet, save as CSV UTF-8)\n  seams run scenarios/border-exports.toml --assumptions register.csv"
    )]
    Assumptions(AssumptionsArgs),
    /// Compare two results folders: inputs that differ and how the headline figures moved.
    #[command(
        after_help = "Examples:\n  seams compare results/before results/after\n  seams compare results/before results/after -o comparison.md"
    )]
    Compare(CompareArgs),
    /// Write a commented starter scenario to fill in (it passes `seams check` as written).
    #[command(
        after_help = "Examples:\n  seams new scenarios/blue-badge.toml\n  seams new my-journey --name \"Applying for a Blue Badge\""
    )]
    New(NewArgs),
    /// Serve a local page to ask what-if questions: edit an assumption, see every figure move.
    #[command(
        after_help = "Examples:\n  seams serve scenarios/border-exports.toml\n  seams serve scenarios/border-exports.toml --port 8766\n\nThe page is on this computer only (127.0.0.1). Each edit reruns the model at up to 20,000 iterations on the scenario's seed, from the file as read at start-up. Ctrl-C stops it.\n\nExit codes: 1 the server could not listen on its port or failed while serving; 2 the scenario has a problem; 130 stopped by Ctrl-C; 143 stopped by SIGTERM."
    )]
    Serve(ServeArgs),
    /// Fit a distribution to data: a column of a CSV, Parquet or Excel file.
    #[command(
        after_help = "Examples:\n  seams fit data/terminal_waiting_times.csv --column train_minutes -o fit-charts\n  seams fit handling.xlsx --sheet Data --column \"Handling time\" --key departments.hmrc.staff_minutes\n\nEvery family whose support allows the data is fitted by maximum likelihood and ranked by AIC, with BIC and the Kolmogorov–Smirnov and Anderson–Darling statistics beside. Blank cells are skipped and counted; a cell that is not a number is refused, naming its row (exit 2)."
    )]
    Fit(FitArgs),
    /// Fit a distribution to an expert's quantiles, or to several experts' pooled.
    #[command(
        after_help = "Examples:\n  seams elicit --quantiles \"10%=12, 50%=20, 90%=45\"\n  seams elicit --quantiles \"10%=12, 50%=20, 90%=45\" --key departments.hmrc.user_minutes\n  seams elicit --expert \"10%=12, 50%=20, 90%=45\" --expert \"5%=15, 50%=25, 95%=60\" --weights 2,1\n\nEvery family whose support allows the values is fitted by least squares on the CDF and listed best first, its quantiles beside the judged ones. Exit code 2: the quantiles are not three or more in increasing order with one below 40% and one above 60%."
    )]
    Elicit(ElicitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    #[command(
        after_help = "Examples:\n  seams completions bash > ~/.local/share/bash-completion/completions/seams\n  seams completions zsh > ~/.zfunc/_seams"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The scenario (or portfolio) file.
    scenario: PathBuf,
    /// The port on 127.0.0.1 (0 for any free port).
    #[arg(long, default_value_t = 8765)]
    port: u16,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The new scenario file, e.g. scenarios/blue-badge.toml (`.toml` is added if missing).
    path: PathBuf,
    /// The journey's name (default: from the file name).
    #[arg(long)]
    name: Option<String>,
}

#[derive(Debug, Args)]
struct AssumptionsArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Write the CSV here instead of to standard output (`-` for standard output).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// The first results folder (A).
    a: PathBuf,
    /// The second results folder (B).
    b: PathBuf,
    /// Also write the comparison as Markdown to this file (`-` for standard output only).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Monte Carlo iterations, e.g. 20000, 20k, 1m, 1e6 or 1,000,000 (default: the scenario's
    /// `iterations`).
    #[arg(long, short = 'n', allow_negative_numbers = true, value_parser = parse_iterations)]
    iterations: Option<u64>,
    /// Random seed, a whole number from 0 to 2⁶⁴−1 (default: the scenario's `seed`).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_seed)]
    seed: Option<u64>,
    /// Results folder (default: results/<scenario file stem>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Override an input: KEY=DIST, e.g. departments.hmrc.repetition_rate="pert(20%, 30%, 50%)".
    #[arg(long = "set", value_name = "KEY=DIST")]
    set: Vec<String>,
    /// Correlate two inputs: KEY,KEY=ρ (Spearman's rank correlation, −1 < ρ < 1), e.g.
    /// "departments.hmrc.staff_minutes,departments.defra.staff_minutes=0.6".
    #[arg(long, value_name = "KEY,KEY=RHO")]
    correlate: Vec<String>,
    /// Sampling method: monte-carlo or latin-hypercube (default: the scenario's `sampling`).
    #[arg(long, value_parser = parse_sampling)]
    sampling: Option<Sampling>,
    /// Run until every headline mean's 95% half-width is within this share of it, e.g. 0.5%
    /// (up to --iterations; default: the scenario's `precision`).
    #[arg(long, value_parser = parse_precision)]
    precision: Option<f64>,
    /// Apply an edited assumptions register (from `seams assumptions`): rows whose distribution
    /// differs from the scenario override it.
    #[arg(long, value_name = "FILE")]
    assumptions: Option<PathBuf>,
    /// Also write every iteration's inputs and outputs to samples.parquet.
    #[arg(long)]
    samples: bool,
    /// Do not draw charts.
    #[arg(long)]
    no_charts: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Debug, Args)]
struct FitArgs {
    /// The data: a .csv (with a header row), .parquet or .xlsx file.
    file: PathBuf,
    /// The column to fit, by its heading.
    #[arg(long)]
    column: String,
    /// The sheet of a workbook.
    #[arg(long)]
    sheet: Option<String>,
    /// Also print an assumptions-register row for this input key.
    #[arg(long)]
    key: Option<String>,
    /// Write a Q–Q and a CDF chart of the fits (PNG and SVG) to this folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ElicitArgs {
    /// An expert's quantiles: "10%=12, 50%=20, 90%=45".
    #[arg(
        long,
        value_name = "QUANTILES",
        required_unless_present = "expert",
        conflicts_with = "expert"
    )]
    quantiles: Option<String>,
    /// One expert's quantiles; repeat for each expert, to pool them linearly.
    #[arg(long, value_name = "QUANTILES")]
    expert: Vec<String>,
    /// The experts' weights, in the order given: "2,1" (equal unless given).
    #[arg(long, value_name = "W,W,…", requires = "expert")]
    weights: Option<String>,
    /// Also print an assumptions-register row for this input key.
    #[arg(long)]
    key: Option<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Override an input: KEY=DIST.
    #[arg(long = "set", value_name = "KEY=DIST")]
    set: Vec<String>,
}

/// An iteration count as people write one: `20000`, `20_000`, `20,000`, `20k`, `1m`, `1e6`.
fn parse_iterations(text: &str) -> Result<u64, String> {
    let refuse = || {
        format!(
            "iterations are a whole number from 1 to {}, e.g. 20000, 20k, 1m or 1e6",
            seams::format::thousands(seams::scenario::MAX_ITERATIONS)
        )
    };
    let text = text.trim();
    // Separators stand between groups of three digits, as people write them: 20,000 and
    // 1_000_000, never 1,0,0.
    let whole = text
        .split(['.', 'e', 'E', 'k', 'K', 'm', 'M'])
        .next()
        .unwrap_or("");
    for separator in [',', '_'] {
        let groups: Vec<&str> = whole.split(separator).collect();
        let grouped = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped || text[whole.len()..].contains(separator) {
            return Err(format!(
                "`{}`: a thousands separator stands between groups of three digits (20,000 or 1_000_000); {}",
                seams::error::quote(text),
                refuse()
            ));
        }
    }
    let plain: String = text.chars().filter(|c| !matches!(c, '_' | ',')).collect();
    let (digits, scale) = match plain.to_ascii_lowercase() {
        t if t.ends_with('k') => (t[..t.len() - 1].to_string(), 1e3),
        t if t.ends_with('m') => (t[..t.len() - 1].to_string(), 1e6),
        t => (t, 1.0),
    };
    let value: f64 = digits.parse().map_err(|_| refuse())?;
    let n = value * scale;
    if !(1.0..=seams::scenario::MAX_ITERATIONS as f64).contains(&n) || n.fract() != 0.0 {
        return Err(refuse());
    }
    Ok(n as u64)
}

/// A seed: a whole number from 0 to 2⁶⁴−1.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().replace('_', "").parse().map_err(|_| {
        "a seed is a whole number from 0 to 2⁶⁴−1 (18446744073709551615), e.g. 2020".to_string()
    })
}

fn overrides(set: &[String]) -> seams::Result<Vec<Override>> {
    set.iter().map(|s| Override::parse_set(s)).collect()
}

/// `monte-carlo` or `latin-hypercube`.
fn parse_sampling(text: &str) -> Result<Sampling, String> {
    Sampling::from_name(text.trim())
        .ok_or_else(|| "use monte-carlo (the default) or latin-hypercube".to_string())
}

/// A precision target: a share such as 0.5% or 0.005.
fn parse_precision(text: &str) -> Result<f64, String> {
    seams::scenario::read_precision(&toml::Value::String(text.trim().to_string()))
        .map_err(|problem| format!("{problem}: give a share of each headline mean, e.g. 0.5%"))
}

/// A progress bar on stderr for long runs, drawn only when stderr is a terminal.
fn progress_bar() -> (ProgressBar, Progress) {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {human_pos}/{human_len} iterations, {eta} left",
    ) {
        bar.set_style(style);
    }
    let shown = bar.clone();
    let progress: Progress = Arc::new(move |done, total| {
        // Short runs finish before a bar would help; it stays hidden for them.
        if total >= 200_000 {
            shown.set_length(total);
            shown.set_position(done);
        }
    });
    (bar, progress)
}

/// Carries out a command, returning what to print on stdout. `cancel` stops a run.
pub fn execute(cli: Cli, cancel: CancelToken) -> anyhow::Result<String> {
    match cli.command {
        Command::Run(args) => {
            let show_progress = !args.quiet && std::io::stderr().is_terminal();
            let (bar, progress) = progress_bar();
            let mut all = overrides(&args.set)?;
            for pair in &args.correlate {
                all.push(Override::parse_correlate(pair)?);
            }
            let plan = RunPlan {
                overrides: all,
                sampling: args.sampling,
                precision: args.precision,
                scenario: args.scenario,
                assumptions: args.assumptions,
                iterations: args.iterations,
                seed: args.seed,
                out: args.out,
                samples: args.samples,
                charts: !args.no_charts,
                cancel,
                progress: show_progress.then_some(progress),
            };
            let outcome = app::run(&plan);
            bar.finish_and_clear();
            let outcome = outcome?;
            if args.quiet {
                return Ok(String::new());
            }
            Ok(format!(
                "{}\nWrote {} to {} in {:.1} s.\n{}",
                outcome.terminal,
                outcome.files.join(", "),
                outcome.out.display(),
                outcome.wall_seconds,
                if outcome.voi_timing.is_empty() {
                    String::new()
                } else {
                    outcome.voi_timing + "\n"
                }
            ))
        }
        Command::Serve(args) => {
            seams::serve::serve(args.scenario, args.port, cancel)?;
            Ok(String::new())
        }
        Command::Fit(args) => Ok(app::fit(
            &args.file,
            &args.column,
            args.sheet.as_deref(),
            args.key.as_deref(),
            args.out.as_deref(),
        )?),
        Command::Elicit(args) => Ok(app::elicit(
            args.quantiles.as_deref(),
            &args.expert,
            args.weights.as_deref(),
            args.key.as_deref(),
        )?),
        Command::Check(args) => Ok(app::check(&args.scenario, &overrides(&args.set)?)?),
        Command::Assumptions(args) => {
            let csv = app::assumptions(&args.scenario, &[])?;
            match args.output {
                Some(path) if path.as_os_str() != "-" => {
                    seams::disk::write_file("--output", &path, csv.as_bytes(), &[&args.scenario])?;
                    Ok(format!(
                        "Wrote the assumptions register to {}.\n",
                        path.display()
                    ))
                }
                _ => Ok(csv),
            }
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "seams",
                &mut script,
            );
            Ok(String::from_utf8_lossy(&script).into_owned())
        }
        Command::New(args) => {
            let path = if args.path.extension().is_none() {
                args.path.with_extension("toml")
            } else {
                args.path
            };
            if std::fs::symlink_metadata(&path).is_ok() {
                anyhow::bail!(seams::Error::Usage {
                    flag: "seams new".into(),
                    problem: format!("{} already exists", path.display()),
                    fix: "give a new file name; seams new never overwrites a file".into(),
                });
            }
            let name = args.name.unwrap_or_else(|| {
                let stem = path.file_stem().map_or("New journey".into(), |s| {
                    s.to_string_lossy().replace(['-', '_'], " ")
                });
                let mut chars = stem.chars();
                chars
                    .next()
                    .map_or(stem.clone(), |c| c.to_uppercase().chain(chars).collect())
            });
            seams::disk::write_file(
                "seams new",
                &path,
                seams::template::starter_scenario(&name).as_bytes(),
                &[],
            )?;
            Ok(format!(
                "Wrote {}: a starter scenario whose figures are all illustrations. Replace them with your evidence, then run `seams check {}`.\n",
                path.display(),
                path.display()
            ))
        }
        Command::Compare(args) => {
            let text = seams::compare::compare(&args.a, &args.b)?;
            match args.output {
                Some(path) if path.as_os_str() != "-" => {
                    seams::disk::write_file(
                        "--output",
                        &path,
                        text.as_bytes(),
                        &[&args.a, &args.b],
                    )?;
                    Ok(format!("{text}\nWrote {}.\n", path.display()))
                }
                _ => Ok(text),
            }
        }
    }
}
