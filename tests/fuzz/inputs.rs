//! What the fuzz suite sends: hostile strings, numbers and JSON values, broken encodings, and
//! the ways a request can be bent (a field replaced, repeated or dropped, a path segment or
//! query parameter added, the wrong content type or method, a body over the limit).

use proptest::prelude::*;
use serde_json::{json, Value};

/// Payloads that must never come back as markup: an HTML answer containing one of
/// `RAW_MARKERS` shows something sent to it unescaped.
pub const SCRIPT: &str = "<script>fz()</script>";
pub const RAW_MARKERS: [&str; 4] = [
    "<script>fz",
    "<img src=x onerror=fz",
    "<svg onload=fz",
    "=\"javascript:fz",
];

/// Hand-picked values: markup, control characters, unicode that moves text around, numbers at
/// and past every integer limit, encodings, and valid values (so later checks are reached too).
const FIXED: &[&str] = &[
    "",
    " ",
    SCRIPT,
    "\"><img src=x onerror=fz()>",
    "'><svg onload=fz()>",
    "javascript:fz()",
    "</textarea><script>fz()</script>",
    "\u{0}",
    "a\u{0}b",
    "\u{1b}[31m\u{7}\u{8}\r\n",
    "\r\n\r\nSet-Cookie: x=y",
    "\u{202e}gnp.exe\u{202c}",
    "\u{200f}\u{200e}\u{2066}rtl\u{2069}",
    "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "\u{feff}",
    "\u{fffd}\u{ffff}",
    "ﷺ",
    "-1",
    "0",
    "-0",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "1.5",
    "0x10",
    "١٢٣",
    "%",
    "%zz",
    "%00",
    "%ff%fe",
    "../../../../etc/passwd",
    "'; DROP TABLE wave; --",
    "' OR '1'='1",
    "{\"a\":",
    "null",
    "[]",
    "2021",
    "2023",
    "2023-Q1",
    "2023-Q9",
    "closed",
    "foster_care",
    "nl",
    "en",
    "x-rtl",
    "organisation",
    "region",
    "setting_type",
    "age_band",
    "csv",
    "xlsx",
    "json",
    "sps",
    "answers",
    "anonymous",
    "pseudonymous",
    "draft",
    "open",
    "published",
    "next",
    "back",
    "send",
    "-",
    "AAA-AAA-AAA",
    "organisation;region;location;setting_type;children_placed\nX;Y;Z;closed;1",
];

/// Names of fields and query parameters the handlers read: an added one reaches them.
pub const NAMES: &[&str] = &[
    "csrf",
    "wave",
    "by",
    "format",
    "from",
    "to",
    "page",
    "theme",
    "filter_theme",
    "setting_type",
    "organisation",
    "location",
    "quarter",
    "lang",
    "part",
    "k",
    "view",
    "error",
    "code",
    "count",
    "kind",
    "clients",
    "go",
    "answer",
    "open_answer",
    "language",
    "age_band",
    "gender",
    "time_here",
    "label",
    "starts",
    "ends",
    "role",
    "email",
    "name",
    "csv",
    "children_placed",
    "sep",
];

/// Broken percent-encoding and separators, as written into an address or a body.
const RAW: &[&str] = &[
    "%",
    "%zz",
    "%ff%fe",
    "%00",
    "%C0%AF",
    "%E2%80%AE",
    "%%%",
    "%2",
    "+",
    "&&&",
    "==",
    "%0d%0a",
    "%3Cscript%3Efz()%3C/script%3E",
    "..%2f..%2f",
    "%u0041",
    ";",
    "#",
];

pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(FIXED).prop_map(str::to_string),
        2 => (prop::sample::select(FIXED), prop::sample::select(FIXED)).prop_map(|(a, b)| format!("{a}{b}")),
        2 => "[\\x00-\\x1f\\x7f]{1,6}[a-z ]{0,6}",
        2 => any::<String>(),
        1 => "\\PC{0,40}",
        1 => (1usize..12_000, prop::sample::select(&["a", "é", "😀", "<", "%"][..]))
            .prop_map(|(n, s)| s.repeat(n)),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| n.to_string()),
    ]
    .boxed()
}

/// One component of an address: a hostile text percent-encoded, or a raw broken encoding.
pub fn component() -> BoxedStrategy<String> {
    prop_oneof![
        3 => text().prop_map(|t| {
            let t: String = t.chars().take(4_000).collect();
            url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
        }),
        2 => prop::sample::select(RAW).prop_map(str::to_string),
        1 => (prop::sample::select(RAW), prop::sample::select(FIXED))
            .prop_map(|(r, f)| format!("{r}{}", url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>())),
    ]
    .boxed()
}

pub fn json_value() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => text().prop_map(Value::String),
        1 => prop::sample::select(vec![
            Value::Null,
            json!(true),
            json!(-1),
            json!(0),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1.5),
            json!(-1e308),
            json!([]),
            json!({}),
            json!([1, "2", null]),
            json!({"a": {"b": [SCRIPT]}}),
            json!({"safe_home": 99, "x": "y"}),
        ]),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => prop::collection::vec(text().prop_map(Value::String), 0..4).prop_map(Value::Array),
    ]
    .boxed()
}

/// Whole bodies that are not what the content type says.
const BODIES: &[&str] = &[
    "",
    "{",
    "}",
    "[",
    "null",
    "\"just a string\"",
    "{\"code\":1e999}",
    "{\"code\":\"A\",\"code\":\"B\"}",
    "{\"code\":\"\\ud800\"}",
    "\u{feff}{}",
    "{\"code\":\"AAA-AAA-AAA\"} trailing",
    "{\"code\":-0,\"submission_id\":\"not a uuid\",\"answers\":{\"safe_home\":1e400}}",
    "%",
    "a=%zz",
    "=&=&",
    "&&&",
    "csrf",
    "%ff=%fe",
    "\u{0}=\u{0}",
    "--x\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\nx\r\n",
    "--x--",
    "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b SYSTEM \"file:///etc/passwd\">]><a>&b;</a>",
];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=x",
    "text/plain",
    "text/html",
    "application/json; charset=utf-16",
    "application/x-www-form-urlencoded; charset=latin1",
    "*/*",
    "",
    "nonsense",
];

/// How a valid request of the matrix is bent.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// As the matrix sends it.
    Keep,
    /// The value of one field (form field, JSON leaf, or query parameter) replaced.
    Value { index: usize, value: String },
    /// A JSON leaf replaced by another JSON value.
    Json { index: usize, value: Value },
    /// One field sent a second time with another value.
    Duplicate { index: usize, value: String },
    /// One field left out.
    Drop { index: usize },
    /// A field the handler may read, added.
    Extra { name: String, value: String },
    /// A raw `name=value` added to the query string, encoding as generated (maybe broken).
    Query { name: String, raw: String },
    /// One segment of the path replaced, encoding as generated.
    Segment { index: usize, raw: String },
    /// Another body altogether, with this content type.
    Body { content_type: String, body: String },
    /// The same body with another content type.
    ContentType(String),
    /// A body of this many KiB (over the limit when more than 256).
    Oversized { kib: usize },
    /// Another method than the route takes.
    Method(String),
    /// JSON nested this deep.
    Deep(usize),
}

pub fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        2 => Just(Mutation::Keep),
        8 => (any::<usize>(), text()).prop_map(|(index, value)| Mutation::Value { index, value }),
        4 => (any::<usize>(), json_value()).prop_map(|(index, value)| Mutation::Json { index, value }),
        2 => (any::<usize>(), text()).prop_map(|(index, value)| Mutation::Duplicate { index, value }),
        1 => any::<usize>().prop_map(|index| Mutation::Drop { index }),
        3 => (prop::sample::select(NAMES), text())
            .prop_map(|(name, value)| Mutation::Extra { name: name.to_string(), value }),
        3 => (prop::sample::select(NAMES), component())
            .prop_map(|(name, raw)| Mutation::Query { name: name.to_string(), raw }),
        3 => (any::<usize>(), component()).prop_map(|(index, raw)| Mutation::Segment { index, raw }),
        2 => (prop::sample::select(CONTENT_TYPES), prop_oneof![
                3 => prop::sample::select(BODIES).prop_map(str::to_string),
                1 => text(),
            ])
            .prop_map(|(c, body)| Mutation::Body { content_type: c.to_string(), body }),
        1 => prop::sample::select(CONTENT_TYPES).prop_map(|c| Mutation::ContentType(c.to_string())),
        1 => prop_oneof![Just(8usize), Just(255), Just(300), Just(1024), Just(4096)]
            .prop_map(|kib| Mutation::Oversized { kib }),
        1 => prop::sample::select(&["PUT", "DELETE", "PATCH", "OPTIONS", "POST", "GET"][..])
            .prop_map(|m| Mutation::Method(m.to_string())),
        1 => prop_oneof![Just(200usize), Just(5_000), Just(60_000)].prop_map(Mutation::Deep),
    ]
    .boxed()
}
