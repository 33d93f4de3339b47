//! `seams serve`: a local page for a reviewer's what-if questions (README, "The reviewer's
//! desk"). Editing an assumption reruns the model — the scenario's iterations capped at
//! [`LIVE_ITERATIONS`], same seed, so a change shows only what that assumption moved — and the
//! page shows every headline figure, its change since the scenario file, and the main charts.
//!
//! Safety: the server binds 127.0.0.1 only; it refuses a request whose `Host` is not
//! localhost (DNS rebinding), a body over [`MAX_BODY`] and a request for more than
//! [`LIVE_ITERATIONS`]; it reads no path but the scenario given on the command line and writes
//! none; and a rerun made stale by a newer edit is cancelled.

mod view;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::engine::{CancelToken, Keep, RunConfig};
use crate::error::{Error, Result};
use crate::results::Results;
use crate::scenario::{Model, Override, Source};

/// The most iterations a live rerun runs (the scenario's own count, if smaller).
pub const LIVE_ITERATIONS: u64 = 20_000;

/// The largest request body the server reads.
pub const MAX_BODY: usize = 64 * 1024;

/// The page, one self-contained file: plain HTML, CSS and JavaScript, nothing fetched from
/// elsewhere.
const PAGE: &str = include_str!("page.html");

/// What the server holds: the scenario as read at start-up (every edit is built from these
/// bytes), the scenario file's own headline, and the last good run with the edits behind it.
struct Desk {
    source: Source,
    /// The scenario's inputs as the file writes them, for the page's cells.
    assumptions: Value,
    baseline_means: Vec<f64>,
    /// The scenario file's chart figures, marked beside an edited run's.
    file_charts: crate::charts::ChartData,
    last: Mutex<Last>,
    /// The token of the rerun in progress, cancelled when a newer edit arrives.
    running: Mutex<Option<CancelToken>>,
}

impl Desk {
    /// What the page compares a run with: the scenario file's figures.
    fn file(&self) -> view::File<'_> {
        view::File {
            means: &self.baseline_means,
            charts: &self.file_charts,
        }
    }
}

/// The last good run and its edits.
struct Last {
    edits: BTreeMap<String, String>,
    results: Arc<Results>,
}

/// The page's router for a scenario: the scenario is loaded and run once here, so a bad
/// scenario is refused before the server starts.
///
/// # Errors
/// As [`Source::read`], [`Source::model`] and [`crate::run`].
pub fn router(scenario: PathBuf) -> Result<Router> {
    let source = Source::read(&scenario)?;
    let model = source.model(&[])?;
    let results = live_run(&model, None, CancelToken::new(), None)?;
    let desk = Desk {
        assumptions: view::assumptions(&model),
        source,
        baseline_means: view::headline_means(&results),
        file_charts: crate::charts::ChartData::new(&results),
        last: Mutex::new(Last {
            edits: BTreeMap::new(),
            results: Arc::new(results),
        }),
        running: Mutex::new(None),
    };
    Ok(Router::new()
        .route("/", get(page))
        .route("/api/state", get(state))
        .route("/api/run", post(rerun))
        .route("/api/reset", post(reset))
        .route("/api/elicit", post(elicit))
        .route("/download/register.csv", get(register_csv))
        .route("/download/economic-case.xlsx", get(workbook))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(local_host_only))
        .with_state(Arc::new(desk)))
}

/// Serves the page on 127.0.0.1:`port` (0 for any free port) until `stop` is cancelled (the
/// binary cancels it on Ctrl-C or SIGTERM), printing its address first.
///
/// # Errors
/// A scenario that does not load, or a port that cannot be bound.
pub fn serve(scenario: PathBuf, port: u16, stop: CancelToken) -> Result<()> {
    let app = router(scenario.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| server_error(port, format!("cannot start its runtime: {e}")))?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| {
                server_error(
                    port,
                    format!("cannot listen there ({e}); choose another port, e.g. --port 8766, or --port 0 for any free one"),
                )
            })?;
        let address = listener
            .local_addr()
            .map_err(|e| server_error(port, format!("has no local address: {e}")))?;
        // Written, not printed: a reader that has gone (a closed pipe) must not stop the
        // server.
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "http://{address}/\nServing {} on this computer only (127.0.0.1); press Ctrl-C to stop.",
            scenario.display()
        );
        let _ = out.flush();
        let stopped = stop.clone();
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            cancelled(&stopped).await;
        });
        // Once stopped, open connections have a second to finish: a client that holds a
        // half-sent request open does not keep the server alive.
        tokio::select! {
            served = server => served.map_err(|e| server_error(port, format!("stopped while serving: {e}"))),
            () = async {
                cancelled(&stop).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
    });
    // A rerun still computing is left to finish in the background; the process ends anyway.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served
}

/// How long open connections have to finish once the server is told to stop.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(900);

/// Resolves once `stop` is cancelled.
async fn cancelled(stop: &CancelToken) {
    while !stop.is_cancelled() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A failure of the server itself (exit 1): it names the address and the cause.
fn server_error(port: u16, problem: String) -> Error {
    Error::Server {
        address: format!("127.0.0.1:{port}"),
        problem,
    }
}

/// Runs a model for the page: at most [`LIVE_ITERATIONS`] (or `requested`, if fewer), the
/// scenario's seed, with the value of information (the page's panel) the only analysis; from
/// `previous`, the draws and figures the edit cannot have moved.
fn live_run(
    model: &Model,
    requested: Option<u64>,
    cancel: CancelToken,
    previous: Option<Arc<crate::engine::Previous>>,
) -> Result<Results> {
    let own = model.settings().iterations;
    let config = RunConfig {
        iterations: Some(own.min(LIVE_ITERATIONS).min(requested.unwrap_or(u64::MAX))),
        keep: Keep::Sensitivity,
        analyses: crate::engine::Analyses::LivePage,
        cancel,
        previous,
        appendices: crate::engine::Appendices::Left,
        // The page shows the summary costs and the options' appraisal alone (tables and
        // charts alike); the workbook download runs again with everything.
        figures: crate::engine::Figures::Headlines,
        ..RunConfig::default()
    };
    crate::run(model, &config)
}

/// The host part of a `Host` value or URI authority (`127.0.0.1:8765` → `127.0.0.1`).
fn host_name(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => authority,
    }
}

/// Whether a host name is this computer.
fn is_local(name: &str) -> bool {
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

/// Why a request is refused before any route sees it, if it is: two `Host` headers, or an
/// absolute URI naming another host (400); a `Host` that is not this computer (403) — a page
/// elsewhere that points a name of its own at 127.0.0.1 (DNS rebinding) cannot reach the
/// server; and, for a request that changes the server's state (any POST), an `Origin` that is
/// missing or is not the page's own, or a browser's `Sec-Fetch-Site` saying the request comes
/// from another site (403) — a form or script on a page elsewhere cannot drive it.
fn refusal(method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<(StatusCode, String)> {
    let hosts: Vec<&str> = headers
        .get_all(header::HOST)
        .iter()
        .map(|h| h.to_str().unwrap_or(""))
        .collect();
    if hosts.len() > 1 {
        return Some((
            StatusCode::BAD_REQUEST,
            "refused: a request has one Host header".into(),
        ));
    }
    let host = hosts.first().copied().unwrap_or("");
    if uri.authority().is_some_and(|a| a.as_str() != host) {
        return Some((
            StatusCode::BAD_REQUEST,
            "refused: the request's URI names another host than its Host header".into(),
        ));
    }
    if !is_local(host_name(host)) {
        return Some((
            StatusCode::FORBIDDEN,
            "refused: the page answers only requests to localhost or 127.0.0.1".into(),
        ));
    }
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    if site.is_some_and(|s| s != "same-origin" && s != "none") {
        return Some((
            StatusCode::FORBIDDEN,
            "refused: a change to the page's state may come only from the page itself".into(),
        ));
    }
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    if origin != Some(format!("http://{host}").as_str()) {
        return Some((
            StatusCode::FORBIDDEN,
            format!(
                "refused: a change to the page's state needs the Origin of the page itself (http://{host})"
            ),
        ));
    }
    None
}

/// Refuses what [`refusal`] refuses, and a request whose declared body is over [`MAX_BODY`].
async fn local_host_only(headers: HeaderMap, request: Request, next: Next) -> Response {
    if let Some((status, message)) = refusal(request.method(), request.uri(), &headers) {
        return (status, Json(json!({ "error": message }))).into_response();
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        // Refused on its declared length, before a byte of it is read; a body sent without
        // one is cut off at the same size by the router's limit.
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({ "error": format!("a request body is at most {MAX_BODY} bytes") })),
        )
            .into_response();
    }
    next.run(request).await
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// The assumptions and the last good results.
async fn state(State(desk): State<Arc<Desk>>) -> Response {
    let (edits, results) = {
        let last = desk.last.lock().unwrap_or_else(|e| e.into_inner());
        (last.edits.clone(), Arc::clone(&last.results))
    };
    let desk2 = Arc::clone(&desk);
    let answer = tokio::task::spawn_blocking(move || -> Result<Value> {
        let shown = view::results(&results, &desk2.file(), results.model().overrides())?;
        Ok(json!({
            "assumptions": desk2.assumptions,
            "edits": edits,
            "results": shown,
            "file_changed": desk2.source.changed_on_disk(),
        }))
    })
    .await;
    respond(answer)
}

/// A rerun's request: every edited assumption (key → distribution) and, optionally, fewer
/// iterations.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    edits: BTreeMap<String, String>,
    iterations: Option<u64>,
}

/// Reruns with the edits. A bad cell answers 422 with the message and its key, and the last
/// good results stay; a rerun overtaken by a newer edit answers 409.
async fn rerun(State(desk): State<Arc<Desk>>, Json(request): Json<RunRequest>) -> Response {
    if let Some(n) = request
        .iterations
        .filter(|&n| n == 0 || n > LIVE_ITERATIONS)
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": format!("{n} iterations: a live rerun runs 1 to {LIVE_ITERATIONS}") })),
        )
            .into_response();
    }
    let cancel = CancelToken::new();
    if let Some(older) = desk
        .running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .replace(cancel.clone())
    {
        older.cancel();
    }
    let desk2 = Arc::clone(&desk);
    let answer = tokio::task::spawn_blocking(move || {
        let overrides: Vec<Override> = request
            .edits
            .iter()
            .map(|(key, text)| Override {
                key: key.clone(),
                text: text.clone(),
                by: "the page".into(),
                price_year: None,
            })
            .collect();
        let model = desk2.source.model(&overrides)?;
        // The last good run's draws and figures, wherever this edit cannot have moved them.
        let previous = desk2
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .results
            .previous();
        let results = live_run(&model, request.iterations, cancel, Some(previous))?;
        let shown = view::results(&results, &desk2.file(), model.overrides())?;
        let mut last = desk2.last.lock().unwrap_or_else(|e| e.into_inner());
        *last = Last {
            edits: request.edits,
            results: Arc::new(results),
        };
        Ok(shown)
    })
    .await;
    respond(answer)
}

/// A "fit from quantiles" request: an expert's quantiles, as `seams elicit --quantiles` takes
/// them ("10%=20, 50%=35, 90%=55").
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ElicitRequest {
    quantiles: String,
}

/// The best distribution for an expert's quantiles (`seams elicit`), for the page to put in a
/// cell; quantiles it cannot use answer 422 with the reason.
async fn elicit(Json(request): Json<ElicitRequest>) -> Response {
    let answer = tokio::task::spawn_blocking(move || {
        let judgements = crate::elicit::parse_quantiles("quantiles", &request.quantiles)?;
        let fits = crate::elicit::fit_all(&judgements);
        let best = fits.first().ok_or_else(|| Error::Usage {
            flag: "quantiles".into(),
            problem: "no family of the distribution language fits these quantiles".into(),
            fix: "check the values: each should be larger than the one before".into(),
        })?;
        let fitted: Vec<String> = judgements
            .iter()
            .zip(&best.quantiles)
            .map(|(j, q)| {
                format!(
                    "{} = {}",
                    crate::format::percent(j.p),
                    crate::format::four_figures(*q)
                )
            })
            .collect();
        Ok(json!({
            "distribution": best.dist.to_string(),
            "fitted": fitted.join(", "),
        }))
    })
    .await;
    respond(answer)
}

/// Back to the scenario file as written.
/// A reset's request: an empty JSON object, so that, like every change of state, it needs a
/// JSON body that no plain form on another page can send.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {}

async fn reset(State(desk): State<Arc<Desk>>, Json(_): Json<ResetRequest>) -> Response {
    let request = RunRequest {
        edits: BTreeMap::new(),
        iterations: None,
    };
    rerun(State(desk), Json(request)).await
}

/// The register of the scenario with the page's edits, for `seams run --assumptions`.
async fn register_csv(State(desk): State<Arc<Desk>>) -> Response {
    let results = Arc::clone(&desk.last.lock().unwrap_or_else(|e| e.into_inner()).results);
    match crate::register::register_csv(results.model()) {
        Ok(text) => attachment("register.csv", "text/csv; charset=utf-8", text.into_bytes()),
        Err(e) => error_response(&e),
    }
}

/// The whole case of the last good run as one workbook; its Assumptions sheet is the register.
async fn workbook(State(desk): State<Arc<Desk>>) -> Response {
    let results = Arc::clone(&desk.last.lock().unwrap_or_else(|e| e.into_inner()).results);
    // The page's edits leave out the benefits register and the financial view; the workbook
    // has them, from a run of the edited model on the same draws.
    let answer = tokio::task::spawn_blocking(move || {
        let config = RunConfig {
            iterations: Some(results.iterations()),
            keep: Keep::Sensitivity,
            analyses: crate::engine::Analyses::LivePage,
            ..RunConfig::default()
        };
        let full = crate::run(results.model(), &config)?;
        crate::export::workbook(&full)
    })
    .await;
    match answer {
        Ok(Ok(bytes)) => attachment(
            crate::export::WORKBOOK,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Ok(Err(e)) => error_response(&e),
        Err(e) => internal(&e),
    }
}

fn attachment(name: &str, mime: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The JSON answer of a blocking job: its value, or its error.
fn respond(answer: std::result::Result<Result<Value>, tokio::task::JoinError>) -> Response {
    match answer {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(e)) => error_response(&e),
        Err(e) => internal(&e),
    }
}

/// An error as the page shows it: a bad cell (422, with its key and fix), a rerun overtaken
/// by a newer one (409), or a failure (500).
fn error_response(e: &Error) -> Response {
    let (status, key) = match e {
        Error::Input(input) => (StatusCode::UNPROCESSABLE_ENTITY, input.key.clone()),
        Error::Inputs(list) => (StatusCode::UNPROCESSABLE_ENTITY, list.first().key.clone()),
        Error::Usage { .. } | Error::Numeric(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, String::new())
        }
        Error::Interrupted => (StatusCode::CONFLICT, String::new()),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    };
    let stale = matches!(e, Error::Interrupted);
    (
        status,
        Json(json!({ "error": e.to_string(), "key": key, "stale": stale })),
    )
        .into_response()
}

fn internal(e: &dyn std::fmt::Display) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "error": e.to_string() })),
    )
        .into_response()
}
