//! [`JsonBody`]: a JSON answer that serde writes straight to bytes.
//!
//! poem-openapi's `Json<T>` answers through `ToJSON`, which first builds a `serde_json::Value`
//! tree of the whole answer (a map and an owned key per field) and then writes that tree out.
//! For a large answer — the insights of 6,000 jobs are 2 MB — the tree costs more than the work
//! that computed the numbers. `JsonBody<T>` declares the same schema (T's) and writes T with its
//! `Serialize`; [`same_json`] checks that the two agree, and the types answered this way have a
//! test that calls it.

use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::Serialize;

/// A 200 answer of `T` as JSON, serialized by serde (see the module's docs).
pub struct JsonBody<T>(pub T);

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + Serialize + Send> IntoResponse for JsonBody<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => Response::builder()
                .content_type(<Self as Payload>::CONTENT_TYPE)
                .body(body),
            Err(e) => crate::error::Error::internal(e).into_response(),
        }
    }
}

impl<T: Type + Serialize + Send> ApiResponse for JsonBody<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: <Self as Payload>::CONTENT_TYPE,
                    schema: <Self as Payload>::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// Whether serde writes `value` as poem-openapi would (the document the schema describes):
/// the same fields, names, nulls and enum spellings. For the tests of the types answered as
/// [`JsonBody`].
#[cfg(test)]
pub fn same_json<T: Serialize + poem_openapi::types::ToJSON>(value: &T) -> bool {
    let by_serde = serde_json::to_value(value).expect("serializes");
    let by_schema = value.to_json().expect("a value");
    if by_serde != by_schema {
        eprintln!("serde:   {by_serde}\nopenapi: {by_schema}");
    }
    by_serde == by_schema
}
