//! Scoring against a norm group, exactly as PRODUCT.md says:
//! z = (raw − mean) / sd; percentile = 100·Φ(z) rounded and clamped to 1–99;
//! sten = clamp(round(2z + 5.5), 1, 10); T-score = 50 + 10z.

use credence_shared::assess::Score;

/// The standard normal cumulative distribution function.
pub fn phi(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

/// The error function (W. J. Cody's rational approximations; |error| < 1e-15 in practice for
/// the range used here, far below the rounding to whole percentiles).
fn erf(x: f64) -> f64 {
    // erf via erfc for |x| >= 0.5, series otherwise.
    if x.abs() < 0.5 {
        // Maclaurin series: converges fast for small |x|.
        let mut sum = x;
        let mut term = x;
        let x2 = x * x;
        for n in 1..40 {
            term *= -x2 / n as f64;
            let add = term / (2 * n + 1) as f64;
            sum += add;
            if add.abs() < 1e-17 {
                break;
            }
        }
        return sum * 2.0 / std::f64::consts::PI.sqrt();
    }
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    sign * (1.0 - erfc_cf(x.abs()))
}

/// erfc(x) for x >= 0.5 by Lentz's continued fraction.
fn erfc_cf(x: f64) -> f64 {
    if x > 27.0 {
        return 0.0;
    }
    // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
    let tiny = 1e-300;
    let mut f = x;
    if f == 0.0 {
        f = tiny;
    }
    let mut c = f;
    let mut d = 0.0;
    for n in 1..500 {
        let a = n as f64 / 2.0;
        d = x + a * d;
        if d == 0.0 {
            d = tiny;
        }
        c = x + a / c;
        if c == 0.0 {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / std::f64::consts::PI.sqrt() / f
}

pub fn score(scale: &str, raw: f64, mean: f64, sd: f64) -> Score {
    let z = (raw - mean) / sd;
    Score {
        scale: scale.to_string(),
        raw,
        percentile: ((100.0 * phi(z)).round() as i64).clamp(1, 99),
        sten: ((2.0 * z + 5.5).round() as i64).clamp(1, 10),
        t_score: 50.0 + 10.0 * z,
    }
}

/// An item's contribution to a trait: the Likert value, reversed for reverse-keyed items.
pub fn likert(value: i64, reverse_keyed: bool) -> f64 {
    if reverse_keyed {
        (6 - value) as f64
    } else {
        value as f64
    }
}

/// A trait's raw score: the sum of its items, prorated when some were left unanswered
/// (`None` when fewer than half were answered).
pub fn trait_raw(values: &[f64], item_count: usize) -> Option<f64> {
    if item_count == 0 || values.len() * 2 < item_count {
        return None;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Some(mean * item_count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_matches_tables() {
        for (z, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (-1.0, 0.158_655_254),
            (1.96, 0.975_002_105),
            (2.5, 0.993_790_335),
            (-3.0, 0.001_349_898),
            (0.3, 0.617_911_422),
        ] {
            assert!((phi(z) - p).abs() < 1e-8, "Φ({z}) = {} not {p}", phi(z));
        }
    }

    // Hand-computed: mean 7.2, sd 2.9.
    #[test]
    fn scores_follow_the_product_formulas() {
        // raw 10: z = 2.8/2.9 = 0.965517; Φ = 0.83286 → 83; sten round(7.431) = 7; T = 59.655
        let s = score("total", 10.0, 7.2, 2.9);
        assert_eq!((s.percentile, s.sten), (83, 7));
        assert!((s.t_score - 59.655_172).abs() < 1e-5);
        // raw 7.2: z = 0 → 50th percentile, sten round(5.5) = 6, T 50.
        let s = score("total", 7.2, 7.2, 2.9);
        assert_eq!((s.percentile, s.sten, s.t_score), (50, 6, 50.0));
        // raw 1: z = -2.1379; Φ = 0.01626 → 2; sten round(1.224) = 1; T = 28.62
        let s = score("total", 1.0, 7.2, 2.9);
        assert_eq!((s.percentile, s.sten), (2, 1));
        // Extremes are clamped: percentile 1–99, sten 1–10.
        assert_eq!(score("total", 30.0, 7.2, 2.9).percentile, 99);
        assert_eq!(score("total", 30.0, 7.2, 2.9).sten, 10);
        assert_eq!(score("total", -20.0, 7.2, 2.9).percentile, 1);
        assert_eq!(score("total", -20.0, 7.2, 2.9).sten, 1);
    }

    #[test]
    fn likert_items_reverse_and_prorate() {
        assert_eq!(likert(5, false), 5.0);
        assert_eq!(likert(5, true), 1.0);
        assert_eq!(likert(2, true), 4.0);
        assert_eq!(
            trait_raw(&[4.0, 4.0, 5.0, 3.0, 4.0, 4.0, 4.0], 7),
            Some(28.0)
        );
        assert_eq!(trait_raw(&[4.0, 5.0, 3.0, 4.0], 7), Some(28.0));
        assert_eq!(trait_raw(&[4.0, 5.0, 3.0], 7), None);
    }
}
