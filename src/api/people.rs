//! `/people`: talent profiles of the marketplace. Org admins and recruiters manage them, hiring
//! managers read those that are not private, and a `talent` account sees and edits only the
//! profile linked to it (rules of `domain::people`).

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};

use super::{Auth, Deleted, Paging, Tag, comma_list};
use crate::app::AppState;
use crate::auth::Permission;
use crate::domain::jobs::Level;
use crate::domain::matching::Availability;
use crate::domain::people::{
    self, NewPerson, Person, PersonFilter, PersonPatch, View, Visibility, WorkType,
};
use crate::error::{Result, Validator};

pub struct PeopleApi;

crate::page_of!(PersonPage, Person);

#[derive(ApiResponse)]
pub enum PersonCreated {
    #[oai(status = 201)]
    Created(Json<Person>),
}

#[OpenApi(prefix_path = "/people", tag = "Tag::People")]
impl PeopleApi {
    /// Talent profiles, newest first; the filters combine. A `talent` account gets its own
    /// profile only, a hiring manager the profiles that are not private.
    #[oai(path = "/", method = "get", operation_id = "list_people")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        /// Comma-separated; every skill must be listed (case-insensitive).
        #[oai(validator(max_length = 500))]
        skills: Query<Option<String>>,
        availability: Query<Option<Availability>>,
        seniority: Query<Option<Level>>,
        work_type: Query<Option<WorkType>>,
        visibility: Query<Option<Visibility>>,
        /// With `max_rate`: the day-rate range the person's range must overlap.
        #[oai(validator(maximum(value = "100000000000")))]
        min_rate: Query<Option<u64>>,
        #[oai(validator(maximum(value = "100000000000")))] max_rate: Query<Option<u64>>,
        /// Only rates in this currency (ISO 4217).
        #[oai(validator(max_length = 3))]
        currency: Query<Option<String>>,
    ) -> Result<Json<PersonPage>> {
        let view = View::of(auth.identity())?;
        if let (Some(min), Some(max)) = (min_rate.0, max_rate.0) {
            Validator::new()
                .check(min <= max, "min_rate", "must not exceed max_rate")
                .finish()?;
        }
        let page = Paging::new(skip.0, limit.0);
        let filter = PersonFilter {
            skills: comma_list(skills.0),
            availability: availability.0,
            seniority: seniority.0,
            work_type: work_type.0,
            visibility: visibility.0,
            min_rate: min_rate.0,
            max_rate: max_rate.0,
            currency: currency.0.filter(|c| !c.trim().is_empty()),
        };
        let rx = state.store.read()?;
        let tenant = auth.identity().tenant_id;
        let (items, total) = people::list(&rx, view, tenant, &filter, page.skip, page.limit)?;
        Ok(Json(PersonPage { items, total }))
    }

    /// Add a talent profile. `full_name` is required; a rate needs its `currency`; `user_id`
    /// links a `talent` account of the organisation (one profile each, else 409).
    #[oai(path = "/", method = "post", operation_id = "create_person")]
    async fn create(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<NewPerson>,
    ) -> Result<PersonCreated> {
        let who = auth.identity().allow(Permission::PEOPLE_WRITE)?;
        Ok(PersonCreated::Created(Json(
            people::create(&state.store, who, body.0).await?,
        )))
    }

    #[oai(path = "/:person_id", method = "get", operation_id = "get_person")]
    async fn get(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        person_id: Path<u64>,
    ) -> Result<Json<Person>> {
        let who = auth.identity();
        let view = View::of(who)?;
        Ok(Json(people::get(
            &state.store,
            view,
            who.tenant_id,
            person_id.0,
        )?))
    }

    /// Change some fields: absent fields stay, `null` clears a nullable one. A `talent` account
    /// may change its own profile, except `user_id`.
    #[oai(path = "/:person_id", method = "patch", operation_id = "update_person")]
    async fn update(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        person_id: Path<u64>,
        body: Json<PersonPatch>,
    ) -> Result<Json<Person>> {
        Ok(Json(
            people::update(&state.store, auth.identity(), person_id.0, body.0).await?,
        ))
    }

    /// Delete a profile with its engagements; the slots they held reopen.
    #[oai(
        path = "/:person_id",
        method = "delete",
        operation_id = "delete_person"
    )]
    async fn delete(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        person_id: Path<u64>,
    ) -> Result<Deleted> {
        let who = auth.identity().allow(Permission::PEOPLE_WRITE)?;
        people::delete(&state.store, who, person_id.0).await?;
        Ok(Deleted::Done)
    }
}
