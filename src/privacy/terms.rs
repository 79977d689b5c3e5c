//! Identity terms: every string that would tie a company or person to the
//! lab (SPEC §7.1). Redaction replaces them in quoted text; the leak gate
//! fails the build when one appears in any output file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::normalize::{normalize, normalize_term};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermKind {
    Company,
    Person,
    Email,
    Denied,
}

/// Whose term it is: what a leak report names instead of the term itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermOwner {
    Participant { lab: String, participant: String },
    Deny,
}

#[derive(Clone, Debug)]
pub struct IdentityTerm {
    pub owner: TermOwner,
    pub kind: TermKind,
    /// The term as written (or as derived: a name part, a company without
    /// its legal form).
    pub source: String,
    /// `normalize_term(&source)`.
    pub normalized: String,
}

/// The distinct usable normalized terms of a site: what the redactor and
/// the leak gate are built from, without keeping every term (600,000 of
/// them at 10,000 labs, about 150 bytes each with their strings, against
/// 155,000 distinct forms).
#[derive(Default)]
pub struct TermTable {
    /// Distinct normalized forms with no [`term_problem`], in order of
    /// first appearance (filled by [`TermTable::finish`]).
    pub patterns: Vec<Box<str>>,
    /// Per pattern: the kind of its first term.
    pub kinds: Vec<TermKind>,
    /// Per pattern: the indices (in the order the terms were pushed) of
    /// every term with that form.
    pub terms: Vec<Vec<u32>>,
    /// While pushing: each form and its pattern number.
    index: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    pushed: u32,
}

impl TermTable {
    pub fn from_terms(terms: &[IdentityTerm]) -> TermTable {
        let mut table = TermTable::default();
        for t in terms {
            table.push(t.normalized.clone(), t.kind.clone());
        }
        table.finish()
    }

    /// Add the next term, by its normalized form. One with a
    /// [`term_problem`] gets an index but no pattern (the caller reports
    /// it).
    pub fn push(&mut self, normalized: String, kind: TermKind) {
        let index = self.pushed;
        self.pushed += 1;
        if term_problem(&normalized).is_some() {
            return;
        }
        let p = match self.index.get(normalized.as_str()) {
            Some(&p) => p as usize,
            None => {
                let p = self.kinds.len();
                self.kinds.push(kind);
                self.terms.push(Vec::new());
                self.index.insert(normalized.into_boxed_str(), p as u32);
                p
            }
        };
        self.terms[p].push(index);
    }

    /// Move the forms from the lookup used while pushing into `patterns`.
    pub fn finish(mut self) -> TermTable {
        let mut patterns: Vec<Box<str>> = vec![Box::from(""); self.kinds.len()];
        for (form, p) in std::mem::take(&mut self.index) {
            patterns[p as usize] = form;
        }
        self.patterns = patterns;
        self
    }
}

/// The private identity of one participant, as read from lab.yaml.
#[derive(Clone, Copy, Debug)]
pub struct ParticipantIdentity<'a> {
    pub lab: &'a str,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub company: Option<&'a str>,
    pub aliases: &'a [String],
    pub email: Option<&'a str>,
}

/// Collects terms, deduplicated by normalized form.
struct TermSet {
    owner: TermOwner,
    seen: HashSet<String>,
    terms: Vec<IdentityTerm>,
}

impl TermSet {
    fn new(owner: TermOwner) -> TermSet {
        TermSet {
            owner,
            seen: HashSet::new(),
            terms: Vec::new(),
        }
    }

    /// A term the author wrote: kept even when it is unusable, so that the
    /// caller can report it (see [`term_problem`]).
    fn written(&mut self, kind: TermKind, source: &str) {
        let normalized = normalize_term(source);
        self.push(kind, source, normalized);
    }

    /// A term derived from one the author wrote: dropped when unusable,
    /// since the term it came from still stands and the author has nothing
    /// to fix.
    fn derived(&mut self, kind: TermKind, source: &str) {
        let normalized = normalize_term(source);
        if term_problem(&normalized).is_none() {
            self.push(kind, source, normalized);
        }
    }

    fn push(&mut self, kind: TermKind, source: &str, normalized: String) {
        if self.seen.insert(normalized.clone()) {
            self.terms.push(IdentityTerm {
                owner: self.owner.clone(),
                kind,
                source: source.to_string(),
                normalized,
            });
        }
    }
}

/// All identity terms of one participant (SPEC §7.1): the name, each part of
/// the name of two or more characters, the company, the company without its
/// legal form, every alias (and each without its legal form), the e-mail
/// address. Deduplicated by normalized form; the first kind wins.
pub fn participant_terms(p: &ParticipantIdentity) -> Vec<IdentityTerm> {
    let mut set = TermSet::new(TermOwner::Participant {
        lab: p.lab.to_string(),
        participant: p.id.to_string(),
    });
    if let Some(name) = p.name {
        set.written(TermKind::Person, name);
        for part in name_parts(name) {
            if normalize_term(part).chars().count() >= 2 {
                set.derived(TermKind::Person, part);
            }
        }
    }
    if let Some(company) = p.company {
        set.written(TermKind::Company, company);
        set.derived(TermKind::Company, &strip_legal_forms(company));
    }
    // Aliases are other names of the company (SPEC §5: ヤマダ製作所,
    // Yamada Works), so they are replaced by the company placeholder.
    for alias in p.aliases {
        set.written(TermKind::Company, alias);
        set.derived(TermKind::Company, &strip_legal_forms(alias));
    }
    if let Some(email) = p.email {
        set.written(TermKind::Email, email);
    }
    set.terms
}

/// Terms of `privacy.deny`, each also without its legal form.
pub fn deny_terms(deny: &[String]) -> Vec<IdentityTerm> {
    let mut set = TermSet::new(TermOwner::Deny);
    for term in deny {
        set.written(TermKind::Denied, term);
    }
    for term in deny {
        set.derived(TermKind::Denied, &strip_legal_forms(term));
    }
    set.terms
}

/// Parts of a name separated by white space or a middle dot (ジョン・スミス).
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || matches!(c, '・' | '･' | '·'))
        .filter(|p| !p.is_empty())
}

/// Why a term would make the gate useless or be dangerous.
pub fn term_problem(normalized: &str) -> Option<&'static str> {
    let mut chars = normalized.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Some("empty after normalization"),
        (Some(_), None) => {
            Some("a single character after normalization: it would match everywhere")
        }
        _ => None,
    }
}

/// Legal-form marks, as written; matched after normalization, so case,
/// full-width forms and spacing do not matter (`Co.,Ltd.` = `CO., LTD.`,
/// `（株）` = `(株)` = `㈱`).
const LEGAL_FORMS: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "NPO法人",
    "有限責任事業組合",
    "社会福祉法人",
    "医療法人",
    "学校法人",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(合)",
    "(社)",
    "(財)",
    "(一社)",
    "(一財)",
    "(公社)",
    "(公財)",
    "(特非)",
    "(医)",
    "(学)",
    "(福)",
    "Co., Ltd.",
    "Co., Ltd",
    "Co. Ltd.",
    "Co. Ltd",
    "Co Ltd",
    "Company Limited",
    "Limited",
    "Inc.",
    "Inc",
    "Incorporated",
    "Ltd.",
    "Ltd",
    "LLC",
    "L.L.C.",
    "Corp.",
    "Corp",
    "Corporation",
    "Co.",
    "K.K.",
    "KK",
    "GmbH",
    "PLC",
];

struct LegalForms {
    matcher: AhoCorasick,
    normalized: Vec<String>,
    /// Per form: whether its first / last character is a Latin letter, so
    /// the form must not be part of a longer word there (`Zinc`, `KKBox`).
    latin_edges: Vec<(bool, bool)>,
}

static LEGAL: LazyLock<LegalForms> = LazyLock::new(|| {
    let normalized: Vec<String> = LEGAL_FORMS.iter().map(|f| normalize_term(f)).collect();
    let latin_edges = normalized
        .iter()
        .map(|f| {
            let first = f.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
            let last = f
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            (first, last)
        })
        .collect();
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&normalized)
        .expect("legal forms build an automaton");
    LegalForms {
        matcher,
        normalized,
        latin_edges,
    }
});

/// In normalized text: the end of the longest legal form starting at `pos`
/// (ヤマダ|株式会社, ヤマダ| co.,ltd.), so redaction can take it along with
/// the company name.
pub(crate) fn legal_form_after(normalized: &str, pos: usize) -> Option<usize> {
    let legal = &*LEGAL;
    let rest = normalized.get(pos..)?;
    // `Yamada Works, Inc.`
    let (pos, rest) = match rest.strip_prefix(',') {
        Some(after_comma) if !after_comma.starts_with(',') => (pos + 1, after_comma),
        _ => (pos, rest),
    };
    legal
        .normalized
        .iter()
        .zip(&legal.latin_edges)
        .filter(|(form, (_, latin_last))| {
            rest.starts_with(form.as_str())
                && !(*latin_last
                    && rest[form.len()..]
                        .chars()
                        .next()
                        .is_some_and(is_latin_alnum))
        })
        .map(|(form, _)| pos + form.len())
        .max()
}

/// In normalized text: the start of the longest legal form ending at `pos`
/// ((株)|ヤマダ).
pub(crate) fn legal_form_before(normalized: &str, pos: usize) -> Option<usize> {
    let legal = &*LEGAL;
    let before = normalized.get(..pos)?;
    legal
        .normalized
        .iter()
        .zip(&legal.latin_edges)
        .filter(|(form, (latin_first, _))| {
            before.ends_with(form.as_str())
                && !(*latin_first
                    && before[..before.len() - form.len()]
                        .chars()
                        .next_back()
                        .is_some_and(is_latin_alnum))
        })
        .map(|(form, _)| pos - form.len())
        .min()
}

/// A Latin letter or digit, half- or full-width.
fn is_latin_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// The company without its legal-form marks, wherever they stand
/// (株式会社ヤマダ, ヤマダ株式会社, (株)ヤマダ, ㈱ヤマダ, ヤマダ Co., Ltd.),
/// in its original spelling, with leftover spaces, commas and dots trimmed.
pub fn strip_legal_forms(company: &str) -> String {
    let legal = &*LEGAL;
    let norm = normalize(company);
    let mut found: Vec<Range<usize>> = Vec::new();
    for m in legal.matcher.find_overlapping_iter(&norm.text) {
        let r = norm.original_range(m.range());
        let (latin_first, latin_last) = legal.latin_edges[m.pattern().as_usize()];
        let before = company[..r.start].chars().next_back();
        let after = company[r.end..].chars().next();
        if (latin_first && before.is_some_and(is_latin_alnum))
            || (latin_last && after.is_some_and(is_latin_alnum))
        {
            continue;
        }
        found.push(r);
    }
    // Earliest first, longest first; keep those that do not overlap.
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut kept = String::with_capacity(company.len());
    let mut at = 0;
    for r in found {
        if r.start < at {
            continue;
        }
        kept.push_str(&company[at..r.start]);
        at = r.end;
    }
    kept.push_str(&company[at..]);
    tidy(&kept)
}

/// Trim what a removed legal form leaves behind at either end, and collapse
/// runs of white space left in the middle.
fn tidy(s: &str) -> String {
    let leftover = |c: char| {
        c.is_whitespace() || matches!(c, ',' | '.' | '，' | '、' | '．' | '。' | '・' | '&' | '＆')
    };
    let trimmed = s.trim_matches(leftover);
    let mut out = String::with_capacity(trimmed.len());
    let mut last_space = false;
    for c in trimmed.chars() {
        let space = c.is_whitespace();
        if !(space && last_space) {
            out.push(c);
        }
        last_space = space;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(terms: &[IdentityTerm]) -> Vec<&str> {
        terms.iter().map(|t| t.source.as_str()).collect()
    }

    #[test]
    fn legal_forms_before_the_name() {
        assert_eq!(strip_legal_forms("株式会社ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("(株)ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("（株）ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("㈱ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("有限会社 ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("(有)ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("合同会社ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("一般社団法人ヤマダ協会"), "ヤマダ協会");
        assert_eq!(strip_legal_forms("特定非営利活動法人ヤマダ"), "ヤマダ");
        assert_eq!(strip_legal_forms("NPO法人ヤマダ"), "ヤマダ");
    }

    #[test]
    fn legal_forms_after_the_name() {
        assert_eq!(strip_legal_forms("ヤマダ株式会社"), "ヤマダ");
        assert_eq!(strip_legal_forms("ヤマダ(株)"), "ヤマダ");
        assert_eq!(strip_legal_forms("ヤマダ㈲"), "ヤマダ");
        assert_eq!(strip_legal_forms("ヤマダ Co., Ltd."), "ヤマダ");
        assert_eq!(strip_legal_forms("Yamada Works Co.,Ltd."), "Yamada Works");
        assert_eq!(strip_legal_forms("YAMADA WORKS CO., LTD."), "YAMADA WORKS");
        assert_eq!(strip_legal_forms("Yamada Works, Inc."), "Yamada Works");
        assert_eq!(strip_legal_forms("Yamada Works Inc"), "Yamada Works");
        assert_eq!(strip_legal_forms("Yamada LLC"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada Corp."), "Yamada");
        assert_eq!(strip_legal_forms("Yamada Corporation"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada K.K."), "Yamada");
        assert_eq!(strip_legal_forms("Yamada KK"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada GmbH"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada Company Limited"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada Ltd"), "Yamada");
        assert_eq!(strip_legal_forms("Yamada & Co."), "Yamada");
        assert_eq!(strip_legal_forms("ＹＡＭＡＤＡ　ＩＮＣ．"), "ＹＡＭＡＤＡ");
    }

    #[test]
    fn legal_forms_in_the_middle_and_latin_words_kept_whole() {
        assert_eq!(
            strip_legal_forms("ヤマダ株式会社東京支社"),
            "ヤマダ東京支社"
        );
        assert_eq!(strip_legal_forms("Zinc Works"), "Zinc Works");
        assert_eq!(strip_legal_forms("KKBox"), "KKBox");
        assert_eq!(strip_legal_forms("Corpus Labs"), "Corpus Labs");
        assert_eq!(strip_legal_forms("Incline Ltd."), "Incline");
        assert_eq!(strip_legal_forms("ヤマダ製作所"), "ヤマダ製作所");
        assert_eq!(strip_legal_forms("株式会社"), "");
    }

    #[test]
    fn participant_terms_cover_name_parts_company_aliases_email() {
        let aliases = vec!["ヤマダ製作所".to_string(), "Yamada Works".to_string()];
        let p = ParticipantIdentity {
            lab: "lab-1",
            id: "p1",
            name: Some("山田 太郎"),
            company: Some("株式会社ヤマダ製作所"),
            aliases: &aliases,
            email: Some("taro@yamada.example"),
        };
        let terms = participant_terms(&p);
        assert_eq!(
            sources(&terms),
            vec![
                "山田 太郎",
                "山田",
                "太郎",
                "株式会社ヤマダ製作所",
                "ヤマダ製作所",
                "Yamada Works",
                "taro@yamada.example",
            ]
        );
        assert_eq!(terms[0].normalized, "山田太郎");
        assert_eq!(terms[0].kind, TermKind::Person);
        assert_eq!(terms[1].kind, TermKind::Person);
        assert_eq!(terms[3].kind, TermKind::Company);
        assert_eq!(terms[5].kind, TermKind::Company);
        assert_eq!(terms[6].kind, TermKind::Email);
        assert!(terms.iter().all(|t| t.owner
            == TermOwner::Participant {
                lab: "lab-1".into(),
                participant: "p1".into()
            }));
    }

    #[test]
    fn one_character_name_parts_are_skipped_but_the_name_stays() {
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("林 誠"),
            company: None,
            aliases: &[],
            email: None,
        };
        assert_eq!(sources(&participant_terms(&p)), vec!["林 誠"]);
        let p = ParticipantIdentity {
            name: Some("ジョン・スミス"),
            ..p
        };
        assert_eq!(
            sources(&participant_terms(&p)),
            vec!["ジョン・スミス", "ジョン", "スミス"]
        );
    }

    #[test]
    fn empty_written_terms_are_returned_for_reporting() {
        let aliases = vec!["　".to_string()];
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("X"),
            company: None,
            aliases: &aliases,
            email: None,
        };
        let terms = participant_terms(&p);
        assert_eq!(terms.len(), 2);
        assert!(term_problem(&terms[0].normalized).is_some());
        assert_eq!(
            term_problem(&terms[1].normalized),
            Some("empty after normalization")
        );
    }

    #[test]
    fn deny_terms_with_and_without_legal_forms() {
        let deny = vec!["競合商事株式会社".to_string(), "競合 商事".to_string()];
        let terms = deny_terms(&deny);
        assert_eq!(sources(&terms), vec!["競合商事株式会社", "競合 商事"]);
        assert!(
            terms
                .iter()
                .all(|t| t.kind == TermKind::Denied && t.owner == TermOwner::Deny)
        );
        let terms = deny_terms(&["㈱ライバル".to_string()]);
        assert_eq!(sources(&terms), vec!["㈱ライバル", "ライバル"]);
    }

    #[test]
    fn term_table_keeps_distinct_forms_in_order_with_every_index() {
        let mut terms = deny_terms(&["ヤマダ".to_string(), "競合".to_string()]);
        terms.extend(deny_terms(&["ｙａｍａｄａ".to_string()]));
        terms.extend(deny_terms(&[
            "ヤ マ ダ".to_string(),
            "x".to_string(),
            "yamada".to_string(),
        ]));
        let norm: Vec<&str> = terms.iter().map(|t| t.normalized.as_str()).collect();
        assert_eq!(norm, ["ヤマダ", "競合", "yamada", "ヤマダ", "x", "yamada"]);
        let table = TermTable::from_terms(&terms);
        let patterns: Vec<&str> = table.patterns.iter().map(|p| &**p).collect();
        assert_eq!(patterns, ["ヤマダ", "競合", "yamada"]);
        // "x" (a single character) has index 4 but no pattern.
        assert_eq!(table.terms, [vec![0, 3], vec![1], vec![2, 5]]);
        assert_eq!(table.kinds.len(), 3);
    }

    #[test]
    fn term_problems() {
        assert_eq!(term_problem(""), Some("empty after normalization"));
        assert_eq!(
            term_problem("林"),
            Some("a single character after normalization: it would match everywhere")
        );
        assert_eq!(term_problem("a"), term_problem("林"));
        assert_eq!(term_problem("山田"), None);
        assert_eq!(term_problem(&normalize_term(" Ｙ ")), term_problem("y"));
    }
}
