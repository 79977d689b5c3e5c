//! When an occurrence of a term counts (SPEC §7.1), the same for the
//! redactor and the leak gate:
//!
//! - a term that starts or ends with a Latin letter or digit counts only as
//!   a whole word there: bounded by anything that is not a Latin letter or
//!   digit, judged before white space was removed (`Wei` is not in
//!   `font-weight`, `Ito` not in `positive`, but `Ai Sato` has `Sato`);
//! - a term under the honorific rule (a one-character name part, the kana
//!   reading of a single part, a short Latin part) counts only where an
//!   honorific or title follows (林さん, サエキ様, Li-san) or, for the Latin
//!   titles, comes before (Mr. Li).
//!
//! Matching runs on normalized text, where white space is gone; the
//! normalizer records where it dropped something (a *gap*), and a gap is a
//! word boundary.

use aho_corasick::{AhoCorasick, Anchored, Input, Match};

use super::normalize::normalize_term;

/// The honorifics and titles of the closed list (SPEC §7.1).
pub const HONORIFICS: &[&str] = &[
    "さん",
    "様",
    "さま",
    "氏",
    "君",
    "くん",
    "ちゃん",
    "先生",
    "部長",
    "課長",
    "係長",
    "社長",
    "室長",
    "主任",
];

/// Latin honorifics after a name (`Li-san`, `Li san`).
const LATIN_AFTER: &[&str] = &["-san", "san"];

/// Latin titles before a name, with and without the dot.
const LATIN_BEFORE: &[&str] = &["mrs.", "mr.", "ms.", "dr.", "mrs", "mr", "ms", "dr"];

/// Normalized honorifics: the closed list plus `privacy.honorifics`.
#[derive(Clone, Debug)]
pub struct Honorifics {
    after: Vec<String>,
    before: Vec<String>,
}

impl Default for Honorifics {
    fn default() -> Self {
        Honorifics::new(&[])
    }
}

impl Honorifics {
    /// The closed list, extended by `extra` (site.yaml's
    /// `privacy.honorifics`).
    pub fn new(extra: &[String]) -> Honorifics {
        let mut after: Vec<String> = HONORIFICS
            .iter()
            .copied()
            .chain(LATIN_AFTER.iter().copied())
            .map(normalize_term)
            .chain(extra.iter().map(|e| normalize_term(e)))
            .filter(|h| !h.is_empty())
            .collect();
        after.sort_by_key(|h| std::cmp::Reverse(h.len()));
        after.dedup();
        let before = LATIN_BEFORE.iter().map(|b| b.to_string()).collect();
        Honorifics { after, before }
    }

    /// Whether an honorific follows `end` or a title comes before `start`
    /// in `view`. A Latin one must be a whole word itself (`Li sanitizer`
    /// is not `Li-san`).
    pub fn around(&self, view: View, start: usize, end: usize) -> bool {
        let rest = &view.text[end..];
        let after = self.after.iter().any(|h| {
            rest.starts_with(h.as_str()) && (!ends_latin(h) || view.boundary_at(end + h.len()))
        });
        if after {
            return true;
        }
        let before = &view.text[..start];
        self.before
            .iter()
            .any(|t| before.ends_with(t.as_str()) && view.boundary_at(start - t.len()))
    }
}

/// A Latin letter or digit, as it stands after normalization (NFKC has
/// made full-width forms ASCII; accented and macron letters stay).
pub fn is_latin_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') && c.is_alphabetic())
}

fn starts_latin(s: &str) -> bool {
    s.chars().next().is_some_and(is_latin_alnum)
}

fn ends_latin(s: &str) -> bool {
    s.chars().next_back().is_some_and(is_latin_alnum)
}

/// Normalized text with the places where normalization dropped something
/// (white space, a middle dot, an invisible character, a tag): word
/// boundaries that the text itself no longer shows.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub text: &'a str,
    /// Ascending byte offsets into `text`.
    pub gaps: &'a [u32],
}

impl View<'_> {
    /// Whether a word may begin or end at byte `pos`: the text's ends, a
    /// gap, or a character on either side that is not a Latin letter or
    /// digit.
    pub fn boundary_at(&self, pos: usize) -> bool {
        if pos == 0 || pos >= self.text.len() {
            return true;
        }
        let before = self.text[..pos].chars().next_back();
        let after = self.text[pos..].chars().next();
        !before.is_some_and(is_latin_alnum)
            || !after.is_some_and(is_latin_alnum)
            || self.gaps.binary_search(&(pos as u32)).is_ok()
    }
}

/// Per pattern: what its occurrences must satisfy.
pub mod flags {
    /// The pattern starts with a Latin letter or digit: a word must begin
    /// where it begins.
    pub const LATIN_START: u8 = 1;
    /// The pattern ends with a Latin letter or digit.
    pub const LATIN_END: u8 = 2;
    /// Counts only under the honorific rule.
    pub const HONORIFIC: u8 = 4;
}

/// The word flags of a normalized pattern.
pub fn word_flags(pattern: &str) -> u8 {
    let mut f = 0;
    if starts_latin(pattern) {
        f |= flags::LATIN_START;
    }
    if ends_latin(pattern) {
        f |= flags::LATIN_END;
    }
    f
}

/// Whether an occurrence at `start..end` of a pattern with `f` is a whole
/// word where the pattern has Latin edges.
pub fn is_word(f: u8, view: View, start: usize, end: usize) -> bool {
    (f & flags::LATIN_START == 0 || view.boundary_at(start))
        && (f & flags::LATIN_END == 0 || view.boundary_at(end))
}

/// Whether an occurrence counts: a whole word, and, under the honorific
/// rule, with an honorific.
pub fn counts(f: u8, honorifics: &Honorifics, view: View, start: usize, end: usize) -> bool {
    is_word(f, view, start, end)
        && (f & flags::HONORIFIC == 0 || honorifics.around(view, start, end))
}

/// Run a leftmost-longest automaton (built with anchored searches
/// supported) over `hay`, offering each match to `take`: a match taken is
/// stepped over; one refused is followed by the shorter matches at the same
/// place, then by the matches that start inside it. So every pattern that
/// occurs anywhere is offered unless a match taken covers it: refusing one
/// never hides another.
pub fn for_each_match(ac: &AhoCorasick, hay: &str, mut take: impl FnMut(Match) -> bool) {
    let mut from = 0;
    'outer: while from < hay.len() {
        let Some(first) = ac.find(Input::new(hay).range(from..)) else {
            return;
        };
        let mut m = first;
        loop {
            if take(m) {
                from = m.end().max(first.start() + 1);
                continue 'outer;
            }
            let shorter = Input::new(hay)
                .range(first.start()..m.end() - 1)
                .anchored(Anchored::Yes);
            match ac.find(shorter) {
                Some(n) if n.end() < m.end() => m = n,
                _ => break,
            }
        }
        from = next_char(hay, first.start());
    }
}

fn next_char(s: &str, at: usize) -> usize {
    at + s[at..].chars().next().map_or(1, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{MatchKind, StartKind};

    fn view<'a>(text: &'a str, gaps: &'a [u32]) -> View<'a> {
        View { text, gaps }
    }

    #[test]
    fn word_boundaries() {
        let v = view("font-weight", &[]);
        assert!(v.boundary_at(5));
        assert!(!v.boundary_at(8));
        assert!(!is_word(word_flags("wei"), v, 5, 8));
        // `Ai Sato` normalized, with the space's gap.
        let v = view("aisato", &[2]);
        assert!(is_word(word_flags("sato"), v, 2, 6));
        assert!(!is_word(word_flags("sato"), view("aisato", &[]), 2, 6));
        // A Japanese character is a boundary.
        assert!(is_word(word_flags("sato"), view("佐藤sato氏", &[]), 6, 10));
        assert!(!is_word(word_flags("ito"), view("positive", &[]), 2, 5));
        // A macron letter is Latin.
        assert!(!view("satōx", &[]).boundary_at(5));
        // Non-Latin edges need nothing.
        assert!(is_word(word_flags("森林"), view("森林業", &[]), 0, 6));
    }

    #[test]
    fn honorifics_after_and_titles_before() {
        let h = Honorifics::new(&["殿".to_string()]);
        let around = |text: &str, gaps: &[u32], start: usize, end: usize| {
            h.around(view(text, gaps), start, end)
        };
        assert!(around("林さんは", &[], 0, 3));
        assert!(around("林部長", &[], 0, 3));
        assert!(around("林殿", &[], 0, 3));
        assert!(!around("林業", &[], 0, 3));
        assert!(!around("森林", &[], 3, 6));
        assert!(around("li-san.", &[], 0, 2));
        assert!(around("lisan", &[2], 0, 2));
        assert!(!around("lisanitizer", &[2], 0, 2));
        assert!(around("mr.li", &[3], 3, 5));
        assert!(around("mrli", &[2], 2, 4));
        assert!(!around("summrli", &[4], 4, 6));
        assert!(!around("online", &[], 2, 4));
        assert!(around("liさん", &[], 0, 2));
    }

    fn ac(patterns: &[&str]) -> AhoCorasick {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Both)
            .build(patterns)
            .unwrap()
    }

    fn offered(patterns: &[&str], hay: &str, take: &[usize]) -> Vec<(usize, usize)> {
        let ac = ac(patterns);
        let mut seen = Vec::new();
        for_each_match(&ac, hay, |m| {
            seen.push((m.pattern().as_usize(), m.start()));
            take.contains(&m.pattern().as_usize())
        });
        seen
    }

    #[test]
    fn a_refused_match_hides_nothing() {
        // Shorter at the same place, then inside.
        assert_eq!(
            offered(&["abcd", "ab", "bc"], "abcd", &[]),
            [(0, 0), (1, 0), (2, 1)]
        );
        // Taken: stepped over.
        assert_eq!(
            offered(&["abcd", "ab", "bc"], "abcdab", &[0]),
            [(0, 0), (1, 4)]
        );
        // Multi-byte text.
        assert_eq!(
            offered(&["さえき", "えき"], "さえきさ", &[]),
            [(0, 0), (1, 3)]
        );
        assert!(offered(&["x"], "", &[]).is_empty());
    }
}
