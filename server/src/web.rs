//! The HTTP server: the JSON API, the console (server-rendered Leptos pages,
//! server functions and the compiled site), and the layers every request
//! passes: who is asking (with CSRF checks), secure headers, metrics.

mod caller;
pub use caller::RefusedCredentials;
mod console;
pub mod cookies;
mod headers;
mod request_metrics;

use crate::api;
use crate::metrics::Metrics;
use crate::runtime::Runtime;
use crate::service::Service;
use app::console::SharedConsole;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::response::IntoResponse;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub console: SharedConsole,
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

/// The whole HTTP application.
pub fn router(runtime: &Runtime) -> Router {
    let config = &runtime.config;
    let leptos = LeptosOptions::builder()
        .output_name("task-starter")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    let console: SharedConsole = Arc::new(console::ConsoleAdapter::new(runtime.service.clone()));
    let routes = generate_route_list(app::App);
    let pages = routes.iter().map(|route| route.path().to_owned()).filter(|path| path != "/login").collect();
    let state = AppState {
        service: runtime.service.clone(),
        console: Arc::clone(&console),
        metrics: Arc::clone(&runtime.metrics),
        leptos: leptos.clone(),
        pages: Arc::new(pages),
    };
    let context = move || provide_context(Arc::clone(&console));
    Router::new()
        .nest("/api/v1", api::router())
        .merge(api::operations_router())
        .route("/rpc/{*name}", get(server_functions).post(server_functions))
        .leptos_routes_with_context(&state, routes, context.clone(), move || app::shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), caller::resolve))
        .layer(axum::middleware::from_fn_with_state(state.clone(), headers::secure))
        .layer(axum::middleware::from_fn_with_state(state.clone(), request_metrics::record))
        .layer(DefaultBodyLimit::max(config.api.max_body_bytes))
        .with_state(state)
}

async fn server_functions(State(state): State<AppState>, request: Request) -> impl IntoResponse {
    let console = state.console;
    handle_server_fns_with_context(move || provide_context(Arc::clone(&console)), request).await
}
