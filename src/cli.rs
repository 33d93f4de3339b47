//! Command-line arguments. Clap types stay here and become plain plans before any work starts.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use seams::app::{self, RunPlan};
use seams::scenario::Override;
use seams::{CancelToken, Progress};

/// Cost of disjointed public services, and what joining them up would save.
#[derive(Debug, Parser)]
#[command(name = "seams", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario and write its results folder.
    Run(RunArgs),
    /// Validate a scenario and list every input with its mean and P5–P95.
    Check(CheckArgs),
    /// Write the assumptions register: every input as CSV, to edit and pass to `run --assumptions`.
    Assumptions(AssumptionsArgs),
    /// Compare two results folders: inputs that differ and how the headline figures moved.
    Compare(CompareArgs),
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
    /// Monte Carlo iterations (default: the scenario's `iterations`).
    #[arg(long, short = 'n')]
    iterations: Option<u64>,
    /// Random seed (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Results folder (default: results/<scenario file stem>/).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Override an input: KEY=DIST, e.g. departments.hmrc.repetition_rate="pert(20%, 30%, 50%)".
    #[arg(long = "set", value_name = "KEY=DIST")]
    set: Vec<String>,
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
struct CheckArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Override an input: KEY=DIST.
    #[arg(long = "set", value_name = "KEY=DIST")]
    set: Vec<String>,
}

fn overrides(set: &[String]) -> seams::Result<Vec<Override>> {
    set.iter().map(|s| Override::parse_set(s)).collect()
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
            let plan = RunPlan {
                overrides: overrides(&args.set)?,
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
                "{}\nWrote {} to {} in {:.1} s.\n",
                outcome.terminal,
                outcome.files.join(", "),
                outcome.out.display(),
                outcome.wall_seconds
            ))
        }
        Command::Check(args) => Ok(app::check(&args.scenario, &overrides(&args.set)?)?),
        Command::Assumptions(args) => {
            let csv = app::assumptions(&args.scenario, &[])?;
            match args.output {
                Some(path) if path.as_os_str() != "-" => {
                    seams::output::write_file(
                        "--output",
                        &path,
                        csv.as_bytes(),
                        &[&args.scenario],
                    )?;
                    Ok(format!(
                        "Wrote the assumptions register to {}.\n",
                        path.display()
                    ))
                }
                _ => Ok(csv),
            }
        }
        Command::Compare(args) => {
            let text = seams::compare::compare(&args.a, &args.b)?;
            match args.output {
                Some(path) if path.as_os_str() != "-" => {
                    seams::output::write_file(
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
