//! The live page's speed (README, "The reviewer's desk"): the time from an edit posted to
//! `seams serve` to its answer, over 300 edits at 20,000 iterations, measured on the server's
//! own HTTP interface from this machine — of the border-exports scenario, then of the same
//! input in the four-journey portfolio, side by side (their edits taking turns). The targets: a 95th percentile within
//! 100 ms on two cores, and the portfolio's at most 1.5 times the journey's. Run with
//! `cargo bench --bench live_page`.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A running `seams serve` of `scenario`, on a port of the system's choosing.
struct Server {
    process: std::process::Child,
    address: String,
}

impl Server {
    fn start(scenario: &str) -> Server {
        let mut process = Command::new(env!("CARGO_BIN_EXE_seams"))
            .args(["serve", scenario, "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start seams serve");
        let mut output = std::io::BufReader::new(process.stdout.take().unwrap());
        let mut first = String::new();
        output.read_line(&mut first).unwrap();
        let address = first
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server { process, address }
    }

    /// The time in milliseconds of edit `k` of `key`: a PERT whose mode moves, as a reviewer
    /// tries values.
    fn edit(&self, key: &str, k: usize) -> f64 {
        let mode = 10 + k % 20;
        let body = format!("{{\"edits\": {{\"{key}\": \"pert(5%, {mode}%, 40%)\"}}}}");
        let request = format!(
            "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert!(
            answer.starts_with(b"HTTP/1.1 200"),
            "edit {k} of {key} failed"
        );
        elapsed
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Edits of each page.
const EDITS: usize = 300;

fn percentile(times: &[f64], p: f64) -> f64 {
    times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)]
}

fn main() {
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
    let journey_server = Server::start(&format!("{scenarios}border-exports.toml"));
    let portfolio_server = Server::start(&format!("{scenarios}joined-up-government.toml"));
    // The same input in the journey and in the portfolio (an edit that reaches one journey of
    // four), edit by edit in turn, so that whatever else the machine does falls on both alike.
    let (mut journey, mut portfolio) = (Vec::new(), Vec::new());
    // 300 edits each: the 95th percentile of 100 rests on its five slowest edits, and on this
    // shared two-core machine it moved by a tenth from run to run.
    for k in 0..EDITS {
        journey.push(journey_server.edit("departments.apha.failure_demand", k));
        portfolio.push(portfolio_server.edit("border-exports/departments.apha.failure_demand", k));
    }
    journey.sort_by(f64::total_cmp);
    portfolio.sort_by(f64::total_cmp);
    for (name, times) in [
        ("border-exports", &journey),
        ("joined-up-government (portfolio)", &portfolio),
    ] {
        println!(
            "live page, {name} at 20,000 iterations, {EDITS} edits: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            percentile(times, 0.5),
            percentile(times, 0.95),
            percentile(times, 1.0)
        );
    }
    println!(
        "portfolio ÷ journey at the 95th percentile: {:.2} (goal: at most 1.5); at the median: {:.2}",
        percentile(&portfolio, 0.95) / percentile(&journey, 0.95),
        percentile(&portfolio, 0.5) / percentile(&journey, 0.5)
    );
}
