//! What the tests that start `veilig serve` as a process share.

use std::io::{BufRead, BufReader};
use std::process::ChildStdout;
use std::time::Duration;

/// Reads the server's standard output beside the test, for as long as the server writes (so it
/// never blocks on a full pipe), and returns the address it says it is running at
/// (`http://127.0.0.1:PORT`), or `None` when it said nothing of the kind within `wait`.
pub fn address_from(stdout: ChildStdout, wait: Duration) -> Option<String> {
    let (found, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("running at ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or_default();
                let _ = found.send(url.trim_end_matches('/').to_string());
            }
        }
    });
    address.recv_timeout(wait).ok()
}
