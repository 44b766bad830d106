//! Errors of the REST client, carrying Bybit's `retCode`/`retMsg`.

use tesser_broker::BrokerError;

use crate::common::consts::{
    RET_RATE_LIMIT, RET_SERVER_ERROR, RET_SERVER_TIMEOUT, RET_TIMESTAMP_WINDOW, VENUE,
};

/// What went wrong talking to Bybit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BybitError {
    /// Connect error, timeout or dropped connection.
    #[error("transport error: {0}")]
    Transport(String),
    /// A non-200 HTTP status (body possibly HTML or empty).
    #[error("HTTP {status}: {body}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// The first bytes of the body.
        body: String,
    },
    /// Bybit answered with `retCode != 0`.
    #[error("bybit retCode {code}: {message}")]
    Api {
        /// `retCode`.
        code: i64,
        /// `retMsg`.
        message: String,
    },
    /// The answer could not be decoded.
    #[error("cannot decode {what}: {detail}")]
    Decode {
        /// Which message.
        what: String,
        /// The decoder's complaint.
        detail: String,
    },
    /// A private endpoint was called without an API key and secret.
    #[error("no API key/secret configured for private endpoint {0}")]
    NoCredentials(&'static str),
    /// The request cannot be expressed on Bybit.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A WebSocket failure.
    #[error("websocket: {0}")]
    WebSocket(String),
}

impl BybitError {
    /// The `retCode`, when Bybit sent one.
    #[must_use]
    pub fn ret_code(&self) -> Option<i64> {
        match self {
            BybitError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// HTTP 403: Bybit's per-IP limit was breached ("access too frequent";
    /// Bybit asks for a pause of at least 10 minutes), or the IP is
    /// geo-blocked. The body is HTML. Never retried: retrying prolongs a ban.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        matches!(self, BybitError::Http { status: 403, .. })
    }

    /// True for failures worth retrying with backoff.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            BybitError::Transport(_) | BybitError::WebSocket(_) => true,
            BybitError::Http { status, .. } => *status == 429 || *status >= 500,
            BybitError::Api { code, .. } => matches!(
                *code,
                RET_RATE_LIMIT | RET_SERVER_TIMEOUT | RET_SERVER_ERROR | RET_TIMESTAMP_WINDOW
            ),
            BybitError::Decode { .. } | BybitError::NoCredentials(_) | BybitError::Invalid(_) => false,
        }
    }

    pub(crate) fn decode(what: impl Into<String>, detail: impl ToString) -> Self {
        BybitError::Decode {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}

impl From<BybitError> for BrokerError {
    fn from(e: BybitError) -> Self {
        let transient = e.is_transient();
        match e {
            BybitError::Api { code, message } if !transient => BrokerError::Rejected {
                venue: VENUE,
                code,
                message,
            },
            BybitError::Decode { .. } => BrokerError::Protocol {
                venue: VENUE,
                detail: e.to_string(),
            },
            BybitError::NoCredentials(_) | BybitError::Invalid(_) => BrokerError::Rejected {
                venue: VENUE,
                code: 0,
                message: e.to_string(),
            },
            BybitError::Http { status, .. } if !transient && status != 403 => BrokerError::Rejected {
                venue: VENUE,
                code: i64::from(status),
                message: e.to_string(),
            },
            other => BrokerError::Connectivity {
                venue: VENUE,
                detail: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_error_split() {
        let rejected: BrokerError = BybitError::Api {
            code: 110_007,
            message: "ab not enough for new order".into(),
        }
        .into();
        assert!(matches!(rejected, BrokerError::Rejected { code: 110_007, .. }));
        let busy: BrokerError = BybitError::Api {
            code: 10_006,
            message: "Too many visits!".into(),
        }
        .into();
        assert!(matches!(busy, BrokerError::Connectivity { .. }));
        let http: BrokerError = BybitError::Http {
            status: 502,
            body: String::new(),
        }
        .into();
        assert!(matches!(http, BrokerError::Connectivity { .. }));
    }
}
