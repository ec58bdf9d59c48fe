//! `/subsidiaries`, `/agencies`, `/integrations`: the organisation's structure (seed 002).
//! Members read it; org admins change it. One lifecycle for the three, written once.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::domain::structure::{
    self, Agency, AgencyPatch, Integration, IntegrationPatch, NewAgency, NewIntegration,
    NewSubsidiary, Subsidiary, SubsidiaryPatch,
};
use crate::error::Error;

macro_rules! structure_api {
    (
        $api:ident, $path:literal, $unit:ty, $new:ty, $patch:ty, $page:ident, $created:ident,
        $what:literal, [$list:literal, $create:literal, $get:literal, $update:literal, $delete:literal]
    ) => {
        pub struct $api;

        crate::page_of!($page, $unit);

        #[derive(ApiResponse)]
        pub enum $created {
            #[oai(status = 201)]
            Created(Json<$unit>),
        }

        #[OpenApi(prefix_path = $path, tag = "Tag::Tenants")]
        impl $api {
            /// The organisation's records of this kind, by name; `q` keeps names containing it.
            #[oai(path = "/", method = "get", operation_id = $list)]
            async fn list(
                &self,
                state: Data<&Arc<AppState>>,
                auth: Auth,
                #[oai(validator(max_length = 200))] q: Query<Option<String>>,
                skip: Query<Option<u32>>,
                #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<
                    Option<u32>,
                >,
            ) -> Result<Json<$page>, Error> {
                let page = Paging::new(skip.0, limit.0);
                let (items, total) = structure::list::<$unit>(
                    &state.store,
                    auth.identity(),
                    q.0.as_deref(),
                    page.skip,
                    page.limit,
                )?;
                Ok(Json($page { items, total }))
            }

            #[doc = concat!("Add ", $what, " (org admins).")]
            #[oai(path = "/", method = "post", operation_id = $create)]
            async fn create(
                &self,
                state: Data<&Arc<AppState>>,
                auth: Auth,
                body: Json<$new>,
            ) -> Result<$created, Error> {
                let unit =
                    structure::create::<$unit>(&state.store, auth.identity(), body.0).await?;
                Ok($created::Created(Json(unit)))
            }

            #[oai(path = "/:id", method = "get", operation_id = $get)]
            async fn get(
                &self,
                state: Data<&Arc<AppState>>,
                auth: Auth,
                id: Path<u64>,
            ) -> Result<Json<$unit>, Error> {
                Ok(Json(structure::get::<$unit>(
                    &state.store,
                    auth.identity(),
                    id.0,
                )?))
            }

            /// Change fields (org admins); `null` clears an optional one.
            #[oai(path = "/:id", method = "patch", operation_id = $update)]
            async fn update(
                &self,
                state: Data<&Arc<AppState>>,
                auth: Auth,
                id: Path<u64>,
                body: Json<$patch>,
            ) -> Result<Json<$unit>, Error> {
                Ok(Json(
                    structure::update::<$unit>(&state.store, auth.identity(), id.0, body.0).await?,
                ))
            }

            #[oai(path = "/:id", method = "delete", operation_id = $delete)]
            async fn delete(
                &self,
                state: Data<&Arc<AppState>>,
                auth: Auth,
                id: Path<u64>,
            ) -> Result<Deleted, Error> {
                structure::delete::<$unit>(&state.store, auth.identity(), id.0).await?;
                Ok(Deleted::Done)
            }
        }
    };
}

structure_api!(
    SubsidiariesApi,
    "/subsidiaries",
    Subsidiary,
    NewSubsidiary,
    SubsidiaryPatch,
    SubsidiaryPage,
    SubsidiaryCreated,
    "a subsidiary",
    [
        "list_subsidiaries",
        "create_subsidiary",
        "get_subsidiary",
        "update_subsidiary",
        "delete_subsidiary"
    ]
);
structure_api!(
    AgenciesApi,
    "/agencies",
    Agency,
    NewAgency,
    AgencyPatch,
    AgencyPage,
    AgencyCreated,
    "an agency the organisation works with",
    [
        "list_agencies",
        "create_agency",
        "get_agency",
        "update_agency",
        "delete_agency"
    ]
);
structure_api!(
    IntegrationsApi,
    "/integrations",
    Integration,
    NewIntegration,
    IntegrationPatch,
    IntegrationPage,
    IntegrationCreated,
    "an integration (a provider slug, a name, settings)",
    [
        "list_integrations",
        "create_integration",
        "get_integration",
        "update_integration",
        "delete_integration"
    ]
);
