//! Sampling time of every family at the extremes of what seams accepts: the widest and
//! narrowest betas, the heaviest lognormal tails, a normal truncated far into its tail. Each
//! must sample in bounded time (a few nanoseconds to microseconds a draw); parameters beyond
//! these are refused at load (see tests/bad-inputs/hostile.toml).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::SeedableRng;
use seams::dist::{Dist, Domain};

const DRAWS: usize = 100_000;

const EXTREMES: [(&str, Domain); 12] = [
    ("beta(0.1, 0.1)", Domain::SHARE),
    ("beta(0.1, 1000000)", Domain::SHARE),
    ("beta(1000000, 0.1)", Domain::SHARE),
    ("beta(1000000, 1000000)", Domain::SHARE),
    ("beta(mean=0.001%, sd=0.000999%)", Domain::SHARE),
    ("lognormal(mean=1, sd=1e15)", Domain::NON_NEGATIVE),
    ("1 to 1e15", Domain::NON_NEGATIVE),
    ("normal(0, 1, min=5)", Domain::NON_NEGATIVE),
    ("normal(1e15, 1e14)", Domain::NON_NEGATIVE),
    ("pert(0, 0.000001, 1e15)", Domain::NON_NEGATIVE),
    ("triangular(0, 1e15, 1e15)", Domain::NON_NEGATIVE),
    ("uniform(0.000001, 1e15)", Domain::NON_NEGATIVE),
];

fn extremes(c: &mut Criterion) {
    let mut group = c.benchmark_group("extreme parameters");
    group.throughput(Throughput::Elements(DRAWS as u64));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for (text, domain) in EXTREMES {
        let sampler = Dist::parse(text)
            .and_then(|d| d.sampler(domain))
            .unwrap_or_else(|e| panic!("{text} is accepted: {e}"));
        group.bench_function(text, |b| {
            let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
            b.iter_batched_ref(
                || vec![0.0; DRAWS],
                |out| sampler.fill(&mut rng, out),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, extremes);
criterion_main!(benches);
