//! Rolling ordinary-least-squares hedge ratio.

use super::window::PairWindow;

/// One rolling regression of `y` on `x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regression {
    /// Slope `beta = cov(x, y) / var(x)`: units of `x` per unit of `y`'s move.
    pub beta: f64,
    /// Intercept `mean(y) - beta * mean(x)`.
    pub alpha: f64,
}

/// Rolling OLS regression `y = alpha + beta * x` over `period` aligned
/// observations (the hedge ratio of a pair). Undefined (`None`) while the
/// window fills and whenever `x` has zero variance in the window, so a flat
/// leg never produces NaN or an infinite ratio.
#[derive(Debug, Clone)]
pub struct RollingHedgeRatio {
    window: PairWindow,
}

impl RollingHedgeRatio {
    /// A regression over `period` observations (at least 2).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            window: PairWindow::new(period),
        }
    }

    /// Adds one aligned observation and returns the regression when defined.
    pub fn update(&mut self, x: f64, y: f64) -> Option<Regression> {
        self.window.push(x, y);
        self.value()
    }

    /// The current regression, if defined.
    #[must_use]
    pub fn value(&self) -> Option<Regression> {
        let m = self.window.moments()?;
        if m.var_x <= 0.0 {
            return None;
        }
        let beta = m.cov / m.var_x;
        Some(Regression {
            beta,
            alpha: m.mean_y - beta * m.mean_x,
        })
    }
}
