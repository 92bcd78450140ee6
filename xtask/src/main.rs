//! `cargo xtask`: builds Task Starter without cargo-leptos.
//!
//! `cargo xtask site [--release] [--no-server]` builds the console's wasm
//! for `wasm32-unknown-unknown` (the `wasm-release` profile for a release),
//! runs wasm-bindgen on it (the library, at the version the workspace pins),
//! shrinks it with `wasm-opt` from npm's binaryen (release only), and writes
//! the site: `pkg/` with the JavaScript, the wasm and the styles, each also
//! precompressed (brotli and gzip), beside the files of `public/`. The server
//! is built at the same time, in its own cargo process. A release site goes
//! to `target/site`, a debug site to `target/site-debug`, so that neither
//! overwrites the other; the server finds its site through `site_root`.
//!
//! `cargo xtask sizes [--top N]` tells what the release wasm is made of (see
//! `sizes`).

mod bindgen;
mod cargo;
mod compress;
mod optimize;
mod site;
mod sizes;

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::time::Instant;

/// The name Leptos loads the site by (`LEPTOS_OUTPUT_NAME`).
const OUTPUT_NAME: &str = "task-starter";

/// What one call builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub release: bool,
    pub server: bool,
    /// The workspace's root folder.
    pub root: PathBuf,
    /// Cargo's target folder (`CARGO_TARGET_DIR`, or `target/`).
    pub target_dir: PathBuf,
}

impl Plan {
    /// Where the site is written.
    pub fn site_root(&self) -> PathBuf {
        self.root.join("target").join(if self.release { "site" } else { "site-debug" })
    }
}

fn main() -> std::process::ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(arguments: Vec<String>) -> Result<()> {
    const USAGE: &str = "usage: cargo xtask site [--release] [--no-server] | cargo xtask sizes [--top N]";
    let Some((command, flags)) = arguments.split_first() else {
        bail!(USAGE);
    };
    let mut plan = Plan { release: false, server: true, root: workspace_root()?, target_dir: PathBuf::new() };
    plan.target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| plan.root.join("target"), PathBuf::from);
    match command.as_str() {
        "site" => {}
        "sizes" => {
            plan.release = true;
            let top = match flags {
                [] => 25,
                [flag, count] if flag == "--top" => count.parse().context("--top takes a number")?,
                _ => bail!(USAGE),
            };
            return sizes::report(&plan, top);
        }
        _ => bail!("unknown command {command:?}; {USAGE}"),
    }
    for flag in flags {
        match flag.as_str() {
            "--release" => plan.release = true,
            "--no-server" => plan.server = false,
            other => bail!("unknown flag {other:?}; use --release or --no-server"),
        }
    }
    build(&plan)
}

/// Builds the site (and the server beside it).
fn build(plan: &Plan) -> Result<()> {
    let began = Instant::now();
    let server = plan.server.then(|| cargo::spawn_server_build(plan)).transpose()?;
    let wasm = step("wasm build", || cargo::build_wasm(plan))?;
    let generated = step("wasm-bindgen", || bindgen::generate(&wasm, plan))?;
    if plan.release {
        step("wasm-opt", || optimize::shrink(&generated.wasm, plan))?;
    }
    let written = step("site", || site::write(&generated, plan))?;
    step("precompression", || compress::precompress(&written, plan.release))?;
    if let Some(server) = server {
        step("server build", || cargo::wait(server, "the server build"))?;
    }
    println!(
        "xtask: {} site in {} ({:.0} s)",
        if plan.release { "release" } else { "debug" },
        plan.site_root().display(),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs one step, printing how long it took.
fn step<T>(name: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    let began = Instant::now();
    let done = work().with_context(|| format!("{name} failed"))?;
    println!("xtask: {name} done ({:.1} s)", began.elapsed().as_secs_f64());
    Ok(done)
}

/// The folder of the workspace's `Cargo.toml` (this crate's parent). `cargo
/// run` names this crate's folder at run time; that wins over the folder it
/// was compiled in, since clones that share a target dir share this binary.
fn workspace_root() -> Result<PathBuf> {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map(PathBuf::from).context("the xtask crate is not inside the workspace")
}
