//! The example site's form exports: for the held lab
//! (content/labs/2025-11-13/private/), the applications as Google Forms
//! downloads them (CSV, UTF-8 with a BOM, CRLF, every field quoted) and the
//! post-session survey as Microsoft Forms gives it (XLSX; an anonymous
//! form, so the respondent is named by the form's own お名前 question); for
//! the planned lab (content/labs/2027-01-21/private/), the applications so
//! far, whose number is the seats taken. Every person and company is
//! invented; the held lab's are the example's participants, with the
//! answers the example's report has always shown.
//!
//! `cargo run --example gen_forms -- --example-site` writes them, and
//! tests/example_site.rs checks the committed files are these bytes.

use super::xlsx::{Form, Submission, microsoft_forms_xlsx};

/// One row of the application form.
pub struct Applicant {
    pub applied: &'static str,
    pub email: &'static str,
    pub name: &'static str,
    pub kana: &'static str,
    pub company: &'static str,
    /// Split on 、 by the reader.
    pub aliases: &'static str,
    pub industry: &'static str,
    pub role: &'static str,
    /// A question the lab does not read (`ignore`).
    pub motive: &'static str,
}

/// One row of the survey.
pub struct Answers {
    pub started: &'static str,
    pub completed: &'static str,
    pub name: &'static str,
    pub satisfaction: f64,
    /// `;`-joined and ended by one, as Microsoft Forms writes choices.
    pub topics: &'static str,
    pub takeaway: &'static str,
    pub next_theme: &'static str,
    /// Empty: the respondent left the consent question unanswered.
    pub consent: &'static str,
}

pub const APPLICATION_HEADERS: [&str; 10] = [
    "タイムスタンプ",
    "メールアドレス",
    "お名前",
    "ふりがな",
    "会社名",
    "会社の略称・英語名(任意)",
    "業種",
    "役職",
    "参加の動機",
    "個人情報の取り扱い",
];

pub const APPLICANTS: [Applicant; 4] = [
    Applicant {
        applied: "2025/10/20 12:03:11",
        email: "n.saeki@minato-seiki.example",
        name: "佐伯 直樹",
        kana: "さえき なおき",
        company: "株式会社ミナト精機",
        aliases: "ミナト、Minato Seiki",
        industry: "製造業",
        role: "課長",
        motive: "他社の課長が1on1をどう続けているのか知りたいと思いました。",
    },
    Applicant {
        applied: "2025/10/21 08:47:30",
        email: "emi.kitamura@shinonome-hi.example",
        name: "北村 恵美",
        kana: "きたむら えみ",
        company: "東雲重工業株式会社",
        aliases: "東雲重工、Shinonome Heavy Industries",
        industry: "製造業",
        role: "部長",
        motive: "部下の課長たちの1on1を支える立場として、\n社外の視点がほしいと思いました。",
    },
    Applicant {
        applied: "2025/10/24 21:15:02",
        email: "w.todo@asahina-kasei.example",
        name: "藤堂 航",
        kana: "とうどう わたる",
        company: "(株)アサヒナ化成",
        aliases: "アサヒナ、Asahina Kasei",
        industry: "製造業",
        role: "課長",
        motive: "1on1が形だけになりがちで、立て直すヒントを探しています。",
    },
    Applicant {
        applied: "2025/10/29 19:30:45",
        email: "c.nakama@shiomi-gumi.example",
        name: "中間 千尋",
        kana: "なかま ちひろ",
        company: "株式会社汐見組",
        aliases: "シオミ、Shiomi-Gumi",
        industry: "建設業",
        role: "課長",
        motive: "現場の若手との対話の仕方を学びたいです。",
    },
];

/// The planned lab's applications so far: three of eight seats.
pub const PLANNED_APPLICANTS: [Applicant; 3] = [
    Applicant {
        applied: "2026/11/24 12:41:09",
        email: "s.hayase@kazami-denso.example",
        name: "早瀬 俊介",
        kana: "はやせ しゅんすけ",
        company: "株式会社カザミ電装",
        aliases: "カザミ、Kazami Denso",
        industry: "製造業",
        role: "課長",
        motive: "部下との1on1が雑談で終わってしまうので、ほかの会社のやり方を聞きたいです。",
    },
    Applicant {
        applied: "2026/11/27 07:58:33",
        email: "m.onodera@shirahama-logi.example",
        name: "小野寺 真帆",
        kana: "おのでら まほ",
        company: "白浜ロジスティクス株式会社",
        aliases: "白浜ロジ、Shirahama Logistics",
        industry: "物流業",
        role: "部長",
        motive: "拠点長との1on1を始めたばかりです。",
    },
    Applicant {
        applied: "2026/12/02 22:16:50",
        email: "d.yunoki@yunoki-komuten.example",
        name: "柚木 大地",
        kana: "ゆのき だいち",
        company: "有限会社ユノキ工務店",
        aliases: "ユノキ、Yunoki Komuten",
        industry: "建設業",
        role: "課長",
        motive: "現場の若手と話す時間をどう作るか、\n考えるきっかけにしたいです。",
    },
];

pub const SURVEY_QUESTIONS: [&str; 6] = [
    "お名前",
    "本日のラボの満足度",
    "対話で扱った論点",
    "明日からのマネジメントに生かせそうなこと",
    "次回扱いたいテーマ",
    "回答の公開について",
];

pub const RESPONSES: [Answers; 4] = [
    Answers {
        started: "2025-11-13 20:31:05",
        completed: "2025-11-13 20:34:40",
        name: "佐伯 直樹",
        satisfaction: 5.0,
        topics: "対話の継続の難しさ;部下の成長を促す問い;",
        takeaway: "アサヒナさんの事例で聞いた「問いを一つに絞って、答えを待つ」を、来週の定例1on1からさっそく試します。沈黙が怖くなったら、心の中で三つ数えてから口を開くつもりです。同じ悩みをお持ちの方は03-1234-5678(佐伯)まで、気軽に声をかけてください。",
        next_theme: "評価面談と1on1の線の引き方。㈱東雲重工業の北村さんが話していた「評価の話は別の場でする」という考え方を、もう少し詳しく伺いたいです。自分なりにまとめたメモ(https://notes.example.com/minato/1on1-log)も持っていきます。",
        consent: "氏名・社名を伏せて引用してよい",
    },
    Answers {
        started: "2025-11-13 20:32:10",
        completed: "2025-11-13 20:38:02",
        name: "北村恵美",
        satisfaction: 4.0,
        topics: "中間管理職への対応;専門職の部下との長期テーマ;大組織での1on1の展開;",
        takeaway: "課長たちとの1on1では、私が話す時間を半分に減らします。ＭＩＮＡＴＯ　ＳＥＩＫＩの佐伯さんが紹介してくれた「今日いちばん話せてよかったことは?」で締める形も、そのまま真似したいと思います。使っているシートは n.saeki@minato-seiki.example 宛に送っていただく約束をしました。",
        next_theme: "専門職の部下と、5年先のキャリアをどう話すか。Ｓｈｉｏｍｉ−Ｇｕｍｉさんの現場での工夫も、ぜひ聞いてみたいです。",
        consent: "氏名・社名を伏せて引用してよい",
    },
    Answers {
        started: "2025-11-13 20:33:00",
        completed: "2025-11-13 20:36:19",
        name: "藤堂　航",
        satisfaction: 5.0,
        topics: "対話の継続の難しさ;中間管理職への対応;大組織での1on1の展開;",
        takeaway: "中間管理職に1on1を任せきりにせず、月に一度は課長同士で進め方を持ち寄る場をつくる。ミナト精機さんの「記録は本人と一緒に書く」というやり方も取り入れたい。",
        next_theme: "数百人規模の組織で1on1の質をそろえる方法。汐見組さんの現場の話をもっと聞きたいです。",
        consent: "集計にのみ使ってよい",
    },
    Answers {
        started: "2025-11-13 20:40:12",
        completed: "2025-11-13 20:43:55",
        name: "中間 千尋",
        satisfaction: 4.0,
        topics: "専門職の部下との長期テーマ;対話の継続の難しさ;",
        takeaway: "藤堂 航さんの「待つ」姿勢に学びました。現場の若手とは、工期の節目ごとに短い1on1を入れてみます。",
        next_theme: "東雲重工さんのような大きな組織での展開の仕方。資料がご入用なら c.nakama@shiomi-gumi.example までどうぞ。",
        consent: "",
    },
];

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The held lab's `private/applications.csv`.
pub fn applications_csv() -> Vec<u8> {
    applications_csv_of(&APPLICANTS)
}

/// The planned lab's `private/applications.csv`.
pub fn planned_applications_csv() -> Vec<u8> {
    applications_csv_of(&PLANNED_APPLICANTS)
}

/// An application form's Google Forms export.
fn applications_csv_of(applicants: &[Applicant]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: &[&str]| {
        let cells: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        format!("{}\r\n", cells.join(","))
    };
    out.push_str(&line(&APPLICATION_HEADERS));
    for a in applicants {
        out.push_str(&line(&[
            a.applied,
            a.email,
            a.name,
            a.kana,
            a.company,
            a.aliases,
            a.industry,
            a.role,
            a.motive,
            "同意する",
        ]));
    }
    out.into_bytes()
}

/// The held lab's `private/survey.xlsx`.
pub fn survey_xlsx() -> Vec<u8> {
    let rows: Vec<Submission> = RESPONSES
        .iter()
        .map(|a| Submission {
            started: a.started.into(),
            completed: a.completed.into(),
            email: "anonymous".into(),
            name: String::new(),
            answers: vec![
                a.name.into(),
                a.satisfaction.into(),
                a.topics.into(),
                a.takeaway.into(),
                a.next_theme.into(),
                a.consent.into(),
            ],
        })
        .collect();
    microsoft_forms_xlsx(
        &Form {
            sheet: None,
            date_format: "yyyy/m/d h:mm:ss",
            questions: &SURVEY_QUESTIONS,
        },
        &rows,
    )
}
