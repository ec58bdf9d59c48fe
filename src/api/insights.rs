//! `/insights`: funnel, time to hire, sources, upcoming interviews, offer acceptance.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::Query;

use super::payload::JsonBody;
use super::{Auth, Tag};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::insights::{self, Insights};
use crate::error::Result;

pub struct InsightsApi;

#[OpenApi(prefix_path = "/insights", tag = "Tag::Insights")]
impl InsightsApi {
    /// The organisation's hiring numbers, or one job's with `job_id`.
    #[oai(path = "/", method = "get", operation_id = "get_insights")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        job_id: Query<Option<u64>>,
    ) -> Result<JsonBody<Insights>> {
        let who = auth.identity().allow(Permission::INSIGHTS_READ)?;
        if let Some(id) = job_id.0 {
            crate::domain::jobs::get(&state.store, who.tenant_id, id)?;
        }
        // It reads every job of the tenant: off the async workers.
        let (store, tenant, job) = (state.store.clone(), who.tenant_id, job_id.0);
        let computed = tokio::task::spawn_blocking(move || insights::compute(&store, tenant, job))
            .await
            .map_err(crate::error::Error::internal)??;
        Ok(JsonBody(computed))
    }
}
