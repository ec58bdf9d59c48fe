//! Full-text `q` on candidates, jobs and the careers portal: a word no record can hold
//! matches nothing (never the whole pool), and Chinese, Japanese and Korean text is found by
//! any run of characters inside it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Member, TestServer};

const LONG_CHINESE: &str = "高级软件工程师负责分布式系统";

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The `field` of each item of a list page, and its total.
fn page(list: &Value, field: &str) -> (Vec<String>, u64) {
    let names = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap().to_string())
        .collect();
    (names, list["total"].as_u64().unwrap())
}

async fn seed(s: &TestServer) -> Member {
    let m = s.register("a@acme.test", "Acme").await;
    for (name, headline) in [
        ("王伟", "高级软件工程师，负责分布式系统"),
        ("佐藤 花子", "ソフトウェアエンジニア 東京"),
        ("김민준", "백엔드 개발자"),
        ("Jane Doe", "Backend engineer, Rust"),
    ] {
        s.post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": name, "headline": headline}),
        )
        .await
        .ok(201);
    }
    for (title, description) in [
        ("高级软件工程师", "负责分布式系统的设计"),
        ("Rust Engineer", "Distributed systems"),
    ] {
        s.post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": title, "description": description, "is_public": true}),
        )
        .await
        .ok(201);
    }
    m
}

#[tokio::test(flavor = "multi_thread")]
async fn a_word_too_long_for_the_index_matches_nothing_on_every_list() {
    let s = TestServer::start().await;
    let m = seed(&s).await;
    let forty = "x".repeat(40);
    for q in [
        forty.as_str(),
        &format!("rust {forty}"),
        "!!! ---",
        LONG_CHINESE,
    ] {
        let q = encoded(q);
        let list = s.get(&format!("/api/v1/candidates?q={q}"), &m.token).await;
        assert_eq!(
            page(list.ok(200), "full_name"),
            (vec![], 0),
            "candidates {q}"
        );
        let list = s.get(&format!("/api/v1/jobs?q={q}"), &m.token).await;
        assert_eq!(page(list.ok(200), "title"), (vec![], 0), "jobs {q}");
        let list = s
            .call(
                Method::GET,
                &format!("/api/v1/careers/jobs?q={q}"),
                None,
                None,
            )
            .await;
        assert_eq!(page(list.ok(200), "title"), (vec![], 0), "careers {q}");
    }
    // Without text the lists are whole, and a word just under the limit is an ordinary word.
    let all = s.get("/api/v1/candidates", &m.token).await;
    assert_eq!(page(all.ok(200), "full_name").1, 4);
    let under = encoded(&"x".repeat(39));
    let list = s
        .get(&format!("/api/v1/candidates?q={under}"), &m.token)
        .await;
    assert_eq!(page(list.ok(200), "full_name"), (vec![], 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn cjk_text_is_found_by_a_run_inside_it_on_every_list() {
    let s = TestServer::start().await;
    let m = seed(&s).await;
    for (q, names) in [
        ("软件工程师", vec!["王伟"]),
        (LONG_CHINESE, vec![]),
        ("分布式系统", vec!["王伟"]),
        ("王", vec!["王伟"]),
        ("エンジニア", vec!["佐藤 花子"]),
        ("東京 佐藤", vec!["佐藤 花子"]),
        ("개발", vec!["김민준"]),
        ("rust", vec!["Jane Doe"]),
    ] {
        let list = s
            .get(&format!("/api/v1/candidates?q={}", encoded(q)), &m.token)
            .await;
        let expected = (
            names.iter().map(|n| n.to_string()).collect(),
            names.len() as u64,
        );
        assert_eq!(page(list.ok(200), "full_name"), expected, "candidates {q}");
    }
    for q in ["软件工程师", "分布式", "工程"] {
        let q = encoded(q);
        let list = s.get(&format!("/api/v1/jobs?q={q}"), &m.token).await;
        assert_eq!(
            page(list.ok(200), "title"),
            (vec!["高级软件工程师".to_string()], 1),
            "jobs {q}"
        );
        let list = s
            .call(
                Method::GET,
                &format!("/api/v1/careers/jobs?q={q}"),
                None,
                None,
            )
            .await;
        assert_eq!(
            page(list.ok(200), "title"),
            (vec!["高级软件工程师".to_string()], 1),
            "careers {q}"
        );
    }
    // The whole 14-character title + description run, as one job holds it, is found too.
    s.post(
        "/api/v1/jobs",
        &m.token,
        json!({"title": LONG_CHINESE, "is_public": true}),
    )
    .await
    .ok(201);
    let list = s
        .get(
            &format!("/api/v1/jobs?q={}", encoded(LONG_CHINESE)),
            &m.token,
        )
        .await;
    assert_eq!(
        page(list.ok(200), "title"),
        (vec![LONG_CHINESE.to_string()], 1)
    );
    // Another tenant's records never answer.
    let other = s.register("b@globex.test", "Globex").await;
    let list = s
        .get(
            &format!("/api/v1/candidates?q={}", encoded("工程")),
            &other.token,
        )
        .await;
    assert_eq!(page(list.ok(200), "full_name"), (vec![], 0));
}
