//! `labsite init DIR`: a new site with the example content, ready to build.

use std::path::Path;

use super::{EXIT_OK, EXIT_USAGE};
use crate::render::templates::EXAMPLE_SITE;

pub fn run(dir: &Path) -> i32 {
    let content = dir.join("content");
    if content.exists() {
        eprintln!(
            "error: {} already exists; init never overwrites a site",
            content.display()
        );
        return EXIT_USAGE;
    }
    for (rel, bytes) in EXAMPLE_SITE {
        let path = content.join(rel);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("error: cannot create {}: {e}", parent.display());
            return EXIT_USAGE;
        }
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    eprintln!(
        "created a new site in {} (the built-in `default` theme is used; copy themes/default/ there to change it)\nnext: labsite build --root {}",
        dir.display(),
        dir.display()
    );
    EXIT_OK
}
