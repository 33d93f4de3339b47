//! The cost of each sampling method at a million iterations (docs/method.md §5): the shipped
//! border-exports scenario (three departments, two options) run by the engine with plain Monte
//! Carlo, Latin hypercube, one rank correlation, and both together; then plain Monte Carlo on
//! one thread against two. Each figure is the median of three runs. The targets: Latin
//! hypercube and correlation within 1.5 times plain Monte Carlo, and two threads at least 1.8
//! times as fast as one. Run with `cargo bench --bench sampling`.

use std::path::Path;
use std::time::Instant;

use seams::engine::{run, Keep};
use seams::scenario::{Model, Override, Sampling};
use seams::{RunConfig, Source};

const ITERATIONS: u64 = 1_000_000;
const REPEATS: usize = 3;
/// Two inputs of different families, one in each of two departments.
const CORRELATED: &str = "departments.hmrc.staff_minutes,departments.defra.repetition_rate=0.6";

/// The median time in seconds of [`REPEATS`] runs of `model` with `sampling`.
fn median_seconds(model: &Model, sampling: Sampling) -> f64 {
    let config = RunConfig {
        iterations: Some(ITERATIONS),
        seed: Some(2020),
        sampling: Some(sampling),
        keep: Keep::Nothing,
        ..RunConfig::default()
    };
    let mut times: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let started = Instant::now();
            run(model, &config).expect("the shipped scenario runs");
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[REPEATS / 2]
}

/// The median time on a pool of `threads` threads.
fn on_threads(threads: usize, model: &Model) -> f64 {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(|| median_seconds(model, Sampling::MonteCarlo))
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let source = Source::read(&path).expect("the shipped scenario reads");
    let plain = source.model(&[]).expect("the shipped scenario loads");
    let correlation = Override::parse_correlate(CORRELATED).expect("a valid pair");
    let correlated = source
        .model(&[correlation])
        .expect("the correlated scenario loads");
    let base = median_seconds(&plain, Sampling::MonteCarlo);
    println!("border-exports, {ITERATIONS} iterations, median of {REPEATS} runs");
    println!("{:<34} {:>8.2} s", "plain Monte Carlo", base);
    for (name, model, sampling) in [
        ("Latin hypercube", &plain, Sampling::LatinHypercube),
        ("one rank correlation", &correlated, Sampling::MonteCarlo),
        (
            "Latin hypercube + correlation",
            &correlated,
            Sampling::LatinHypercube,
        ),
    ] {
        let seconds = median_seconds(model, sampling);
        println!("{name:<34} {seconds:>8.2} s  {:.2}× plain", seconds / base);
    }
    let one = on_threads(1, &plain);
    let two = on_threads(2, &plain);
    println!("{:<34} {:>8.2} s", "plain, one thread", one);
    println!(
        "{:<34} {:>8.2} s  {:.2}× one thread",
        "plain, two threads",
        two,
        one / two
    );
}
