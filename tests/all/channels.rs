//! Channels (docs/method.md §2a) checked against figures worked out by hand from
//! tests/fixtures/channels.toml: the department's values as share-weighted means over its
//! channels, a channel shift, an effect on a mixed value, and the transaction figures.
//!
//! By hand, for business as usual at Test booking: shares 3:1 normalise to 75% online and 25%
//! phone, so user minutes u = 0.75·10 + 0.25·30 = 15, staff minutes t = 0.75·1 + 0.25·10 = 3.25,
//! channel cost k = 0.75·0.5 + 0.25·4 = 1.375 and user cost o = 0.25·0.6 = 0.15. With c = 1 and
//! φ = 20%, F = 0.25 failure contacts (whose minutes follow the mixed u and t). At £30 an hour
//! (£0.50 a minute), government's cost per journey is 1.25·(3.25·0.5 + 1.375) = £3.75; the
//! user's is 1.25·(15·£0.20 + 0.15) = £3.9375. Licence office: 3 min at £20 an hour = £1 and
//! 6 min at £0.20 = £1.20.

use seams::outputs::{Bearer, Component, Metric, Scope, TransactionMetric as T};
use seams::{Override, RunConfig, Source};

use super::common::*;

const TIGHT: f64 = 1e-12;

fn run(overrides: &[Override]) -> seams::Results {
    let model = Source::read(fixture("channels.toml"))
        .and_then(|s| s.model(overrides))
        .unwrap();
    seams::run(&model, &RunConfig::default()).unwrap()
}

fn set(key: &str, text: &str) -> Override {
    Override::parse_set(&format!("{key}={text}")).unwrap()
}

/// Present value of £1 a year over the fixture's three years at the Green Book 3.5%.
fn annuity() -> f64 {
    1.0 + 1.0 / 1.035 + 1.0 / (1.035 * 1.035)
}

#[test]
fn fixed_channels_give_the_hand_computed_transaction_figures() {
    let r = run(&[]);
    let dvsa = Scope::Department(0);
    let mean = |option, scope, metric| r.transaction(option, scope, metric).unwrap().mean;
    let expected = [
        (dvsa, T::CostPerTransaction, 3.75),
        (dvsa, T::UserCostPerJourney, 3.9375),
        (dvsa, T::Contacts, 1250.0),
        (dvsa, T::ChannelContacts(0), 937.5),
        (dvsa, T::ChannelContacts(1), 312.5),
        // Online: 750 journeys' worth of contacts, 1.25 each at 1 min (£0.50) + £0.50.
        (dvsa, T::ChannelCost(0), 937.5),
        // Phone: 250 × 1.25 contacts at 10 min (£5) + £4.
        (dvsa, T::ChannelCost(1), 2812.5),
        (dvsa, T::DigitalTakeUp, 0.75),
        (Scope::Department(1), T::CostPerTransaction, 1.0),
        (Scope::Department(1), T::UserCostPerJourney, 1.2),
        (Scope::Total, T::CostPerTransaction, 4.75),
        (Scope::Total, T::UserCostPerJourney, 5.1375),
        (Scope::Total, T::Contacts, 2250.0),
        (Scope::Total, T::DigitalTakeUp, 0.75),
    ];
    for (scope, metric, value) in expected {
        assert_relative(
            &format!("{scope:?} {metric:?}"),
            mean(None, scope, metric),
            value,
            TIGHT,
        );
    }
    // A department without channels has no channel figures.
    assert!(r
        .transaction(None, Scope::Department(1), T::DigitalTakeUp)
        .is_none());
    // The summary's government cost is the cost per transaction times the journeys.
    let government = r
        .cost(Scope::Total, Component::All, Bearer::Government)
        .mean;
    assert_relative("BAU government cost", government, 4750.0, TIGHT);
}

#[test]
fn a_channel_shift_moves_the_mix_and_its_costs() {
    // Online set to 90%: phone 10%. u = 9 + 3 = 12, t = 0.9 + 1 = 1.9, k = 0.45 + 0.4 = 0.85,
    // o = 0.06; government 1.25·(1.9·0.5 + 0.85) = £2.25, user 1.25·(12·0.2 + 0.06) = £3.075.
    let r = run(&[]);
    let dvsa = Scope::Department(0);
    let mean = |metric| r.transaction(Some(0), dvsa, metric).unwrap().mean;
    assert_relative(
        "cost per transaction",
        mean(T::CostPerTransaction),
        2.25,
        TIGHT,
    );
    assert_relative("user cost", mean(T::UserCostPerJourney), 3.075, TIGHT);
    assert_relative(
        "online contacts",
        mean(T::ChannelContacts(0)),
        1125.0,
        TIGHT,
    );
    assert_relative("digital take-up", mean(T::DigitalTakeUp), 0.9, TIGHT);
    // Benefits a year: government 1000·(3.75 − 2.25), users 1000·(3.9375 − 3.075).
    let npsv = r.appraisal(0, Metric::Npsv).unwrap().mean;
    assert_relative("NPSV", npsv, (1500.0 + 862.5) * annuity() - 1000.0, TIGHT);
    // The channel-cost part of the saving releases cash: 1000·1.25·(1.375 − 0.85) a year.
    let cash = r
        .appraisal(0, Metric::PvBenefitsCashReleasing)
        .unwrap()
        .mean;
    assert_relative("cash-releasing", cash, 656.25 * annuity(), TIGHT);
}

#[test]
fn only_the_cash_share_of_each_channel_s_cost_saving_releases_cash() {
    // Phone's £4 is a full cost of which 20 % releases cash; online's £0.50 all does.
    // Cash per contact: BAU 0.75·0.5 + 0.25·4·0.2 = 0.575; online at 90 %: 0.45 + 0.1·4·0.2
    // = 0.53. Per journey 1.25 contacts, 1,000 journeys: 1250·0.045 = 56.25 a year.
    let r = run(&[set(
        "departments.dvsa.channels.phone.channel_cost_cash_releasing",
        "20%",
    )]);
    let cash = r
        .appraisal(0, Metric::PvBenefitsCashReleasing)
        .unwrap()
        .mean;
    assert_relative("cash-releasing", cash, 56.25 * annuity(), TIGHT);
    // The rest of the government benefit, 1,500 a year, is not cash.
    let government = r.appraisal(0, Metric::PvBenefitsGovernment).unwrap().mean;
    assert_relative("government", government, 1500.0 * annuity(), TIGHT);
}

#[test]
fn a_department_with_channels_gives_the_cash_share_per_channel() {
    let text = fixture_text("channels.toml").replace(
        "failure_demand = \"20%\"",
        "failure_demand = \"20%\"\nchannel_cost_cash_releasing = \"30%\"",
    );
    let message = Source::from_text(&text, "channels.toml")
        .model(&[])
        .unwrap_err()
        .to_string();
    for part in [
        "departments.dvsa.channel_cost_cash_releasing",
        "also by its channels",
        "give channel_cost_cash_releasing in each channel's table",
        "channel-cost-weighted mean",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
}

#[test]
fn digital_channels_decide_what_counts_as_digital_take_up() {
    // By default only `online` is digital: 75 % of contacts. Naming phone instead makes the
    // take-up phone's 25 %; naming both, every contact.
    for (list, take_up) in [("[\"phone\"]", 0.25), ("[\"online\", \"phone\"]", 1.0)] {
        let text = fixture_text("channels.toml").replace(
            "seed = 11",
            &format!("seed = 11\ndigital_channels = {list}"),
        );
        let model = Source::from_text(&text, "channels.toml")
            .model(&[])
            .unwrap();
        let r = seams::run(&model, &RunConfig::default()).unwrap();
        let got = r
            .transaction(None, Scope::Total, T::DigitalTakeUp)
            .unwrap()
            .mean;
        assert_relative(list, got, take_up, TIGHT);
        // Costs do not depend on what is called digital.
        let government = r
            .cost(Scope::Total, Component::All, Bearer::Government)
            .mean;
        assert_relative("government cost", government, 4750.0, TIGHT);
    }
}

#[test]
fn a_department_level_effect_on_a_mixed_value_moves_every_channel() {
    // Halving user minutes at a department with channels halves each channel's, so the mixed
    // 15 minutes (and the failure minutes that follow it) halve: users save 1.25·7.5·£0.20 a
    // journey.
    let effect = r#"
[options.faster]
name = "Faster forms"
[[options.faster.effect]]
departments = ["dvsa"]
parameter = "user_minutes"
reduce = "50%"
"#;
    let text = fixture_text("channels.toml") + effect;
    let model = Source::from_text(&text, "channels.toml")
        .model(&[])
        .unwrap();
    let r = seams::run(&model, &RunConfig::default()).unwrap();
    let users = r.appraisal(1, Metric::PvBenefitsUsers).unwrap().mean;
    assert_relative("PV benefits to users", users, 1875.0 * annuity(), TIGHT);
}

#[test]
fn uncertain_weights_normalise_to_their_expected_share() {
    // Online weight uniform(2, 4) against a phone weight of 1: the online share is s/(s + 1),
    // whose mean is 1 − E[1/(s + 1)] = 1 − (ln 5 − ln 3)/2.
    let uncertain = [set(
        "departments.dvsa.channels.online.share",
        "uniform(2, 4)",
    )];
    let model = Source::read(fixture("channels.toml"))
        .and_then(|s| s.model(&uncertain))
        .unwrap();
    let config = RunConfig {
        iterations: Some(20_000),
        ..RunConfig::default()
    };
    let r = seams::run(&model, &config).unwrap();
    let expected = 1.0 - (5f64.ln() - 3f64.ln()) / 2.0;
    let take_up = r.transaction(None, Scope::Total, T::DigitalTakeUp).unwrap();
    assert_within_se("digital take-up", take_up.mean, expected, take_up.se, 4.0);
    // `seams check` estimates the same mean share.
    let shares = model.channel_shares(0);
    assert!((shares[0] - expected).abs() < 0.002, "{shares:?}");
    assert!((shares[0] + shares[1] - 1.0).abs() < 1e-12);
}

#[test]
fn check_lists_each_channel_s_mean_share() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("channels.toml");
    let output = run_in(dir.path(), &["check", scenario.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("channels: dvsa online 75%, phone 25%"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_channel_chart_is_drawn_with_its_channels_and_linked_from_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_scenario_text(dir.path(), &fixture_text("channels.toml"), &[]);
    let stem = "contacts-and-cost-by-channel";
    let image = image::open(out.join(format!("charts/{stem}.png"))).unwrap();
    assert_eq!(image.width(), seams::charts::SIZE.0);
    let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for wanted in ["online", "phone", "Business as usual", "Shift online"] {
        assert!(
            text.iter().any(|t| t.contains(wanted)),
            "no `{wanted}` in {text:?}"
        );
    }
    let case = std::fs::read_to_string(out.join("economic-case.md")).unwrap();
    assert!(case.contains(&format!("](charts/{stem}.png)")));
    assert!(
        case.contains("| **All departments (one journey)** | £4.75 | £3.25 |"),
        "{case}"
    );
    assert!(case.contains("It moves the online share at Test booking from 75% today (mean) to 90%"));
    // The chart's data: contacts by channel, business as usual then the option.
    let model = Source::read(fixture("channels.toml"))
        .and_then(|s| s.model(&[]))
        .unwrap();
    let data = seams::charts::ChartData::new(&seams::run(&model, &RunConfig::default()).unwrap());
    let channels = data.channels.expect("a chart of channels");
    assert_eq!(channels.channels[0].channel, "online");
    assert_relative(
        "online contacts",
        channels.channels[0].contacts[1].central,
        1125.0,
        TIGHT,
    );
    assert_relative(
        "phone cost",
        channels.channels[1].cost[0].central,
        2812.5,
        TIGHT,
    );
}

#[test]
fn channel_inputs_are_rows_of_the_register_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("channels.toml");
    let register = write_register(dir.path(), &scenario);
    let text = std::fs::read_to_string(&register).unwrap();
    let edited = text.replace(
        "departments.dvsa.channels.online.share,3,",
        "departments.dvsa.channels.online.share,1,",
    );
    assert_ne!(text, edited, "no share row in {text}");
    std::fs::write(&register, edited).unwrap();
    let out = dir.path().join("out");
    let output = run_scenario(
        dir.path(),
        &scenario,
        &out,
        &["--assumptions", register.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    // Weights 1:1 are half online: the transactions file says so.
    let rows = read_csv(&out.join("transactions.csv"));
    let take_up = row(
        &rows,
        &[
            ("option", "bau"),
            ("department", "dvsa"),
            ("metric", "digital_take_up"),
        ],
    );
    assert_relative("digital take-up", num(take_up, "mean"), 0.5, TIGHT);
}
