//! `/careers/{slug}`: an organisation's branded careers page, rendered on the server, with an
//! apply form that works without JavaScript.

use std::fmt::Write as _;
use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::{Form, Multipart, Path, Query};
use poem::{FromRequest, Request, Response, handler};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::careers::{self, CareersApplication, PublicJob};
use crate::domain::tenants::Tenant;
use crate::domain::uploads::Incoming;
use crate::error::{Code, Error};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    applied: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ApplyForm {
    job_id: u64,
    full_name: String,
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    experience_years: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    linkedin_url: String,
    #[serde(default)]
    message: String,
    /// The privacy-notice checkbox (`true` when ticked).
    #[serde(default)]
    consent: String,
}

fn state(req: &Request) -> &Arc<AppState> {
    req.data::<Arc<AppState>>().expect("state")
}

/// The organisation a careers address names; `None` when it names none (the caller answers
/// with the HTML "no such careers page": a person followed that link, not a program).
fn tenant_at(state: &AppState, slug: &str) -> poem::Result<Option<Tenant>> {
    match careers::tenant_by_slug(&state.store, slug) {
        Ok(tenant) => Ok(Some(tenant)),
        Err(e) if e.code == Code::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[handler]
pub fn page(
    req: &Request,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> poem::Result<Response> {
    let state = state(req);
    let Some(tenant) = tenant_at(state, &slug)? else {
        return Ok(not_found_page(&state.ui.url("careers.css")));
    };
    let jobs = careers::tenant_jobs(&state.store, &state.indexer.search, &tenant)?;
    let notice = q
        .applied
        .map(|_| Notice::Ok("Thank you — your application was received.".into()));
    Ok(render(
        &state.ui.url("careers.css"),
        &tenant,
        &jobs,
        notice,
        None,
        StatusCode::OK,
    ))
}

/// The form as sent: urlencoded, or multipart with an optional `resume` file.
async fn read_form(req: &Request, body: poem::Body) -> poem::Result<(ApplyForm, Option<Incoming>)> {
    let incomplete = |e: &dyn std::fmt::Display| {
        Error::new(
            Code::Validation,
            format!("The application form is incomplete: {e}"),
        )
    };
    let mut body = poem::RequestBody::new(body);
    if !req
        .content_type()
        .is_some_and(|ct| ct.starts_with("multipart/"))
    {
        let Form(form) = Form::<ApplyForm>::from_request(req, &mut body)
            .await
            .map_err(|e| incomplete(&e))?;
        return Ok((form, None));
    }
    let mut multipart = Multipart::from_request(req, &mut body)
        .await
        .map_err(|e| incomplete(&e))?;
    let mut form = ApplyForm::default();
    let mut job_id = None;
    let mut resume = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| incomplete(&e))? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "resume" {
            let filename = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| incomplete(&e))?;
            // A file input left empty sends a part with no name and no bytes.
            if !bytes.is_empty() {
                resume = Some(Incoming { filename, bytes });
            }
            continue;
        }
        let value = field.text().await.map_err(|e| incomplete(&e))?;
        match name.as_str() {
            "job_id" => job_id = value.trim().parse::<u64>().ok(),
            "full_name" => form.full_name = value,
            "email" => form.email = value,
            "phone" => form.phone = value,
            "experience_years" => form.experience_years = value,
            "skills" => form.skills = value,
            "linkedin_url" => form.linkedin_url = value,
            "message" => form.message = value,
            _ => {}
        }
    }
    form.job_id = job_id.ok_or_else(|| incomplete(&"job_id is missing"))?;
    Ok((form, resume))
}

#[handler]
pub async fn apply(
    req: &Request,
    Path(slug): Path<String>,
    body: poem::Body,
) -> poem::Result<Response> {
    let state = state(req).clone();
    let css = state.ui.url("careers.css");
    let Some(tenant) = tenant_at(&state, &slug)? else {
        return Ok(not_found_page(&css));
    };
    let (form, resume) = read_form(req, body).await?;
    let jobs = careers::tenant_jobs(&state.store, &state.indexer.search, &tenant)?;
    if !jobs.iter().any(|j| j.id == form.job_id) {
        let notice = Notice::Err(
            "That position is no longer open, so the application was not sent. The open positions are listed below."
                .into(),
        );
        return Ok(render(
            &css,
            &tenant,
            &jobs,
            Some(notice),
            None,
            StatusCode::NOT_FOUND,
        ));
    }
    let experience = form.experience_years.trim();
    let experience_years = if experience.is_empty() {
        None
    } else {
        match experience.parse::<u32>() {
            Ok(y) => Some(y),
            Err(_) => {
                let notice = Notice::Err("Years of experience must be a whole number.".into());
                return Ok(render(
                    &css,
                    &tenant,
                    &jobs,
                    Some(notice),
                    Some(&form),
                    StatusCode::BAD_REQUEST,
                ));
            }
        }
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = CareersApplication {
        job_id: form.job_id,
        full_name: form.full_name.clone(),
        email: form.email.clone(),
        phone: opt(&form.phone),
        experience_years,
        skills: opt(&form.skills).map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        }),
        linkedin_url: opt(&form.linkedin_url),
        message: opt(&form.message),
        consent: Some(form.consent == "true"),
    };
    let ip = req
        .extensions()
        .get::<Arc<crate::http::context::RequestCtx>>()
        .and_then(|c| c.ip.clone());
    let public_url = state.config.effective_public_url();
    let max = state.config.limits.upload_max_bytes;
    let applied = match resume {
        Some(file) => match careers::read_resume(&state.extractor, file, max).await {
            Ok(resume) => Ok(Some(resume)),
            Err(e) => Err(e),
        },
        None => Ok(None),
    };
    let applied = match applied {
        Ok(resume) => {
            careers::apply(&state.store, &state.indexer, input, resume, ip, &public_url).await
        }
        Err(e) => Err(e),
    };
    match applied {
        Ok(_) => Ok(Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(
                header::LOCATION,
                format!("/careers/{}?applied={}", tenant.slug, form.job_id),
            )
            .finish()),
        Err(e)
            if matches!(
                e.code,
                Code::Validation | Code::UnsupportedMediaType | Code::PayloadTooLarge
            ) =>
        {
            let detail = if e.errors.is_empty() {
                e.detail.clone()
            } else {
                e.errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field.replace('_', " "), f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            Ok(render(
                &css,
                &tenant,
                &jobs,
                Some(Notice::Err(detail)),
                Some(&form),
                StatusCode::BAD_REQUEST,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

enum Notice {
    Ok(String),
    Err(String),
}

/// Machine words of free-text job fields said for people: `full_time` → "Full-time",
/// `onsite` → "On-site"; other words lose their underscores, and text a person typed stays.
fn humanize(value: &str) -> String {
    let key = value.trim().to_lowercase().replace(['-', ' '], "_");
    let known = match key.as_str() {
        "full_time" => "Full-time",
        "part_time" => "Part-time",
        "contract" => "Contract",
        "internship" => "Internship",
        "temporary" => "Temporary",
        "freelance" => "Freelance",
        "onsite" | "on_site" => "On-site",
        "hybrid" => "Hybrid",
        "remote" => "Remote",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let machine = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !machine || value.is_empty() {
        return value.trim().to_string();
    }
    let words = value.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `60000` → "60,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// An amount in a currency: "€60,000", "$120,000", "CHF 90,000" (the code when it has no sign).
fn money(amount: u64, currency: Option<&str>) -> String {
    let code = currency
        .map(|c| c.trim().to_uppercase())
        .unwrap_or_default();
    let sign = match code.as_str() {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" | "CNY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        "ILS" => "₪",
        "NGN" => "₦",
        "PHP" => "₱",
        "UAH" => "₴",
        "VND" => "₫",
        "TRY" => "₺",
        _ => "",
    };
    match (sign, code.is_empty()) {
        ("", true) => thousands(amount),
        ("", false) => format!("{code} {}", thousands(amount)),
        (sign, _) => format!("{sign}{}", thousands(amount)),
    }
}

/// "€60,000 – €80,000", "From €60,000", "Up to €80,000", or nothing without either end.
fn salary(min: Option<u64>, max: Option<u64>, currency: Option<&str>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(money(a, currency)),
        (Some(a), Some(b)) => Some(format!("{} – {}", money(a, currency), money(b, currency))),
        (Some(a), None) => Some(format!("From {}", money(a, currency))),
        (None, Some(b)) => Some(format!("Up to {}", money(b, currency))),
        (None, None) => None,
    }
}

const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; script-src 'none'; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn html(status: StatusCode, csp: &str, body: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::CONTENT_SECURITY_POLICY, csp)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "same-origin")
        .body(body)
}

/// The page for a careers address that names no organisation.
fn not_found_page(css: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Careers page not found</title><link rel=\"stylesheet\" href=\"{css}\"></head><body>\
         <header class=\"hero\"><div class=\"wrap\"><h1>Careers page not found</h1></div></header>\
         <main class=\"wrap\"><p class=\"empty\">There is no careers page at this address. \
         The organisation may have changed its name, or the link may be mistyped. \
         Ask the organisation for its current careers page.</p></main>\
         <footer class=\"wrap\">Powered by hirebase</footer></body></html>",
        css = esc(css),
    );
    html(StatusCode::NOT_FOUND, PAGE_CSP, body)
}

fn render(
    css: &str,
    tenant: &Tenant,
    jobs: &[PublicJob],
    notice: Option<Notice>,
    form: Option<&ApplyForm>,
    status: StatusCode,
) -> Response {
    let nonce = format!("{:016x}", rand::random::<u64>());
    let brand = tenant.brand_color.as_deref().unwrap_or("#4f46e5");
    let mut h = String::with_capacity(8 * 1024);
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Careers at {name}</title><link rel=\"stylesheet\" href=\"{css}\">\
         <style nonce=\"{nonce}\">:root{{--brand:{brand}}}</style></head><body>\
         <header class=\"hero\"><div class=\"wrap\"><h1>Careers at {name}</h1>{tagline}</div></header><main class=\"wrap\">",
        name = esc(&tenant.name),
        css = esc(css),
        brand = esc(brand),
        tagline = tenant
            .tagline
            .as_deref()
            .map(|t| format!("<p class=\"tagline\">{}</p>", esc(t)))
            .unwrap_or_default(),
    );
    match &notice {
        Some(Notice::Ok(m)) => {
            let _ = write!(h, "<p class=\"notice ok\" role=\"status\">{}</p>", esc(m));
        }
        Some(Notice::Err(m)) => {
            let _ = write!(h, "<p class=\"notice err\" role=\"alert\">{}</p>", esc(m));
        }
        None => {}
    }
    if jobs.is_empty() {
        h.push_str(
            "<p class=\"empty\">There are no open positions right now. Please check back soon.</p>",
        );
    }
    let _ = write!(
        h,
        "<p class=\"count\">{} open position{}</p>",
        jobs.len(),
        if jobs.len() == 1 { "" } else { "s" }
    );
    // While the organisation has a privacy notice, applying means accepting it.
    let consent_box = tenant
        .privacy_notice
        .as_ref()
        .map(|n| {
            format!(
                "<label class=\"consent\"><input type=\"checkbox\" name=\"consent\" value=\"true\" required> \
                 I have read and accept the <a href=\"#privacy\">privacy notice</a> (version {})</label>",
                esc(&n.version)
            )
        })
        .unwrap_or_default();
    for job in jobs {
        let prefill = form.filter(|f| f.job_id == job.id);
        let val = |get: fn(&ApplyForm) -> &str| prefill.map(|f| esc(get(f))).unwrap_or_default();
        let mut facts = Vec::new();
        if let Some(location) = &job.location {
            facts.push(esc(location));
        }
        for term in [&job.remote_option, &job.employment_type]
            .into_iter()
            .flatten()
        {
            facts.push(esc(&humanize(term)));
        }
        if let Some(department) = &job.department {
            facts.push(esc(department));
        }
        if let Some(pay) = salary(job.salary_min, job.salary_max, job.currency.as_deref()) {
            facts.push(format!("<span class=\"salary\">{}</span>", esc(&pay)));
        }
        let _ = write!(
            h,
            "<article class=\"job\" id=\"job-{id}\"><h2>{title}</h2><p class=\"facts\">{facts}</p>",
            id = job.id,
            title = esc(&job.title),
            facts = facts.join(" · "),
        );
        if let Some(d) = &job.description {
            for para in d.split("\n\n") {
                let _ = write!(h, "<p>{}</p>", esc(para.trim()));
            }
        }
        if !job.required_skills.is_empty() {
            let skills: Vec<String> = job
                .required_skills
                .iter()
                .map(|s| format!("<li>{}</li>", esc(s)))
                .collect();
            let _ = write!(h, "<ul class=\"skills\">{}</ul>", skills.join(""));
        }
        let open = if prefill.is_some() { " open" } else { "" };
        let _ = write!(
            h,
            "<details{open}><summary>Apply for this role</summary>\
             <form method=\"post\" action=\"/careers/{slug}/apply\" class=\"apply\" enctype=\"multipart/form-data\">\
             <input type=\"hidden\" name=\"job_id\" value=\"{id}\">\
             <label>Full name<input name=\"full_name\" required maxlength=\"200\" autocomplete=\"name\" value=\"{full_name}\"></label>\
             <label>Email<input name=\"email\" type=\"email\" required autocomplete=\"email\" value=\"{email}\"></label>\
             <label>Phone<input name=\"phone\" type=\"tel\" autocomplete=\"tel\" value=\"{phone}\"></label>\
             <label>Years of experience<input name=\"experience_years\" inputmode=\"numeric\" value=\"{years}\"></label>\
             <label>Skills (comma-separated)<input name=\"skills\" value=\"{skills}\"></label>\
             <label>LinkedIn URL<input name=\"linkedin_url\" type=\"url\" value=\"{linkedin}\"></label>\
             <label>Message<textarea name=\"message\" rows=\"4\" maxlength=\"5000\">{message}</textarea></label>\
             <label>Resume (PDF, DOCX, ODT, RTF or TXT)<input name=\"resume\" type=\"file\" accept=\".pdf,.doc,.docx,.odt,.rtf,.txt,application/pdf\"></label>\
             {consent}<button type=\"submit\">Send application</button></form></details></article>",
            slug = esc(&tenant.slug),
            id = job.id,
            full_name = val(|f| &f.full_name),
            email = val(|f| &f.email),
            phone = val(|f| &f.phone),
            years = val(|f| &f.experience_years),
            skills = val(|f| &f.skills),
            linkedin = val(|f| &f.linkedin_url),
            message = val(|f| &f.message),
            consent = consent_box,
        );
    }
    if let Some(n) = &tenant.privacy_notice {
        let _ = write!(
            h,
            "<section class=\"privacy\" id=\"privacy\"><h2>Privacy notice</h2>\
             <p class=\"version\">Version {}</p>",
            esc(&n.version)
        );
        for para in n.text.split("\n\n") {
            let _ = write!(h, "<p>{}</p>", esc(para.trim()));
        }
        h.push_str("</section>");
    }
    h.push_str("</main><footer class=\"wrap\">Powered by hirebase</footer></body></html>");
    let csp = PAGE_CSP.replacen(
        "default-src 'self';",
        &format!("default-src 'self'; style-src 'self' 'nonce-{nonce}';"),
        1,
    );
    html(status, &csp, h)
}

#[cfg(test)]
mod tests {
    use super::{esc, humanize, salary};

    #[test]
    fn says_job_terms_and_pay_for_people() {
        assert_eq!(humanize("full_time"), "Full-time");
        assert_eq!(humanize("Full-time"), "Full-time");
        assert_eq!(humanize("onsite"), "On-site");
        assert_eq!(humanize("four_day_week"), "Four day week");
        assert_eq!(humanize("Remote (EU time zones)"), "Remote (EU time zones)");
        assert_eq!(
            salary(Some(60_000), Some(80_000), Some("EUR")).as_deref(),
            Some("€60,000 – €80,000")
        );
        assert_eq!(
            salary(Some(1_250_000), None, Some("usd")).as_deref(),
            Some("From $1,250,000")
        );
        assert_eq!(
            salary(None, Some(90_000), Some("CHF")).as_deref(),
            Some("Up to CHF 90,000")
        );
        assert_eq!(salary(Some(500), Some(500), None).as_deref(), Some("500"));
        assert_eq!(salary(None, None, Some("EUR")), None);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
