//! The two cargo builds: the console's wasm (in a target folder of its own,
//! `front/`, so that it can run beside the server's build instead of waiting
//! for cargo's lock) and the server's binary.

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
    }
    command.spawn().context("cannot run cargo")
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
