//! Minimising a function of a few parameters without derivatives: a Nelder–Mead simplex,
//! restarted from its own answer until a restart no longer improves it. `seams elicit` and
//! `seams fit` use it on least squares and likelihoods of two or three parameters, where a
//! simplex is simple, robust and fast enough.

/// The minimum of `f` by Nelder–Mead from `start` (initial steps a quarter of `scale` in
/// location coordinates, 0.5 in the others), restarted from its answer until a restart no
/// longer improves it.
pub fn minimise(f: &dyn Fn(&[f64]) -> f64, start: Vec<f64>, scale: f64) -> Vec<f64> {
    let mut best = start;
    let mut value = f(&best);
    for _ in 0..8 {
        let next = nelder_mead(f, &best, scale);
        let next_value = f(&next);
        let improved = next_value < value - 1e-15;
        if next_value <= value {
            best = next;
            value = next_value;
        }
        if !improved {
            break;
        }
    }
    best
}

/// One Nelder–Mead descent (reflection 1, expansion 2, contraction ½, shrink ½).
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, start: &[f64], scale: f64) -> Vec<f64> {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut point = start.to_vec();
            if i > 0 {
                // The first coordinate of every family is a location; the rest are logs.
                point[i - 1] += if i == 1 { scale / 4.0 } else { 0.5 };
            }
            let value = f(&point);
            (point, value)
        })
        .collect();
    for _ in 0..4000 {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        if (simplex[n].1 - simplex[0].1).abs() < 1e-18 {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|k| simplex[..n].iter().map(|(p, _)| p[k]).sum::<f64>() / n as f64)
            .collect();
        let towards = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&simplex[n].0)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let reflected = towards(1.0);
        let r = f(&reflected);
        if r < simplex[0].1 {
            let expanded = towards(2.0);
            let e = f(&expanded);
            simplex[n] = if e < r { (expanded, e) } else { (reflected, r) };
        } else if r < simplex[n - 1].1 {
            simplex[n] = (reflected, r);
        } else {
            let contracted = towards(-0.5);
            let c = f(&contracted);
            if c < simplex[n].1 {
                simplex[n] = (contracted, c);
            } else {
                let best = simplex[0].0.clone();
                for (point, value) in simplex.iter_mut().skip(1) {
                    for (x, b) in point.iter_mut().zip(&best) {
                        *x = b + 0.5 * (*x - b);
                    }
                    *value = f(point);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}
