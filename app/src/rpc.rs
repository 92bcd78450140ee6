//! Server functions: the console's calls to the server, one module per area.
//! Each goes through the [`ServerPort`](crate::port::ServerPort) the server
//! provides, which checks who is asking; unsafe calls carry the session's
//! CSRF token.

mod audit;
mod presets;
mod runs;
mod schedules;
mod session;
mod tasks;
mod tokens;
mod users;

pub use audit::*;
pub use presets::*;
pub use runs::*;
pub use schedules::*;
pub use session::*;
pub use tasks::*;
pub use tokens::*;
pub use users::*;

use server_fn::client::Client;
use server_fn::client::browser::BrowserClient;
use server_fn::error::FromServerFnError;
use server_fn::request::browser::BrowserRequest;
use server_fn::response::browser::BrowserResponse;

/// The header that carries the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The browser client, plus the `X-CSRF-Token` header of the session.
pub struct CsrfClient;

impl<E, InputError, OutputError> Client<E, InputError, OutputError> for CsrfClient
where
    E: FromServerFnError,
    InputError: FromServerFnError,
    OutputError: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(request: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        if let Some(token) = crate::browser::csrf_token() {
            request.headers().set(CSRF_HEADER, &token);
        }
        <BrowserClient as Client<E, InputError, OutputError>>::send(request)
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<bytes::Bytes, bytes::Bytes>> + Send + 'static,
                impl futures::Sink<bytes::Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, InputError, OutputError>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, InputError, OutputError>>::spawn(future);
    }
}

/// The server side of every server function.
#[cfg(feature = "ssr")]
pub(crate) mod server {
    use crate::port::{Caller, SharedPort};
    use leptos::prelude::*;
    use types::{Principal, Problem};

    /// Asks the port for the signed-in caller (401 when nobody signed in);
    /// a problem's status becomes the response's.
    pub async fn call<T, Asked>(ask: impl FnOnce(SharedPort, Principal) -> Asked) -> Result<T, Problem>
    where
        Asked: Future<Output = Result<T, Problem>>,
    {
        let port = port()?;
        let Some(caller) = caller() else {
            return respond(Err(Problem::unauthorized("Sign in first.")));
        };
        respond(ask(port, caller.principal).await)
    }

    pub fn port() -> Result<SharedPort, Problem> {
        use_context::<SharedPort>().ok_or_else(Problem::internal)
    }

    /// Who is asking, as the server's middleware resolved it.
    pub fn caller() -> Option<Caller> {
        use_context::<http::request::Parts>()?.extensions.get::<Caller>().cloned()
    }

    /// Passes a result through, giving the response the problem's status.
    pub fn respond<T>(result: Result<T, Problem>) -> Result<T, Problem> {
        if let Err(problem) = &result {
            set_status(problem);
        }
        result
    }

    fn set_status(problem: &Problem) {
        if let (Some(options), Ok(status)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(problem.status))
        {
            options.set_status(status);
        }
    }
}
