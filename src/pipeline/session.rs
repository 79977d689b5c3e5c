//! `serve`'s built site, kept in memory and rebuilt in part when only a
//! lab's write-up or files change: that lab's pages and the pages that
//! list it (home, labs index, highlights, feed, sitemap) are rendered
//! again, and gated. Anything else (a lab.yaml, site.yaml, program.yaml, a
//! page, the theme) rebuilds the whole site, because it can change
//! identity terms or every page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{BuildError, BuildOptions, Prepared, Rendered, full_build, with_card_warnings};
use crate::diagnostics::{Diagnostic, Severity};
use crate::gate::GatedSink;
use crate::output::MemorySink;
use crate::public::PublicLab;
use crate::public::survey::PrivacyStats;
use crate::render::OutputFile;
use crate::render::share_card::CardNotes;
use crate::source::{LAB_FILE, lab_dir, lab_path_parts, load_lab};

/// A built site kept in memory by `serve`.
pub struct Session {
    root: PathBuf,
    prepared: Prepared,
    files: BTreeMap<String, OutputFile>,
    cards: Option<Vec<PublicLab>>,
    /// The pages whose share cards were laid out, with their warnings:
    /// a partial rebuild replaces the notes of the cards it drew again.
    card_notes: CardNotes,
    pub pages: usize,
    pub stats: PrivacyStats,
}

/// What a rebuild did.
pub struct Rebuilt {
    /// Pages rendered by this rebuild.
    pub pages: usize,
    /// Whether it was a full build.
    pub full: bool,
    pub elapsed_ms: u128,
    pub warnings: Vec<Diagnostic>,
    /// Output paths written or replaced (every path after a full build).
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
}

impl Session {
    pub fn build(root: &Path, opts: &BuildOptions) -> Result<Session, BuildError> {
        let sink = MemorySink::default();
        let (
            prepared,
            Rendered {
                pages,
                stats,
                cards,
                share_cards,
                ..
            },
        ) = full_build(root, opts, &sink)?;
        let files = sink
            .into_files()
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        Ok(Session {
            root: root.to_path_buf(),
            prepared,
            files,
            cards: Some(cards),
            card_notes: share_cards.notes,
            pages,
            stats,
        })
    }

    pub fn files(&self) -> &BTreeMap<String, OutputFile> {
        &self.files
    }

    /// The site's warnings as of the last rebuild: its sources' and its
    /// share cards'.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        with_card_warnings(&self.prepared.site, &self.card_notes)
    }

    /// The labs a change touches, when it touches nothing but labs'
    /// write-ups and files; `None` means a full build.
    fn lab_scope(&self, changed: &[String]) -> Option<Vec<usize>> {
        let mut labs = Vec::new();
        for path in changed {
            let (id, file) = lab_path_parts(path)?;
            // lab.yaml, survey.yaml and the form exports (under private/)
            // can change the participants, whose identity terms the whole
            // site is checked against: a full build.
            if file == LAB_FILE
                || file.is_empty()
                || crate::source::is_never_published(std::path::Path::new(file))
            {
                return None;
            }
            let i = self
                .prepared
                .site
                .labs
                .iter()
                .position(|l| l.record.id == id)?;
            // A lab folder that went away (or lost its lab.yaml) changes
            // the listings: a full build.
            if !lab_dir(&self.root, id).join(LAB_FILE).is_file() {
                return None;
            }
            if !labs.contains(&i) {
                labs.push(i);
            }
        }
        (!labs.is_empty()).then_some(labs)
    }

    /// Build everything again; on an error the session is unchanged.
    fn rebuild_all(
        &mut self,
        opts: &BuildOptions,
        started: Instant,
    ) -> Result<Rebuilt, BuildError> {
        let old: Vec<String> = self.files.keys().cloned().collect();
        *self = Session::build(&self.root, opts)?;
        let removed = old
            .into_iter()
            .filter(|p| !self.files.contains_key(p))
            .collect();
        Ok(Rebuilt {
            pages: self.pages,
            full: true,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: self.warnings(),
            changed: self.files.keys().cloned().collect(),
            removed,
        })
    }

    /// Rebuild after `changed` (paths relative to the root, with `/`). On
    /// an error the session keeps its last good site.
    pub fn rebuild(
        &mut self,
        changed: &[String],
        opts: &BuildOptions,
    ) -> Result<Rebuilt, BuildError> {
        let started = Instant::now();
        let Some(labs) = self.lab_scope(changed) else {
            return self.rebuild_all(opts, started);
        };
        // Reload just those labs; the rest of the site is as it was.
        let defaults = self.prepared.site.series.clone().unwrap_or_default();
        let mut reloaded = Vec::new();
        let mut diags = Vec::new();
        for &i in &labs {
            let dir = lab_dir(&self.root, &self.prepared.site.labs[i].record.id);
            let (lab, d) = load_lab(
                &self.root,
                &dir,
                &defaults,
                &self.prepared.site.config,
                &opts.load,
            );
            // A reloaded lab carries its warnings; its errors stop the
            // rebuild.
            diags.extend(d.into_iter().filter(|d| d.severity == Severity::Error));
            match lab {
                Some(lab) => reloaded.push((i, lab)),
                None if diags.is_empty() => {
                    return Err(BuildError::Io(format!("cannot reload {}", dir.display())));
                }
                None => {}
            }
        }
        if !diags.is_empty() {
            return Err(BuildError::Content(diags));
        }
        let old: Vec<_> = reloaded
            .into_iter()
            .map(|(i, lab)| (i, std::mem::replace(&mut self.prepared.site.labs[i], lab)))
            .collect();
        let sink = MemorySink::default();
        let cards = self.cards.take();
        // The links of the reloaded labs, checked against their new pages
        // and the files kept from the last build.
        let links: Vec<_> = labs
            .iter()
            .flat_map(|&i| crate::links::lab_links(&self.prepared.site.labs[i]))
            .collect();
        let result = {
            let base_path = self.prepared.urls.base_path();
            let out = GatedSink::new(&self.prepared.gate, &sink)
                .keep_ids_of(crate::links::fragment_pages(&links, base_path));
            let rendered = self.prepared.render(&labs, &out, opts, cards);
            // The sitemap lists every page: the ones kept and the new ones;
            // it is made again only when that list changed.
            let prefixes: Vec<String> = labs
                .iter()
                .map(|&i| format!("labs/{}/", self.prepared.site.labs[i].record.id))
                .collect();
            let kept = self
                .files
                .keys()
                .filter(|p| !prefixes.iter().any(|x| p.starts_with(x)));
            let mut paths: Vec<String> = kept.cloned().collect();
            paths.extend(out.paths());
            paths.sort();
            paths.dedup();
            let before = self.files.keys().filter(|p| p.ends_with(".html"));
            if !before.eq(paths.iter().filter(|p| p.ends_with(".html"))) {
                self.prepared.emit_sitemap(&paths, &out);
            }
            let kept_files: Vec<&OutputFile> = self
                .files
                .values()
                .filter(|f| !prefixes.iter().any(|x| f.path.starts_with(x)))
                .collect();
            rendered.and_then(|r| {
                self.prepared
                    .finish(out, opts, &links, &kept_files)
                    .map(|_| r)
            })
        };
        let pages = match result {
            Ok(r) if r.cards_changed => {
                // A listing changes (a report added or removed, a cover):
                // build everything, from the labs as they are now.
                return self.rebuild_all(opts, started);
            }
            Ok(r) => {
                self.cards = Some(r.cards);
                self.card_notes.extend(r.share_cards.notes);
                r.pages
            }
            Err(e) => {
                // The cards are rebuilt in full next time.
                for (i, lab) in old {
                    self.prepared.site.labs[i] = lab;
                }
                return Err(e);
            }
        };
        let new_files = sink.into_files();
        let mut removed = Vec::new();
        for &i in &labs {
            let prefix = format!("labs/{}/", self.prepared.site.labs[i].record.id);
            self.files.retain(|p, _| {
                let gone = p.starts_with(&prefix) && !new_files.iter().any(|f| &f.path == p);
                if gone {
                    removed.push(p.clone());
                }
                !gone
            });
        }
        // Unchanged bytes are not reported as changed.
        let mut changed = Vec::new();
        for f in new_files {
            if self
                .files
                .get(&f.path)
                .is_none_or(|old| old.bytes != f.bytes)
            {
                changed.push(f.path.clone());
                self.files.insert(f.path.clone(), f);
            }
        }
        Ok(Rebuilt {
            pages,
            full: false,
            elapsed_ms: started.elapsed().as_millis(),
            warnings: self.warnings(),
            changed,
            removed,
        })
    }
}
