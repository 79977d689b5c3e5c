//! Identity terms: every string that would tie a company or person to the
//! lab (SPEC §7.1). Redaction replaces them in quoted text; the leak gate
//! fails the build when one appears in any output file.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::normalize::{normalize, normalize_term};
use super::readings::readings;
use super::rules::{Honorifics, is_latin_alnum};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermKind {
    Company,
    Person,
    Email,
    Denied,
}

/// Where an occurrence of a term counts (SPEC §7.1). Either way a term
/// that begins or ends in Latin script counts only as a whole word there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Anywhere,
    /// Only where an honorific or title follows (林さん, サエキ様, Li-san)
    /// or a Latin title comes before (Mr. Li): a one-character name part,
    /// the kana reading of a single part, a Latin part or reading of fewer
    /// than three letters. They are too often part of ordinary words
    /// (もり in つもり, Li in online).
    Honorific,
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
    pub context: Context,
    /// The term as written (or as derived: a name part, a company without
    /// its legal form).
    pub source: String,
    /// `normalize_term(&source)`.
    pub normalized: String,
}

impl IdentityTerm {
    /// Why the term would make the gate useless ([`term_problem_in`]).
    pub fn problem(&self) -> Option<&'static str> {
        term_problem_in(&self.normalized, self.context)
    }
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
    /// Per pattern: every term with that form is under the honorific rule
    /// ([`Context::Honorific`]).
    pub honorific: Vec<bool>,
    /// The honorifics the honorific rule looks for (the closed list and
    /// `privacy.honorifics`).
    pub honorifics: Honorifics,
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
            table.push(t.normalized.clone(), t.kind.clone(), t.context);
        }
        table.finish()
    }

    /// An empty table whose honorific rule also knows `extra` (site.yaml's
    /// `privacy.honorifics`).
    pub fn with_honorifics(extra: &[String]) -> TermTable {
        TermTable {
            honorifics: Honorifics::new(extra),
            ..TermTable::default()
        }
    }

    /// Add the next term, by its normalized form. One with a
    /// [`term_problem`] gets an index but no pattern (the caller reports
    /// it).
    pub fn push(&mut self, normalized: String, kind: TermKind, context: Context) {
        let index = self.pushed;
        self.pushed += 1;
        if term_problem_in(&normalized, context).is_some() {
            return;
        }
        let honorific = context == Context::Honorific;
        let p = match self.index.get(normalized.as_str()) {
            Some(&p) => {
                self.honorific[p as usize] &= honorific;
                p as usize
            }
            None => {
                let p = self.kinds.len();
                self.kinds.push(kind);
                self.honorific.push(honorific);
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
#[derive(Clone, Copy, Debug, Default)]
pub struct ParticipantIdentity<'a> {
    pub lab: &'a str,
    pub id: &'a str,
    pub name: Option<&'a str>,
    /// The reading of the name, parts separated by white space
    /// (`さえき なおき`).
    pub kana: Option<&'a str>,
    /// Other names the person goes by: a person's, so `〇〇` in quotes.
    pub nicknames: &'a [String],
    pub company: Option<&'a str>,
    pub aliases: &'a [String],
    pub email: Option<&'a str>,
}

/// Collects terms, deduplicated by normalized form.
struct TermSet {
    owner: TermOwner,
    seen: HashMap<String, usize>,
    terms: Vec<IdentityTerm>,
}

impl TermSet {
    fn new(owner: TermOwner) -> TermSet {
        TermSet {
            owner,
            seen: HashMap::new(),
            terms: Vec::new(),
        }
    }

    /// A term the author wrote: kept even when it is unusable, so that the
    /// caller can report it (see [`term_problem`]).
    fn written(&mut self, kind: TermKind, source: &str, context: Context) {
        let normalized = normalize_term(source);
        self.push(kind, source, normalized, context);
    }

    /// A term derived from one the author wrote: dropped when unusable,
    /// since the term it came from still stands and the author has nothing
    /// to fix.
    fn derived(&mut self, kind: TermKind, source: &str, context: Context) {
        let normalized = normalize_term(source);
        if term_problem_in(&normalized, context).is_none() {
            self.push(kind, source, normalized, context);
        }
    }

    /// The first term of a form wins, but one that counts anywhere lifts
    /// an earlier one under the honorific rule.
    fn push(&mut self, kind: TermKind, source: &str, normalized: String, context: Context) {
        match self.seen.get(&normalized) {
            Some(&i) => {
                if context == Context::Anywhere {
                    self.terms[i].context = Context::Anywhere;
                }
            }
            None => {
                self.seen.insert(normalized.clone(), self.terms.len());
                self.terms.push(IdentityTerm {
                    owner: self.owner.clone(),
                    kind,
                    context,
                    source: source.to_string(),
                    normalized,
                });
            }
        }
    }
}

/// Where a name part, nickname or reading counts: under the honorific rule
/// when it is one character, or Latin of fewer than three letters.
fn name_context(term: &str) -> Context {
    let normalized = normalize_term(term);
    let n = normalized.chars().count();
    let latin = normalized
        .chars()
        .all(|c| is_latin_alnum(c) || c == '-' || c == '\'');
    if n <= 1 || (latin && n < 3) {
        Context::Honorific
    } else {
        Context::Anywhere
    }
}

/// A name in Latin script (Li Wei), which people also write surname first.
fn is_latin_name(name: &str) -> bool {
    normalize_term(name)
        .chars()
        .all(|c| is_latin_alnum(c) || matches!(c, '-' | '\'' | '.'))
}

/// All identity terms of one participant (SPEC §7.1): the name (a Latin
/// one in both orders), each part of the name (one character, or Latin of
/// fewer than three letters: under the honorific rule), every nickname, the
/// readings from `kana` (each part's in kana under the honorific rule, the
/// whole name's anywhere), the company, the company without its legal form,
/// every alias (and each without its legal form), the e-mail address.
/// Deduplicated by normalized form; the first kind wins.
pub fn participant_terms(p: &ParticipantIdentity) -> Vec<IdentityTerm> {
    use Context::{Anywhere, Honorific};
    let mut set = TermSet::new(TermOwner::Participant {
        lab: p.lab.to_string(),
        participant: p.id.to_string(),
    });
    if let Some(name) = p.name {
        let parts: Vec<&str> = name_parts(name).collect();
        let context = if parts.len() > 1 {
            Anywhere
        } else {
            name_context(name)
        };
        set.written(TermKind::Person, name, context);
        for part in &parts {
            set.derived(TermKind::Person, part, name_context(part));
        }
        if parts.len() > 1 && is_latin_name(name) {
            let mut reversed = parts.clone();
            reversed.reverse();
            set.derived(TermKind::Person, &reversed.join(" "), Anywhere);
        }
    }
    for nickname in p.nicknames {
        set.written(TermKind::Person, nickname, name_context(nickname));
    }
    if let Some(kana) = p.kana {
        let r = readings(kana);
        for whole in &r.whole {
            set.derived(TermKind::Person, whole, Anywhere);
        }
        for part in &r.part_kana {
            set.derived(TermKind::Person, part, Honorific);
        }
        for part in &r.part_romaji {
            set.derived(TermKind::Person, part, name_context(part));
        }
    }
    if let Some(company) = p.company {
        set.written(TermKind::Company, company, Anywhere);
        set.derived(TermKind::Company, &strip_legal_forms(company), Anywhere);
    }
    // Aliases are other names of the company (SPEC §5: ヤマダ製作所,
    // Yamada Works), so they are replaced by the company placeholder.
    for alias in p.aliases {
        set.written(TermKind::Company, alias, Anywhere);
        set.derived(TermKind::Company, &strip_legal_forms(alias), Anywhere);
    }
    if let Some(email) = p.email {
        set.written(TermKind::Email, email, Anywhere);
    }
    set.terms
}

/// Terms of `privacy.deny`, each also without its legal form.
pub fn deny_terms(deny: &[String]) -> Vec<IdentityTerm> {
    let mut set = TermSet::new(TermOwner::Deny);
    for term in deny {
        set.written(TermKind::Denied, term, Context::Anywhere);
    }
    for term in deny {
        set.derived(
            TermKind::Denied,
            &strip_legal_forms(term),
            Context::Anywhere,
        );
    }
    set.terms
}

/// Parts of a name separated by white space or a middle dot (ジョン・スミス).
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || matches!(c, '・' | '･' | '·'))
        .filter(|p| !p.is_empty())
}

/// Why a term in `context` would make the gate useless: under the
/// honorific rule, one character is enough (林さん).
pub fn term_problem_in(normalized: &str, context: Context) -> Option<&'static str> {
    match context {
        Context::Anywhere => term_problem(normalized),
        Context::Honorific if normalized.is_empty() => Some("empty after normalization"),
        Context::Honorific => None,
    }
}

/// Why a term that counts anywhere would make the gate useless or be
/// dangerous.
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
                        .is_some_and(is_latin_alnum_wide))
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
                        .is_some_and(is_latin_alnum_wide))
        })
        .map(|(form, _)| pos - form.len())
        .min()
}

/// A Latin letter or digit, half- or full-width.
fn is_latin_alnum_wide(c: char) -> bool {
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
        if (latin_first && before.is_some_and(is_latin_alnum_wide))
            || (latin_last && after.is_some_and(is_latin_alnum_wide))
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
            ..ParticipantIdentity::default()
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

    fn contexts(terms: &[IdentityTerm]) -> Vec<(&str, Context)> {
        terms
            .iter()
            .map(|t| (t.normalized.as_str(), t.context))
            .collect()
    }

    #[test]
    fn one_character_name_parts_count_under_the_honorific_rule() {
        use Context::{Anywhere, Honorific};
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("林 誠"),
            ..ParticipantIdentity::default()
        };
        let terms = participant_terms(&p);
        assert_eq!(
            contexts(&terms),
            [("林誠", Anywhere), ("林", Honorific), ("誠", Honorific)]
        );
        assert!(terms.iter().all(|t| t.problem().is_none()));
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
    fn short_latin_parts_count_under_the_honorific_rule_and_both_orders() {
        use Context::{Anywhere, Honorific};
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("Li Wei"),
            ..ParticipantIdentity::default()
        };
        assert_eq!(
            contexts(&participant_terms(&p)),
            [
                ("liwei", Anywhere),
                ("li", Honorific),
                ("wei", Anywhere),
                ("weili", Anywhere)
            ]
        );
    }

    #[test]
    fn readings_and_nicknames() {
        use Context::{Anywhere, Honorific};
        let nicknames = vec!["サエ".to_string(), "ナ".to_string()];
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("佐伯 直樹"),
            kana: Some("さえき なおき"),
            nicknames: &nicknames,
            ..ParticipantIdentity::default()
        };
        let terms = participant_terms(&p);
        assert_eq!(
            contexts(&terms),
            [
                ("佐伯直樹", Anywhere),
                ("佐伯", Anywhere),
                ("直樹", Anywhere),
                ("サエ", Anywhere),
                ("ナ", Honorific),
                ("さえきなおき", Anywhere),
                ("サエキナオキ", Anywhere),
                ("saekinaoki", Anywhere),
                ("naokisaeki", Anywhere),
                ("さえき", Honorific),
                ("サエキ", Honorific),
                ("なおき", Honorific),
                ("ナオキ", Honorific),
                ("saeki", Anywhere),
                ("naoki", Anywhere),
            ]
        );
        assert!(terms.iter().all(|t| t.kind == TermKind::Person));
        // A short reading is under the honorific rule in romaji too.
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("李"),
            kana: Some("り"),
            ..ParticipantIdentity::default()
        };
        assert_eq!(
            contexts(&participant_terms(&p)),
            [
                ("李", Honorific),
                ("り", Honorific),
                ("リ", Honorific),
                ("ri", Honorific)
            ]
        );
    }

    #[test]
    fn a_form_that_counts_anywhere_lifts_the_honorific_rule() {
        let nicknames = vec!["もり".to_string()];
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("森 陽子"),
            kana: Some("もり ようこ"),
            nicknames: &nicknames,
            ..ParticipantIdentity::default()
        };
        let terms = participant_terms(&p);
        let mori = terms.iter().find(|t| t.normalized == "もり").unwrap();
        assert_eq!(mori.context, Context::Anywhere);
    }

    #[test]
    fn empty_written_terms_are_returned_for_reporting() {
        let aliases = vec!["　".to_string(), "X".to_string()];
        let p = ParticipantIdentity {
            lab: "l",
            id: "p",
            name: Some("X"),
            aliases: &aliases,
            ..ParticipantIdentity::default()
        };
        let terms = participant_terms(&p);
        // The one-letter name is under the honorific rule: usable. The
        // empty alias and the one-letter alias (same form as the name,
        // which it lifts to count anywhere) are not.
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[1].problem(), Some("empty after normalization"));
        assert!(terms[0].problem().is_some());
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
