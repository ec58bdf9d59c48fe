//! Privacy (issue 12): deleting an organisation, erasing one candidate everywhere with the
//! audit chain still verifying, consent to the privacy notice, and the retention rule.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, Reply, TestServer, fields, wait_until_deleted};
use hirebase::search::{Kind, Query};
use hirebase::store::Reader;
use hirebase::store::tables::{
    API_KEYS, APPLICATIONS, AUDIT, CANDIDATES, INSTANCE, JOBS, SESSIONS, STAGE_CHANGES, TENANTS,
    UPLOAD_PARTS, UPLOADS, USERS,
};

const CRON_SECRET: &str = "privacy-cron-secret";

async fn export_text(s: &TestServer, m: &Member) -> String {
    let r = reqwest::Client::new()
        .get(s.url("/api/v1/account/export"))
        .bearer_auth(&m.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

fn id(r: &Reply, status: u16) -> u64 {
    r.ok(status)["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("no id: {}", r.text))
}

/// Candidates found by full-text search in `m`'s organisation.
async fn found(s: &TestServer, m: &Member, q: &str) -> u64 {
    let r = s
        .get(&format!("/api/v1/candidates?q={}", urlencode(q)), &m.token)
        .await;
    r.ok(200)["total"].as_u64().unwrap()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The newest entry of the instance's own trail with `action`.
fn instance_entry(s: &TestServer, action: &str) -> Option<hirebase::domain::audit::AuditEntry> {
    let rx = s.state.store.read().unwrap();
    rx.list(&AUDIT, INSTANCE, 0, 1_000)
        .unwrap()
        .into_iter()
        .find(|e| e.action == action)
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_organisation_needs_its_slug_and_leaves_nothing_and_nobody_else_touched() {
    let s = TestServer::start().await;
    let a = s.register("owner@alpha.example", "Alpha").await;
    let b = s.register("owner@beta.example", "Beta").await;
    let job = id(
        &s.post(
            "/api/v1/jobs",
            &a.token,
            json!({"title": "Glassblower", "is_public": true}),
        )
        .await,
        201,
    );
    let c = id(
        &s.post(
            "/api/v1/candidates",
            &a.token,
            json!({"full_name": "Brunhilde Oyelaran", "email": "brunhilde@example.com"}),
        )
        .await,
        201,
    );
    s.post(
        "/api/v1/applications",
        &a.token,
        json!({"job_id": job, "candidate_id": c, "status": "applied"}),
    )
    .await
    .ok(201);
    let (_, key) = s
        .mint_key(&a, "sync", "recruiter", &["candidates:read"])
        .await;
    s.get("/api/v1/candidates", &key).await.ok(200);
    s.post(
        "/api/v1/candidates",
        &b.token,
        json!({"full_name": "Brunhilde Elsewhere", "email": "brunhilde@beta.example"}),
    )
    .await
    .ok(201);

    // A wrong confirmation changes nothing.
    for wrong in [
        json!({"confirm": "alpha-x"}),
        json!({"confirm": "beta"}),
        json!({"confirm": ""}),
    ] {
        let r = s.post("/api/v1/account/delete", &a.token, wrong).await;
        assert_eq!(fields(r.problem(400, "validation")), vec!["confirm"]);
    }
    assert_eq!(found(&s, &a, "brunhilde").await, 1);
    s.get("/api/v1/tenants/me", &a.token).await.ok(200);
    // Only an org admin, signed in as a person, may delete.
    s.post("/api/v1/account/delete", &key, json!({"confirm": "alpha"}))
        .await
        .problem(403, "forbidden");
    let recruiter = s
        .seed_member(
            a.org_id,
            "rec@alpha.example",
            hirebase::auth::Role::Recruiter,
        )
        .await;
    s.post(
        "/api/v1/account/delete",
        &recruiter.token,
        json!({"confirm": "alpha"}),
    )
    .await
    .problem(403, "forbidden");

    let r = s
        .post(
            "/api/v1/account/delete",
            &a.token,
            json!({"confirm": "alpha"}),
        )
        .await;
    let deleting = r.ok(202);
    assert_eq!(deleting["slug"], "alpha");
    assert_eq!(deleting["status"], "deleting");
    assert!(deleting["requested_at"].as_str().unwrap().ends_with('Z'));
    let cookie = r.header("set-cookie").unwrap_or_default();
    assert!(cookie.starts_with("hb_session=;"), "{cookie}");

    // Nobody of Alpha gets in from the moment it answers: sessions and keys are gone.
    for token in [&a.token, &recruiter.token, &key] {
        s.get("/api/v1/users/me", token)
            .await
            .problem(401, "unauthenticated");
    }
    let page = s.call(Method::GET, "/careers/alpha", None, None).await;
    assert_eq!(page.status, 404);
    s.call(
        Method::GET,
        &format!("/api/v1/careers/jobs/{job}"),
        None,
        None,
    )
    .await
    .problem(404, "not_found");
    wait_until_deleted(&s, a.org_id).await;
    let login = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@alpha.example", "password": PASSWORD})),
        )
        .await;
    login.problem(401, "unauthenticated");
    // The instance's trail records the request and the deletion, with what went.
    let deleted = instance_entry(&s, "tenant.deleted").expect("tenant.deleted is recorded");
    let details: Value = serde_json::from_str(&deleted.details).unwrap();
    assert_eq!(details["slug"], "alpha");
    assert_eq!(details["removed"]["candidates_v1"], 1, "{details}");
    assert_eq!(details["removed"]["users_v1"], 2, "{details}");
    assert!(
        details["removed"]["sessions_v1"].as_u64() >= Some(2),
        "{details}"
    );
    assert!(instance_entry(&s, "tenant.deletion_requested").is_some());
    // Its public job is gone, and the index holds none of its records.
    let jobs = s
        .call(
            Method::GET,
            "/api/v1/careers/jobs?q=glassblower",
            None,
            None,
        )
        .await;
    assert_eq!(jobs.ok(200)["total"], 0, "{}", jobs.text);
    let search = &s.state.indexer.search;
    for kind in [Kind::Candidate, Kind::Job] {
        let hits = search.query(&Query::new(kind, Some(a.org_id))).unwrap();
        assert_eq!(hits.total, 0, "{kind:?} documents of the deleted tenant");
    }
    {
        let rx = s.state.store.read().unwrap();
        assert!(rx.get(&TENANTS, INSTANCE, a.org_id).unwrap().is_none());
        assert_eq!(rx.count(&USERS, a.org_id).unwrap(), 0);
        assert_eq!(rx.count(&CANDIDATES, a.org_id).unwrap(), 0);
        assert_eq!(rx.count(&JOBS, a.org_id).unwrap(), 0);
        assert_eq!(rx.count(&APPLICATIONS, a.org_id).unwrap(), 0);
        assert_eq!(rx.count(&API_KEYS, a.org_id).unwrap(), 0);
        assert_eq!(rx.count(&AUDIT, a.org_id).unwrap(), 0);
        assert!(rx.list(&SESSIONS, a.org_id, 0, 10).unwrap().is_empty());
        assert!(rx.list(&CANDIDATES, a.org_id, 0, 10).unwrap().is_empty());
        assert!(rx.unique_keys_of(a.org_id).unwrap().is_empty());
    }

    // Beta is untouched.
    assert_eq!(found(&s, &b, "brunhilde").await, 1);
    assert_eq!(
        s.get("/api/v1/audit/verify", &b.token).await.ok(200)["ok"],
        true
    );
    // The email and the slug are free again.
    let again = s.register("owner@alpha.example", "Alpha").await;
    assert_eq!(
        s.get("/api/v1/tenants/me", &again.token).await.ok(200)["slug"],
        "alpha"
    );
    assert_eq!(found(&s, &again, "brunhilde").await, 0);
}

/// An organisation of `n` imported candidates, each applied to one job, with an API key, a
/// webhook and an uploaded file; answers (member, an application id, the upload id).
async fn big_organisation(s: &TestServer, name: &str, n: usize) -> (Member, u64, u64) {
    let m = s
        .register(&format!("owner@{}.example", name.to_lowercase()), name)
        .await;
    let job = id(
        &s.post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": "Ropemaker", "is_public": true}),
        )
        .await,
        201,
    );
    for chunk in 0..n.div_ceil(500) {
        let rows: Vec<Value> = (chunk * 500..((chunk + 1) * 500).min(n))
            .map(|i| json!({"full_name": format!("Person {i}"), "email": format!("p{i}@{name}.example"), "job_id": job}))
            .collect();
        s.post("/api/v1/candidates/import", &m.token, json!({"rows": rows}))
            .await
            .ok(200);
    }
    s.mint_key(&m, "sync", "recruiter", &["candidates:read"])
        .await;
    s.post(
        "/api/v1/webhooks",
        &m.token,
        json!({"url": "https://93.184.215.14/hook", "events": ["candidate.applied"]}),
    )
    .await
    .ok(201);
    let upload = crate::uploads::send_file(
        s,
        &m,
        "/api/v1/uploads",
        "file",
        "notes.txt",
        "text/plain",
        b"Ropemaking notes".to_vec(),
        &[],
    )
    .await;
    let upload = id(&upload, 201);
    let apps = s.get("/api/v1/applications?limit=1", &m.token).await;
    let app = apps.ok(200)["items"][0]["id"].as_u64().unwrap();
    (m, app, upload)
}

/// Nothing of organisation `tenant` is left anywhere, its search documents included.
fn nothing_left_of(s: &TestServer, tenant: u64, app: u64, upload: u64) {
    let rx = s.state.store.read().unwrap();
    assert!(rx.get(&TENANTS, INSTANCE, tenant).unwrap().is_none());
    for (table, n) in [
        ("users", rx.count(&USERS, tenant).unwrap()),
        ("candidates", rx.count(&CANDIDATES, tenant).unwrap()),
        ("jobs", rx.count(&JOBS, tenant).unwrap()),
        ("applications", rx.count(&APPLICATIONS, tenant).unwrap()),
        ("api keys", rx.count(&API_KEYS, tenant).unwrap()),
        ("audit", rx.count(&AUDIT, tenant).unwrap()),
    ] {
        assert_eq!(n, 0, "{table} counted");
    }
    assert!(rx.list(&CANDIDATES, tenant, 0, 1).unwrap().is_empty());
    assert!(rx.list(&APPLICATIONS, tenant, 0, 1).unwrap().is_empty());
    assert!(
        rx.list(&STAGE_CHANGES, app, 0, 1).unwrap().is_empty(),
        "history"
    );
    assert!(rx.list(&UPLOADS, tenant, 0, 1).unwrap().is_empty());
    assert!(
        rx.blob(&UPLOAD_PARTS, upload).unwrap().is_empty(),
        "file bytes"
    );
    assert!(
        rx.unique_keys_of(tenant).unwrap().is_empty(),
        "emails, key hashes"
    );
    let search = &s.state.indexer.search;
    for kind in [Kind::Candidate, Kind::Job] {
        let hits = search.query(&Query::new(kind, Some(tenant))).unwrap();
        assert_eq!(hits.total, 0, "{kind:?} documents of the deleted tenant");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organisation_is_deleted_in_steps_while_another_keeps_writing() {
    let s = Arc::new(TestServer::start().await);
    let (alpha, app, upload) = big_organisation(&s, "Alpha", 3_000).await;
    let beta = s.register("owner@beta.example", "Beta").await;
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Beta creates candidates one after another; each write that lands while Alpha is marked
    // for deletion and not yet gone is counted.
    let writer = {
        let (s, token, done, tenant) = (s.clone(), beta.token.clone(), done.clone(), alpha.org_id);
        tokio::spawn(async move {
            let (mut writes, mut meanwhile) = (0u64, 0u64);
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                writes += 1;
                let body = json!({"full_name": format!("Writer {writes}"), "email": format!("w{writes}@beta.example")});
                s.post("/api/v1/candidates", &token, body).await.ok(201);
                let rx = s.state.store.read().unwrap();
                let alpha = rx.get(&TENANTS, INSTANCE, tenant).unwrap();
                if alpha.is_some_and(|t| t.deletion.is_some()) {
                    meanwhile += 1;
                }
            }
            (writes, meanwhile)
        })
    };
    let r = s
        .post(
            "/api/v1/account/delete",
            &alpha.token,
            json!({"confirm": "alpha"}),
        )
        .await;
    r.ok(202);
    // While it is under way, the platform admin's list would show the progress.
    wait_until_deleted(&s, alpha.org_id).await;
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let (writes, meanwhile) = writer.await.unwrap();
    assert!(
        meanwhile >= 1,
        "Beta wrote while Alpha was being deleted ({writes} writes)"
    );
    nothing_left_of(&s, alpha.org_id, app, upload);
    let deleted = instance_entry(&s, "tenant.deleted").unwrap();
    let details: Value = serde_json::from_str(&deleted.details).unwrap();
    assert_eq!(details["removed"]["candidates_v1"], 3_000, "{details}");
    assert_eq!(details["removed"]["applications_v1"], 3_000, "{details}");
    assert_eq!(details["removed"]["uploads_v1"], 1, "{details}");
    assert_eq!(
        s.get("/api/v1/candidates?limit=1", &beta.token)
            .await
            .ok(200)["total"],
        writes
    );
    assert_eq!(
        s.get("/api/v1/audit/verify", &beta.token).await.ok(200)["ok"],
        true
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deletion_cut_off_by_a_stop_is_finished_by_the_next_start() {
    let s = TestServer::start().await;
    let (alpha, app, upload) = big_organisation(&s, "Alpha", 1_500).await;
    let beta = s.register("owner@beta.example", "Beta").await;
    s.post(
        "/api/v1/candidates",
        &beta.token,
        json!({"full_name": "Stays Here", "email": "stays@beta.example"}),
    )
    .await
    .ok(201);
    // The deletion is marked and a few steps are done, as a process that died mid-way leaves
    // it (the worker is not told: it would finish at once).
    let who =
        hirebase::auth::identity::resolve(&s.state.store, &s.state.tokens, &alpha.token).unwrap();
    hirebase::domain::account::delete(&s.state.indexer, &who, "alpha")
        .await
        .unwrap();
    let steps = std::sync::atomic::AtomicUsize::new(0);
    let stop = || steps.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 3;
    let finished = hirebase::domain::account::purge(&s.state.indexer, alpha.org_id, &stop)
        .await
        .unwrap();
    assert!(!finished, "three steps do not finish it");
    {
        let rx = s.state.store.read().unwrap();
        let tenant = rx.get(&TENANTS, INSTANCE, alpha.org_id).unwrap().unwrap();
        let removed = &tenant.deletion.as_ref().unwrap().removed;
        assert!(!removed.is_empty(), "{removed:?}");
        let left = rx.count(&CANDIDATES, alpha.org_id).unwrap()
            + rx.count(&APPLICATIONS, alpha.org_id).unwrap();
        assert!(left > 0, "part of it is left");
    }
    s.get("/api/v1/users/me", &alpha.token)
        .await
        .problem(401, "unauthenticated");
    let login = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@alpha.example", "password": PASSWORD})),
        )
        .await;
    assert!(
        login.problem(403, "forbidden")["detail"]
            .as_str()
            .unwrap()
            .contains("being deleted")
    );

    let dir = s.stop().await;
    let s = TestServer::start_in(dir, |_| {}).await;
    wait_until_deleted(&s, alpha.org_id).await;
    nothing_left_of(&s, alpha.org_id, app, upload);
    let deleted = instance_entry(&s, "tenant.deleted").unwrap();
    let details: Value = serde_json::from_str(&deleted.details).unwrap();
    assert_eq!(
        details["removed"]["candidates_v1"], 1_500,
        "the counts of both runs: {details}"
    );
    let beta = s.login("owner@beta.example", PASSWORD).await;
    assert_eq!(
        s.get("/api/v1/candidates", &beta.token).await.ok(200)["total"],
        1
    );
    // The address and the slug are free again.
    let again = s.register("owner@alpha.example", "Alpha").await;
    assert_eq!(
        s.get("/api/v1/tenants/me", &again.token).await.ok(200)["slug"],
        "alpha"
    );
}

/// A job on the careers page, a privacy notice, and an application through the portal.
async fn careers_setup(s: &TestServer, m: &Member, notice: bool) -> u64 {
    if notice {
        s.patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"privacy_notice": {"text": "We keep your application for a year.\n\nAsk us to erase it any time.", "version": "2026-12"}}),
        )
        .await
        .ok(200);
    }
    id(
        &s.post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": "Lighthouse Keeper", "is_public": true, "required_skills": ["Optics"]}),
        )
        .await,
        201,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn applying_needs_consent_to_the_notice_which_is_recorded_and_exported() {
    let s = TestServer::start().await;
    let m = s.register("owner@harbour.example", "Harbour").await;
    let job = careers_setup(&s, &m, true).await;
    let listed = s
        .call(
            Method::GET,
            &format!("/api/v1/careers/jobs/{job}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        listed.ok(200)["company"]["privacy_notice"]["version"],
        "2026-12"
    );

    let apply = |consent: Value| {
        let mut body =
            json!({"job_id": job, "full_name": "Ida Lantern", "email": "ida@example.net"});
        if !consent.is_null() {
            body["consent"] = consent;
        }
        body
    };
    for without in [Value::Null, json!(false)] {
        let r = s
            .call(
                Method::POST,
                "/api/v1/careers/apply",
                None,
                Some(apply(without)),
            )
            .await;
        let p = r.problem(400, "validation");
        assert_eq!(fields(p), vec!["consent"]);
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("2026-12"),
            "{p}"
        );
    }
    assert_eq!(
        s.get("/api/v1/candidates", &m.token).await.ok(200)["total"],
        0,
        "nothing stored without consent"
    );
    let r = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(apply(json!(true))),
        )
        .await;
    let app = r.ok(201)["application_id"].as_u64().unwrap();
    let got = s
        .get(&format!("/api/v1/applications/{app}"), &m.token)
        .await;
    let consent = &got.ok(200)["consent"];
    assert_eq!(consent["notice_version"], "2026-12");
    assert!(consent["given_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        !consent["ip"].as_str().unwrap_or_default().is_empty(),
        "{consent}"
    );
    let doc: Value = serde_json::from_str(&export_text(&s, &m).await).unwrap();
    assert_eq!(
        doc["applications"][0]["consent"]["notice_version"],
        "2026-12"
    );
    assert_eq!(doc["tenant"]["privacy_notice"]["version"], "2026-12");

    // The HTML page shows the notice and asks for consent; a form without it is refused.
    let page = s.call(Method::GET, "/careers/harbour", None, None).await;
    assert!(
        page.text.contains("Ask us to erase it any time."),
        "{}",
        page.text
    );
    assert!(page.text.contains("name=\"consent\""));
    let form = [
        ("job_id", job.to_string()),
        ("full_name", "Ned Beacon".into()),
        ("email", "ned@example.net".into()),
    ];
    let r = s
        .client
        .post(s.url("/careers/harbour/apply"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("privacy notice"));
    let mut with = form.to_vec();
    with.push(("consent", "true".into()));
    let r = s
        .client
        .post(s.url("/careers/harbour/apply"))
        .form(&with)
        .send()
        .await
        .unwrap();
    // Accepted: redirected to the page saying so.
    assert_eq!(r.status(), 200);
    assert!(r.url().as_str().contains("?applied="), "{}", r.url());

    // Without a notice, no consent is asked for or recorded.
    s.patch(
        "/api/v1/tenants/me",
        &m.token,
        json!({"privacy_notice": null}),
    )
    .await
    .ok(200);
    let r = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(json!({"job_id": job, "full_name": "Olu Mast", "email": "olu@example.net"})),
        )
        .await;
    let app = r.ok(201)["application_id"].as_u64().unwrap();
    let got = s
        .get(&format!("/api/v1/applications/{app}"), &m.token)
        .await;
    assert!(got.ok(200)["consent"].is_null());
    // A notice needs its text and version.
    let r = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"privacy_notice": {"text": "  ", "version": "v1"}}),
        )
        .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["privacy_notice.text"]
    );
}

/// A resume that says who it is about and one word nothing else does.
fn resume_pdf(name: &str, email: &str, word: &str) -> Vec<u8> {
    crate::documents::pdf(&format!(
        "{name}\nLighthouse Engineer\nPlymouth | {email}\n\nExperience\nKeeper at Eddystone (2015 - present)\n\
         - Polished the {word} lens every night.\n\nSkills\nOptics, Rust\n"
    ))
}

async fn download_status(s: &TestServer, m: &Member, upload: u64) -> u16 {
    reqwest::Client::new()
        .get(s.url(&format!("/api/v1/uploads/{upload}")))
        .bearer_auth(&m.token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multipart_application_with_a_resume_records_consent_and_keeps_the_file() {
    let s = TestServer::start().await;
    let m = s.register("owner@harbour.example", "Harbour").await;
    let job = careers_setup(&s, &m, true).await;
    let anyone = Member {
        token: String::new(),
        user_id: 0,
        org_id: 0,
        email: String::new(),
    };
    let job_id = job.to_string();
    let apply = |consent: Option<&'static str>| {
        let mut fields = vec![
            ("job_id", job_id.clone()),
            ("full_name", "Ida Lantern".to_string()),
            ("email", "ida@example.net".to_string()),
        ];
        if let Some(c) = consent {
            fields.push(("consent", c.to_string()));
        }
        fields
    };
    let pdf = resume_pdf("Ida Lantern", "ida@example.net", "fresnelwise");
    // Without consent, or with it refused: 400, and neither the candidate nor the file is kept.
    for consent in [None, Some("false")] {
        let owned = apply(consent);
        let form: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = crate::uploads::send_file(
            &s,
            &anyone,
            "/api/v1/careers/apply",
            "resume",
            "ida.pdf",
            "application/pdf",
            pdf.clone(),
            &form,
        )
        .await;
        assert_eq!(fields(r.problem(400, "validation")), vec!["consent"]);
    }
    assert_eq!(
        s.get("/api/v1/candidates", &m.token).await.ok(200)["total"],
        0
    );
    assert_eq!(
        s.state
            .store
            .read()
            .unwrap()
            .count(&UPLOADS, m.org_id)
            .unwrap(),
        0,
        "no file kept without consent"
    );

    let owned = apply(Some("true"));
    let form: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = crate::uploads::send_file(
        &s,
        &anyone,
        "/api/v1/careers/apply",
        "resume",
        "ida.pdf",
        "application/pdf",
        pdf.clone(),
        &form,
    )
    .await;
    let applied = r.ok(201);
    let (c, app) = (
        applied["candidate_id"].as_u64().unwrap(),
        applied["application_id"].as_u64().unwrap(),
    );
    let got = s
        .get(&format!("/api/v1/applications/{app}"), &m.token)
        .await;
    let consent = &got.ok(200)["consent"];
    assert_eq!(consent["notice_version"], "2026-12");
    assert!(consent["given_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        !consent["ip"].as_str().unwrap_or_default().is_empty(),
        "{consent}"
    );
    // The resume is an upload of the candidate, downloadable as sent, its words searchable.
    let docs = s
        .get(&format!("/api/v1/uploads?candidate_id={c}"), &m.token)
        .await;
    assert_eq!(docs.ok(200)["total"], 1, "{}", docs.text);
    let doc = &docs.body["items"][0];
    assert_eq!(doc["filename"], "ida.pdf");
    assert_eq!(doc["kind"], "pdf");
    assert_eq!(doc["candidate_id"], c);
    let bytes = reqwest::Client::new()
        .get(s.url(&format!("/api/v1/uploads/{}", doc["id"])))
        .bearer_auth(&m.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), pdf.as_slice());
    assert_eq!(found(&s, &m, "fresnelwise").await, 1);
    let doc: Value = serde_json::from_str(&export_text(&s, &m).await).unwrap();
    assert_eq!(
        doc["applications"][0]["consent"]["notice_version"],
        "2026-12"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn erasing_a_candidate_reports_and_removes_their_files() {
    let s = TestServer::start().await;
    let m = s.register("owner@quill.example", "Quill").await;
    let job = careers_setup(&s, &m, false).await;
    let anyone = Member {
        token: String::new(),
        user_id: 0,
        org_id: 0,
        email: String::new(),
    };
    let job_id = job.to_string();
    let form = [
        ("job_id", job_id.as_str()),
        ("full_name", "Zephyrine Quillfeather"),
        ("email", "zephyrine@example.org"),
    ];
    let applied = crate::uploads::send_file(
        &s,
        &anyone,
        "/api/v1/careers/apply",
        "resume",
        "cv.pdf",
        "application/pdf",
        resume_pdf(
            "Zephyrine Quillfeather",
            "zephyrine@example.org",
            "quaggaform",
        ),
        &form,
    )
    .await;
    let c = applied.ok(201)["candidate_id"].as_u64().unwrap();
    // A second resume from a recruiter lands on the same candidate (same email).
    let second = crate::uploads::send_file(
        &s,
        &m,
        "/api/v1/agent/candidates/from_resume",
        "resume",
        "cv-2026.docx",
        "application/octet-stream",
        crate::documents::docx(
            "Zephyrine Quillfeather\nzephyrine@example.org\nSkills\nOptics, glassblowing with quaggaform tools\n",
        ),
        &[],
    )
    .await;
    assert_eq!(second.ok(200)["candidate"]["id"], c, "{}", second.text);
    let kept = id(
        &crate::uploads::send_file(
            &s,
            &m,
            "/api/v1/uploads",
            "file",
            "unrelated.txt",
            "text/plain",
            b"Nothing about anyone".to_vec(),
            &[],
        )
        .await,
        201,
    );
    let docs = s
        .get(&format!("/api/v1/uploads?candidate_id={c}"), &m.token)
        .await;
    let files: Vec<u64> = docs.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "{}", docs.text);
    for f in &files {
        assert_eq!(download_status(&s, &m, *f).await, 200);
    }

    let dry = s
        .post(
            &format!("/api/v1/candidates/{c}/erase?dry_run=true"),
            &m.token,
            json!({}),
        )
        .await;
    assert_eq!(dry.ok(200)["uploads"], 2, "{}", dry.text);
    for f in &files {
        assert_eq!(
            download_status(&s, &m, *f).await,
            200,
            "a dry run keeps them"
        );
    }
    let done = s
        .post(
            &format!("/api/v1/candidates/{c}/erase"),
            &m.token,
            json!({}),
        )
        .await;
    assert_eq!(done.ok(200)["uploads"], 2, "{}", done.text);
    assert_eq!(done.body["dry_run"], false);
    for f in &files {
        assert_eq!(download_status(&s, &m, *f).await, 404, "upload {f}");
        let rx = s.state.store.read().unwrap();
        assert!(
            rx.blob(&UPLOAD_PARTS, *f).unwrap().is_empty(),
            "bytes of {f}"
        );
    }
    s.get(&format!("/api/v1/uploads?candidate_id={c}"), &m.token)
        .await
        .problem(404, "not_found");
    assert_eq!(found(&s, &m, "quaggaform").await, 0);
    // Another file of the organisation stays.
    assert_eq!(download_status(&s, &m, kept).await, 200);
    assert_eq!(
        s.get("/api/v1/audit/verify", &m.token).await.ok(200)["ok"],
        true
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn erasing_a_candidate_leaves_no_trace_anywhere_and_the_chain_still_verifies() {
    let s = TestServer::start().await;
    let m = s.register("owner@quill.example", "Quill").await;
    let other = s.register("owner@other.example", "Other").await;
    let job = careers_setup(&s, &m, true).await;
    s.post(
        "/api/v1/webhooks",
        &m.token,
        json!({"url": "https://93.184.215.14/hook", "events": ["candidate.applied", "candidate.stage_changed", "interview.scheduled"]}),
    )
    .await
    .ok(201);
    let applied = s
        .call(
            Method::POST,
            "/api/v1/careers/apply",
            None,
            Some(json!({"job_id": job, "full_name": "Zephyrine Quillfeather", "email": "zephyrine@example.org",
                        "skills": ["Optics"], "message": "I practise xylophonic basketweaving", "consent": true})),
        )
        .await;
    let c = applied.ok(201)["candidate_id"].as_u64().unwrap();
    let app = applied.body["application_id"].as_u64().unwrap();
    s.patch(
        &format!("/api/v1/candidates/{c}"),
        &m.token,
        json!({"headline": "Zephyrine the lamp expert"}),
    )
    .await
    .ok(200);
    s.patch(
        &format!("/api/v1/applications/{app}"),
        &m.token,
        json!({"status": "screening"}),
    )
    .await
    .ok(200);
    let interview = json!({"candidate_id": c, "job_id": job, "scheduled_at": "2031-03-01T10:00:00Z", "kind": "video", "interviewers": [{"name": "Pat Reviewer"}]});
    s.post("/api/v1/interviews", &m.token, interview)
        .await
        .ok(201);
    s.post(
        "/api/v1/offers",
        &m.token,
        json!({"candidate_id": c, "job_id": job, "base_salary": 50000, "currency": "EUR"}),
    )
    .await
    .ok(201);
    s.post(
        "/api/v1/matching/jobs_for_candidate",
        &m.token,
        json!({"candidate_id": c}),
    )
    .await
    .ok(200);
    s.post(
        "/api/v1/matching/candidates_for_job",
        &m.token,
        json!({"job_id": job}),
    )
    .await
    .ok(200);
    let keep = id(
        &s.post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Kept Person", "email": "kept@example.org", "notes": "stays"}),
        )
        .await,
        201,
    );
    let theirs = id(
        &s.post(
            "/api/v1/candidates",
            &other.token,
            json!({"full_name": "Zephyrine Quillfeather", "email": "zephyrine@example.org"}),
        )
        .await,
        201,
    );
    for q in ["Zephyrine", "xylophonic", "zephyrine@example.org"] {
        assert_eq!(found(&s, &m, q).await, 1, "{q} is searchable before");
    }

    // A dry run says what would go and changes nothing.
    let dry = s
        .post(
            &format!("/api/v1/candidates/{c}/erase?dry_run=true"),
            &m.token,
            json!({}),
        )
        .await;
    let plan = dry.ok(200).clone();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["applications"], 1);
    assert_eq!(plan["interviews"], 1);
    assert_eq!(plan["offers"], 1);
    assert!(plan["match_logs"].as_u64().unwrap() >= 1, "{plan}");
    assert!(plan["mails"].as_u64().unwrap() >= 1, "{plan}");
    assert!(plan["audit_entries"].as_u64().unwrap() >= 5, "{plan}");
    assert_eq!(found(&s, &m, "Zephyrine").await, 1);
    // A hiring manager may not erase; another tenant's candidate is 404.
    let manager = s
        .seed_member(
            m.org_id,
            "hm@quill.example",
            hirebase::auth::Role::HiringManager,
        )
        .await;
    s.post(
        &format!("/api/v1/candidates/{c}/erase"),
        &manager.token,
        json!({}),
    )
    .await
    .problem(403, "forbidden");
    s.post(
        &format!("/api/v1/candidates/{theirs}/erase"),
        &m.token,
        json!({}),
    )
    .await
    .problem(404, "not_found");

    let r = s
        .post(
            &format!("/api/v1/candidates/{c}/erase"),
            &m.token,
            json!({}),
        )
        .await;
    let done = r.ok(200);
    assert_eq!(done["dry_run"], false);
    assert_eq!(done["applications"], 1);
    assert_eq!(done["audit_entries"], plan["audit_entries"]);
    s.get(&format!("/api/v1/candidates/{c}"), &m.token)
        .await
        .problem(404, "not_found");
    s.get(&format!("/api/v1/applications/{app}"), &m.token)
        .await
        .problem(404, "not_found");

    // Nothing finds them: search, lists, the audit trail, the export, the outbox, the logs.
    let words = [
        "Zephyrine",
        "Quillfeather",
        "zephyrine@example.org",
        "xylophonic",
        "basketweaving",
        "lamp expert",
    ];
    for q in words {
        assert_eq!(found(&s, &m, q).await, 0, "candidate search for {q}");
        let audit = s
            .get(
                &format!("/api/v1/audit?limit=100&q={}", urlencode(q)),
                &m.token,
            )
            .await;
        assert_eq!(audit.ok(200)["items"], json!([]), "audit search for {q}");
    }
    let lists = [
        "/api/v1/applications?limit=100",
        "/api/v1/interviews?limit=100",
        "/api/v1/offers?limit=100",
        "/api/v1/matching/logs?limit=100",
        "/api/v1/admin/outbox?limit=100",
        "/api/v1/audit?limit=100",
    ];
    for path in lists {
        let r = s.get(path, &m.token).await;
        let text = &r.ok(200).to_string();
        for w in words {
            assert!(!text.contains(w), "{path} still names {w}: {text}");
        }
        if !path.contains("audit") {
            assert!(
                !text.contains(&format!("\"candidate_id\":{c}")),
                "{path}: {text}"
            );
            assert!(!text.contains(&format!("\"id\":{c},")), "{path}: {text}");
        }
    }
    let export = export_text(&s, &m).await;
    for w in words {
        assert!(!export.contains(w), "the export still names {w}");
    }
    let csv = s.get("/api/v1/audit/export", &m.token).await;
    for w in words {
        assert!(!csv.text.contains(w), "the audit CSV still names {w}");
    }
    // The chain still verifies; the erasure is on record, without the person's data.
    let v = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(v.ok(200)["ok"], true, "{}", v.text);
    let erased = s.get("/api/v1/audit?type=candidate.erased", &m.token).await;
    let entry = &erased.ok(200)["items"][0];
    assert_eq!(entry["entity_id"], c);
    assert_eq!(entry["actor"], "owner@quill.example");
    let details: Value = serde_json::from_str(entry["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        details["redacted_entries"].as_array().unwrap().len() as u64,
        done["audit_entries"].as_u64().unwrap()
    );
    let redacted = s
        .get(
            "/api/v1/audit?limit=100&q=Personal%20data%20erased",
            &m.token,
        )
        .await;
    assert_eq!(
        redacted.ok(200)["items"].as_array().unwrap().len() as u64,
        done["audit_entries"].as_u64().unwrap()
    );
    // Everyone else stays.
    assert_eq!(found(&s, &m, "Kept Person").await, 1);
    s.get(&format!("/api/v1/candidates/{keep}"), &m.token)
        .await
        .ok(200);
    assert_eq!(found(&s, &other, "Zephyrine").await, 1);
    assert_eq!(s.get("/api/v1/jobs", &m.token).await.ok(200)["total"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redaction_nobody_recorded_breaks_the_chain() {
    let s = TestServer::start().await;
    let m = s.register("owner@tamper.example", "Tamper").await;
    for name in ["One Person", "Two Person"] {
        s.post("/api/v1/candidates", &m.token, json!({"full_name": name}))
            .await
            .ok(201);
    }
    let tenant = m.org_id;
    let created = s
        .get("/api/v1/audit?type=candidate.created", &m.token)
        .await;
    let ids: Vec<u64> = created.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    let (second, first) = (ids[0], ids[1]);
    // The second candidate's entry loses its payload as an erasure would drop it, but no
    // erasure entry claims it.
    s.state
        .store
        .write(move |tx| {
            let mut e = tx.get(&AUDIT, tenant, second)?.expect("entry");
            e.summary = "Personal data erased".into();
            e.details = "{}".into();
            e.redacted = true;
            tx.put(&AUDIT, tenant, second, &e)
        })
        .await
        .unwrap();
    let v = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(v.ok(200)["ok"], false);
    assert_eq!(v.body["first_bad"], second);
    // Editing a payload without marking it redacted breaks it too.
    s.state
        .store
        .write(move |tx| {
            let mut e = tx.get(&AUDIT, tenant, first)?.expect("entry");
            e.summary = "Added somebody else".into();
            tx.put(&AUDIT, tenant, first, &e)
        })
        .await
        .unwrap();
    let v = s.get("/api/v1/audit/verify", &m.token).await;
    assert_eq!(v.ok(200)["first_bad"], first);
}

/// Makes everything about candidate `c` (and their applications) look `days` old.
async fn age(s: &TestServer, tenant: u64, c: u64, days: i64) {
    s.state
        .store
        .write(move |tx| {
            let then = hirebase::time::Timestamp::now().plus_secs(-days * 86_400);
            let mut cand = tx.get(&CANDIDATES, tenant, c)?.expect("candidate");
            cand.updated_at = then;
            tx.put(&CANDIDATES, tenant, c, &cand)?;
            let apps: Vec<hirebase::domain::applications::Application> =
                tx.list(&APPLICATIONS, tenant, 0, 1000)?;
            for mut a in apps.into_iter().filter(|a| a.candidate_id == c) {
                a.updated_at = then;
                a.stage_changed_at = then;
                tx.put(&APPLICATIONS, tenant, a.id, &a)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_retention_rule_previews_then_erases_closed_inactive_candidates_daily() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = TestServer::start_in(dir, |c| c.internal.cron_secret = CRON_SECRET.into()).await;
    let m = s.register("owner@keep.example", "Keep").await;
    let job = id(
        &s.post("/api/v1/jobs", &m.token, json!({"title": "Archivist"}))
            .await,
        201,
    );
    let mut people = Vec::new();
    for (name, stage) in [
        ("Old Rejected", "rejected"),
        ("Old Withdrawn", "withdrawn"),
        ("Old Screening", "screening"),
        ("New Rejected", "rejected"),
    ] {
        let c = id(
            &s.post("/api/v1/candidates", &m.token, json!({"full_name": name}))
                .await,
            201,
        );
        s.post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": job, "candidate_id": c, "status": stage}),
        )
        .await
        .ok(201);
        people.push(c);
    }
    for c in &people[..3] {
        age(&s, m.org_id, *c, 200).await;
    }
    // No rule yet: a preview needs one.
    s.get("/api/v1/account/retention/preview", &m.token)
        .await
        .problem(400, "validation");
    // Previewing a rule before saving it.
    let p = s
        .get(
            "/api/v1/account/retention/preview?months=6&stages=rejected",
            &m.token,
        )
        .await;
    assert_eq!(p.ok(200)["total"], 1, "{}", p.text);
    assert_eq!(p.body["items"][0]["full_name"], "Old Rejected");
    s.get(
        "/api/v1/account/retention/preview?months=6&stages=hired",
        &m.token,
    )
    .await
    .problem(400, "validation");
    let bad = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"retention": {"months": 6, "stages": ["hired"]}}),
        )
        .await;
    assert_eq!(
        fields(bad.problem(400, "validation")),
        vec!["retention.stages"]
    );
    s.patch(
        "/api/v1/tenants/me",
        &m.token,
        json!({"retention": {"months": 6, "stages": ["rejected", "withdrawn"]}}),
    )
    .await
    .ok(200);
    let p = s.get("/api/v1/account/retention/preview", &m.token).await;
    let names: Vec<&str> = p.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(p.body["total"], 2);
    assert!(
        names.contains(&"Old Rejected") && names.contains(&"Old Withdrawn"),
        "{names:?}"
    );
    assert_eq!(found(&s, &m, "Old").await, 3, "a preview changes nothing");
    // A hiring manager may not preview.
    let hm = s
        .seed_member(
            m.org_id,
            "hm@keep.example",
            hirebase::auth::Role::HiringManager,
        )
        .await;
    s.get("/api/v1/account/retention/preview", &hm.token)
        .await
        .problem(403, "forbidden");

    let run = s
        .call(
            Method::POST,
            "/internal/cron/retention",
            Some(CRON_SECRET),
            None,
        )
        .await;
    assert_eq!(
        run.ok(200)["details"]["candidates_erased"],
        2,
        "{}",
        run.text
    );
    for c in &people[..2] {
        s.get(&format!("/api/v1/candidates/{c}"), &m.token)
            .await
            .problem(404, "not_found");
    }
    for c in &people[2..] {
        s.get(&format!("/api/v1/candidates/{c}"), &m.token)
            .await
            .ok(200);
    }
    assert_eq!(found(&s, &m, "Rejected").await, 1);
    let trail = s
        .get("/api/v1/audit?type=retention.applied", &m.token)
        .await;
    assert!(
        trail.ok(200)["items"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("2 candidate(s) erased")
    );
    let erased = s.get("/api/v1/audit?type=candidate.erased", &m.token).await;
    assert_eq!(erased.ok(200)["items"].as_array().unwrap().len(), 2);
    assert_eq!(erased.body["items"][0]["actor"], "system");
    assert_eq!(
        s.get("/api/v1/audit/verify", &m.token).await.ok(200)["ok"],
        true
    );
    // A second run finds nothing more.
    let run = s
        .call(
            Method::POST,
            "/internal/cron/retention",
            Some(CRON_SECRET),
            None,
        )
        .await;
    assert_eq!(run.ok(200)["details"]["candidates_erased"], 0);
}

/// Times deleting an organisation of 20,000 candidates (each with an application) beside
/// another of the same size that keeps writing (one client creating candidates, one after
/// another): its write latency before, while one organisation is purged in a single
/// transaction (how deletion worked before: the baseline, run through the same code with an
/// unbounded step), and while another is deleted through `POST /account/delete` (2,000-row
/// steps in the background). Also times erasing one candidate.
/// Run on purpose: `cargo test --test it privacy::timing -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement, run on purpose"]
async fn timing_delete_and_erase_at_20k_candidates() {
    const N: usize = 20_000;
    let s = TestServer::start().await;
    let mut orgs = Vec::new();
    for name in ["Whole", "Steps", "Other"] {
        let m = s.register(&format!("owner@{name}.example"), name).await;
        let job = id(
            &s.post("/api/v1/jobs", &m.token, json!({"title": "Role"}))
                .await,
            201,
        );
        for chunk in 0..N / 500 {
            let rows: Vec<Value> = (0..500)
                .map(|i| {
                    let n = chunk * 500 + i;
                    json!({"full_name": format!("Person {n}"), "email": format!("p{n}@{name}.example"),
                           "skills": ["Rust"], "notes": "imported for timing", "job_id": job})
                })
                .collect();
            s.post("/api/v1/candidates/import", &m.token, json!({"rows": rows}))
                .await
                .ok(200);
        }
        orgs.push(m);
    }
    let (whole, steps, other) = (orgs[0].clone(), orgs[1].clone(), orgs[2].clone());
    let one = s.get("/api/v1/candidates?limit=1", &whole.token).await;
    let c = one.ok(200)["items"][0]["id"].as_u64().unwrap();
    let started = std::time::Instant::now();
    s.post(
        &format!("/api/v1/candidates/{c}/erase"),
        &whole.token,
        json!({}),
    )
    .await
    .ok(200);
    let erase = started.elapsed();

    // The other organisation writes throughout: (start, latency) of each write.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (base, token, stop) = (s.base.clone(), other.token.clone(), stop.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut writes = Vec::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let at = std::time::Instant::now();
                let r = client
                    .post(format!("{base}/api/v1/candidates"))
                    .bearer_auth(&token)
                    .json(&json!({"full_name": format!("Writer {n}"), "email": format!("w{n}@other.example")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                writes.push((at, at.elapsed()));
            }
            writes
        })
    };
    let pause = std::time::Duration::from_secs(5);
    tokio::time::sleep(pause).await;

    // Baseline: the whole organisation in one transaction.
    let whole_at = std::time::Instant::now();
    let who =
        hirebase::auth::identity::resolve(&s.state.store, &s.state.tokens, &whole.token).unwrap();
    hirebase::domain::account::delete(&s.state.indexer, &who, "whole")
        .await
        .unwrap();
    let never = || false;
    assert!(
        hirebase::domain::account::purge_in_steps(
            &s.state.indexer,
            whole.org_id,
            usize::MAX,
            &never
        )
        .await
        .unwrap()
    );
    let whole_took = whole_at.elapsed();
    tokio::time::sleep(pause).await;

    // As it runs: closed at once, purged in steps by the worker.
    let steps_at = std::time::Instant::now();
    let r = s
        .post(
            "/api/v1/account/delete",
            &steps.token,
            json!({"confirm": "steps"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let answered = steps_at.elapsed();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    loop {
        let gone = {
            let rx = s.state.store.read().unwrap();
            rx.get(&TENANTS, INSTANCE, steps.org_id).unwrap().is_none()
        };
        if gone {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the deletion ends");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let steps_took = steps_at.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let writes = writer.await.unwrap();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let window = |from: std::time::Instant, took: std::time::Duration| -> Vec<f64> {
        writes
            .iter()
            .filter(|(at, t)| *at + *t > from && *at < from + took)
            .map(|(_, t)| ms(*t))
            .collect()
    };
    let stats = |mut ms: Vec<f64>| {
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
        format!(
            "{} writes, p50 {:.1} / p99 {:.1} / max {:.1} ms",
            ms.len(),
            at(0.5),
            at(0.99),
            ms[ms.len() - 1]
        )
    };
    let before: Vec<f64> = writes
        .iter()
        .filter(|(at, t)| *at + *t <= whole_at)
        .map(|(_, t)| ms(*t))
        .collect();
    assert_eq!(
        s.get("/api/v1/candidates?limit=1", &other.token)
            .await
            .ok(200)["total"],
        (N + writes.len()) as u64
    );
    assert_eq!(
        s.get("/api/v1/audit/verify", &other.token).await.ok(200)["ok"],
        true
    );
    eprintln!("erase one of {N}: {erase:?}");
    eprintln!(
        "the other organisation's writes before any deletion: {}",
        stats(before)
    );
    eprintln!(
        "one transaction (the old way): {N} candidates gone after {whole_took:?}; meanwhile {}",
        stats(window(whole_at, whole_took))
    );
    eprintln!(
        "2,000-row steps: answered in {answered:?}, {N} candidates gone after {steps_took:?}; meanwhile {}",
        stats(window(steps_at, steps_took))
    );
}
