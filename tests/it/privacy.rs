//! Privacy (issue 12): deleting an organisation, erasing one candidate everywhere with the
//! audit chain still verifying, consent to the privacy notice, and the retention rule.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, Reply, TestServer, fields};
use hirebase::search::{Kind, Query};
use hirebase::store::Reader;
use hirebase::store::tables::{
    API_KEYS, APPLICATIONS, AUDIT, CANDIDATES, INSTANCE, JOBS, SESSIONS, TENANTS, USERS,
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
    let done = r.ok(200);
    assert_eq!(done["slug"], "alpha");
    assert_eq!(done["removed"]["candidates_v1"], 1, "{done}");
    assert_eq!(done["removed"]["users_v1"], 2, "{done}");
    let cookie = r.header("set-cookie").unwrap_or_default();
    assert!(cookie.starts_with("hb_session=;"), "{cookie}");

    // Nobody of Alpha gets in any more: sessions, keys and passwords are gone.
    for token in [&a.token, &recruiter.token, &key] {
        s.get("/api/v1/users/me", token)
            .await
            .problem(401, "unauthenticated");
    }
    let login = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@alpha.example", "password": PASSWORD})),
        )
        .await;
    login.problem(401, "unauthenticated");
    // Its public job and careers page are gone, and the index holds none of its records.
    let jobs = s
        .call(
            Method::GET,
            "/api/v1/careers/jobs?q=glassblower",
            None,
            None,
        )
        .await;
    assert_eq!(jobs.ok(200)["total"], 0, "{}", jobs.text);
    let page = s.call(Method::GET, "/careers/alpha", None, None).await;
    assert_eq!(page.status, 404);
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

/// Times deleting an organisation of 20,000 candidates (each with an application) and erasing
/// one candidate of it, beside a second organisation of the same size that must stay whole.
/// Run on purpose: `cargo test --test it privacy::timing -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement, run on purpose"]
async fn timing_delete_and_erase_at_20k_candidates() {
    const N: usize = 20_000;
    let s = TestServer::start().await;
    let mut orgs = Vec::new();
    for name in ["Big", "Other"] {
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
    let (big, other) = (&orgs[0], &orgs[1]);
    let one = s.get("/api/v1/candidates?limit=1", &big.token).await;
    let c = one.ok(200)["items"][0]["id"].as_u64().unwrap();
    let started = std::time::Instant::now();
    s.post(
        &format!("/api/v1/candidates/{c}/erase"),
        &big.token,
        json!({}),
    )
    .await
    .ok(200);
    let erase = started.elapsed();
    let started = std::time::Instant::now();
    let r = s
        .post(
            "/api/v1/account/delete",
            &big.token,
            json!({"confirm": "big"}),
        )
        .await;
    let delete = started.elapsed();
    assert_eq!(r.ok(200)["removed"]["candidates_v1"], (N - 1) as u64);
    assert_eq!(
        s.get("/api/v1/candidates", &other.token).await.ok(200)["total"],
        N as u64
    );
    assert_eq!(
        s.get("/api/v1/audit/verify", &other.token).await.ok(200)["ok"],
        true
    );
    eprintln!(
        "erase one of {N}: {erase:?}; delete an organisation of {N} candidates and applications: {delete:?}"
    );
}
