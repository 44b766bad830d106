//! `ExecutionClient` over the signed REST order endpoints. Outcomes (fills,
//! status changes) arrive later on the private stream.

use tesser_broker::{BrokerError, BrokerFuture, ExecutionClient};
use tesser_core::{ClientOrderId, OrderRequest, Symbol};

use crate::http::BybitHttpClient;

/// Sends orders to Bybit.
#[derive(Debug, Clone)]
pub struct BybitExecution {
    client: BybitHttpClient,
}

impl BybitExecution {
    /// Wraps a REST client with credentials.
    #[must_use]
    pub fn new(client: BybitHttpClient) -> Self {
        Self { client }
    }
}

impl ExecutionClient for BybitExecution {
    fn submit_order(&self, request: OrderRequest) -> BrokerFuture<'_, ()> {
        Box::pin(async move {
            self.client
                .create_order(&request)
                .await
                .map(|_| ())
                .map_err(BrokerError::from)
        })
    }

    fn cancel_order(&self, symbol: Symbol, id: ClientOrderId) -> BrokerFuture<'_, ()> {
        Box::pin(async move {
            self.client
                .cancel_order(symbol, id)
                .await
                .map(|_| ())
                .map_err(BrokerError::from)
        })
    }
}
