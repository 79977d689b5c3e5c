//! Embeds the default theme and the example site into the binary, so
//! `labsite init` and sites without a `themes/default/` folder work anywhere.
//!
//! The example site is embedded with its `private/` folders: its held lab
//! reads its participants and survey from the form exports there, and
//! `init` must write them for the new site to build. Only `init` writes
//! these files; the build reads a site from disk and never publishes a
//! `private/` file (src/ignore.rs, which `source` asks).

use std::fmt::Write as _;
use std::path::Path;

/// The one rule for names that are not content, shared with the program.
#[allow(dead_code)]
#[path = "src/ignore.rs"]
mod ignore;

/// Which files of a folder are embedded.
#[derive(Clone, Copy)]
enum Keep {
    /// What the program would read: not ignored names, no `private/`.
    Content,
    /// The same, with `private/` folders: the example site as `init`
    /// writes it.
    WithPrivate,
}

fn embed(out: &mut String, name: &str, dir: &Path, keep: Keep) {
    let mut files = Vec::new();
    collect(dir, dir, keep, &mut files);
    files.sort();
    let _ = writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[");
    for (rel, abs) in files {
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    let _ = writeln!(out, "];");
}

fn collect(root: &Path, dir: &Path, keep: Keep, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let skip = match keep {
            Keep::Content => ignore::is_ignored(&name, p.is_dir()),
            Keep::WithPrivate => ignore::is_ignored_name(&name),
        };
        if skip {
            continue;
        }
        if p.is_dir() {
            collect(root, &p, keep, files);
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
    embed(
        &mut out,
        "DEFAULT_THEME",
        &manifest.join("themes/default"),
        Keep::Content,
    );
    embed(
        &mut out,
        "EXAMPLE_SITE",
        &manifest.join("content"),
        Keep::WithPrivate,
    );
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=src/ignore.rs");
}
