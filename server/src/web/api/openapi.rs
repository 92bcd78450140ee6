//! The OpenAPI 3.1 document of the API, generated from the handlers and the
//! types of the `types` crate.

use axum::Json;
use types::{
    Actor, ActorKind, ArgumentMatch, Attempt, AuditAction, AuditEvent, AuditList, BulkAction, BulkOutcome, BulkRequest,
    FieldError, LogLine, NewPreset, Origin, Preset, PresetChange, PresetList, Problem, Progress, RecentArguments,
    RecentList, ReportRequest, Run, RunAs, RunDetail, RunError, RunFilter, RunId, RunList, RunState, Schedule,
    ScheduleList, StartRequest, Task, TaskKind, TaskList, TrackRequest,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Task Starter API", description = "Start background tasks with arguments and watch their history."),
    paths(
        super::tasks::list,
        super::tasks::one,
        super::tasks::start,
        super::tasks::history,
        super::runs::list,
        super::runs::bulk,
        super::runs::one,
        super::runs::rerun,
        super::runs::cancel,
        super::runs::track,
        super::runs::report,
        super::schedules::list,
        super::schedules::pause,
        super::schedules::resume,
        super::schedules::run_now,
        super::presets::list,
        super::presets::create,
        super::presets::change,
        super::presets::remove,
        super::presets::recent,
        super::audit::list,
    ),
    components(schemas(
        Task, TaskKind, TaskList, Run, RunId, RunState, RunError, Origin, Actor, ActorKind, Progress, RunDetail,
        Attempt, LogLine, RunList, StartRequest, RunAs, TrackRequest, ReportRequest, Schedule, ScheduleList, Problem,
        FieldError, Preset, NewPreset, PresetChange, PresetList, RecentArguments, RecentList,
        BulkRequest, BulkAction, BulkOutcome, RunFilter, ArgumentMatch, AuditEvent, AuditAction, AuditList
    )),
    modifiers(&Security),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

/// Adds the bearer scheme, and the answers every endpoint can give:
/// 401 without valid credentials, 403 for a role too low.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (tsk_...), made by an admin."))
                    .build(),
            ),
        );
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("Problem"))))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.entry("400".to_owned()).or_insert_with(|| problem("A malformed request."));
                responses
                    .entry("401".to_owned())
                    .or_insert_with(|| problem("No credentials, or a bad or revoked token."));
                responses.entry("403".to_owned()).or_insert_with(|| problem("The caller's role is too low."));
                if operation.request_body.is_some() {
                    responses.entry("413".to_owned()).or_insert_with(|| problem("The body is too large."));
                    responses.entry("415".to_owned()).or_insert_with(|| problem("The body is not JSON."));
                    responses
                        .entry("422".to_owned())
                        .or_insert_with(|| problem("The body or the arguments do not fit."));
                }
            }
        }
    }
}

/// `GET /api/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
