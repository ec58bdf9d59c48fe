//! The OpenAPI document. poem-openapi generates it from the endpoint and type declarations
//! (lengths, ranges and item counts come from `#[oai(validator(...))]` on the fields, and are
//! enforced when a request is parsed). One pass here adds what its generator cannot say:
//!
//! - an optional JSON field without a default (`Option<T>`, `MaybeUndefined<T>`) may be `null`,
//!   in requests and in responses, so it is declared `nullable` (OpenAPI 3.0);
//! - a request field named in [`FIELD_FORMATS`] (`email`, `phone`, `currency`, ...) carries that
//!   format's `pattern`. Field names keep one meaning across the API (DESIGN §4), and the domain
//!   checks these formats itself: poem-openapi's `pattern` validator compiles its regex on
//!   every value (~150 µs), too slow for a 500-row import.
//!
//! A new domain needs nothing for either: declare the field `Option<T>`, name it as the rest of
//! the API does, and the document follows.

use serde_json::{Map, Value};

/// The completed document, as served at `/api/openapi.json`.
pub fn document(generated: &str) -> Value {
    let mut doc: Value = serde_json::from_str(generated).expect("poem-openapi writes valid JSON");
    mark_nullable(&mut doc);
    declare_formats(&mut doc);
    doc
}

/// A format the domain checks, by the name of the fields that hold it: the `pattern` declared
/// for it and, for a value that does not match, what it must be.
pub struct FieldFormat {
    pub field: &'static str,
    pub pattern: &'static str,
    pub message: &'static str,
}

/// Each pattern accepts no more than the domain check it describes (`error::is_valid_email`,
/// `domain::fields`); surrounding blanks are allowed where the domain trims them.
pub const FIELD_FORMATS: &[FieldFormat] = &[
    FieldFormat {
        field: "email",
        pattern: r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s\x00-\x1f\x7f-\x9f.]\s*$",
        message: "must be an email address",
    },
    FieldFormat {
        field: "phone",
        pattern: r"^[ +\-().]*([0-9][ +\-().]*){5,20}$",
        message: "must be a phone number",
    },
    FieldFormat {
        field: "currency",
        pattern: r"^\s*[A-Z]{3}\s*$",
        message: "must be an ISO 4217 code such as USD",
    },
    FieldFormat {
        field: "brand_color",
        pattern: r"^#[0-9A-Fa-f]{6}$",
        message: "must be a colour like #7c3aed",
    },
    FieldFormat {
        field: "start_date",
        pattern: r"^\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\s*$",
        message: "must be a date like 2026-06-01",
    },
];

/// What a value that does not match `pattern` must be.
pub fn pattern_message(pattern: &str) -> Option<&'static str> {
    FIELD_FORMATS
        .iter()
        .find(|f| f.pattern == pattern)
        .map(|f| f.message)
}

/// Adds each [`FIELD_FORMATS`] pattern to the string fields of that name in request bodies.
/// Responses are left alone: they show what was stored, which the domain has checked.
fn declare_formats(doc: &mut Value) {
    let requests = schemas_in_requests(doc);
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for name in requests {
        let Some(properties) = schemas
            .get_mut(&name)
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for format in FIELD_FORMATS {
            if let Some(property) = properties.get_mut(format.field)
                && property["type"] == "string"
            {
                property["pattern"] = Value::String(format.pattern.into());
            }
        }
    }
}

/// Every component schema a request body can contain, following references.
fn schemas_in_requests(doc: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut todo: Vec<&Value> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.pointer("/requestBody/content"))
        .filter_map(Value::as_object)
        .flat_map(|content| content.values())
        .collect();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    && !found.iter().any(|f| f == name)
                {
                    found.push(name.to_string());
                    if let Some(schema) = doc.pointer(&format!("/components/schemas/{name}")) {
                        todo.push(schema);
                    }
                }
                todo.extend(map.values());
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    found
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
        .map(|r| {
            r.iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        })
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
