//! Rolling mean, standard deviation and z-score.

use super::window::Window;

/// Rolling mean, population standard deviation and z-score over `period`
/// values. Drift-free over long runs (see the window module). Values are
/// defined once the window is full.
#[derive(Debug, Clone)]
pub struct RollingStats {
    window: Window,
}

impl RollingStats {
    /// Statistics over `period` values (at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            window: Window::new(period),
        }
    }

    /// The period.
    #[must_use]
    pub fn period(&self) -> usize {
        self.window.period()
    }

    /// Adds a value; returns the z-score of that value once defined.
    pub fn update(&mut self, x: f64) -> Option<f64> {
        self.window.push(x);
        self.zscore()
    }

    /// True once `period` values were seen.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.window.is_full()
    }

    /// Mean of the window.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        self.is_ready().then(|| self.window.mean())
    }

    /// Population standard deviation of the window.
    #[must_use]
    pub fn std(&self) -> Option<f64> {
        self.is_ready().then(|| self.window.variance().sqrt())
    }

    /// `(last - mean) / std` of the newest value; **0** when the window has no
    /// spread (a zero standard deviation never yields NaN or infinity).
    #[must_use]
    pub fn zscore(&self) -> Option<f64> {
        let last = self.window.last()?;
        let (mean, std) = (self.mean()?, self.std()?);
        Some(if std > 0.0 { (last - mean) / std } else { 0.0 })
    }
}
