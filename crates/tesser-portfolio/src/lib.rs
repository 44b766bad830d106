//! tesser-portfolio.
