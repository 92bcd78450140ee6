//! The two cargo builds: the console's wasm (in a target folder of its own,
//! `front/`, so that it can run beside the server's build instead of waiting
//! for cargo's lock) and the server's binary.
//!
//! Release builds erase the view types on both sides (`--cfg
//! erase_components`: every component's view becomes Leptos's `AnyView`).
//! The two must match, or the page does not hydrate. On the release site
//! (docs/performance.md, 2026-12-06 evening): wasm 709,675 → 637,991 B gzip,
//! Lighthouse TBT on `/` 206–257 → 153 ms and on `/runs` 151–163 → 101 ms;
//! the browser tests pass on it. Debug builds keep the types, so that their
//! dependencies are shared with `cargo test` and clippy.

use crate::Plan;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::{Child, Command};

/// Builds the frontend's wasm; returns its path.
pub fn build_wasm(plan: &Plan) -> Result<PathBuf> {
    let front = plan.target_dir.join("front");
    let profile = if plan.release { "wasm-release" } else { "dev" };
    let mut command = cargo();
    command
        .args(["build", "--package", "frontend", "--lib", "--target", "wasm32-unknown-unknown"])
        .args(["--no-default-features", "--features", "hydrate", "--profile", profile])
        .arg("--target-dir")
        .arg(&front)
        .current_dir(&plan.root);
    if plan.release {
        add_rustflags(&mut command, "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS");
    }
    let status = command.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("cargo could not build the wasm ({status})");
    }
    let folder = if plan.release { "wasm-release" } else { "debug" };
    Ok(front.join("wasm32-unknown-unknown").join(folder).join("frontend.wasm"))
}

/// Starts building the server binary (with the `ssr` feature, which it has
/// by default) in the profile of the plan.
pub fn spawn_server_build(plan: &Plan) -> Result<Child> {
    let mut command = cargo();
    command.args(["build", "--package", "task-starter", "--bin", "task-starter"]).current_dir(&plan.root);
    if plan.release {
        command.arg("--release");
        add_rustflags(&mut command, "RUSTFLAGS");
    }
    command.spawn().context("cannot run cargo")
}

/// The flag of release builds (see the module's doc).
const RELEASE_RUSTFLAGS: &str = "--cfg erase_components";

/// Adds [`RELEASE_RUSTFLAGS`] to `variable` for `command`, after whatever
/// the caller's environment already puts there.
fn add_rustflags(command: &mut Command, variable: &str) {
    let flags = match std::env::var(variable) {
        Ok(flags) if !flags.trim().is_empty() => format!("{flags} {RELEASE_RUSTFLAGS}"),
        _ => RELEASE_RUSTFLAGS.to_owned(),
    };
    command.env(variable, flags);
}

/// Waits for a build started with [`spawn_server_build`].
pub fn wait(mut child: Child, what: &str) -> Result<()> {
    let status = child.wait().with_context(|| format!("cannot wait for {what}"))?;
    if status.success() { Ok(()) } else { bail!("{what} failed ({status})") }
}

/// `cargo`, the same one that runs this program.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
