//! Connections that cannot starve the server: the real `veilig serve`, as a process whose
//! open-files limit is 1,024, keeps answering `/health` while 2,000 idle and slow-header
//! sockets are held open against it, and closes the idle ones after its header timeout.
//!
//! Before the server had a timer and a cap (`axum::serve`), every one of these sockets stayed
//! open, the server ran out of open files, and `/health` timed out until they were closed.

mod common;

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const OPEN_FILES: u64 = 1_024;
const SILENT: usize = 1_500;
const SLOW: usize = 500;
const HEADER_TIMEOUT_SECONDS: u64 = 3;

struct Server {
    child: Child,
    address: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn set_open_files(limit: u64) -> std::io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    };
    // SAFETY: setrlimit reads the struct it is given; it is async-signal-safe, so it may run
    // between fork and exec.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Raises this test process's own soft limit to its hard one: it holds 2,000 sockets.
fn raise_own_open_files() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    let wanted = (SILENT + SLOW + 256) as u64;
    if limit.rlim_cur < wanted {
        assert!(
            limit.rlim_max >= wanted,
            "the test needs {wanted} open files; the hard limit is {}",
            limit.rlim_max
        );
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: as above.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) }, 0);
    }
}

/// `veilig serve` on SQLite, limited to `OPEN_FILES` open files, with a short header timeout.
fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("veilig-connections-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pepper"), "ab".repeat(32)).unwrap();
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_veilig"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(["--header-timeout", &HEADER_TIMEOUT_SECONDS.to_string()])
        .arg("--site-dir")
        .arg(dir.join("no-site"))
        .current_dir(&dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("veilig.db").display()),
        )
        .env("VEILIG_PEPPER_FILE", dir.join("pepper"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log);
    // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(|| set_open_files(OPEN_FILES));
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let address = common::address_from(stdout, Duration::from_secs(60))
        .expect("the server printed its address")
        .trim_start_matches("http://")
        .to_string();
    Server {
        child,
        address,
        dir,
    }
}

/// One `/health` over a new connection: its status and how long it took.
async fn probe(address: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let attempt = async {
        let mut stream = TcpStream::connect(address)
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: veilig\r\nConnection: close\r\n\r\n")
            .await
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer).to_string();
        if answer.starts_with("HTTP/1.1 200") {
            Ok(started.elapsed())
        } else {
            Err(format!(
                "answered {:?}",
                answer.lines().next().unwrap_or_default()
            ))
        }
    };
    tokio::time::timeout(Duration::from_secs(2), attempt)
        .await
        .map_err(|_| "no answer within 2 s".to_string())?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_answered_under_two_thousand_idle_and_slow_sockets_with_1024_open_files() {
    raise_own_open_files();
    let server = start();
    let address = server.address.clone();
    probe(&address).await.expect("the server answers at first");

    // 1,500 connections that send nothing, 500 that send a header a byte at a time.
    let mut silent = Vec::with_capacity(SILENT);
    for _ in 0..SILENT {
        silent.push(TcpStream::connect(&address).await.unwrap());
    }
    let slow = tokio::spawn({
        let address = address.clone();
        async move {
            let mut sockets = Vec::with_capacity(SLOW);
            for _ in 0..SLOW {
                let mut s = TcpStream::connect(&address).await.unwrap();
                let _ = s.write_all(b"GET /health HTTP/1.1\r\nX-Slow: ").await;
                sockets.push(s);
            }
            for _ in 0..8 {
                tokio::time::sleep(Duration::from_millis(500)).await;
                for s in &mut sockets {
                    let _ = s.write_all(b"a").await;
                }
            }
            sockets
        }
    });

    // A connection that had an answer and stays open (keep-alive) is idle.
    let mut kept_alive = TcpStream::connect(&address).await.unwrap();
    kept_alive
        .write_all(b"GET /health HTTP/1.1\r\nHost: veilig\r\n\r\n")
        .await
        .unwrap();
    // The whole answer, however long its headers: read until nothing more comes for a moment.
    let mut first = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(Ok(n)) =
        tokio::time::timeout(Duration::from_millis(300), kept_alive.read(&mut buffer)).await
    {
        if n == 0 {
            break;
        }
        first.extend_from_slice(&buffer[..n]);
    }
    assert!(first.starts_with(b"HTTP/1.1 200"), "keep-alive answered");

    let mut answered = Vec::new();
    for _ in 0..10 {
        answered.push(probe(&address).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let failed: Vec<&String> = answered.iter().filter_map(|a| a.as_ref().err()).collect();
    assert!(failed.is_empty(), "/health under 2,000 sockets: {failed:?}");

    // After the header timeout the server has closed the silent ones: reading gives the end.
    // (The first ones were closed to make room already; the last ones were not.)
    tokio::time::sleep(Duration::from_secs(HEADER_TIMEOUT_SECONDS + 2)).await;
    let mut still_open = Vec::new();
    let last_silent = silent.iter_mut().rev().take(200).map(|s| ("silent", s));
    for (what, socket) in last_silent.chain([("kept alive", &mut kept_alive)]) {
        let mut byte = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(50), socket.read(&mut byte)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(_)) => still_open.push(format!("{what}: sent something")),
            Err(_) => still_open.push(format!("{what}: open")),
        }
    }
    assert!(
        still_open.is_empty(),
        "{} of 201 not closed after the header timeout, the first: {:?}",
        still_open.len(),
        still_open.first()
    );
    let slow = slow.await.unwrap();
    drop(slow);
    drop(silent);
    probe(&address).await.expect("the server answers after");
    let log = std::fs::read_to_string(server.dir.join("server.log")).unwrap_or_default();
    assert!(!log.contains("panicked"), "{log}");
}
