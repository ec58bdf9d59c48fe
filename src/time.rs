//! Timestamps as the API shows them: RFC 3339 in UTC with a `Z` and whole seconds.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp(Utc::now().trunc_subsecs(0))
    }

    pub fn from_unix(secs: i64) -> Timestamp {
        Timestamp(DateTime::from_timestamp(secs, 0).unwrap_or_default())
    }

    pub fn unix(&self) -> i64 {
        self.0.timestamp()
    }

    pub fn plus_secs(&self, secs: i64) -> Timestamp {
        Timestamp(self.0 + chrono::Duration::seconds(secs))
    }

    /// Accepts any RFC 3339 time (any offset, any precision) and keeps it in UTC.
    pub fn parse(s: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| Timestamp(t.with_timezone(&Utc)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {s:?}")))
    }
}

crate::string_schema_type!(Timestamp, "date-time");

impl ParseFromJSON for Timestamp {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            serde_json::Value::String(s) => Timestamp::parse(&s)
                .ok_or_else(|| ParseError::custom(format!("not an RFC 3339 time: {s:?}"))),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ParseFromParameter for Timestamp {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Timestamp::parse(value)
            .ok_or_else(|| ParseError::custom(format!("not an RFC 3339 time: {value:?}")))
    }
}

impl ToJSON for Timestamp {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(self.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_utc_with_z_and_whole_seconds() {
        let t = Timestamp::parse("2026-06-04T17:30:45.678+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-06-04T15:30:45Z");
        assert_eq!(
            serde_json::to_string(&Timestamp::from_unix(0)).unwrap(),
            "\"1970-01-01T00:00:00Z\""
        );
        assert!(Timestamp::parse("yesterday").is_none());
    }
}
