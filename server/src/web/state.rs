//! What every handler can reach: the service, the console's port, the
//! metrics, Leptos's options, and the console's page paths.

use crate::metrics::Metrics;
use crate::service::Service;
use app::port::SharedPort;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// The state of the HTTP application. Every layer and handler takes a copy
/// per request, so a copy is one reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What the state holds.
pub struct Shared {
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
