//! What every handler can reach: the service, the console's port, the
//! metrics, Leptos's options, and the console's page paths.

use crate::metrics::Metrics;
use crate::service::Service;
use app::port::SharedPort;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// The state of the HTTP application.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub port: SharedPort,
    pub metrics: Arc<Metrics>,
    pub leptos: LeptosOptions,
    /// The console's page paths: without a session they redirect to sign-in.
    pub pages: Arc<Vec<String>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}
