//! Unit tests of the distribution language and its samplers.

use super::*;

fn parse(s: &str) -> Dist {
    Dist::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn suffixes_scale_numbers() {
    assert_eq!(parse("42").fixed_value(), Some(42.0));
    assert_eq!(parse("1.5k").fixed_value(), Some(1500.0));
    assert_eq!(parse("2m").fixed_value(), Some(2e6));
    assert_eq!(parse("3bn").fixed_value(), Some(3e9));
    assert_eq!(parse("35%").fixed_value(), Some(0.35));
    assert_eq!(parse("£1_200").fixed_value(), Some(1200.0));
    assert_eq!(parse("-2.5e-1").fixed_value(), Some(-0.25));
}

#[test]
fn families_parse_and_print_back() {
    for text in [
        "uniform(28, 36)",
        "triangular(15, 25, 60)",
        "pert(10, 20, 45)",
        "normal(30, 6)",
        "normal(20, 5, min=0)",
        "lognormal(mean=8, sd=3)",
        "180000 to 260000",
        "beta(6, 10)",
        "beta(mean=0.35, sd=0.05)",
        "pert(0.1, 0.2, 0.3, min=0.12, max=0.28)",
    ] {
        let d = parse(text);
        assert_eq!(d.to_string(), text);
        assert_eq!(parse(&d.to_string()), d);
    }
}

#[test]
fn errors_say_what_and_how_to_fix() {
    let cases = [
        ("pert(10, 50, 20)", "mode 50 lies outside"),
        ("beta(mean=0.5, sd=0.6)", "infeasible"),
        ("pert(10, 20", "expected `,` or `)`"),
        ("gamma(2, 3)", "not a distribution"),
        ("", "empty"),
        ("uniform(3, 1)", "low < high"),
        ("normal(1, 0)", "sd > 0"),
        ("5 to 2", "0 < a < b"),
        ("lognormal(8, 3)", "mean= and sd="),
        ("pert(1, 2, 3, foo=4)", "not an argument"),
        ("nan", "not a distribution"),
        ("1e400", "too large"),
        ("12 apples", "unexpected text"),
    ];
    for (text, fragment) in cases {
        let err = Dist::parse(text).expect_err(text);
        assert!(err.problem.contains(fragment), "{text}: {}", err.problem);
        assert!(!err.fix.is_empty());
    }
}

#[test]
fn domain_rule_refuses_and_truncates() {
    let err = parse("normal(0.3, 0.2)")
        .sampler(Domain::SHARE)
        .unwrap_err();
    assert!(err.problem.contains("6.7%"), "{}", err.problem);
    assert!(parse("normal(0.3, 0.2, min=0, max=1)")
        .sampler(Domain::SHARE)
        .is_ok());
    // 0.0317 % below zero: accepted, and truncated by redraw.
    let s = parse("normal(10, 2.9)")
        .sampler(Domain::NON_NEGATIVE)
        .unwrap();
    assert!(s.quantile(0.0) >= 0.0);
    assert!(parse("-5").sampler(Domain::NON_NEGATIVE).is_err());
    assert!(parse("-1").sampler(Domain::GROWTH).is_err());
}
