//! Lenient scalar parsing for Bybit's string-typed numbers.

use tesser_core::{Cash, Price, Quantity, Timestamp};

/// A field that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: cannot parse `{text}`")]
pub(crate) struct FieldError {
    pub(crate) field: &'static str,
    pub(crate) text: String,
}

pub(crate) fn price(field: &'static str, text: &str) -> Result<Price, FieldError> {
    Price::parse(text).map_err(|_| FieldError {
        field,
        text: text.to_owned(),
    })
}

pub(crate) fn qty(field: &'static str, text: &str) -> Result<Quantity, FieldError> {
    Quantity::parse(text).map_err(|_| FieldError {
        field,
        text: text.to_owned(),
    })
}

/// `""` (Bybit's "absent") maps to `None`.
pub(crate) fn opt_price(field: &'static str, text: &str) -> Result<Option<Price>, FieldError> {
    if text.is_empty() {
        Ok(None)
    } else {
        price(field, text).map(Some)
    }
}

pub(crate) fn cash(field: &'static str, text: &str) -> Result<Cash, FieldError> {
    if text.is_empty() {
        return Ok(Cash::ZERO);
    }
    Cash::parse(text).map_err(|_| FieldError {
        field,
        text: text.to_owned(),
    })
}

pub(crate) fn millis(field: &'static str, text: &str) -> Result<Timestamp, FieldError> {
    text.trim()
        .parse::<i64>()
        .map(Timestamp::from_millis)
        .map_err(|_| FieldError {
            field,
            text: text.to_owned(),
        })
}
