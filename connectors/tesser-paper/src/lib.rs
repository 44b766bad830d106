//! tesser-paper.
