//! `seams elicit` (MODEL.md §3d): quantiles judged by an expert into a distribution. A known
//! distribution's own quantiles must come back as that distribution; bad judgements are
//! refused with the reason and exit code 2.

use seams::dist::{Dist, Domain};
use seams::elicit::{fit_all, fit_pool, parse_quantiles, Judgement};

use crate::common::seams;

/// The quantiles of `text` at `ps`, as judgements.
fn judged(text: &str, ps: &[f64]) -> Vec<Judgement> {
    let sampler = Dist::parse(text).unwrap().sampler(Domain::ANY).unwrap();
    ps.iter()
        .map(|&p| Judgement {
            p,
            x: sampler.quantile(p),
        })
        .collect()
}

#[test]
fn a_perts_own_quantiles_give_back_a_pert_with_the_same_quantiles() {
    for text in [
        "pert(10, 20, 45)",
        "pert(0.2, 0.3, 0.5)",
        "pert(100, 400, 500)",
    ] {
        let judgements = judged(text, &[0.1, 0.5, 0.9]);
        let fits = fit_all(&judgements);
        let best = &fits[0];
        assert!(
            best.dist.to_string().starts_with("pert("),
            "{text}: best fit {}",
            best.dist
        );
        for (q, j) in best.quantiles.iter().zip(&judgements) {
            assert!(
                (q - j.x).abs() <= 0.01 * j.x.abs(),
                "{text}: {q} against {} at {}",
                j.x,
                j.p
            );
        }
    }
}

#[test]
fn a_normals_quantiles_give_back_its_mean_and_sd() {
    // Φ⁻¹(0.9) = 1.2815515655: normal(50, 10) has 10% and 90% points 50 ∓ 12.815515655.
    let judgements = [
        Judgement {
            p: 0.1,
            x: 50.0 - 12.815515655,
        },
        Judgement { p: 0.5, x: 50.0 },
        Judgement {
            p: 0.9,
            x: 50.0 + 12.815515655,
        },
    ];
    let normal = fit_all(&judgements)
        .into_iter()
        .find(|f| f.dist.to_string().starts_with("normal("))
        .unwrap();
    assert_eq!(normal.dist.to_string(), "normal(50, 10)");
}

#[test]
fn two_experts_who_agree_pool_to_what_each_said() {
    let one = judged("pert(10, 20, 45)", &[0.1, 0.5, 0.9]);
    let (fits, pooled) = fit_pool(&[one.clone(), one.clone()], &[2.0, 1.0]);
    for (p, j) in pooled.iter().zip(&one) {
        assert!((p.p - j.p).abs() < 1e-3, "{p:?} against {j:?}");
    }
    assert!(fits[0].squares < 1e-6, "{}", fits[0].squares);
}

#[test]
fn quantiles_are_read_as_people_write_them() {
    let j = parse_quantiles("--quantiles", "10%=1.5k, 0.5=2k, 90% = 4k").unwrap();
    assert_eq!(
        j,
        [
            Judgement { p: 0.1, x: 1500.0 },
            Judgement { p: 0.5, x: 2000.0 },
            Judgement { p: 0.9, x: 4000.0 }
        ]
    );
}

#[test]
fn bad_judgements_are_refused_with_the_reason_and_exit_code_2() {
    for (quantiles, reason) in [
        ("10%=12, 90%=45", "at least three"),
        ("10%=12, 50%=50, 90%=45", "not increasing"),
        ("50%=12, 40%=20, 90%=45", "not increasing"),
        ("45%=12, 50%=20, 90%=45", "below 40%"),
        ("10%=12, 50%=20, 55%=45", "above 60%"),
        ("0%=12, 50%=20, 90%=45", "strictly between"),
        ("10%=12, 50%=twenty, 90%=45", "not a number"),
        // A number too large for any public service says so, not merely "not a number".
        ("10%=12, 50%=20, 90%=1e308", "largest magnitude"),
        ("10%:12, 50%=20, 90%=45", "PROBABILITY=VALUE"),
    ] {
        let out = seams()
            .args(["elicit", "--quantiles", quantiles])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{quantiles}: {stderr}");
        assert!(stderr.contains("--quantiles"), "{quantiles}: {stderr}");
        assert!(stderr.contains(reason), "{quantiles}: {stderr}");
    }
    let out = seams()
        .args([
            "elicit",
            "--expert",
            "10%=1, 50%=2, 90%=4",
            "--weights",
            "1,x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--weights"));
}

#[test]
fn a_key_gives_a_register_row_that_cites_the_judgements() {
    let out = seams()
        .args([
            "elicit",
            "--quantiles",
            "10%=12, 50%=20, 90%=45",
            "--key",
            "departments.hmrc.user_minutes",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.starts_with("departments.hmrc.user_minutes,"))
        .expect("a register row");
    assert!(
        row.contains("elicited: 10% = 12, 50% = 20, 90% = 45"),
        "{row}"
    );
    // The row's distribution is the best fit printed above it.
    let best = text
        .lines()
        .find_map(|l| l.strip_prefix("Best fit: "))
        .unwrap();
    let dist = best.split("  (").next().unwrap();
    assert!(row.contains(&format!("\"{dist}\"")), "{row} / {dist}");
}
