//! Numbers typed on the command line that must lie in a range (a noise
//! factor, a penalty weight, a target activation), and the one error type
//! that says why one was refused. Chapter 6 checks its settings with it too.

/// Why a number was refused. `what` names the setting in the message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NumberError {
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("{what} must be a finite number, got {value}")]
    NotFinite { what: &'static str, value: f32 },
    #[error("{what} cannot be negative (got {value}): {why}")]
    Negative {
        what: &'static str,
        value: f32,
        /// Why a negative value makes no sense for this setting.
        why: &'static str,
    },
    #[error("{what} must lie strictly between 0 and 1, got {value}")]
    OutsideUnitInterval { what: &'static str, value: f32 },
}

/// `text` as a number, surrounding spaces allowed.
pub fn parse_number(text: &str) -> Result<f32, NumberError> {
    text.trim()
        .parse()
        .map_err(|_| NumberError::NotANumber(text.to_string()))
}

/// `value` if it is finite and not negative (`-0.0` becomes `0.0`);
/// otherwise the error, naming `what` and saying `why` negatives are refused.
pub fn non_negative(value: f32, what: &'static str, why: &'static str) -> Result<f32, NumberError> {
    if !value.is_finite() {
        Err(NumberError::NotFinite { what, value })
    } else if value < 0.0 {
        Err(NumberError::Negative { what, value, why })
    } else {
        Ok(value.abs())
    }
}

/// `value` if it lies strictly between 0 and 1.
pub fn inside_unit_interval(value: f32, what: &'static str) -> Result<f32, NumberError> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(NumberError::OutsideUnitInterval { what, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_and_the_messages_name_the_setting() {
        assert_eq!(parse_number(" 0.5 "), Ok(0.5));
        assert!(matches!(
            parse_number("half"),
            Err(NumberError::NotANumber(_))
        ));
        assert_eq!(non_negative(-0.0, "x", "y"), Ok(0.0));
        let negative = non_negative(-1.0, "the noise factor", "it is a standard deviation");
        assert_eq!(
            negative.unwrap_err().to_string(),
            "the noise factor cannot be negative (got -1): it is a standard deviation"
        );
        assert!(matches!(
            non_negative(f32::NAN, "x", "y"),
            Err(NumberError::NotFinite { .. })
        ));
        assert_eq!(inside_unit_interval(0.1, "t"), Ok(0.1));
        for bad in [0.0, 1.0, -0.1, f32::NAN] {
            assert!(inside_unit_interval(bad, "t").is_err());
        }
    }
}
