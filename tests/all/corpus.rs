//! The bad-input corpus (tests/bad-inputs/manifest.toml): every case exits with code 2, names
//! what is wrong, never panics, and leaves no results folder.

use std::path::{Path, PathBuf};

use super::common::*;

#[derive(serde::Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    file: String,
    #[serde(default)]
    args: Vec<String>,
    expect: Vec<String>,
}

/// The hostile cases (tests/bad-inputs/hostile.toml): a fixture with text replaced.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Hostile {
    name: String,
    #[serde(default = "small")]
    base: String,
    #[serde(default)]
    replace: Vec<[String; 2]>,
    #[serde(default)]
    append: String,
    register: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    expect: Vec<String>,
    #[serde(default)]
    reject: Vec<String>,
    max_stderr: Option<usize>,
}

fn small() -> String {
    "small.toml".into()
}

#[derive(serde::Deserialize)]
struct HostileManifest {
    case: Vec<Hostile>,
}

/// `{big}` stands for a long text in a hostile case: a megabyte in a file, 100,000 characters
/// on the command line (where the kernel limits one argument to 128 KiB).
fn expand(text: &str, length: usize) -> String {
    text.replace("{big}", &"x".repeat(length))
}

/// Builds a hostile case in `dir` and checks its refusal; `Err` says what went wrong.
fn check_hostile(case: &Hostile, dir: &Path) -> Result<(), String> {
    let mut text = fixture_text(&case.base);
    for [from, to] in &case.replace {
        if !text.contains(from.as_str()) {
            return Err(format!("{}: `{from}` is not in {}", case.name, case.base));
        }
        text = text.replacen(from.as_str(), &expand(to, 1_000_000), 1);
    }
    text.push_str(&case.append);
    let scenario = dir.join(format!("{}.toml", case.name));
    std::fs::write(&scenario, text).unwrap();
    let register = dir.join("register.csv");
    if let Some(csv) = &case.register {
        std::fs::write(&register, csv).unwrap();
    }
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            expand(
                &a.replace("{register}", &register.display().to_string()),
                100_000,
            )
        })
        .collect();
    let err = check_refusal(&scenario, &args, &case.expect)?;
    let name = &case.name;
    let short: String = err.chars().take(3000).collect();
    if let Some(found) = case.reject.iter().find(|f| err.contains(f.as_str())) {
        return Err(format!(
            "{name}: a consequence, `{found}`, was reported too:\n{short}"
        ));
    }
    if let Some(max) = case.max_stderr.filter(|&m| err.len() > m) {
        return Err(format!(
            "{name}: the message is {} bytes (at most {max})",
            err.len()
        ));
    }
    Ok(())
}

#[test]
fn every_hostile_case_is_refused_clearly() {
    let text = std::fs::read_to_string(corpus().join("hostile.toml")).unwrap();
    let manifest: HostileManifest = toml::from_str(&text).unwrap();
    assert!(
        manifest.case.len() >= 40,
        "{} hostile cases",
        manifest.case.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = manifest
        .case
        .iter()
        .filter_map(|case| check_hostile(case, dir.path()).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        manifest.case.len(),
        failures.join("\n\n")
    );
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

/// Runs `seams run` on a scenario and checks the refusal.
fn refuses(scenario: &Path, args: &[String], expect: &[String]) {
    if let Err(problem) = check_refusal(scenario, args, expect).map(|_| ()) {
        panic!("{problem}");
    }
}

/// Runs `seams run` on a scenario, checks the refusal (exit 2, every `expect` fragment, no
/// panic, nothing left behind) and returns the message.
fn check_refusal(scenario: &Path, args: &[String], expect: &[String]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all = vec![
        "run".to_string(),
        scenario.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    all.extend(
        args.iter()
            .map(|a| a.replace("{dir}", &corpus().display().to_string())),
    );
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let output = run_in(dir.path(), &all);
    let err = stderr(&output);
    let name = scenario.file_name().unwrap().to_string_lossy();
    let short: String = err.chars().take(3000).collect();
    if output.status.code() != Some(2) {
        return Err(format!("{name}: exit {:?}\n{short}", output.status.code()));
    }
    if let Some(missing) = expect.iter().find(|f| !err.contains(f.as_str())) {
        return Err(format!("{name}: expected `{missing}` in\n{short}"));
    }
    // Every problem comes with what to do about it.
    // (A flag's value is checked by the argument parser, whose message gives the fix in place.)
    if !err.contains("fix:") && !err.contains("try '--help'") {
        return Err(format!("{name}: no fix in\n{short}"));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        return Err(format!("{name}: {err}"));
    }
    if out.exists() || std::fs::read_dir(dir.path()).map_or(0, |d| d.count()) != 0 {
        return Err(format!(
            "{name}: a results folder or partial files were left behind"
        ));
    }
    Ok(err)
}

#[test]
fn every_case_in_the_corpus_is_refused_clearly() {
    let text = std::fs::read_to_string(corpus().join("manifest.toml")).unwrap();
    let manifest: Manifest = toml::from_str(&text).unwrap();
    assert!(
        manifest.case.len() >= 40,
        "the corpus has {} cases",
        manifest.case.len()
    );
    let failures: Vec<String> = manifest
        .case
        .iter()
        .filter_map(|case| {
            check_refusal(&corpus().join(&case.file), &case.args, &case.expect).err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        manifest.case.len(),
        failures.join("\n\n")
    );
}

#[test]
fn generated_inputs_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixture_text("small.toml");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let expect = |fragments: &[&str]| fragments.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // A 50 MB file.
    let mut big = base.clone().into_bytes();
    big.resize(50_000_000, b'#');
    refuses(&write("big.toml", &big), &[], &expect(&["50 MB"]));
    // Deeply nested arrays.
    let deep = format!(
        "{}\n[extra]\nx = {}{}\n",
        base,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    refuses(
        &write("deep.toml", deep.as_bytes()),
        &[],
        &expect(&["recursion"]),
    );
    // Deeply nested tables.
    let tables: String = (0..2000)
        .map(|i| {
            format!(
                "[t{}]\n",
                (0..=i)
                    .map(|j| format!("k{j}"))
                    .collect::<Vec<_>>()
                    .join(".")
            )
        })
        .take(50)
        .collect();
    refuses(
        &write("tables.toml", format!("{base}\n{tables}").as_bytes()),
        &[],
        &expect(&["unknown field"]),
    );
    // Bytes that are not UTF-8, and an empty file.
    refuses(
        &write("latin1.toml", b"[scenario]\nname = \"Caf\xe9\"\n"),
        &[],
        &expect(&["not UTF-8"]),
    );
    refuses(&write("empty.toml", b""), &[], &expect(&["missing field"]));
    refuses(
        &dir.path().join("missing.toml"),
        &[],
        &expect(&["cannot read", "missing.toml"]),
    );
}

#[test]
fn the_readme_counts_the_corpus_truly() {
    let count = |file: &str| {
        let text = std::fs::read_to_string(corpus().join(file)).unwrap();
        text.lines().filter(|l| l.trim() == "[[case]]").count()
    };
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for claim in [
        format!("{} cases in a manifest", count("manifest.toml")),
        format!("{} hostile cases", count("hostile.toml")),
    ] {
        assert!(readme.contains(&claim), "README should say `{claim}`");
    }
}
