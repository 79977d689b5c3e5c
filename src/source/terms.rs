//! The identity terms of the loaded records: every participant's name,
//! company, aliases and e-mail, and `privacy.deny`, as `privacy` makes them.
//! A term the leak gate could not check (a single character, say) is an
//! error in the record that holds it, so this is part of checking.

use rayon::prelude::*;

use super::Site;
use crate::diagnostics::{Diagnostic, Loc};
use crate::privacy::terms::{
    IdentityTerm, ParticipantIdentity, TermTable, deny_terms, participant_terms, term_problem,
};

/// Every identity term of every lab, plus `privacy.deny`. Terms that would
/// make the gate useless are errors in the records.
pub fn collect_terms(site: &Site) -> (Vec<IdentityTerm>, Vec<Diagnostic>) {
    let mut terms = Vec::new();
    let diags = visit_terms(site, |t| t, |t| terms.push(t));
    (terms, diags)
}

/// The terms of `privacy.allow`, which the leak gate does not report.
pub fn allowed_terms(site: &Site) -> Vec<String> {
    let allow = &site.config.privacy.allow;
    allow.iter().map(|a| a.term.clone()).collect()
}

/// The table of [`collect_terms`]'s terms (same indices), made without
/// holding every term at once.
pub fn collect_term_table(site: &Site) -> (TermTable, Vec<Diagnostic>) {
    let mut table = TermTable::default();
    // The owner and the term as written are dropped on the worker threads;
    // only the normalized form comes to the (one-thread) table.
    let diags = visit_terms(
        site,
        |t| (t.normalized, t.kind),
        |(normalized, kind)| table.push(normalized, kind),
    );
    (table.finish(), diags)
}

/// Hand every usable identity term, as `map` makes it, to `visit`, in
/// order: the labs' (made and mapped in parallel, a batch of labs at a
/// time), then `privacy.deny`. Returns the errors for unusable ones.
fn visit_terms<T: Send>(
    site: &Site,
    map: impl Fn(IdentityTerm) -> T + Sync,
    mut visit: impl FnMut(T),
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for batch in site.labs.chunks(256) {
        let per_lab: Vec<(Vec<T>, Vec<Diagnostic>)> = batch
            .par_iter()
            .map(|lab| {
                let mut terms = Vec::new();
                let mut diags = Vec::new();
                for p in &lab.record.participants {
                    let identity = ParticipantIdentity {
                        lab: &lab.record.id,
                        id: &p.id,
                        name: p.name.as_deref(),
                        company: p.company.as_deref(),
                        aliases: &p.aliases,
                        email: p.email.as_deref(),
                    };
                    for t in participant_terms(&identity) {
                        if let Some(problem) = term_problem(&t.normalized) {
                            diags.push(
                                Diagnostic::error(
                                    format!("an identity term of participant `{}` is {problem}", p.id),
                                    Some(Loc::yaml(&lab.record.file, &p.path, false)),
                                )
                                .with_help("write the full name, company and aliases; a term the leak gate cannot check is not allowed"),
                            );
                        } else {
                            terms.push(map(t));
                        }
                    }
                }
                (terms, diags)
            })
            .collect();
        for (t, d) in per_lab {
            t.into_iter().for_each(&mut visit);
            diags.extend(d);
        }
    }
    for t in deny_terms(&site.config.privacy.deny) {
        if let Some(problem) = term_problem(&t.normalized) {
            diags.push(
                Diagnostic::error(
                    format!("a `privacy.deny` term is {problem}"),
                    Some(Loc::yaml(&site.config.file, "privacy.deny", false)),
                )
                .with_help("list whole names, not single characters"),
            );
        } else {
            visit(map(t));
        }
    }
    diags
}
