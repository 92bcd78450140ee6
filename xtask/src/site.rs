//! Writing the site: `pkg/` (the JavaScript, the wasm, the styles, and any
//! snippets wasm-bindgen wrote) and the files of `public/`, into a fresh
//! folder that replaces the old one at once. The three files are named by
//! their content (`task-starter.<hash>.wasm`), so browsers may keep them for
//! a year; `pkg/manifest.json` tells the server the names.

use crate::bindgen::Generated;
use crate::{OUTPUT_NAME, Plan};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Writes the site; returns the files of `pkg/` worth precompressing.
pub fn write(generated: &Generated, plan: &Plan) -> Result<Vec<PathBuf>> {
    let site = plan.site_root();
    let fresh = site.with_extension("new");
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh)?;
    }
    let pkg = fresh.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    let js = hashed_copy(&generated.js, &pkg, "js")?;
    let wasm = hashed_copy(&generated.wasm, &pkg, "wasm")?;
    let css = hashed_copy(&plan.root.join("style/main.css"), &pkg, "css")?;
    let manifest = format!("{{\"js\": {js:?}, \"wasm\": {wasm:?}, \"css\": {css:?}}}\n");
    std::fs::write(pkg.join("manifest.json"), manifest)?;
    let files = [js, wasm, css].map(|name| pkg.join(name)).to_vec();
    let snippets = generated.folder.join("snippets");
    if snippets.exists() {
        copy_folder(&snippets, &pkg.join("snippets"))?;
    }
    copy_folder(&plan.root.join("public"), &fresh)?;
    if site.exists() {
        std::fs::remove_dir_all(&site).with_context(|| format!("cannot remove the old {}", site.display()))?;
    }
    std::fs::rename(&fresh, &site)?;
    Ok(files.into_iter().map(|file| site.join("pkg").join(file.file_name().unwrap_or_default())).collect())
}

/// Copies `from` into `pkg` as `task-starter.<hash>.<extension>`; returns the name.
fn hashed_copy(from: &Path, pkg: &Path, extension: &str) -> Result<String> {
    let bytes = std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    let name = format!("{OUTPUT_NAME}.{:016x}.{extension}", fnv1a(&bytes));
    std::fs::write(pkg.join(&name), bytes)?;
    Ok(name)
}

/// FNV-1a, 64 bits: a name that changes whenever the content does.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

fn copy(from: &Path, to: &Path) -> Result<PathBuf> {
    std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(to.to_owned())
}

fn copy_folder(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_folder(&entry.path(), &target)?;
        } else {
            copy(&entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn names_follow_the_content() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(b"wasm 1"), fnv1a(b"wasm 2"));
    }
}
