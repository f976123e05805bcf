//! A network cable between the browser and the test server that a test can pull out: a TCP
//! relay on its own port. DevTools' offline emulation tells the page it is offline (and fires
//! `online` when it ends) but lets some requests through, such as those a service worker passes
//! on; pulling the cable makes every connection fail, as on a tablet that lost its network.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub struct Cable {
    /// The server's address through the cable, e.g. `http://127.0.0.1:40123`.
    pub address: String,
    pulled: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    relay: AbortHandle,
    /// Bytes that went from the server to the browser (headers and bodies, as sent).
    received: Arc<AtomicU64>,
}

/// Copies one direction of a connection, counting what passes.
async fn relay_counting(
    mut from: impl tokio::io::AsyncRead + Unpin,
    mut to: impl tokio::io::AsyncWrite + Unpin,
    count: Option<&AtomicU64>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer).await {
        if n == 0 || to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        if let Some(count) = count {
            count.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
    let _ = to.shutdown().await;
}

impl Cable {
    /// A cable to `upstream` (`http://127.0.0.1:PORT`).
    pub async fn to(upstream: &str) -> Cable {
        let target = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        let pulled = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let received = Arc::new(AtomicU64::new(0));
        let (p, o, r) = (pulled.clone(), open.clone(), received.clone());
        let relay = tokio::spawn(async move {
            while let Ok((mut browser_side, _)) = listener.accept().await {
                if p.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes at once
                }
                let (target, received) = (target.clone(), r.clone());
                let task = tokio::spawn(async move {
                    if let Ok(mut server_side) = TcpStream::connect(&target).await {
                        let (browser_in, browser_out) = browser_side.split();
                        let (server_in, server_out) = server_side.split();
                        tokio::join!(
                            relay_counting(browser_in, server_out, None),
                            relay_counting(server_in, browser_out, Some(&received)),
                        );
                    }
                });
                o.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(task.abort_handle());
            }
        })
        .abort_handle();
        Cable {
            address: format!("http://127.0.0.1:{port}"),
            pulled,
            open,
            relay,
            received,
        }
    }

    /// Bytes the browser has received through this cable so far.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Pulls the cable: every open connection breaks, and new ones close at once.
    pub fn pull(&self) {
        self.pulled.store(true, Ordering::SeqCst);
        for connection in self
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            connection.abort();
        }
    }

    pub fn plug_in(&self) {
        self.pulled.store(false, Ordering::SeqCst);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.relay.abort();
        self.pull();
    }
}
