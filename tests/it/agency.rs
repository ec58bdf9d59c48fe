//! Jobs of subsidiaries, and agencies: an agency user is invited with its agency, creates
//! candidates, submits them to jobs, and sees only what its agency submitted.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, TestServer, fields};

fn ids(page: &Value) -> Vec<u64> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect()
}

/// Invites `email` as an agency user of `agency` and accepts the invitation.
async fn agency_user(s: &TestServer, admin: &Member, email: &str, agency: u64) -> Member {
    let r = s
        .post(
            "/api/v1/auth/invite",
            &admin.token,
            json!({"email": email, "role": "agency", "agency_id": agency}),
        )
        .await;
    let sent = r.ok(201).clone();
    assert_eq!(sent["invite"]["agency_id"], agency, "{sent}");
    let url = sent["invite_url"].as_str().unwrap();
    let token = url.rsplit("token=").next().unwrap();
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/accept-invite",
            None,
            Some(json!({"token": token, "password": PASSWORD})),
        )
        .await;
    let signed = r.ok(200);
    assert_eq!(signed["user"]["role"], "agency");
    assert_eq!(signed["user"]["agency_id"], agency);
    s.login(email, PASSWORD).await
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_belong_to_subsidiaries_and_list_by_them() {
    let s = TestServer::start().await;
    let admin = s.register("lead@group.test", "Group Co").await;
    let other = s.register("lead@other.test", "Other Co").await;
    let nordics = s
        .post(
            "/api/v1/subsidiaries",
            &admin.token,
            json!({"name": "Group Nordics"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let benelux = s
        .post(
            "/api/v1/subsidiaries",
            &admin.token,
            json!({"name": "Group Benelux"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let foreign = s
        .post(
            "/api/v1/subsidiaries",
            &other.token,
            json!({"name": "Other Sub"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();

    let job = |title: &str, sub: Option<u64>| json!({"title": title, "subsidiary_id": sub});
    let mut made = Vec::new();
    for (title, sub) in [
        ("Rust Engineer Oslo", Some(nordics)),
        ("Go Engineer Oslo", Some(nordics)),
        ("Rust Engineer Utrecht", Some(benelux)),
        ("Rust Engineer HQ", None),
    ] {
        let r = s.post("/api/v1/jobs", &admin.token, job(title, sub)).await;
        let j = r.ok(201);
        assert_eq!(j["subsidiary_id"], sub.map_or(Value::Null, Value::from));
        made.push(j["id"].as_u64().unwrap());
    }
    let (oslo_rust, oslo_go, utrecht, hq) = (made[0], made[1], made[2], made[3]);

    // Another tenant's subsidiary, or none at all, is refused with the field named; nothing stored.
    for bad in [foreign, 999_999] {
        let r = s
            .post("/api/v1/jobs", &admin.token, job("Bad", Some(bad)))
            .await;
        assert_eq!(fields(r.problem(400, "validation")), ["subsidiary_id"]);
        let r = s
            .patch(
                &format!("/api/v1/jobs/{hq}"),
                &admin.token,
                json!({"subsidiary_id": bad}),
            )
            .await;
        assert_eq!(fields(r.problem(400, "validation")), ["subsidiary_id"]);
    }
    assert_eq!(
        s.get("/api/v1/jobs", &admin.token).await.ok(200)["total"],
        4
    );

    // The filter: alone, with a status, with text; paged.
    let list = |q: String| {
        let s = &s;
        let token = admin.token.clone();
        async move { s.get(&format!("/api/v1/jobs?{q}"), &token).await }
    };
    let r = list(format!("subsidiary_id={nordics}")).await;
    assert_eq!(ids(r.ok(200)), [oslo_go, oslo_rust], "newest first");
    assert_eq!(r.body["total"], 2);
    let r = list(format!("subsidiary_id={nordics}&limit=1&skip=1")).await;
    assert_eq!(ids(r.ok(200)), [oslo_rust]);
    assert_eq!(r.body["total"], 2);
    let r = list(format!("subsidiary_id={nordics}&q=rust")).await;
    assert_eq!(ids(r.ok(200)), [oslo_rust]);
    assert_eq!(r.body["total"], 1);
    let r = list(format!("subsidiary_id={benelux}&status_filter=open")).await;
    assert_eq!(ids(r.ok(200)), [utrecht]);
    let r = list("q=rust".into()).await;
    assert_eq!(r.ok(200)["total"], 3);
    // Another tenant's subsidiary filters to nothing here.
    let r = list(format!("subsidiary_id={foreign}")).await;
    assert_eq!(r.ok(200)["total"], 0);

    // Moving a job; `null` takes it out.
    let r = s
        .patch(
            &format!("/api/v1/jobs/{oslo_go}"),
            &admin.token,
            json!({"subsidiary_id": benelux}),
        )
        .await;
    assert_eq!(r.ok(200)["subsidiary_id"], benelux);
    let r = list(format!("subsidiary_id={benelux}")).await;
    assert_eq!(ids(r.ok(200)), [utrecht, oslo_go], "newest first");
    let r = list(format!("subsidiary_id={nordics}")).await;
    assert_eq!(ids(r.ok(200)), [oslo_rust]);

    // A subsidiary with jobs is not deleted (409, the jobs named); emptied, it is.
    let one = format!("/api/v1/subsidiaries/{nordics}");
    let p = s.delete(&one, &admin.token).await;
    let p = p.problem(409, "conflict");
    assert!(p["detail"].as_str().unwrap().contains("1 job(s)"), "{p}");
    s.get(&one, &admin.token).await.ok(200);
    let r = s
        .patch(
            &format!("/api/v1/jobs/{oslo_rust}"),
            &admin.token,
            json!({"subsidiary_id": null}),
        )
        .await;
    assert_eq!(r.ok(200)["subsidiary_id"], Value::Null);
    assert_eq!(s.delete(&one, &admin.token).await.status, 204);
    let r = s
        .get(&format!("/api/v1/jobs/{oslo_rust}"), &admin.token)
        .await;
    assert_eq!(r.ok(200)["subsidiary_id"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agency_user_sees_only_what_its_agency_submitted() {
    let s = TestServer::start().await;
    let admin = s.register("lead@firm.test", "Firm").await;
    let other = s.register("lead@rival.test", "Rival").await;
    let agency = |token: String, name: &'static str| {
        let s = &s;
        async move {
            s.post("/api/v1/agencies", &token, json!({"name": name}))
                .await
                .ok(201)["id"]
                .as_u64()
                .unwrap()
        }
    };
    let bridge = agency(admin.token.clone(), "TalentBridge").await;
    let apex = agency(admin.token.clone(), "Apex Search").await;
    let rivals = agency(other.token.clone(), "Rival Agency").await;

    // The invite: agency_id required with the agency role, refused with others, and must be
    // one of the organisation's agencies. Nothing is sent when it is refused.
    for (body, field) in [
        (json!({"email": "a@x.test", "role": "agency"}), "agency_id"),
        (
            json!({"email": "a@x.test", "role": "agency", "agency_id": rivals}),
            "agency_id",
        ),
        (
            json!({"email": "a@x.test", "role": "recruiter", "agency_id": bridge}),
            "agency_id",
        ),
    ] {
        let r = s.post("/api/v1/auth/invite", &admin.token, body).await;
        assert_eq!(fields(r.problem(400, "validation")), [field]);
    }
    let outbox = s.get("/api/v1/admin/outbox", &admin.token).await;
    let to_a = outbox.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == "a@x.test")
        .count();
    assert_eq!(to_a, 0, "no invitation went out");

    let sam = agency_user(&s, &admin, "sam@talentbridge.test", bridge).await;
    let kim = agency_user(&s, &admin, "kim@talentbridge.test", bridge).await;
    let ana = agency_user(&s, &admin, "ana@apex.test", apex).await;
    let me = s.get("/api/v1/users/me", &sam.token).await;
    let me = me.ok(200);
    assert_eq!(me["agency_id"], bridge);
    let granted: Vec<&str> = me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for p in ["candidates_read", "candidates_write", "applications_submit"] {
        assert!(granted.contains(&p), "{p} in {granted:?}");
    }
    for p in [
        "offers_read",
        "insights_read",
        "interviews_read",
        "audit_read",
        "team_read",
        "structure_read",
        "applications_write",
        "candidates_delete",
        "candidates_import",
    ] {
        assert!(!granted.contains(&p), "{p} not in {granted:?}");
    }
    // Keys belong to no agency: none is minted with the role.
    let r = s
        .post(
            "/api/v1/api-keys",
            &admin.token,
            json!({"name": "agency feed", "role": "agency", "scopes": ["candidates:read"]}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), ["role"]);
    // The team list shows who works for which agency.
    let team = s.get("/api/v1/team", &admin.token).await;
    let row = team.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ana@apex.test")
        .cloned()
        .unwrap();
    assert_eq!(row["agency_id"], apex);

    // The firm's own candidate, and a job to submit to.
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Rust Engineer"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let own = s
        .post(
            "/api/v1/candidates",
            &admin.token,
            json!({"full_name": "Firm Rustacean", "skills": ["Rust"]}),
        )
        .await;
    let own = own.ok(201)["id"].as_u64().unwrap();

    // Each agency creates candidates; they are recorded as the agency's.
    let create = |token: String, name: &'static str| {
        let s = &s;
        async move {
            let r = s
                .post(
                    "/api/v1/candidates",
                    &token,
                    json!({"full_name": name, "skills": ["Rust"], "email": format!("{}@mail.test", name.replace(' ', "."))}),
                )
                .await;
            r.ok(201).clone()
        }
    };
    let bridge_one = create(sam.token.clone(), "Bridge Rustacean").await;
    assert_eq!(bridge_one["agency_id"], bridge);
    let bridge_one = bridge_one["id"].as_u64().unwrap();
    let bridge_two = create(kim.token.clone(), "Bridge Second").await["id"]
        .as_u64()
        .unwrap();
    let apex_one = create(ana.token.clone(), "Apex Rustacean").await["id"]
        .as_u64()
        .unwrap();

    // Lists and search: only the agency's own; the firm sees all.
    let r = s.get("/api/v1/candidates", &sam.token).await;
    assert_eq!(ids(r.ok(200)), [bridge_two, bridge_one]);
    assert_eq!(r.body["total"], 2);
    let r = s.get("/api/v1/candidates?limit=1&skip=1", &kim.token).await;
    assert_eq!(ids(r.ok(200)), [bridge_one]);
    assert_eq!(r.body["total"], 2);
    crate::common::eventually("the candidates are searchable", || async {
        s.get("/api/v1/candidates?q=rustacean", &admin.token)
            .await
            .body["total"]
            == 3
    })
    .await;
    let r = s.get("/api/v1/candidates?q=rustacean", &sam.token).await;
    assert_eq!(ids(r.ok(200)), [bridge_one]);
    assert_eq!(r.body["total"], 1);
    let r = s
        .get("/api/v1/candidates?q=rustacean&mode=semantic", &ana.token)
        .await;
    assert_eq!(ids(r.ok(200)), [apex_one]);
    let r = s.get("/api/v1/candidates?skills=rust", &ana.token).await;
    assert_eq!(ids(r.ok(200)), [apex_one]);
    assert_eq!(
        s.get("/api/v1/candidates", &admin.token).await.ok(200)["total"],
        4
    );

    // Another's candidate is 404, exactly like a missing one, for reading, changing and submitting.
    for hidden in [own, apex_one] {
        let one = format!("/api/v1/candidates/{hidden}");
        let p = s.get(&one, &sam.token).await;
        assert_eq!(
            p.problem(404, "not_found")["detail"],
            format!("Candidate {hidden} not found")
        );
        s.patch(&one, &sam.token, json!({"full_name": "Mine now"}))
            .await
            .problem(404, "not_found");
        s.post(
            "/api/v1/applications",
            &sam.token,
            json!({"job_id": job, "candidate_id": hidden}),
        )
        .await
        .problem(404, "not_found");
    }
    let r = s
        .patch(
            &format!("/api/v1/candidates/{bridge_two}"),
            &sam.token,
            json!({"headline": "Systems programmer"}),
        )
        .await;
    assert_eq!(
        r.ok(200)["headline"],
        "Systems programmer",
        "a colleague's submission is the agency's"
    );
    s.delete(&format!("/api/v1/candidates/{bridge_one}"), &sam.token)
        .await
        .problem(403, "forbidden");

    // Submitting: the application is the agency's; only sourced or applied.
    let r = s
        .post(
            "/api/v1/applications",
            &sam.token,
            json!({"job_id": job, "candidate_id": bridge_one, "status": "offer"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), ["status"]);
    let app = s
        .post(
            "/api/v1/applications",
            &sam.token,
            json!({"job_id": job, "candidate_id": bridge_one, "status": "applied"}),
        )
        .await;
    let app = app.ok(201).clone();
    assert_eq!(app["agency_id"], bridge);
    let app = app["id"].as_u64().unwrap();
    let apex_app = s
        .post(
            "/api/v1/applications",
            &ana.token,
            json!({"job_id": job, "candidate_id": apex_one}),
        )
        .await;
    let apex_app = apex_app.ok(201)["id"].as_u64().unwrap();
    let firm_app = s
        .post(
            "/api/v1/applications",
            &admin.token,
            json!({"job_id": job, "candidate_id": own}),
        )
        .await;
    let firm_app = firm_app.ok(201)["id"].as_u64().unwrap();

    let r = s
        .get(&format!("/api/v1/applications?job_id={job}"), &kim.token)
        .await;
    assert_eq!(ids(r.ok(200)), [app]);
    assert_eq!(r.body["total"], 1);
    let r = s.get("/api/v1/applications", &ana.token).await;
    assert_eq!(ids(r.ok(200)), [apex_app]);
    let r = s
        .get(&format!("/api/v1/applications?job_id={job}"), &admin.token)
        .await;
    assert_eq!(ids(r.ok(200)), [firm_app, apex_app, app]);
    s.get(&format!("/api/v1/applications/{app}"), &kim.token)
        .await
        .ok(200);
    s.get(&format!("/api/v1/applications/{app}/history"), &kim.token)
        .await
        .ok(200);
    for hidden in [apex_app, firm_app] {
        s.get(&format!("/api/v1/applications/{hidden}"), &sam.token)
            .await
            .problem(404, "not_found");
        s.get(
            &format!("/api/v1/applications/{hidden}/history"),
            &sam.token,
        )
        .await
        .problem(404, "not_found");
    }
    // Moving a submission along the pipeline is the firm's.
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &sam.token,
        json!({"status": "hired"}),
    )
    .await
    .problem(403, "forbidden");

    // No offers, interviews, insights, audit, settings, matching, import or team for agencies.
    for path in [
        "/api/v1/offers",
        "/api/v1/interviews",
        "/api/v1/insights",
        "/api/v1/audit",
        "/api/v1/agencies",
        "/api/v1/subsidiaries",
        "/api/v1/webhooks",
        "/api/v1/team",
    ] {
        s.get(path, &sam.token).await.problem(403, "forbidden");
    }
    s.post(
        "/api/v1/candidates/import",
        &sam.token,
        json!({"rows": [{"full_name": "Bulk"}]}),
    )
    .await
    .problem(403, "forbidden");
    s.post(
        "/api/v1/matching/candidates_for_job",
        &sam.token,
        json!({"job_id": job}),
    )
    .await
    .problem(403, "forbidden");

    // The agent answers from the same scoped lists.
    let r = s
        .post(
            "/api/v1/agent/chat",
            &sam.token,
            json!({"message": format!("summarize candidate {own}")}),
        )
        .await;
    let reply = r.ok(200)["reply"].as_str().unwrap().to_string();
    assert!(!reply.contains("Firm Rustacean"), "{reply}");

    // An agency with people is not deleted; its people are moved to another role first.
    let p = s
        .delete(&format!("/api/v1/agencies/{apex}"), &admin.token)
        .await;
    let p = p.problem(409, "conflict");
    assert!(p["detail"].as_str().unwrap().contains("1 member(s)"), "{p}");
    let ana_id = ana.user_id;
    let r = s
        .patch(
            &format!("/api/v1/team/{ana_id}"),
            &admin.token,
            json!({"role": "agency"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), ["agency_id"]);
    let r = s
        .patch(
            &format!("/api/v1/team/{ana_id}"),
            &admin.token,
            json!({"role": "agency", "agency_id": bridge}),
        )
        .await;
    assert_eq!(r.ok(200)["agency_id"], bridge);
    // Moved to TalentBridge, Ana sees its submissions at once, and no longer Apex's.
    let r = s.get("/api/v1/candidates", &ana.token).await;
    assert_eq!(ids(r.ok(200)), [bridge_two, bridge_one]);
    let r = s
        .patch(
            &format!("/api/v1/team/{ana_id}"),
            &admin.token,
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(r.ok(200)["agency_id"], Value::Null);
    assert_eq!(
        s.delete(&format!("/api/v1/agencies/{apex}"), &admin.token)
            .await
            .status,
        204
    );
    // What Apex submitted stays recorded as its own.
    let r = s
        .get(&format!("/api/v1/candidates/{apex_one}"), &admin.token)
        .await;
    assert_eq!(r.ok(200)["agency_id"], apex);
}
