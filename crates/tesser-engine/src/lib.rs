//! tesser-engine.
