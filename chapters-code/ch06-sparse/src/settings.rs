//! Checked numbers for the command line: penalty weights and the target
//! activation of the KL penalty.

use ch05_denoising::checked::{NumberError, inside_unit_interval, non_negative, parse_number};
use std::fmt;
use std::str::FromStr;

/// A penalty weight (λ or β): finite and never negative. A negative weight
/// would reward the very activity the penalty is there to discourage.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Weight(f32);

/// A target mean activation for the KL penalty: strictly between 0 and 1.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct TargetActivation(f32);

impl Weight {
    /// Dertat's `l1(10e-6)` (= 1e-5, summed over batches of 32 by the Keras
    /// of the time) in this book's convention: λ per image, 32 × 1e-5.
    pub const DERTAT_LAMBDA: Weight = Weight(3.2e-4);
    /// Géron's KL weight 5e-3, which tf.keras divided by his batch size of
    /// 32, in this book's convention (a weight per batch).
    pub const GERON_BETA: Weight = Weight(1.5625e-4);

    /// Checks `value`.
    pub fn new(value: f32) -> Result<Weight, NumberError> {
        let why = "it would reward the activity it should discourage";
        Ok(Weight(non_negative(value, "a penalty weight", why)?))
    }

    /// The weight as a number.
    pub fn get(self) -> f32 {
        self.0
    }
}

impl TargetActivation {
    /// Géron's target mean activation.
    pub const GERON: TargetActivation = TargetActivation(0.1);

    /// Checks `value`.
    pub fn new(value: f32) -> Result<TargetActivation, NumberError> {
        let checked = inside_unit_interval(value, "the target activation")?;
        Ok(TargetActivation(checked))
    }

    /// The target as a number.
    pub fn get(self) -> f32 {
        self.0
    }
}

impl FromStr for Weight {
    type Err = NumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Weight::new(parse_number(text)?)
    }
}

impl FromStr for TargetActivation {
    type Err = NumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TargetActivation::new(parse_number(text)?)
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for TargetActivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_and_targets_are_checked() {
        assert_eq!("3.2e-4".parse::<Weight>().unwrap().get(), 3.2e-4);
        assert_eq!("0".parse::<Weight>().unwrap().get(), 0.0);
        assert!(matches!(
            "-1e-5".parse::<Weight>(),
            Err(NumberError::Negative { .. })
        ));
        assert!(matches!(
            "NaN".parse::<Weight>(),
            Err(NumberError::NotFinite { .. })
        ));
        assert!(matches!(
            "much".parse::<Weight>(),
            Err(NumberError::NotANumber(_))
        ));
        assert_eq!("0.1".parse::<TargetActivation>().unwrap().get(), 0.1);
        for bad in ["0", "1", "-0.1", "NaN"] {
            assert!(matches!(
                bad.parse::<TargetActivation>(),
                Err(NumberError::OutsideUnitInterval { .. })
            ));
        }
    }
}
