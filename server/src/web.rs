//! The HTTP server: the JSON API, the console (server-rendered Leptos pages,
//! server functions and the compiled site), and the layers every request
//! passes: bounds on time and input, who is asking (with CSRF checks),
//! secure headers, metrics.
//!
//! - `listener`: accepting connections (a limit, a header-read timeout);
//! - `layers`: the one middleware every request passes, made of the steps
//!   below (`limits`, `caller`, `headers`, `request_metrics`, `server_functions`);
//! - `limits`: a deadline per request, and no NUL in any address;
//! - `peer`, `caller`, `cookies`: where a request comes from and who sent it;
//! - `headers`, `request_metrics`: what every response carries, and counts;
//! - `api/`: the REST resources; `server_functions`, `port`: the console's
//!   calls; `site`: its compiled files; `problem`: the one place errors
//!   become responses.

pub mod api;
mod caller;
pub mod cookies;
mod headers;
mod layers;
mod limits;
pub mod listener;
mod peer;
mod port;
pub mod problem;
mod request_metrics;
mod server_functions;
mod site;
pub mod state;

pub use state::AppState;

use crate::runtime::Runtime;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;

/// The whole HTTP application.
pub fn router(runtime: &Runtime) -> Router {
    let config = &runtime.config;
    let routes = generate_route_list(app::App);
    let pages = routes.iter().map(|route| route.path().to_owned()).filter(|path| path != "/login").collect();
    let state = app_state(runtime, pages);
    let (port, leptos) = (Arc::clone(&state.port), state.leptos.clone());
    let assets = site::assets(&config.site_root);
    let context = move || {
        provide_context(Arc::clone(&port));
        provide_context(assets.clone());
    };
    let app = Router::new()
        .nest("/api/v1", api::router())
        .merge(site::router(&config.site_root))
        .merge(api::operations_router())
        .route("/rpc/{*name}", any(server_functions::unknown))
        .leptos_routes_with_context(&state, routes, context.clone(), move || app::shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, app::shell));
    with_layers(app, state, config.api.max_body_bytes)
}

/// `routes` behind every layer of the application, with its state: what the
/// bench measures the middleware alone with.
pub fn behind_layers(runtime: &Runtime, routes: Router<AppState>) -> Router {
    with_layers(routes, app_state(runtime, Vec::new()), runtime.config.api.max_body_bytes)
}

fn app_state(runtime: &Runtime, pages: Vec<String>) -> AppState {
    let config = &runtime.config;
    let leptos = LeptosOptions::builder()
        .output_name("task-starter")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build();
    AppState::new(state::Shared {
        service: runtime.service.clone(),
        port: Arc::new(port::ServicePort::new(runtime.service.clone())),
        metrics: Arc::clone(&runtime.metrics),
        leptos,
        pages: Arc::new(pages),
    })
}

/// The layers every request passes: the body limit, then the steps of
/// [`layers::every_request`].
fn with_layers(routes: Router<AppState>, state: AppState, max_body_bytes: usize) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::every_request))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state)
}
