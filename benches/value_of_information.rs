//! What the value of information costs beside the run it analyses (issue 25's target: the EVPI
//! and every input's EVPPI add at most 20 % to a run of a million iterations). For the shipped
//! border-exports scenario and the four-journey portfolio: the engine's time at 10⁶ iterations
//! keeping what sensitivity needs, then the EVPI with every input's EVPPI, and every group's
//! EVPPI, each the best of three. Run with `cargo bench --bench value_of_information`.

use std::path::Path;
use std::time::Instant;

use seams::engine::{run, Keep};
use seams::voi::{value_of_information, Reach};
use seams::{RunConfig, Source};

const ITERATIONS: u64 = 1_000_000;

fn main() {
    for scenario in ["border-exports", "joined-up-government"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{scenario}.toml"));
        let model = Source::read(&path)
            .and_then(|s| s.model(&[]))
            .expect("the shipped scenario loads");
        let config = RunConfig {
            iterations: Some(ITERATIONS),
            keep: Keep::Sensitivity,
            ..RunConfig::default()
        };
        let mut engine = f64::INFINITY;
        let mut outcome = None;
        for _ in 0..3 {
            let started = Instant::now();
            outcome = Some(run(&model, &config).expect("runs"));
            engine = engine.min(started.elapsed().as_secs_f64());
        }
        let samples = outcome
            .as_ref()
            .and_then(|o| o.samples.as_ref())
            .expect("kept iterations");
        let mut inputs = f64::INFINITY;
        let mut groups = f64::INFINITY;
        let mut counts = (0, 0);
        for _ in 0..3 {
            let voi = value_of_information(&model, samples, Reach::RUN).expect("has options");
            inputs = inputs.min(voi.seconds[0]);
            groups = groups.min(voi.seconds[1]);
            counts = (voi.inputs.len(), voi.groups.len());
        }
        println!(
            "{scenario}, 10^6 iterations ({} kept): engine {engine:.2} s; EVPI and {} inputs' EVPPI {inputs:.2} s ({:.0}% of the engine); {} groups' EVPPI {groups:.2} s ({:.0}%)",
            samples.len(),
            counts.0,
            100.0 * inputs / engine,
            counts.1,
            100.0 * groups / engine,
        );
    }
}
