//! The admin UI in a real browser: headless Chromium driven through chromedriver (WebDriver).
//! Needs `chromium` and `chromium-driver` (`scripts/test` installs them); `CHROME` and
//! `CHROMEDRIVER` point elsewhere. Set `HIREBASE_UI_SCREENSHOTS=DIR` to keep a PNG per step.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::{PASSWORD, TestServer, eventually};

const INSTALL_HINT: &str = "run `scripts/test`, which installs chromium and chromium-driver";

/// A chromedriver process in its own process group; dropping it kills the group, so no
/// browser outlives a failed test.
struct Chromedriver {
    child: Child,
    url: String,
    _profile: TempDir,
    profile_dir: PathBuf,
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found (set {var} to override): {INSTALL_HINT}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chromedriver() -> Chromedriver {
    use std::os::unix::process::CommandExt;

    let path = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = free_port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}; {INSTALL_HINT}", path.display()));
    let profile = tempfile::tempdir().expect("browser profile dir");
    let profile_dir = profile.path().to_path_buf();
    let driver = Chromedriver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
        profile_dir,
    };
    eventually("chromedriver accepts connections", || async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    driver
}

async fn open_browser(driver: &Chromedriver) -> Client {
    let chrome = binary("CHROME", "/usr/bin/chromium");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chrome,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900",
                format!("--user-data-dir={}", driver.profile_dir.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start {}: {e}", chrome.display()))
}

/// Polls the page until `css` exists and its text satisfies `ok`; returns that text.
async fn wait_for_text(
    client: &Client,
    css: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if ok(&text) {
                return text;
            }
            last = Some(text);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "timed out waiting until {what} (`{css}` text: {last:?}; page at {:?})",
        client.current_url().await.ok()
    );
}

async fn fill(client: &Client, css: &str, text: &str) {
    let el = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into `{css}`: {e}"));
}

/// Clicks the element at `css`, finding it again if the page re-rendered it in between
/// (search results that update as you type do). It is scrolled to the middle of the window
/// first, away from the toasts in the corner; a click one still intercepts is tried again.
async fn click(client: &Client, css: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let el = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
        let centre = "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});";
        let _ = client
            .execute(
                centre,
                vec![serde_json::to_value(&el).expect("element reference")],
            )
            .await;
        match el.click().await {
            Ok(()) => return,
            Err(e)
                if (e.to_string().contains("stale element")
                    || e.to_string().contains("click intercepted"))
                    && std::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(e) => panic!("clicking `{css}`: {e}"),
        }
    }
}

/// The page's count of Content-Security-Policy violations (app.js keeps it on `<html>`).
async fn csp_violations(client: &Client) -> String {
    let count = client
        .execute(
            "return document.documentElement.dataset.cspViolations || '0';",
            vec![],
        )
        .await
        .expect("run script");
    count.as_str().unwrap_or_default().to_string()
}

/// Picks an `<option>` of the `<select>` at `css` by its value, as a user would.
async fn choose(client: &Client, css: &str, value: &str) {
    let el = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}`: {e}"));
    el.select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choosing `{value}` in `{css}`: {e}"));
}

/// Polls until an element matches `css` (for things without text, such as SVG shapes).
async fn wait_for_element(client: &Client, css: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if client.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "timed out waiting until {what} (no `{css}`; page at {:?})",
        client.current_url().await.ok()
    );
}

/// Polls until the address bar's `#fragment` satisfies `ok`; returns it.
async fn wait_for_route(client: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(url) = client.current_url().await {
            let fragment = url.fragment().unwrap_or_default().to_string();
            if ok(&fragment) {
                return fragment;
            }
            last = Some(fragment);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting until {what} (route: {last:?})");
}

/// The record id at the end of a route such as `/jobs/12`.
fn route_id(fragment: &str) -> u64 {
    let id = fragment
        .split('?')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    id.parse()
        .unwrap_or_else(|_| panic!("no record id in route {fragment:?}"))
}

/// A browser on a fresh profile, with the chromedriver that drives it (keep both alive).
async fn open_ui() -> (Chromedriver, Client) {
    let driver = start_chromedriver().await;
    let client = open_browser(&driver).await;
    (driver, client)
}

/// Signs in through the sign-in form and waits for the header to name the user.
async fn sign_in(
    client: &Client,
    s: &TestServer,
    email: &str,
    full_name: &str,
    shot: Option<&str>,
) {
    client.goto(&s.base).await.expect("open the UI");
    fill(client, "#login-email", email).await;
    if let Some(name) = shot {
        screenshot(client, name).await;
    }
    fill(client, "#login-password", PASSWORD).await;
    click(client, "#login-submit").await;
    wait_for_text(
        client,
        "#current-user-name",
        "the header names the signed-in user",
        |t| t == full_name,
    )
    .await;
}

async fn screenshot(client: &Client, name: &str) {
    let Some(dir) = std::env::var_os("HIREBASE_UI_SCREENSHOTS") else {
        return;
    };
    let png = client.screenshot().await.expect("screenshot");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write screenshot");
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_signs_in_and_mints_an_api_key_shown_once() {
    let _turn = crate::common::heavy().await;
    let s = TestServer::start().await;
    let email = "ada@example.com";
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": email, "password": PASSWORD, "org_name": "Analytical Engines", "full_name": "Ada Lovelace"})),
        )
        .await;
    r.ok(201);

    let (_driver, client) = open_ui().await;

    // Signed out, the app lands on the sign-in form.
    sign_in(&client, &s, email, "Ada Lovelace", Some("01-login")).await;
    screenshot(&client, "02-signed-in").await;

    // Mint a key: the raw token is shown once.
    click(&client, "a[data-nav='api-keys']").await;
    fill(&client, "#api-key-name", "Careers site sync").await;
    for scope in [
        "#scope-jobs-read",
        "#scope-candidates-read",
        "#scope-team-read",
    ] {
        click(&client, scope).await;
    }
    screenshot(&client, "03-api-keys-form").await;
    click(&client, "#api-key-submit").await;
    let token = wait_for_text(
        &client,
        "#new-api-key-token",
        "the new key's token is shown",
        |t| t.starts_with("hb_"),
    )
    .await;
    screenshot(&client, "04-api-key-token").await;
    let prefix = &token[..11];
    wait_for_text(&client, "#api-keys-table", "the new key is listed", |t| {
        t.contains(prefix)
    })
    .await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    // The token shown is the real thing: it reads the team with the scope it was given.
    let team = s.get("/api/v1/team", &token).await;
    assert_eq!(team.ok(200)["items"][0]["full_name"], "Ada Lovelace");

    // After a reload the token is gone for good; the key is listed by its prefix only.
    client.refresh().await.expect("reload");
    let listed = wait_for_text(
        &client,
        "#api-keys-table",
        "the key is listed after a reload",
        |t| t.contains(prefix),
    )
    .await;
    assert!(
        !listed.contains(&token),
        "the full token must not be listed"
    );
    let boxes = client
        .find_all(Locator::Css("#new-api-key-token"))
        .await
        .expect("query the page");
    assert!(boxes.is_empty(), "the token box must not survive a reload");
    let page = client.source().await.expect("page source");
    assert!(
        !page.contains(&token),
        "the raw token must not appear anywhere after a reload"
    );
    screenshot(&client, "05-api-keys-after-reload").await;

    // Signing out returns to the sign-in form, and the session cookie stops working.
    click(&client, "#sign-out").await;
    wait_for_text(&client, "#login-submit", "the sign-in form is back", |t| {
        t == "Sign in"
    })
    .await;
    let me = client
        .execute(
            "return fetch('/api/v1/users/me', {credentials: 'same-origin'}).then((r) => r.status);",
            vec![],
        )
        .await
        .expect("run script");
    assert_eq!(me, json!(401), "the session must end on sign-out");
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    client.close().await.expect("close the browser");
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_creates_job_adds_candidate_and_moves_it_to_screening() {
    let _turn = crate::common::heavy().await;
    let started = Instant::now();
    let s = TestServer::start().await;
    let email = "grace@example.com";
    let r = s
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": email, "password": PASSWORD, "org_name": "Compilers Inc", "full_name": "Grace Hopper"})),
        )
        .await;
    r.ok(201);
    let api = s.login(email, PASSWORD).await;

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, email, "Grace Hopper", None).await;

    // People who hire land on the dashboard; from the jobs, a new job opens its (empty) pipeline.
    wait_for_route(&client, "people who hire land on the dashboard", |f| {
        f == "/dashboard"
    })
    .await;
    click(&client, "a[data-nav='jobs']").await;
    click(&client, "#new-job-button").await;
    fill(&client, "#job-title", "Compiler Engineer").await;
    fill(&client, "#job-department", "Languages").await;
    fill(&client, "#job-location", "Arlington").await;
    screenshot(&client, "11-new-job").await;
    click(&client, "#job-submit").await;
    let route = wait_for_route(&client, "the new job's page opens", |f| {
        f.starts_with("/jobs/")
    })
    .await;
    let job_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the job page shows its title",
        |t| t == "Compiler Engineer",
    )
    .await;
    wait_for_text(
        &client,
        "#stage-sourced .stage-count",
        "the board is empty",
        |t| t == "0",
    )
    .await;

    // A candidate through the form; it lands on their page.
    click(&client, "a[data-nav='candidates']").await;
    click(&client, "#new-candidate-button").await;
    fill(&client, "#candidate-full-name", "Katherine Johnson").await;
    fill(&client, "#candidate-email", "katherine@example.com").await;
    fill(&client, "#candidate-title", "Mathematician").await;
    fill(&client, "#candidate-company", "NASA").await;
    fill(&client, "#candidate-skills", "Orbital mechanics, FORTRAN").await;
    screenshot(&client, "12-new-candidate").await;
    click(&client, "#candidate-submit").await;
    let route = wait_for_route(&client, "the new candidate's page opens", |f| {
        f.starts_with("/candidates/")
    })
    .await;
    let candidate_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the candidate page shows the name",
        |t| t == "Katherine Johnson",
    )
    .await;

    // Back to the job's board, and into its pipeline by searching as you type.
    click(&client, "a[data-nav='jobs']").await;
    click(
        &client,
        &format!("#jobs-table tr[data-job-id='{job_id}'] a.row-title"),
    )
    .await;
    wait_for_text(
        &client,
        ".page-title",
        "the job page opens from the list",
        |t| t == "Compiler Engineer",
    )
    .await;
    click(&client, "#add-to-pipeline-button").await;
    fill(&client, "#pipeline-search", "kath").await;
    wait_for_text(
        &client,
        "#pipeline-results",
        "the search finds the candidate",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    click(
        &client,
        &format!("#pipeline-results button[data-candidate-id='{candidate_id}']"),
    )
    .await;
    let card = format!("#stage-sourced .app-card[data-candidate-id='{candidate_id}']");
    wait_for_text(&client, &card, "the card is in Sourced", |t| {
        t.contains("Katherine Johnson") && t.contains("Mathematician at NASA")
    })
    .await;
    wait_for_text(
        &client,
        "#job-applicants",
        "the job counts one applicant",
        |t| t == "1",
    )
    .await;
    screenshot(&client, "13-board-added").await;

    // The card's stage control moves it (the keyboard's way; drag and drop calls the same move).
    choose(&client, &format!("{card} .stage-select"), "screening").await;
    wait_for_text(
        &client,
        &format!("#stage-screening .app-card[data-candidate-id='{candidate_id}']"),
        "the card is in Screening",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    wait_for_text(
        &client,
        "#stage-screening .stage-count",
        "Screening counts one",
        |t| t == "1",
    )
    .await;
    wait_for_text(
        &client,
        "#stage-sourced .stage-count",
        "Sourced is empty again",
        |t| t == "0",
    )
    .await;
    screenshot(&client, "14-board-moved").await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    // The server agrees: one application, in screening, with the move in its history.
    let apps = s
        .get(&format!("/api/v1/applications?job_id={job_id}"), &api.token)
        .await;
    let apps = apps.ok(200);
    assert_eq!(apps["total"], 1, "{apps}");
    let app = &apps["items"][0];
    assert_eq!(app["candidate_id"], candidate_id);
    assert_eq!(app["status"], "screening", "{app}");
    let history = s
        .get(
            &format!("/api/v1/applications/{}/history", app["id"]),
            &api.token,
        )
        .await;
    let moves: Vec<(Value, Value, Value)> = history.ok(200)["items"]
        .as_array()
        .expect("history items")
        .iter()
        .map(|c| (c["from"].clone(), c["to"].clone(), c["by"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, json!("sourced"), json!(email)),
            (json!("sourced"), json!("screening"), json!(email))
        ]
    );

    client.close().await.expect("close the browser");
    eprintln!("recruiter flow through the UI took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread")]
async fn recruiter_schedules_interview_adds_scorecard_and_sees_dashboard_chart() {
    let _turn = crate::common::heavy().await;
    let started = Instant::now();
    let s = TestServer::start().await;
    let admin = s.register("ada@example.com", "Mission Control").await;
    let recruiter = s
        .seed_member(
            admin.org_id,
            "dorothy@example.com",
            hirebase::auth::Role::Recruiter,
        )
        .await;

    // The job and the candidate come through the API: this test is about what follows.
    let job = s
        .post(
            "/api/v1/jobs",
            &admin.token,
            json!({"title": "Flight Software Engineer", "status": "open"}),
        )
        .await;
    let job_id = job.ok(201)["id"].as_u64().expect("job id");
    let person = s
        .post("/api/v1/candidates", &admin.token, json!({"full_name": "Katherine Johnson", "email": "katherine@example.com", "source": "referral"}))
        .await;
    let candidate_id = person.ok(201)["id"].as_u64().expect("candidate id");

    let (_driver, client) = open_ui().await;
    sign_in(&client, &s, &recruiter.email, "dorothy", None).await;
    wait_for_route(&client, "a recruiter lands on the dashboard", |f| {
        f == "/dashboard"
    })
    .await;

    // Schedule through the form: find the candidate by typing, take the suggested time (tomorrow, 10:00).
    click(&client, "a[data-nav='interviews']").await;
    click(&client, "#schedule-interview-button").await;
    fill(&client, "#interview-candidate-search", "kath").await;
    wait_for_text(
        &client,
        "#interview-candidate-results",
        "the search finds the candidate",
        |t| t.contains("Katherine Johnson"),
    )
    .await;
    click(
        &client,
        &format!("#interview-candidate-results button[data-candidate-id='{candidate_id}']"),
    )
    .await;
    wait_for_element(
        &client,
        &format!("#interview-job option[value='{job_id}']"),
        "the open job is offered",
    )
    .await;
    choose(&client, "#interview-job", &job_id.to_string()).await;
    choose(&client, "#interview-kind", "technical").await;
    fill(
        &client,
        "#interview-location",
        "https://meet.example.com/kj",
    )
    .await;
    screenshot(&client, "21-schedule-interview").await;
    click(&client, "#interview-submit").await;
    let route = wait_for_route(&client, "the new interview's page opens", |f| {
        f.starts_with("/interviews/")
    })
    .await;
    let interview_id = route_id(&route);
    wait_for_text(
        &client,
        ".page-title",
        "the interview page names the candidate",
        |t| t == "Interview with Katherine Johnson",
    )
    .await;
    wait_for_text(
        &client,
        "#interview-status",
        "the interview is scheduled",
        |t| t == "Scheduled",
    )
    .await;

    // A scorecard through the form.
    fill(&client, "#scorecard-score", "87").await;
    choose(&client, "#scorecard-recommendation", "strong_hire").await;
    fill(&client, "#scorecard-notes", "Clear on orbital mechanics.").await;
    click(&client, "#scorecard-submit").await;
    wait_for_text(&client, "#scorecards", "the scorecard is listed", |t| {
        t.contains("87") && t.contains("Strong hire") && t.contains("dorothy")
    })
    .await;
    screenshot(&client, "22-scorecard").await;

    // The server has it, and scheduling put the candidate at Interview in the job's pipeline.
    let interview = s
        .get(&format!("/api/v1/interviews/{interview_id}"), &admin.token)
        .await;
    let interview = interview.ok(200);
    assert_eq!(
        (
            interview["candidate_id"].as_u64(),
            interview["job_id"].as_u64()
        ),
        (Some(candidate_id), Some(job_id)),
        "{interview}"
    );
    assert_eq!(interview["kind"], "technical", "{interview}");
    assert_eq!(
        interview["location_or_url"], "https://meet.example.com/kj",
        "{interview}"
    );
    let cards = interview["scorecards"].as_array().expect("scorecards");
    assert_eq!(cards.len(), 1, "{interview}");
    assert_eq!(
        (&cards[0]["score"], &cards[0]["recommendation"]),
        (&json!(87), &json!("strong_hire")),
        "{interview}"
    );
    assert_eq!(cards[0]["interviewer"], "dorothy");
    assert_eq!(cards[0]["submitted_by"], "dorothy@example.com");
    let apps = s
        .get(
            &format!("/api/v1/applications?job_id={job_id}"),
            &admin.token,
        )
        .await;
    assert_eq!(
        apps.ok(200)["items"][0]["status"],
        "interview",
        "{}",
        apps.text
    );

    // The dashboard draws it: a bar of one in the funnel's Interview row, and the time-to-hire chart.
    click(&client, "a[data-nav='dashboard']").await;
    wait_for_element(
        &client,
        "#funnel-chart rect.bar[data-stage='interview'][data-count='1']",
        "the funnel has a bar for the interview",
    )
    .await;
    let width = client
        .execute("return document.querySelector(\"#funnel-chart rect.bar[data-stage='interview']\").getAttribute('width');", vec![])
        .await
        .expect("run script");
    assert!(
        width
            .as_str()
            .and_then(|w| w.parse::<f64>().ok())
            .is_some_and(|w| w > 0.0),
        "the interview bar has no length: {width}"
    );
    wait_for_element(
        &client,
        "#time-to-hire-chart[role='img'] title",
        "the time-to-hire chart is drawn",
    )
    .await;
    wait_for_text(
        &client,
        "#kpi-interviews",
        "the KPI counts the interview",
        |t| t == "1",
    )
    .await;
    screenshot(&client, "23-dashboard").await;
    assert_eq!(
        csp_violations(&client).await,
        "0",
        "the Content-Security-Policy blocked part of the UI"
    );

    client.close().await.expect("close the browser");
    eprintln!(
        "interview, scorecard and dashboard through the UI took {:?}",
        started.elapsed()
    );
}
