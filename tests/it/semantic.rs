//! Search and matching by meaning (`mode=semantic`, `strategy: "semantic"`): the vectors
//! follow every write, survive a restart, stay within the tenant, and the paraphrase set
//! (`tests/data/semantic/paraphrases.json`) ranks better by meaning than by keyword alone.
//! Run with `--nocapture` to see the numbers.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::common::{Member, PASSWORD, TestServer, eventually};

#[derive(Deserialize)]
struct Set {
    candidates: Vec<Value>,
    queries: Vec<Labelled>,
}

#[derive(Deserialize)]
struct Labelled {
    q: String,
    grades: HashMap<String, u8>,
}

fn set() -> Set {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/semantic/paraphrases.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Creates the set's candidates; returns candidate id → key.
async fn seed(s: &TestServer, m: &Member, set: &Set) -> HashMap<u64, String> {
    let mut keys = HashMap::new();
    for c in &set.candidates {
        let mut body = c.clone();
        let key = body.as_object_mut().unwrap().remove("key").unwrap();
        let made = s.post("/api/v1/candidates", &m.token, body).await;
        keys.insert(
            made.ok(201)["id"].as_u64().unwrap(),
            key.as_str().unwrap().to_string(),
        );
    }
    keys
}

async fn names(s: &TestServer, m: &Member, query: &str) -> (Vec<String>, u64) {
    let list = s
        .get(&format!("/api/v1/candidates?{query}"), &m.token)
        .await;
    let list = list.ok(200);
    let names = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap().to_string())
        .collect();
    (names, list["total"].as_u64().unwrap())
}

/// NDCG@10 with gains 2^grade − 1 of a ranking of keys.
fn ndcg10(ranked: &[String], grades: &HashMap<String, u8>) -> f64 {
    let dcg = |gs: &mut dyn Iterator<Item = u8>| -> f64 {
        gs.take(10)
            .enumerate()
            .map(|(i, g)| (2f64.powi(i32::from(g)) - 1.0) / (i as f64 + 2.0).log2())
            .sum()
    };
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_by(|a, b| b.cmp(a));
    let best = dcg(&mut ideal.into_iter());
    dcg(&mut ranked.iter().map(|k| grades.get(k).copied().unwrap_or(0))) / best
}

#[tokio::test(flavor = "multi_thread")]
async fn paraphrases_rank_better_by_meaning_than_by_keyword() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let set = set();
    let keys = seed(&s, &m, &set).await;
    let (mut keyword, mut semantic) = (0.0, 0.0);
    println!(
        "paraphrase set: {} queries, NDCG@10 keyword / semantic",
        set.queries.len()
    );
    for l in &set.queries {
        let mut scores = [0.0; 2];
        for (i, mode) in ["keyword", "semantic"].iter().enumerate() {
            let list = s
                .get(
                    &format!(
                        "/api/v1/candidates?q={}&mode={mode}&limit=10",
                        encoded(&l.q)
                    ),
                    &m.token,
                )
                .await;
            let ranked: Vec<String> = list.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| keys[&c["id"].as_u64().unwrap()].clone())
                .collect();
            scores[i] = ndcg10(&ranked, &l.grades);
        }
        println!("  {:<32} {:.3} / {:.3}", l.q, scores[0], scores[1]);
        keyword += scores[0];
        semantic += scores[1];
    }
    let n = set.queries.len() as f64;
    let (keyword, semantic) = (keyword / n, semantic / n);
    println!("  mean {keyword:.4} / {semantic:.4}");
    assert!(
        semantic > keyword + 0.2,
        "by meaning ({semantic:.4}) must clearly beat keywords ({keyword:.4})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn vectors_follow_writes_restarts_and_stay_in_the_tenant() {
    let s = TestServer::start().await;
    let a = s.register("a@acme.test", "Acme").await;
    let b = s.register("b@beta.test", "Beta").await;
    let made = s
        .post(
            "/api/v1/candidates",
            &a.token,
            json!({"full_name": "Ada Mensah", "headline": "card processing and checkout at a neobank"}),
        )
        .await;
    let id = made.ok(201)["id"].as_u64().unwrap();
    s.post(
        "/api/v1/candidates",
        &a.token,
        json!({"full_name": "Pat Baker", "headline": "pastry chef, cakes and bread"}),
    )
    .await
    .ok(201);
    s.post(
        "/api/v1/candidates",
        &b.token,
        json!({"full_name": "Other Tenant", "headline": "payments engineer, card processing"}),
    )
    .await
    .ok(201);
    let q = "q=payment%20systems&mode=semantic";
    assert_eq!(names(&s, &a, q).await, (vec!["Ada Mensah".to_string()], 1));
    assert_eq!(
        names(&s, &b, q).await,
        (vec!["Other Tenant".to_string()], 1)
    );

    // A change is seen at once (the tenant's vectors are in memory now).
    s.patch(
        &format!("/api/v1/candidates/{id}"),
        &a.token,
        json!({"headline": "ski instructor in the alps"}),
    )
    .await
    .ok(200);
    assert_eq!(names(&s, &a, q).await, (vec![], 0));
    s.patch(
        &format!("/api/v1/candidates/{id}"),
        &a.token,
        json!({"headline": "billing and payouts engineer"}),
    )
    .await
    .ok(200);
    assert_eq!(names(&s, &a, q).await.0, vec!["Ada Mensah".to_string()]);

    // Kept in redb: after a restart they are read back, not recomputed.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir, |_| {}).await;
    let a = s.login("a@acme.test", PASSWORD).await;
    assert_eq!(names(&s, &a, q).await.0, vec!["Ada Mensah".to_string()]);
    s.delete(&format!("/api/v1/candidates/{id}"), &a.token)
        .await
        .ok(204);
    eventually("the deleted candidate is gone by meaning too", || async {
        names(&s, &a, q).await == (vec![], 0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_mode_or_strategy_is_a_validation_problem() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    s.get("/api/v1/candidates?q=rust&mode=telepathy", &m.token)
        .await
        .problem(400, "validation");
    s.post(
        "/api/v1/matching/candidates_for_job",
        &m.token,
        json!({"job_id": 1, "strategy": "astrology"}),
    )
    .await
    .problem(400, "validation");
}

#[tokio::test(flavor = "multi_thread")]
async fn semantic_matching_finds_the_fit_that_shares_no_keyword() {
    let s = TestServer::start().await;
    let m = s.register("a@acme.test", "Acme").await;
    let job = s
        .post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": "Payments Engineer", "description": "Build our payment systems: card acquiring, payouts, ledgers."}),
        )
        .await;
    let job = job.ok(201)["id"].as_u64().unwrap();
    for (name, headline) in [
        (
            "Bruno Costa",
            "invoicing, subscriptions and merchant settlement at a fintech",
        ),
        ("Pat Baker", "pastry chef, cakes and bread"),
    ] {
        s.post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": name, "headline": headline}),
        )
        .await
        .ok(201);
    }
    let answer = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &m.token,
            json!({"job_id": job, "strategy": "semantic"}),
        )
        .await;
    let matches = answer.ok(200)["matches"].as_array().unwrap().clone();
    assert!(!matches.is_empty());
    assert_eq!(matches[0]["full_name"], "Bruno Costa", "{matches:?}");
    assert!(matches.iter().all(|m| m["strategy"] == "semantic"));
    assert!(
        matches[0]["reason"]
            .as_str()
            .unwrap()
            .contains("Similar in meaning: "),
        "{matches:?}"
    );
    let hybrid = s
        .post(
            "/api/v1/matching/candidates_for_job",
            &m.token,
            json!({"job_id": job}),
        )
        .await;
    let hybrid = hybrid.ok(200)["matches"].as_array().unwrap().clone();
    assert!(hybrid.iter().all(|m| m["strategy"] == "hybrid"));
}
