//! `seams serve`: every endpoint over real HTTP on 127.0.0.1 — the page, the state, a rerun
//! with an edit (the same figures as `seams run --set`), a bad cell (the message, and the last
//! good results kept), a foreign Host header, an oversized body, too many iterations, and the
//! downloads that go back into `seams run --assumptions`.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use super::common::*;

/// A running `seams serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub address: String,
    /// The server's standard output, kept open while it runs.
    _output: std::io::BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `seams serve SCENARIO --port 0` and reads the address it prints.
pub fn start(scenario: &std::path::Path) -> Server {
    let mut child = seams()
        .args(["serve", scenario.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start seams serve");
    let mut first = String::new();
    let mut output = std::io::BufReader::new(child.stdout.take().unwrap());
    output.read_line(&mut first).unwrap();
    let address = first
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{first:?}");
    Server {
        child,
        address,
        _output: output,
    }
}

/// One HTTP/1.1 request; the status and body.
pub fn request(
    server: &Server,
    method: &str,
    path: &str,
    host: &str,
    body: &str,
) -> (u16, Vec<u8>) {
    exchange(server, method, path, host, body.len(), body)
}

/// A request whose header declares `length` bytes of body, of which `body` is sent (all of
/// it, but for a body the server should refuse on its declared length alone).
fn exchange(
    server: &Server,
    method: &str,
    path: &str,
    host: &str,
    length: usize,
    body: &str,
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    // As a browser sends it from the page itself: with the page's own Origin.
    let message = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{body}"
    );
    stream.write_all(message.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("{method} {path}: no HTTP answer ({read:?})"));
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut content = answer[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        content = unchunk(&content);
    }
    (status, content)
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
}

const LOCAL: &str = "127.0.0.1";

#[test]
fn the_page_and_its_state_are_served_to_this_computer_only() {
    let server = start(&fixture("small.toml"));
    let (status, page) = request(&server, "GET", "/", "localhost:1234", "");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<script>") && page.contains("/api/run"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing fetched from elsewhere"
    );
    let (status, state) = request(&server, "GET", "/api/state", LOCAL, "");
    assert_eq!(status, 200);
    let state = json(&state);
    let model = seams::Source::read(fixture("small.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    assert_eq!(
        state["assumptions"]["inputs"].as_array().unwrap().len(),
        model.inputs().len()
    );
    assert_eq!(state["results"]["costs"][2]["change"], "no change");
    assert!(state["results"]["charts"][0]["svg"]
        .as_str()
        .unwrap()
        .starts_with("<svg"));
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let (status, body) = request(&server, "GET", "/api/state", host, "");
        assert_eq!(status, 403, "{host}: {}", String::from_utf8_lossy(&body));
    }
}

#[test]
fn an_edit_reruns_the_model_as_seams_run_with_the_same_change() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("small.toml");
    let server = start(&scenario);
    let key = "departments.one.failure_demand";
    let edit = format!("{{\"edits\": {{\"{key}\": \"pert(30%, 40%, 50%)\"}}}}");
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, &edit);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let live = json(&body);
    assert_eq!(live["edits"][0]["key"], key);
    assert_ne!(live["costs"][2]["change"], "no change");
    // The scenario runs 4,000 iterations, under the live cap: the page's figure is the run's.
    let out = run_named(
        dir.path(),
        &scenario,
        "set",
        &[
            "--no-charts",
            "--set",
            &format!("{key}=pert(30%, 40%, 50%)"),
        ],
    );
    let rows = read_csv(&out.join("summary.csv"));
    let total = row(
        &rows,
        &[
            ("department", "total"),
            ("component", "disjointed"),
            ("bearer", "all"),
        ],
    );
    assert_eq!(
        live["costs"][2]["mean"].as_f64().unwrap(),
        num(total, "mean")
    );
    // The register the page hands back runs to the same figures.
    let (status, register) = request(&server, "GET", "/download/register.csv", LOCAL, "");
    assert_eq!(status, 200);
    let path = dir.path().join("register.csv");
    std::fs::write(&path, &register).unwrap();
    let via = run_named(
        dir.path(),
        &scenario,
        "register",
        &["--no-charts", "--assumptions", path.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read(via.join("summary.csv")).unwrap(),
        std::fs::read(out.join("summary.csv")).unwrap()
    );
    // So does the whole case as a workbook.
    let (status, workbook) = request(&server, "GET", "/download/economic-case.xlsx", LOCAL, "");
    assert_eq!(status, 200);
    assert!(workbook.starts_with(b"PK"), "a zip (xlsx) file");
    let book = dir.path().join("case.xlsx");
    std::fs::write(&book, &workbook).unwrap();
    let via_book = run_named(
        dir.path(),
        &scenario,
        "book",
        &["--no-charts", "--assumptions", book.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read(via_book.join("summary.csv")).unwrap(),
        std::fs::read(out.join("summary.csv")).unwrap()
    );
    // The page's edits leave out the benefits register and the financial view; its workbook
    // has them, with the run's own figures.
    for (sheet, csv) in [
        ("Benefits register", "benefits.csv"),
        ("Financial view", "financial.csv"),
    ] {
        let texts = super::workbook::texts(&book, sheet);
        let rows = read_csv(&out.join(csv));
        assert!(
            !rows.is_empty() && texts.len() > rows.len(),
            "{sheet}: {texts:?}"
        );
    }
    let mut opened: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let range = calamine::Reader::worksheet_range(&mut opened, "Financial view").unwrap();
    let csv = read_csv(&out.join("financial.csv"));
    let last = &csv[csv.len() - 1];
    let cell = range.rows().nth(csv.len()).unwrap()[4].clone();
    assert_eq!(cell, calamine::Data::Float(num(last, "mean")), "{last:?}");
}

#[test]
fn a_bad_cell_names_its_problem_and_keeps_the_last_good_results() {
    let server = start(&fixture("small.toml"));
    let good = "{\"edits\": {\"departments.one.failure_demand\": \"40%\"}}";
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, good);
    assert_eq!(status, 200);
    let kept = json(&body)["costs"][2]["mean"].clone();
    let bad = "{\"edits\": {\"departments.one.failure_demand\": \"pert(10%, 20%\"}}";
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, bad);
    assert_eq!(status, 422);
    let answer = json(&body);
    assert_eq!(answer["key"], "departments.one.failure_demand");
    assert!(
        answer["error"].as_str().unwrap().contains("fix:"),
        "{answer}"
    );
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    let state = json(&state);
    assert_eq!(state["results"]["costs"][2]["mean"], kept);
    assert_eq!(state["edits"]["departments.one.failure_demand"], "40%");
    let unknown = "{\"edits\": {\"departments.nine.failure_demand\": \"40%\"}}";
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, unknown);
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&body).contains("no input has this key"));
}

#[test]
fn oversized_bodies_and_too_many_iterations_are_refused() {
    let server = start(&fixture("small.toml"));
    // Refused on its declared length, before it is read.
    let (status, _) = exchange(&server, "POST", "/api/run", LOCAL, 200_000, "");
    assert_eq!(status, 413);
    let many = "{\"edits\": {}, \"iterations\": 1000000}";
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, many);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    let few = "{\"edits\": {}, \"iterations\": 500}";
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, few);
    assert_eq!(status, 200);
    assert_eq!(json(&body)["iterations"], 500);
    let (status, _) = request(
        &server,
        "POST",
        "/api/run",
        LOCAL,
        "{\"path\": \"/etc/passwd\"}",
    );
    assert_eq!(status, 422, "unknown fields are refused");
    let (status, _) = request(&server, "GET", "/scenarios/small.toml", LOCAL, "");
    assert_eq!(status, 404, "no file is served but the page");
}

/// Sends `signal` to the server while a client holds a half-sent request open, and returns
/// the exit code and how long the server took to stop.
fn stop_with(signal: &str) -> (Option<i32>, std::time::Duration) {
    let mut server = start(&fixture("small.toml"));
    let (status, _) = request(&server, "GET", "/", LOCAL, "");
    assert_eq!(status, 200);
    let mut hanging = TcpStream::connect(&server.address).unwrap();
    hanging
        .write_all(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let pid = server.child.id().to_string();
    // The shell's own `kill`, so the test needs no kill binary.
    let sent = std::process::Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the server did not stop on SIG{signal}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_and_sigterm_stop_the_server_within_a_second_or_so_with_their_codes() {
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let (status, took) = stop_with(signal);
        assert_eq!(status, Some(code), "SIG{signal}");
        // A second's grace for open connections, and the polling of the test itself.
        assert!(
            took < std::time::Duration::from_millis(2_500),
            "SIG{signal} took {took:?}"
        );
    }
}

#[test]
fn a_busy_port_is_a_failure_of_the_server_not_bad_input() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let small = fixture("small.toml");
    let output = seams()
        .args(["serve", small.to_str().unwrap(), "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("cannot listen there"), "{message}");
    assert!(message.contains("--port 0"), "{message}");
}

#[test]
fn the_page_serves_the_file_as_read_and_says_when_it_has_changed() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("small.toml");
    std::fs::write(&scenario, fixture_text("small.toml")).unwrap();
    let server = start(&scenario);
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    assert_eq!(json(&state)["file_changed"], false);
    // Another value on disk: the page's reruns still use the bytes it read, and it says so.
    let changed = fixture_text("small.toml").replacen("[scenario]", "# edited\n[scenario]", 1);
    std::fs::write(&scenario, changed).unwrap();
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    assert_eq!(json(&state)["file_changed"], true);
    std::fs::remove_file(&scenario).unwrap();
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, r#"{"edits":{}}"#);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

/// Sends raw request bytes; the status of the answer.
fn raw_status(server: &Server, message: &str) -> u16 {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.write_all(message.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head = String::from_utf8_lossy(&answer);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_page_elsewhere_cannot_change_the_servers_state() {
    let server = start(&fixture("small.toml"));
    let edit = r#"{"edits":{"journeys.per_year":"2000"}}"#;
    let post = |path: &str, headers: &str, body: &str| {
        raw_status(
            &server,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    };
    let json_type = "Content-Type: application/json\r\n";
    // A cross-site form posting to reset, with an empty form body, as the hostile corpus sent.
    let form = "Content-Type: application/x-www-form-urlencoded\r\nOrigin: http://evil.com\r\n";
    assert_eq!(post("/api/reset", form, ""), 403);
    // The same with no Origin at all, or a cross-site fetch that names none.
    assert_eq!(post("/api/reset", json_type, "{}"), 403);
    assert_eq!(
        post(
            "/api/run",
            &format!("{json_type}Sec-Fetch-Site: cross-site\r\n"),
            edit
        ),
        403
    );
    assert_eq!(
        post(
            "/api/run",
            &format!("{json_type}Origin: http://127.0.0.1.evil.com\r\n"),
            edit
        ),
        403
    );
    assert_eq!(
        post("/api/run", &format!("{json_type}Origin: null\r\n"), edit),
        403
    );
    // From the page itself: JSON only, so a form cannot reach reset even with the right Origin.
    let own = "Origin: http://127.0.0.1\r\n";
    assert_eq!(
        post(
            "/api/reset",
            &format!("Content-Type: text/plain\r\n{own}"),
            "{}"
        ),
        415
    );
    assert_eq!(post("/api/reset", &format!("{json_type}{own}"), ""), 400);
    assert_eq!(
        post(
            "/api/reset",
            &format!("{json_type}{own}Sec-Fetch-Site: same-origin\r\n"),
            "{}"
        ),
        200
    );
    // Two Host headers, or an absolute URI naming another host: 400.
    let two_hosts =
        "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&server, two_hosts), 400);
    let absolute =
        "GET http://evil.com/api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&server, absolute), 400);
    // The state was never changed by the refused requests.
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    assert_eq!(json(&state)["edits"], serde_json::json!({}));
}

#[test]
fn the_page_says_what_is_worth_finding_out_and_updates_it_with_each_edit() {
    // As the file stands the option loses in every iteration: nothing to find out. With no
    // capital and lower running costs it is a close call (NPSV £33k, P10–P90 −£18k to £83k at
    // the command line), and its running cost is worth finding out.
    let server = start(&fixture("small.toml"));
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    let voi = &json(&state)["results"]["voi"];
    assert_eq!(voi["evpi"], 0.0);
    assert!(
        voi["sentence"]
            .as_str()
            .unwrap()
            .contains("no research can change this decision"),
        "{voi}"
    );
    let edit = r#"{"edits": {"options.share.capital[0]": "0", "options.share.running": "uniform(0, 30k)"}}"#;
    let (status, body) = request(&server, "POST", "/api/run", LOCAL, edit);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let voi = &json(&body)["voi"];
    let evpi = voi["evpi"].as_f64().unwrap();
    assert!(evpi > 0.0, "{voi}");
    let first = &voi["rows"][0];
    assert_eq!(first["label"], "Share data: running cost a year", "{voi}");
    assert!(first["evppi"].as_f64().unwrap() <= evpi);
    assert!(
        voi["sentence"].as_str().unwrap().contains(
            "Perfect information on Share data: running cost a year would be worth up to"
        ),
        "{voi}"
    );
}

#[test]
fn on_the_portfolio_a_key_without_its_journey_gets_the_journeys_keys_suggested() {
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let server = start(&scenario);
    let body = "{\"edits\": {\"departments.apha.failure_demand\": \"40%\"}, \"iterations\": 1000}";
    let (status, answer) = request(&server, "POST", "/api/run", LOCAL, body);
    assert_eq!(status, 422);
    let answer = json(&answer);
    let message = answer["error"].as_str().unwrap();
    assert!(
        message.contains("did you mean border-exports/departments.apha.failure_demand"),
        "{message}"
    );
    // Every input is under a heading: its journey and its department or option.
    let (_, state) = request(&server, "GET", "/api/state", LOCAL, "");
    let state = json(&state);
    let inputs = state["assumptions"]["inputs"].as_array().unwrap();
    let group = |key: &str| {
        inputs
            .iter()
            .find(|i| i["key"] == key)
            .unwrap_or_else(|| panic!("no {key}"))["group"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        group("border-exports/departments.apha.failure_demand"),
        "Exporting plants: one trader, three organisations: Animal and Plant Health Agency"
    );
    assert!(group("departments.hmrc.staff_cost_per_hour").starts_with("Shared across journeys"));
    assert!(group("options.data-standards.running").starts_with("Option: Cross-government"));
}
