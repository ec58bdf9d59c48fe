//! `/team`: listing members, changing roles, removing members, and who may do it.
//!
//! No endpoint adds a person to an existing organisation yet (invites are still to come), so the
//! tests that need a second member seed one with `TestServer::seed_member`.

use hirebase::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestServer, fields};

const TEAM: &str = "/api/v1/team";

fn member(id: u64) -> String {
    format!("{TEAM}/{id}")
}

async fn team(s: &TestServer, token: &str) -> Value {
    s.get(TEAM, token).await.ok(200).clone()
}

fn roles(list: &Value) -> Vec<(u64, String)> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["id"].as_u64().unwrap(),
                u["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn team_lists_members_newest_first_with_skip_and_limit() {
    let s = TestServer::start().await;
    let admin = s.register("admin@team.example", "Team").await;
    let a = s
        .seed_member(admin.org_id, "a@team.example", Role::Recruiter)
        .await;
    let b = s
        .seed_member(admin.org_id, "b@team.example", Role::Interviewer)
        .await;
    let c = s
        .seed_member(admin.org_id, "c@team.example", Role::HiringManager)
        .await;

    let all = team(&s, &admin.token).await;
    assert_eq!(all["total"], 4);
    let ids: Vec<u64> = roles(&all).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, vec![c.user_id, b.user_id, a.user_id, admin.user_id]);
    let first = &all["items"][3];
    assert_eq!(first["email"], "admin@team.example");
    assert_eq!(first["org_id"].as_u64(), Some(admin.org_id));
    assert!(first.get("password_hash").is_none(), "{first}");

    let r = s.get(&format!("{TEAM}?skip=1&limit=2"), &admin.token).await;
    assert_eq!(
        r.ok(200)["total"],
        4,
        "total counts every member, not the page"
    );
    let page: Vec<u64> = roles(&r.body).into_iter().map(|(id, _)| id).collect();
    assert_eq!(page, vec![b.user_id, a.user_id]);
    let r = s.get(&format!("{TEAM}?skip=10"), &admin.token).await;
    assert_eq!(r.ok(200)["items"], json!([]));
    assert_eq!(r.body["total"], 4);
    s.get(&format!("{TEAM}?limit=100"), &admin.token)
        .await
        .ok(200);

    for query in [
        "limit=101",
        "limit=0",
        "limit=-1",
        "limit=ten",
        "skip=-1",
        "skip=x",
    ] {
        let r = s.get(&format!("{TEAM}?{query}"), &admin.token).await;
        let field = query.split('=').next().unwrap();
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec![field],
            "{query}: {}",
            r.text
        );
        assert!(
            r.body["detail"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    assert_eq!(team(&s, &admin.token).await["total"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_only_org_admin_cannot_be_demoted_or_removed() {
    let s = TestServer::start().await;
    let admin = s.register("only@team.example", "Only").await;
    for role in ["recruiter", "hiring_manager", "talent"] {
        let r = s
            .patch(&member(admin.user_id), &admin.token, json!({"role": role}))
            .await;
        let p = r.problem(422, "business_rule");
        assert!(
            p["detail"].as_str().unwrap().contains("org_admin"),
            "{}",
            r.text
        );
    }
    let r = s.delete(&member(admin.user_id), &admin.token).await;
    r.problem(422, "business_rule");
    // An org_admin key is nobody in particular, so "yourself" does not apply: the last-admin rule does.
    let (_, key) = s
        .mint_key(&admin, "ops", "org_admin", &["team:write", "team:read"])
        .await;
    s.delete(&member(admin.user_id), &key)
        .await
        .problem(422, "business_rule");
    s.patch(&member(admin.user_id), &key, json!({"role": "recruiter"}))
        .await
        .problem(422, "business_rule");
    // Keeping the role is not a demotion.
    let r = s
        .patch(
            &member(admin.user_id),
            &admin.token,
            json!({"role": "org_admin"}),
        )
        .await;
    assert_eq!(r.ok(200)["role"], "org_admin");

    let list = team(&s, &admin.token).await;
    assert_eq!(roles(&list), vec![(admin.user_id, "org_admin".to_string())]);
    assert_eq!(
        s.get("/api/v1/users/me", &admin.token).await.ok(200)["role"],
        "org_admin"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn you_cannot_remove_yourself_even_with_another_admin() {
    let s = TestServer::start().await;
    let admin = s.register("self@team.example", "Self").await;
    let other = s
        .seed_member(admin.org_id, "other-admin@team.example", Role::OrgAdmin)
        .await;
    let r = s.delete(&member(admin.user_id), &admin.token).await;
    let p = r.problem(422, "business_rule");
    assert!(
        p["detail"].as_str().unwrap().contains("yourself"),
        "{}",
        r.text
    );
    s.get("/api/v1/users/me", &admin.token).await.ok(200);
    assert_eq!(team(&s, &other.token).await["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn role_changes_are_validated() {
    let s = TestServer::start().await;
    let admin = s.register("val@team.example", "Val").await;
    let m = s
        .seed_member(admin.org_id, "m@team.example", Role::Recruiter)
        .await;
    let r = s
        .patch(
            &member(m.user_id),
            &admin.token,
            json!({"role": "platform_admin"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["role"]);
    for body in [
        json!({"role": "wizard"}),
        json!({}),
        json!({"role": null}),
        json!({"role": 3}),
    ] {
        s.patch(&member(m.user_id), &admin.token, body)
            .await
            .problem(400, "validation");
    }
    let r = s
        .patch(
            "/api/v1/team/abc",
            &admin.token,
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(
        fields(r.problem(400, "validation")),
        vec!["user_id"],
        "{}",
        r.text
    );
    let list = team(&s, &admin.token).await;
    assert!(
        roles(&list).contains(&(m.user_id, "recruiter".to_string())),
        "refused changes changed nothing: {list}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_members_are_404() {
    let s = TestServer::start().await;
    let admin = s.register("nf@team.example", "Nf").await;
    for id in [999_999, 0, u64::MAX] {
        let r = s
            .patch(&member(id), &admin.token, json!({"role": "recruiter"}))
            .await;
        let p = r.problem(404, "not_found");
        assert!(
            p["detail"].as_str().unwrap().contains(&id.to_string()),
            "{}",
            r.text
        );
        s.delete(&member(id), &admin.token)
            .await
            .problem(404, "not_found");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn org_admin_changes_a_members_role_and_it_takes_effect() {
    let s = TestServer::start().await;
    let admin = s.register("boss@team.example", "Roles").await;
    let m = s
        .seed_member(admin.org_id, "rec@team.example", Role::Recruiter)
        .await;

    let r = s
        .patch(
            &member(m.user_id),
            &admin.token,
            json!({"role": "hiring_manager"}),
        )
        .await;
    let b = r.ok(200);
    assert_eq!(b["id"].as_u64(), Some(m.user_id));
    assert_eq!(b["role"], "hiring_manager");
    assert_eq!(b["email"], "rec@team.example");
    assert_eq!(
        s.get("/api/v1/users/me", &m.token).await.ok(200)["role"],
        "hiring_manager",
        "the member's session sees it"
    );

    // Promote, then the first admin may step down: the organisation keeps an org_admin.
    s.patch(
        &member(m.user_id),
        &admin.token,
        json!({"role": "org_admin"}),
    )
    .await
    .ok(200);
    let r = s
        .patch(
            &member(admin.user_id),
            &m.token,
            json!({"role": "recruiter"}),
        )
        .await;
    assert_eq!(r.ok(200)["role"], "recruiter");
    // Now the former admin is a recruiter: team changes are forbidden to them.
    let r = s
        .patch(
            &member(m.user_id),
            &admin.token,
            json!({"role": "recruiter"}),
        )
        .await;
    r.problem(403, "forbidden");
    // And the new sole admin is protected by the last-admin rule.
    s.patch(&member(m.user_id), &m.token, json!({"role": "recruiter"}))
        .await
        .problem(422, "business_rule");

    let list = team(&s, &m.token).await;
    let mut got = roles(&list);
    got.sort();
    assert_eq!(
        got,
        vec![
            (admin.user_id, "recruiter".into()),
            (m.user_id, "org_admin".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_a_member_ends_their_sessions_and_frees_their_email() {
    let s = TestServer::start().await;
    let admin = s.register("rm@team.example", "Remove").await;
    let gone = s
        .seed_member(admin.org_id, "gone@team.example", Role::Recruiter)
        .await;
    let second_session = s.login("gone@team.example", PASSWORD).await;
    s.get("/api/v1/users/me", &gone.token).await.ok(200);

    let r = s.delete(&member(gone.user_id), &admin.token).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());

    for token in [&gone.token, &second_session.token] {
        s.get("/api/v1/users/me", token)
            .await
            .problem(401, "unauthenticated");
        s.get(TEAM, token).await.problem(401, "unauthenticated");
    }
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "gone@team.example", "password": PASSWORD})),
        )
        .await;
    r.problem(401, "unauthenticated");
    let list = team(&s, &admin.token).await;
    assert_eq!(list["total"], 1);
    assert_eq!(roles(&list), vec![(admin.user_id, "org_admin".to_string())]);
    s.delete(&member(gone.user_id), &admin.token)
        .await
        .problem(404, "not_found");
    // The address is free again: the person can start an organisation of their own.
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "gone@team.example", "password": PASSWORD})),
        )
        .await;
    r.ok(201);
}

/// Who may read and change the team: role first (403 `forbidden`), then an API key's scope
/// (403 `insufficient_scope`).
#[tokio::test(flavor = "multi_thread")]
async fn team_permissions_by_role_and_scope() {
    let s = TestServer::start().await;
    let admin = s.register("perm@team.example", "Perm").await;
    let recruiter = s
        .seed_member(admin.org_id, "recruiter@team.example", Role::Recruiter)
        .await;
    let talent = s
        .seed_member(admin.org_id, "talent@team.example", Role::Talent)
        .await;
    let target = recruiter.user_id;
    let (_, recruiter_key) = s
        .mint_key(
            &admin,
            "recruiter key",
            "recruiter",
            &["team:read", "team:write"],
        )
        .await;
    let (_, admin_read_key) = s
        .mint_key(&admin, "admin reader", "org_admin", &["team:read"])
        .await;
    let (_, admin_write_key) = s
        .mint_key(&admin, "admin writer", "org_admin", &["team:write"])
        .await;
    let (_, jobs_key) = s
        .mint_key(&admin, "jobs only", "org_admin", &["jobs:read"])
        .await;

    struct Case<'a> {
        who: &'a str,
        token: &'a str,
        list: u16,
        change: (u16, &'a str),
    }
    let cases = [
        Case {
            who: "org_admin session",
            token: &admin.token,
            list: 200,
            change: (200, ""),
        },
        Case {
            who: "recruiter session",
            token: &recruiter.token,
            list: 200,
            change: (403, "forbidden"),
        },
        Case {
            who: "talent session",
            token: &talent.token,
            list: 403,
            change: (403, "forbidden"),
        },
        Case {
            who: "recruiter key",
            token: &recruiter_key,
            list: 200,
            change: (403, "forbidden"),
        },
        Case {
            who: "org_admin key with team:read",
            token: &admin_read_key,
            list: 200,
            change: (403, "insufficient_scope"),
        },
        Case {
            who: "org_admin key with team:write",
            token: &admin_write_key,
            list: 403,
            change: (200, ""),
        },
        Case {
            who: "org_admin key with jobs:read",
            token: &jobs_key,
            list: 403,
            change: (403, "insufficient_scope"),
        },
    ];
    for c in &cases {
        let r = s.get(TEAM, c.token).await;
        assert_eq!(r.status.as_u16(), c.list, "{}: list: {}", c.who, r.text);
        if c.list == 403 {
            let code = if c.token.starts_with("hb_") {
                "insufficient_scope"
            } else {
                "forbidden"
            };
            r.problem(403, code);
        } else {
            assert!(r.body["total"].as_u64().unwrap() >= 2, "{}", c.who);
        }
        let r = s
            .patch(&member(target), c.token, json!({"role": "recruiter"}))
            .await;
        match c.change {
            (200, _) => assert_eq!(r.ok(200)["role"], "recruiter", "{}", c.who),
            (status, code) => {
                let p = r.problem(status, code);
                assert!(
                    p["detail"].as_str().unwrap().len() > 10,
                    "{}: {}",
                    c.who,
                    r.text
                );
                s.delete(&member(target), c.token)
                    .await
                    .problem(status, code);
            }
        }
    }
    // Nobody without the right removed or changed anyone.
    let list = team(&s, &admin.token).await;
    assert_eq!(list["total"], 3);
    assert!(roles(&list).contains(&(target, "recruiter".to_string())));
}

/// Two org_admins demoting each other at once: the rule holds under the race, exactly one
/// org_admin is left.
#[tokio::test(flavor = "multi_thread")]
async fn racing_demotions_keep_one_org_admin() {
    for round in 0..3 {
        let s = TestServer::start().await;
        let a = s.register(&format!("a{round}@race.example"), "Race").await;
        let b = s
            .seed_member(a.org_id, &format!("b{round}@race.example"), Role::OrgAdmin)
            .await;
        let demote = |by: &str, whom: u64| {
            let req = reqwest::Client::new()
                .patch(s.url(&member(whom)))
                .bearer_auth(by)
                .json(&json!({"role": "recruiter"}));
            tokio::spawn(async move { crate::common::reply(req.send().await.unwrap()).await })
        };
        let (ra, rb) = (demote(&a.token, b.user_id), demote(&b.token, a.user_id));
        let (ra, rb) = (ra.await.unwrap(), rb.await.unwrap());
        let statuses = [ra.status.as_u16(), rb.status.as_u16()];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{ra:?} {rb:?}"
        );
        for r in [&ra, &rb].into_iter().filter(|r| r.status != 200) {
            let code = if r.status == 403 {
                "forbidden"
            } else {
                "business_rule"
            };
            r.problem(r.status.as_u16(), code);
        }
        let winner = if ra.status == 200 { &a } else { &b };
        let list = team(&s, &winner.token).await;
        let admins = roles(&list)
            .into_iter()
            .filter(|(_, role)| role == "org_admin")
            .count();
        assert_eq!(admins, 1, "{list}");
    }
}
