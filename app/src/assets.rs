//! The site's files as the page names them: the JavaScript glue, the wasm
//! and the styles under `/pkg/`. A site written by `cargo xtask site` names
//! them by their content (`task-starter.3f9c….wasm`, cached for a year); one
//! written by cargo-leptos uses the plain names. The server reads which from
//! the site's manifest and provides it as context.

use serde::{Deserialize, Serialize};

/// The names of the site's files in `/pkg/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteAssets {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Default for SiteAssets {
    /// The plain names cargo-leptos writes.
    fn default() -> SiteAssets {
        SiteAssets {
            js: "task-starter.js".to_owned(),
            wasm: "task-starter.wasm".to_owned(),
            css: "task-starter.css".to_owned(),
        }
    }
}

impl SiteAssets {
    pub fn js_href(&self) -> String {
        format!("/pkg/{}", self.js)
    }

    pub fn wasm_href(&self) -> String {
        format!("/pkg/{}", self.wasm)
    }

    pub fn css_href(&self) -> String {
        format!("/pkg/{}", self.css)
    }

    /// The module script that loads the wasm and hydrates the page.
    pub fn boot_script(&self) -> String {
        format!(
            "requestAnimationFrame(() => setTimeout(() => import({js:?}).then(({{ default: init, hydrate }}) => \
             init({{ module_or_path: {wasm:?} }}).then(() => hydrate())), 0));",
            js = self.js_href(),
            wasm = self.wasm_href()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::SiteAssets;

    #[test]
    fn the_boot_script_loads_the_named_files() {
        let assets = SiteAssets { js: "a.1.js".to_owned(), wasm: "a.2.wasm".to_owned(), css: "a.3.css".to_owned() };
        assert_eq!(
            assets.boot_script(),
            r#"requestAnimationFrame(() => setTimeout(() => import("/pkg/a.1.js").then(({ default: init, hydrate }) => init({ module_or_path: "/pkg/a.2.wasm" }).then(() => hydrate())), 0));"#
        );
    }
}
