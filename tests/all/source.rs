//! A scenario is read once: every model is built from the bytes first read, whatever happens
//! to the file afterwards, and the source can say when the file on disk no longer matches.

use seams::{Error, Override, Source};

use super::common::*;

fn set(key: &str, text: &str) -> Override {
    Override {
        key: key.into(),
        text: text.into(),
        by: "--set".into(),
        price_year: None,
    }
}

#[test]
fn every_model_comes_from_the_bytes_first_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.toml");
    std::fs::write(&path, fixture_text("small.toml")).unwrap();
    let source = Source::read(&path).unwrap();
    let first = source.model(&[]).unwrap();
    assert!(!source.changed_on_disk());
    std::fs::write(&path, "not a scenario at all").unwrap();
    assert!(source.changed_on_disk());
    let second = source.model(&[set("journeys.per_year", "2000")]).unwrap();
    assert_eq!(second.sha256(), first.sha256());
    assert_eq!(second.inputs().len(), first.inputs().len());
    std::fs::remove_file(&path).unwrap();
    assert!(source.changed_on_disk(), "a file that has gone has changed");
    assert!(source.model(&[]).is_ok());
}

#[test]
fn a_portfolio_reads_each_scenario_file_once() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["small.toml", "channels.toml"] {
        std::fs::write(dir.path().join(name), fixture_text(name)).unwrap();
    }
    let portfolio = dir.path().join("both.toml");
    std::fs::write(
        &portfolio,
        "[portfolio]\nname = \"Both\"\nprice_base_year = 2024\nfirst_year = 2025\nscenarios = [\"small.toml\", \"channels.toml\"]\n",
    )
    .unwrap();
    let source = Source::read(&portfolio).unwrap();
    let first = source.model(&[]).unwrap();
    std::fs::remove_file(dir.path().join("channels.toml")).unwrap();
    assert!(
        source.changed_on_disk(),
        "a scenario file of the portfolio has gone"
    );
    let again = source.model(&[]).unwrap();
    assert_eq!(again.journeys().len(), 2);
    assert_eq!(again.inputs().len(), first.inputs().len());
}

#[test]
fn text_in_memory_is_a_scenario_never_a_portfolio() {
    let source = Source::from_text("[portfolio]\nname = \"x\"\n", "pasted.toml");
    let message = source.model(&[]).unwrap_err().to_string();
    assert!(message.contains("pasted.toml"), "{message}");
    assert!(message.contains("is a portfolio"), "{message}");
    assert!(!source.changed_on_disk());
}

#[test]
fn an_error_that_lists_problems_is_never_empty() {
    let empty = Error::inputs(Vec::new(), "loading the scenario");
    assert!(
        !empty.is_bad_input(),
        "a pass that names no problem is seams' fault"
    );
    let message = empty.to_string();
    assert!(message.contains("loading the scenario"), "{message}");
    assert!(message.contains("report"), "{message}");
}
