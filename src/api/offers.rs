//! `/offers`: offers to candidates, and their lifecycle.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::offers::{self, NewOffer, Offer, OfferFilter, OfferPatch, OfferStatus};
use crate::error::Result;

pub struct OffersApi;

crate::page_of!(OfferPage, Offer);

#[derive(ApiResponse)]
pub enum Created {
    #[oai(status = 201)]
    Created(Json<Offer>),
}

#[OpenApi(prefix_path = "/offers", tag = "Tag::Offers")]
impl OffersApi {
    /// Offers, newest first.
    #[oai(path = "/", method = "get", operation_id = "list_offers")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        candidate_id: Query<Option<u64>>,
        job_id: Query<Option<u64>>,
        status: Query<Option<OfferStatus>>,
    ) -> Result<Json<OfferPage>> {
        let who = auth.identity().allow(Permission::OFFERS_READ)?;
        let page = Paging::new(skip.0, limit.0);
        let filter = OfferFilter {
            candidate_id: candidate_id.0,
            job_id: job_id.0,
            status: status.0,
        };
        let (items, total) =
            offers::list(&state.store, who.tenant_id, &filter, page.skip, page.limit)?;
        Ok(Json(OfferPage { items, total }))
    }

    /// Make an offer (`draft`, or `sent` at once, which stamps `sent_at`).
    #[oai(path = "/", method = "post", operation_id = "create_offer")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewOffer>,
    ) -> Result<Created> {
        let who = auth.identity().allow(Permission::OFFERS_WRITE)?;
        Ok(Created::Created(Json(
            offers::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(path = "/:offer_id", method = "get", operation_id = "get_offer")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        offer_id: Path<u64>,
    ) -> Result<Json<Offer>> {
        let who = auth.identity().allow(Permission::OFFERS_READ)?;
        Ok(Json(offers::get(&state.store, who.tenant_id, offer_id.0)?))
    }

    /// Change terms (while draft or sent) or move the status: draft → sent → accepted |
    /// declined | withdrawn. `accepted` hires the candidate. An illegal move → 422.
    #[oai(path = "/:offer_id", method = "patch", operation_id = "update_offer")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        offer_id: Path<u64>,
        body: Json<OfferPatch>,
    ) -> Result<Json<Offer>> {
        let who = auth.identity().allow(Permission::OFFERS_WRITE)?;
        Ok(Json(
            offers::update(&state.store, who, offer_id.0, body.0).await?,
        ))
    }

    /// Delete an offer that was not accepted.
    #[oai(path = "/:offer_id", method = "delete", operation_id = "delete_offer")]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        offer_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::OFFERS_DELETE)?;
        offers::delete(&state.store, who, offer_id.0).await?;
        Ok(Deleted::Done)
    }
}
