//! `/projects` and `/slots`: the marketplace's projects, the slots (seats) each needs filled,
//! and each slot's ranked matches among the organisation's people.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::people::View;
use crate::domain::projects::{
    self, NewProject, NewSlot, Project, ProjectPatch, ProjectStatus, Slot, SlotMatches, SlotPatch,
    SlotStatus,
};
use crate::error::Result;
use crate::search;

pub struct ProjectsApi;
pub struct SlotsApi;

crate::page_of!(ProjectPage, Project);
crate::page_of!(SlotPage, Slot);

#[derive(ApiResponse)]
pub enum ProjectCreated {
    #[oai(status = 201)]
    Created(Json<Project>),
}

#[derive(ApiResponse)]
pub enum SlotCreated {
    #[oai(status = 201)]
    Created(Json<Slot>),
}

#[OpenApi(prefix_path = "/projects", tag = "Tag::Projects")]
impl ProjectsApi {
    /// Projects, newest first.
    #[oai(path = "/", method = "get", operation_id = "list_projects")]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        status: Query<Option<ProjectStatus>>,
    ) -> Result<Json<ProjectPage>> {
        let who = auth.identity().allow(Permission::PROJECTS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let (items, total) =
            projects::list(&state.store, who.tenant_id, status.0, page.skip, page.limit)?;
        Ok(Json(ProjectPage { items, total }))
    }

    /// Add a project; `name` is required and `end_date` comes after `start_date`.
    #[oai(path = "/", method = "post", operation_id = "create_project")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewProject>,
    ) -> Result<ProjectCreated> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        Ok(ProjectCreated::Created(Json(
            projects::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(path = "/:project_id", method = "get", operation_id = "get_project")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        project_id: Path<u64>,
    ) -> Result<Json<Project>> {
        let who = auth.identity().allow(Permission::PROJECTS_READ)?;
        Ok(Json(projects::get(
            &state.store,
            who.tenant_id,
            project_id.0,
        )?))
    }

    /// Change some fields: absent fields stay, `null` clears a nullable one.
    #[oai(
        path = "/:project_id",
        method = "patch",
        operation_id = "update_project"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        project_id: Path<u64>,
        body: Json<ProjectPatch>,
    ) -> Result<Json<Project>> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        Ok(Json(
            projects::update(&state.store, who, project_id.0, body.0).await?,
        ))
    }

    /// Delete a project with its slots and their engagements.
    #[oai(
        path = "/:project_id",
        method = "delete",
        operation_id = "delete_project"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        project_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        projects::delete(&state.store, who, project_id.0).await?;
        Ok(Deleted::Done)
    }

    /// The project's slots, newest first.
    #[oai(
        path = "/:project_id/slots",
        method = "get",
        operation_id = "list_slots"
    )]
    async fn slots(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        project_id: Path<u64>,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        status: Query<Option<SlotStatus>>,
    ) -> Result<Json<SlotPage>> {
        let who = auth.identity().allow(Permission::PROJECTS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let (items, total) = projects::list_slots(
            &state.store,
            who.tenant_id,
            project_id.0,
            status.0,
            page.skip,
            page.limit,
        )?;
        Ok(Json(SlotPage { items, total }))
    }

    /// Add a slot to the project: a seat asking for skills, a seniority, a day rate (`rate_max`
    /// with its `currency`) and terms of work over some dates. It starts `open`.
    #[oai(
        path = "/:project_id/slots",
        method = "post",
        operation_id = "create_slot"
    )]
    async fn create_slot(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        project_id: Path<u64>,
        body: Json<NewSlot>,
    ) -> Result<SlotCreated> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        Ok(SlotCreated::Created(Json(
            projects::create_slot(&state.store, who, project_id.0, body.0).await?,
        )))
    }
}

#[OpenApi(prefix_path = "/slots", tag = "Tag::Projects")]
impl SlotsApi {
    #[oai(path = "/:slot_id", method = "get", operation_id = "get_slot")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        slot_id: Path<u64>,
    ) -> Result<Json<Slot>> {
        let who = auth.identity().allow(Permission::PROJECTS_READ)?;
        Ok(Json(projects::get_slot(
            &state.store,
            who.tenant_id,
            slot_id.0,
        )?))
    }

    /// Change some fields: absent fields stay, `null` clears a nullable one. A slot an
    /// engagement fills reopens only when that engagement ends (422).
    #[oai(path = "/:slot_id", method = "patch", operation_id = "update_slot")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        slot_id: Path<u64>,
        body: Json<SlotPatch>,
    ) -> Result<Json<Slot>> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        Ok(Json(
            projects::update_slot(&state.store, who, slot_id.0, body.0).await?,
        ))
    }

    /// Delete a slot with its engagements.
    #[oai(path = "/:slot_id", method = "delete", operation_id = "delete_slot")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        slot_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::PROJECTS_WRITE)?;
        projects::delete_slot(&state.store, who, slot_id.0).await?;
        Ok(Deleted::Done)
    }

    /// The organisation's people ranked for the slot, best first: a score 0–100 with its
    /// six-axis breakdown (skills, experience, seniority, location, compensation,
    /// availability), a reason, and the slot's skills each person has and lacks. Someone
    /// engaged elsewhere on a day of the slot scores as `engaged`.
    #[oai(
        path = "/:slot_id/matches",
        method = "get",
        operation_id = "slot_matches"
    )]
    async fn matches(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        slot_id: Path<u64>,
        /// How many to return (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> Result<Json<SlotMatches>> {
        let who = auth.identity().allow(Permission::PROJECTS_READ)?;
        let view = View::of(who)?;
        let (state, tenant) = (Arc::clone(&state), who.tenant_id);
        let limit = limit.0.unwrap_or(20) as usize;
        let matches = search::off_the_workers(move || {
            projects::matches(&state.store, view, tenant, slot_id.0, limit)
        })
        .await?;
        Ok(Json(matches))
    }
}
