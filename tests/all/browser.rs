//! A real browser on the live page: headless Chromium, driven through WebDriver
//! (chromedriver), loads `seams serve`, edits an assumption and sees the headline move, then
//! types a malformed distribution and sees the message beside the cell. `.ci/run` installs
//! Debian's `chromium` and `chromium-driver` where they are missing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::common::*;
use super::serve::start;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A WebDriver session on a chromedriver of its own, ended when dropped.
struct Browser {
    driver: Child,
    address: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call(
            &self.address,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One WebDriver call: the status and the JSON answer's `value`.
fn call(address: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let body = body.map_or(String::new(), Value::to_string);
    let mut stream = TcpStream::connect(address).expect("chromedriver answers");
    let message = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(message.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // chromedriver keeps the connection open: read the head, then exactly its Content-Length.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 65536];
    let (split, length) = loop {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "{path}: chromedriver closed the connection");
        answer.extend_from_slice(&buffer[..n]);
        if let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (split, length);
        }
    };
    while answer.len() < split + 4 + length {
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "{path}: the answer was cut short");
        answer.extend_from_slice(&buffer[..n]);
    }
    let head = String::from_utf8_lossy(&answer[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let value: Value =
        serde_json::from_slice(&answer[split + 4..split + 4 + length]).unwrap_or(Value::Null);
    (status, value["value"].clone())
}

impl Browser {
    fn open() -> Browser {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser test needs Debian's chromium and chromium-driver: run .ci/run, which installs them, or apt-get install chromium chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let address = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while TcpStream::connect(&address).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1600,1300",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let (status, value) = call(&address, "POST", "/session", Some(&capabilities));
        assert_eq!(status, 200, "a session: {value}");
        Browser {
            driver,
            address,
            session: value["sessionId"].as_str().unwrap().to_string(),
            _profile: profile,
        }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let (status, value) = call(&self.address, "POST", &path, Some(&body));
        assert_eq!(status, 200, "{path}: {value}");
        value
    }

    /// Opens the page a server at `address` serves.
    fn visit(&self, address: &str) {
        self.post("/url", json!({ "url": format!("http://{address}/") }));
    }

    /// Runs JavaScript in the page and returns its result.
    fn script(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Waits until `script` returns a string for which `ready` holds; returns it.
    fn wait_for(&self, script: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let value = self.script(script);
            let text = value.as_str().unwrap_or("").to_string();
            if ready(&text) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "timed out waiting: `{script}` gave {text:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Replaces the text of the input matching `selector`, as a person types.
    fn type_into(&self, selector: &str, text: &str) {
        let element = self.post(
            "/element",
            json!({ "using": "css selector", "value": selector }),
        );
        let id = element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        self.post(&format!("/element/{id}/clear"), json!({}));
        self.post(&format!("/element/{id}/value"), json!({ "text": text }));
    }
}

const TOTAL: &str =
    "return document.querySelector('#costs tbody tr:nth-child(3) td.headline')?.textContent ?? ''";
const SINCE: &str =
    "return document.querySelector('#costs tbody tr:nth-child(3) td.change')?.textContent ?? ''";
const MESSAGE: &str = "return document.querySelector('textarea[data-key=\"departments.one.failure_demand\"]')?.nextElementSibling?.textContent ?? ''";
const SINCE_CLASS: &str =
    "return document.querySelector('#costs tbody tr:nth-child(3) td.change')?.className ?? ''";

/// The elements of the page's cards that reach past their card's right edge, as text.
const OVERFLOW: &str = "const out = []; for (const card of document.querySelectorAll('main section')) { const edge = card.getBoundingClientRect().right + 1; for (const e of card.querySelectorAll('*')) { if (e.closest('[hidden]') || e.closest('#assumptions')) continue; const r = e.getBoundingClientRect(); if (r.width > 0 && r.right > edge) out.push(e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40)); if ((e.tagName === 'TD' || e.tagName === 'TH') && e.scrollWidth > e.clientWidth + 1) out.push('text wider than its cell: ' + e.textContent.slice(0, 40)); } } for (const e of document.querySelectorAll('#assumptions tr:not([hidden]) *')) { const box = document.getElementById('assumptions').getBoundingClientRect(); const r = e.getBoundingClientRect(); if (r.width > 0 && r.right > box.right + 1) out.push(e.tagName + '.' + e.className + ': ' + (e.textContent || e.value || '').slice(0, 40)); } return out.join(' | ');";

#[test]
fn a_reviewer_edits_an_assumption_in_the_browser_and_sees_the_headline_move() {
    let server = start(&fixture("small.toml"));
    let browser = Browser::open();
    browser.visit(&server.address);
    let before = browser.wait_for(TOTAL, |t| t.starts_with('£'));
    assert_eq!(browser.wait_for(SINCE, |t| !t.is_empty()), "no change");
    let cell = "textarea[data-key=\"departments.one.failure_demand\"]";
    browser.type_into(cell, "pert(30%, 40%, 50%)");
    let after = browser.wait_for(TOTAL, |t| t.starts_with('£') && t != before);
    assert_ne!(after, before);
    assert!(browser
        .wait_for(SINCE, |t| t != "no change")
        .starts_with('+'));
    // More failure demand costs more: the change is worse for the figure, and says so.
    assert!(browser
        .wait_for(SINCE_CLASS, |c| c.contains("worse"))
        .contains("worse"));
    // A malformed distribution: the message beside the cell, the last good figures kept.
    browser.type_into(cell, "pert(10%, 20%");
    let message = browser.wait_for(MESSAGE, |t| !t.is_empty());
    assert!(message.contains("cannot read"), "{message}");
    assert_eq!(browser.wait_for(TOTAL, |t| !t.is_empty()), after);
}

const FIGURES: &str = "return document.querySelector('td.figures[data-key=\"departments.one.failure_demand\"]')?.textContent ?? ''";

#[test]
fn edits_survive_a_reload_and_the_page_fits_a_laptop_screen() {
    let server = start(&fixture("small.toml"));
    let browser = Browser::open();
    let page = json!({ "url": format!("http://{}/", server.address) });
    browser.post("/url", page.clone());
    let file_figures = browser.wait_for(FIGURES, |t| !t.is_empty());
    let before = browser.wait_for(TOTAL, |t| t.starts_with('£'));
    // Two edits, each answered before the next.
    browser.type_into(
        "textarea[data-key=\"departments.one.failure_demand\"]",
        "pert(30%, 40%, 50%)",
    );
    let first = browser.wait_for(TOTAL, |t| t.starts_with('£') && t != before);
    browser.type_into(
        "textarea[data-key=\"departments.one.repetition_rate\"]",
        "0.5",
    );
    let second = browser.wait_for(TOTAL, |t| t.starts_with('£') && t != first);
    // The edited input's mean and range come from its new distribution: PERT(30, 40, 50) has
    // mean (30 + 4·40 + 50) / 6 = 40%.
    let figures = browser.wait_for(FIGURES, |t| t != file_figures);
    assert!(figures.starts_with("40"), "{figures}");
    // A reload shows both edits from the server, and the same figures.
    browser.post("/url", page);
    let value = |key: &str| {
        format!("return document.querySelector('textarea[data-key=\"{key}\"]')?.value ?? ''")
    };
    assert_eq!(
        browser.wait_for(&value("departments.one.failure_demand"), |v| v
            .starts_with("pert(30")),
        "pert(30%, 40%, 50%)"
    );
    assert_eq!(
        browser.wait_for(&value("departments.one.repetition_rate"), |v| !v.is_empty()),
        "0.5"
    );
    assert_eq!(browser.wait_for(TOTAL, |t| t.starts_with('£')), second);
    assert!(browser
        .wait_for(FIGURES, |t| !t.is_empty())
        .starts_with("40"));
    // A third edit keeps the other two: the request carries every edit the server holds.
    browser.type_into(
        "textarea[data-key=\"departments.two.stuck_rate\"]",
        "2% to 5%",
    );
    let edits =
        "return [...document.querySelectorAll('#edits li')].map(li => li.textContent).join(' | ')";
    let listed = browser.wait_for(edits, |t| t.contains("stuck_rate"));
    assert!(
        listed.contains("failure_demand") && listed.contains("repetition_rate"),
        "{listed}"
    );
    // At 1,280 pixels wide nothing spills out of its card.
    browser.post("/window/rect", json!({ "width": 1280, "height": 1000 }));
    std::thread::sleep(Duration::from_millis(300));
    let overflow = browser.script(OVERFLOW);
    assert_eq!(overflow.as_str(), Some(""), "spilling: {overflow}");
}

#[test]
fn the_portfolio_page_groups_its_inputs_and_an_edit_moves_only_its_journey() {
    let scenario = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/joined-up-government.toml");
    let server = start(&scenario);
    let browser = Browser::open();
    browser.visit(&server.address);
    let journeys = "return [...document.querySelectorAll('#journeys tbody tr td.change')].map(td => td.textContent).join(' | ')";
    let before = browser.wait_for(journeys, |t| !t.is_empty());
    assert_eq!(before, ["no change"; 4].join(" | "));
    // Inputs sit under headings of journey and department, and the filter narrows them.
    let groups = browser.script("return document.querySelectorAll('#assumptions tr.group').length");
    assert!(groups.as_u64().unwrap() >= 12, "{groups} groups");
    browser.type_into("#filter", "dvla");
    let shown = browser.script("const rows = [...document.querySelectorAll('#assumptions tbody tr:not(.group)')]; const seen = rows.filter(r => !r.hidden); return [seen.length, rows.length, seen.every(r => r.dataset.search.includes('dvla'))]");
    let shown = shown.as_array().unwrap();
    let (seen, all) = (shown[0].as_u64().unwrap(), shown[1].as_u64().unwrap());
    assert!(seen > 0 && seen < all, "{seen} of {all} rows shown");
    assert_eq!(shown[2], Value::Bool(true));
    browser.script("const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); return ''");
    // An edit to one journey's input moves that journey's cost alone.
    browser.type_into(
        "textarea[data-key=\"border-exports/departments.apha.failure_demand\"]",
        "pert(30%, 40%, 60%)",
    );
    let after = browser.wait_for(journeys, |t| t != before && !t.is_empty());
    let changes: Vec<&str> = after.split(" | ").collect();
    assert!(changes[0].starts_with('+'), "{after}");
    assert_eq!(&changes[1..], ["no change"; 3], "{after}");
}

#[test]
fn fit_from_quantiles_fills_the_cell_with_the_experts_distribution() {
    let server = start(&fixture("small.toml"));
    let browser = Browser::open();
    browser.visit(&server.address);
    let before = browser.wait_for(TOTAL, |t| t.starts_with('£'));
    let key = "departments.one.failure_demand";
    // The fixture's own distribution, which the fit replaces.
    assert_eq!(
        browser.script(&format!(
            "return document.querySelector('textarea[data-key=\"{key}\"]').value"
        )),
        "pert(10%, 20%, 30%)"
    );
    browser.script(&format!(
        "document.querySelector('textarea[data-key=\"{key}\"]').parentElement.querySelector('details.elicit').open = true; return '';"
    ));
    for (p, value) in [("10%", "20%"), ("50%", "35%"), ("90%", "55%")] {
        browser.type_into(&format!("input[aria-label=\"{p} value for {key}\"]"), value);
    }
    browser.script(&format!(
        "document.querySelector('textarea[data-key=\"{key}\"]').parentElement.querySelector('details.elicit button').click(); return '';"
    ));
    // The cell takes the best fit, which has the expert's quantiles, and the page reruns.
    let cell = browser.wait_for(
        &format!("return document.querySelector('textarea[data-key=\"{key}\"]').value"),
        |v| v.contains('(') && v != "pert(10%, 20%, 30%)",
    );
    let dist = seams::dist::Dist::parse(&cell).unwrap();
    let sampler = dist.sampler(seams::dist::Domain::ANY).unwrap();
    for (p, x) in [(0.1, 0.20), (0.5, 0.35), (0.9, 0.55)] {
        assert!((sampler.quantile(p) - x).abs() < 0.01 * x, "{cell} at {p}");
    }
    browser.wait_for(TOTAL, |t| t.starts_with('£') && t != before);
    // Quantiles out of order: the reason, beside the form; the cell keeps its value.
    browser.type_into(&format!("input[aria-label=\"50% value for {key}\"]"), "10%");
    browser.script(&format!(
        "document.querySelector('textarea[data-key=\"{key}\"]').parentElement.querySelector('details.elicit button').click(); return '';"
    ));
    let said = browser.wait_for(
        &format!("return document.querySelector('textarea[data-key=\"{key}\"]').parentElement.querySelector('details.elicit div').textContent"),
        |t| t.contains("not increasing"),
    );
    assert!(!said.contains("--quantiles"), "{said}");
}
