//! Readings of a name (SPEC §7.1): people are named aloud, in chat and in
//! mail by the reading of their name (サエキさん, Saeki-san), so a
//! participant's `kana` gives terms in hiragana, katakana and Hepburn
//! romaji, for each part and for the whole name.
//!
//! Romaji: し shi, ち chi, つ tsu, ふ fu, じ ji, を o, ん n (n' before a
//! vowel or y, and n without the apostrophe, as people write it), small
//! tsu doubles the next consonant, きゃ kya, しゃ sha, ちゃ cha, じゃ ja. A
//! long vowel (おう, おお, うう, ー) is spelled four ways, one way per word:
//! plain (Sato), doubled (Satou, Oono), with h (Satoh, Ohno) and with a
//! macron (Satō).

use unicode_normalization::UnicodeNormalization;

/// The readings of one name, from its `kana`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Readings {
    /// Each part in hiragana and katakana (and katakana with ー for a long
    /// vowel): these count only before an honorific.
    pub part_kana: Vec<String>,
    /// Each part in romaji, every spelling: whole words; one of fewer than
    /// three letters counts only under the honorific rule.
    pub part_romaji: Vec<String>,
    /// The whole name in every script and spelling (romaji in both
    /// orders, as Latin-script text writes names either way): these count
    /// anywhere (romaji ones as whole words).
    pub whole: Vec<String>,
}

/// Parts of a reading, separated by white space or a middle dot.
fn parts(kana: &str) -> Vec<String> {
    let nfkc: String = kana.nfkc().collect();
    nfkc.split(|c: char| c.is_whitespace() || matches!(c, '・' | '･' | '·'))
        .filter(|p| !p.is_empty())
        .map(|p| p.chars().map(to_hiragana).collect())
        .collect()
}

fn to_hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        other => other,
    }
}

fn to_katakana(c: char) -> char {
    match c {
        'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        other => other,
    }
}

/// Every reading term of `kana` (a name's reading, parts separated by
/// white space: `さえき なおき`). Parts that are not kana give kana forms
/// but no romaji.
pub fn readings(kana: &str) -> Readings {
    let parts = parts(kana);
    let mut r = Readings::default();
    if parts.is_empty() {
        return r;
    }
    // Per part: its kana spellings and its romaji spellings.
    let mut kana_forms: Vec<Vec<String>> = Vec::new();
    let mut romaji_forms: Vec<Vec<String>> = Vec::new();
    for part in &parts {
        let hira = part.clone();
        let kata: String = part.chars().map(to_katakana).collect();
        let mut forms = vec![hira, kata.clone()];
        let long = katakana_long_marks(&kata);
        if long != kata {
            forms.push(long);
        }
        dedup(&mut forms);
        r.part_kana.extend(forms.iter().cloned());
        kana_forms.push(forms);
        let romaji = romanize(part);
        r.part_romaji.extend(romaji.iter().cloned());
        romaji_forms.push(romaji);
    }
    dedup(&mut r.part_kana);
    dedup(&mut r.part_romaji);
    // The whole name: the same script throughout (hiragana, katakana,
    // katakana with ー) in the name's order, and every mix of the parts'
    // romaji spellings in both orders. A name of one part has only the
    // part's readings.
    if parts.len() < 2 {
        return r;
    }
    for script in 0..3 {
        let pick: Vec<&str> = kana_forms
            .iter()
            .map(|f| f.get(script).unwrap_or(&f[f.len() - 1]).as_str())
            .collect();
        r.whole.push(pick.concat());
    }
    if romaji_forms.iter().all(|f| !f.is_empty()) {
        for combo in combinations(&romaji_forms) {
            both_orders(&combo, " ", &mut r.whole);
        }
    }
    dedup(&mut r.whole);
    r
}

/// The name in its order and reversed, joined by `sep` (one part: just
/// the part, which is not a whole-name term beyond the part itself).
fn both_orders(parts: &[&str], sep: &str, out: &mut Vec<String>) {
    out.push(parts.join(sep));
    if parts.len() > 1 {
        let mut rev = parts.to_vec();
        rev.reverse();
        out.push(rev.join(sep));
    }
}

/// Every choice of one spelling per part; at most a few hundred (names
/// have two or three parts, a part at most eight spellings).
fn combinations(forms: &[Vec<String>]) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for f in forms {
        if out.len() * f.len() > 512 {
            // An unusual name of many parts: the first spelling of this
            // part only.
            for c in &mut out {
                c.push(&f[0]);
            }
            continue;
        }
        out = out
            .into_iter()
            .flat_map(|c| {
                f.iter().map(move |s| {
                    let mut c = c.clone();
                    c.push(s.as_str());
                    c
                })
            })
            .collect();
    }
    out
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
}

/// Katakana with ー for a long vowel (サトウ → サトー, オオノ → オーノ).
fn katakana_long_marks(kata: &str) -> String {
    let chars: Vec<char> = kata.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i
            .checked_sub(1)
            .and_then(|p| vowel_of(to_hiragana(chars[p])));
        let long = matches!((prev, c), (Some('o'), 'ウ' | 'オ') | (Some('u'), 'ウ'));
        out.push(if long { 'ー' } else { c });
    }
    out
}

/// The vowel a kana ends in.
fn vowel_of(c: char) -> Option<char> {
    syllable(c).and_then(|s| s.chars().last())
}

/// One unit of a reading.
#[derive(Clone, Debug, PartialEq)]
enum Mora {
    Syllable(String),
    /// っ: doubles the next consonant.
    Sokuon,
    /// ん
    N,
    /// ー
    Long,
}

/// Hepburn for one hiragana.
fn syllable(c: char) -> Option<&'static str> {
    Some(match c {
        'あ' => "a",
        'い' => "i",
        'う' => "u",
        'え' => "e",
        'お' => "o",
        'か' => "ka",
        'き' => "ki",
        'く' => "ku",
        'け' => "ke",
        'こ' => "ko",
        'が' => "ga",
        'ぎ' => "gi",
        'ぐ' => "gu",
        'げ' => "ge",
        'ご' => "go",
        'さ' => "sa",
        'し' => "shi",
        'す' => "su",
        'せ' => "se",
        'そ' => "so",
        'ざ' => "za",
        'じ' => "ji",
        'ず' => "zu",
        'ぜ' => "ze",
        'ぞ' => "zo",
        'た' => "ta",
        'ち' => "chi",
        'つ' => "tsu",
        'て' => "te",
        'と' => "to",
        'だ' => "da",
        'ぢ' => "ji",
        'づ' => "zu",
        'で' => "de",
        'ど' => "do",
        'な' => "na",
        'に' => "ni",
        'ぬ' => "nu",
        'ね' => "ne",
        'の' => "no",
        'は' => "ha",
        'ひ' => "hi",
        'ふ' => "fu",
        'へ' => "he",
        'ほ' => "ho",
        'ば' => "ba",
        'び' => "bi",
        'ぶ' => "bu",
        'べ' => "be",
        'ぼ' => "bo",
        'ぱ' => "pa",
        'ぴ' => "pi",
        'ぷ' => "pu",
        'ぺ' => "pe",
        'ぽ' => "po",
        'ま' => "ma",
        'み' => "mi",
        'む' => "mu",
        'め' => "me",
        'も' => "mo",
        'や' => "ya",
        'ゆ' => "yu",
        'よ' => "yo",
        'ら' => "ra",
        'り' => "ri",
        'る' => "ru",
        'れ' => "re",
        'ろ' => "ro",
        'わ' => "wa",
        'ゐ' => "i",
        'ゑ' => "e",
        'を' => "o",
        'ゔ' => "vu",
        'ぁ' => "a",
        'ぃ' => "i",
        'ぅ' => "u",
        'ぇ' => "e",
        'ぉ' => "o",
        'ゎ' => "wa",
        _ => return None,
    })
}

/// The units of a hiragana part; `None` if it has anything else.
fn morae(part: &str) -> Option<Vec<Mora>> {
    let mut out: Vec<Mora> = Vec::new();
    for c in part.chars() {
        match c {
            'っ' => out.push(Mora::Sokuon),
            'ん' => out.push(Mora::N),
            'ー' | '-' | '〜' => out.push(Mora::Long),
            'ゃ' | 'ゅ' | 'ょ' => {
                let v = match c {
                    'ゃ' => 'a',
                    'ゅ' => 'u',
                    _ => 'o',
                };
                match out.last_mut() {
                    // きゃ kya, しゃ sha, ちゃ cha, じゃ ja.
                    Some(Mora::Syllable(s)) if s.len() >= 2 && s.ends_with('i') => {
                        s.pop();
                        if !(s.ends_with("sh") || s.ends_with("ch") || s.ends_with('j')) {
                            s.push('y');
                        }
                        s.push(v);
                    }
                    _ => out.push(Mora::Syllable(format!("y{v}"))),
                }
            }
            'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' => {
                let v = syllable(c)?;
                match out.last_mut() {
                    // ふぁ fa, てぃ ti, しぇ she, うぃ wi.
                    Some(Mora::Syllable(s)) if s.len() >= 2 || s == "u" => {
                        s.pop();
                        if s.is_empty() {
                            s.push('w');
                        }
                        s.push_str(v);
                    }
                    _ => out.push(Mora::Syllable(v.to_string())),
                }
            }
            _ => out.push(Mora::Syllable(syllable(c)?.to_string())),
        }
    }
    Some(out)
}

#[derive(Clone, Copy, PartialEq)]
enum LongStyle {
    Plain,
    Doubled,
    H,
    Macron,
}

fn macron(v: char) -> char {
    match v {
        'a' => 'ā',
        'i' => 'ī',
        'u' => 'ū',
        'e' => 'ē',
        'o' => 'ō',
        other => other,
    }
}

/// Every romaji spelling of a hiragana part: four long-vowel styles, and
/// ん before a vowel or y with and without the apostrophe.
fn romanize(part: &str) -> Vec<String> {
    let Some(morae) = morae(part) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for style in [
        LongStyle::Plain,
        LongStyle::Doubled,
        LongStyle::H,
        LongStyle::Macron,
    ] {
        for apostrophe in [true, false] {
            out.push(spell(&morae, style, apostrophe));
        }
    }
    out.retain(|s| !s.is_empty());
    dedup(&mut out);
    out
}

fn spell(morae: &[Mora], style: LongStyle, apostrophe: bool) -> String {
    let mut out = String::new();
    let mut double_next = false;
    let mut i = 0;
    while i < morae.len() {
        match &morae[i] {
            Mora::Sokuon => double_next = true,
            Mora::N => {
                out.push('n');
                if apostrophe
                    && let Some(Mora::Syllable(next)) = morae.get(i + 1)
                    && next.starts_with(['a', 'i', 'u', 'e', 'o', 'y'])
                {
                    out.push('\'');
                }
            }
            // A ー with nothing long before it (at the start, after ん).
            Mora::Long => {}
            Mora::Syllable(s) => {
                if double_next {
                    double_next = false;
                    if s.starts_with("ch") {
                        out.push('t');
                    } else if let Some(c) = s.chars().next().filter(|c| !"aiueo".contains(*c)) {
                        out.push(c);
                    }
                }
                let vowel = s.chars().last().unwrap_or('a');
                // What makes this vowel long: ー after any vowel, う after
                // o or u, お after o.
                let long = match morae.get(i + 1) {
                    Some(Mora::Long) => Some(vowel),
                    Some(Mora::Syllable(n)) if n == "u" && matches!(vowel, 'o' | 'u') => Some('u'),
                    Some(Mora::Syllable(n)) if n == "o" && vowel == 'o' => Some('o'),
                    _ => None,
                };
                match long {
                    None => out.push_str(s),
                    Some(second) => {
                        i += 1;
                        match style {
                            LongStyle::Plain => out.push_str(s),
                            LongStyle::Doubled => {
                                out.push_str(s);
                                out.push(second);
                            }
                            LongStyle::H => {
                                out.push_str(s);
                                out.push('h');
                            }
                            LongStyle::Macron => {
                                out.push_str(&s[..s.len() - 1]);
                                out.push(macron(vowel));
                            }
                        }
                    }
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn romaji(part: &str) -> Vec<String> {
        romanize(part)
    }

    #[test]
    fn hepburn_basics() {
        assert_eq!(romaji("さえき"), ["saeki"]);
        assert_eq!(romaji("しち"), ["shichi"]);
        assert_eq!(romaji("つふじ"), ["tsufuji"]);
        assert_eq!(romaji("を"), ["o"]);
        assert_eq!(romaji("ふじた"), ["fujita"]);
        assert_eq!(romaji("ちづる"), ["chizuru"]);
        assert_eq!(romaji("まなぶ"), ["manabu"]);
    }

    #[test]
    fn youon_and_small_tsu() {
        assert_eq!(romaji("きゃ"), ["kya"]);
        assert_eq!(romaji("しゃ"), ["sha"]);
        assert_eq!(romaji("ちゃ"), ["cha"]);
        assert_eq!(romaji("じゃ"), ["ja"]);
        assert_eq!(romaji("りゅうじ")[0], "ryuji");
        assert_eq!(romaji("はっとり"), ["hattori"]);
        assert_eq!(romaji("はっちゃん"), ["hatchan"]);
        assert_eq!(romaji("いっぺい"), ["ippei"]);
        assert_eq!(romaji("ふぁ"), ["fa"]);
    }

    #[test]
    fn n_before_a_vowel_or_y() {
        assert_eq!(romaji("じゅんいち"), ["jun'ichi", "junichi"]);
        assert_eq!(romaji("しんや"), ["shin'ya", "shinya"]);
        assert_eq!(romaji("けんた"), ["kenta"]);
        assert_eq!(romaji("まん"), ["man"]);
    }

    #[test]
    fn long_vowels_four_ways() {
        assert_eq!(romaji("さとう"), ["sato", "satou", "satoh", "satō"]);
        assert_eq!(romaji("おおの"), ["ono", "oono", "ohno", "ōno"]);
        assert_eq!(romaji("ゆうき"), ["yuki", "yuuki", "yuhki", "yūki"]);
        assert_eq!(romaji("いとう"), ["ito", "itou", "itoh", "itō"]);
        assert_eq!(
            romaji("しょうへい"),
            ["shohei", "shouhei", "shohhei", "shōhei"]
        );
        // Katakana ー.
        assert_eq!(romaji("さとー"), ["sato", "satoo", "satoh", "satō"]);
    }

    #[test]
    fn not_kana_gives_no_romaji() {
        assert!(romaji("佐伯").is_empty());
        assert!(romaji("abc").is_empty());
    }

    #[test]
    fn readings_of_a_name() {
        let r = readings("さえき なおき");
        assert_eq!(r.part_kana, ["さえき", "サエキ", "なおき", "ナオキ"]);
        assert_eq!(r.part_romaji, ["saeki", "naoki"]);
        assert_eq!(
            r.whole,
            ["さえきなおき", "サエキナオキ", "saeki naoki", "naoki saeki"]
        );
    }

    #[test]
    fn katakana_input_and_long_marks() {
        let r = readings("サトウ　ヨウコ");
        assert_eq!(
            r.part_kana,
            ["さとう", "サトウ", "サトー", "ようこ", "ヨウコ", "ヨーコ"]
        );
        assert!(r.whole.contains(&"サトーヨーコ".to_string()));
        assert!(r.whole.contains(&"satoh yoko".to_string()));
        assert!(r.whole.contains(&"yōko satou".to_string()));
        // Four spellings of each of two parts, both orders.
        assert_eq!(r.whole.iter().filter(|w| w.contains(' ')).count(), 32);
        // Half-width katakana.
        assert_eq!(readings("ｻｴｷ").part_kana, ["さえき", "サエキ"]);
    }

    #[test]
    fn one_part_has_no_whole_name_readings() {
        let r = readings("もり");
        assert_eq!(r.part_kana, ["もり", "モリ"]);
        assert_eq!(r.part_romaji, ["mori"]);
        assert!(r.whole.is_empty());
    }

    #[test]
    fn empty_reading() {
        assert_eq!(readings("  "), Readings::default());
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any kana gives romaji of Latin letters (and the apostrophe),
        /// the plain spelling first, and whole names made of the parts.
        #[test]
        fn romaji_is_latin_and_whole_names_hold_the_parts(
            a in "[ぁ-ゖァ-ヶー]{1,6}",
            b in "[ぁ-ゖァ-ヶー]{1,6}",
        ) {
            let r = readings(&format!("{a} {b}"));
            for w in &r.part_romaji {
                prop_assert!(w.chars().all(|c| c.is_ascii_lowercase() || c == '\'' || "āīūēō".contains(c)), "{:?}", w);
            }
            let hira_a: String = a.chars().map(to_hiragana).collect();
            let hira_b: String = b.chars().map(to_hiragana).collect();
            let whole = format!("{hira_a}{hira_b}");
            prop_assert!(r.whole.contains(&whole));
            prop_assert!(r.part_kana.contains(&hira_a));
            let ra = romanize(&hira_a);
            let rb = romanize(&hira_b);
            if let (Some(x), Some(y)) = (ra.first(), rb.first()) {
                let (xy, yx) = (format!("{x} {y}"), format!("{y} {x}"));
                prop_assert!(r.whole.contains(&xy));
                prop_assert!(r.whole.contains(&yx));
            }
        }
    }
}
