//! Turns a matrix row, a caller and a mutation into one HTTP request, and reads the answer.

use super::inputs::Mutation;
use crate::world::{fill, incident_fields, World};
use crate::world::{Auth, Body, Row};
use serde_json::Value;

/// What one caller sends with: a browser with its cookies (and its CSRF token), an API token.
pub struct Caller {
    pub browser: reqwest::Client,
    pub csrf: String,
    pub token: Option<String>,
}

/// Form fields or query parameters, in order (a name may come twice).
type Fields = Vec<(String, String)>;

/// The parts of a request before it is bent.
enum Payload {
    Nothing,
    Form(Vec<(String, String)>),
    Multipart(Vec<(String, String)>),
    Json(Value),
}

pub struct Answer {
    /// The path as sent (a mutation may have changed it).
    pub path: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub clears_session: bool,
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn form_text(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The leaves of a JSON value, as paths of keys and indices.
fn leaves(value: &Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let mut next = at.clone();
                next.push(k.clone());
                leaves(v, next, out);
            }
        }
        _ => out.push(at),
    }
}

fn leaf_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, k| v.get_mut(k.as_str()))
}

/// Replaces the fuzz suite's own placeholders: a fresh code and submission id for each
/// submission, so some get past the code check and reach the answers' checks and storage.
pub fn fresh(text: &str, fresh_code: &str) -> String {
    text.replace("{fresh_code}", fresh_code)
        .replace("{fresh_uuid}", &uuid::Uuid::new_v4().to_string())
}

#[allow(clippy::too_many_arguments)]
pub async fn send(
    base: &str,
    row: &Row,
    w: &World,
    caller_index: usize,
    caller: Option<&Caller>,
    child: &reqwest::Client,
    anonymous: &reqwest::Client,
    mutation: &Mutation,
    fresh_code: &str,
    forwarded_for: &str,
) -> Result<Answer, String> {
    let filled = fresh(&fill(row.path, w, caller_index), fresh_code);
    let (path, query) = match filled.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (filled.clone(), String::new()),
    };
    let mut query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let csrf = caller.map(|c| c.csrf.clone()).unwrap_or_default();
    let with_csrf = |fields: Vec<(String, String)>| {
        let mut all = vec![("csrf".to_string(), csrf.clone())];
        all.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k, fresh(&fill(&v, w, caller_index), fresh_code))),
        );
        all
    };
    let owned = |fields: &[(&str, &str)]| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let mut payload = match row.body {
        Body::None => Payload::Nothing,
        Body::Form(fields) => Payload::Form(with_csrf(owned(fields))),
        Body::Incidents(extra) => Payload::Form(with_csrf(incident_fields(extra))),
        Body::Multipart(fields) => Payload::Multipart(with_csrf(owned(fields))),
        Body::Json(json) => Payload::Json(
            serde_json::from_str(&fresh(&fill(json, w, caller_index), fresh_code))
                .unwrap_or(Value::Null),
        ),
    };
    let mut method = row.method.to_string();
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    let mut raw_query: Vec<String> = Vec::new();
    let mut raw_body: Option<(String, Vec<u8>)> = None;
    let mut content_type: Option<String> = None;
    // Field mutations touch the body's fields, or the query's when there is no body.
    let (fields, json): (Option<&mut Fields>, Option<&mut Value>) = match &mut payload {
        Payload::Form(f) | Payload::Multipart(f) => (Some(f), None),
        Payload::Nothing => (Some(&mut query), None),
        Payload::Json(j) => (None, Some(j)),
    };
    match mutation {
        Mutation::Keep => {}
        Mutation::Value { index, value } => match (fields, json) {
            (Some(f), _) if !f.is_empty() => {
                let i = index % f.len();
                f[i].1 = value.clone();
            }
            (Some(f), _) => f.push(("wave".into(), value.clone())),
            (None, Some(json)) => {
                let mut found = Vec::new();
                leaves(json, Vec::new(), &mut found);
                let at = found[index % found.len()].clone();
                if let Some(leaf) = leaf_mut(json, &at) {
                    *leaf = Value::String(value.clone());
                }
            }
            _ => {}
        },
        Mutation::Json { index, value } => match json {
            Some(json) => {
                let mut found = Vec::new();
                leaves(json, Vec::new(), &mut found);
                let at = found[index % found.len()].clone();
                if let Some(leaf) = leaf_mut(json, &at) {
                    *leaf = value.clone();
                }
            }
            None => {
                raw_body = Some(("application/json".into(), value.to_string().into_bytes()));
            }
        },
        Mutation::Duplicate { index, value } => {
            if let Some(f) = fields {
                if !f.is_empty() {
                    let name = f[index % f.len()].0.clone();
                    f.push((name, value.clone()));
                }
            }
        }
        Mutation::Drop { index } => match (fields, json) {
            (Some(f), _) if !f.is_empty() => {
                f.remove(index % f.len());
            }
            (None, Some(Value::Object(map))) if !map.is_empty() => {
                let key = map
                    .keys()
                    .nth(index % map.len())
                    .cloned()
                    .unwrap_or_default();
                map.remove(&key);
            }
            _ => {}
        },
        Mutation::Extra { name, value } => match (fields, json) {
            (Some(f), _) => f.push((name.clone(), value.clone())),
            (None, Some(Value::Object(map))) => {
                map.insert(name.clone(), Value::String(value.clone()));
            }
            _ => {}
        },
        Mutation::Query { name, raw } => raw_query.push(format!("{name}={raw}")),
        Mutation::Segment { index, raw } => {
            let i = 1 + index % (segments.len() - 1).max(1);
            if i < segments.len() {
                segments[i] = raw.clone();
            } else {
                segments.push(raw.clone());
            }
        }
        Mutation::Body { content_type, body } => {
            raw_body = Some((content_type.clone(), body.clone().into_bytes()));
        }
        Mutation::ContentType(c) => content_type = Some(c.clone()),
        Mutation::Oversized { kib } => {
            let mut body = form_text(&[("csrf".into(), csrf.clone())]).into_bytes();
            body.extend(b"&x=");
            body.resize(kib * 1024, b'a');
            raw_body = Some(("application/x-www-form-urlencoded".into(), body));
        }
        Mutation::Method(m) => method = m.clone(),
        Mutation::Deep(depth) => {
            let body = format!("{}1{}", "[".repeat(*depth), "]".repeat(*depth));
            raw_body = Some(("application/json".into(), body.into_bytes()));
        }
    }
    let sent_path = segments.join("/");
    let mut url = format!("{base}{sent_path}");
    let mut parts: Vec<String> = Vec::new();
    if !query.is_empty() {
        // An address has room for about 64 KiB; long values go in bodies.
        for (_, v) in query.iter_mut() {
            *v = v.chars().take(2_000).collect();
        }
        parts.push(form_text(&query));
    }
    parts.extend(raw_query);
    if !parts.is_empty() {
        url.push('?');
        url.push_str(&parts.join("&"));
    }
    let client = match (row.auth, caller) {
        (Auth::Session, Some(c)) => &c.browser,
        (Auth::Public, _) => child,
        _ => anonymous,
    };
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = client
        .request(method, &url)
        .header("x-forwarded-for", forwarded_for);
    if let (Auth::Token, Some(token)) = (row.auth, caller.and_then(|c| c.token.as_ref())) {
        request = request.bearer_auth(token);
    }
    request = match (raw_body, payload) {
        (Some((c, body)), _) => request.header("content-type", c).body(body),
        (None, Payload::Nothing) => request,
        (None, Payload::Form(f)) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_text(&f)),
        (None, Payload::Multipart(f)) => {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in f {
                form = form.text(k, v);
            }
            request.multipart(form)
        }
        (None, Payload::Json(json)) => request
            .header("content-type", "application/json")
            .body(json.to_string()),
    };
    if let Some(c) = content_type {
        request = request.header("content-type", c);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let clears_session = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().is_ok_and(|c| c.starts_with("veilig_session=;")))
        || response
            .headers()
            .get("location")
            .is_some_and(|l| l == "/staff/login");
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("the answer broke off: {e}"))?;
    Ok(Answer {
        // What the server sees: a `#` ends the path.
        path: sent_path.split('#').next().unwrap_or_default().to_string(),
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        clears_session,
    })
}
