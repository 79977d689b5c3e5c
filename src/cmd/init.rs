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
    eprint!("{}", next_steps(dir));
    EXIT_OK
}

/// What `init` prints: the example content is invented, what to replace,
/// how to remove the examples, and the next commands.
pub fn next_steps(dir: &Path) -> String {
    let d = dir.display();
    let mut labs: Vec<String> = EXAMPLE_SITE
        .iter()
        .filter_map(|(rel, _)| {
            let rel = rel.replace('\\', "/");
            let id = rel.strip_prefix("labs/")?.split('/').next()?.to_string();
            Some(format!("{d}/content/labs/{id}"))
        })
        .collect();
    labs.sort();
    labs.dedup();
    let labs = labs.join(" ");
    format!(
        "created a new site in {d} (the built-in `default` theme is used; copy themes/default/ there to change it)

The example labs, participants and survey answers (the first lab's form exports in its private/ folder) are invented. Before publishing:
  replace  content/site.yaml: title, description, base_url, organizer (url and email are placeholders)
  remove   content/site.yaml: privacy.deny and privacy.allow (`中間`), written for the example
  remove   the example labs: rm -r {labs}
  rewrite  content/pages/about.md, privacy.md and accessibility.md (the lab's name, lab@example.org)
  then     labsite new lab YYYY-MM-DD --root {d}   (a planned lab: your first recruitment page)
`labsite check` warns about placeholders left in published fields.
next: labsite build --root {d}
"
    )
}
