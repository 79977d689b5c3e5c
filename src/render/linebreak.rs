//! Line breaking for text drawn into SVG, which does not wrap by itself:
//! a page title on a share card is broken here, in Rust, before the card
//! template sees it.
//!
//! Japanese breaks between any two characters, except where kinsoku
//! (禁則処理) forbids it: no line starts with closing brackets, 、。 and other
//! punctuation, small kana or the prolonged sound mark, and no line ends
//! with an opening bracket. A run of Latin letters and digits (`1on1`,
//! `Zoom`) is a word and breaks only at spaces, unless it is wider than a
//! whole line.
//!
//! Within what kinsoku allows, a line ends between phrases where it can
//! (「社名を|背負わない|対話から」, as BudouX's model splits them), so a
//! word is not cut in two when the line before it would still be well
//! filled; a phrase longer than that falls back to a break between
//! characters.

use std::collections::HashSet;

/// How full a line must be for a break between phrases to win over one
/// between characters later in the line.
const PHRASE_FILL: f32 = 0.6;

/// Characters that may not start a line (行頭禁則).
const NO_START: &str = "、。，．,.・:：;；?？!！‼⁇⁈⁉゛゜ヽヾゝゞ々〻ー‐゠–〜～…‥)）]］}｝〕〉》」』】〙〗〟’”｠»ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ%％‰℃";

/// Characters that may not end a line (行末禁則).
const NO_END: &str = "(（[［{｛〔〈《「『【〘〖〝‘“｟«";

fn no_start(c: char) -> bool {
    NO_START.contains(c)
}

fn no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// A piece of text that is never broken inside: one Japanese character, a
/// Latin word, or a space.
#[derive(Debug)]
struct Unit {
    text: String,
    width: f32,
    space: bool,
    /// Whether a phrase starts here.
    phrase: bool,
}

impl Unit {
    fn first(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }
    fn last(&self) -> char {
        self.text.chars().next_back().unwrap_or(' ')
    }
}

/// Whether `c` belongs to a word that breaks only at spaces.
fn wordish(c: char) -> bool {
    c.is_ascii_graphic() || (c.is_alphanumeric() && (c as u32) < 0x2E80)
}

/// The character offsets in `text` where BudouX's Japanese model starts a
/// phrase (after the first).
fn phrase_starts(text: &str) -> HashSet<usize> {
    let model = budoux::models::default_japanese_model();
    let mut at = 0;
    let mut starts = HashSet::new();
    for phrase in budoux::parse(model, text) {
        at += phrase.chars().count();
        starts.insert(at);
    }
    starts
}

fn units(
    text: &str,
    phrases: &HashSet<usize>,
    max_width: f32,
    width: &dyn Fn(char) -> f32,
) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut word = String::new();
    let mut word_w = 0.0;
    let mut word_phrase = false;
    let flush = |out: &mut Vec<Unit>, word: &mut String, word_w: &mut f32, phrase: bool| {
        if word.is_empty() {
            return;
        }
        if *word_w <= max_width {
            out.push(Unit {
                text: std::mem::take(word),
                width: *word_w,
                space: false,
                phrase,
            });
        } else {
            // A word wider than a line: cut where the line is full.
            let mut piece = String::new();
            let mut piece_w = 0.0;
            let mut first = phrase;
            for c in word.chars() {
                let w = width(c);
                if piece_w + w > max_width && !piece.is_empty() {
                    out.push(Unit {
                        text: std::mem::take(&mut piece),
                        width: piece_w,
                        space: false,
                        phrase: std::mem::take(&mut first),
                    });
                    piece_w = 0.0;
                }
                piece.push(c);
                piece_w += w;
            }
            out.push(Unit {
                text: piece,
                width: piece_w,
                space: false,
                phrase: first,
            });
            word.clear();
        }
        *word_w = 0.0;
    };
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            flush(&mut out, &mut word, &mut word_w, word_phrase);
            // Runs of white space (line breaks in YAML too) are one space.
            if out.last().is_some_and(|u| !u.space) {
                out.push(Unit {
                    text: " ".into(),
                    width: width(' '),
                    space: true,
                    phrase: true,
                });
            }
        } else if wordish(c) {
            if word.is_empty() {
                word_phrase = phrases.contains(&i);
            }
            word.push(c);
            word_w += width(c);
        } else {
            flush(&mut out, &mut word, &mut word_w, word_phrase);
            out.push(Unit {
                text: c.to_string(),
                width: width(c),
                space: false,
                phrase: phrases.contains(&i),
            });
        }
    }
    flush(&mut out, &mut word, &mut word_w, word_phrase);
    while out.last().is_some_and(|u| u.space) {
        out.pop();
    }
    out
}

/// Whether a line may break before `units[i]`.
fn may_break_before(units: &[Unit], i: usize) -> bool {
    if i == 0 || i >= units.len() {
        return false;
    }
    let (a, b) = (&units[i - 1], &units[i]);
    if a.space || b.space {
        return true;
    }
    !no_start(b.first()) && !no_end(a.last())
}

fn line_text(units: &[Unit]) -> String {
    let s: String = units.iter().map(|u| u.text.as_str()).collect();
    s.trim().to_string()
}

/// Break `text` into lines no wider than `max_width` (as `width` measures
/// each character), following kinsoku rules. At most `max_lines` lines: the
/// last one kept ends with `…` when text was cut.
pub fn break_lines(
    text: &str,
    max_width: f32,
    max_lines: usize,
    width: &dyn Fn(char) -> f32,
) -> Vec<String> {
    break_at_phrases(text, &phrase_starts(text), max_width, max_lines, width)
}

/// [`break_lines`] with the text's phrases already found.
fn break_at_phrases(
    text: &str,
    phrases: &HashSet<usize>,
    max_width: f32,
    max_lines: usize,
    width: &dyn Fn(char) -> f32,
) -> Vec<String> {
    let units = units(text, phrases, max_width, width);
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < units.len() {
        // Spaces at the start of a line are dropped.
        while start < units.len() && units[start].space {
            start += 1;
        }
        if start >= units.len() {
            break;
        }
        let mut end = start;
        let mut w = 0.0;
        while end < units.len() && w + units[end].width <= max_width {
            w += units[end].width;
            end += 1;
        }
        if end < units.len() {
            // Back up to the last place a line may end: between phrases if
            // the line is still well filled there, else anywhere kinsoku
            // allows.
            let filled = |j: usize| units[start..j].iter().map(|u| u.width).sum::<f32>();
            let between_phrases = (start + 1..=end).rev().find(|&j| {
                (units[j].phrase || units[j - 1].space)
                    && may_break_before(&units, j)
                    && filled(j) >= PHRASE_FILL * max_width
            });
            match between_phrases.or_else(|| {
                (start + 1..=end)
                    .rev()
                    .find(|&j| may_break_before(&units, j))
            }) {
                Some(j) => end = j,
                // Nowhere to break (a run of closing punctuation): break
                // where the line is full rather than overflow.
                None => end = end.max(start + 1),
            }
        }
        lines.push((start, end));
        start = end;
    }
    let mut out: Vec<String> = lines
        .iter()
        .take(max_lines)
        .map(|&(s, e)| line_text(&units[s..e]))
        .collect();
    if lines.len() > max_lines
        && let Some(last) = out.last_mut()
    {
        let ellipsis = '…';
        let mut chars: Vec<char> = last.chars().collect();
        let mut w: f32 = chars.iter().map(|&c| width(c)).sum();
        while !chars.is_empty()
            && (w + width(ellipsis) > max_width || no_end(chars[chars.len() - 1]))
        {
            if let Some(c) = chars.pop() {
                w -= width(c);
            }
        }
        while chars.last().is_some_and(|c| c.is_whitespace()) {
            chars.pop();
        }
        chars.push(ellipsis);
        *last = chars.into_iter().collect();
    }
    out
}

/// Lines as [`break_lines`] gives them, but as even as the text allows
/// (like CSS's `text-wrap: balance`): the narrowest width that still takes
/// no more lines. For titles, whose last line should not be a stub. Text
/// that does not fit `max_lines` is cut as [`break_lines`] cuts it.
pub fn balance_lines(
    text: &str,
    max_width: f32,
    max_lines: usize,
    width: &dyn Fn(char) -> f32,
) -> Vec<String> {
    // The phrases are found once; only the width changes below.
    let phrases = phrase_starts(text);
    let lines = |w: f32, max_lines: usize| break_at_phrases(text, &phrases, w, max_lines, width);
    let n = lines(max_width, usize::MAX).len();
    if n < 2 || n > max_lines {
        return lines(max_width, max_lines);
    }
    let (mut lo, mut hi) = (0.0_f32, max_width);
    for _ in 0..14 {
        let mid = (lo + hi) / 2.0;
        if lines(mid, usize::MAX).len() <= n {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lines(hi, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full-width characters are 1 wide, everything else half.
    fn w(c: char) -> f32 {
        if (c as u32) < 0x2E80 && c != '…' {
            0.5
        } else {
            1.0
        }
    }

    fn lines(text: &str, max: f32, n: usize) -> Vec<String> {
        break_lines(text, max, n, &w)
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(lines("対話1on1ラボ", 20.0, 3), vec!["対話1on1ラボ"]);
        assert!(lines("", 20.0, 3).is_empty());
        assert!(lines("   ", 20.0, 3).is_empty());
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // Greedy at 5 would put 、 at the start of line 2.
        let got = lines("あいうえお、かきくけこ。さしすせそ", 5.0, 5);
        assert_eq!(got, vec!["あいうえ", "お、かきく", "けこ。さし", "すせそ"]);
        for l in &got {
            let c = l.chars().next().unwrap();
            assert!(!no_start(c), "{got:?}");
        }
        // Closing brackets, small kana and ー stay with what they close.
        let got = lines("「ラボ」の参加者ってどんな人？", 4.0, 9);
        for l in &got {
            let first = l.chars().next().unwrap();
            let last = l.chars().last().unwrap();
            assert!(!no_start(first), "{got:?}");
            assert!(!no_end(last), "{got:?}");
        }
        assert_eq!(got.concat(), "「ラボ」の参加者ってどんな人？");
    }

    #[test]
    fn no_line_ends_with_an_opening_bracket() {
        let got = lines("参加者募集「第2回」", 6.0, 3);
        assert_eq!(got, vec!["参加者募集", "「第2回」"]);
    }

    #[test]
    fn latin_words_break_at_spaces_only() {
        let got = lines("Manager 1on1 Lab Tokyo", 6.0, 9);
        assert_eq!(got, vec!["Manager 1on1", "Lab Tokyo"]);
        let got = lines("Manager 1on1 Lab Tokyo", 3.0, 9);
        assert_eq!(got, vec!["Manage", "r 1on1", "Lab", "Tokyo"]);
        // A word wider than a line is cut rather than overflowing.
        let got = lines("Supercalifragilistic", 4.0, 9);
        assert!(got.iter().all(|l| l.chars().map(w).sum::<f32>() <= 4.0));
        assert_eq!(got.concat(), "Supercalifragilistic");
        // Japanese around a Latin word breaks on either side of it.
        let got = lines("対話1on1ラボ", 2.5, 9);
        assert_eq!(got, vec!["対話", "1on1", "ラボ"]);
    }

    #[test]
    fn every_line_fits() {
        let text = "越境対話で次の一手を見つける、製造業と建設業のマネジャーによる1on1ラボ(オンライン開催)。";
        for max in [3.0, 5.0, 8.0, 13.0] {
            let got = lines(text, max, 99);
            for l in &got {
                assert!(l.chars().map(w).sum::<f32>() <= max, "{max}: {got:?}");
            }
            assert_eq!(got.concat().replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn a_line_ends_between_phrases_when_it_is_well_filled() {
        // Kinsoku alone would end the first line with 社 and start the
        // second with 名を.
        let got = lines(
            "自分のマネジメントを映し直す。社名を背負わない対話から",
            16.0,
            3,
        );
        assert_eq!(
            got,
            vec!["自分のマネジメントを映し直す。", "社名を背負わない対話から"]
        );
        // 部下との|対話に: the phrase is not cut when the line is full
        // enough before it.
        let got = lines("1on1を2ラウンド。部下との対話に手応えがほしい方", 13.5, 3);
        assert_eq!(got[0], "1on1を2ラウンド。部下との");
        // A line that would be too short breaks between characters.
        let got = lines("あマネジメントマネジメント", 6.0, 3);
        assert_eq!(got[0].chars().count(), 6, "{got:?}");
    }

    #[test]
    fn a_balanced_title_has_no_stub_for_a_last_line() {
        let text = "社名を背負わないから本音で話せた夜";
        // Greedy at 14: a full line and a stub.
        assert!(lines(text, 14.0, 3)[1].chars().count() <= 4);
        let got = balance_lines(text, 14.0, 3, &w);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got.concat(), text);
        let counts: Vec<usize> = got.iter().map(|l| l.chars().count()).collect();
        assert!(counts[1] >= 6, "{got:?}");
        for l in &got {
            assert!(l.chars().map(w).sum::<f32>() <= 14.0, "{got:?}");
        }
        // One line, or more than fits: as break_lines gives it.
        assert_eq!(
            balance_lines("対話1on1ラボ", 14.0, 3, &w),
            vec!["対話1on1ラボ"]
        );
        assert_eq!(balance_lines(text, 5.0, 2, &w), lines(text, 5.0, 2));
    }

    #[test]
    fn cut_text_ends_with_an_ellipsis_that_fits() {
        let got = lines("あいうえおかきくけこさしすせそたちつてと", 5.0, 2);
        assert_eq!(got, vec!["あいうえお", "かきくけ…"]);
        let got = lines("あいうえお「かきくけこ」さしすせそ", 6.0, 1);
        assert_eq!(got, vec!["あいうえお…"]);
    }
}
