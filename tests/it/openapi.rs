//! The OpenAPI document: valid, self-consistent, true to the routes, and committed.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;

async fn served_spec(s: &TestServer) -> (String, Value) {
    let r = s.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        r.headers
    );
    (r.text.clone(), r.body.clone())
}

fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().expect("$ref is a string"));
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_spec_is_a_valid_openapi_3_document() {
    let s = TestServer::start().await;
    let (text, doc) = served_spec(&s).await;
    let spec: openapiv3::OpenAPI =
        serde_json::from_str(&text).expect("the served document is OpenAPI 3");
    assert!(spec.openapi.starts_with("3."), "{}", spec.openapi);
    assert_eq!(spec.info.title, "hirebase");
    assert_eq!(spec.info.version, env!("CARGO_PKG_VERSION"));
    let servers: Vec<&str> = spec.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        servers,
        vec!["/api/v1"],
        "every path is relative to /api/v1"
    );

    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "$ref {r} does not resolve");
    }

    let mut ids = BTreeMap::new();
    for (path, method, op) in spec.operations() {
        assert!(
            !path.starts_with("/api/"),
            "{path} repeats the server prefix"
        );
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        if let Some(previous) = ids.insert(id.clone(), format!("{method} {path}")) {
            panic!("operationId {id} is used by {previous} and {method} {path}");
        }
        assert!(!op.tags.is_empty(), "{method} {path} has no tag");
        assert!(
            op.responses
                .responses
                .keys()
                .any(|c| c.to_string().starts_with('2')),
            "{method} {path} documents no success"
        );
        let documents_problems = op.responses.responses.iter().any(|(code, resp)| {
            code.to_string().starts_with('4')
                && resp
                    .as_item()
                    .is_some_and(|r| r.content.contains_key("application/problem+json"))
        });
        assert!(
            documents_problems,
            "{method} {path} does not document its problem responses"
        );
    }
    assert!(ids.len() >= 15, "{ids:?}");
}

/// Each documented operation is served at `/api/v1{path}` with its method: called without
/// credentials it answers for itself (401 when it needs them; a 404 about a record, not the
/// router's "no resource at this path"), never 405; and exactly the operations that declare
/// security answer 401.
#[tokio::test(flavor = "multi_thread")]
async fn every_documented_operation_is_served_under_api_v1() {
    let s = TestServer::start().await;
    let (text, _) = served_spec(&s).await;
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text).unwrap();
    let unrouted = s
        .call(Method::GET, "/api/v1/no/such/route", None, None)
        .await;
    let router_404 = unrouted.problem(404, "not_found")["detail"].clone();
    let mut public = BTreeSet::new();
    for (path, method, op) in spec.operations() {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "1" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("/api/v1{concrete}");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = matches!(m, Method::POST | Method::PATCH | Method::PUT).then(|| json!({}));
        let r = s.call(m, &url, None, body).await;
        assert_ne!(
            r.status, 405,
            "{method} {path} is documented but {url} answers 405: {}",
            r.text
        );
        assert!(
            !(r.status == 404 && r.body["detail"] == router_404),
            "{method} {path} is documented but nothing is routed at {url}: {}",
            r.text
        );
        let secured = op
            .security
            .as_ref()
            .or(spec.security.as_ref())
            .is_some_and(|s| !s.is_empty());
        if r.status == 401 {
            assert!(
                secured,
                "{method} {path} needs credentials but declares no security scheme"
            );
            r.problem(401, "unauthenticated");
        } else {
            assert!(
                !secured,
                "{method} {path} declares security but answered {} without credentials",
                r.status
            );
            public.insert(op.operation_id.clone().unwrap());
        }
        if r.status.as_u16() >= 400 {
            r.problem(r.status.as_u16(), r.body["code"].as_str().unwrap_or("?"));
        }
    }
    for id in ["login", "register"] {
        assert!(
            public.contains(id),
            "{id} must work without credentials: {public:?}"
        );
    }
    for id in [
        "get_me",
        "list_team",
        "list_api_keys",
        "mint_api_key",
        "admin_list_tenants",
        "update_tenant",
    ] {
        assert!(!public.contains(id), "{id} answered without credentials");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_openapi_json_matches_the_served_spec() {
    let s = TestServer::start().await;
    let (text, served) = served_spec(&s).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(&path, format!("{text}\n")).unwrap();
        eprintln!("rewrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let committed: Value = serde_json::from_str(&committed).unwrap_or(Value::Null);
    assert!(
        committed == served,
        "{} is missing or differs from the spec the server serves. Regenerate it with\n    \
         cargo run -q -- openapi > openapi.json\nor\n    UPDATE_OPENAPI=1 cargo test --test it openapi\n\
         and commit the result.",
        path.display()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn docs_serve_an_html_page() {
    let s = TestServer::start().await;
    let r = s.send(reqwest::Client::new().get(s.url("/docs"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        r.headers
    );
    assert!(
        r.text.to_lowercase().contains("<html") && r.text.contains("swagger"),
        "{}",
        &r.text[..r.text.len().min(500)]
    );
}
