//! Latency figures: percentiles over recorded durations.

use std::time::Duration;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of `runs` timings of `f`.
pub async fn median_of<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = std::time::Instant::now();
        f().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(percentile(&times, 50.0))
}

/// CPU seconds (user and system) used so far by the process `pid` and the children it has
/// waited for, from `/proc/<pid>/stat`; 0 when it cannot be read.
pub fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // After the command's name in parentheses: state is field 3, utime 14, stime 15,
    // cutime 16, cstime 17.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = (11..=14)
        .filter_map(|i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1);
    ticks as f64 / per_second as f64
}

/// The same over every process named `name` (`postgres`: its server, each connection's
/// process, and through the server's children waited for, connections that ended).
pub fn cpu_seconds_named(name: &str) -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|pid| pid.chars().all(|c| c.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == name)
        })
        .map(|pid| cpu_seconds(&pid))
        .sum()
}

/// CPU seconds of the server, the database and this load generator, read together.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    pub server: f64,
    pub database: f64,
    pub load: f64,
}

impl Cpu {
    pub fn now(server_pid: Option<u32>) -> Cpu {
        Cpu {
            server: server_pid.map_or(0.0, |pid| cpu_seconds(&pid.to_string())),
            database: cpu_seconds_named("postgres"),
            load: cpu_seconds("self"),
        }
    }

    /// What was used since `before`, per 1,000 of `n`.
    pub fn per_thousand_since(self, before: Cpu, n: usize) -> Cpu {
        let per = 1_000.0 / n.max(1) as f64;
        Cpu {
            server: (self.server - before.server) * per,
            database: (self.database - before.database) * per,
            load: (self.load - before.load) * per,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_used_some_cpu() {
        let started = std::time::Instant::now();
        let mut spin = 0u64;
        while cpu_seconds("self") == 0.0 {
            spin = (0..100_000u64).fold(spin, |a, b| a.wrapping_add(b * b));
            assert!(
                started.elapsed().as_secs() < 10,
                "no CPU time read ({spin})"
            );
        }
        assert_eq!(cpu_seconds("no-such-process"), 0.0);
    }

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50.0), Duration::from_millis(51));
        assert_eq!(percentile(&times, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&times, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
