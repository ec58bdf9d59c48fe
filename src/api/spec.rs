//! The OpenAPI document. poem-openapi generates it from the endpoint and type declarations;
//! one pass here adds what its generator cannot say: an optional JSON field without a default
//! (`Option<T>`, `MaybeUndefined<T>`) may be `null`, in requests and in responses, so it is
//! declared `nullable` (OpenAPI 3.0). A new domain needs nothing for this: declare the field
//! `Option<T>` and the document follows.

use serde_json::{Map, Value};

/// The completed document, as served at `/api/openapi.json`.
pub fn document(generated: &str) -> Value {
    let mut doc: Value = serde_json::from_str(generated).expect("poem-openapi writes valid JSON");
    mark_nullable(&mut doc);
    doc
}

/// Declares `nullable` every property of a JSON object schema that is neither required nor
/// defaulted: poem-openapi reads `null` there as absent and writes `None` as `null`.
fn mark_nullable(doc: &mut Value) {
    let form_only = schemas_only_in_forms(doc);
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        if !form_only.contains(name) {
            nullable_optionals(schema);
        }
    }
}

fn nullable_optionals(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|n| n.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        let defaulted = property.get("default").is_some_and(|d| !d.is_null());
        if !required.contains(name) && !defaulted {
            make_nullable(property);
        }
    }
}

/// `nullable` next to a `$ref` is ignored (OpenAPI 3.0), so a reference is wrapped in `allOf`.
fn make_nullable(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(reference) = object.remove("$ref") {
        let mut wrapped = Map::new();
        wrapped.insert("$ref".into(), reference);
        object.insert("allOf".into(), Value::Array(vec![Value::Object(wrapped)]));
    }
    object.insert("nullable".into(), Value::Bool(true));
}

/// Schemas that only describe form bodies (`application/x-www-form-urlencoded`,
/// `multipart/form-data`), where a field has no `null` to send.
fn schemas_only_in_forms(doc: &Value) -> Vec<String> {
    let mut in_forms = Vec::new();
    let mut in_json = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return in_forms;
    };
    let operations = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values());
    for op in operations {
        let bodies = op.pointer("/requestBody/content").into_iter();
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|r| r.values())
            .filter_map(|r| r.get("content"));
        for content in bodies.chain(responses).filter_map(Value::as_object) {
            for (media, body) in content {
                let Some(name) = body
                    .pointer("/schema/$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                else {
                    continue;
                };
                if media.contains("json") {
                    in_json.push(name.to_string());
                } else {
                    in_forms.push(name.to_string());
                }
            }
        }
    }
    in_forms.retain(|name| !in_json.contains(name));
    in_forms
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn optional_fields_without_a_default_become_nullable() {
        let generated = json!({
            "paths": {"/login": {"post": {"requestBody": {"content": {
                "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Form"}}
            }}}}},
            "components": {"schemas": {
                "Job": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "level": {"$ref": "#/components/schemas/Level"},
                    "status": {"allOf": [{"$ref": "#/components/schemas/S"}], "description": "d"},
                    "errors": {"type": "array", "default": []},
                    "note": {"type": "string", "default": null}
                }},
                "Form": {"type": "object", "properties": {"grant_type": {"type": "string"}}}
            }}
        });
        let doc = document(&generated.to_string());
        let props = &doc["components"]["schemas"]["Job"]["properties"];
        assert_eq!(props["id"], json!({"type": "integer"}));
        assert_eq!(props["title"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            props["level"],
            json!({"allOf": [{"$ref": "#/components/schemas/Level"}], "nullable": true})
        );
        assert_eq!(props["status"]["nullable"], true);
        assert_eq!(props["errors"], json!({"type": "array", "default": []}));
        assert_eq!(props["note"]["nullable"], true);
        assert_eq!(
            doc["components"]["schemas"]["Form"]["properties"]["grant_type"],
            json!({"type": "string"}),
            "a form field cannot be null"
        );
    }
}
