//! What the admin UI relies on from the server: the caller's permissions in `/users/me`, the
//! UI's files under content-hashed names, and the public careers page said for people.

use std::collections::BTreeSet;

use hirebase::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestServer};

fn names(me: &Value) -> BTreeSet<String> {
    me["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("no permissions in {me}"))
        .iter()
        .map(|p| p.as_str().expect("a permission name").to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Each role's permissions, as the README's role table says in words.
const HIRING: &[&str] = &[
    "own_profile",
    "tenant_read",
    "team_read",
    "jobs_read",
    "jobs_write",
    "structure_read",
    "candidates_read",
    "candidates_write",
    "candidates_import",
    "applications_read",
    "applications_submit",
    "applications_write",
    "interviews_read",
    "interviews_write",
    "scorecards_write",
    "offers_read",
    "offers_write",
    "insights_read",
    "matching",
    "people_read",
    "projects_read",
    "engagements_read",
    "uploads_write",
    "uploads_read",
    "assistant",
    "assistant_spend",
    "library_write",
    "library_read",
    "library_delete",
];

#[tokio::test]
async fn me_lists_what_each_role_may_do() {
    let s = TestServer::start_with_admin("root@example.com", PASSWORD).await;
    let admin = s.register("ada@example.com", "Analytical Engines").await;

    let mut expected: Vec<(Role, BTreeSet<String>)> = Vec::new();
    let mut org_admin = set(HIRING);
    org_admin.extend(set(&[
        "tenant_write",
        "team_write",
        "candidates_delete",
        "interviews_delete",
        "offers_delete",
        "people_write",
        "projects_write",
        "engagements_write",
        "audit_read",
        "audit_export",
        "webhooks_read",
        "webhooks_write",
        "api_keys",
        "account_export",
        "account_delete",
        "candidates_erase",
        "outbox",
        "uploads_delete",
    ]));
    expected.push((Role::OrgAdmin, org_admin));
    let mut recruiter = set(HIRING);
    recruiter.extend(set(&[
        "candidates_delete",
        "candidates_erase",
        "interviews_delete",
        "offers_delete",
        "people_write",
        "projects_write",
        "engagements_write",
    ]));
    expected.push((Role::Recruiter, recruiter));
    expected.push((Role::HiringManager, set(HIRING)));
    expected.push((
        Role::Interviewer,
        set(&[
            "own_profile",
            "tenant_read",
            "team_read",
            "structure_read",
            "jobs_read",
            "interviews_read",
            "scorecards_write",
            "uploads_write",
            "library_write",
        ]),
    ));
    expected.push((
        Role::Agency,
        set(&[
            "own_profile",
            "tenant_read",
            "jobs_read",
            "candidates_read",
            "candidates_write",
            "applications_read",
            "applications_submit",
            "uploads_write",
            "library_write",
        ]),
    ));
    expected.push((
        Role::Talent,
        set(&["own_profile", "tenant_read", "own_talent_profile"]),
    ));

    for (role, want) in &expected {
        let token = if *role == Role::OrgAdmin {
            admin.token.clone()
        } else {
            let email = format!("{}@example.com", role.as_str());
            s.seed_member(admin.org_id, &email, *role).await.token
        };
        let me = s.get("/api/v1/users/me", &token).await;
        let me = me.ok(200);
        assert_eq!(me["role"], role.as_str(), "{me}");
        assert_eq!(&names(me), want, "permissions of {}", role.as_str());

        // The list is what the server enforces: a listed permission's endpoint answers, an
        // unlisted one's is refused.
        let granted = names(me);
        for (permission, path) in [
            ("api_keys", "/api/v1/api-keys"),
            ("audit_read", "/api/v1/audit"),
            ("insights_read", "/api/v1/insights"),
            ("offers_read", "/api/v1/offers"),
            ("candidates_read", "/api/v1/candidates"),
            ("webhooks_read", "/api/v1/webhooks"),
            ("team_read", "/api/v1/team"),
        ] {
            let r = s.get(path, &token).await;
            if granted.contains(permission) {
                r.ok(200);
            } else {
                r.problem(403, "forbidden");
            }
        }
        let r = s
            .post("/api/v1/jobs", &token, json!({"title": "Probe"}))
            .await;
        if granted.contains("jobs_write") {
            r.ok(201);
        } else {
            r.problem(403, "forbidden");
        }
    }

    // The platform admin administers the platform; changing its own name keeps the list.
    let root = s.login("root@example.com", PASSWORD).await;
    let me = s.get("/api/v1/users/me", &root.token).await;
    let me = me.ok(200);
    assert!(names(me).contains("platform"), "{me}");
    assert!(!names(me).contains("jobs_write"), "{me}");
    let patched = s
        .patch(
            "/api/v1/users/me",
            &root.token,
            json!({"full_name": "Root"}),
        )
        .await;
    assert_eq!(names(patched.ok(200)), names(me));
}

/// `<script type="importmap">…</script>` of the UI page.
fn import_map(html: &str) -> Value {
    let start = html
        .find("<script type=\"importmap\">")
        .unwrap_or_else(|| panic!("no import map in {html}"))
        + "<script type=\"importmap\">".len();
    let end = start + html[start..].find("</script>").expect("import map ends");
    serde_json::from_str(&html[start..end]).expect("import map is JSON")
}

#[tokio::test]
async fn ui_modules_are_served_by_content_hash_and_cached_for_good() {
    let s = TestServer::start().await;
    let page = s.call(Method::GET, "/", None, None).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("script-src 'self' 'sha256-") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let map = import_map(&page.text);
    let imports = map["imports"].as_object().expect("imports");
    for module in ["/assets/app.js", "/assets/api.js", "/assets/page-jobs.js"] {
        assert!(imports.contains_key(module), "{module} missing from {map}");
    }

    // Every module by its hashed name: immutable for a year, the right type.
    for (plain, hashed) in imports {
        let hashed = hashed.as_str().expect("an address");
        assert_ne!(plain, hashed);
        let r = s.call(Method::GET, hashed, None, None).await;
        assert_eq!(r.status, 200, "{hashed}");
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{hashed}"
        );
        assert_eq!(
            r.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
    }
    // The entry module and the stylesheet are named by hash in the page itself.
    let app = imports["/assets/app.js"].as_str().unwrap();
    assert!(
        page.text
            .contains(&format!("<script type=\"module\" src=\"{app}\">")),
        "{}",
        page.text
    );

    // A plain name still works, but is revalidated; the page itself answers 304 to its ETag.
    let plain = s.call(Method::GET, "/assets/app.js", None, None).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("cache-control"), Some("no-cache"));
    let etag = page.header("etag").expect("an ETag");
    let again = s
        .send(s.client.get(s.url("/")).header("if-none-match", etag))
        .await;
    assert_eq!(again.status, 304);
    // A version that is not current is not served in its place.
    let stale = s
        .call(Method::GET, "/assets/app.000000000000.js", None, None)
        .await;
    stale.problem(404, "not_found");
}

#[tokio::test]
async fn careers_page_says_terms_and_pay_for_people() {
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Acme Bank").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Teller", "status": "open", "is_public": true, "employment_type": "full_time",
                   "remote_option": "onsite", "salary_min": 60000, "salary_max": 80000, "currency": "EUR"}),
        )
        .await;
    job.ok(201);
    let page = s.call(Method::GET, "/careers/acme-bank", None, None).await;
    assert_eq!(page.status, 200);
    let html = &page.text;
    assert!(
        html.contains("On-site · Full-time") && html.contains("€60,000 – €80,000"),
        "{html}"
    );
    assert!(
        !html.contains("full_time") && !html.contains("60000"),
        "{html}"
    );
    // The stylesheet is named by its hash too.
    assert!(html.contains("href=\"/assets/careers."), "{html}");
    assert!(!html.contains("/assets/careers.css\""), "{html}");
}
