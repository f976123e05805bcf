//! What one request may cost: its body is read whole, up to `MAX_BODY_BYTES`, before any
//! handler runs. A larger body is still read to its end (up to `DRAIN_BYTES`, thrown away as it
//! comes) before the 413 is sent: a server that answers while the client is still sending
//! closes the connection under it, and the client sees a reset instead of the answer.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;

/// Requests with a larger body are refused with 413 before any handler sees them.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How much of a refused body is read (and dropped) so the 413 reaches the client; beyond this
/// the connection is simply closed.
const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a whole request may take, its body included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

enum Read {
    Whole(Bytes),
    TooLarge,
    Broken,
}

async fn read(mut body: Body, declared: Option<u64>) -> Read {
    let mut kept: Vec<u8> = Vec::new();
    let mut seen: u64 = 0;
    let mut too_large = declared.is_some_and(|n| n > MAX_BODY_BYTES as u64);
    if declared.is_some_and(|n| n > DRAIN_BYTES) {
        return Read::TooLarge;
    }
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        let data = match frame {
            None => break,
            Some(Err(_)) if too_large => return Read::TooLarge,
            Some(Err(_)) => return Read::Broken,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        seen += data.len() as u64;
        if seen > MAX_BODY_BYTES as u64 {
            too_large = true;
            kept = Vec::new();
        }
        if seen > DRAIN_BYTES {
            return Read::TooLarge;
        }
        if !too_large {
            kept.extend_from_slice(&data);
        }
    }
    if too_large {
        Read::TooLarge
    } else {
        Read::Whole(Bytes::from(kept))
    }
}

/// Reads the body whole (or refuses it), then hands the request on with the bytes read.
pub async fn whole_body(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match read(body, declared).await {
        Read::Whole(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Read::TooLarge => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Read::Broken => StatusCode::BAD_REQUEST.into_response(),
    }
}
