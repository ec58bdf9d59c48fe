//! Says which fields a request that poem-openapi could not parse got wrong. poem-openapi
//! refuses such a request with one flat message (`Expected input type "JobStatus", found
//! "bogus". (occurred while parsing "NewJob")`) that names neither the field nor, for an enum,
//! the values it takes. Reading the request again against the OpenAPI document finds every
//! offending field and says, for people, what it must be.
//!
//! The checks mirror what poem-openapi's parsers accept (a JSON string field also takes a
//! number or a boolean; `null` or absence is fine for an optional field) and the validators
//! the document declares, so a new domain gets field-level errors from its declarations alone.

use bytes::Bytes;
use poem::Request;
use poem::http::Method;
use serde_json::{Map, Value};

use crate::api::spec::pattern_message;
use crate::error::FieldError;
use crate::time::Timestamp;

/// What poem-openapi could not parse.
pub enum Failure<'a> {
    /// The request body.
    Body,
    /// A query or path parameter, by its documented name.
    Param(&'a str),
}

/// The request as it came in, kept so a parse failure can be explained.
pub struct Sent {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub content_type: Option<String>,
    pub body: Option<Bytes>,
}

impl Sent {
    /// Notes the request line and, for JSON and form bodies, keeps the body: the endpoint
    /// still reads it, from the same shared bytes.
    pub async fn keep(req: &mut Request) -> Sent {
        let content_type = req.content_type().map(str::to_ascii_lowercase);
        let readable = content_type.as_deref().is_some_and(|ct| {
            ct.contains("json") || ct.starts_with("application/x-www-form-urlencoded")
        });
        let body = if readable {
            let bytes = req.take_body().into_bytes().await.unwrap_or_default();
            req.set_body(bytes.clone());
            Some(bytes)
        } else {
            None
        };
        Sent {
            method: req.method().clone(),
            path: req.uri().path().to_string(),
            query: req.uri().query().map(String::from),
            content_type,
            body,
        }
    }
}

struct Operation {
    method: String,
    segments: Vec<String>,
    op: Value,
}

/// The request side of every documented operation.
pub struct Inputs {
    schemas: Map<String, Value>,
    operations: Vec<Operation>,
}

impl Inputs {
    pub fn from_spec(spec: &Value, prefix: &str) -> Inputs {
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut operations = Vec::new();
        for (path, item) in spec
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (method, op) in item.as_object().into_iter().flatten() {
                operations.push(Operation {
                    method: method.to_ascii_uppercase(),
                    segments: segments(&format!("{prefix}{path}")),
                    op: op.clone(),
                });
            }
        }
        Inputs {
            schemas,
            operations,
        }
    }

    /// Every field of `sent` that breaks the document, for the `failure` poem-openapi reported.
    pub fn explain(&self, sent: &Sent, failure: &Failure) -> Vec<FieldError> {
        let Some((op, path_values)) = self.operation(&sent.method, &sent.path) else {
            return vec![];
        };
        let mut out = Vec::new();
        let check = Check {
            schemas: &self.schemas,
        };
        match failure {
            Failure::Body => {
                let Some(value) = body_value(sent) else {
                    return vec![];
                };
                let Some(schema) = body_schema(op, sent.content_type.as_deref()) else {
                    return vec![];
                };
                match value {
                    Ok(value) => {
                        let form = !sent.content_type.as_deref().unwrap_or("").contains("json");
                        check.value(&value, schema, "", form, &mut out);
                        if out.first().is_some_and(|e| e.field.is_empty()) {
                            out[0].field = "body".into();
                        }
                    }
                    Err(why) => out.push(FieldError {
                        field: "body".into(),
                        message: why,
                    }),
                }
            }
            Failure::Param(name) => {
                let params = op.get("parameters").and_then(Value::as_array);
                let by_name = params.into_iter().flatten().find(|p| p["name"] == *name);
                // poem-openapi may call the n-th path variable `param{n}`.
                let by_index = || {
                    let n: usize = name.strip_prefix("param")?.parse().ok()?;
                    params
                        .into_iter()
                        .flatten()
                        .filter(|p| p["in"] == "path")
                        .nth(n)
                };
                let Some(param) = by_name.or_else(by_index) else {
                    return vec![];
                };
                let name = param["name"].as_str().unwrap_or(name);
                let values: Vec<String> = match param["in"].as_str() {
                    Some("path") => path_values
                        .iter()
                        .filter(|(n, _)| n.as_str() == name)
                        .map(|(_, v)| v.clone())
                        .collect(),
                    Some("query") => {
                        url::form_urlencoded::parse(sent.query.as_deref().unwrap_or("").as_bytes())
                            .filter(|(n, _)| n == name)
                            .map(|(_, v)| v.into_owned())
                            .collect()
                    }
                    _ => vec![],
                };
                check.param(name, &values, &param["schema"], &mut out);
            }
        }
        out
    }

    /// The operation serving `method path`, with the values of its path variables; a literal
    /// segment beats a variable (`/candidates/import` over `/candidates/{id}`).
    fn operation(&self, method: &Method, path: &str) -> Option<(&Value, Vec<(String, String)>)> {
        let wanted = segments(path);
        let op = self
            .operations
            .iter()
            .filter(|o| o.method == method.as_str() && o.segments.len() == wanted.len())
            .filter(|o| {
                o.segments
                    .iter()
                    .zip(&wanted)
                    .all(|(p, w)| p == w || is_variable(p))
            })
            .max_by_key(|o| o.segments.iter().filter(|p| !is_variable(p)).count())?;
        let values = op
            .segments
            .iter()
            .zip(wanted)
            .filter(|(p, _)| is_variable(p))
            .map(|(p, w)| (p[1..p.len() - 1].to_string(), w))
            .collect();
        Some((&op.op, values))
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn is_variable(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The body as JSON (a form body as an object of strings), or why it is not readable.
fn body_value(sent: &Sent) -> Option<Result<Value, String>> {
    let body = sent.body.as_ref()?;
    let ct = sent.content_type.as_deref().unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        let fields: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Some(Ok(Value::Object(fields)));
    }
    if body.is_empty() {
        return Some(Err("is missing: send a JSON object".into()));
    }
    Some(serde_json::from_slice(body).map_err(|e| format!("is not valid JSON ({e})")))
}

fn body_schema<'a>(op: &'a Value, content_type: Option<&str>) -> Option<&'a Value> {
    let content = op.pointer("/requestBody/content")?.as_object()?;
    let ct = content_type.unwrap_or("application/json");
    let essence = ct.split(';').next().unwrap_or(ct).trim();
    content
        .iter()
        .find(|(media, _)| media.split(';').next().unwrap_or(media).trim() == essence)
        .or_else(|| content.iter().find(|(media, _)| media.contains("json")))
        .and_then(|(_, m)| m.get("schema"))
}

struct Check<'a> {
    schemas: &'a Map<String, Value>,
}

impl Check<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            Some(name) => self.schemas.get(name).unwrap_or(&Value::Null),
            None => schema,
        }
    }

    /// Checks `value` at `field` (`""` is the whole body); `form` reads every scalar from text.
    fn value(
        &self,
        value: &Value,
        schema: &Value,
        field: &str,
        form: bool,
        out: &mut Vec<FieldError>,
    ) {
        let schema = self.resolve(schema);
        let before = out.len();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                if value.is_null() && schema["nullable"] == true {
                    break;
                }
                self.value(value, part, field, form, out);
                if out.len() > before {
                    return;
                }
            }
        }
        if value.is_null() {
            if schema["nullable"] != true && schema.get("type").is_some() {
                push(out, field, "must not be null");
            }
            return;
        }
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
        match ty {
            "object" => {
                let Some(object) = value.as_object() else {
                    return push(out, field, "must be a JSON object");
                };
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (name, property) in schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let at = join(field, name);
                    match object.get(name) {
                        None if required.contains(&name.as_str()) => push(out, &at, "is required"),
                        None => {}
                        Some(Value::Null) if !required.contains(&name.as_str()) => {}
                        Some(v) => self.value(v, property, &at, form, out),
                    }
                }
            }
            "array" => {
                let Some(items) = value.as_array() else {
                    return push(out, field, "must be a list");
                };
                self.bounds_items(items, schema, field, out);
                let Some(item_schema) = schema.get("items") else {
                    return;
                };
                // Entries that are records are named by their path (`rows[2].email`); plain
                // entries (skills, scopes) by the list, as the domain names them.
                let records = self.resolve(item_schema)["type"] == "object";
                for (i, item) in items.iter().enumerate() {
                    if records {
                        self.value(item, item_schema, &format!("{field}[{i}]"), form, out);
                        continue;
                    }
                    let mut entry = Vec::new();
                    self.value(item, item_schema, field, form, &mut entry);
                    for e in entry {
                        let message = format!("entry {} {}", i + 1, e.message);
                        push(out, &e.field, &message);
                    }
                }
            }
            "string" => {
                let text = match value {
                    Value::String(s) => s.clone(),
                    // poem-openapi reads a number or a boolean as its text.
                    Value::Number(_) | Value::Bool(_) => value.to_string(),
                    _ => return push(out, field, "must be a string"),
                };
                self.text(&text, schema, field, out);
            }
            "integer" => {
                let n = match value {
                    Value::Number(n) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
                    Value::String(s) if form => s.trim().parse::<i128>().ok(),
                    _ => None,
                };
                match n {
                    Some(n) => self.integer(n, schema, field, out),
                    None => push(out, field, &whole_number(schema)),
                }
            }
            "number" => {
                let n = match value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) if form => s.trim().parse::<f64>().ok(),
                    _ => None,
                };
                match n {
                    Some(n) => self.range(n, schema, field, out),
                    None => push(out, field, "must be a number"),
                }
            }
            "boolean" => {
                let ok = value.is_boolean()
                    || (form && matches!(value.as_str(), Some("true" | "false")));
                if !ok {
                    push(out, field, "must be true or false");
                }
            }
            _ => {}
        }
    }

    /// A query or path parameter, given as text (once per occurrence).
    fn param(&self, name: &str, values: &[String], schema: &Value, out: &mut Vec<FieldError>) {
        let schema = self.resolve(schema);
        if schema["type"] == "array" {
            let items: Vec<Value> = values.iter().cloned().map(Value::String).collect();
            return self.value(&Value::Array(items), schema, name, true, out);
        }
        match values.first() {
            None => push(out, name, "is required"),
            Some(v) => self.value(&Value::String(v.clone()), schema, name, true, out),
        }
    }

    fn text(&self, text: &str, schema: &Value, field: &str, out: &mut Vec<FieldError>) {
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.iter().any(|a| a.as_str() == Some(text))
        {
            let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
            return push(out, field, &format!("must be one of: {}", names.join(", ")));
        }
        if schema["format"] == "date-time" && Timestamp::parse(text).is_none() {
            return push(
                out,
                field,
                "must be an RFC 3339 date-time such as 2026-06-04T15:30:45Z",
            );
        }
        let chars = text.chars().count();
        let min = schema.get("minLength").and_then(Value::as_u64);
        let max = schema.get("maxLength").and_then(Value::as_u64);
        if let Some(min) = min.filter(|&m| (chars as u64) < m) {
            let message = if min == 1 {
                "must not be empty".to_string()
            } else {
                format!("must be at least {min} characters")
            };
            return push(out, field, &message);
        }
        if let Some(max) = max.filter(|&m| chars as u64 > m) {
            return push(out, field, &format!("must be at most {max} characters"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            let matches = regex::Regex::new(pattern).is_ok_and(|re| re.is_match(text));
            if !matches {
                let message = pattern_message(pattern)
                    .map(String::from)
                    .unwrap_or_else(|| format!("must match the pattern {pattern}"));
                push(out, field, &message);
            }
        }
    }

    fn integer(&self, n: i128, schema: &Value, field: &str, out: &mut Vec<FieldError>) {
        let (lo, hi) = format_range(schema);
        if n < lo || n > hi {
            return push(out, field, &whole_number(schema));
        }
        self.range(n as f64, schema, field, out);
    }

    fn range(&self, n: f64, schema: &Value, field: &str, out: &mut Vec<FieldError>) {
        let min = schema.get("minimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        let below = min.is_some_and(|m| {
            if schema["exclusiveMinimum"] == true {
                n <= m
            } else {
                n < m
            }
        });
        let above = max.is_some_and(|m| {
            if schema["exclusiveMaximum"] == true {
                n >= m
            } else {
                n > m
            }
        });
        if below || above {
            push(out, field, &bounds(schema));
        }
    }

    fn bounds_items(
        &self,
        items: &[Value],
        schema: &Value,
        field: &str,
        out: &mut Vec<FieldError>,
    ) {
        let n = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && n < min
        {
            let message = if min == 1 {
                "must have at least one entry".to_string()
            } else {
                format!("must have at least {min} entries")
            };
            push(out, field, &message);
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && n > max
        {
            push(out, field, &format!("must have at most {max} entries"));
        }
        if schema["uniqueItems"] == true
            && items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].contains(a))
        {
            push(out, field, "must not repeat an entry");
        }
    }
}

fn push(out: &mut Vec<FieldError>, field: &str, message: &str) {
    out.push(FieldError {
        field: field.to_string(),
        message: message.to_string(),
    });
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// The values an integer `format` holds.
fn format_range(schema: &Value) -> (i128, i128) {
    match schema["format"].as_str().unwrap_or("int64") {
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// "must be between 1 and 100", "must be at least 0", "must be at most 70".
fn bounds(schema: &Value) -> String {
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    let min_x = schema["exclusiveMinimum"] == true;
    let max_x = schema["exclusiveMaximum"] == true;
    match (min, max) {
        (Some(lo), Some(hi)) if !min_x && !max_x => {
            format!("must be between {} and {}", number(lo), number(hi))
        }
        (Some(lo), None) if !min_x => format!("must be at least {}", number(lo)),
        (None, Some(hi)) if !max_x => format!("must be at most {}", number(hi)),
        _ => {
            let mut parts = Vec::new();
            if let Some(lo) = min {
                parts.push(format!(
                    "{} {}",
                    if min_x { "greater than" } else { "at least" },
                    number(lo)
                ));
            }
            if let Some(hi) = max {
                parts.push(format!(
                    "{} {}",
                    if max_x { "less than" } else { "at most" },
                    number(hi)
                ));
            }
            format!("must be {}", parts.join(" and "))
        }
    }
}

/// "must be a whole number from 1 to 100", or "0 or more" when only the type bounds it.
fn whole_number(schema: &Value) -> String {
    let (type_lo, type_hi) = format_range(schema);
    let lo = schema
        .get("minimum")
        .and_then(Value::as_f64)
        .map_or(type_lo, |m| (m.ceil() as i128).max(type_lo));
    let hi = schema
        .get("maximum")
        .and_then(Value::as_f64)
        .map_or(type_hi, |m| (m.floor() as i128).min(type_hi));
    match (lo, hi) {
        (lo, hi) if hi < type_hi || lo < 0 || type_hi < i64::MAX.into() => {
            format!("must be a whole number from {lo} to {hi}")
        }
        (lo, _) => format!("must be a whole number, {lo} or more"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn inputs() -> Inputs {
        let spec = json!({
            "paths": {
                "/jobs": {
                    "get": {"parameters": [
                        {"name": "status_filter", "in": "query", "schema": {"$ref": "#/components/schemas/JobStatus"}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "uint32", "minimum": 1.0, "maximum": 100.0}}
                    ]},
                    "post": {"requestBody": {"content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/NewJob"}}}}}
                },
                "/jobs/{job_id}": {"get": {"parameters": [
                    {"name": "job_id", "in": "path", "schema": {"type": "integer", "format": "uint64"}}
                ]}},
                "/rows": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rows"}}}}}},
                "/login": {"post": {"requestBody": {"content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Form"}}
                }}}}
            },
            "components": {"schemas": {
                "JobStatus": {"type": "string", "enum": ["draft", "open", "on_hold", "closed"]},
                "NewJob": {"type": "object", "required": ["title"], "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 5},
                    "currency": {"type": "string", "nullable": true, "pattern": crate::api::spec::FIELD_FORMATS[2].pattern},
                    "status": {"allOf": [{"$ref": "#/components/schemas/JobStatus"}], "nullable": true},
                    "salary_min": {"type": "integer", "format": "uint64", "nullable": true},
                    "is_public": {"type": "boolean", "nullable": true},
                    "skills": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 3}, "nullable": true},
                    "at": {"type": "string", "format": "date-time", "nullable": true}
                }},
                "Rows": {"type": "object", "required": ["rows"], "properties": {
                    "rows": {"type": "array", "items": {"$ref": "#/components/schemas/NewJob"}}
                }},
                "Form": {"type": "object", "required": ["username"], "properties": {"username": {"type": "string"}}}
            }}
        });
        Inputs::from_spec(&spec, "/api/v1")
    }

    fn sent(method: Method, path: &str, body: Option<&str>) -> Sent {
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (path.to_string(), None),
        };
        Sent {
            method,
            path,
            query,
            content_type: body.map(|_| "application/json".into()),
            body: body.map(|b| Bytes::from(b.to_string())),
        }
    }

    fn explained(s: &Sent, failure: Failure) -> Vec<(String, String)> {
        inputs()
            .explain(s, &failure)
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(f, m)| (f.to_string(), m.to_string()))
            .collect()
    }

    #[test]
    fn bodies_are_explained_field_by_field() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                r#"{"title": "x", "status": "bogus"}"#,
                &[("status", "must be one of: draft, open, on_hold, closed")],
            ),
            (r#"{"status": null}"#, &[("title", "is required")]),
            (r#"{"title": null}"#, &[("title", "must not be null")]),
            (r#"{"title": ""}"#, &[("title", "must not be empty")]),
            (
                r#"{"title": "x", "currency": "usd"}"#,
                &[("currency", "must be an ISO 4217 code such as USD")],
            ),
            (r#"{"title": "x", "currency": null}"#, &[]),
            (r#"{"title": 12}"#, &[]),
            (
                r#"{"title": "toolong"}"#,
                &[("title", "must be at most 5 characters")],
            ),
            (
                r#"{"title": "x", "salary_min": -1, "is_public": "yes"}"#,
                &[
                    ("salary_min", "must be a whole number, 0 or more"),
                    ("is_public", "must be true or false"),
                ],
            ),
            (
                r#"{"title": "x", "salary_min": 1.5}"#,
                &[("salary_min", "must be a whole number, 0 or more")],
            ),
            (
                r#"{"title": "x", "skills": ["a", "long", 7, "b"]}"#,
                &[
                    ("skills", "must have at most 2 entries"),
                    ("skills", "entry 2 must be at most 3 characters"),
                ],
            ),
            (
                r#"{"title": "x", "skills": "rust"}"#,
                &[("skills", "must be a list")],
            ),
            (
                r#"{"title": "x", "at": "tomorrow"}"#,
                &[(
                    "at",
                    "must be an RFC 3339 date-time such as 2026-06-04T15:30:45Z",
                )],
            ),
            (r#"[1]"#, &[("body", "must be a JSON object")]),
            ("", &[("body", "is missing: send a JSON object")]),
        ];
        for (body, expected) in cases {
            let s = sent(Method::POST, "/api/v1/jobs", Some(body));
            assert_eq!(explained(&s, Failure::Body), pairs(expected), "{body}");
        }
        let s = sent(Method::POST, "/api/v1/jobs", Some(r#"{"title": "#));
        let got = explained(&s, Failure::Body);
        assert_eq!(got[0].0, "body");
        assert!(got[0].1.starts_with("is not valid JSON"), "{got:?}");
    }

    #[test]
    fn nested_fields_are_named_by_their_path() {
        let s = sent(
            Method::POST,
            "/api/v1/rows",
            Some(r#"{"rows": [{"title": "a"}, {"title": "b", "status": "x"}, {}]}"#),
        );
        assert_eq!(
            explained(&s, Failure::Body),
            pairs(&[
                (
                    "rows[1].status",
                    "must be one of: draft, open, on_hold, closed"
                ),
                ("rows[2].title", "is required"),
            ])
        );
    }

    #[test]
    fn parameters_are_explained_from_their_text() {
        let s = sent(
            Method::GET,
            "/api/v1/jobs?status_filter=bogus&limit=5",
            None,
        );
        assert_eq!(
            explained(&s, Failure::Param("status_filter")),
            pairs(&[(
                "status_filter",
                "must be one of: draft, open, on_hold, closed"
            )])
        );
        let s = sent(Method::GET, "/api/v1/jobs?limit=500", None);
        assert_eq!(
            explained(&s, Failure::Param("limit")),
            pairs(&[("limit", "must be between 1 and 100")])
        );
        let s = sent(Method::GET, "/api/v1/jobs?limit=ten", None);
        assert_eq!(
            explained(&s, Failure::Param("limit")),
            pairs(&[("limit", "must be a whole number from 1 to 100")])
        );
        let s = sent(Method::GET, "/api/v1/jobs/abc", None);
        assert_eq!(
            explained(&s, Failure::Param("job_id")),
            pairs(&[("job_id", "must be a whole number, 0 or more")])
        );
    }

    #[test]
    fn form_bodies_are_read_as_text() {
        let mut s = sent(Method::POST, "/api/v1/login", Some("password=x"));
        s.content_type = Some("application/x-www-form-urlencoded".into());
        assert_eq!(
            explained(&s, Failure::Body),
            pairs(&[("username", "is required")])
        );
    }
}
