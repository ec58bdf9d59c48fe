//! The optional OpenAI-compatible chat-completions endpoint (`[assistant] endpoint`): plain
//! reqwest and a lenient reading of the answer, because servers that call themselves
//! compatible differ (content as a string or as parts, usage under other names, JSON wrapped
//! in a code fence or in prose). Any failure is reported as a sentence; the caller then lets
//! the offline engine answer.

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::AssistantConfig;

/// What the endpoint answered: the text of its message and the tokens it counted.
#[derive(Debug, Clone)]
pub struct Completion {
    pub content: String,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    /// The model that answered, when the server says.
    pub model: Option<String>,
}

/// Why the endpoint's answer was not used, with the tokens it billed (when it said).
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: String,
    pub billed: Option<(u64, u64)>,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Failure {
        Failure {
            reason: reason.into(),
            billed: None,
        }
    }
}

/// The most of an answer that is read.
const ANSWER_MAX: usize = 1 << 20;

pub struct Endpoint {
    client: reqwest::Client,
    url: String,
    api_key: String,
    pub model: String,
}

impl Endpoint {
    /// The configured endpoint; `None` when none is set.
    pub fn from_config(config: &AssistantConfig) -> anyhow::Result<Option<Endpoint>> {
        let base = config.endpoint.trim();
        if base.is_empty() {
            return Ok(None);
        }
        // reqwest is built without a crypto provider of its own: rustls uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let timeout = Duration::from_secs(config.timeout_secs);
        let builder = || {
            reqwest::Client::builder()
                .user_agent(concat!("hirebase/", env!("CARGO_PKG_VERSION")))
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)))
                .redirect(reqwest::redirect::Policy::none())
        };
        // Without CA certificates on the system an https endpoint fails at each call (and the
        // offline engine answers); the server still starts.
        let client = builder().build().or_else(|e| {
            tracing::warn!(error = %e, "no CA certificates: an https assistant endpoint will fail");
            builder().tls_certs_only([]).build()
        })?;
        Ok(Some(Endpoint {
            client,
            url: chat_url(base),
            api_key: config.api_key.clone(),
            model: config.model.clone(),
        }))
    }

    /// Sends one system and one user message; the answer's text and token counts.
    pub async fn complete(&self, system: &str, user: &str) -> Result<Completion, Failure> {
        let mut body = json!({
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0.2,
        });
        if !self.model.is_empty() {
            body["model"] = Value::from(self.model.clone());
        }
        let mut request = self.client.post(&self.url).json(&body);
        if !self.api_key.is_empty() {
            request = request.bearer_auth(&self.api_key);
        }
        let mut answer = request.send().await.map_err(|e| {
            Failure::new(if e.is_timeout() {
                "the endpoint did not answer in time".to_string()
            } else {
                format!("the endpoint could not be reached ({})", e.without_url())
            })
        })?;
        let status = answer.status().as_u16();
        let mut bytes = Vec::new();
        while bytes.len() < ANSWER_MAX {
            match answer.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(Failure::new("the endpoint did not answer in time"));
                }
                Err(_) => return Err(Failure::new("the endpoint's answer was cut off")),
            }
        }
        if !(200..300).contains(&status) {
            return Err(Failure::new(format!("the endpoint answered HTTP {status}")));
        }
        read_completion(&bytes)
    }
}

/// `https://host/v1` → `https://host/v1/chat/completions`; a full URL stays as it is.
fn chat_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/chat/completions") {
        base.to_string()
    } else {
        format!("{base}/chat/completions")
    }
}

/// Reads a chat-completions answer: `choices[0].message.content` as a string or as parts
/// (`[{type: text, text}]`), or `choices[0].text`; usage as `prompt_tokens`/`completion_tokens`
/// or `input_tokens`/`output_tokens`.
pub fn read_completion(bytes: &[u8]) -> Result<Completion, Failure> {
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|_| Failure::new("the endpoint's answer is not JSON"))?;
    let usage = &doc["usage"];
    let count = |names: [&str; 2]| names.iter().find_map(|n| usage[*n].as_u64());
    let input_tokens = count(["prompt_tokens", "input_tokens"]);
    let output_tokens = count(["completion_tokens", "output_tokens"]);
    let choice = &doc["choices"][0];
    let content = match &choice["message"]["content"] {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p["text"].as_str().or_else(|| p.as_str()))
                .collect::<Vec<_>>()
                .join(""),
        ),
        _ => choice["text"].as_str().map(str::to_string),
    };
    let content = content
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| Failure {
            reason: "the endpoint's answer has no message".into(),
            billed: input_tokens.zip(output_tokens),
        })?;
    Ok(Completion {
        content,
        input_tokens,
        output_tokens,
        model: doc["model"].as_str().map(str::to_string),
    })
}

/// The JSON object in a model's message: the whole message, the inside of a ```json fence,
/// or the outermost `{…}` within prose.
pub fn json_in(content: &str) -> Option<Value> {
    let text = content.trim();
    let parse = |s: &str| {
        serde_json::from_str::<Value>(s.trim())
            .ok()
            .filter(Value::is_object)
    };
    if let Some(v) = parse(text) {
        return Some(v);
    }
    if let Some(start) = text.find("```") {
        let rest = &text[start + 3..];
        let rest = rest
            .strip_prefix("json")
            .or_else(|| rest.strip_prefix("JSON"))
            .unwrap_or(rest);
        if let Some(end) = rest.find("```")
            && let Some(v) = parse(&rest[..end])
        {
            return Some(v);
        }
    }
    let (start, end) = (text.find('{')?, text.rfind('}')?);
    (start < end).then(|| parse(&text[start..=end])).flatten()
}

/// `matchScore` → `match_score`, for the keys of an answer's top level and its objects.
pub fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (snake(&k), snake_keys(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_the_chat_path_once() {
        assert_eq!(
            chat_url("https://api.example.com/v1/"),
            "https://api.example.com/v1/chat/completions"
        );
        assert_eq!(
            chat_url("http://127.0.0.1:9/v1/chat/completions"),
            "http://127.0.0.1:9/v1/chat/completions"
        );
    }

    #[test]
    fn answers_are_read_leniently() {
        let a = br#"{"model":"m1","choices":[{"message":{"role":"assistant","content":"hi"}}],
                     "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#;
        let c = read_completion(a).unwrap();
        assert_eq!(
            (c.content.as_str(), c.input_tokens, c.output_tokens),
            ("hi", Some(12), Some(3))
        );
        let parts = br#"{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}],
                         "usage":{"input_tokens":5,"output_tokens":6}}"#;
        let c = read_completion(parts).unwrap();
        assert_eq!((c.content.as_str(), c.output_tokens), ("ab", Some(6)));
        let legacy = br#"{"choices":[{"text":"old style"}]}"#;
        assert_eq!(read_completion(legacy).unwrap().content, "old style");
        assert!(read_completion(b"<html>").is_err());
        let empty =
            read_completion(br#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0}}"#);
        assert_eq!(empty.unwrap_err().billed, Some((1, 0)));
    }

    #[test]
    fn json_is_found_in_fences_and_prose() {
        let fenced = "Here you go:\n```json\n{\"a\": 1}\n```\nAnything else?";
        assert_eq!(json_in(fenced).unwrap()["a"], 1);
        assert_eq!(
            json_in("Sure! {\"b\": {\"c\": 2}} Hope it helps.").unwrap()["b"]["c"],
            2
        );
        assert_eq!(json_in(" {\"x\": true} ").unwrap()["x"], true);
        assert!(json_in("no json here").is_none());
        assert!(json_in("[1, 2]").is_none());
    }

    #[test]
    fn keys_become_snake_case() {
        let v =
            snake_keys(json!({"matchScore": 3, "redFlagSignals": [{"whyNot": 1}], "ok_key": 0}));
        assert_eq!(
            v,
            json!({"match_score": 3, "red_flag_signals": [{"why_not": 1}], "ok_key": 0})
        );
    }
}
