//! Pieces shared by the REST and WebSocket halves: constants, credentials and
//! signing, closed venue enums, decimal parsing, URLs and backoff.

pub(crate) mod backoff;
pub(crate) mod consts;
pub(crate) mod credential;
pub(crate) mod enums;
pub(crate) mod parse;
pub(crate) mod urls;

pub use backoff::Backoff;
pub use credential::{sign_payload, ws_auth_signature};
