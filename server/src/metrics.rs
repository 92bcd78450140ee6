//! Prometheus metrics: runs started and finished by task, claims, HTTP
//! requests and their latencies. Rendered as text by `GET /metrics`.

use crate::clock::now_micros;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use types::{Origin, RunState};

/// Upper bounds (seconds) of the latency buckets.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// Counts by label values.
struct Counter<K: Ord>(Mutex<BTreeMap<K, u64>>);

impl<K: Ord> Default for Counter<K> {
    fn default() -> Self {
        Counter(Mutex::new(BTreeMap::new()))
    }
}

impl<K: Ord> Counter<K> {
    fn add(&self, key: K, by: u64) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_insert(0) += by;
    }

    fn each(&self, mut f: impl FnMut(&K, u64)) {
        for (key, count) in self.0.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            f(key, *count);
        }
    }
}

/// A latency histogram.
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    fn observe_micros(&self, micros: u64) {
        #[allow(clippy::cast_precision_loss)]
        let seconds = micros as f64 / 1e6;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let separator = if labels.is_empty() { "" } else { "," };
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let count = bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {count}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{separator}le=\"+Inf\"}} {count}");
        #[allow(clippy::cast_precision_loss)]
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// Every metric of one process. Every label comes from a fixed set: task
/// paths from the catalog, states and origins from their enums, methods
/// from [`METHODS`], routes from the router's own patterns.
#[derive(Default)]
pub struct Metrics {
    started: Counter<(String, Origin)>,
    finished: Counter<(String, RunState)>,
    finished_total: AtomicU64,
    claimed: AtomicU64,
    /// Of `claimed`, the runs taken at their start (no claim statement).
    taken: AtomicU64,
    claim_latency: Histogram,
    /// By route, then by method and status: a request of a route seen
    /// before is counted without copying its name.
    requests: Mutex<BTreeMap<String, RouteCounts>>,
    request_latency: Histogram,
}

/// One route's requests, by method and status.
type RouteCounts = BTreeMap<(&'static str, u16), u64>;

/// The HTTP methods counted by name; any other is counted as `other`.
pub const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// `method` as a label: one of [`METHODS`], or `other`.
pub fn method_label(method: &str) -> &'static str {
    METHODS.into_iter().find(|known| *known == method).unwrap_or("other")
}

impl Metrics {
    pub fn run_started(&self, task: &str, origin: Origin) {
        self.started.add((task.to_owned(), origin), 1);
    }

    /// A run reached `state` (or went back to `pending` for a retry).
    pub fn run_finished(&self, task: &str, state: RunState) {
        self.finished.add((task.to_owned(), state), 1);
        self.finished_total.fetch_add(1, Ordering::Relaxed);
    }

    /// A count that moves with every HTTP request, claimed run and finished
    /// run: unchanged between two looks, the process was quiet in between.
    pub fn activity(&self) -> u64 {
        self.request_latency.count.load(Ordering::Relaxed)
            + self.claimed.load(Ordering::Relaxed)
            + self.finished_total.load(Ordering::Relaxed)
    }

    /// A claim statement that began at `began` (µs) returned `runs`.
    /// Runs claimed at their start (no claim statement to time).
    pub fn runs_taken(&self, runs: usize) {
        let runs = u64::try_from(runs).unwrap_or(0);
        self.claimed.fetch_add(runs, Ordering::Relaxed);
        self.taken.fetch_add(runs, Ordering::Relaxed);
    }

    pub fn observe_claim(&self, runs: usize, began: i64) {
        self.claimed.fetch_add(u64::try_from(runs).unwrap_or(0), Ordering::Relaxed);
        self.claim_latency.observe_micros(u64::try_from(now_micros() - began).unwrap_or(0));
    }

    pub fn http_request(&self, method: &str, route: &str, status: u16, micros: u64) {
        let key = (method_label(method), status);
        let mut routes = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        match routes.get_mut(route) {
            Some(counts) => *counts.entry(key).or_insert(0) += 1,
            None => {
                routes.insert(route.to_owned(), BTreeMap::from([(key, 1)]));
            }
        }
        drop(routes);
        self.request_latency.observe_micros(micros);
    }

    /// The Prometheus text format; `queue_depth` is read from the database by the caller.
    pub fn render(&self, queue_depth: u64) -> String {
        let mut out = String::new();
        out.push_str("# HELP task_starter_runs_started_total Runs started, by task and origin.\n");
        out.push_str("# TYPE task_starter_runs_started_total counter\n");
        self.started.each(|(task, origin), count| {
            let _ = writeln!(
                out,
                "task_starter_runs_started_total{{task=\"{}\",origin=\"{}\"}} {count}",
                escape(task),
                origin.as_str()
            );
        });
        out.push_str("# HELP task_starter_runs_finished_total Runs that reached a state, by task and state.\n");
        out.push_str("# TYPE task_starter_runs_finished_total counter\n");
        self.finished.each(|(task, state), count| {
            let _ = writeln!(
                out,
                "task_starter_runs_finished_total{{task=\"{}\",state=\"{}\"}} {count}",
                escape(task),
                state.as_str()
            );
        });
        out.push_str("# HELP task_starter_queue_depth Pending runs in the database.\n");
        out.push_str("# TYPE task_starter_queue_depth gauge\n");
        let _ = writeln!(out, "task_starter_queue_depth {queue_depth}");
        out.push_str("# HELP task_starter_runs_claimed_total Runs claimed by this process's workers.\n");
        out.push_str("# TYPE task_starter_runs_claimed_total counter\n");
        let _ = writeln!(out, "task_starter_runs_claimed_total {}", self.claimed.load(Ordering::Relaxed));
        out.push_str(
            "# HELP task_starter_runs_taken_at_start_total Of the runs claimed, those taken at their start by a free \
             worker (no claim statement).\n",
        );
        out.push_str("# TYPE task_starter_runs_taken_at_start_total counter\n");
        let _ = writeln!(out, "task_starter_runs_taken_at_start_total {}", self.taken.load(Ordering::Relaxed));
        out.push_str("# HELP task_starter_claim_seconds How long a claim statement took.\n");
        out.push_str("# TYPE task_starter_claim_seconds histogram\n");
        self.claim_latency.render(&mut out, "task_starter_claim_seconds", "");
        out.push_str("# HELP task_starter_http_requests_total HTTP requests, by method, route and status.\n");
        out.push_str("# TYPE task_starter_http_requests_total counter\n");
        for (route, counts) in self.requests.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let route = escape(route);
            for ((method, status), count) in counts {
                let _ = writeln!(
                    out,
                    "task_starter_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
                );
            }
        }
        out.push_str("# HELP task_starter_http_request_seconds How long HTTP requests took.\n");
        out.push_str("# TYPE task_starter_http_request_seconds histogram\n");
        self.request_latency.render(&mut out, "task_starter_http_request_seconds", "");
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::Metrics;
    use types::{Origin, RunState};

    #[test]
    fn counters_and_histograms_render_as_prometheus_text() {
        let metrics = Metrics::default();
        metrics.run_started("examples.tasks.example_task", Origin::Ui);
        metrics.run_finished("examples.tasks.example_task", RunState::Success);
        metrics.http_request("GET", "/api/v1/runs/{id}", 200, 1500);
        metrics.http_request("BREW", "/api/v1/runs/{id}", 405, 10);
        let text = metrics.render(3);
        assert!(text.contains("task_starter_runs_started_total{task=\"examples.tasks.example_task\",origin=\"ui\"} 1"));
        assert!(
            text.contains("task_starter_runs_finished_total{task=\"examples.tasks.example_task\",state=\"success\"} 1")
        );
        assert!(text.contains("task_starter_queue_depth 3"));
        assert!(text.contains("method=\"other\",route=\"/api/v1/runs/{id}\",status=\"405\"} 1"), "{text}");
        assert!(text.contains("task_starter_http_request_seconds_bucket{le=\"0.0025\"} 2"));
        assert!(text.contains("task_starter_http_request_seconds_bucket{le=\"0.001\"} 1"));
    }

    #[test]
    fn activity_moves_with_requests_claims_and_finished_runs_only() {
        let metrics = Metrics::default();
        let quiet = metrics.activity();
        metrics.observe_claim(0, 0);
        metrics.run_started("examples.tasks.example_task", Origin::Ui);
        assert_eq!(metrics.activity(), quiet, "an empty claim and a start alone are not activity");
        metrics.http_request("GET", "/healthz", 200, 10);
        metrics.observe_claim(2, 0);
        metrics.run_finished("examples.tasks.example_task", RunState::Success);
        assert_eq!(metrics.activity(), quiet + 4);
    }
}
