//! Configuration: built-in defaults ← config file ← `HIREBASE_*` environment (nesting `__`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The commented configuration written by `hirebase init` and shipped as `config.toml.example`.
pub const EXAMPLE: &str = include_str!("../config.toml.example");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub public_url: String,
    pub log: String,
    /// `text` or `json`.
    pub log_format: String,
    pub auth: AuthConfig,
    pub mail: MailConfig,
    pub limits: LimitsConfig,
    pub storage: StorageConfig,
    pub webhooks: WebhooksConfig,
    pub rate_limit: RateLimitConfig,
    pub assistant: AssistantConfig,
    pub internal: InternalConfig,
    /// The program that reads documents' text in a child process (`hirebase extract-text`):
    /// this executable unless set. Not a configuration key: tests and benchmarks, whose own
    /// executable is not hirebase, point it at the built binary.
    #[serde(skip)]
    pub extractor_program: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthConfig {
    pub access_token_ttl_secs: u64,
    pub session_ttl_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    pub smtp_url: String,
    pub from: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    pub body_max_bytes: u64,
    pub upload_max_bytes: u64,
    /// Open connections at most; past it the longest-idle one is closed to make room.
    pub max_connections: u32,
    /// Seconds a request head may take from its first byte to its end.
    pub header_read_timeout_secs: u64,
    /// Seconds a connection may wait for its first or next request.
    pub idle_timeout_secs: u64,
    /// Seconds one document's text may take to read before its reader is stopped.
    pub extract_timeout_secs: u64,
    /// Memory (MiB of address space) one document's reader may use.
    pub extract_memory_mb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageConfig {
    /// redb page cache; its own default (1 GiB) would let RSS grow far past the target.
    pub cache_mb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhooksConfig {
    pub allow_private_targets: bool,
    /// Seconds one delivery attempt may take, connecting included.
    pub timeout_secs: u64,
    /// Waits before each retry of a failed delivery; once they are used up the delivery fails.
    pub retry_schedule_secs: Vec<u64>,
    /// Failed attempts in a row after which a webhook is disabled.
    pub max_consecutive_failures: u32,
    /// How often the delivery worker looks for due deliveries.
    pub poll_millis: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    pub enabled: bool,
    pub strict: bool,
    pub person_rpm: u32,
    pub company_rpm: u32,
    pub admin_rpm: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AssistantConfig {
    /// An OpenAI-compatible chat-completions endpoint; empty: the built-in offline engine.
    pub endpoint: String,
    pub api_key: String,
    pub model: String,
    /// Prices of the tokens sent and received, for spend and budgets (the offline engine's
    /// estimated tokens are priced the same).
    pub input_usd_per_1k_tokens: f64,
    pub output_usd_per_1k_tokens: f64,
    /// Seconds one endpoint call may take before the offline engine answers instead.
    pub timeout_secs: u64,
}

impl Default for AssistantConfig {
    fn default() -> Self {
        AssistantConfig {
            endpoint: String::new(),
            api_key: String::new(),
            model: String::new(),
            input_usd_per_1k_tokens: 0.0,
            output_usd_per_1k_tokens: 0.0,
            timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InternalConfig {
    pub cron_secret: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            public_url: "http://127.0.0.1:8080".into(),
            log: "info".into(),
            log_format: "text".into(),
            auth: AuthConfig::default(),
            mail: MailConfig::default(),
            limits: LimitsConfig::default(),
            storage: StorageConfig::default(),
            webhooks: WebhooksConfig::default(),
            rate_limit: RateLimitConfig::default(),
            assistant: AssistantConfig::default(),
            internal: InternalConfig::default(),
            extractor_program: None,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            access_token_ttl_secs: 3600,
            session_ttl_secs: 1_209_600,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: String::new(),
            from: "hirebase@localhost".into(),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            body_max_bytes: 1_048_576,
            upload_max_bytes: 8_388_608,
            max_connections: 1024,
            header_read_timeout_secs: 15,
            idle_timeout_secs: 75,
            extract_timeout_secs: 15,
            extract_memory_mb: 512,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig { cache_mb: 256 }
    }
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        WebhooksConfig {
            allow_private_targets: false,
            timeout_secs: 10,
            retry_schedule_secs: vec![30, 120, 600, 3600, 21600],
            max_consecutive_failures: 20,
            poll_millis: 500,
        }
    }
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enabled: true,
            strict: true,
            person_rpm: 60,
            company_rpm: 120,
            admin_rpm: 300,
        }
    }
}

/// A configuration problem, always naming the key it is about.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// Where the configuration file comes from when `--config` is not given.
pub fn default_config_path() -> Option<PathBuf> {
    ["./config.toml", "/etc/hirebase/config.toml"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

impl Config {
    /// Loads defaults ← `file` (when given) ← environment, then validates.
    pub fn load(file: Option<&Path>) -> Result<(Config, Vec<String>), ConfigError> {
        Self::load_from(file, Env::prefixed("HIREBASE_").split("__"))
    }

    fn load_from(file: Option<&Path>, env: Env) -> Result<(Config, Vec<String>), ConfigError> {
        // These two are not configuration keys: they seed the first platform admin.
        let env = env.ignore(&["admin_email", "admin_password", "config"]);
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(env);
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError(describe_figment_error(e)))?;
        let warnings = unknown_keys(&figment);
        config.validate()?;
        Ok((config, warnings))
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: &str| Err(ConfigError(format!("`{key}` {why}")));
        if self.listen.parse::<SocketAddr>().is_err() {
            return bad(
                "listen",
                &format!(
                    "must be an address such as 127.0.0.1:8080, got {:?}",
                    self.listen
                ),
            );
        }
        if self.data_dir.as_os_str().is_empty() {
            return bad("data_dir", "must not be empty");
        }
        let url = self.public_url.as_str();
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"));
        if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
            return bad(
                "public_url",
                &format!("must be an http:// or https:// URL, got {url:?}"),
            );
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log).is_err() {
            return bad("log", &format!("is not a valid log filter: {:?}", self.log));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return bad(
                "log_format",
                &format!("must be \"text\" or \"json\", got {:?}", self.log_format),
            );
        }
        if self.auth.access_token_ttl_secs < 60 {
            return bad("auth.access_token_ttl_secs", "must be at least 60");
        }
        if self.auth.session_ttl_secs < self.auth.access_token_ttl_secs {
            return bad(
                "auth.session_ttl_secs",
                "must be at least auth.access_token_ttl_secs",
            );
        }
        if self.limits.body_max_bytes < 1024 {
            return bad("limits.body_max_bytes", "must be at least 1024");
        }
        if self.limits.upload_max_bytes < 1024 {
            return bad("limits.upload_max_bytes", "must be at least 1024");
        }
        if !(1..=1_000_000).contains(&self.limits.max_connections) {
            return bad("limits.max_connections", "must be between 1 and 1000000");
        }
        if !(1..=3600).contains(&self.limits.header_read_timeout_secs) {
            return bad(
                "limits.header_read_timeout_secs",
                "must be between 1 and 3600",
            );
        }
        if !(1..=86_400).contains(&self.limits.idle_timeout_secs) {
            return bad("limits.idle_timeout_secs", "must be between 1 and 86400");
        }
        if !(1..=600).contains(&self.limits.extract_timeout_secs) {
            return bad("limits.extract_timeout_secs", "must be between 1 and 600");
        }
        if !(64..=65_536).contains(&self.limits.extract_memory_mb) {
            return bad("limits.extract_memory_mb", "must be between 64 and 65536");
        }
        if !(4..=65_536).contains(&self.storage.cache_mb) {
            return bad("storage.cache_mb", "must be between 4 and 65536");
        }
        if !self.mail.smtp_url.is_empty() && !self.mail.smtp_url.starts_with("smtp") {
            return bad(
                "mail.smtp_url",
                "must be empty or an smtp:// / smtps:// URL",
            );
        }
        if !self.mail.from.contains('@') {
            return bad("mail.from", "must be an email address");
        }
        for (key, v) in [
            ("rate_limit.person_rpm", self.rate_limit.person_rpm),
            ("rate_limit.company_rpm", self.rate_limit.company_rpm),
            ("rate_limit.admin_rpm", self.rate_limit.admin_rpm),
        ] {
            if v == 0 {
                return bad(key, "must be at least 1");
            }
        }
        if !(1..=300).contains(&self.webhooks.timeout_secs) {
            return bad("webhooks.timeout_secs", "must be between 1 and 300");
        }
        if self.webhooks.retry_schedule_secs.len() > 20 {
            return bad("webhooks.retry_schedule_secs", "may list at most 20 waits");
        }
        if self
            .webhooks
            .retry_schedule_secs
            .iter()
            .any(|s| !(1..=604_800).contains(s))
        {
            return bad(
                "webhooks.retry_schedule_secs",
                "waits must be between 1 and 604800 seconds",
            );
        }
        if self.webhooks.max_consecutive_failures == 0 {
            return bad("webhooks.max_consecutive_failures", "must be at least 1");
        }
        if !(50..=60_000).contains(&self.webhooks.poll_millis) {
            return bad("webhooks.poll_millis", "must be between 50 and 60000");
        }
        if !self.assistant.endpoint.is_empty() && !self.assistant.endpoint.starts_with("http") {
            return bad("assistant.endpoint", "must be empty or an http(s) URL");
        }
        for (key, price) in [
            (
                "assistant.input_usd_per_1k_tokens",
                self.assistant.input_usd_per_1k_tokens,
            ),
            (
                "assistant.output_usd_per_1k_tokens",
                self.assistant.output_usd_per_1k_tokens,
            ),
        ] {
            if !(0.0..=1000.0).contains(&price) {
                return bad(
                    key,
                    "must be a price between 0 and 1000 (USD per 1,000 tokens)",
                );
            }
        }
        if !(1..=600).contains(&self.assistant.timeout_secs) {
            return bad("assistant.timeout_secs", "must be between 1 and 600");
        }
        Ok(())
    }

    /// The public URL, following `listen` when only `listen` was changed from its default.
    pub fn effective_public_url(&self) -> String {
        let defaults = Config::default();
        if self.public_url != defaults.public_url || self.listen == defaults.listen {
            return self.public_url.trim_end_matches('/').to_string();
        }
        let addr = self.listen_addr();
        let host = if addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            addr.ip().to_string()
        };
        let host = if addr.is_ipv6() && !addr.ip().is_unspecified() {
            format!("[{host}]")
        } else {
            host
        };
        format!("http://{host}:{}", addr.port())
    }

    pub fn listen_addr(&self) -> SocketAddr {
        self.listen.parse().expect("validated")
    }

    /// Cookies are marked `Secure` only where the public URL is served over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn describe_figment_error(e: figment::Error) -> String {
    e.into_iter()
        .map(|err| {
            let key = err.path.join(".");
            let mut kind = err.kind.to_string();
            if let Some(meta) = &err.metadata {
                kind = format!("{kind} (from {})", meta.name);
            }
            if key.is_empty() {
                kind
            } else {
                format!("`{key}`: {kind}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keys present in the sources that no field of [`Config`] reads: worth a warning, not a failure.
fn unknown_keys(figment: &Figment) -> Vec<String> {
    let known = serde_json::to_value(Config::default()).expect("config serializes");
    let Ok(actual) = figment.extract::<serde_json::Value>() else {
        return vec![];
    };
    let mut unknown = Vec::new();
    collect_unknown(&known, &actual, "", &mut unknown);
    unknown
}

fn collect_unknown(
    known: &serde_json::Value,
    actual: &serde_json::Value,
    prefix: &str,
    out: &mut Vec<String>,
) {
    let (Some(known), Some(actual)) = (known.as_object(), actual.as_object()) else {
        return;
    };
    for (key, value) in actual {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => out.push(path),
            Some(k) => collect_unknown(k, value, &path, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_file() {
        let (c, warnings) =
            Config::load_from(None, Env::prefixed("HIREBASE_TEST_NOTHING_")).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.limits.body_max_bytes, 1_048_576);
        assert!(warnings.is_empty());
    }

    #[test]
    fn example_file_parses_to_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, EXAMPLE).unwrap();
        let (c, warnings) =
            Config::load_from(Some(&path), Env::prefixed("HIREBASE_TEST_NOTHING_")).unwrap();
        assert!(
            warnings.is_empty(),
            "example has unknown keys: {warnings:?}"
        );
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::to_value(Config::default()).unwrap()
        );
    }

    #[test]
    fn env_overrides_file_and_nests_with_double_underscore() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\n[webhooks]\nallow_private_targets = false\n",
        )
        .unwrap();
        // A prefix of its own keeps this test independent of the others running beside it.
        unsafe {
            std::env::set_var("HBTEST_ENV_OVERRIDE_LISTEN", "127.0.0.1:9100");
            std::env::set_var(
                "HBTEST_ENV_OVERRIDE_WEBHOOKS__ALLOW_PRIVATE_TARGETS",
                "true",
            );
        }
        let env = Env::prefixed("HBTEST_ENV_OVERRIDE_").split("__");
        let (c, _) = Config::load_from(Some(&path), env).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9100");
        assert!(c.webhooks.allow_private_targets);
    }

    #[test]
    fn bad_values_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for (toml, key) in [
            ("listen = \"not an address\"", "listen"),
            (
                "[auth]\naccess_token_ttl_secs = \"soon\"",
                "auth.access_token_ttl_secs",
            ),
            ("[limits]\nbody_max_bytes = 10", "limits.body_max_bytes"),
            ("public_url = \"ftp://x\"", "public_url"),
            ("[webhooks]\ntimeout_secs = 0", "webhooks.timeout_secs"),
            ("log_format = \"xml\"", "log_format"),
            (
                "[webhooks]\nretry_schedule_secs = [30, 0]",
                "webhooks.retry_schedule_secs",
            ),
            (
                "[webhooks]\nmax_consecutive_failures = 0",
                "webhooks.max_consecutive_failures",
            ),
            ("[webhooks]\npoll_millis = 5", "webhooks.poll_millis"),
        ] {
            std::fs::write(&path, toml).unwrap();
            let err = Config::load_from(Some(&path), Env::prefixed("HIREBASE_TEST_NOTHING_"))
                .unwrap_err();
            assert!(err.0.contains(key), "{toml:?} gave {err}");
        }
    }

    #[test]
    fn the_webhook_retry_schedule_can_come_from_the_environment() {
        unsafe {
            std::env::set_var(
                "HBTEST_WEBHOOK_SCHEDULE_WEBHOOKS__RETRY_SCHEDULE_SECS",
                "[1, 2, 3]",
            );
            std::env::set_var(
                "HBTEST_WEBHOOK_SCHEDULE_WEBHOOKS__MAX_CONSECUTIVE_FAILURES",
                "5",
            );
        }
        let env = Env::prefixed("HBTEST_WEBHOOK_SCHEDULE_").split("__");
        let (c, warnings) = Config::load_from(None, env).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(c.webhooks.retry_schedule_secs, vec![1, 2, 3]);
        assert_eq!(c.webhooks.max_consecutive_failures, 5);
        assert_eq!(c.webhooks.timeout_secs, 10, "the rest keep their defaults");
    }

    #[test]
    fn public_url_follows_listen_unless_set() {
        let mut c = Config {
            listen: "0.0.0.0:9000".into(),
            ..Config::default()
        };
        assert_eq!(c.effective_public_url(), "http://127.0.0.1:9000");
        c.public_url = "https://jobs.example.com/".into();
        assert_eq!(c.effective_public_url(), "https://jobs.example.com");
    }

    #[test]
    fn unknown_keys_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "lisen = \"x\"\n[auth]\nttl = 3\n").unwrap();
        let (_, warnings) =
            Config::load_from(Some(&path), Env::prefixed("HIREBASE_TEST_NOTHING_")).unwrap();
        assert_eq!(warnings, vec!["auth.ttl".to_string(), "lisen".to_string()]);
    }
}
