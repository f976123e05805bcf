//! A TCP relay between the server and its database that a test can switch off: while off, every
//! connection through it is dropped and new ones are refused, as when PostgreSQL is stopped;
//! switched on again, it listens on the same port, as when PostgreSQL is back.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub struct Relay {
    /// The relay's own address, e.g. `127.0.0.1:40123`: put it where the database's would be.
    pub address: String,
    target: String,
    tasks: Arc<Mutex<Tasks>>,
}

#[derive(Default)]
struct Tasks {
    listening: Option<AbortHandle>,
    open: Vec<AbortHandle>,
}

impl Relay {
    /// A relay to `target` (`host:port`), switched on.
    pub async fn to(target: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("an address").to_string();
        let relay = Relay {
            address,
            target: target.to_string(),
            tasks: Arc::default(),
        };
        relay.listen(listener);
        relay
    }

    fn listen(&self, listener: TcpListener) {
        let (target, tasks) = (self.target.clone(), self.tasks.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut near, _)) = listener.accept().await {
                let target = target.clone();
                let connection = tokio::spawn(async move {
                    if let Ok(mut far) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut near, &mut far).await;
                    }
                });
                let mut tasks = tasks.lock().unwrap_or_else(|e| e.into_inner());
                tasks.open.retain(|t| !t.is_finished());
                tasks.open.push(connection.abort_handle());
            }
        });
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .listening = Some(accepting.abort_handle());
    }

    /// Off: open connections are cut and the port stops listening (connections are refused).
    pub async fn switch_off(&self) {
        self.abort_all();
        // Aborted tasks drop their sockets when the runtime next gets to them.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    fn abort_all(&self) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(listening) = tasks.listening.take() {
            listening.abort();
        }
        for connection in tasks.open.drain(..) {
            connection.abort();
        }
    }

    /// On again, on the same port.
    pub async fn switch_on(&self) {
        for _ in 0..100 {
            match TcpListener::bind(&self.address).await {
                Ok(listener) => return self.listen(listener),
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        panic!("the relay cannot listen on {} again", self.address);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.abort_all();
    }
}
