//! `labsite build`: the site into the output directory, atomically.

use std::path::Path;

use super::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::report;
use crate::pipeline::{BuildError, BuildOptions, Built, build_site_into};

/// The privacy summary printed after `build` and `check`.
pub fn privacy_summary(b: &Built) -> String {
    let s = &b.stats;
    format!(
        "privacy: {} quote(s) published, {} redaction(s), {} group(s) suppressed, {} response(s) left out for lack of consent",
        s.quotes, s.redactions, s.groups_suppressed, s.responses_without_consent
    )
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
