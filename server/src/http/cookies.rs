//! Reading and setting the few cookies there are: the staff session, the plain survey's token
//! and the kiosk pass. All are HttpOnly and SameSite=Strict, and Secure whenever the server is
//! reached over TLS.

use axum::http::{header, HeaderMap, HeaderValue};

/// The value of cookie `name` in a request.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value. `max_age`: `None` lasts until the browser closes, `Some(0)` clears.
pub fn set(secure: bool, name: &str, value: &str, path: &str, max_age: Option<u64>) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    // Our values are URL-safe tokens and signed passes, so this is always a valid header.
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Strict{age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; veilig_session=abc; b=2"),
        );
        assert_eq!(read(&headers, "veilig_session"), Some("abc"));
        assert_eq!(read(&headers, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_and_strict_and_secure_over_tls() {
        let v = set(true, "n", "v", "/survey", Some(0));
        assert_eq!(
            v.to_str().unwrap(),
            "n=v; Path=/survey; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
        let v = set(false, "n", "v", "/", None);
        assert_eq!(
            v.to_str().unwrap(),
            "n=v; Path=/; HttpOnly; SameSite=Strict"
        );
    }
}
