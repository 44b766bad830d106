//! Exact money newtypes. A price cannot be passed where a quantity belongs, and
//! `Price * Quantity` is [`Cash`], not a price.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why a money value could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is below zero where only non-negative values make sense.
    #[error("{field} must not be negative, got {value}")]
    Negative {
        /// Which kind of value was being built.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
    },
    /// The text is not a decimal number.
    #[error("`{text}` is not a valid {field} (expected a decimal number)")]
    Parse {
        /// Which kind of value was being parsed.
        field: &'static str,
        /// The rejected text.
        text: String,
    },
}

/// Writes `d` without trailing fractional zeros (as `d.normalize()` prints),
/// digit by digit on the stack: reports print one of these per row. Honours
/// no width or precision flags (money is never padded here).
fn write_normalized(d: Decimal, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let negative = d.is_sign_negative();
    let mut scale = d.scale();
    // 128-bit division is a software routine: use u64 whenever it fits.
    let Ok(mut m) = u64::try_from(d.mantissa().unsigned_abs()) else {
        return fmt::Display::fmt(&d.normalize(), f);
    };
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    if m == 0 {
        return f.write_str("0");
    }
    // 20 digits at most, a point, leading zeros up to the scale (28), a sign.
    let mut buf = [0u8; 56];
    let mut pos = buf.len();
    let mut written = 0u32;
    while m > 0 || written <= scale {
        if written == scale && scale > 0 {
            pos -= 1;
            buf[pos] = b'.';
        }
        pos -= 1;
        buf[pos] = b'0' + (m % 10) as u8;
        m /= 10;
        written += 1;
        if m == 0 && written > scale {
            break;
        }
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    f.write_str(std::str::from_utf8(&buf[pos..]).map_err(|_| fmt::Error)?)
}

/// Powers of ten up to a `Decimal`'s largest scale (28).
const POW10: [f64; 29] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
];

/// `Decimal` to the nearest `f64` within a couple of ulps: mantissa over a
/// power of ten. An order of magnitude cheaper than the general conversion;
/// for indicators and statistics only, never for money.
#[must_use]
#[inline]
pub fn decimal_to_f64(d: Decimal) -> f64 {
    fast_f64(d)
}

#[inline]
fn fast_f64(d: Decimal) -> f64 {
    let mantissa = d.mantissa();
    // i64 -> f64 is one instruction; i128 -> f64 a library call, kept out of
    // line so the compiler cannot compute it speculatively on every call.
    let narrow = mantissa as i64;
    match POW10.get(d.scale() as usize) {
        Some(p) if i128::from(narrow) == mantissa => narrow as f64 / p,
        _ => wide_f64(d),
    }
}

#[cold]
#[inline(never)]
fn wide_f64(d: Decimal) -> f64 {
    match POW10.get(d.scale() as usize) {
        Some(p) => d.mantissa() as f64 / p,
        None => d.to_f64().unwrap_or(f64::NAN),
    }
}

/// Fast path for plain `[-]digits[.digits]` with at most 18 digits: builds the
/// decimal from an integer mantissa without the general parser.
fn parse_plain(text: &[u8]) -> Option<Decimal> {
    let (neg, body) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() || body.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale: Option<u32> = None;
    let mut digits = 0;
    for &b in body {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    if digits == 0 || digits > 18 {
        return None;
    }
    let mantissa = if neg { -mantissa } else { mantissa };
    Some(Decimal::new(mantissa, scale.unwrap_or(0)))
}

fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, ValueError> {
    if let Some(d) = parse_plain(text.as_bytes()) {
        return Ok(d);
    }
    let trimmed = text.trim();
    Decimal::from_str_exact(trimmed)
        .or_else(|_| Decimal::from_scientific(trimmed))
        .map_err(|_| ValueError::Parse {
            field,
            text: text.to_owned(),
        })
}

/// `Decimal` ordering with a fast path: values at the same scale (prices and
/// sizes from one file usually are) compare as integers.
#[inline]
fn cmp_decimal(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

macro_rules! non_negative {
    ($name:ident, $field:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        #[serde(try_from = "Decimal", into = "Decimal")]
        pub struct $name(Decimal);

        impl Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                cmp_decimal(self.0, other.0)
            }
        }

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(Decimal::ZERO);

            /// Builds a value, rejecting negatives.
            ///
            /// # Errors
            /// [`ValueError::Negative`] if `value` is below zero.
            #[inline]
            pub fn new(value: Decimal) -> Result<Self, ValueError> {
                if value.is_sign_negative() && !value.is_zero() {
                    return Err(ValueError::Negative {
                        field: $field,
                        value,
                    });
                }
                Ok(Self(value))
            }

            /// Parses decimal text exactly (never through `f64`).
            ///
            /// # Errors
            /// [`ValueError::Parse`] for text that is not a number,
            /// [`ValueError::Negative`] for a negative one.
            pub fn parse(text: &str) -> Result<Self, ValueError> {
                Self::new(parse_decimal($field, text)?)
            }

            /// [`Self::parse`] on raw bytes (a CSV field): plain decimals are
            /// read without UTF-8 validation.
            ///
            /// # Errors
            /// As [`Self::parse`]; non-UTF-8 bytes are a parse error.
            pub fn parse_ascii(bytes: &[u8]) -> Result<Self, ValueError> {
                match parse_plain(bytes) {
                    Some(d) => Self::new(d),
                    None => Self::parse(&String::from_utf8_lossy(bytes)),
                }
            }

            /// The underlying decimal.
            #[must_use]
            #[inline]
            pub const fn get(self) -> Decimal {
                self.0
            }

            /// True when the value is zero.
            #[must_use]
            #[inline]
            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }

            /// The nearest `f64`, for indicators and statistics only.
            #[must_use]
            #[inline]
            pub fn to_f64(self) -> f64 {
                fast_f64(self.0)
            }
        }

        impl TryFrom<Decimal> for $name {
            type Error = ValueError;
            fn try_from(value: Decimal) -> Result<Self, ValueError> {
                Self::new(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Decimal {
                value.0
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<Self, ValueError> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_normalized(self.0, f)
            }
        }
    };
}

non_negative!(
    Price,
    "price",
    "A non-negative exact price in quote currency per unit."
);
non_negative!(
    Quantity,
    "quantity",
    "A non-negative exact amount of the base asset."
);

impl Add for Quantity {
    type Output = Quantity;
    #[inline]
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity(self.0 + rhs.0)
    }
}

impl Quantity {
    /// `self - rhs`, or `None` when that would be negative.
    #[must_use]
    #[inline]
    pub fn checked_sub(self, rhs: Quantity) -> Option<Quantity> {
        let d = self.0 - rhs.0;
        (!d.is_sign_negative() || d.is_zero()).then_some(Quantity(d))
    }

    /// The smaller of two quantities.
    #[must_use]
    #[inline]
    pub fn min(self, rhs: Quantity) -> Quantity {
        if rhs.0 < self.0 {
            rhs
        } else {
            self
        }
    }
}

impl Price {
    /// Scales the price by `factor` (e.g. `1 + slippage`), clamped at zero.
    #[must_use]
    #[inline]
    pub fn scaled(self, factor: Decimal) -> Price {
        Price((self.0 * factor).max(Decimal::ZERO))
    }
}

impl Mul<Quantity> for Price {
    type Output = Cash;
    #[inline]
    fn mul(self, qty: Quantity) -> Cash {
        Cash(self.0 * qty.0)
    }
}

/// A signed exact amount of quote currency: cash balances, fees, PnL, notionals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(transparent)]
pub struct Cash(Decimal);

impl Ord for Cash {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        cmp_decimal(self.0, other.0)
    }
}

impl PartialOrd for Cash {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Cash {
    /// Serialises as normalised decimal text (`"-4.43072"`), never a float.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

impl Cash {
    /// Zero.
    pub const ZERO: Self = Self(Decimal::ZERO);

    /// Wraps a decimal amount (any sign).
    #[must_use]
    #[inline]
    pub const fn new(value: Decimal) -> Self {
        Self(value)
    }

    /// Parses decimal text exactly.
    ///
    /// # Errors
    /// [`ValueError::Parse`] for text that is not a number.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        parse_decimal("cash", text).map(Self)
    }

    /// The underlying decimal.
    #[must_use]
    #[inline]
    pub const fn get(self) -> Decimal {
        self.0
    }

    /// The nearest `f64`, for statistics only.
    #[must_use]
    #[inline]
    pub fn to_f64(self) -> f64 {
        fast_f64(self.0)
    }

    /// Multiplies by a dimensionless factor (a rate, a fraction).
    #[must_use]
    #[inline]
    pub fn scale(self, factor: Decimal) -> Cash {
        Cash(self.0 * factor)
    }

    /// Absolute value.
    #[must_use]
    #[inline]
    pub fn abs(self) -> Cash {
        Cash(self.0.abs())
    }

    /// True when strictly above zero.
    #[must_use]
    #[inline]
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// True when strictly below zero.
    #[must_use]
    #[inline]
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }
}

impl Add for Cash {
    type Output = Cash;
    #[inline]
    fn add(self, rhs: Cash) -> Cash {
        Cash(self.0 + rhs.0)
    }
}

impl Sub for Cash {
    type Output = Cash;
    #[inline]
    fn sub(self, rhs: Cash) -> Cash {
        Cash(self.0 - rhs.0)
    }
}

impl Neg for Cash {
    type Output = Cash;
    #[inline]
    fn neg(self) -> Cash {
        Cash(-self.0)
    }
}

impl AddAssign for Cash {
    #[inline]
    fn add_assign(&mut self, rhs: Cash) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Cash {
    #[inline]
    fn sub_assign(&mut self, rhs: Cash) {
        self.0 -= rhs.0;
    }
}

impl Sum for Cash {
    fn sum<I: Iterator<Item = Cash>>(iter: I) -> Cash {
        iter.fold(Cash::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Cash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_normalized(self.0, f)
    }
}

#[cfg(test)]
mod tests;
