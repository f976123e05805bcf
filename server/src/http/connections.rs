//! Serving connections so that idle or slow ones cannot starve the server.
//!
//! `axum::serve` sets hyper up without a timer, so a connection that never finishes its
//! request header stays open for ever, and enough of them use up the process's open files
//! (every `/health` probe then fails). Here hyper's HTTP/1 server runs with a timer:
//!
//! - a connection must send a complete request header within `header_timeout` of opening, and
//!   of finishing its last answer (so this is also the idle keep-alive timeout): slow-header
//!   and silent connections are closed;
//! - a request's body and handling are bounded by the router's own timeout (`limits`);
//! - at most `max_open` connections are open at once, below the open-files limit. When a new
//!   one arrives at the cap, the oldest connection that is not in a request is closed to make
//!   room, so a crowd of idle sockets cannot keep a probe or a child out; if every connection
//!   is in a request, the new one is closed at once (the server is overloaded).

use crate::config::ConnectionSettings;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use http_body_util::BodyExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// How long stopping waits for the requests under way.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(35);

/// The open connections, oldest first.
#[derive(Default)]
struct Registry {
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    next: u64,
    by_age: BTreeMap<u64, Entry>,
}

struct Entry {
    /// Requests of this connection being answered (a body still being sent counts).
    in_request: Arc<AtomicUsize>,
    close: Arc<Notify>,
}

/// A connection's place in the registry; leaving it when dropped.
struct Ticket {
    id: u64,
    in_request: Arc<AtomicUsize>,
    close: Arc<Notify>,
    registry: Arc<Registry>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.registry.lock().by_age.remove(&self.id);
    }
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn join(self: &Arc<Self>) -> Ticket {
        let (in_request, close) = (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new()));
        let mut open = self.lock();
        let id = open.next;
        open.next += 1;
        open.by_age.insert(
            id,
            Entry {
                in_request: in_request.clone(),
                close: close.clone(),
            },
        );
        Ticket {
            id,
            in_request,
            close,
            registry: self.clone(),
        }
    }

    fn len(&self) -> usize {
        self.lock().by_age.len()
    }

    /// Closes the oldest connection that is not in a request; false when every one is.
    fn close_oldest_idle(&self) -> bool {
        let mut open = self.lock();
        let oldest = open
            .by_age
            .iter()
            .find(|(_, e)| e.in_request.load(Ordering::Acquire) == 0)
            .map(|(&id, _)| id);
        match oldest.and_then(|id| open.by_age.remove(&id)) {
            Some(entry) => {
                // notify_one keeps the wake-up if the connection's task is not waiting yet.
                entry.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Counts a request of a connection from its start until its answer's body is sent.
struct InRequest(Arc<AtomicUsize>);

impl InRequest {
    fn start(count: &Arc<AtomicUsize>) -> InRequest {
        count.fetch_add(1, Ordering::AcqRel);
        InRequest(count.clone())
    }
}

impl Drop for InRequest {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests under way
/// finish. The peer's address is given to handlers as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: ConnectionSettings,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let max_open = settings.max_open();
    tracing::debug!(max_open, header_timeout = ?settings.header_timeout, "serving connections");
    let registry = Arc::new(Registry::default());
    let (stopping, stop) = watch::channel(false);
    let mut warned = None::<Instant>;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of open files (EMFILE, ENFILE): make room and try again in a moment; a
                // connection reset before it was taken (ECONNABORTED): nothing to do.
                if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) {
                    registry.close_oldest_idle();
                    if warned.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                        tracing::warn!(error = %e, open = registry.len(), "out of open files");
                        warned = Some(Instant::now());
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                } else if !matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                ) {
                    // Out of memory or buffers: not a tight loop.
                    tracing::debug!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        if registry.len() >= max_open && !registry.close_oldest_idle() {
            // Every connection is in a request: the server is full.
            if warned.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                tracing::warn!(max_open, "every connection is in a request; one refused");
                warned = Some(Instant::now());
            }
            drop(stream);
            continue;
        }
        let ticket = registry.join();
        tokio::spawn(connection(
            stream,
            peer,
            router.clone(),
            settings.header_timeout,
            ticket,
            stop.clone(),
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    drop(stop);
    // Every connection holds a receiver until it has ended; a request gets its 30 s and a
    // little more, a client that does not read its answer is not waited for.
    if tokio::time::timeout(SHUTDOWN_GRACE, stopping.closed())
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown are closed");
    }
    Ok(())
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    header_timeout: Duration,
    ticket: Ticket,
    stop: watch::Receiver<bool>,
) {
    let in_request = ticket.in_request.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        let counted = InRequest::start(&in_request);
        request.extensions_mut().insert(ConnectInfo(peer));
        let router = router.clone();
        async move {
            let response = router.oneshot(request.map(Body::new)).await?;
            // Still in the request until the last byte of the body is handed over.
            Ok::<_, std::convert::Infallible>(response.map(move |body| {
                Body::new(body.map_frame(move |frame| {
                    let _still = &counted;
                    frame
                }))
            }))
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let served = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    let mut watching = stop.clone();
    let stopping = async move {
        // The guard that `wait_for` returns is dropped here, before anything else awaits.
        let _ = watching.wait_for(|stopping| *stopping).await;
    };
    let ended = tokio::select! {
        outcome = served.as_mut() => Some(outcome),
        // Closed to make room for another. It was not in a request when chosen, but one may
        // have arrived since: a graceful shutdown closes an idle connection (or one part-way
        // through a header) at once, and lets a request under way finish.
        () = ticket.close.notified() => None,
        () = stopping => None,
    };
    match ended {
        Some(Ok(())) => {}
        Some(Err(e)) => tracing::debug!(error = %e, "a connection ended with an error"),
        None => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
    // Stopping the server waits until every connection has let go of its receiver.
    drop(stop);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_connection_not_in_a_request_makes_room() {
        let registry = Arc::new(Registry::default());
        let tickets: Vec<Ticket> = (0..3).map(|_| registry.join()).collect();
        let busy = InRequest::start(&tickets[0].in_request);
        assert!(registry.close_oldest_idle());
        // The first is in a request: the second goes, and is told so.
        assert_eq!(registry.len(), 2);
        assert!(!registry.lock().by_age.contains_key(&tickets[1].id));
        assert!(registry.close_oldest_idle());
        assert!(!registry.close_oldest_idle(), "only the busy one is left");
        drop(busy);
        assert!(registry.close_oldest_idle());
        drop(tickets);
        assert_eq!(registry.len(), 0);
    }
}
