//! `/applications` (seed 004): candidates in job pipelines, with their stage history.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::applications::{
    self, Application, ApplicationFilter, ApplicationPatch, NewApplication, Stage, StageChange,
};
use crate::error::Error;

pub struct ApplicationsApi;

crate::page_of!(ApplicationPage, Application);

#[derive(ApiResponse)]
pub enum ApplicationCreated {
    #[oai(status = 201)]
    Created(Json<Application>),
}

#[derive(Debug, poem_openapi::Object)]
pub struct History {
    pub items: Vec<StageChange>,
}

#[OpenApi(prefix_path = "/applications", tag = "Tag::Applications")]
impl ApplicationsApi {
    /// Applications, newest first (an agency's people: those their agency submitted),
    /// optionally of one job, one candidate and/or one stage.
    #[oai(path = "/", method = "get", operation_id = "list_applications")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        job_id: Query<Option<u64>>,
        candidate_id: Query<Option<u64>>,
        status: Query<Option<Stage>>,
    ) -> Result<Json<ApplicationPage>, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let filter = ApplicationFilter {
            job_id: job_id.0,
            candidate_id: candidate_id.0,
            status: status.0,
        };
        let (items, total) = applications::list(&state.store, who, &filter, page.skip, page.limit)?;
        Ok(Json(ApplicationPage { items, total }))
    }

    /// Put a candidate into a job's pipeline. One application per (job, candidate): a second → 409.
    /// An agency submits its own candidates, as `sourced` or `applied`.
    #[oai(path = "/", method = "post", operation_id = "create_application")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewApplication>,
    ) -> Result<ApplicationCreated, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_SUBMIT)?;
        Ok(ApplicationCreated::Created(Json(
            applications::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(
        path = "/:application_id",
        method = "get",
        operation_id = "get_application"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        application_id: Path<u64>,
    ) -> Result<Json<Application>, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_READ)?;
        Ok(Json(applications::get(
            &state.store,
            who,
            application_id.0,
        )?))
    }

    /// Move the application to another stage (recorded in its history) or change its source or fit score.
    #[oai(
        path = "/:application_id",
        method = "patch",
        operation_id = "update_application"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        application_id: Path<u64>,
        body: Json<ApplicationPatch>,
    ) -> Result<Json<Application>, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_WRITE)?;
        Ok(Json(
            applications::update(&state.store, who, application_id.0, body.0).await?,
        ))
    }

    #[oai(
        path = "/:application_id",
        method = "delete",
        operation_id = "delete_application"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        application_id: Path<u64>,
    ) -> Result<Deleted, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_WRITE)?;
        applications::delete(&state.store, who, application_id.0).await?;
        Ok(Deleted::Done)
    }

    /// Every stage change of the application, oldest first: from, to, who, when.
    #[oai(
        path = "/:application_id/history",
        method = "get",
        operation_id = "application_history"
    )]
    async fn history(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        application_id: Path<u64>,
    ) -> Result<Json<History>, Error> {
        let who = auth.identity().allow(Permission::APPLICATIONS_READ)?;
        Ok(Json(History {
            items: applications::history(&state.store, who, application_id.0)?,
        }))
    }
}
