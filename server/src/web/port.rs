//! The console's server side: `app::port::ServerPort` over the service
//! layer, so the server functions and the REST API share every rule.

use super::cookies;
use crate::service::{Service, ServiceError};
use app::port::{Caller, ServerPort};
use types::{
    ApiToken, AuditFilter, AuditList, BulkOutcome, BulkRequest, CreatedToken, NewPreset, NewToken, NewUser, Origin,
    Preset, PresetChange, Principal, Problem, RecentArguments, RequestFrom, Run, RunDetail, RunFilter, RunId, RunList,
    Schedule, SessionInfo, StartRequest, Task, User,
};

pub struct ServicePort {
    service: Service,
}

impl ServicePort {
    pub fn new(service: Service) -> ServicePort {
        ServicePort { service }
    }
}

fn problem(error: ServiceError) -> Problem {
    error.into()
}

#[async_trait::async_trait]
impl ServerPort for ServicePort {
    fn session_info(&self, caller: &Caller) -> SessionInfo {
        SessionInfo {
            user: caller.principal.name.clone(),
            role: caller.principal.role,
            impersonate_user: self.service.impersonation_for(&caller.principal).map(str::to_owned),
            csrf_token: caller.csrf_token.clone().unwrap_or_default(),
        }
    }

    async fn sign_in(&self, name: &str, password: &str, from: &RequestFrom) -> Result<String, Problem> {
        let session = self.service.sign_in(name, password, from).await.map_err(problem)?;
        let config = self.service.config();
        Ok(cookies::session_cookie(&session.token, config.auth.session_ttl.0, config.is_https()))
    }

    async fn sign_out(&self, caller: &Caller) -> Result<String, Problem> {
        if let Some(key) = &caller.session_key {
            self.service.sign_out(&caller.principal, key).await.map_err(problem)?;
        }
        Ok(cookies::cleared_cookie(self.service.config().is_https()))
    }

    async fn tasks(&self, principal: &Principal) -> Result<Vec<Task>, Problem> {
        self.service.list_tasks(principal).map_err(problem)
    }

    async fn start(&self, principal: &Principal, task: &str, request: StartRequest) -> Result<Run, Problem> {
        self.service.start(principal, task, request, Origin::Ui).await.map_err(problem)
    }

    async fn history(&self, principal: &Principal, task: &str) -> Result<Vec<Run>, Problem> {
        self.service.history(principal, task).await.map_err(problem)
    }

    async fn runs(&self, principal: &Principal, ids: &[RunId]) -> Result<Vec<Run>, Problem> {
        self.service.runs_by_ids(principal, ids).await.map_err(problem)
    }

    async fn run_detail(&self, principal: &Principal, id: RunId) -> Result<RunDetail, Problem> {
        self.service.run_detail(principal, id).await.map_err(problem)
    }

    async fn rerun(&self, principal: &Principal, id: RunId) -> Result<Run, Problem> {
        self.service.rerun(principal, id).await.map_err(problem)
    }

    async fn cancel(&self, principal: &Principal, id: RunId) -> Result<Run, Problem> {
        self.service.cancel(principal, id).await.map_err(problem)
    }

    async fn list_runs(&self, principal: &Principal, filter: &RunFilter) -> Result<RunList, Problem> {
        self.service.list_runs(principal, filter).await.map_err(problem)
    }

    async fn bulk(&self, principal: &Principal, request: BulkRequest) -> Result<BulkOutcome, Problem> {
        self.service.bulk(principal, request).await.map_err(problem)
    }

    async fn audit_log(&self, principal: &Principal, filter: &AuditFilter) -> Result<AuditList, Problem> {
        self.service.audit_log(principal, filter).await.map_err(problem)
    }

    async fn presets(&self, principal: &Principal, task: &str) -> Result<Vec<Preset>, Problem> {
        self.service.presets(principal, task).await.map_err(problem)
    }

    async fn create_preset(&self, principal: &Principal, task: &str, preset: NewPreset) -> Result<Preset, Problem> {
        self.service.create_preset(principal, task, preset).await.map_err(problem)
    }

    async fn change_preset(
        &self,
        principal: &Principal,
        task: &str,
        id: &str,
        change: PresetChange,
    ) -> Result<Preset, Problem> {
        self.service.change_preset(principal, task, id, change).await.map_err(problem)
    }

    async fn delete_preset(&self, principal: &Principal, task: &str, id: &str) -> Result<(), Problem> {
        self.service.delete_preset(principal, task, id).await.map_err(problem)
    }

    async fn recent_arguments(&self, principal: &Principal, task: &str) -> Result<Vec<RecentArguments>, Problem> {
        self.service.recent_arguments(principal, task).await.map_err(problem)
    }

    async fn schedules(&self, principal: &Principal) -> Result<Vec<Schedule>, Problem> {
        self.service.schedules(principal).await.map_err(problem)
    }

    async fn set_schedule_paused(&self, principal: &Principal, name: &str, paused: bool) -> Result<Schedule, Problem> {
        self.service.set_schedule_paused(principal, name, paused).await.map_err(problem)
    }

    async fn run_schedule_now(&self, principal: &Principal, name: &str) -> Result<Run, Problem> {
        self.service.run_schedule_now(principal, name).await.map_err(problem)
    }

    async fn users(&self, principal: &Principal) -> Result<Vec<User>, Problem> {
        self.service.users(principal).await.map_err(problem)
    }

    async fn add_user(&self, principal: &Principal, user: NewUser) -> Result<User, Problem> {
        self.service.add_user(principal, user).await.map_err(problem)
    }

    async fn delete_user(&self, principal: &Principal, name: &str) -> Result<(), Problem> {
        self.service.delete_user(principal, name).await.map_err(problem)
    }

    async fn tokens(&self, principal: &Principal) -> Result<Vec<ApiToken>, Problem> {
        self.service.tokens(principal).await.map_err(problem)
    }

    async fn create_token(&self, principal: &Principal, token: NewToken) -> Result<CreatedToken, Problem> {
        self.service.create_token(principal, token).await.map_err(problem)
    }

    async fn revoke_token(&self, principal: &Principal, id: &str) -> Result<ApiToken, Problem> {
        self.service.revoke_token(principal, id).await.map_err(problem)
    }
}
