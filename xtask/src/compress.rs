//! Precompression: a `.br` and a `.gz` beside each file, so that the server
//! sends the smallest encoding the browser accepts without compressing on
//! every request. A release takes the slow, small settings; a debug site the
//! fast ones.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn precompress(files: &[PathBuf], release: bool) -> Result<()> {
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        std::fs::write(with_suffix(file, "br"), brotli(&bytes, release)?)?;
        std::fs::write(with_suffix(file, "gz"), gzip(&bytes, release)?)?;
    }
    Ok(())
}

fn brotli(bytes: &[u8], release: bool) -> Result<Vec<u8>> {
    let quality = if release { 11 } else { 1 };
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 64 * 1024, quality, 22);
        writer.write_all(bytes)?;
    }
    Ok(compressed)
}

fn gzip(bytes: &[u8], release: bool) -> Result<Vec<u8>> {
    let level = if release { flate2::Compression::best() } else { flate2::Compression::fast() };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// `pkg/a.wasm` with `br` is `pkg/a.wasm.br`.
fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_encodings_give_back_the_file() {
        let text = "the same line again and again\n".repeat(200).into_bytes();
        for release in [false, true] {
            let mut unpacked = Vec::new();
            brotli::Decompressor::new(&brotli(&text, release).unwrap()[..], 4096).read_to_end(&mut unpacked).unwrap();
            assert_eq!(unpacked, text);
            let mut unzipped = Vec::new();
            flate2::read::GzDecoder::new(&gzip(&text, release).unwrap()[..]).read_to_end(&mut unzipped).unwrap();
            assert_eq!(unzipped, text);
        }
        assert_eq!(with_suffix(Path::new("pkg/a.wasm"), "br"), PathBuf::from("pkg/a.wasm.br"));
    }
}
