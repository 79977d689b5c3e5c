//! Matching normalization: the one way identity terms, quoted text and output
//! files are compared, so that `ＹＡＭＡＤＡ　Ｗｏｒｋｓ`, `Yamada Works` and
//! `yamadaworks` are the same term (SPEC §7.1).
//!
//! The normalized text keeps a map back to the original, because redaction
//! must replace exactly the original characters a match came from, and the
//! leak gate must say where in an output file a term was found.
//!
//! Per grapheme-like cluster (a character with the combining marks and kana
//! voicing marks that follow it) the rules are: NFKC, full Unicode lower-case,
//! then white space, middle dots and invisible format characters are dropped,
//! and every hyphen, dash, minus and long-vowel mark becomes `-`.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text derived from an original (by normalization, or by the leak gate's
/// decoding passes) with a map from each of its bytes back to the original.
#[derive(Clone, Debug)]
pub struct Normalized {
    pub text: String,
    /// Ascending offsets in `text` where something was dropped (white
    /// space, a middle dot, an invisible character): word boundaries the
    /// text no longer shows (see `rules`).
    pub gaps: Vec<u32>,
    map: OffsetMap,
}

/// The map is stored as runs rather than per byte: a run is either *linear*
/// (derived bytes equal original bytes one for one, only letters' case
/// changed) or a single cluster whose derived bytes all come from the whole
/// original range.
#[derive(Clone, Debug, Default)]
struct OffsetMap {
    segments: Vec<Segment>,
    original_len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Start of the run in the derived text.
    start: usize,
    orig_start: usize,
    orig_end: usize,
    linear: bool,
}

/// Normalize `original` for matching, keeping the map back to it.
pub fn normalize(original: &str) -> Normalized {
    normalize_impl(original, false, true)
}

/// The normalized text alone, without the map back to the original (the
/// leak gate's quick pass), with its gaps.
pub(crate) fn normalize_text(original: &str) -> (String, Vec<u32>) {
    let n = normalize_impl(original, false, false);
    (n.text, n.gaps)
}

/// The normalized form of a term: `normalize(s).text`.
pub fn normalize_term(s: &str) -> String {
    normalize(s).text
}

/// Like [`normalize`], but every white-space character becomes one ASCII
/// space and middle dots stay. Used to find e-mail addresses, phone numbers
/// and URLs, whose extent depends on where words end.
pub(crate) fn normalize_loose(original: &str) -> Normalized {
    normalize_impl(original, true, true)
}

impl Normalized {
    /// Byte range in the original text covering normalized bytes `range`,
    /// widened to whole original characters (whole clusters where a cluster
    /// was normalized as one). Out-of-range input is clamped; the result is
    /// always on char boundaries of the original.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        let text = self.text.as_str();
        let len = text.len();
        let start = range.start.min(len);
        let end = range.end.min(len).max(start);
        let map = &self.map;
        if start == len {
            let p = map.original_len;
            return p..p;
        }
        let first = map.segment_at(start);
        let orig_start = if first.linear {
            first.orig_start + floor_char_boundary(text, start) - first.start
        } else {
            first.orig_start
        };
        if start == end {
            return orig_start..orig_start;
        }
        let last = map.segment_at(end - 1);
        let orig_end = if last.linear {
            last.orig_start + ceil_char_boundary(text, end) - last.start
        } else {
            last.orig_end
        };
        orig_start..orig_end
    }

    /// Map a range of this text back through `self` and then through the
    /// texts it was derived from (innermost first).
    pub(crate) fn original_range_through(
        &self,
        range: Range<usize>,
        sources: &[&Normalized],
    ) -> Range<usize> {
        let mut r = self.original_range(range);
        for source in sources {
            r = source.original_range(r);
        }
        r
    }
}

impl OffsetMap {
    /// The segment holding derived byte `pos`; `pos` must be inside the text.
    fn segment_at(&self, pos: usize) -> Segment {
        let i = self.segments.partition_point(|s| s.start <= pos);
        self.segments[i.saturating_sub(1)]
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Builds derived text and its map; shared by normalization and by the leak
/// gate's decoding passes.
pub(crate) struct MapBuilder {
    text: String,
    gaps: Vec<u32>,
    segments: Vec<Segment>,
    /// Whether to keep the map: the leak gate's first, quick pass needs only
    /// the text.
    record: bool,
}

impl MapBuilder {
    pub(crate) fn new(capacity: usize, record: bool) -> MapBuilder {
        MapBuilder {
            text: String::with_capacity(capacity),
            gaps: Vec::new(),
            segments: Vec::new(),
            record,
        }
    }

    /// Something was dropped here: a word boundary.
    pub(crate) fn gap(&mut self) {
        push_gap(&mut self.gaps, self.text.len());
    }

    /// Append `s`, which has the same length as the original bytes at
    /// `orig_start..` and the same char boundaries (a copy, or a case change
    /// that keeps each char's length).
    pub(crate) fn push_linear(&mut self, s: &str, orig_start: usize) {
        if s.is_empty() {
            return;
        }
        if !self.record {
            self.text.push_str(s);
            return;
        }
        match self.segments.last_mut() {
            Some(last) if last.linear && last.orig_end == orig_start => {
                last.orig_end += s.len();
            }
            _ => self.segments.push(Segment {
                start: self.text.len(),
                orig_start,
                orig_end: orig_start + s.len(),
                linear: true,
            }),
        }
        self.text.push_str(s);
    }

    /// Append `s`, all of which comes from the original bytes `orig`.
    pub(crate) fn push_mapped(&mut self, s: &str, orig: Range<usize>) {
        if s.is_empty() {
            return;
        }
        if !self.record {
            self.text.push_str(s);
            return;
        }
        match self.segments.last() {
            Some(last)
                if !last.linear && last.orig_start == orig.start && last.orig_end == orig.end => {}
            _ => self.segments.push(Segment {
                start: self.text.len(),
                orig_start: orig.start,
                orig_end: orig.end,
                linear: false,
            }),
        }
        self.text.push_str(s);
    }

    pub(crate) fn push_mapped_char(&mut self, c: char, orig: Range<usize>) {
        self.push_mapped(c.encode_utf8(&mut [0; 4]), orig);
    }

    pub(crate) fn finish(self, original_len: usize) -> Normalized {
        Normalized {
            text: self.text,
            gaps: self.gaps,
            map: OffsetMap {
                segments: self.segments,
                original_len,
            },
        }
    }
}

/// Append the normalized form of `original` to `buf`, without a map (the
/// leak gate's quick pass, which normalizes every output file). Equal to
/// pushing `normalize_text(original)`, but runs of characters that
/// normalize to themselves (lower-case ASCII but white space, kana, CJK
/// ideographs) are copied as they are; only what lies between them goes
/// through the general path, a whole cluster at a time.
pub(crate) fn normalize_append(buf: &mut String, gaps: &mut Vec<u32>, original: &str) {
    let b = original.as_bytes();
    let mut verbatim_from = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if is_ascii_space(x) || x.is_ascii_uppercase() {
                buf.push_str(&original[verbatim_from..i]);
                if x.is_ascii_uppercase() {
                    buf.push(x.to_ascii_lowercase() as char);
                } else {
                    push_gap(gaps, buf.len());
                }
                i += 1;
                verbatim_from = i;
            } else {
                i += 1;
            }
            continue;
        }
        let c = original[i..].chars().next().expect("on a char boundary");
        if is_verbatim(c) {
            i += c.len_utf8();
            continue;
        }
        // Not verbatim. A character that joins the cluster before it takes
        // that cluster's base with it: the previous character, one byte if
        // ASCII (copied, or just lower-cased or dropped as white space:
        // taken back), else three (a verbatim kana or ideograph).
        let start = if i > 0 && joins_cluster(c) {
            if b[i - 1] < 0x80 {
                if i == verbatim_from && b[i - 1].is_ascii_uppercase() {
                    buf.pop();
                }
                i - 1
            } else if i > verbatim_from {
                i - 3
            } else {
                i
            }
        } else {
            i
        };
        if start > verbatim_from {
            buf.push_str(&original[verbatim_from..start]);
        }
        // Up to the next verbatim character: it begins a cluster.
        let end = original[i..]
            .char_indices()
            .skip(1)
            .find(|&(_, d)| is_verbatim(d))
            .map_or(b.len(), |(k, _)| i + k);
        let mut out = MapBuilder {
            text: std::mem::take(buf),
            gaps: std::mem::take(gaps),
            segments: Vec::new(),
            record: false,
        };
        normalize_into(&mut out, &original[start..end], false);
        *buf = out.text;
        *gaps = out.gaps;
        verbatim_from = end;
        i = end;
    }
    buf.push_str(&original[verbatim_from..]);
}

/// Record a gap at `pos` (once).
pub(crate) fn push_gap(gaps: &mut Vec<u32>, pos: usize) {
    let pos = pos as u32;
    if gaps.last() != Some(&pos) {
        gaps.push(pos);
    }
}

/// Whether `c` normalizes to itself whatever its neighbours (a cluster of
/// its own): lower-case ASCII but white space, kana, CJK ideographs.
fn is_verbatim(c: char) -> bool {
    if c.is_ascii() {
        !c.is_ascii_uppercase() && !is_ascii_space(c as u8)
    } else {
        is_stable(c) && !joins_cluster(c)
    }
}

/// `char::is_whitespace` on ASCII: \t \n \x0B \x0C \r and space.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

fn normalize_impl(original: &str, keep_space: bool, record: bool) -> Normalized {
    let mut out = MapBuilder::new(original.len(), record);
    normalize_into(&mut out, original, keep_space);
    out.finish(original.len())
}

/// The normalization loop; offsets given to `out` are relative to
/// `original`.
fn normalize_into(out: &mut MapBuilder, original: &str, keep_space: bool) {
    let bytes = original.as_bytes();
    let mut scratch = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii() {
            // A run of ASCII. Its last character may take combining marks
            // from the non-ASCII character after it, so it is left to the
            // general path below.
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii() {
                j += 1;
            }
            let run_end = if j < bytes.len() { j - 1 } else { j };
            push_ascii_run(out, &original[i..run_end], i, keep_space);
            i = run_end;
            if i == bytes.len() {
                break;
            }
        }
        let rest = &original[i..];
        let mut chars = rest.char_indices();
        let (_, c) = chars
            .next()
            .expect("i is on a char boundary before the end");
        let mut end = c.len_utf8();
        for (k, next) in chars {
            if joins_cluster(next) {
                end = k + next.len_utf8();
            } else {
                break;
            }
        }
        if end == c.len_utf8() {
            push_char(out, &mut scratch, c, i, keep_space);
        } else {
            push_cluster(out, &mut scratch, &rest[..end], i, keep_space);
        }
        i += end;
    }
}

fn push_ascii_run(out: &mut MapBuilder, run: &str, orig_start: usize, keep_space: bool) {
    let bytes = run.as_bytes();
    let mut start = 0;
    for (k, &b) in bytes.iter().enumerate() {
        // `char::is_whitespace` on ASCII: \t \n \x0B \x0C \r and space.
        if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            push_ascii_lower(out, &run[start..k], orig_start + start);
            if keep_space {
                out.push_linear(" ", orig_start + k);
            } else {
                out.gap();
            }
            start = k + 1;
        }
    }
    push_ascii_lower(out, &run[start..], orig_start + start);
}

fn push_ascii_lower(out: &mut MapBuilder, s: &str, orig_start: usize) {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push_linear(&s.to_ascii_lowercase(), orig_start);
    } else {
        out.push_linear(s, orig_start);
    }
}

/// Whether `c` belongs to the cluster of the character before it: combining
/// marks, the kana voicing marks (which NFKC composes with the kana before
/// them: か+゛ → が, ｶ+ﾞ → ガ), and Hangul vowel and final jamo.
pub(crate) fn joins_cluster(c: char) -> bool {
    let cp = c as u32;
    // Kana (but the combining voicing marks U+3099, U+309A) and CJK
    // ideographs, most of a Japanese page, never join: skip the table.
    if matches!(cp, 0x3040..=0x3098 | 0x309B..=0x30FF | 0x4E00..=0x9FFF) {
        return matches!(c, '\u{309B}' | '\u{309C}');
    }
    cp >= 0x300
        && (matches!(c, '\u{309B}' | '\u{309C}' | '\u{FF9E}' | '\u{FF9F}')
            || (0x1160..=0x11FF).contains(&cp)
            || is_combining_mark(c))
}

/// Characters that NFKC and lower-casing leave as they are and that no rule
/// touches: Japanese punctuation, kana, CJK ideographs, Hangul syllables.
fn is_stable(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3035}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}')
}

fn push_char(
    out: &mut MapBuilder,
    scratch: &mut String,
    c: char,
    orig_start: usize,
    keep_space: bool,
) {
    let orig_end = orig_start + c.len_utf8();
    if is_stable(c) {
        out.push_linear(c.encode_utf8(&mut [0; 4]), orig_start);
        return;
    }
    scratch.clear();
    let mut dropped = None;
    for d in std::iter::once(c).nfkc() {
        for l in d.to_lowercase() {
            match classify(l, keep_space) {
                Some(k) => scratch.push(k),
                None => {
                    dropped.get_or_insert(scratch.len());
                }
            }
        }
    }
    if let Some(at) = dropped {
        push_gap(&mut out.gaps, out.text.len() + at);
    }
    let mut produced = scratch.chars();
    let linear = matches!((produced.next(), produced.next()), (Some(k), None) if k.len_utf8() == c.len_utf8());
    if linear {
        out.push_linear(scratch, orig_start);
    } else {
        out.push_mapped(scratch, orig_start..orig_end);
    }
}

fn push_cluster(
    out: &mut MapBuilder,
    scratch: &mut String,
    cluster: &str,
    orig_start: usize,
    keep_space: bool,
) {
    scratch.clear();
    // The spacing voicing marks ゛゜ would become a space plus the combining
    // mark under NFKC, which then could not compose with the kana.
    let premapped = cluster.chars().map(|c| match c {
        '\u{309B}' => '\u{3099}',
        '\u{309C}' => '\u{309A}',
        other => other,
    });
    let mut dropped = None;
    for d in premapped.nfkc() {
        for l in d.to_lowercase() {
            match classify(l, keep_space) {
                Some(k) => scratch.push(k),
                None => {
                    dropped.get_or_insert(scratch.len());
                }
            }
        }
    }
    if let Some(at) = dropped {
        push_gap(&mut out.gaps, out.text.len() + at);
    }
    out.push_mapped(scratch, orig_start..orig_start + cluster.len());
}

/// The per-character rules after NFKC and lower-casing: `None` drops the
/// character.
fn classify(c: char, keep_space: bool) -> Option<char> {
    if c.is_whitespace() {
        return keep_space.then_some(' ');
    }
    if is_hyphen_or_long_vowel(c) {
        return Some('-');
    }
    if is_middle_dot(c) {
        return keep_space.then_some(c);
    }
    if is_invisible(c) {
        return None;
    }
    Some(c)
}

/// Hyphens, dashes, minus signs and the long-vowel mark, as they stand after
/// NFKC (ｰ has become ー, － and ﹣ have become -, ‑ has become ‐).
fn is_hyphen_or_long_vowel(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{02D7}' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2043}'
                | '\u{2212}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{30FC}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{FF70}'
    )
}

/// Middle dots used between the parts of a name (・ ･ · ‧ ∙ ⋅).
fn is_middle_dot(c: char) -> bool {
    matches!(
        c,
        '\u{30FB}' | '\u{FF65}' | '\u{00B7}' | '\u{0387}' | '\u{2027}' | '\u{2219}' | '\u{22C5}'
    )
}

/// Default-ignorable characters: invisible, so they could hide a term
/// (ヤマ\u{200B}ダ) without changing what a reader sees.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> String {
        normalize_term(s)
    }

    #[test]
    fn full_width_latin_and_spaces() {
        assert_eq!(n("ＹＡＭＡＤＡ　Ｗｏｒｋｓ"), "yamadaworks");
        assert_eq!(n("Yamada Works"), "yamadaworks");
        assert_eq!(n(" Yamada\tWorks\r\n"), "yamadaworks");
    }

    #[test]
    fn lower_cases_beyond_ascii() {
        assert_eq!(n("ÉCOLE"), "école");
        assert_eq!(n("ΣΟΦΙΑ"), "σοφια");
    }

    #[test]
    fn hyphen_and_long_vowel_variants_are_one() {
        let want = n("カーボン");
        assert_eq!(want, "カ-ボン");
        for v in [
            "カ-ボン",
            "カ−ボン",
            "カｰボン",
            "カ‐ボン",
            "カ‑ボン",
            "カ‒ボン",
            "カ–ボン",
            "カ—ボン",
            "カ―ボン",
            "カ﹣ボン",
            "カ－ボン",
        ] {
            assert_eq!(n(v), want, "{v}");
        }
    }

    #[test]
    fn middle_dots_are_removed() {
        assert_eq!(n("エー・ビー・シー"), "エ-ビ-シ-");
        assert_eq!(n("エー・ビー・シー"), n("エービーシー"));
        assert_eq!(n("ｴｰ･ﾋﾞｰ･ｼｰ"), n("エービーシー"));
        assert_eq!(n("A·B‧C"), "abc");
    }

    #[test]
    fn nfkc_compatibility_forms() {
        assert_eq!(n("㈱"), "(株)");
        assert_eq!(n("（株）"), "(株)");
        assert_eq!(n("ﾔﾏﾀﾞ"), "ヤマダ");
        assert_eq!(n("ヤマタ゛"), "ヤマダ");
        assert_eq!(n("ヤマタ\u{3099}"), "ヤマダ");
        assert_eq!(n("ﾊﾟｰﾄﾅｰ"), n("パートナー"));
        assert_eq!(n("ﬁle"), "file");
        assert_eq!(n("e\u{301}"), "é");
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(n("ヤマ\u{200B}ダ"), "ヤマダ");
        assert_eq!(n("ヤ\u{FEFF}マ\u{00AD}ダ"), "ヤマダ");
        assert_eq!(n("ヤマ\u{FE0F}ダ"), "ヤマダ");
    }

    #[test]
    fn loose_view_keeps_spaces() {
        assert_eq!(normalize_loose("Ａ　B\tc").text, "a b c");
        assert_eq!(normalize_loose("０３−１２３４").text, "03-1234");
    }

    #[test]
    fn offsets_map_back_to_exact_original_characters() {
        let original = "私はＹＡＭＡＤＡ　Ｗｏｒｋｓの者です";
        let norm = normalize(original);
        let at = norm.text.find("yamadaworks").unwrap();
        let r = norm.original_range(at..at + "yamadaworks".len());
        assert_eq!(&original[r], "ＹＡＭＡＤＡ　Ｗｏｒｋｓ");

        let original = "昨日 ヤマダ ・ テック の人と";
        let norm = normalize(original);
        let at = norm.text.find("ヤマダテック").unwrap();
        let r = norm.original_range(at..at + "ヤマダテック".len());
        assert_eq!(&original[r], "ヤマダ ・ テック");

        let original = "abc ㈱ヤマダ";
        let norm = normalize(original);
        let at = norm.text.find("株").unwrap();
        let r = norm.original_range(at..at + "株".len());
        assert_eq!(&original[r], "㈱");

        let original = "Hello World";
        let norm = normalize(original);
        assert_eq!(&original[norm.original_range(5..10)], "World");
        assert_eq!(norm.original_range(0..0), 0..0);
        assert_eq!(norm.original_range(10..10), 11..11);
    }

    #[test]
    fn offsets_of_an_expanded_cluster_cover_the_whole_cluster() {
        let original = "xﾀﾞy";
        let norm = normalize(original);
        assert_eq!(norm.text, "xダy");
        let at = norm.text.find('ダ').unwrap();
        assert_eq!(&original[norm.original_range(at..at + 3)], "ﾀﾞ");
        // A range that ends in the middle of a character is widened.
        assert_eq!(&original[norm.original_range(at..at + 1)], "ﾀﾞ");
    }

    #[test]
    fn the_fast_path_agrees_with_the_rules() {
        let ranges = [
            0x3001..=0x3035,
            0x3041..=0x3096,
            0x30A1..=0x30FA,
            0x3400..=0x4DBF,
            0x4E00..=0x9FFF,
            0xAC00..=0xD7A3,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            assert!(is_stable(c));
            let slow: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .filter_map(|l| classify(l, false))
                .collect();
            assert_eq!(slow, c.to_string(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn empty_and_whitespace_only() {
        assert_eq!(n(""), "");
        assert_eq!(n(" \u{3000}\t"), "");
        let norm = normalize("  ");
        assert_eq!(norm.original_range(0..5), 2..2);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn append_equals_normalize_text(
            prefix in "[a-zA-Z \\t]{0,3}",
            s in "[\\s\\S]{0,40}|[aA\\u{301}\\u{3099}\\u{309B}\\u{FF9E}かカｶ山\\u{3000} \\u{1100}\\u{1161}\\u{11A8}é-ーｰ・\\u{200B}Ａ]{0,40}",
        ) {
            let mut buf = prefix.clone();
            let mut gaps = Vec::new();
            normalize_append(&mut buf, &mut gaps, &s);
            let (text, want_gaps) = normalize_text(&s);
            prop_assert_eq!(buf, format!("{prefix}{text}"));
            let shifted: Vec<u32> = want_gaps.iter().map(|g| g + prefix.len() as u32).collect();
            prop_assert_eq!(gaps, shifted);
        }

        #[test]
        fn never_panics_and_ranges_are_char_boundaries(
            s in "\\PC*|[\\s\\S]{0,40}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            let norm = normalize(&s);
            let loose = normalize_loose(&s);
            for view in [&norm, &loose] {
                let r = view.original_range(a.min(b)..a.max(b));
                prop_assert!(r.start <= r.end && r.end <= s.len());
                prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                let r = view.original_range(b..a);
                prop_assert!(r.start <= r.end && r.end <= s.len());
                prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            }
        }

        #[test]
        fn each_normalized_char_maps_into_text_that_normalizes_to_it(
            s in "[a-zA-Zａ-ｚＡ-Ｚ0-9０-９ァ-ヶｦ-ﾟあ-ん山田太郎 　・ー\\-−゛ﾞ\u{301}]{0,30}",
        ) {
            let norm = normalize(&s);
            let mut at = 0;
            while at < norm.text.len() {
                let c = norm.text[at..].chars().next().unwrap();
                let r = norm.original_range(at..at + c.len_utf8());
                prop_assert!(normalize_term(&s[r.clone()]).contains(c),
                    "{:?} at {} maps to {:?}", c, at, &s[r]);
                at += c.len_utf8();
            }
        }
    }
}
