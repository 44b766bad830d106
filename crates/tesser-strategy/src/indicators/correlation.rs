//! Rolling Pearson correlation.

use super::window::PairWindow;

/// Rolling Pearson correlation of two aligned series over `period`
/// observations, clamped to `[-1, 1]`. A window in which either series is
/// constant has no defined correlation; it reports **0** (no NaN).
#[derive(Debug, Clone)]
pub struct RollingCorrelation {
    window: PairWindow,
}

impl RollingCorrelation {
    /// A correlation over `period` observations (at least 2).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            window: PairWindow::new(period),
        }
    }

    /// Adds one aligned observation and returns the correlation once the
    /// window is full.
    pub fn update(&mut self, x: f64, y: f64) -> Option<f64> {
        self.window.push(x, y);
        self.value()
    }

    /// The current correlation, if defined.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        let m = self.window.moments()?;
        let denom = (m.var_x * m.var_y).sqrt();
        Some(if denom > 0.0 {
            (m.cov / denom).clamp(-1.0, 1.0)
        } else {
            0.0
        })
    }
}
