//! `/library` (seed 002): saved artifacts, filtered by `kind` and searched with `q`.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::library::{self, LibraryFilter, LibraryItem, LibraryKind, NewLibraryItem};
use crate::error::Result;

pub struct LibraryApi;

crate::page_of!(LibraryPage, LibraryItem);

#[derive(ApiResponse)]
pub enum Created {
    #[oai(status = 201)]
    Created(Json<LibraryItem>),
}

#[OpenApi(prefix_path = "/library", tag = "Tag::Library")]
impl LibraryApi {
    /// Saved items, newest first: the organisation's (hiring roles) or the caller's own.
    /// `q` finds items whose title or payload holds every word.
    #[oai(path = "/", method = "get", operation_id = "list_library")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        kind: Query<Option<LibraryKind>>,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
        candidate_id: Query<Option<u64>>,
        job_id: Query<Option<u64>>,
    ) -> Result<Json<LibraryPage>> {
        let who = auth.identity().allow(Permission::LIBRARY_WRITE)?;
        let page = Paging::new(skip.0, limit.0);
        let filter = LibraryFilter {
            kind: kind.0,
            q: q.0,
            candidate_id: candidate_id.0,
            job_id: job_id.0,
        };
        let (items, total) = library::list(&state.store, who, &filter, page.skip, page.limit)?;
        Ok(Json(LibraryPage { items, total }))
    }

    /// Save an artifact: `{kind, title, payload, source}` (an assistant answer's `result` as
    /// the payload, its `engine` or model as the source).
    #[oai(path = "/", method = "post", operation_id = "create_library_item")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewLibraryItem>,
    ) -> Result<Created> {
        let who = auth.identity().allow(Permission::LIBRARY_WRITE)?;
        Ok(Created::Created(Json(
            library::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(path = "/:item_id", method = "get", operation_id = "get_library_item")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        item_id: Path<u64>,
    ) -> Result<Json<LibraryItem>> {
        let who = auth.identity().allow(Permission::LIBRARY_WRITE)?;
        Ok(Json(library::get(&state.store, who, item_id.0)?))
    }

    /// Delete an item (org admins, recruiters and hiring managers).
    #[oai(
        path = "/:item_id",
        method = "delete",
        operation_id = "delete_library_item"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        item_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::LIBRARY_DELETE)?;
        library::delete(&state.store, who, item_id.0).await?;
        Ok(Deleted::Done)
    }
}
