//! Branch-free `exp` and `log1p` for the fused kernels.
//!
//! The standard library's `f32::exp` and `f32::ln_1p` call into libm one value
//! at a time. These versions use only arithmetic, comparisons and bit
//! tricks, so the compiler can turn a loop over them into SIMD instructions.
//! Both are accurate to a few units in the last place on the ranges the
//! kernels use them on (checked against `f64` in the tests below).

// ANCHOR: exp
/// `exp(x)` for `x <= 0`; inputs below -87 give `exp(-87)`, about 1.6e-38,
/// the smallest value that stays a normal `f32`.
#[inline(always)]
pub fn exp_nonpositive(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two, so that x - n·ln 2 loses no bits.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1.5 · 2^23: adding it rounds to an integer and leaves that integer in
    // the low bits of the sum.
    const ROUND: f32 = 12_582_912.0;
    let x = x.max(-87.0);
    let shifted = x * LOG2_E + ROUND;
    let n = shifted - ROUND;
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i32;
    let r = x - n * LN2_HI - n * LN2_LO;
    // exp(r) on |r| <= ln(2)/2: Taylor coefficients up to r^7, error below 1e-8.
    let p = 1.0 / 5040.0;
    let p = p * r + 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    let p = p * r + 1.0;
    let p = p * r + 1.0;
    // Multiply by 2^n by building the float 2^n from its exponent bits.
    p * f32::from_bits((n_int.wrapping_add(127) as u32) << 23)
}
// ANCHOR_END: exp

/// `ln(1 + e)` for `0 <= e <= 1`, accurate also for tiny `e`, where
/// computing `1 + e` first would round the answer to zero.
#[inline(always)]
pub fn ln_1p_unit(e: f32) -> f32 {
    // ln(1 + e) = 2·atanh(s) with s = e / (2 + e) <= 1/3, and
    // atanh(s) = s + s³/3 + s⁵/5 + ...: nine terms reach f32 precision.
    let s = e / (2.0 + e);
    let s2 = s * s;
    let p = 1.0 / 17.0;
    let p = p * s2 + 1.0 / 15.0;
    let p = p * s2 + 1.0 / 13.0;
    let p = p * s2 + 1.0 / 11.0;
    let p = p * s2 + 1.0 / 9.0;
    let p = p * s2 + 1.0 / 7.0;
    let p = p * s2 + 1.0 / 5.0;
    let p = p * s2 + 1.0 / 3.0;
    let p = p * s2 + 1.0;
    2.0 * s * p
}

/// The logistic sigmoid `1 / (1 + exp(-x))`, without overflow for any `x`.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    let e = exp_nonpositive(-x.abs());
    let numerator = if x >= 0.0 { 1.0 } else { e };
    numerator / (1.0 + e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative_error(got: f32, want: f64) -> f64 {
        ((f64::from(got) - want) / want).abs()
    }

    #[test]
    fn exp_matches_f64_to_a_few_ulps() {
        let mut worst = 0.0f64;
        for i in 0..=870_000 {
            let x = -(i as f32) * 1e-4;
            worst = worst.max(relative_error(exp_nonpositive(x), f64::from(x).exp()));
        }
        assert!(worst < 5e-7, "worst relative error {worst:e}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(-1e9), exp_nonpositive(-87.0));
    }

    #[test]
    fn ln_1p_matches_f64_down_to_tiny_arguments() {
        let mut worst = 0.0f64;
        for i in 1..=100_000 {
            let e = i as f32 * 1e-5;
            worst = worst.max(relative_error(ln_1p_unit(e), f64::from(e).ln_1p()));
        }
        for e in [1e-30f32, 1e-12, 1e-7] {
            worst = worst.max(relative_error(ln_1p_unit(e), f64::from(e).ln_1p()));
        }
        assert!(worst < 5e-7, "worst relative error {worst:e}");
        assert_eq!(ln_1p_unit(0.0), 0.0);
    }

    #[test]
    fn sigmoid_is_finite_and_accurate_everywhere() {
        for x in [-1e4f32, -100.0, -20.0, -1.0, 0.0, 0.5, 20.0, 100.0, 1e4] {
            let want = 1.0 / (1.0 + (-f64::from(x)).exp());
            let got = sigmoid(x);
            assert!(got.is_finite());
            assert!(
                (f64::from(got) - want).abs() <= 1e-7 + 5e-7 * want,
                "sigmoid({x}) = {got}, want {want}"
            );
        }
    }
}
