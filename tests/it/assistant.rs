//! The assistant tools against the real server: each tool's answer built from the records,
//! the OpenAI-compatible endpoint (a fake one, served here) with its usage priced, the
//! fallback to the offline engine, the monthly budget's 402, roles, tenancy, bad input.

use std::sync::{Arc, Mutex};

use hirebase::auth::Role;
use serde_json::{Value, json};

use crate::common::{Member, TestServer};

/// A fake OpenAI-compatible server: answers `/v1/chat/completions` as `reply` says and keeps
/// every request it received (headers and JSON body).
struct FakeLlm {
    url: String,
    seen: Seen,
}

/// Each request the fake endpoint received: its `Authorization` header and its JSON body.
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

#[derive(Clone)]
enum Reply {
    /// 200 with this message content and usage (prompt, completion tokens).
    Content(String, u64, u64),
    Status(u16),
}

async fn fake_llm(reply: Reply) -> FakeLlm {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let endpoint = poem::endpoint::make(move |req: poem::Request| {
        let (log, reply) = (log.clone(), reply.clone());
        async move {
            let auth = req.header("authorization").map(str::to_string);
            let body = req.into_body().into_vec().await.unwrap_or_default();
            log.lock()
                .unwrap()
                .push((auth, serde_json::from_slice(&body).unwrap_or(Value::Null)));
            match reply {
                Reply::Content(content, prompt, completion) => poem::Response::builder()
                    .content_type("application/json")
                    .body(
                        json!({
                            "id": "chatcmpl-1", "object": "chat.completion", "model": "fake-model-1",
                            "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": content}}],
                            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                                      "total_tokens": prompt + completion},
                        })
                        .to_string(),
                    ),
                Reply::Status(code) => poem::Response::builder()
                    .status(poem::http::StatusCode::from_u16(code).unwrap())
                    .body("{\"error\": {\"message\": \"overloaded\"}}"),
            }
        }
    });
    let app = poem::Route::new().at("/v1/chat/completions", poem::post(endpoint));
    let (acceptor, addr) = hirebase::App::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    FakeLlm {
        url: format!("http://{addr}/v1"),
        seen,
    }
}

/// A server whose assistant uses `endpoint`, priced 0.5 / 1.5 USD per 1,000 tokens.
async fn with_endpoint(endpoint: &str) -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let endpoint = endpoint.to_string();
    TestServer::start_in(dir, move |c| {
        c.assistant.endpoint = endpoint;
        c.assistant.model = "test-model".into();
        c.assistant.api_key = "sk-test".into();
        c.assistant.input_usd_per_1k_tokens = 0.5;
        c.assistant.output_usd_per_1k_tokens = 1.5;
        c.assistant.timeout_secs = 5;
    })
    .await
}

struct Records {
    job: u64,
    candidate: u64,
}

async fn records(s: &TestServer, m: &Member) -> Records {
    let job = s
        .post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": "Senior Backend Engineer", "level": "senior", "department": "Platform",
                   "location": "Berlin", "remote_option": "hybrid", "salary_min": 90000, "salary_max": 120000,
                   "currency": "EUR", "required_skills": ["Rust", "PostgreSQL", "Kafka"],
                   "nice_to_have_skills": ["Kubernetes"],
                   "description": "Build the payments platform. 5+ years of backend experience."}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let candidate = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Grace Hopper", "email": "grace@example.com", "current_title": "Senior Software Engineer",
                   "current_company": "Navy Labs", "location": "Berlin", "experience_years": 9,
                   "skills": ["Rust", "PostgreSQL", "Kubernetes"], "availability": "available"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    Records { job, candidate }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

async fn spend(s: &TestServer, m: &Member, window: &str) -> Value {
    s.get(
        &format!("/api/v1/assistant/spend?window={window}"),
        &m.token,
    )
    .await
    .ok(200)
    .clone()
}

async fn audit_actions(s: &TestServer, m: &Member, action: &str) -> usize {
    let r = s.get("/api/v1/audit?limit=100", &m.token).await;
    r.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn screen_outreach_and_offer_letter_are_built_from_the_records() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme Robotics").await;
    let r = records(&s, &m).await;

    let screen = s
        .post(
            "/api/v1/assistant/screen",
            &m.token,
            json!({"candidate_id": r.candidate, "job_id": r.job}),
        )
        .await;
    let a = screen.ok(200);
    assert_eq!(a["tool"], "screen");
    assert_eq!(a["engine"], "offline");
    assert!(a["fallback_reason"].is_null(), "{a}");
    let res = &a["result"];
    let score = res["match_score"].as_u64().unwrap();
    assert!((1..=100).contains(&score), "{res}");
    assert!(
        ["strong_match", "good_match", "partial_match", "weak_match"]
            .contains(&res["verdict"].as_str().unwrap())
    );
    assert_eq!(strings(&res["missing_skills"]), vec!["Kafka"], "{res}");
    let strengths = strings(&res["strengths"]).join(" ");
    assert!(
        strengths.contains("Rust") && strengths.contains("PostgreSQL"),
        "{strengths}"
    );
    assert!(strengths.contains("9 years"), "{strengths}");
    let concerns = strings(&res["concerns"]).join(" ");
    assert!(concerns.contains("Kafka"), "{concerns}");
    assert!(
        res["recommendation"]
            .as_str()
            .unwrap()
            .contains("Senior Backend Engineer"),
        "{res}"
    );
    assert!(res["breakdown"]["skills"].as_u64().is_some());
    // The screen's score is the matching engine's.
    let matched = s
        .post(
            "/api/v1/matching/jobs_for_candidate",
            &m.token,
            json!({"candidate_id": r.candidate}),
        )
        .await;
    let engine_score = matched.ok(200)["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["job_id"] == r.job)
        .unwrap()["score"]
        .as_u64()
        .unwrap();
    assert_eq!(score, engine_score);
    let usage = &a["usage"];
    assert!(usage["input_tokens"].as_u64().unwrap() > 50, "{usage}");
    assert!(usage["output_tokens"].as_u64().unwrap() > 10, "{usage}");
    assert_eq!(usage["cost_usd"], 0.0, "unpriced by default");

    // Inline records work as ids do.
    let inline = s
        .post(
            "/api/v1/assistant/screen",
            &m.token,
            json!({"candidate": {"full_name": "Ada Lovelace", "skills": ["Kafka"], "experience_years": 2},
                   "job_id": r.job}),
        )
        .await;
    let res = &inline.ok(200)["result"];
    assert_eq!(
        strings(&res["missing_skills"]),
        vec!["Rust", "PostgreSQL"],
        "{res}"
    );
    assert!(res["match_score"].as_u64().unwrap() < score);

    let outreach = s
        .post(
            "/api/v1/assistant/outreach",
            &m.token,
            json!({"candidate_id": r.candidate, "job_id": r.job, "tone": "formal"}),
        )
        .await;
    let o = &outreach.ok(200)["result"];
    let subject = o["subject"].as_str().unwrap();
    assert!(
        subject.contains("Senior Backend Engineer") && subject.contains("Acme Robotics"),
        "{subject}"
    );
    let body = o["body"].as_str().unwrap();
    assert!(body.starts_with("Dear Grace Hopper,"), "{body}");
    for fact in [
        "Senior Software Engineer at Navy Labs",
        "Rust",
        "Platform team",
        "Berlin",
        "90,000–120,000 EUR",
    ] {
        assert!(body.contains(fact), "{fact} missing from {body}");
    }
    assert!(
        o["follow_up_body"]
            .as_str()
            .unwrap()
            .contains("Acme Robotics")
    );

    let offer = s
        .post(
            "/api/v1/offers",
            &m.token,
            json!({"candidate_id": r.candidate, "job_id": r.job, "base_salary": 118000, "currency": "EUR",
                   "bonus": 10000, "start_date": "2027-03-01"}),
        )
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let letter = s
        .post(
            "/api/v1/assistant/offer-letter",
            &m.token,
            json!({"offer_id": offer}),
        )
        .await;
    let l = &letter.ok(200)["result"];
    let body = l["body"].as_str().unwrap();
    for fact in [
        "Dear Grace Hopper,",
        "Senior Backend Engineer",
        "Acme Robotics",
        "118,000 EUR",
        "10,000 EUR",
        "1 March 2027",
    ] {
        assert!(body.contains(fact), "{fact} missing from {body}");
    }
    assert_eq!(l["missing"], json!([]), "{l}");
    let draft = s
        .post(
            "/api/v1/assistant/offer-letter",
            &m.token,
            json!({"candidate_id": r.candidate, "job_id": r.job, "base_salary": 95000, "currency": "EUR"}),
        )
        .await;
    let d = &draft.ok(200)["result"];
    assert!(d["body"].as_str().unwrap().contains("95,000 EUR"));
    assert!(d["body"].as_str().unwrap().contains("[start date]"));
    assert_eq!(d["missing"], json!(["start_date"]));

    let report = spend(&s, &m, "24h").await;
    assert_eq!(report["calls"], 5, "{report}");
    let tools: Vec<(String, u64)> = report["by_tool"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tool"].as_str().unwrap().to_string(),
                t["calls"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tools,
        vec![
            ("screen".into(), 2),
            ("outreach".into(), 1),
            ("offer_letter".into(), 2)
        ]
    );
    assert_eq!(report["offline_calls"], 5);
    assert_eq!(report["engine"], "offline");
    assert!(report["total_tokens"].as_u64().unwrap() > 300);
    assert_eq!(spend(&s, &m, "all").await["calls"], 5);
    assert_eq!(audit_actions(&s, &m, "assistant.called").await, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn questions_descriptions_benchmarks_and_summaries_use_the_records() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme Robotics").await;
    let r = records(&s, &m).await;

    let q = s
        .post(
            "/api/v1/assistant/interview-questions",
            &m.token,
            json!({"job_id": r.job}),
        )
        .await;
    let q = q.ok(200)["result"].clone();
    for section in ["technical", "behavioral", "scenario", "red_flag_signals"] {
        assert_eq!(q[section].as_array().unwrap().len(), 5, "{section}: {q}");
    }
    let technical = strings(&q["technical"]).join("\n");
    assert!(
        technical.contains("Rust") && technical.contains("PostgreSQL"),
        "{technical}"
    );
    let again = s
        .post(
            "/api/v1/assistant/interview-questions",
            &m.token,
            json!({"job_id": r.job}),
        )
        .await;
    assert_eq!(
        again.ok(200)["result"],
        q,
        "the same job, the same questions"
    );
    let inline = s
        .post(
            "/api/v1/assistant/interview-questions",
            &m.token,
            json!({"role": "Junior Frontend Developer", "level": "junior", "skills": ["React"], "count": 3}),
        )
        .await;
    let iq = &inline.ok(200)["result"];
    assert_eq!(iq["technical"].as_array().unwrap().len(), 3);
    assert!(
        strings(&iq["technical"]).join(" ").contains("React"),
        "{iq}"
    );

    let jd = s
        .post(
            "/api/v1/assistant/job-description",
            &m.token,
            json!({"job_id": r.job, "brief": "The team also runs Terraform."}),
        )
        .await;
    let jd = &jd.ok(200)["result"];
    assert_eq!(jd["title"], "Senior Backend Engineer");
    let text = jd["description"].as_str().unwrap();
    for fact in [
        "Acme Robotics",
        "Platform team",
        "Hands-on experience with Rust.",
        "5+ years",
        "90,000–120,000 EUR",
        "Experience with Kubernetes.",
    ] {
        assert!(text.contains(fact), "{fact} missing from {text}");
    }
    assert!(
        jd["responsibilities"].as_array().unwrap().len() >= 3,
        "{jd}"
    );

    // Salary data: four backend jobs, a senior one and an offer in EUR; a designer in USD.
    for (title, min, max, cur) in [
        ("Backend Engineer", 80000, 100000, "EUR"),
        ("Backend Engineer II", 90000, 110000, "EUR"),
        ("Backend Engineers (Payments)", 100000, 120000, "EUR"),
        ("Product Designer", 70000, 90000, "USD"),
        ("Data Scientist", 60000, 80000, "EUR"),
    ] {
        s.post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": title, "salary_min": min, "salary_max": max, "currency": cur}),
        )
        .await
        .ok(201);
    }
    s.post(
        "/api/v1/offers",
        &m.token,
        json!({"candidate_id": r.candidate, "job_id": r.job, "base_salary": 125000, "currency": "EUR"}),
    )
    .await
    .ok(201);
    let bench = s
        .post(
            "/api/v1/assistant/salary-benchmark",
            &m.token,
            json!({"title": "Backend Engineer"}),
        )
        .await;
    let b = &bench.ok(200)["result"];
    // Points: 90k, 100k, 110k (jobs), 105k (the senior job's middle), 125k (the offer).
    assert_eq!(b["currency"], "EUR", "{b}");
    assert_eq!(b["sample_size"], 5, "{b}");
    assert_eq!(
        (b["from_jobs"].clone(), b["from_offers"].clone()),
        (json!(4), json!(1))
    );
    assert_eq!(b["p50"], 105000, "{b}");
    assert_eq!(b["p25"], 100000, "{b}");
    assert_eq!(b["min"], 90000);
    assert_eq!(b["max"], 125000);
    assert_eq!(b["enough_data"], true);
    assert!(b["note"].as_str().unwrap().contains("105,000 EUR"), "{b}");
    let senior = s
        .post(
            "/api/v1/assistant/salary-benchmark",
            &m.token,
            json!({"job_id": r.job}),
        )
        .await;
    let sb = &senior.ok(200)["result"];
    assert_eq!(sb["filters"]["level"], "senior");
    assert_eq!(
        sb["relaxed"],
        json!(["location", "level"]),
        "too few senior ones in Berlin: {sb}"
    );
    let small = s
        .post(
            "/api/v1/assistant/salary-benchmark",
            &m.token,
            json!({"title": "Data Scientist"}),
        )
        .await;
    let sm = &small.ok(200)["result"];
    assert_eq!(sm["sample_size"], 1);
    assert_eq!(sm["enough_data"], false);
    assert!(
        sm["note"].as_str().unwrap().contains("Only 1 data point"),
        "{sm}"
    );
    let none = s
        .post(
            "/api/v1/assistant/salary-benchmark",
            &m.token,
            json!({"title": "Astronaut"}),
        )
        .await;
    let n = &none.ok(200)["result"];
    assert_eq!(
        (n["sample_size"].clone(), n["p50"].clone()),
        (json!(0), Value::Null)
    );
    assert!(
        n["note"].as_str().unwrap().starts_with("No salary data"),
        "{n}"
    );

    let transcript = "Interviewer: Tell me about your recent work.\n\
        Candidate: I led the migration of our billing service to Rust and reduced latency by 40 percent.\n\
        Candidate: I also designed the PostgreSQL schema for the ledger.\n\
        Interviewer: Have you worked with Kafka?\n\
        Candidate: I haven't used Kafka in production, I'm not sure how consumer groups rebalance.\n\
        Candidate: The billing migration took four months and the billing team loved it.";
    let summary = s
        .post(
            "/api/v1/assistant/transcript-summary",
            &m.token,
            json!({"transcript": transcript, "job_id": r.job}),
        )
        .await;
    let ts = &summary.ok(200)["result"];
    let strengths = strings(&ts["strengths"]).join("\n");
    assert!(strengths.contains("I led the migration"), "{ts}");
    assert!(
        !strengths.contains("Tell me about"),
        "questions are not strengths: {ts}"
    );
    let concerns = strings(&ts["concerns"]).join("\n");
    assert!(concerns.contains("haven't used Kafka"), "{ts}");
    let topics = strings(&ts["topics"]);
    assert!(
        topics.contains(&"Rust".to_string()) && topics.contains(&"billing".to_string()),
        "{ts}"
    );
    assert_eq!(
        strings(&ts["skills_not_covered"]),
        vec!["Kubernetes"],
        "{ts}"
    );
    assert!(
        ts["summary"]
            .as_str()
            .unwrap()
            .contains("Senior Backend Engineer")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_problem_and_records_nothing() {
    let s = TestServer::start().await;
    let m = s.register("rec@acme.test", "Acme").await;
    let other = s.register("rec@globex.test", "Globex").await;
    let r = records(&s, &m).await;
    let theirs = records(&s, &other).await;

    let p = s
        .post(
            "/api/v1/assistant/screen",
            &m.token,
            json!({"job_id": r.job}),
        )
        .await;
    assert_eq!(
        crate::common::fields(p.problem(400, "validation")),
        vec!["candidate_id"]
    );
    s.post(
        "/api/v1/assistant/screen",
        &m.token,
        json!({"candidate_id": theirs.candidate, "job_id": r.job}),
    )
    .await
    .problem(404, "not_found");
    s.post(
        "/api/v1/assistant/outreach",
        &m.token,
        json!({"candidate_id": r.candidate, "job_id": r.job, "tone": "shouty"}),
    )
    .await
    .problem(400, "validation");
    let inline = s
        .post(
            "/api/v1/assistant/screen",
            &m.token,
            json!({"candidate_id": r.candidate, "job": {"title": "Welder", "currency": "euro"}}),
        )
        .await;
    assert_eq!(
        crate::common::fields(inline.problem(400, "validation")),
        vec!["job.currency"]
    );
    s.post(
        "/api/v1/assistant/offer-letter",
        &m.token,
        json!({"candidate_id": r.candidate, "job_id": r.job, "currency": "EUR"}),
    )
    .await
    .problem(400, "validation");
    s.post(
        "/api/v1/assistant/offer-letter",
        &m.token,
        json!({"offer_id": 999_999}),
    )
    .await
    .problem(404, "not_found");
    s.post("/api/v1/assistant/interview-questions", &m.token, json!({}))
        .await
        .problem(400, "validation");
    s.post(
        "/api/v1/assistant/interview-questions",
        &m.token,
        json!({"job_id": r.job, "count": 50}),
    )
    .await
    .problem(400, "validation");
    s.post("/api/v1/assistant/salary-benchmark", &m.token, json!({}))
        .await
        .problem(400, "validation");
    s.post(
        "/api/v1/assistant/salary-benchmark",
        &m.token,
        json!({"title": "Engineer", "currency": "euros"}),
    )
    .await
    .problem(400, "validation");
    s.post(
        "/api/v1/assistant/transcript-summary",
        &m.token,
        json!({"transcript": "  "}),
    )
    .await
    .problem(400, "validation");
    s.post(
        "/api/v1/assistant/job-description",
        &m.token,
        json!({"job_id": theirs.job}),
    )
    .await
    .problem(404, "not_found");
    s.get("/api/v1/assistant/spend?window=1y", &m.token)
        .await
        .problem(400, "validation");

    let report = spend(&s, &m, "all").await;
    assert_eq!(report["calls"], 0, "{report}");
    assert_eq!(audit_actions(&s, &m, "assistant.called").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_and_scopes_limit_the_tools_and_tenants_see_only_their_spend() {
    let s = TestServer::start().await;
    let m = s.register("admin@acme.test", "Acme").await;
    let other = s.register("admin@globex.test", "Globex").await;
    let r = records(&s, &m).await;
    let screen = json!({"candidate_id": r.candidate, "job_id": r.job});

    let interviewer = s
        .seed_member(m.org_id, "int@acme.test", Role::Interviewer)
        .await;
    s.post(
        "/api/v1/assistant/screen",
        &interviewer.token,
        screen.clone(),
    )
    .await
    .problem(403, "forbidden");
    s.get("/api/v1/assistant/spend", &interviewer.token)
        .await
        .problem(403, "forbidden");
    let manager = s
        .seed_member(m.org_id, "hm@acme.test", Role::HiringManager)
        .await;
    s.post("/api/v1/assistant/screen", &manager.token, screen.clone())
        .await
        .ok(200);

    let (_, key) = s
        .mint_key(&m, "reader", "recruiter", &["candidates:read"])
        .await;
    s.post("/api/v1/assistant/screen", &key, screen.clone())
        .await
        .problem(403, "insufficient_scope");
    let (_, key) = s
        .mint_key(&m, "tools", "recruiter", &["assistant:use"])
        .await;
    s.post("/api/v1/assistant/screen", &key, screen.clone())
        .await
        .ok(200);

    assert_eq!(spend(&s, &m, "7d").await["calls"], 2);
    let theirs = spend(&s, &other, "7d").await;
    assert_eq!(theirs["calls"], 0, "{theirs}");
    s.post("/api/v1/assistant/screen", &other.token, screen)
        .await
        .problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_answers_and_its_usage_is_priced() {
    // A reply in a code fence, camelCase keys, an extra field: read leniently.
    let content = "Here is the screen:\n```json\n{\"matchScore\": 91, \"verdict\": \"strong_match\", \
        \"strengths\": [\"Deep Rust experience\", \"Built PostgreSQL systems\"], \
        \"concerns\": [\"No Kafka\"], \"recommendation\": \"Move to a technical interview.\", \
        \"confidence\": \"high\"}\n```";
    let llm = fake_llm(Reply::Content(content.into(), 1000, 500)).await;
    let s = with_endpoint(&llm.url).await;
    let m = s.register("rec@acme.test", "Acme").await;
    let r = records(&s, &m).await;
    let a = s
        .post(
            "/api/v1/assistant/screen",
            &m.token,
            json!({"candidate_id": r.candidate, "job_id": r.job}),
        )
        .await;
    let a = a.ok(200);
    assert_eq!(a["engine"], "endpoint", "{a}");
    assert_eq!(a["model"], "fake-model-1");
    assert_eq!(a["result"]["match_score"], 91);
    assert_eq!(
        strings(&a["result"]["strengths"]),
        vec!["Deep Rust experience", "Built PostgreSQL systems"]
    );
    assert_eq!(
        a["result"]["recommendation"],
        "Move to a technical interview."
    );
    assert_eq!(
        strings(&a["result"]["missing_skills"]),
        vec!["Kafka"],
        "the engine's facts stay"
    );
    assert_eq!(
        a["usage"],
        json!({"input_tokens": 1000, "output_tokens": 500, "cost_usd": 1.25})
    );

    let seen = llm.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (auth, body) = &seen[0];
    assert_eq!(auth.as_deref(), Some("Bearer sk-test"));
    assert_eq!(body["model"], "test-model");
    let prompt = body["messages"][1]["content"].as_str().unwrap();
    assert!(
        prompt.contains("Grace Hopper") && prompt.contains("Senior Backend Engineer"),
        "the facts are sent: {prompt}"
    );

    let report = spend(&s, &m, "30d").await;
    assert_eq!(report["cost_usd"], 1.25, "{report}");
    assert_eq!(report["input_tokens"], 1000);
    assert_eq!(report["output_tokens"], 500);
    assert_eq!(report["endpoint_calls"], 1);
    assert_eq!(report["engine"], "endpoint");
    assert_eq!(report["by_tool"][0]["tool"], "screen");
    assert_eq!(report["by_tool"][0]["cost_usd"], 1.25);
    assert_eq!(report["month"]["cost_usd"], 1.25);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_endpoint_falls_back_to_the_offline_engine_and_says_so() {
    let down = fake_llm(Reply::Status(503)).await;
    let s = with_endpoint(&down.url).await;
    let m = s.register("rec@acme.test", "Acme").await;
    let r = records(&s, &m).await;
    let body = json!({"candidate_id": r.candidate, "job_id": r.job});
    let a = s
        .post("/api/v1/assistant/screen", &m.token, body.clone())
        .await;
    let a = a.ok(200);
    assert_eq!(a["engine"], "offline", "{a}");
    assert!(
        a["fallback_reason"].as_str().unwrap().contains("HTTP 503"),
        "{a}"
    );
    assert_eq!(strings(&a["result"]["missing_skills"]), vec!["Kafka"]);
    assert!(
        !down.seen.lock().unwrap().is_empty(),
        "the endpoint was tried"
    );
    // Priced at the configured prices, from the estimate.
    let usage = &a["usage"];
    let expected = usage["input_tokens"].as_f64().unwrap() * 0.5 / 1000.0
        + usage["output_tokens"].as_f64().unwrap() * 1.5 / 1000.0;
    assert!(
        (usage["cost_usd"].as_f64().unwrap() - expected).abs() < 1e-6,
        "{usage}"
    );

    // A reply without JSON: the same fallback, with its reason.
    let prose = fake_llm(Reply::Content("I think she is great!".into(), 10, 5)).await;
    let s2 = with_endpoint(&prose.url).await;
    let m2 = s2.register("rec@acme.test", "Acme").await;
    let r2 = records(&s2, &m2).await;
    let a = s2
        .post(
            "/api/v1/assistant/interview-questions",
            &m2.token,
            json!({"job_id": r2.job}),
        )
        .await;
    let a = a.ok(200);
    assert_eq!(a["engine"], "offline");
    assert!(
        a["fallback_reason"].as_str().unwrap().contains("no JSON"),
        "{a}"
    );
    assert_eq!(a["usage"]["input_tokens"], 10, "the endpoint billed these");
    assert_eq!(a["result"]["technical"].as_array().unwrap().len(), 5);

    // Nobody listening at all.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let s3 = with_endpoint(&format!("http://{closed}/v1")).await;
    let m3 = s3.register("rec@acme.test", "Acme").await;
    let r3 = records(&s3, &m3).await;
    let a = s3
        .post(
            "/api/v1/assistant/screen",
            &m3.token,
            json!({"candidate_id": r3.candidate, "job_id": r3.job}),
        )
        .await;
    assert_eq!(a.ok(200)["engine"], "offline");
    assert!(
        a.body["fallback_reason"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
    assert_eq!(spend(&s3, &m3, "24h").await["offline_calls"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_used_up_monthly_budget_answers_402_and_records_nothing() {
    let llm = fake_llm(Reply::Content(
        "{\"subject\": \"Hello\", \"body\": \"A message.\"}".into(),
        2000,
        1000,
    ))
    .await;
    let s = with_endpoint(&llm.url).await;
    let m = s.register("admin@acme.test", "Acme").await;
    let r = records(&s, &m).await;
    let recruiter = s
        .seed_member(m.org_id, "rec@acme.test", Role::Recruiter)
        .await;
    s.patch(
        "/api/v1/tenants/me",
        &recruiter.token,
        json!({"monthly_budget_usd": 100}),
    )
    .await
    .problem(403, "forbidden");
    s.patch(
        "/api/v1/tenants/me",
        &m.token,
        json!({"monthly_budget_usd": -1}),
    )
    .await
    .problem(400, "validation");
    let t = s
        .patch(
            "/api/v1/tenants/me",
            &m.token,
            json!({"monthly_budget_usd": 2.5}),
        )
        .await;
    assert_eq!(t.ok(200)["monthly_budget_usd"], 2.5);
    assert_eq!(
        s.get("/api/v1/tenants/me", &recruiter.token).await.ok(200)["monthly_budget_usd"],
        2.5
    );

    // Each call costs 2000 × 0.5 + 1000 × 1.5 per 1,000 = 2.50 USD: the first uses the budget.
    let body = json!({"candidate_id": r.candidate, "job_id": r.job});
    let first = s
        .post("/api/v1/assistant/outreach", &recruiter.token, body.clone())
        .await;
    assert_eq!(first.ok(200)["usage"]["cost_usd"], 2.5);
    assert_eq!(first.body["result"]["subject"], "Hello");
    let refused = s
        .post("/api/v1/assistant/outreach", &recruiter.token, body.clone())
        .await;
    let p = refused.problem(402, "budget_exceeded");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("$2.50") && detail.contains("monthly_budget_usd"),
        "{detail}"
    );
    s.post(
        "/api/v1/assistant/salary-benchmark",
        &recruiter.token,
        json!({"title": "Engineer"}),
    )
    .await
    .problem(402, "budget_exceeded");
    assert_eq!(
        llm.seen.lock().unwrap().len(),
        1,
        "refused calls never reach the endpoint"
    );
    let report = spend(&s, &m, "all").await;
    assert_eq!(report["calls"], 1, "{report}");
    assert_eq!(report["month"]["budget_usd"], 2.5);
    assert_eq!(report["month"]["remaining_usd"], 0.0);
    assert_eq!(audit_actions(&s, &m, "assistant.called").await, 1);

    // Raising the budget (or removing it) lets calls through again.
    s.patch(
        "/api/v1/tenants/me",
        &m.token,
        json!({"monthly_budget_usd": null}),
    )
    .await
    .ok(200);
    s.post("/api/v1/assistant/outreach", &recruiter.token, body)
        .await
        .ok(200);
    assert_eq!(spend(&s, &m, "all").await["cost_usd"], 5.0);
}
