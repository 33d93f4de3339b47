//! A portfolio's cost against its size (issue 22's target: 1,000 scenarios at 200 iterations
//! within ten times 100 scenarios): the shipped small fixture copied N times, each copy a
//! journey, with one option reaching every journey, run and rendered as `seams run` does
//! (charts aside) at 200 iterations.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use seams::export::{render_all, ExportOptions};
use seams::{RunConfig, Source};

/// Writes N distinct copies of the small fixture and a portfolio of them; returns its path.
fn portfolio(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml");
    let small = std::fs::read_to_string(fixture).expect("the fixture");
    let mut list = Vec::new();
    for i in 0..n {
        let name = format!("s{i}.toml");
        std::fs::write(dir.join(&name), format!("{small}\n# copy {i}\n")).expect("a copy");
        list.push(format!("\"{name}\""));
    }
    let text = format!(
        "[portfolio]\nname = \"Many\"\nprice_base_year = 2024\nfirst_year = 2025\nyears = 5\niterations = 200\nseed = 1\nscenarios = [{}]\n\n[options.all]\nname = \"Everything\"\nfunded_by = \"gds\"\ncapital = [\"pert(100k, 150k, 250k)\"]\n\n[[options.all.effect]]\nscenarios = \"*\"\ndepartments = \"*\"\nparameter = \"failure_demand\"\nreduce = \"pert(20%, 40%, 60%)\"\n",
        list.join(", ")
    );
    let path = dir.join("portfolio.toml");
    std::fs::write(&path, text).expect("the portfolio");
    path
}

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("portfolio of N journeys, 200 iterations");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for n in [100, 1000] {
        let dir = tempfile::tempdir().expect("a folder");
        let path = portfolio(dir.path(), n);
        group.bench_function(format!("{n} journeys"), |b| {
            b.iter(|| {
                let model = Source::read(&path)
                    .and_then(|s| s.model(&[]))
                    .expect("loads");
                let results = seams::run(&model, &RunConfig::default()).expect("runs");
                let options = ExportOptions {
                    charts: false,
                    samples: false,
                };
                render_all(&results, options, &[]).expect("renders")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
