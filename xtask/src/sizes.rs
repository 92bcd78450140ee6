//! `cargo xtask sizes [--top N]`: what the release wasm is made of, the way
//! `twiggy top` and `twiggy monos` tell it, without installing twiggy. It
//! shrinks cargo's wasm (which keeps its names section) with the site's
//! `wasm-opt -Oz`, keeping the names (`-g`), then prints the largest
//! functions, the bytes of code per crate, and per generic function summed
//! over its instances (what monomorphisation costs). wasm-bindgen's
//! `__wbindgen_describe` functions are left out: the site has none. Last,
//! the sizes of the site's own wasm as served (raw, gzip, brotli).

use crate::{Plan, optimize};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::Path;

/// One function of the code section: its demangled name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub bytes: usize,
}

pub fn report(plan: &Plan, top: usize) -> Result<()> {
    let built = plan.target_dir.join("front/wasm32-unknown-unknown/wasm-release/frontend.wasm");
    if !built.exists() {
        bail!("{} is missing: run `cargo xtask site --release` first", built.display());
    }
    let named = plan.target_dir.join("front/sizes.wasm");
    optimize::run(&built, &named, &["-g"], plan)?;
    let bytes = std::fs::read(&named).with_context(|| format!("cannot read {}", named.display()))?;
    let mut functions: Vec<Function> =
        functions(&bytes)?.into_iter().filter(|function| !function.name.starts_with("__wbindgen_describe")).collect();
    functions.sort_by_key(|function| std::cmp::Reverse(function.bytes));
    let code: usize = functions.iter().map(|function| function.bytes).sum();
    println!("code: {code} B in {} functions (after wasm-opt -Oz)", functions.len());
    println!("\nlargest functions:");
    for function in functions.iter().take(top) {
        println!("{:>9} {:>5.1}%  {}", function.bytes, percent(function.bytes, code), shorten(&function.name));
    }
    for (title, key) in [("per crate", crate_of as fn(&str) -> String), ("per generic function", family_of)] {
        println!("\n{title} (bytes, share, instances):");
        for (name, (bytes, count)) in totals(&functions, key).into_iter().take(top) {
            println!("{bytes:>9} {:>5.1}% {count:>6}  {}", percent(bytes, code), shorten(&name));
        }
    }
    served(&plan.site_root().join("pkg"))
}

/// The site's wasm and its precompressed files, as the server sends them.
fn served(pkg: &Path) -> Result<()> {
    let entries = std::fs::read_dir(pkg).with_context(|| format!("cannot read {}", pkg.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        // The site's own names: `task-starter.<hash>.wasm`, `.wasm.gz`, `.wasm.br`.
        if name.contains(".wasm") {
            println!("served: {name} {} B", std::fs::metadata(&path)?.len());
        }
    }
    Ok(())
}

/// Sums of bytes and counts of functions per `key`, largest first.
fn totals(functions: &[Function], key: fn(&str) -> String) -> Vec<(String, (usize, usize))> {
    let mut sums: HashMap<String, (usize, usize)> = HashMap::new();
    for function in functions {
        let entry = sums.entry(key(&function.name)).or_default();
        entry.0 += function.bytes;
        entry.1 += 1;
    }
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    sums
}

/// The crate a function belongs to: the first path's; for `<T as Trait>`
/// with a bare type parameter, the trait's.
pub fn crate_of(name: &str) -> String {
    let mut rest = name.trim_start_matches(['<', '&', '(', '[', '*']);
    for prefix in ["mut ", "dyn ", "const "] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    if let Some((self_type, implemented)) = rest.split_once(" as ")
        && !self_type.contains("::")
    {
        rest = implemented;
    }
    match rest.split_once("::") {
        Some((first, _)) if first.chars().all(|ch| ch.is_alphanumeric() || ch == '_') => first.to_owned(),
        _ => "(other)".to_owned(),
    }
}

/// The name without its generic arguments: the instances of one generic
/// function share it. A `<` that opens a qualified path (`<A as B>::f`) is
/// kept; one after a name (`f<T>`) opens arguments, which are dropped.
pub fn family_of(name: &str) -> String {
    let mut family = String::with_capacity(name.len());
    // For each open `<`: whether it holds generic arguments.
    let mut open: Vec<bool> = Vec::new();
    let mut previous = None;
    for ch in name.chars() {
        let inside_arguments = open.iter().any(|&arguments| arguments);
        match ch {
            '<' => {
                let arguments = previous.is_some_and(|before: char| before.is_alphanumeric() || before == '_');
                if !arguments && !inside_arguments {
                    family.push(ch);
                }
                open.push(arguments);
            }
            '>' => {
                let qualified = open.pop() == Some(false);
                if qualified && !open.iter().any(|&arguments| arguments) {
                    family.push(ch);
                }
            }
            _ if !inside_arguments => family.push(ch),
            _ => {}
        }
        previous = Some(ch);
    }
    family
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= 140 {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(140).collect::<String>())
    }
}

#[allow(clippy::cast_precision_loss)]
fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

/// Every function of `wasm` with its size (body and its length prefix) and
/// its demangled name from the names section (`#N` without one).
pub fn functions(wasm: &[u8]) -> Result<Vec<Function>> {
    if wasm.get(..4) != Some(b"\0asm") {
        bail!("not a wasm module");
    }
    let mut reader = Reader { bytes: wasm, at: 8 };
    let (mut imported, mut bodies, mut names) = (0_usize, Vec::new(), HashMap::new());
    while reader.at < wasm.len() {
        let id = reader.byte()?;
        let size = reader.length()?;
        let end = reader.at + size;
        let mut section = Reader { bytes: wasm.get(..end).context("a section runs past the end")?, at: reader.at };
        match id {
            2 => imported = imported_functions(&mut section)?,
            10 => {
                for _ in 0..section.length()? {
                    let start = section.at;
                    let length = section.length()?;
                    section.at += length;
                    bodies.push(section.at - start);
                }
            }
            0 if section.name()? == "name" => names = function_names(&mut section)?,
            _ => {}
        }
        reader.at = end;
    }
    Ok(bodies
        .into_iter()
        .enumerate()
        .map(|(index, bytes)| {
            let name = names.get(&(imported + index)).map_or_else(
                || format!("#{}", imported + index),
                |name: &String| format!("{:#}", rustc_demangle::demangle(name)),
            );
            Function { name, bytes }
        })
        .collect())
}

/// How many of the imports are functions (they come first in the index space).
fn imported_functions(section: &mut Reader) -> Result<usize> {
    let mut functions = 0;
    for _ in 0..section.length()? {
        section.name()?;
        section.name()?;
        match section.byte()? {
            0 => {
                section.length()?;
                functions += 1;
            }
            1 => {
                section.byte()?;
                section.limits()?;
            }
            2 => section.limits()?,
            3 => section.at += 2,
            4 => {
                section.byte()?;
                section.length()?;
            }
            kind => bail!("unknown import kind {kind}"),
        }
    }
    Ok(functions)
}

/// The function names subsection of the names section.
fn function_names(section: &mut Reader) -> Result<HashMap<usize, String>> {
    let mut names = HashMap::new();
    while section.at < section.bytes.len() {
        let kind = section.byte()?;
        let size = section.length()?;
        let end = section.at + size;
        if kind == 1 {
            for _ in 0..section.length()? {
                let index = section.length()?;
                names.insert(index, section.name()?);
            }
        }
        section.at = end;
    }
    Ok(names)
}

/// Reads the wasm binary format's numbers and names.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let byte = *self.bytes.get(self.at).context("the module ends too early")?;
        self.at += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 number.
    fn length(&mut self) -> Result<usize> {
        let (mut value, mut shift) = (0_usize, 0);
        loop {
            let byte = self.byte()?;
            if shift >= usize::BITS {
                bail!("a number is too long");
            }
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn name(&mut self) -> Result<String> {
        let length = self.length()?;
        let bytes = self.bytes.get(self.at..self.at + length).context("a name runs past the end")?;
        self.at += length;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    /// A table's or a memory's limits: flags, minimum and maybe maximum.
    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        self.length()?;
        if flags & 1 == 1 {
            self.length()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_grouped_by_crate_and_by_generic_function() {
        assert_eq!(crate_of("tachys::view::Render::build"), "tachys");
        assert_eq!(crate_of("<T as tachys::view::any_view::IntoAny>::into_any::build"), "tachys");
        assert_eq!(crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::x"), "serde_json");
        assert_eq!(crate_of("<(A,B) as tachys::html::attribute::Attribute>::build"), "tachys");
        assert_eq!(crate_of("#42"), "(other)");
        assert_eq!(family_of("core::ptr::drop_in_place<app::Thing<u8>>"), "core::ptr::drop_in_place");
        assert_eq!(family_of("<a::B<T> as c::D<u8>>::e::{{closure}}"), "<a::B as c::D>::e::{{closure}}");
        assert_eq!(family_of("<&mut x::Y<R> as z::W>::f"), "<&mut x::Y as z::W>::f");
    }

    #[test]
    fn a_module_is_read_with_its_imports_and_names() {
        // (import "m" "f" (func)) (func $local) with the name "local" for index 1.
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend([1, 4, 1, 0x60, 0, 0]); // type section: one () -> ()
        wasm.extend([2, 7, 1, 1, b'm', 1, b'f', 0, 0]); // one imported function
        wasm.extend([3, 2, 1, 0]); // one local function
        wasm.extend([10, 4, 1, 2, 0, 0x0b]); // its body: no locals, end
        let names = [1, 8, 1, 1, 5, b'l', b'o', b'c', b'a', b'l'];
        wasm.extend([0, 15, 4, b'n', b'a', b'm', b'e']);
        wasm.extend(names);
        assert_eq!(functions(&wasm).unwrap(), vec![Function { name: "local".to_owned(), bytes: 3 }]);
        assert!(functions(b"not wasm").is_err());
    }
}
