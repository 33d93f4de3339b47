//! The live page's speed (README, "The reviewer's desk"): the time from an edit posted to
//! `seams serve` to its answer, over 100 edits of the border-exports scenario at 20,000
//! iterations, measured on the server's own HTTP interface from this machine. The target is a
//! 95th percentile within 100 ms on two cores. Run with `cargo bench --bench live_page`.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/border-exports.toml");
    let mut server = Command::new(env!("CARGO_BIN_EXE_seams"))
        .args(["serve", scenario, "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start seams serve");
    let mut output = std::io::BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    output.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut times = Vec::new();
    for k in 0..100 {
        // A different APHA failure demand each time, as a reviewer tries values.
        let mode = 10 + k % 20;
        let body = format!(
            "{{\"edits\": {{\"departments.apha.failure_demand\": \"pert(5%, {mode}%, 40%)\"}}}}"
        );
        let request = format!(
            "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(answer.starts_with(b"HTTP/1.1 200"), "edit {k} failed");
    }
    let _ = server.kill();
    let _ = server.wait();
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    println!(
        "live page, border-exports at 20,000 iterations, 100 edits: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    );
}
