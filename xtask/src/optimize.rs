//! `wasm-opt -Oz` from npm's binaryen (`end2end/node_modules`, installed by
//! `npm ci` there). Debian's binaryen is too old: its output does not
//! hydrate.

use crate::Plan;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm features rustc enables for `wasm32-unknown-unknown`.
const FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

/// Shrinks `wasm` in place, dropping its names and debug sections.
pub fn shrink(wasm: &Path, plan: &Plan) -> Result<()> {
    let shrunk = wasm.with_extension("opt.wasm");
    run(wasm, &shrunk, &["--strip-debug"], plan)?;
    std::fs::rename(&shrunk, wasm).context("cannot replace the wasm with the shrunk one")
}

/// `wasm-opt -Oz` from `input` to `output`, with `extra` flags (`-g` keeps
/// the names section).
pub fn run(input: &Path, output: &Path, extra: &[&str], plan: &Plan) -> Result<()> {
    let tool = wasm_opt(plan)?;
    let status = Command::new(&tool)
        .arg("-Oz")
        .args(FEATURES)
        .args(extra)
        .arg("--strip-producers")
        .arg(input)
        .arg("-o")
        .arg(output)
        .status()
        .with_context(|| format!("cannot run {}", tool.display()))?;
    if status.success() { Ok(()) } else { bail!("wasm-opt failed ({status})") }
}

/// npm's `wasm-opt`, or one named by `WASM_OPT`. When `XTASK_WAIT_FOR_PID`
/// names a process (the `npm ci` a script started beside this build), that
/// process is waited for first.
fn wasm_opt(plan: &Plan) -> Result<PathBuf> {
    if let Some(tool) = std::env::var_os("WASM_OPT") {
        return Ok(PathBuf::from(tool));
    }
    if let Some(pid) = std::env::var("XTASK_WAIT_FOR_PID").ok().filter(|pid| pid.parse::<u32>().is_ok()) {
        // Gone, or a zombie ("Z") waiting for its parent to reap it.
        let stat = PathBuf::from(format!("/proc/{pid}/stat"));
        while std::fs::read_to_string(&stat).is_ok_and(|stat| stat.split(' ').nth(2) != Some("Z")) {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    let tool = plan.root.join("end2end/node_modules/.bin/wasm-opt");
    if tool.exists() {
        Ok(tool)
    } else {
        bail!("{} is missing: run `npm ci` in end2end/ (it brings binaryen), or set WASM_OPT", tool.display())
    }
}
