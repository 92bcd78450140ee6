//! Calling the real router in-process, as a client would over HTTP.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header, request};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// An answer: status, headers and the body (as JSON when it is JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("")
    }
}

/// A request under construction.
pub struct Call {
    request: request::Builder,
    body: Body,
}

impl Call {
    pub fn new(method: Method, uri: &str) -> Call {
        Call {
            request: Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:3000"),
            body: Body::empty(),
        }
    }

    pub fn get(uri: &str) -> Call {
        Call::new(Method::GET, uri)
    }

    pub fn post(uri: &str) -> Call {
        Call::new(Method::POST, uri)
    }

    pub fn bearer(mut self, token: &str) -> Call {
        self.request = self.request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        self
    }

    /// The connection comes from `address` (as a real listener would record it).
    pub fn connected_from(mut self, address: &str) -> Call {
        let peer: std::net::SocketAddr = format!("{address}:40000").parse().expect("an IP address");
        self.request = self.request.extension(axum::extract::ConnectInfo(peer));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Call {
        self.request = self.request.header(name, value);
        self
    }

    pub fn json(mut self, body: &serde_json::Value) -> Call {
        self.request = self.request.header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body.to_string());
        self
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Body>) -> Call {
        self.request = self.request.header(header::CONTENT_TYPE, content_type);
        self.body = body.into();
        self
    }

    pub async fn send(self, router: &Router) -> Answer {
        let request = self.request.body(self.body).expect("a valid request");
        let response = router.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("the body is read").to_bytes();
        Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }
}
