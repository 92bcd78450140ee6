//! `bench --sign-in-memory`: the resident memory of a real `serve` process
//! (the `task-starter` binary beside this one) at rest, at its peak while
//! [`GUESSES`] wrong passwords arrive at once, and at rest again. Each guess
//! comes from a client of its own for an account of its own (through a
//! trusted proxy's `X-Forwarded-For`), so the throttle lets every one of
//! them reach the password check, as a spread-out attack would.
//!
//! `cargo build --release -p task-starter --bins`, then
//! `$CARGO_TARGET_DIR/release/bench --sign-in-memory --database sqlite`.

use super::memory::{mib, reset_peak, resident_memory, server_binary, start, stop};
use server_fn::ServerFn;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// How many wrong passwords arrive at once.
pub const GUESSES: usize = 100;

/// The figure on the database at `url` (fresh), printed as one line.
pub async fn figure(kind: &str, url: &str, scratch: &Path) -> Result<(), String> {
    let binary = server_binary()?;
    let settings = [("TASK_STARTER_HTTP_TRUSTED_PROXIES", r#"["127.0.0.1"]"#)];
    let served = start(&binary, url, &settings, scratch).await?;
    // Past the heap trimmer's quiet looks after start-up.
    tokio::time::sleep(task_starter::heap::QUIET * 3).await;
    let rest = resident_memory(&served.child)?.resident;
    reset_peak(&served.child)?;
    let began = Instant::now();
    let answers = guesses(&format!("{}{}", served.base, app::rpc::SignIn::PATH)).await;
    let took = began.elapsed();
    let peak = resident_memory(&served.child)?.peak;
    tokio::time::sleep(task_starter::heap::QUIET * 3).await;
    let after = resident_memory(&served.child)?.resident;
    stop(served).await;
    let answers = answers?;
    let shown: Vec<String> = answers.iter().map(|(status, count)| format!("{count}× {status}")).collect();
    println!(
        "{kind:<8} {GUESSES} wrong passwords at once   RSS at rest {:>5.1} MiB   peak {:>5.1} MiB   after {:>5.1} MiB   ({}, {:.1} s)",
        mib(rest),
        mib(peak),
        mib(after),
        shown.join(", "),
        took.as_secs_f64(),
    );
    Ok(())
}

/// Sends the guesses at once; how many answers had each status.
async fn guesses(sign_in: &str) -> Result<BTreeMap<u16, usize>, String> {
    let client = reqwest::Client::new();
    let sent: Vec<_> = (1..=GUESSES)
        .map(|guess| {
            let request = client
                .post(sign_in)
                .header("x-forwarded-for", format!("198.51.{}.{}", 100 + guess / 250, guess % 250 + 1))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("name=guesser{guess}&password=not-the-password-{guess}"));
            tokio::spawn(async move { request.send().await.map(|answer| answer.status().as_u16()) })
        })
        .collect();
    let mut answers = BTreeMap::new();
    for guess in sent {
        let status = guess.await.map_err(|error| error.to_string())?.map_err(|error| error.to_string())?;
        *answers.entry(status).or_insert(0) += 1;
    }
    Ok(answers)
}
