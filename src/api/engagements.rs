//! `/engagements`: people on project slots. Engaging fills the slot; ending, cancelling or
//! deleting reopens it. A `talent` account sees only its own engagements.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::engagements::{
    self, Engagement, EngagementFilter, EngagementPatch, EngagementStatus, NewEngagement,
};
use crate::error::Result;

pub struct EngagementsApi;

crate::page_of!(EngagementPage, Engagement);

#[derive(ApiResponse)]
pub enum EngagementCreated {
    #[oai(status = 201)]
    Created(Json<Engagement>),
}

#[OpenApi(prefix_path = "/engagements", tag = "Tag::Engagements")]
impl EngagementsApi {
    /// Engagements, newest first; a `talent` account's own only.
    #[oai(path = "/", method = "get", operation_id = "list_engagements")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        slot_id: Query<Option<u64>>,
        person_id: Query<Option<u64>>,
        project_id: Query<Option<u64>>,
        status: Query<Option<EngagementStatus>>,
    ) -> Result<Json<EngagementPage>> {
        let page = Paging::new(skip.0, limit.0);
        let filter = EngagementFilter {
            slot_id: slot_id.0,
            person_id: person_id.0,
            project_id: project_id.0,
            status: status.0,
        };
        let (items, total) = engagements::list(
            &state.store,
            auth.identity(),
            &filter,
            page.skip,
            page.limit,
        )?;
        Ok(Json(EngagementPage { items, total }))
    }

    /// Engage a person on a slot, which fills it. The dates default to the slot's; both days
    /// count and `end_date` comes after `start_date` (else 400). A filled slot, or a person
    /// with an active engagement on any of those days, is refused with 422.
    #[oai(path = "/", method = "post", operation_id = "create_engagement")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewEngagement>,
    ) -> Result<EngagementCreated> {
        let who = auth.identity().allow(Permission::ENGAGEMENTS_WRITE)?;
        Ok(EngagementCreated::Created(Json(
            engagements::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(
        path = "/:engagement_id",
        method = "get",
        operation_id = "get_engagement"
    )]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        engagement_id: Path<u64>,
    ) -> Result<Json<Engagement>> {
        Ok(Json(engagements::get(
            &state.store,
            auth.identity(),
            engagement_id.0,
        )?))
    }

    /// Move the dates of an active engagement, or end or cancel it (`status`), which reopens
    /// its slot. A closed engagement cannot change (422).
    #[oai(
        path = "/:engagement_id",
        method = "patch",
        operation_id = "update_engagement"
    )]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        engagement_id: Path<u64>,
        body: Json<EngagementPatch>,
    ) -> Result<Json<Engagement>> {
        let who = auth.identity().allow(Permission::ENGAGEMENTS_WRITE)?;
        Ok(Json(
            engagements::update(&state.store, who, engagement_id.0, body.0).await?,
        ))
    }

    /// Delete an engagement; an active one's slot reopens.
    #[oai(
        path = "/:engagement_id",
        method = "delete",
        operation_id = "delete_engagement"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        engagement_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::ENGAGEMENTS_WRITE)?;
        engagements::delete(&state.store, who, engagement_id.0).await?;
        Ok(Deleted::Done)
    }
}
