//! Tenant isolation: another tenant's ids answer 404 exactly as missing ones do, lists show
//! only the caller's records, and only the platform admin sees across tenants.

use hirebase::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, Reply, TestServer};

const MISSING: u64 = 987_654_321;

/// Asserts `cross` is the very 404 a missing id gets: same status, code, title and detail
/// (but for the id itself), and no data.
#[track_caller]
fn same_as_missing(cross: &Reply, cross_id: u64, missing: &Reply) {
    let c = cross.problem(404, "not_found");
    let m = missing.problem(404, "not_found");
    assert_eq!(c["title"], m["title"]);
    assert_eq!(c["type"], m["type"]);
    let c_detail = c["detail"]
        .as_str()
        .unwrap()
        .replace(&cross_id.to_string(), "N");
    let m_detail = m["detail"]
        .as_str()
        .unwrap()
        .replace(&MISSING.to_string(), "N");
    assert_eq!(c_detail, m_detail);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(c), keys(m), "{}", cross.text);
}

struct Two {
    s: TestServer,
    a: Member,
    b: Member,
    a_key: Value,
    a_raw: String,
}

async fn two_tenants() -> Two {
    let s = TestServer::start().await;
    let a = s.register("admin@a.example", "Tenant A").await;
    let b = s.register("admin@b.example", "Tenant B").await;
    assert_ne!(a.org_id, b.org_id);
    let (a_key, a_raw) = s
        .mint_key(
            &a,
            "a's key",
            "org_admin",
            &["team:read", "team:write", "tenant:read"],
        )
        .await;
    Two {
        s,
        a,
        b,
        a_key,
        a_raw,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_tenant_api_key_is_404() {
    let Two {
        s,
        a,
        b,
        a_key,
        a_raw,
    } = two_tenants().await;
    let id = a_key["id"].as_u64().unwrap();
    s.get("/api/v1/team", &a_raw).await.ok(200);

    let cross = s.delete(&format!("/api/v1/api-keys/{id}"), &b.token).await;
    let missing = s
        .delete(&format!("/api/v1/api-keys/{MISSING}"), &b.token)
        .await;
    same_as_missing(&cross, id, &missing);

    let cross = s
        .get(&format!("/api/v1/api-keys/{id}/usage"), &b.token)
        .await;
    let missing = s
        .get(&format!("/api/v1/api-keys/{MISSING}/usage"), &b.token)
        .await;
    same_as_missing(&cross, id, &missing);
    assert!(
        !cross.text.contains("/api/v1/team"),
        "no usage data leaks: {}",
        cross.text
    );

    // A's key was not revoked by B's attempt.
    s.get("/api/v1/team", &a_raw).await.ok(200);
    let list = s.get("/api/v1/api-keys", &a.token).await;
    assert_eq!(list.ok(200)["items"][0]["revoked"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_tenant_team_member_is_404() {
    let Two { s, a, b, .. } = two_tenants().await;
    let a_member = s
        .seed_member(a.org_id, "member@a.example", Role::Recruiter)
        .await;
    let (_, b_key) = s
        .mint_key(&b, "b's key", "org_admin", &["team:write"])
        .await;

    for token in [&b.token, &b_key] {
        for target in [a.user_id, a_member.user_id] {
            let cross = s
                .patch(
                    &format!("/api/v1/team/{target}"),
                    token,
                    json!({"role": "recruiter"}),
                )
                .await;
            let missing = s
                .patch(
                    &format!("/api/v1/team/{MISSING}"),
                    token,
                    json!({"role": "recruiter"}),
                )
                .await;
            same_as_missing(&cross, target, &missing);
            assert!(!cross.text.contains("a.example"), "{}", cross.text);
            let cross = s.delete(&format!("/api/v1/team/{target}"), token).await;
            let missing = s.delete(&format!("/api/v1/team/{MISSING}"), token).await;
            same_as_missing(&cross, target, &missing);
        }
    }
    // Tenant A is untouched: both members, their roles, their sessions.
    assert_eq!(
        s.get("/api/v1/users/me", &a.token).await.ok(200)["role"],
        "org_admin"
    );
    assert_eq!(
        s.get("/api/v1/users/me", &a_member.token).await.ok(200)["role"],
        "recruiter"
    );
    assert_eq!(s.get("/api/v1/team", &a.token).await.ok(200)["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_acts_only_inside_its_own_tenant() {
    let Two { s, a, b, a_raw, .. } = two_tenants().await;
    let cross = s
        .patch(
            &format!("/api/v1/team/{}", b.user_id),
            &a_raw,
            json!({"role": "recruiter"}),
        )
        .await;
    let missing = s
        .patch(
            &format!("/api/v1/team/{MISSING}"),
            &a_raw,
            json!({"role": "recruiter"}),
        )
        .await;
    same_as_missing(&cross, b.user_id, &missing);
    let r = s.get("/api/v1/tenants/me", &a_raw).await;
    assert_eq!(r.ok(200)["id"].as_u64(), Some(a.org_id));
    let r = s.get("/api/v1/team", &a_raw).await;
    assert_eq!(r.ok(200)["total"], 1);
    assert_eq!(r.body["items"][0]["id"].as_u64(), Some(a.user_id));
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_only_show_the_callers_records() {
    let Two { s, a, b, a_key, .. } = two_tenants().await;
    let (b_key, _) = s.mint_key(&b, "b's key", "recruiter", &["jobs:read"]).await;
    s.seed_member(b.org_id, "second@b.example", Role::Interviewer)
        .await;

    let keys_of = |r: &Reply| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].clone())
            .collect::<Vec<_>>()
    };
    let r = s.get("/api/v1/api-keys", &a.token).await;
    assert_eq!(
        (r.ok(200)["total"].clone(), keys_of(&r)),
        (json!(1), vec![a_key["id"].clone()])
    );
    let r = s.get("/api/v1/api-keys", &b.token).await;
    assert_eq!(
        (r.ok(200)["total"].clone(), keys_of(&r)),
        (json!(1), vec![b_key["id"].clone()])
    );

    let emails = |r: &Reply| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let r = s.get("/api/v1/team", &a.token).await;
    assert_eq!(r.ok(200)["total"], 1);
    assert_eq!(emails(&r), vec!["admin@a.example"]);
    let r = s.get("/api/v1/team", &b.token).await;
    assert_eq!(r.ok(200)["total"], 2);
    assert_eq!(emails(&r), vec!["second@b.example", "admin@b.example"]);
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["org_id"].as_u64() == Some(b.org_id))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tenants_me_is_the_callers_own_tenant() {
    let Two { s, a, b, .. } = two_tenants().await;
    let r = s.get("/api/v1/tenants/me", &a.token).await;
    assert_eq!(r.ok(200)["id"].as_u64(), Some(a.org_id));
    assert_eq!(r.body["name"], "Tenant A");
    assert_eq!(r.body["slug"], "tenant-a");
    let r = s
        .patch(
            "/api/v1/tenants/me",
            &b.token,
            json!({"name": "Tenant B Renamed", "tagline": "We hire", "brand_color": "#7C3AED"}),
        )
        .await;
    let body = r.ok(200);
    assert_eq!(body["id"].as_u64(), Some(b.org_id));
    assert_eq!(body["slug"], "tenant-b");
    assert_eq!(body["brand_color"], "#7c3aed");
    assert_eq!(
        s.get("/api/v1/tenants/me", &a.token).await.ok(200)["name"],
        "Tenant A",
        "A is untouched"
    );

    // `null` clears the optional fields; an absent field keeps its value.
    let r = s
        .patch("/api/v1/tenants/me", &b.token, json!({"tagline": null}))
        .await;
    assert_eq!(r.ok(200)["tagline"], Value::Null);
    assert_eq!(r.body["brand_color"], "#7c3aed");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_tenant_changes_are_400_and_change_nothing() {
    let s = TestServer::start().await;
    let a = s.register("admin@bad.example", "Steady").await;
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": null}), "name"),
        (json!({"name": "n".repeat(121)}), "name"),
        (json!({"tagline": "t".repeat(201)}), "tagline"),
        (json!({"brand_color": "purple"}), "brand_color"),
        (json!({"brand_color": "#12345g"}), "brand_color"),
    ] {
        let r = s.patch("/api/v1/tenants/me", &a.token, body.clone()).await;
        assert_eq!(
            crate::common::fields(r.problem(400, "validation")),
            vec![field],
            "{body}"
        );
    }
    let r = s.get("/api/v1/tenants/me", &a.token).await;
    let t = r.ok(200);
    assert_eq!(
        (
            t["name"].as_str(),
            t["tagline"].as_str(),
            t["brand_color"].as_str()
        ),
        (Some("Steady"), None, None)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_tenants_is_for_the_platform_admin_only() {
    let s = TestServer::start_with_admin("root@platform.example", PASSWORD).await;
    let a = s.register("admin@a.example", "Tenant A").await;
    let b = s.register("admin@b.example", "Tenant B").await;
    let (_, org_key) = s
        .mint_key(
            &a,
            "all",
            "org_admin",
            &["team:read", "tenant:read", "tenant:write"],
        )
        .await;

    for token in [&a.token, &b.token, &org_key] {
        let r = s.get("/api/v1/admin/tenants", token).await;
        r.problem(403, "forbidden");
        assert!(!r.text.contains("Tenant B"), "{}", r.text);
    }

    let root = s.login("root@platform.example", PASSWORD).await;
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "root@platform.example", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.ok(200)["user"]["role"], "platform_admin");
    let r = s.get("/api/v1/admin/tenants", &root.token).await;
    let body = r.ok(200);
    assert_eq!(body["total"], 2);
    let ids: Vec<u64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![b.org_id, a.org_id], "newest first");
    assert_eq!(body["items"][0]["slug"], "tenant-b");

    let r = s
        .get("/api/v1/admin/tenants?limit=1&skip=1", &root.token)
        .await;
    assert_eq!(r.ok(200)["items"][0]["id"].as_u64(), Some(a.org_id));
    assert_eq!(r.body["total"], 2);
    for query in ["limit=0", "limit=101"] {
        s.get(&format!("/api/v1/admin/tenants?{query}"), &root.token)
            .await
            .problem(400, "validation");
    }
    // The platform admin belongs to no tenant and registers nobody's keys.
    let r = s.get("/api/v1/users/me", &root.token).await;
    assert_eq!(r.ok(200)["role"], "platform_admin");
    s.post(
        "/api/v1/api-keys",
        &root.token,
        json!({"name": "k", "scopes": ["jobs:read"]}),
    )
    .await
    .problem(403, "forbidden");
    // Organisations cannot reach the platform admin's account through their team.
    let cross = s
        .patch(
            &format!("/api/v1/team/{}", root.user_id),
            &a.token,
            json!({"role": "recruiter"}),
        )
        .await;
    let missing = s
        .patch(
            &format!("/api/v1/team/{MISSING}"),
            &a.token,
            json!({"role": "recruiter"}),
        )
        .await;
    same_as_missing(&cross, root.user_id, &missing);
    let cross = s
        .delete(&format!("/api/v1/team/{}", root.user_id), &a.token)
        .await;
    let missing = s.delete(&format!("/api/v1/team/{MISSING}"), &a.token).await;
    same_as_missing(&cross, root.user_id, &missing);
    s.get("/api/v1/team", &root.token)
        .await
        .problem(403, "forbidden");
    // Its email is taken instance-wide.
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "ROOT@platform.example", "password": PASSWORD})),
        )
        .await;
    r.problem(409, "conflict");
}
