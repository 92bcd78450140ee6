//! wasm-bindgen, as a library: the JavaScript glue and the wasm it loads.

use crate::{OUTPUT_NAME, Plan};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What wasm-bindgen wrote, in a scratch folder of the target dir.
pub struct Generated {
    pub folder: PathBuf,
    pub js: PathBuf,
    pub wasm: PathBuf,
}

pub fn generate(wasm: &Path, plan: &Plan) -> Result<Generated> {
    let folder = plan.target_dir.join("front").join(if plan.release { "bindgen-release" } else { "bindgen-debug" });
    if folder.exists() {
        std::fs::remove_dir_all(&folder).with_context(|| format!("cannot empty {}", folder.display()))?;
    }
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(wasm)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .typescript(false)
        .omit_default_module_path(false)
        .keep_debug(false)
        .remove_producers_section(plan.release);
    bindgen.generate(&folder).with_context(|| format!("wasm-bindgen could not process {}", wasm.display()))?;
    Ok(Generated {
        js: folder.join(format!("{OUTPUT_NAME}.js")),
        wasm: folder.join(format!("{OUTPUT_NAME}_bg.wasm")),
        folder,
    })
}
