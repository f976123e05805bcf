//! The real server as a child process (`target/release/veilig serve`), so that its memory can
//! be read from /proc while the load runs.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub url: String,
}

/// The release binary next to this one (`cargo build --release -p veilig`).
pub fn veilig_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let dir = me
        .parent()
        .context("the benchmark binary has no directory")?;
    let binary = dir.join("veilig");
    if !binary.exists() {
        bail!(
            "{} is missing: build it first with `cargo build --release -p veilig` \
             (scripts/bench.sh does both)",
            binary.display()
        );
    }
    Ok(binary)
}

impl Server {
    /// Starts `veilig serve` on a free port and waits for the line with its address.
    pub async fn start(
        database_url: &str,
        pepper: &Path,
        extra: &[&str],
    ) -> anyhow::Result<Server> {
        let mut child = Command::new(veilig_binary()?)
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .env("DATABASE_URL", database_url)
            .env("VEILIG_PEPPER_FILE", pepper)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start veilig serve")?;
        let stdout = child.stdout.take().context("no stdout")?;
        // Read on a thread of its own, and keep reading so the child never blocks on the pipe.
        let (found, address) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("running at ").nth(1) {
                    let url = rest.split_whitespace().next().unwrap_or_default();
                    if let Some(found) = found.take() {
                        let _ = found.send(url.trim_end_matches('/').to_string());
                    }
                }
            }
        });
        match address.await {
            Ok(url) => Ok(Server { child, url }),
            Err(_) => {
                let _ = child.kill();
                bail!("veilig serve ended before it printed its address")
            }
        }
    }

    pub fn pid(&self) -> Option<u32> {
        Some(self.child.id())
    }

    /// Resident memory now and at its peak, in MiB, from /proc.
    pub fn memory_mib(&self) -> (f64, f64) {
        let status = self
            .pid()
            .and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map(|kb| kb / 1024.0)
                .unwrap_or(f64::NAN)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A pepper file for the run (the server refuses to start without one in production mode).
pub fn write_pepper(dir: &Path) -> anyhow::Result<PathBuf> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join("veilig.pepper");
    std::fs::write(&path, hex)?;
    Ok(path)
}
