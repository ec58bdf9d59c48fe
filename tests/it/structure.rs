//! The organisation's structure: subsidiaries, agencies and integrations — one lifecycle,
//! members read it, org admins change it, each tenant sees its own.

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{TestServer, fields};

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn subsidiaries_agencies_and_integrations_have_one_lifecycle() {
    let s = TestServer::start().await;
    let admin = s.register("lead@group.test", "Group Co").await;
    let recruiter = s
        .seed_member(admin.org_id, "rec@group.test", Role::Recruiter)
        .await;
    let other = s.register("lead@elsewhere.test", "Elsewhere").await;

    for (path, first, second) in [
        (
            "/api/v1/subsidiaries",
            json!({"name": "Group Nordics", "location": "Oslo"}),
            json!({"name": "Group Benelux"}),
        ),
        (
            "/api/v1/agencies",
            json!({"name": "TalentBridge", "contact_email": " Sam@TalentBridge.test ", "fee_percent": 18.5}),
            json!({"name": "Apex Search", "website": "https://apex.example"}),
        ),
        (
            "/api/v1/integrations",
            json!({"provider": "workday", "name": "Workday HRIS", "settings": {"tenant": "group"}}),
            json!({"provider": "google-calendar", "name": "Calendar sync", "enabled": false}),
        ),
    ] {
        let a = s.post(path, &admin.token, first).await;
        let a = a.ok(201).clone();
        assert_eq!(a["org_id"], admin.org_id);
        let b = s.post(path, &admin.token, second).await.ok(201).clone();
        // Listed by name; `q` narrows; members read, other tenants do not.
        let list = s.get(path, &recruiter.token).await;
        let mut expected = vec![
            a["name"].as_str().unwrap().to_string(),
            b["name"].as_str().unwrap().to_string(),
        ];
        expected.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names(list.ok(200)), expected, "{path}");
        assert_eq!(list.body["total"], 2);
        let name = a["name"].as_str().unwrap();
        let q = name[name.len() - 4..].to_lowercase();
        let found = s.get(&format!("{path}?q={q}"), &admin.token).await;
        assert_eq!(
            names(found.ok(200)),
            [a["name"].as_str().unwrap()],
            "{path}"
        );
        assert_eq!(s.get(path, &other.token).await.ok(200)["total"], 0);
        let one = format!("{path}/{}", a["id"]);
        s.get(&one, &other.token).await.problem(404, "not_found");
        s.get(&one, &recruiter.token).await.ok(200);

        // Only admins change it.
        s.post(
            path,
            &recruiter.token,
            json!({"name": "X", "provider": "x"}),
        )
        .await
        .problem(403, "forbidden");
        s.patch(&one, &recruiter.token, json!({"name": "Y"}))
            .await
            .problem(403, "forbidden");
        s.delete(&one, &recruiter.token)
            .await
            .problem(403, "forbidden");

        let renamed = s
            .patch(&one, &admin.token, json!({"name": "Renamed"}))
            .await;
        assert_eq!(renamed.ok(200)["name"], "Renamed");
        s.patch(&one, &admin.token, json!({"name": null}))
            .await
            .problem(400, "validation");
        s.delete(&one, &other.token).await.problem(404, "not_found");
        assert_eq!(s.delete(&one, &admin.token).await.status, 204);
        s.get(&one, &admin.token).await.problem(404, "not_found");
        assert_eq!(s.get(path, &admin.token).await.ok(200)["total"], 1);
    }

    // What each kind checks; a refused request stores nothing.
    let agencies = s.get("/api/v1/agencies", &admin.token).await;
    let apex = agencies.ok(200)["items"][0]["id"].as_u64().unwrap();
    let r = s
        .patch(
            &format!("/api/v1/agencies/{apex}"),
            &admin.token,
            json!({"contact_email": "not-an-email", "fee_percent": 140.0, "website": "ftp://x"}),
        )
        .await;
    let p = r.problem(400, "validation");
    let mut bad = fields(p);
    bad.sort();
    assert_eq!(bad, ["contact_email", "fee_percent", "website"], "{p}");
    let apex_now = s
        .get(&format!("/api/v1/agencies/{apex}"), &admin.token)
        .await;
    assert_eq!(apex_now.ok(200)["fee_percent"], Value::Null);
    for provider in ["Workday", "google_calendar", "-x", ""] {
        let r = s
            .post(
                "/api/v1/integrations",
                &admin.token,
                json!({"provider": provider, "name": "Bad"}),
            )
            .await;
        assert_eq!(r.status, 400, "{provider:?}: {}", r.text);
    }
    let created = s
        .post(
            "/api/v1/agencies",
            &admin.token,
            json!({"name": "TalentBridge", "contact_email": " Sam@TalentBridge.test "}),
        )
        .await;
    assert_eq!(created.ok(201)["contact_email"], "sam@talentbridge.test");
    let trail = s.get("/api/v1/audit?type=agency", &admin.token).await;
    let actions: Vec<&str> = trail.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "agency.created",
            "agency.deleted",
            "agency.updated",
            "agency.created",
            "agency.created"
        ]
    );
}
