//! Engine throughput on the shipped border-exports scenario, with and without its options.
//! Whole-program timing (a million iterations, with peak memory) is in the README.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use seams::engine::{run, Keep};
use seams::{RunConfig, Source};

const ITERATIONS: u64 = 100_000;

fn engine(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/border-exports.toml");
    let with_options = Source::read(&path)
        .and_then(|s| s.model(&[]))
        .expect("the shipped scenario loads");
    let bau_only = with_options.without_options();
    let config = RunConfig {
        iterations: Some(ITERATIONS),
        seed: Some(2020),
        keep: Keep::Nothing,
        ..RunConfig::default()
    };
    let mut group = c.benchmark_group("border-exports");
    group.throughput(Throughput::Elements(ITERATIONS));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("bau only", |b| {
        b.iter(|| run(&bau_only, &config).expect("runs"))
    });
    group.bench_function("with two options", |b| {
        b.iter(|| run(&with_options, &config).expect("runs"))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
