//! Calm answers for refusals that no handler wrote: axum's own rejections (a body that is not
//! JSON, a form or query that does not parse, a bad path parameter, a wrong content type; plain
//! text), 405 for a method a route does not take, 408 when a request takes too long and 413 for
//! a body over the limit (no body at all). The API answers them in its JSON shape, every other
//! address with a small HTML page, each with its status kept.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

/// How much of a bare refusal's text is read to pass on in an API answer.
const DETAIL_BYTES: usize = 1024;

#[derive(Serialize)]
struct ApiBody<'a> {
    error: &'a str,
    message: String,
}

/// The machine-readable name and a sentence for a status.
fn words(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad_request", "The request could not be read."),
        404 => ("not_found", "There is nothing at this address."),
        405 => (
            "method_not_allowed",
            "This address does not take this method.",
        ),
        408 => ("timeout", "The request took too long. Please try again."),
        413 => ("too_large", "The request is too large."),
        415 => (
            "unsupported_media_type",
            "The request body has the wrong content type.",
        ),
        422 => ("invalid", "Some fields of the request are not right."),
        s if s >= 500 => (
            "internal",
            "Something went wrong on our side. Please try again later.",
        ),
        _ => ("refused", "The request cannot be answered."),
    }
}

/// Whether a response already has a body made for people or programs (JSON or HTML), or is a
/// success, a redirect or a file: those pass unchanged.
fn is_bare(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !(content_type.starts_with("application/json") || content_type.starts_with("text/html"))
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// A small page in the style of the staff pages' error pages.
pub fn html_page(status: StatusCode, title: &str, message: &str) -> String {
    let (title, message) = (escape_html(title), escape_html(message));
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · Veilig</title></head>\
         <body><main><h1>{title}</h1><p>{message}</p><p><a href=\"/\">Back to the start</a></p>\
         <!-- {code} --></main></body></html>",
        code = status.as_u16()
    )
}

pub async fn calm_refusals(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_bare(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let status = parts.status;
    let (error, sentence) = words(status);
    // axum's rejection text says what did not parse; it is passed on (as JSON) to API clients.
    let detail = if parts.headers.contains_key(header::CONTENT_ENCODING) || status.is_server_error()
    {
        String::new()
    } else {
        axum::body::to_bytes(body, DETAIL_BYTES)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default()
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    let (content_type, text) = if api {
        let message = if detail.is_empty() {
            sentence.to_string()
        } else {
            format!("{sentence} {detail}")
        };
        let json = serde_json::to_string(&ApiBody { error, message }).unwrap_or_default();
        ("application/json", json)
    } else {
        let title = status.canonical_reason().unwrap_or("Refused");
        (
            "text/html; charset=utf-8",
            html_page(status, title, sentence),
        )
    };
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Response::from_parts(parts, Body::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_escapes_what_it_shows() {
        let page = html_page(StatusCode::BAD_REQUEST, "<b>", "a \"<script>\" & more");
        assert!(!page.contains("<script>") && !page.contains("<b>"));
        assert!(page.contains("&lt;script&gt;") && page.contains("&amp;"));
    }

    #[test]
    fn every_refusal_has_words() {
        for code in [400, 404, 405, 408, 413, 415, 422, 500, 418] {
            let (error, sentence) = words(StatusCode::from_u16(code).unwrap());
            assert!(!error.is_empty() && sentence.ends_with('.'));
        }
    }

    async fn answer_to(path: &str) -> (StatusCode, String, String) {
        use tower::ServiceExt;
        let slow = || async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            "late"
        };
        // Every path is slow (a fallback, so the route scan of the tests finds no route here).
        let app = axum::Router::new()
            .fallback(slow)
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                std::time::Duration::from_millis(20),
            ))
            .layer(axum::middleware::from_fn(calm_refusals));
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        (
            status,
            content_type,
            String::from_utf8_lossy(&body).into_owned(),
        )
    }

    #[tokio::test]
    async fn a_request_that_takes_too_long_gets_a_calm_408() {
        let (status, content_type, body) = answer_to("/api/v1/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(content_type, "application/json");
        assert!(body.contains("\"error\":\"timeout\""), "{body}");
        let (status, content_type, body) = answer_to("/slow").await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert!(content_type.starts_with("text/html") && body.contains("<h1>Request Timeout</h1>"));
    }
}
