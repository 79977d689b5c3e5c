//! `labsite build`: the site into the output directory, atomically.

use std::path::Path;

use super::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::report;
use crate::pipeline::{BuildError, BuildOptions, Built, build_site_into};

/// The privacy summary printed after `build` and `check`.
/// Every `privacy.allow` term found in the output is listed, so that an
/// allowed word that turns out to be a name does not go unnoticed.
pub fn privacy_summary(b: &Built) -> String {
    let s = &b.stats;
    let mut out = format!(
        "privacy: {} quote(s) published, {} redaction(s), {} group(s) suppressed, {} response(s) left out for lack of consent",
        s.quotes, s.redactions, s.groups_suppressed, s.responses_without_consent
    );
    if !b.allowed_published.is_empty() {
        let listed: Vec<String> = b
            .allowed_published
            .iter()
            .map(|(term, files)| format!("{term} ({})", count_files(files)))
            .collect();
        out.push_str(&format!("\nallowed and published: {}", listed.join(", ")));
    }
    out
}

/// `3 pages`, `1 page, feed.xml`, `2 pages and 3 other files`.
fn count_files(files: &[String]) -> String {
    let pages = files.iter().filter(|f| f.ends_with(".html")).count();
    let others: Vec<&String> = files.iter().filter(|f| !f.ends_with(".html")).collect();
    let mut parts = Vec::new();
    if pages > 0 {
        parts.push(format!("{pages} page{}", if pages == 1 { "" } else { "s" }));
    }
    match others.len() {
        0 => {}
        1 | 2 => parts.extend(others.iter().map(|f| f.to_string())),
        n => parts.push(format!("{n} other files")),
    }
    parts.join(", ")
}

/// Print the errors of a failed build; returns the exit code.
pub fn report_failure(e: BuildError) -> i32 {
    match e {
        BuildError::Io(msg) => {
            eprintln!("error: {msg}");
            EXIT_USAGE
        }
        BuildError::Content(mut diags) => {
            eprint!("{}", report(&mut diags));
            EXIT_CONTENT
        }
    }
}

pub fn run(root: &Path, out: &Path, opts: &BuildOptions) -> i32 {
    // Files are written into a staging directory as they pass the leak
    // gate; only a build without errors moves it into place.
    let staging = match crate::output::Staging::begin(out, root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let built = match build_site_into(root, opts, &staging) {
        Ok(b) => b,
        Err(e) => {
            drop(staging);
            let code = report_failure(e);
            eprintln!("nothing was published; {} is unchanged", out.display());
            return code;
        }
    };
    if !built.warnings.is_empty() {
        let mut w = built.warnings.clone();
        eprint!("{}", report(&mut w));
    }
    match staging.finish() {
        Ok(p) => {
            eprintln!("{}", privacy_summary(&built));
            let changes = if p.written == 0 {
                "nothing changed".to_string()
            } else {
                format!("{} written, {} unchanged", p.written, p.unchanged)
            };
            eprintln!(
                "built {} pages ({} files: {changes}) into {} in {} ms",
                built.pages,
                p.written + p.unchanged,
                out.display(),
                built.elapsed_ms
            );
            let cards = built.share_cards;
            if cards.rendered + cards.cached > 0 {
                eprintln!(
                    "share cards: {} drawn, {} from the cache",
                    cards.rendered, cards.cached
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
