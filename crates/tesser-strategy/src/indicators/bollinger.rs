//! Bollinger bands.

use super::window::Window;

/// One Bollinger reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    /// `mid + mult * std`.
    pub upper: f64,
    /// Simple moving average.
    pub mid: f64,
    /// `mid - mult * std`.
    pub lower: f64,
    /// Population standard deviation of the window.
    pub std: f64,
}

/// Bollinger bands: SMA(`period`) ± `mult` × population standard deviation
/// (TA-Lib's `BBANDS` with equal up/down multipliers and a simple average).
/// Defined from the `period`-th input; a constant window gives `std = 0`
/// and bands equal to the mean.
#[derive(Debug, Clone)]
pub struct Bollinger {
    window: Window,
    mult: f64,
}

impl Bollinger {
    /// Bands over `period` values (at least 1), `mult` standard deviations wide.
    #[must_use]
    pub fn new(period: usize, mult: f64) -> Self {
        Self {
            window: Window::new(period),
            mult,
        }
    }

    /// Adds a value and returns the bands once defined.
    pub fn update(&mut self, x: f64) -> Option<Bands> {
        self.window.push(x);
        self.value()
    }

    /// The current bands, if defined.
    #[must_use]
    pub fn value(&self) -> Option<Bands> {
        if !self.window.is_full() {
            return None;
        }
        let mid = self.window.mean();
        let std = self.window.variance().sqrt();
        Some(Bands {
            upper: mid + self.mult * std,
            mid,
            lower: mid - self.mult * std,
            std,
        })
    }
}
