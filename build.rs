//! Embeds the default theme and the example site into the binary, so
//! `labsite init` and sites without a `themes/default/` folder work anywhere.

use std::fmt::Write as _;
use std::path::Path;

/// The one rule for names that are not content, shared with the program.
#[allow(dead_code)]
#[path = "src/ignore.rs"]
mod ignore;

fn embed(out: &mut String, name: &str, dir: &Path) {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let _ = writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[");
    for (rel, abs) in files {
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    let _ = writeln!(out, "];");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if ignore::is_ignored(&name, p.is_dir()) {
            continue;
        }
        if p.is_dir() {
            collect(root, &p, files);
        } else if p.is_file() {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.push((
                rel,
                p.canonicalize().unwrap().to_string_lossy().into_owned(),
            ));
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let manifest = Path::new(&manifest);
    let mut out = String::new();
    embed(&mut out, "DEFAULT_THEME", &manifest.join("themes/default"));
    embed(&mut out, "EXAMPLE_SITE", &manifest.join("content"));
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=src/ignore.rs");
}
