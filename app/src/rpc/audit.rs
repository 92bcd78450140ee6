//! The audit log, for admins.

use leptos::prelude::*;
use server_fn::codec::Json;
use types::{AuditFilter, AuditList, Problem};

#[server(client = super::CsrfClient, input = Json)]
pub async fn get_audit(filter: AuditFilter) -> Result<AuditList, Problem> {
    server::call(|port, who| async move { port.audit_log(&who, &filter).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
