//! Field rules shared by several domains: URLs, skill lists, currencies, bounded text, and
//! the PATCH semantics of every update (absent keeps, `null` clears, a value sets).

use poem_openapi::types::MaybeUndefined;

use crate::error::{Result, Validator};

/// PATCH for a nullable field: absent keeps the value, `null` clears it, a value sets it.
pub fn apply_nullable<T>(field: &mut Option<T>, patch: MaybeUndefined<T>) {
    match patch {
        MaybeUndefined::Value(v) => *field = Some(v),
        MaybeUndefined::Null => *field = None,
        MaybeUndefined::Undefined => {}
    }
}

/// PATCH for a field that cannot be cleared (its `null` is refused by [`reject_nulls`]).
pub fn apply<T>(field: &mut T, patch: MaybeUndefined<T>) {
    if let MaybeUndefined::Value(v) = patch {
        *field = v;
    }
}

/// A PATCH body with fields that may be left out but not cleared: `null` there is refused
/// ("must not be null"). Declared with [`not_null!`]; the OpenAPI document reads the same
/// list, so it declares exactly the other fields nullable.
pub trait NotNull {
    /// The fields that refuse `null`.
    const NOT_NULL: &'static [&'static str];
    /// Those of them that are `null` in this body.
    fn nulls(&self) -> Vec<&'static str>;

    /// Refuses the body when any of those fields is `null`, naming all of them.
    fn reject_nulls(&self) -> Result<()> {
        let mut v = Validator::new();
        for field in self.nulls() {
            v.add(field, "must not be null");
        }
        v.finish()
    }
}

/// `not_null!(JobPatch: title, skills)`: the fields of a PATCH type that may be left out but
/// not cleared, each named once.
#[macro_export]
macro_rules! not_null {
    ($patch:ty: $($field:ident),+ $(,)?) => {
        impl $crate::domain::fields::NotNull for $patch {
            const NOT_NULL: &'static [&'static str] = &[$(stringify!($field)),+];
            fn nulls(&self) -> Vec<&'static str> {
                let mut nulls = Vec::new();
                $(if self.$field.is_null() {
                    nulls.push(stringify!($field));
                })+
                nulls
            }
        }
    };
}

/// An absolute http(s) URL with a host.
pub fn check_url(v: &mut Validator, field: &str, value: Option<&str>) {
    if let Some(value) = value {
        let ok = value.len() <= 500
            && url::Url::parse(value)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        v.check(ok, field, "must be an http:// or https:// URL");
    }
}

/// A link as people type it: `linkedin.com/in/jane` or `www.example.com` gain `https://`;
/// anything with a scheme (or that is no host at all) is left for [`check_url`] to judge.
pub fn complete_url(value: String) -> String {
    let host = value.split(['/', '?', '#']).next().unwrap_or("");
    let looks_like_host = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || ".-:".contains(c));
    if !value.contains("://") && looks_like_host {
        format!("https://{value}")
    } else {
        value
    }
}

/// Optional text: at most `max` characters.
pub fn check_text(v: &mut Validator, field: &str, value: Option<&str>, max: usize) {
    if let Some(value) = value {
        v.text(field, value, false, max);
    }
}

/// A list of short labels (skills, tags): at most `max_items`, each 1–50 characters.
pub fn check_labels(v: &mut Validator, field: &str, labels: Option<&[String]>, max_items: usize) {
    let Some(labels) = labels else { return };
    if labels.len() > max_items {
        v.add(field, format!("must have at most {max_items} entries"));
    } else if labels
        .iter()
        .any(|s| s.trim().is_empty() || s.chars().count() > 50)
    {
        v.add(field, "entries must be 1 to 50 characters");
    }
}

/// Trims each label and drops case-insensitive duplicates, keeping the first spelling.
pub fn clean_labels(labels: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let label = label.trim().to_string();
        if !out.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
            out.push(label);
        }
    }
    out
}

/// ISO 4217 shape: three upper-case letters.
pub fn check_currency(v: &mut Validator, field: &str, value: Option<&str>) {
    if let Some(c) = value {
        v.check(
            c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
            field,
            "must be an ISO 4217 code such as USD",
        );
    }
}

/// A `YYYY-MM-DD` date, or `None` (with the field's error noted) when it is not one.
pub fn check_date(v: &mut Validator, field: &str, value: &str) -> Option<chrono::NaiveDate> {
    let date = chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    v.check(date.is_some(), field, "must be a date like 2026-06-01");
    date
}

/// The optional `start_date` and `end_date` of a span: each a date, the start before the end.
pub fn check_span(v: &mut Validator, start: Option<&str>, end: Option<&str>) {
    let start = start.and_then(|d| check_date(v, "start_date", d));
    let end = end.and_then(|d| check_date(v, "end_date", d));
    if let (Some(start), Some(end)) = (start, end) {
        v.check(start < end, "end_date", "must be after start_date");
    }
}

/// The largest amount of money (a salary, a rate) taken as given.
pub const MAX_AMOUNT: u64 = 100_000_000_000;

/// A money range: each bound within [`MAX_AMOUNT`], the lower not above the upper.
pub fn check_amounts(
    v: &mut Validator,
    (min_field, min): (&str, Option<u64>),
    (max_field, max): (&str, Option<u64>),
) {
    if let (Some(min), Some(max)) = (min, max) {
        v.check(
            min <= max,
            min_field,
            format!("must not exceed {max_field}"),
        );
    }
    for (field, value) in [(min_field, min), (max_field, max)] {
        v.check(
            value.is_none_or(|s| s <= MAX_AMOUNT),
            field,
            "is out of range",
        );
    }
}

/// Digits, spaces and `+ - ( ) .`, with 5 to 20 digits.
pub fn check_phone(v: &mut Validator, field: &str, value: Option<&str>) {
    if let Some(p) = value {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let ok = p.len() <= 40
            && (5..=20).contains(&digits)
            && p.chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        v.check(ok, field, "must be a phone number");
    }
}

/// PATCH text: trimmed, and blank clears the field like `null`.
pub fn blank_is_null(p: MaybeUndefined<String>) -> MaybeUndefined<String> {
    match p.map_value(|s| s.trim().to_string()) {
        MaybeUndefined::Value(s) if s.is_empty() => MaybeUndefined::Null,
        other => other,
    }
}

/// Trims optional text and turns blank into absent.
pub fn tidy(value: Option<String>) -> Option<String> {
    value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_typed_without_a_scheme_are_completed() {
        for (typed, stored) in [
            (
                "linkedin.com/in/jane-doe",
                "https://linkedin.com/in/jane-doe",
            ),
            (
                "www.linkedin.com/in/jane",
                "https://www.linkedin.com/in/jane",
            ),
            (
                "github.com/jane?tab=repos",
                "https://github.com/jane?tab=repos",
            ),
            ("https://github.com/jane", "https://github.com/jane"),
            ("http://example.com", "http://example.com"),
            ("javascript:alert(1)", "javascript:alert(1)"),
            ("not a url", "not a url"),
            ("jane", "jane"),
        ] {
            assert_eq!(complete_url(typed.into()), stored, "{typed}");
        }
        let mut v = Validator::new();
        check_url(
            &mut v,
            "a",
            Some(&complete_url("linkedin.com/in/jane".into())),
        );
        assert!(v.finish().is_ok());
    }

    #[test]
    fn patch_semantics() {
        let mut name = Some("a".to_string());
        apply_nullable(&mut name, MaybeUndefined::Undefined);
        assert_eq!(name.as_deref(), Some("a"));
        apply_nullable(&mut name, MaybeUndefined::Null);
        assert_eq!(name, None);
        apply_nullable(&mut name, MaybeUndefined::Value("b".into()));
        assert_eq!(name.as_deref(), Some("b"));
        let mut title = "x".to_string();
        apply(&mut title, MaybeUndefined::Undefined);
        apply(&mut title, MaybeUndefined::Null);
        assert_eq!(title, "x");
        apply(&mut title, MaybeUndefined::Value("y".into()));
        assert_eq!(title, "y");
        assert_eq!(
            blank_is_null(MaybeUndefined::Value("  ".into())),
            MaybeUndefined::Null
        );
        assert_eq!(
            blank_is_null(MaybeUndefined::Value(" z ".into())),
            MaybeUndefined::Value("z".into())
        );
    }

    #[test]
    fn nulls_are_refused_by_name() {
        struct Patch {
            title: MaybeUndefined<String>,
            skills: MaybeUndefined<Vec<String>>,
            status: MaybeUndefined<u32>,
            note: MaybeUndefined<String>,
        }
        crate::not_null!(Patch: title, skills, status);
        assert_eq!(Patch::NOT_NULL, ["title", "skills", "status"]);
        let patch = Patch {
            title: MaybeUndefined::Null,
            skills: MaybeUndefined::Undefined,
            status: MaybeUndefined::Null,
            note: MaybeUndefined::Null,
        };
        let e = patch.reject_nulls().unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "status"]);
        assert!(e.errors.iter().all(|f| f.message == "must not be null"));
        let ok = Patch {
            title: MaybeUndefined::Value("t".into()),
            skills: MaybeUndefined::Value(vec![]),
            status: MaybeUndefined::Undefined,
            note: MaybeUndefined::Null,
        };
        assert!(ok.note.is_null());
        assert!(ok.reject_nulls().is_ok(), "a clearable field may be null");
    }

    #[test]
    fn urls_phones_currencies_and_labels() {
        let mut v = Validator::new();
        check_url(&mut v, "a", Some("https://github.com/jane"));
        check_phone(&mut v, "b", Some("+1 (415) 555-0100"));
        check_currency(&mut v, "c", Some("EUR"));
        check_labels(&mut v, "d", Some(&["Rust".into(), "Go".into()]), 10);
        assert!(v.finish().is_ok());
        let mut v = Validator::new();
        check_url(&mut v, "a", Some("javascript:alert(1)"));
        check_url(&mut v, "a2", Some("not a url"));
        check_phone(&mut v, "b", Some("call me"));
        check_currency(&mut v, "c", Some("usd"));
        check_labels(&mut v, "d", Some(&["".into()]), 10);
        assert_eq!(v.finish().unwrap_err().errors.len(), 5);
        let mut v = Validator::new();
        check_span(&mut v, Some("2026-01-01"), Some("2026-01-02"));
        check_span(&mut v, None, Some("2026-01-02"));
        assert!(v.finish().is_ok());
        for (start, end, field) in [
            ("2026-01-02", "2026-01-02", "end_date"),
            ("2026-02-01", "2026-01-31", "end_date"),
            ("2026-02-30", "2026-03-01", "start_date"),
            ("2026-01-01", "soon", "end_date"),
        ] {
            let mut v = Validator::new();
            check_span(&mut v, Some(start), Some(end));
            let e = v.finish().unwrap_err();
            assert_eq!(e.errors[0].field, field, "{start} → {end}");
        }
        assert_eq!(
            clean_labels(vec![" Rust ".into(), "rust".into(), "Go".into()]),
            vec!["Rust", "Go"]
        );
    }
}
