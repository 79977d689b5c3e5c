//! Redaction of quoted text (SPEC §7.3): every identity term of any
//! participant and of `privacy.deny` becomes a placeholder, and so does every
//! e-mail address, phone number and URL. Matching happens on the normalized
//! text; replacement happens on the original, so text without any of these
//! comes out byte-identical.

use std::cmp::Reverse;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind, StartKind};

use super::normalize::{normalize, normalize_loose};
use super::rules::{self, Honorifics, View, counts, for_each_match, word_flags};
use super::terms::{IdentityTerm, TermKind, TermTable, legal_form_after, legal_form_before};

const COMPANY: &str = "〇〇社";
const PERSON: &str = "〇〇";
const EMAIL: &str = "[メールアドレス]";
const PHONE: &str = "[電話番号]";
const URL: &str = "[URL]";

/// How many times redaction runs over its own output. A placeholder next to
/// the remaining text can, in contrived cases, form a term again (deny
/// `社長`, text `ヤマダ長` → `〇〇社長`); another pass removes it.
const MAX_PASSES: usize = 3;

pub struct Redactor {
    /// Leftmost-longest, over every usable term. Shared with the leak
    /// gate's quick pass (see [`Redactor::automaton`]).
    matcher: Option<Arc<AhoCorasick>>,
    /// Per pattern of `matcher`: the kind of the first term with that
    /// normalized form.
    kinds: Vec<TermKind>,
    /// Per pattern: when an occurrence counts ([`rules::flags`]).
    flags: Vec<u8>,
    honorifics: Honorifics,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redaction {
    pub text: String,
    /// How many spans were replaced.
    pub count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placeholder {
    Company,
    Person,
    Email,
    Phone,
    Url,
}

struct Span {
    range: Range<usize>,
    placeholder: Placeholder,
    /// Identity terms win ties against the pattern scanners.
    rank: u8,
}

impl Redactor {
    /// Terms with a [`term_problem`](crate::privacy::terms::term_problem) are skipped; the caller reports them.
    pub fn new(terms: &[IdentityTerm]) -> Redactor {
        Redactor::from_table(&TermTable::from_terms(terms))
    }

    pub fn from_table(table: &TermTable) -> Redactor {
        // Anchored searches too: where a match does not count (not a whole
        // word, no honorific), the shorter ones at the same place are
        // tried (`rules::for_each_match`).
        let matcher = (!table.patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Both)
                .build(table.patterns.iter().map(|p| p.as_bytes()))
                .map(Arc::new)
                .expect("identity terms build an automaton")
        });
        Redactor {
            matcher,
            kinds: table.kinds.clone(),
            flags: table_flags(table),
            honorifics: table.honorifics.clone(),
        }
    }

    /// The automaton of every usable term (those with no
    /// [`term_problem`](crate::privacy::terms::term_problem)), allowed
    /// terms included: it matches wherever the leak gate's terms occur, so
    /// the gate's quick pass can use it. Leftmost-longest, with anchored
    /// searches supported.
    pub fn automaton(&self) -> Option<Arc<AhoCorasick>> {
        self.matcher.clone()
    }

    /// Replace every identity term (a company, alias or denied term by
    /// `〇〇社`, a person or an e-mail term by `〇〇`), e-mail address
    /// (`[メールアドレス]`), phone number (`[電話番号]`) and URL (`[URL]`).
    pub fn redact(&self, text: &str) -> Redaction {
        let mut result = self.redact_once(text);
        for _ in 1..MAX_PASSES {
            if result.count == 0 {
                break;
            }
            let again = self.redact_once(&result.text);
            if again.count == 0 {
                break;
            }
            result = Redaction {
                text: again.text,
                count: result.count + again.count,
            };
        }
        result
    }

    fn redact_once(&self, text: &str) -> Redaction {
        let mut spans = Vec::new();
        if let Some(matcher) = &self.matcher {
            let norm = normalize(text);
            let view = View {
                text: &norm.text,
                gaps: &norm.gaps,
            };
            for_each_match(matcher, &norm.text, |m| {
                let p = m.pattern().as_usize();
                if !counts(self.flags[p], &self.honorifics, view, m.start(), m.end()) {
                    return false;
                }
                let mut range = m.range();
                let placeholder = match self.kinds[m.pattern().as_usize()] {
                    TermKind::Company | TermKind::Denied => {
                        // A legal form next to the name goes with it:
                        // (株)ヤマダ → 〇〇社, not (株)〇〇社.
                        range.start =
                            legal_form_before(&norm.text, range.start).unwrap_or(range.start);
                        range.end = legal_form_after(&norm.text, range.end).unwrap_or(range.end);
                        Placeholder::Company
                    }
                    TermKind::Person | TermKind::Email => Placeholder::Person,
                };
                spans.push(Span {
                    range: norm.original_range(range),
                    placeholder,
                    rank: 0,
                });
                true
            });
        }
        if text
            .bytes()
            .any(|b| matches!(b, b'@' | b'/' | b'.') || b.is_ascii_digit() || b >= 0x80)
        {
            let loose = normalize_loose(text);
            scan_patterns(loose.text.as_bytes(), |range, placeholder| {
                spans.push(Span {
                    range: loose.original_range(range),
                    placeholder,
                    rank: 1,
                });
            });
        }
        if spans.is_empty() {
            return Redaction {
                text: text.to_string(),
                count: 0,
            };
        }
        spans.sort_by_key(|s| (s.range.start, Reverse(s.range.end), s.rank));
        // Merge overlapping spans: the earliest (longest) one names the
        // placeholder, and the merged span covers them all.
        let mut merged: Vec<(Range<usize>, Placeholder)> = Vec::new();
        for span in spans {
            match merged.last_mut() {
                Some((last, _)) if span.range.start < last.end => {
                    last.end = last.end.max(span.range.end);
                }
                _ => merged.push((span.range, span.placeholder)),
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (i, (range, placeholder)) in merged.iter().enumerate() {
            out.push_str(&text[at..range.start]);
            let next_span_start = merged.get(i + 1).map(|(r, _)| r.start);
            out.push_str(match placeholder {
                Placeholder::Company if followed_by_sha(text, range.end, next_span_start) => PERSON,
                Placeholder::Company => COMPANY,
                Placeholder::Person => PERSON,
                Placeholder::Email => EMAIL,
                Placeholder::Phone => PHONE,
                Placeholder::Url => URL,
            });
            at = range.end;
        }
        out.push_str(&text[at..]);
        Redaction {
            text: out,
            count: merged.len(),
        }
    }
}

/// Per pattern of `table`: its word flags, and whether it is under the
/// honorific rule.
pub(crate) fn table_flags(table: &TermTable) -> Vec<u8> {
    table
        .patterns
        .iter()
        .zip(&table.honorific)
        .map(|(p, &h)| word_flags(p) | if h { rules::flags::HONORIFIC } else { 0 })
        .collect()
}

/// Whether the text after a company match goes on with 社 (ヤマダ社), which
/// stays, so the placeholder must not bring its own (〇〇社社).
fn followed_by_sha(text: &str, end: usize, next_span_start: Option<usize>) -> bool {
    let rest = &text[end..];
    let Some((offset, c)) = rest.char_indices().find(|(_, c)| !c.is_whitespace()) else {
        return false;
    };
    c == '社' && next_span_start != Some(end + offset)
}

/// Find e-mail addresses, phone numbers and URLs in loosely normalized text
/// (NFKC, lower case, hyphens unified, white space kept as single spaces).
/// All the forms are ASCII there, so the scanners work on bytes; a match
/// starts and ends on ASCII bytes, hence on char boundaries.
fn scan_patterns(b: &[u8], mut found: impl FnMut(Range<usize>, Placeholder)) {
    let mut i = 0;
    while i < b.len() {
        let hit = match b[i] {
            b'@' => email_at(b, i).map(|r| (r, Placeholder::Email)),
            b'h' | b'f' | b'w' => url_at(b, i).map(|end| (i..end, Placeholder::Url)),
            b'+' | b'(' | b'0' => phone_at(b, i).map(|end| (i..end, Placeholder::Phone)),
            _ => None,
        };
        match hit {
            Some((range, placeholder)) => {
                i = range.end.max(i + 1);
                found(range, placeholder);
            }
            None => i += 1,
        }
    }
}

fn is_local_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

fn is_domain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

/// The address around the `@` at `at`: a local part, and a domain with at
/// least one dot and an alphabetic top-level label of two or more letters.
fn email_at(b: &[u8], at: usize) -> Option<Range<usize>> {
    let mut start = at;
    while start > 0 && is_local_byte(b[start - 1]) {
        start -= 1;
    }
    while start < at && b[start] == b'.' {
        start += 1;
    }
    if start == at {
        return None;
    }
    let mut end = at + 1;
    while end < b.len() && is_domain_byte(b[end]) {
        end += 1;
    }
    while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &b[at + 1..end];
    let last_dot = domain.iter().rposition(|&c| c == b'.')?;
    let tld = &domain[last_dot + 1..];
    let labels_ok = domain.split(|&c| c == b'.').all(|l| !l.is_empty());
    (labels_ok && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)).then_some(start..end)
}

/// The end of a URL starting at `i` with `http://`, `https://`, `ftp://` or
/// `www.`.
fn url_at(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    let prefix = [&b"https://"[..], b"http://", b"ftp://", b"www."]
        .into_iter()
        .find(|p| rest.starts_with(p))?;
    if prefix == b"www." && i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.') {
        return None;
    }
    let mut end = i + prefix.len();
    while end < b.len()
        && b[end].is_ascii_graphic()
        && !matches!(
            b[end],
            b'<' | b'>' | b'"' | b'`' | b'{' | b'}' | b'|' | b'\\' | b'^'
        )
    {
        end += 1;
    }
    // Punctuation that ends the sentence rather than the URL, and a closing
    // parenthesis that closes text around the URL.
    let url = &b[i..end];
    let open = url.iter().filter(|&&c| c == b'(').count();
    let mut close = url.iter().filter(|&&c| c == b')').count();
    while end > i + prefix.len() {
        match b[end - 1] {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' => end -= 1,
            b')' if close > open => {
                close -= 1;
                end -= 1;
            }
            _ => break,
        }
    }
    (end > i + prefix.len()).then_some(end)
}

/// The end of a phone number starting at `i`: a Japanese number of 10 or 11
/// digits starting with 0 (`03-1234-5678`, `(03)1234-5678`, `0312345678`,
/// `0120-123-456`), or an international one (`+81 3-1234-5678`,
/// `+81-90-1234-5678`). Groups are separated by hyphens, parentheses or
/// spaces; a number never starts or ends inside a longer run of digits.
fn phone_at(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'+') {
        return None;
    }
    let international = b[i] == b'+';
    let mut p = i;
    let (min, max) = if international {
        p += 1;
        if !b.get(p).is_some_and(|c| (b'1'..=b'9').contains(c)) {
            return None;
        }
        (10, if b[p..].starts_with(b"81") { 12 } else { 15 })
    } else {
        if b[p] == b'(' {
            p += 1;
        }
        if b.get(p) != Some(&b'0') {
            return None;
        }
        (10, 11)
    };
    let mut digits = 0;
    let mut groups = 0;
    let mut best = None;
    loop {
        let group_start = p;
        while p < b.len() && b[p].is_ascii_digit() {
            p += 1;
        }
        let group = p - group_start;
        if group == 0 {
            break;
        }
        digits += group;
        groups += 1;
        if digits > max {
            break;
        }
        if digits >= min {
            best = Some(p);
        }
        // A separator of up to three characters, then the next group.
        let sep_start = p;
        while p < b.len() && p - sep_start < 3 && matches!(b[p], b'-' | b' ' | b'(' | b')') {
            p += 1;
        }
        let sep = &b[sep_start..p];
        if sep.is_empty() || !b.get(p).is_some_and(u8::is_ascii_digit) {
            break;
        }
        // After a space, a one-digit group only right after the country
        // code (+81 3-...): otherwise it is more likely a separate number.
        if sep.contains(&b' ') {
            let next = b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
            if next < 2 && !(international && groups == 1) {
                break;
            }
        }
    }
    // A closing parenthesis right after the number belongs to the text.
    best
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::privacy::normalize::normalize_term;
    use crate::privacy::terms::{ParticipantIdentity, deny_terms, participant_terms, term_problem};
    use proptest::prelude::*;

    fn yamada() -> Vec<IdentityTerm> {
        let aliases = vec!["ヤマダ製作所".to_string(), "Yamada Works".to_string()];
        let mut terms = participant_terms(&ParticipantIdentity {
            lab: "lab-1",
            id: "p1",
            name: Some("山田 太郎"),
            company: Some("株式会社ヤマダ製作所"),
            aliases: &aliases,
            email: Some("taro@yamada.example"),
            ..ParticipantIdentity::default()
        });
        terms.extend(deny_terms(&["競合商事".to_string()]));
        terms
    }

    fn redact(text: &str) -> String {
        Redactor::new(&yamada()).redact(text).text
    }

    #[test]
    fn text_without_terms_is_byte_identical() {
        let text = "問いを一つに絞って待つ。 Ask one question, then wait!\n\t（全角）";
        let r = Redactor::new(&yamada()).redact(text);
        assert_eq!(r.text, text);
        assert_eq!(r.count, 0);
    }

    #[test]
    fn companies_persons_and_denied_terms() {
        assert_eq!(
            redact("株式会社ヤマダ製作所の山田太郎です"),
            "〇〇社の〇〇です"
        );
        assert_eq!(redact("ヤマダ製作所で山田さんと"), "〇〇社で〇〇さんと");
        assert_eq!(redact("太郎氏と競合商事"), "〇〇氏と〇〇社");
        assert_eq!(
            redact("ＹＡＭＡＤＡ　Ｗｏｒｋｓ is great"),
            "〇〇社 is great"
        );
        assert_eq!(
            redact("yamada-works? no: YAMADA WORKS."),
            "yamada-works? no: 〇〇社."
        );
        assert_eq!(redact("山 田 太 郎"), "〇〇");
        assert_eq!(redact("ﾔﾏﾀﾞ製作所"), "〇〇社");
        assert_eq!(redact("ヤマダ・製作所"), "〇〇社");
    }

    #[test]
    fn legal_form_variants_are_replaced_whole() {
        assert_eq!(redact("(株)ヤマダ製作所"), "〇〇社");
        assert_eq!(redact("㈱ヤマダ製作所は"), "〇〇社は");
        assert_eq!(redact("ヤマダ製作所 Co., Ltd. は"), "〇〇社 は");
        assert_eq!(redact("Yamada Works, Inc. is"), "〇〇社 is");
        assert_eq!(redact("Yamada Works Incline"), "〇〇社 Incline");
        let terms = participant_terms(&ParticipantIdentity {
            lab: "l",
            id: "p",
            name: None,
            company: Some("株式会社ヤマダ"),
            aliases: &[],
            email: None,
            ..ParticipantIdentity::default()
        });
        let r = Redactor::new(&terms);
        assert_eq!(r.redact("株式会社ヤマダにて").text, "〇〇社にて");
        assert_eq!(r.redact("ヤマダ株式会社にて").text, "〇〇社にて");
        assert_eq!(r.redact("ヤマダ 株式会社にて").text, "〇〇社にて");
    }

    #[test]
    fn no_double_sha() {
        assert_eq!(redact("ヤマダ製作所社の方針"), "〇〇社の方針");
        assert_eq!(redact("競合商事 社の方針"), "〇〇 社の方針");
        assert_eq!(redact("競合商事社長"), "〇〇社長");
        assert_eq!(redact("山田社の"), "〇〇社の");
        // 社 that is itself replaced does not count.
        let terms = deny_terms(&["ヤマダ".to_string(), "社名X".to_string()]);
        assert_eq!(
            Redactor::new(&terms).redact("ヤマダ社名X").text,
            "〇〇社〇〇社"
        );
    }

    #[test]
    fn email_addresses() {
        assert_eq!(
            redact("連絡は hanako@example.co.jp まで"),
            "連絡は [メールアドレス] まで"
        );
        assert_eq!(
            redact("連絡はｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｃｏｍまで"),
            "連絡は[メールアドレス]まで"
        );
        assert_eq!(redact("<a.b+c@x-y.org>."), "<[メールアドレス]>.");
        assert_eq!(redact("taro@yamada.example"), "〇〇");
        assert_eq!(redact("@handle と a@b"), "@handle と a@b");
    }

    #[test]
    fn phone_numbers() {
        for phone in [
            "03-1234-5678",
            "090-1234-5678",
            "0120-123-456",
            "(03)1234-5678",
            "（03）1234-5678",
            "+81 3-1234-5678",
            "+81-90-1234-5678",
            "+81 (0)3-1234-5678",
            "0312345678",
            "09012345678",
            "０３－１２３４－５６７８",
            "０９０ー１２３４ー５６７８",
            "03 1234 5678",
        ] {
            assert_eq!(
                redact(&format!("電話:{phone}まで")),
                "電話:[電話番号]まで",
                "{phone}"
            );
            assert_eq!(
                redact(&format!("tel {phone}.")),
                "tel [電話番号].",
                "{phone}"
            );
        }
    }

    #[test]
    fn numbers_that_are_not_phone_numbers() {
        for text in [
            "2025-11-13",
            "参加者は12名",
            "〒100-0001",
            "03-1234",
            "012345678901234",
            "1234567890",
            "満足度 5 / 5",
            "10,000円",
            "0 か 1",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            redact("詳しくは https://example.com/a?b=1 を"),
            "詳しくは [URL] を"
        );
        assert_eq!(
            redact("詳しくはhttp://example.com/をご覧"),
            "詳しくは[URL]をご覧"
        );
        assert_eq!(redact("see www.example.org."), "see [URL].");
        assert_eq!(redact("(https://example.com/x)"), "([URL])");
        assert_eq!(redact("https://ja.example.org/wiki/A_(b))."), "[URL]).");
        assert_eq!(redact("ＨＴＴＰＳ：／／ＥＸＡＭＰＬＥ．ＣＯＭ"), "[URL]");
        assert_eq!(redact("https://yamada.example/works"), "[URL]");
        assert_eq!(redact("https:// alone"), "https:// alone");
        assert_eq!(redact("awww.x"), "awww.x");
    }

    #[test]
    fn counts_every_replacement() {
        let r = Redactor::new(&yamada()).redact("山田太郎 03-1234-5678 https://x.example");
        assert_eq!(r.text, "〇〇 [電話番号] [URL]");
        assert_eq!(r.count, 3);
    }

    #[test]
    fn unusable_terms_are_skipped() {
        let terms = deny_terms(&["林".to_string(), "".to_string(), "競合".to_string()]);
        let r = Redactor::new(&terms);
        assert_eq!(r.redact("林さんと競合").text, "林さんと〇〇社");
    }

    /// 佐伯 直樹 (with kana and a nickname), 林 亮, Li Wei, Ai Sato.
    pub(crate) fn named() -> Vec<IdentityTerm> {
        let nicknames = vec!["サエ".to_string()];
        let mut terms = participant_terms(&ParticipantIdentity {
            lab: "l",
            id: "p1",
            name: Some("佐伯 直樹"),
            kana: Some("さえき なおき"),
            nicknames: &nicknames,
            company: Some("東雲重工業株式会社"),
            ..ParticipantIdentity::default()
        });
        for (id, name, kana) in [
            ("p2", "林 亮", Some("はやし りょう")),
            ("p3", "Li Wei", None),
            ("p4", "Ai Sato", None),
            ("p5", "伊東 学", Some("いとう まなぶ")),
            ("p6", "森 陽子", Some("もり ようこ")),
        ] {
            terms.extend(participant_terms(&ParticipantIdentity {
                lab: "l",
                id,
                name: Some(name),
                kana,
                ..ParticipantIdentity::default()
            }));
        }
        terms
    }

    fn redact_named(text: &str) -> String {
        Redactor::new(&named()).redact(text).text
    }

    #[test]
    fn readings_are_redacted_and_the_honorific_stays() {
        for (text, want) in [
            ("サエキさんが", "〇〇さんが"),
            ("さえき様に", "〇〇様に"),
            ("ｻｴｷさん", "〇〇さん"),
            ("Saeki-san said", "〇〇-san said"),
            ("Mr. Saeki said", "Mr. 〇〇 said"),
            ("SAEKI said", "〇〇 said"),
            ("サエキナオキです", "〇〇です"),
            ("Naoki Saeki", "〇〇"),
            ("Itō-san", "〇〇-san"),
            ("Itoh", "〇〇"),
            ("イトウマナブ", "〇〇"),
            ("サエが来た", "〇〇が来た"),
            ("林さんの工夫", "〇〇さんの工夫"),
            ("林 部長の工夫", "〇〇 部長の工夫"),
            ("モリさん", "〇〇さん"),
        ] {
            assert_eq!(redact_named(text), want, "{text}");
        }
    }

    #[test]
    fn ordinary_words_are_not_names() {
        for text in [
            "つもり",
            "メモリ",
            "positive",
            "林業と森林",
            "さえきという地名",
            "モリモリ食べる",
            "Itoman",
        ] {
            assert_eq!(redact_named(text), text);
        }
    }

    #[test]
    fn latin_names_are_whole_words() {
        let clean = "online <li> main AI email font-weight Weiss Satoshi";
        assert_eq!(redact_named(clean), clean);
        for (text, want) in [
            ("Li-san said", "〇〇-san said"),
            ("Li san said", "〇〇 san said"),
            ("Ms. Ai", "Ms. 〇〇"),
            ("Aiさん", "〇〇さん"),
            ("Wei said", "〇〇 said"),
            ("Ai Sato", "〇〇"),
            ("Sato Ai", "〇〇"),
            ("佐藤Sato氏", "佐藤〇〇氏"),
        ] {
            assert_eq!(redact_named(text), want, "{text}");
        }
    }

    #[test]
    fn legal_marks_go_with_the_company() {
        for text in [
            "㈱東雲重工業",
            "(株)東雲重工業",
            "（株）東雲重工業",
            "株式会社東雲重工業",
            "東雲重工業株式会社",
            "東雲重工業 株式会社",
            "東雲重工業(株)",
            "東雲重工業㈱",
        ] {
            assert_eq!(
                redact_named(&format!("{text}の事例")),
                "〇〇社の事例",
                "{text}"
            );
        }
    }

    #[test]
    fn privacy_honorifics_extend_the_list() {
        let terms = named();
        let mut table = TermTable::with_honorifics(&["殿".to_string()]);
        for t in &terms {
            table.push(t.normalized.clone(), t.kind.clone(), t.context);
        }
        let r = Redactor::from_table(&table.finish());
        assert_eq!(r.redact("林殿へ").text, "〇〇殿へ");
        assert_eq!(redact_named("林殿へ"), "林殿へ");
    }

    #[test]
    fn redactor_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Redactor>();
    }

    // ---- property tests ----

    /// Term pool for the properties: kana, kanji and Latin, never 社 or 〇
    /// (which the placeholders bring) nor digits.
    pub(crate) fn term_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ア-ン]{1,3}[ーア-ン]{1,4}",
            "[山田中村佐藤鈴木高橋伊]{2,4}",
            "[A-Za-z]{3,8}( [A-Za-z]{2,6})?",
            "[あ-ん]{2,3}[ア-ン]{1,3}",
        ]
    }

    /// What surrounds terms: Japanese, ASCII, spaces, punctuation.
    pub(crate) fn filler_strategy() -> impl Strategy<Value = String> {
        "[あ-んア-ン日本語対話管理職a-zA-Z \u{3000}、。,.!?「」()・ー\n]{0,12}"
    }

    /// A disguise of `term` that still normalizes to contain it.
    pub(crate) fn disguise(term: &str, choice: &[u8]) -> String {
        let mut out = String::new();
        let mut pick = choice.iter().copied().cycle();
        let prefix = ["", "株式会社", "(株)", "㈱", "（株）", ""];
        let suffix = ["", "株式会社", " Co., Ltd.", "(株)", "社", ""];
        out.push_str(prefix[pick.next().unwrap_or(0) as usize % prefix.len()]);
        let chars: Vec<char> = term.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let p = pick.next().unwrap_or(0);
            let mut c_out = match p % 5 {
                1 if c.is_ascii_graphic() => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
                2 if c.is_ascii_alphabetic() => {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                }
                _ => c,
            }
            .to_string();
            if c == 'ー' {
                c_out = ["ー", "-", "−", "ｰ", "―", "－"][p as usize % 6].to_string();
            }
            if let Some(kana) = half_width(c).filter(|_| p % 7 == 3) {
                c_out = kana.to_string();
            }
            out.push_str(&c_out);
            if i + 1 < chars.len() {
                out.push_str(["", " ", "\u{3000}", "・", "", "\u{200B}", ""][(p / 5) as usize % 7]);
            }
        }
        out.push_str(suffix[pick.next().unwrap_or(0) as usize % suffix.len()]);
        out
    }

    fn half_width(c: char) -> Option<&'static str> {
        Some(match c {
            'ア' => "ｱ",
            'カ' => "ｶ",
            'ガ' => "ｶﾞ",
            'ダ' => "ﾀﾞ",
            'パ' => "ﾊﾟ",
            'マ' => "ﾏ",
            'ン' => "ﾝ",
            _ => return None,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn redacted_text_contains_no_term(
            terms in prop::collection::vec(term_strategy(), 1..5),
            pieces in prop::collection::vec(
                (filler_strategy(), 0usize..5, prop::collection::vec(any::<u8>(), 1..12)),
                1..6),
            tail in filler_strategy(),
        ) {
            let identity: Vec<IdentityTerm> = deny_terms(&terms);
            let redactor = Redactor::new(&identity);
            let mut text = String::new();
            // Brackets: a Latin term counts only as a whole word.
            for (filler, which, choice) in &pieces {
                text.push_str(filler);
                text.push('「');
                text.push_str(&disguise(&terms[which % terms.len()], choice));
                text.push('」');
            }
            text.push_str(&tail);
            let out = redactor.redact(&text).text;
            let norm = normalize(&out).text;
            for t in &identity {
                if term_problem(&t.normalized).is_none() {
                    prop_assert!(!norm.contains(&t.normalized),
                        "{:?} survives in {:?} (from {:?})", t.normalized, out, text);
                }
            }
        }

        #[test]
        fn text_without_terms_comes_out_identical(
            terms in prop::collection::vec(term_strategy(), 1..5),
            text in "[あ-んア-ン日本語対話管理職a-zA-Z \u{3000}、。,.!?「」()・ー\n:/]{0,80}",
        ) {
            let identity = deny_terms(&terms);
            let norm = normalize_term(&text);
            prop_assume!(identity.iter().all(|t| !norm.contains(&t.normalized)));
            prop_assume!(!norm.contains("http") && !norm.contains("www.") && !norm.contains("ftp:"));
            let r = Redactor::new(&identity).redact(&text);
            prop_assert_eq!(r.count, 0);
            prop_assert_eq!(r.text, text);
        }
    }
}
