//! `/api-keys`: minting (shown once), listing by prefix, scopes, roles, revocation and the usage log.

use hirebase::auth::Role;
use hirebase::auth::identity::hash_api_key;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestServer, eventually, fields};

const KEYS: &str = "/api/v1/api-keys";

async fn list_keys(s: &TestServer, token: &str) -> Value {
    s.get(KEYS, token).await.ok(200).clone()
}

fn usage_path(id: u64, query: &str) -> String {
    format!("{KEYS}/{id}/usage{query}")
}

#[tokio::test(flavor = "multi_thread")]
async fn mint_returns_the_record_and_the_raw_token_once() {
    let s = TestServer::start().await;
    let admin = s.register("mint@keys.example", "Mint").await;
    let r = s
        .post(KEYS, &admin.token, json!({"name": "  CI pipeline ", "role": "hiring_manager", "scopes": ["team:read", "jobs:read", "team:read"]}))
        .await;
    let b = r.ok(201);
    let raw = b["raw_token"].as_str().unwrap();
    assert!(raw.starts_with("hb_") && raw.len() == 67, "{raw}");
    assert!(
        raw[3..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{raw}"
    );
    let key = &b["api_key"];
    let keys: Vec<&str> = key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "prefix",
            "role",
            "scopes",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked",
            "revoked_at"
        ],
        "{}",
        r.text
    );
    assert!(key["id"].as_u64().is_some_and(|id| id > 0));
    assert_eq!(key["name"], "CI pipeline");
    assert_eq!(key["prefix"].as_str(), Some(&raw[..11]));
    assert_eq!(key["role"], "hiring_manager");
    assert_eq!(
        key["scopes"],
        json!(["jobs:read", "team:read"]),
        "sorted, without duplicates"
    );
    assert_eq!(key["created_by"], "mint@keys.example");
    assert!(key["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(key["last_used_at"], Value::Null);
    assert_eq!(key["revoked"], false);
    assert_eq!(key["revoked_at"], Value::Null);

    // The role defaults to recruiter; two mints never share a token.
    let r = s
        .post(
            KEYS,
            &admin.token,
            json!({"name": "default", "scopes": ["jobs:read"]}),
        )
        .await;
    assert_eq!(r.ok(201)["api_key"]["role"], "recruiter");
    assert_ne!(r.body["raw_token"].as_str().unwrap(), raw);
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_show_the_prefix_never_the_token_or_its_hash() {
    let s = TestServer::start().await;
    let admin = s.register("list@keys.example", "List").await;
    let (first, raw_first) = s
        .mint_key(&admin, "first", "recruiter", &["team:read"])
        .await;
    let (second, raw_second) = s
        .mint_key(&admin, "second", "org_admin", &["tenant:read"])
        .await;
    s.get("/api/v1/team", &raw_first).await.ok(200);

    let list = list_keys(&s, &admin.token).await;
    assert_eq!(list["total"], 2);
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["id"])
        .collect();
    assert_eq!(ids, vec![&second["id"], &first["id"]], "newest first");
    assert_eq!(list["items"][1]["prefix"].as_str(), Some(&raw_first[..11]));
    assert_eq!(list["items"][0]["prefix"].as_str(), Some(&raw_second[..11]));

    let r = s.get(&format!("{KEYS}?limit=1&skip=1"), &admin.token).await;
    assert_eq!(r.ok(200)["items"][0]["id"], first["id"]);
    assert_eq!(r.body["total"], 2);

    let revoked = s
        .delete(&format!("{KEYS}/{}", first["id"]), &admin.token)
        .await;
    let usage = s
        .get(&usage_path(first["id"].as_u64().unwrap(), ""), &admin.token)
        .await;
    for (what, text) in [
        ("list", &s.get(KEYS, &admin.token).await.text),
        ("revoke", &revoked.text),
        ("usage", &usage.text),
    ] {
        for raw in [&raw_first, &raw_second] {
            assert!(
                !text.contains(&raw[11..]),
                "{what} leaks the secret part of a token: {text}"
            );
            assert!(
                !text.contains(&hash_api_key(raw)),
                "{what} leaks a token hash: {text}"
            );
        }
        assert!(!text.contains("hash"), "{what}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_authenticates_as_a_bearer_token() {
    let s = TestServer::start().await;
    let admin = s.register("bearer@keys.example", "Bearer").await;
    let (_, raw) = s
        .mint_key(&admin, "reader", "recruiter", &["team:read", "tenant:read"])
        .await;
    let r = s.get("/api/v1/team", &raw).await;
    assert_eq!(r.ok(200)["total"], 1);
    assert_eq!(r.body["items"][0]["email"], "bearer@keys.example");
    let r = s.get("/api/v1/tenants/me", &raw).await;
    assert_eq!(r.ok(200)["id"].as_u64(), Some(admin.org_id));
    // A near miss is no key at all.
    let mut wrong = raw.clone();
    let last = if wrong.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(66.., last);
    s.get("/api/v1/team", &wrong)
        .await
        .problem(401, "unauthenticated");
    s.get("/api/v1/team", &raw[..30])
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_without_the_scope_is_403_insufficient_scope() {
    let s = TestServer::start().await;
    let admin = s.register("scope@keys.example", "Scope").await;
    let (_, reader) = s
        .mint_key(&admin, "reader", "org_admin", &["tenant:read", "team:read"])
        .await;
    let r = s
        .patch("/api/v1/tenants/me", &reader, json!({"name": "Renamed"}))
        .await;
    let p = r.problem(403, "insufficient_scope");
    assert!(
        p["detail"].as_str().unwrap().contains("tenant:write"),
        "{}",
        r.text
    );
    assert_eq!(
        s.get("/api/v1/tenants/me", &admin.token).await.ok(200)["name"],
        "Scope",
        "nothing changed"
    );

    let (_, writer) = s
        .mint_key(&admin, "writer", "org_admin", &["tenant:write"])
        .await;
    let r = s
        .patch("/api/v1/tenants/me", &writer, json!({"name": "Renamed"}))
        .await;
    assert_eq!(r.ok(200)["name"], "Renamed");
    assert_eq!(
        r.body["slug"], "scope",
        "the slug stays when the name changes"
    );
    s.get("/api/v1/tenants/me", &writer)
        .await
        .problem(403, "insufficient_scope");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recruiter_key_on_an_org_admin_endpoint_is_403_forbidden() {
    let s = TestServer::start().await;
    let admin = s.register("role@keys.example", "Role").await;
    let (_, raw) = s
        .mint_key(
            &admin,
            "recruiter",
            "recruiter",
            &["tenant:read", "tenant:write", "team:write"],
        )
        .await;
    let r = s
        .patch("/api/v1/tenants/me", &raw, json!({"name": "Hijacked"}))
        .await;
    let p = r.problem(403, "forbidden");
    assert!(
        p["detail"].as_str().unwrap().contains("recruiter"),
        "{}",
        r.text
    );
    s.patch(
        &format!("/api/v1/team/{}", admin.user_id),
        &raw,
        json!({"role": "org_admin"}),
    )
    .await
    .problem(403, "forbidden");
    assert_eq!(
        s.get("/api/v1/tenants/me", &raw).await.ok(200)["name"],
        "Role"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_cannot_manage_keys_or_act_as_a_person() {
    let s = TestServer::start().await;
    let admin = s.register("nokeys@keys.example", "NoKeys").await;
    let every_scope = [
        "jobs:read",
        "jobs:write",
        "candidates:read",
        "candidates:write",
        "applications:read",
        "applications:write",
        "interviews:read",
        "interviews:write",
        "offers:read",
        "offers:write",
        "webhooks:read",
        "webhooks:write",
        "audit:read",
        "insights:read",
        "team:read",
        "team:write",
        "tenant:read",
        "tenant:write",
    ];
    let (key, raw) = s
        .mint_key(&admin, "all scopes", "org_admin", &every_scope)
        .await;
    assert_eq!(key["scopes"].as_array().unwrap().len(), every_scope.len());
    let id = key["id"].as_u64().unwrap();
    let attempts = [
        (Method::GET, KEYS.to_string(), None),
        (
            Method::POST,
            KEYS.to_string(),
            Some(json!({"name": "child", "scopes": ["team:read"]})),
        ),
        (Method::DELETE, format!("{KEYS}/{id}"), None),
        (Method::GET, usage_path(id, ""), None),
        (Method::GET, "/api/v1/users/me".to_string(), None),
        (
            Method::PATCH,
            "/api/v1/users/me".to_string(),
            Some(json!({"full_name": "A key"})),
        ),
        (Method::POST, "/api/v1/auth/logout".to_string(), None),
    ];
    for (method, path, body) in attempts {
        let r = s.call(method.clone(), &path, Some(&raw), body).await;
        r.problem(403, "forbidden");
    }
    let list = list_keys(&s, &admin.token).await;
    assert_eq!(list["total"], 1, "no key was minted by a key");
    assert_eq!(
        list["items"][0]["revoked"], false,
        "the key did not revoke itself"
    );
    s.get("/api/v1/team", &raw).await.ok(200);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_mints_are_400_and_mint_nothing() {
    let s = TestServer::start().await;
    let admin = s.register("bad@keys.example", "Bad").await;
    let cases: &[(&str, Value, Option<&str>)] = &[
        (
            "unknown scope",
            json!({"name": "k", "scopes": ["jobs:read", "root:all"]}),
            None,
        ),
        (
            "empty scopes",
            json!({"name": "k", "scopes": []}),
            Some("scopes"),
        ),
        ("no scopes", json!({"name": "k"}), None),
        ("missing name", json!({"scopes": ["jobs:read"]}), None),
        (
            "blank name",
            json!({"name": "   ", "scopes": ["jobs:read"]}),
            Some("name"),
        ),
        (
            "long name",
            json!({"name": "n".repeat(121), "scopes": ["jobs:read"]}),
            Some("name"),
        ),
        (
            "platform role",
            json!({"name": "k", "role": "platform_admin", "scopes": ["jobs:read"]}),
            Some("role"),
        ),
        (
            "talent role",
            json!({"name": "k", "role": "talent", "scopes": ["jobs:read"]}),
            Some("role"),
        ),
        (
            "unknown role",
            json!({"name": "k", "role": "root", "scopes": ["jobs:read"]}),
            None,
        ),
        (
            "scopes not a list",
            json!({"name": "k", "scopes": "jobs:read"}),
            None,
        ),
    ];
    for (what, body, field) in cases {
        let r = s.post(KEYS, &admin.token, body.clone()).await;
        let p = r.problem(400, "validation");
        if let Some(field) = field {
            assert_eq!(fields(p), vec![*field], "{what}: {}", r.text);
        }
        assert!(p.get("raw_token").is_none());
    }
    let r = s
        .post(KEYS, &admin.token, json!({"name": "", "scopes": []}))
        .await;
    let mut got = fields(r.problem(400, "validation"));
    got.sort();
    assert_eq!(got, vec!["name", "scopes"], "every field problem at once");
    let list = list_keys(&s, &admin.token).await;
    assert_eq!(list, json!({"items": [], "total": 0}));
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_org_admin_session_mints_keys() {
    let s = TestServer::start().await;
    let admin = s.register("who@keys.example", "Who").await;
    let recruiter = s
        .seed_member(admin.org_id, "rec@keys.example", Role::Recruiter)
        .await;
    let r = s
        .post(
            KEYS,
            &recruiter.token,
            json!({"name": "mine", "scopes": ["jobs:read"]}),
        )
        .await;
    r.problem(403, "forbidden");
    s.get(KEYS, &recruiter.token)
        .await
        .problem(403, "forbidden");
    assert_eq!(list_keys(&s, &admin.token).await["total"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn revocation_is_immediate_and_kept_on_record() {
    let s = TestServer::start().await;
    let admin = s.register("revoke@keys.example", "Revoke").await;
    let (key, raw) = s
        .mint_key(&admin, "short-lived", "recruiter", &["team:read"])
        .await;
    let (_, other) = s
        .mint_key(&admin, "survivor", "recruiter", &["team:read"])
        .await;
    let id = key["id"].as_u64().unwrap();
    s.get("/api/v1/team", &raw).await.ok(200);

    let r = s.delete(&format!("{KEYS}/{id}"), &admin.token).await;
    let b = r.ok(200);
    assert_eq!(b["id"].as_u64(), Some(id));
    assert_eq!(b["revoked"], true);
    let revoked_at = b["revoked_at"].as_str().expect("revoked_at").to_string();

    let r = s.get("/api/v1/team", &raw).await;
    let p = r.problem(401, "unauthenticated");
    assert!(
        p["detail"].as_str().unwrap().contains("revoked"),
        "{}",
        r.text
    );
    s.get("/api/v1/team", &other).await.ok(200);

    // Revoking again changes nothing; the record stays, marked.
    let r = s.delete(&format!("{KEYS}/{id}"), &admin.token).await;
    assert_eq!(r.ok(200)["revoked_at"], revoked_at.as_str());
    let list = list_keys(&s, &admin.token).await;
    assert_eq!(list["total"], 2);
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert_eq!(listed["revoked"], true);
    assert_eq!(listed["revoked_at"], revoked_at.as_str());
    s.delete(&format!("{KEYS}/999999"), &admin.token)
        .await
        .problem(404, "not_found");
    // The log of a revoked key stays readable; the refused attempt is not in it.
    eventually("the use before revocation is logged", || async {
        s.get(&usage_path(id, ""), &admin.token).await.body["items"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    })
    .await;
    let r = s.get(&usage_path(id, ""), &admin.token).await;
    assert_eq!(
        r.ok(200)["items"].as_array().unwrap().len(),
        1,
        "{}",
        r.text
    );
    assert_eq!(r.body["items"][0]["status"], 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_log_pages_newest_first_with_a_cursor() {
    let s = TestServer::start().await;
    let admin = s.register("usage@keys.example", "Usage").await;
    let (key, raw) = s
        .mint_key(&admin, "busy", "recruiter", &["team:read", "tenant:read"])
        .await;
    let id = key["id"].as_u64().unwrap();

    // Sequential requests, so the log's order is theirs.
    let made: Vec<(Method, &str, u16)> = vec![
        (Method::GET, "/api/v1/team", 200),
        (Method::GET, "/api/v1/tenants/me", 200),
        (Method::GET, "/api/v1/users/me", 403),
        (Method::PATCH, "/api/v1/tenants/me", 403),
        (Method::GET, "/api/v1/team", 200),
    ];
    for (method, path, status) in &made {
        let body = (*method == Method::PATCH).then(|| json!({"name": "x"}));
        let r = s.call(method.clone(), path, Some(&raw), body).await;
        assert_eq!(r.status.as_u16(), *status, "{method} {path}: {}", r.text);
    }
    // The log is written off the request path: wait for it.
    eventually("the five uses are logged", || async {
        s.get(&usage_path(id, "?limit=100"), &admin.token)
            .await
            .body["items"]
            .as_array()
            .is_some_and(|a| a.len() == made.len())
    })
    .await;

    let mut seen = Vec::new();
    let mut query = "?limit=2".to_string();
    let mut pages = 0;
    loop {
        let r = s.get(&usage_path(id, &query), &admin.token).await;
        let b = r.ok(200).clone();
        pages += 1;
        let items = b["items"].as_array().unwrap();
        assert!(items.len() <= 2, "{}", r.text);
        for u in items {
            assert!(u["id"].as_u64().is_some());
            assert!(u["at"].as_str().is_some_and(|t| t.ends_with('Z')));
            assert_eq!(u["ip"], "127.0.0.1");
            seen.push((
                u["method"].as_str().unwrap().to_string(),
                u["path"].as_str().unwrap().to_string(),
                u["status"].as_u64().unwrap() as u16,
            ));
        }
        if b["has_more"] == true {
            let next = b["next_before"]
                .as_str()
                .expect("next_before when has_more");
            assert_eq!(
                next,
                items.last().unwrap()["id"].as_u64().unwrap().to_string()
            );
            query = format!("?limit=2&before={next}");
        } else {
            assert_eq!(b["next_before"], Value::Null, "{}", r.text);
            break;
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<(String, String, u16)> = made
        .iter()
        .rev()
        .map(|(m, p, st)| (m.to_string(), p.to_string(), *st))
        .collect();
    assert_eq!(seen, expected, "newest first, every request once");

    eventually("last_used_at is set", || async {
        list_keys(&s, &admin.token).await["items"][0]["last_used_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    })
    .await;

    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?before=abc", "before"),
        ("?limit=-2", "limit"),
    ] {
        let r = s.get(&usage_path(id, query), &admin.token).await;
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec![field],
            "{query}: {}",
            r.text
        );
    }
    let r = s.get(&format!("{KEYS}/first/usage"), &admin.token).await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["id"],
        "{}",
        r.text
    );
    s.get(&usage_path(999_999, ""), &admin.token)
        .await
        .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_is_not_accepted_as_the_session_cookie() {
    let s = TestServer::start().await;
    let admin = s.register("cookie@keys.example", "CookieKey").await;
    let (key, raw) = s
        .mint_key(&admin, "cookie", "org_admin", &["team:read"])
        .await;
    let id = key["id"].as_u64().unwrap();
    let r = s
        .send(
            reqwest::Client::new()
                .get(s.url("/api/v1/team"))
                .header("cookie", format!("hb_session={raw}")),
        )
        .await;
    r.problem(401, "unauthenticated");
    // Then one real use: if the cookie attempt had counted, the log would hold two.
    s.get("/api/v1/team", &raw).await.ok(200);
    eventually("the bearer use is logged", || async {
        s.get(&usage_path(id, ""), &admin.token).await.body["items"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    })
    .await;
    let r = s.get(&usage_path(id, ""), &admin.token).await;
    assert_eq!(
        r.ok(200)["items"].as_array().unwrap().len(),
        1,
        "{}",
        r.text
    );
    assert_eq!(r.body["items"][0]["status"], 200);
}
