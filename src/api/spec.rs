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
    share_rules(&mut doc);
    document_downloads(&mut doc);
    doc
}

/// A download answers with the type its file was stored as: every accepted kind is listed
/// (poem-openapi writes only `application/octet-stream` for bytes).
fn document_downloads(doc: &mut Value) {
    let Some(content) = doc.pointer_mut("/paths/~1uploads~1{id}/get/responses/200/content") else {
        return;
    };
    let schema = serde_json::json!({"schema": {"type": "string", "format": "binary"}});
    let mut kinds = serde_json::Map::new();
    for kind in crate::domain::documents::DocKind::ALL {
        let mime = kind
            .mime()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string();
        kinds.insert(mime, schema.clone());
    }
    *content = Value::Object(kinds);
}

/// Request types that take their field constraints from another type with the same fields
/// and rules, because poem-openapi must not enforce them while parsing: `NewCandidate` is also
/// an import row, and an import reports a bad row instead of refusing the request (DESIGN §4).
/// `candidates::validate` checks all three alike.
const SAME_RULES: &[(&str, &[&str])] = &[("CandidatePatch", &["NewCandidate", "ImportRow"])];

/// The keywords of a declared constraint (`validator(...)` writes these).
const CONSTRAINTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
];

fn share_rules(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (from, to) in SAME_RULES {
        let Some(source) = schemas
            .get(*from)
            .and_then(|s| s.get("properties"))
            .cloned()
        else {
            continue;
        };
        for name in *to {
            let Some(properties) = schemas
                .get_mut(*name)
                .and_then(|s| s.get_mut("properties"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (field, target) in properties.iter_mut() {
                if let Some(rules) = source.get(field) {
                    copy_constraints(rules, target);
                }
            }
        }
    }
}

fn copy_constraints(from: &Value, to: &mut Value) {
    let Some(target) = to.as_object_mut() else {
        return;
    };
    for keyword in CONSTRAINTS {
        if let Some(value) = from.get(*keyword) {
            target.insert((*keyword).into(), value.clone());
        }
    }
    if let (Some(items), Some(target_items)) = (from.get("items"), target.get_mut("items")) {
        copy_constraints(items, target_items);
    }
}

/// A format the domain checks, by the name of the fields that hold it: the `pattern` declared
/// for it and, for a value that does not match, what it must be.
pub struct FieldFormat {
    pub field: &'static str,
    pub pattern: &'static str,
    pub message: &'static str,
}

/// A `YYYY-MM-DD` date (`fields::check_date`).
const DATE: &str = r"^\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\s*$";

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
        pattern: DATE,
        message: "must be a date like 2026-06-01",
    },
    FieldFormat {
        field: "end_date",
        pattern: DATE,
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

/// PATCH fields that may be left out but not set to `null`: the domain refuses `null` there
/// ("must not be null"), as nothing could be cleared. poem-openapi declares them like the
/// clearable ones (`MaybeUndefined<T>`); `tests/it/openapi.rs` sends `null` to every field of
/// these types and holds this list to what the server does. Each type's fields are declared
/// once, with `not_null!` next to the type; this names the types.
pub fn not_null() -> [(&'static str, &'static [&'static str]); 10] {
    use crate::domain::fields::NotNull;
    use crate::domain::{
        applications, candidates, engagements, interviews, jobs, offers, people, projects, tenants,
    };
    [
        ("JobPatch", jobs::JobPatch::NOT_NULL),
        ("CandidatePatch", candidates::CandidatePatch::NOT_NULL),
        ("ApplicationPatch", applications::ApplicationPatch::NOT_NULL),
        ("InterviewPatch", interviews::InterviewPatch::NOT_NULL),
        ("OfferPatch", offers::OfferPatch::NOT_NULL),
        ("TenantPatch", tenants::TenantPatch::NOT_NULL),
        ("PersonPatch", people::PersonPatch::NOT_NULL),
        ("ProjectPatch", projects::ProjectPatch::NOT_NULL),
        ("SlotPatch", projects::SlotPatch::NOT_NULL),
        ("EngagementPatch", engagements::EngagementPatch::NOT_NULL),
    ]
}

/// Declares `nullable` every property of a JSON object schema that is neither required nor
/// defaulted (poem-openapi reads `null` there as absent and writes `None` as `null`), but for
/// the [`not_null`] ones.
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
            let not_null = not_null()
                .into_iter()
                .find(|(n, _)| n == name)
                .map_or(&[][..], |(_, fields)| fields);
            nullable_optionals(schema, not_null);
        }
    }
}

fn nullable_optionals(schema: &mut Value, not_null: &[&str]) {
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
        if !required.contains(name) && !defaulted && !not_null.contains(&name.as_str()) {
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

    fn served() -> Value {
        serde_json::from_str(&crate::api::spec_json()).unwrap()
    }

    fn patterns<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("pattern", Value::String(p)) => out.push(p),
                        _ => patterns(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_declared_pattern_says_what_it_means() {
        let doc = served();
        let mut found = Vec::new();
        patterns(&doc, &mut found);
        assert!(found.len() >= 10, "{found:?}");
        for p in found {
            assert!(
                pattern_message(p).is_some(),
                "no message for the pattern {p}"
            );
            assert!(regex::Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn field_formats_accept_no_more_than_the_domain() {
        use crate::domain::fields::{check_currency, check_phone};
        use crate::error::{Validator, is_valid_email, normalize_email};
        let matches = |field: &str, value: &str| {
            let f = FIELD_FORMATS.iter().find(|f| f.field == field).unwrap();
            regex::Regex::new(f.pattern).unwrap().is_match(value)
        };
        let emails = [
            "a@b.co",
            " Jane.Doe@Example.COM ",
            "x+tag@mail.example.org",
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a b@c.de",
            "a@b@c.de",
            "a@.b",
            "a@b.",
            "a\u{7}@b.co",
            "ü@exämple.de",
        ];
        for e in emails {
            let domain = is_valid_email(&normalize_email(e));
            assert!(
                !matches("email", e) || domain,
                "{e:?} matches but the domain refuses it"
            );
            assert_eq!(matches("email", e), domain, "{e:?}");
        }
        let phones = [
            "+1 (415) 555-0100",
            "12345",
            "1234",
            "call me",
            "+44 20 7946 0958 ext",
            "1".repeat(21).leak(),
        ];
        for p in phones {
            let mut v = Validator::new();
            check_phone(&mut v, "phone", Some(p));
            assert_eq!(matches("phone", p), v.finish().is_ok(), "{p:?}");
        }
        for c in ["USD", "EUR", "usd", "US", "USDX", "U5D"] {
            let mut v = Validator::new();
            check_currency(&mut v, "currency", Some(c));
            assert_eq!(matches("currency", c), v.finish().is_ok(), "{c:?}");
        }
        for (colour, ok) in [
            ("#7c3aed", true),
            ("#7C3AED", true),
            ("7c3aed", false),
            ("#7c3ae", false),
        ] {
            assert_eq!(matches("brand_color", colour), ok, "{colour:?}");
        }
        for d in [
            "2026-06-01",
            "2026-13-01",
            "2026-06-32",
            "06/01/2026",
            "2026-6-1",
        ] {
            let parses = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok();
            for field in ["start_date", "end_date"] {
                assert!(!matches(field, d) || parses, "{d:?} matches but is no date");
            }
        }
    }

    #[test]
    fn shared_rules_and_not_null_fields_are_declared() {
        let doc = served();
        let schemas = &doc["components"]["schemas"];
        for (from, to) in SAME_RULES {
            for name in *to {
                for field in ["full_name", "notes", "skills", "experience_years"] {
                    for keyword in ["maxLength", "maximum", "maxItems"] {
                        assert_eq!(
                            schemas[name]["properties"][field][keyword],
                            schemas[from]["properties"][field][keyword],
                            "{name}.{field} {keyword}"
                        );
                    }
                }
            }
        }
        assert_eq!(
            schemas["ImportRow"]["properties"]["skills"]["items"]["maxLength"],
            50.0
        );
        for (name, fields) in not_null() {
            let properties = &schemas[name]["properties"];
            assert!(properties.is_object(), "{name} is not in the document");
            for field in fields {
                assert!(
                    properties.get(field).is_some(),
                    "{name}.{field} does not exist"
                );
                assert!(
                    properties[field].get("nullable").is_none(),
                    "{name}.{field}"
                );
            }
        }
        assert_eq!(
            schemas["JobPatch"]["properties"]["department"]["nullable"],
            true
        );
    }
}
