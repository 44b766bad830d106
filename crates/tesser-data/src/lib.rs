//! tesser-data.
