//! The outermost middleware: a request id on every response, body limits, every error as a
//! problem document, and the API-key usage log.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::Instant;

use poem::http::{HeaderValue, header};
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};
use tokio::io::{AsyncRead, ReadBuf};
use tracing::Instrument;

use super::explain::{Inputs, Sent};
use super::problem::{from_poem, render};
use super::rate_limit::{self, Admission};
use crate::app::AppState;
use crate::auth::Identity;
use crate::config::LimitsConfig;
use crate::domain::api_keys::PendingUse;
use crate::error::{Code, Error};
use crate::time::Timestamp;

pub const REQUEST_ID: &str = "x-request-id";

/// Facts about the request in flight, shared with the handlers through the extensions.
#[derive(Debug)]
pub struct RequestCtx {
    pub id: String,
    pub ip: Option<String>,
    api_key: OnceLock<(u64, u64)>,
    /// The credential the rate limiter resolved, and to whom: the endpoint reuses it.
    resolved: OnceLock<(String, Identity)>,
}

impl RequestCtx {
    /// Called by the authentication checker when the caller is an API key, so the request is
    /// written to that key's usage log once its status is known.
    pub fn used_api_key(&self, tenant_id: u64, key_id: u64) {
        let _ = self.api_key.set((tenant_id, key_id));
    }

    /// The identity already resolved for `token` in this request, if any.
    pub fn resolved(&self, token: &str) -> Option<&Identity> {
        self.resolved
            .get()
            .filter(|(t, _)| t == token)
            .map(|(_, identity)| identity)
    }
}

fn request_id(req: &Request) -> String {
    let incoming = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok());
    match incoming {
        Some(id)
            if (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
        {
            id.to_string()
        }
        _ => format!("{:016x}", rand::random::<u64>()),
    }
}

pub async fn handle<E: Endpoint>(
    state: Arc<AppState>,
    ep: Arc<E>,
    mut req: Request,
) -> poem::Result<Response> {
    let started = Instant::now();
    let ip = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let ctx = Arc::new(RequestCtx {
        id: request_id(&req),
        ip: ip.map(|ip| ip.to_string()),
        api_key: OnceLock::new(),
        resolved: OnceLock::new(),
    });
    let (admission, resolved) = rate_limit::admit(&state, &req, ip);
    if let Some(resolved) = resolved {
        let _ = ctx.resolved.set(resolved);
    }
    req.extensions_mut().insert(ctx.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_string();

    let admitted = match &admission {
        Admission::Refused { verdict, what } => Err(rate_limit::too_many(verdict, what)),
        _ => limit_body(&mut req, &state.config.limits).await,
    };
    let result = match admitted {
        Ok(overflow) => {
            let sent = Sent::keep(&mut req).await;
            // Every line logged while the request is served carries its id.
            let span = tracing::info_span!("request", request_id = %ctx.id);
            let served = ep
                .call(req)
                .instrument(span)
                .await
                .map(IntoResponse::into_response)
                .map_err(|e| (e, Some(sent)));
            // A streamed upload cut off at its limit answers 413, whatever the handler made
            // of the truncated body.
            match overflow {
                Some(over) if over.load(Ordering::Relaxed) => {
                    Err((too_large(&state.config.limits, true).into(), None))
                }
                _ => served,
            }
        }
        Err(e) => Err((e.into(), None)),
    };
    let route = match &result {
        Ok(response) => response.data::<PathPattern>(),
        Err((err, _)) => err.data::<PathPattern>(),
    }
    .map(|p| p.0.clone());
    let mut response = match result {
        Ok(response) => response,
        Err((err, sent)) => {
            let mut error = from_poem(err, |failure| match &sent {
                Some(sent) => state.routes.inputs.explain(sent, failure),
                None => vec![],
            });
            if error.code == Code::MethodNotAllowed {
                error.allow = state.routes.allow(&path);
            }
            if error.code == Code::Validation {
                state.routes.name_path_params(&path, &mut error);
            }
            if error.code == Code::Internal {
                tracing::error!(request_id = %ctx.id, %method, %path, error = %error, "request failed");
            }
            render(&error, Some(&ctx.id))
        }
    };
    if let Ok(v) = HeaderValue::from_str(&ctx.id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    admission.decorate(&mut response);
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let route = route.map(|pattern| state.routes.template(&pattern));
    state
        .metrics
        .observe(&method, route.as_deref(), status, elapsed.as_secs_f64());
    tracing::debug!(request_id = %ctx.id, %method, %path, status, micros = elapsed.as_micros() as u64, "request");
    if let Some(&(tenant_id, key_id)) = ctx.api_key.get() {
        state.usage.record(PendingUse {
            tenant_id,
            key_id,
            at: Timestamp::now(),
            method: method.to_string(),
            path,
            status,
            ip: ctx.ip.clone(),
        });
    }
    Ok(response)
}

/// Room for the multipart framing (boundaries, part headers, small text fields) around an
/// upload of `upload_max_bytes`: the file itself is held to the exact limit by its handler.
pub const MULTIPART_OVERHEAD: u64 = 64 << 10;

fn too_large(limits: &LimitsConfig, upload: bool) -> Error {
    let limit = if upload {
        limits.upload_max_bytes
    } else {
        limits.body_max_bytes
    };
    Error::new(
        Code::PayloadTooLarge,
        format!("The request body is larger than the {limit} bytes this server accepts."),
    )
}

/// 413 before a byte of an oversized body is read: by `Content-Length` when given, by
/// reading at most the limit when the body is chunked. Uploads (multipart) have their own
/// limit, and a chunked upload is not buffered: it streams through a counter that cuts it off
/// at the limit (then the returned flag is set).
async fn limit_body(
    req: &mut Request,
    limits: &LimitsConfig,
) -> Result<Option<Arc<AtomicBool>>, Error> {
    let is_upload = req
        .content_type()
        .is_some_and(|ct| ct.starts_with("multipart/"));
    let limit = if is_upload {
        limits.upload_max_bytes + MULTIPART_OVERHEAD
    } else {
        limits.body_max_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > limit => Err(too_large(limits, is_upload)),
        Some(_) => Ok(None),
        None if req.headers().contains_key(header::TRANSFER_ENCODING) && is_upload => {
            let over = Arc::new(AtomicBool::new(false));
            let body = req.take_body().into_async_read();
            req.set_body(poem::Body::from_async_read(Capped {
                inner: body,
                left: limit,
                over: over.clone(),
            }));
            Ok(Some(over))
        }
        None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
            let body = req.take_body();
            let bytes = body
                .into_bytes_limit(limit as usize)
                .await
                .map_err(|_| too_large(limits, false))?;
            req.set_body(bytes);
            Ok(None)
        }
        None => Ok(None),
    }
}

/// A body reader that fails once more than `left` bytes have come through, and says so.
struct Capped<R> {
    inner: R,
    left: u64,
    over: Arc<AtomicBool>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Capped<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        std::task::ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        let n = (buf.filled().len() - before) as u64;
        if n > self.left {
            self.over.store(true, Ordering::Relaxed);
            return Poll::Ready(Err(std::io::Error::other(
                "the request body is larger than this server accepts",
            )));
        }
        self.left -= n;
        Poll::Ready(Ok(()))
    }
}

/// Which methods each path accepts, read from the OpenAPI document, for `Allow` on 405.
pub struct RouteTable {
    routes: Vec<(Vec<String>, String)>,
    /// poem's pattern of each API route (`/api/v1/jobs/:param0`) → the spec's template
    /// (`/api/v1/jobs/{id}`), to name routes in metrics.
    templates: std::collections::HashMap<String, String>,
    /// What each operation takes, to explain a request it could not parse.
    pub inputs: Inputs,
}

impl RouteTable {
    pub fn from_spec(spec: &serde_json::Value, prefix: &str, extra: &[(&str, &str)]) -> RouteTable {
        let mut routes = Vec::new();
        let mut templates = std::collections::HashMap::new();
        if let Some(paths) = spec.get("paths").and_then(|p| p.as_object()) {
            for (path, item) in paths {
                let template = format!("{prefix}{path}");
                let mut n = 0;
                let pattern: Vec<String> = template
                    .split('/')
                    .map(|s| {
                        if is_variable(s) {
                            n += 1;
                            format!(":param{}", n - 1)
                        } else {
                            s.to_string()
                        }
                    })
                    .collect();
                templates.insert(pattern.join("/"), template);
                let mut methods: Vec<String> = item
                    .as_object()
                    .map(|m| {
                        m.keys()
                            .filter(|k| is_method(k))
                            .map(|k| k.to_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".into());
                }
                methods.sort();
                routes.push((segments(&format!("{prefix}{path}")), methods.join(", ")));
            }
        }
        for (path, methods) in extra {
            routes.push((segments(path), methods.to_string()));
        }
        RouteTable {
            routes,
            templates,
            inputs: Inputs::from_spec(spec, prefix),
        }
    }

    /// The documented template of poem's route `pattern`: `/api/v1/jobs/{id}` for
    /// `/api/v1/jobs/:param0`, `/careers/{slug}` for `/careers/:slug`.
    pub fn template(&self, pattern: &str) -> String {
        if let Some(template) = self.templates.get(pattern) {
            return template.clone();
        }
        pattern
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => segment.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    pub fn allow(&self, path: &str) -> Option<String> {
        let wanted = segments(path);
        self.routes
            .iter()
            .find(|(pattern, _)| {
                pattern.len() == wanted.len()
                    && pattern
                        .iter()
                        .zip(&wanted)
                        .all(|(p, w)| p == w || (p.starts_with('{') && p.ends_with('}')))
            })
            .map(|(_, methods)| methods.clone())
    }

    /// The name of the `index`-th variable of the template `path` matches (`/team/{user_id}`, 0 → `user_id`).
    pub fn path_param(&self, path: &str, index: usize) -> Option<String> {
        let wanted = segments(path);
        let (pattern, _) = self
            .routes
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == wanted.len()
                    && pattern
                        .iter()
                        .zip(&wanted)
                        .all(|(p, w)| p == w || is_variable(p))
            })
            .max_by_key(|(pattern, _)| pattern.iter().filter(|p| !is_variable(p)).count())?;
        pattern
            .iter()
            .filter(|p| is_variable(p))
            .nth(index)
            .map(|p| p[1..p.len() - 1].to_string())
    }

    /// poem-openapi calls path variables `param0`, `param1`… in its errors; use the documented names.
    pub fn name_path_params(&self, path: &str, error: &mut Error) {
        for field in &mut error.errors {
            let Some(index) = field
                .field
                .strip_prefix("param")
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            if let Some(name) = self.path_param(path, index) {
                error.detail = error
                    .detail
                    .replace(&format!("`{}`", field.field), &format!("`{name}`"));
                field.field = name;
            }
        }
    }
}

fn is_variable(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn is_method(k: &str) -> bool {
    matches!(
        k,
        "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
    )
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poem_patterns_are_named_by_their_spec_template() {
        let spec = serde_json::json!({"paths": {
            "/jobs/{id}": {"get": {}},
            "/keys/{id}/uses/{use_id}": {"get": {}}
        }});
        let table = RouteTable::from_spec(&spec, "/api/v1", &[]);
        assert_eq!(table.template("/api/v1/jobs/:param0"), "/api/v1/jobs/{id}");
        assert_eq!(
            table.template("/api/v1/keys/:param0/uses/:param1"),
            "/api/v1/keys/{id}/uses/{use_id}"
        );
        assert_eq!(table.template("/careers/:slug"), "/careers/{slug}");
    }

    #[test]
    fn allow_lists_the_methods_of_the_matching_template() {
        let spec = serde_json::json!({"paths": {
            "/jobs/{id}": {"get": {}, "patch": {}, "delete": {}, "parameters": []},
            "/auth/login": {"post": {}}
        }});
        let table = RouteTable::from_spec(&spec, "/api/v1", &[("/healthz", "GET, HEAD")]);
        assert_eq!(
            table.allow("/api/v1/jobs/7").as_deref(),
            Some("DELETE, GET, HEAD, PATCH")
        );
        assert_eq!(table.allow("/api/v1/auth/login").as_deref(), Some("POST"));
        assert_eq!(table.allow("/healthz").as_deref(), Some("GET, HEAD"));
        assert_eq!(table.allow("/nothing"), None);
    }

    #[test]
    fn path_variables_are_named_from_the_template() {
        let spec = serde_json::json!({"paths": {
            "/keys/{id}/usage": {"get": {}},
            "/keys/{id}/{use_id}": {"get": {}},
            "/team/{user_id}": {"patch": {}}
        }});
        let table = RouteTable::from_spec(&spec, "/api/v1", &[]);
        assert_eq!(
            table.path_param("/api/v1/team/abc", 0).as_deref(),
            Some("user_id")
        );
        assert_eq!(
            table.path_param("/api/v1/keys/x/usage", 0).as_deref(),
            Some("id"),
            "the literal match wins"
        );
        assert_eq!(
            table.path_param("/api/v1/keys/x/y", 1).as_deref(),
            Some("use_id")
        );
        assert_eq!(table.path_param("/api/v1/team/abc", 1), None);
        let mut e = Error::invalid("param0", "failed to parse");
        e.detail = "Failed to parse path `param0`: failed to parse.".into();
        table.name_path_params("/api/v1/team/abc", &mut e);
        assert_eq!(
            (e.errors[0].field.as_str(), e.detail.as_str()),
            (
                "user_id",
                "Failed to parse path `user_id`: failed to parse."
            )
        );
    }
}
