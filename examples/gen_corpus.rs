//! A synthetic labsite corpus for benchmarks: N labs shaped like the example
//! site, deterministic from a seed, optionally mirrored as a Hugo site so the
//! two generators can be timed on the same reports (see bench/compare.sh).
//!
//! cargo run --release --example gen_corpus -- --labs N --out DIR [--seed S] [--hugo DIR2] [--force]
//!
//! Every held lab has participants with invented names and companies, and a
//! survey whose text answers mention other participants in disguise
//! (full-width letters, aliases, another legal form, e-mail, phone, URL), so
//! the redactor and the leak gate do real work. Reports and summaries are made
//! from fixed phrases that contain no identity term, so the build succeeds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Duration, NaiveDate};

/// splitmix64: tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// `k` distinct indices of `0..n`, in random order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        self.shuffle(&mut all);
        all.truncate(k);
        all
    }
}

// ---------------------------------------------------------------------------
// Pools. Names and company stems are invented combinations; none of them may
// occur in the fixed prose below (checked at start-up by `check_pools`).

const SURNAMES: &[(&str, &str)] = &[
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("斎藤", "saito"),
    ("清水", "shimizu"),
    ("山崎", "yamazaki"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("阿部", "abe"),
    ("石川", "ishikawa"),
    ("山下", "yamashita"),
    ("中島", "nakajima"),
    ("石井", "ishii"),
    ("小川", "ogawa"),
    ("前田", "maeda"),
    ("岡田", "okada"),
    ("長谷川", "hasegawa"),
    ("藤田", "fujita"),
    ("後藤", "goto"),
    ("近藤", "kondo"),
    ("村上", "murakami"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("坂本", "sakamoto"),
    ("福田", "fukuda"),
    ("太田", "ota"),
    ("西村", "nishimura"),
    ("藤井", "fujii"),
    ("金子", "kaneko"),
    ("岡本", "okamoto"),
    ("藤原", "fujiwara"),
    ("中野", "nakano"),
    ("三浦", "miura"),
    ("原田", "harada"),
    ("中川", "nakagawa"),
    ("松田", "matsuda"),
    ("竹内", "takeuchi"),
    ("小野", "ono"),
    ("田村", "tamura"),
    ("中山", "nakayama"),
    ("和田", "wada"),
    ("石田", "ishida"),
    ("森田", "morita"),
    ("上田", "ueda"),
    ("柴田", "shibata"),
    ("酒井", "sakai"),
    ("工藤", "kudo"),
    ("横山", "yokoyama"),
    ("宮崎", "miyazaki"),
    ("宮本", "miyamoto"),
    ("内田", "uchida"),
    ("高木", "takagi"),
    ("安藤", "ando"),
    ("島田", "shimada"),
    ("谷口", "taniguchi"),
    ("大野", "ohno"),
    ("高田", "takada"),
    ("丸山", "maruyama"),
    ("今井", "imai"),
    ("河野", "kono"),
    ("藤本", "fujimoto"),
    ("村田", "murata"),
    ("武田", "takeda"),
    ("上野", "ueno"),
    ("杉山", "sugiyama"),
    ("増田", "masuda"),
    ("小山", "koyama"),
    ("大塚", "otsuka"),
    ("平野", "hirano"),
    ("菅原", "sugawara"),
    ("久保", "kubo"),
    ("松井", "matsui"),
    ("千葉", "chiba"),
    ("岩崎", "iwasaki"),
    ("桜井", "sakurai"),
    ("木下", "kinoshita"),
    ("野口", "noguchi"),
    ("松尾", "matsuo"),
    ("菊地", "kikuchi"),
    ("野村", "nomura"),
    ("新井", "arai"),
    ("渡部", "watabe"),
    ("佐伯", "saeki"),
    ("北村", "kitamura"),
    ("藤堂", "todo"),
    ("白石", "shiraishi"),
    ("黒田", "kuroda"),
];

const GIVEN_NAMES: &[(&str, &str)] = &[
    ("直樹", "naoki"),
    ("恵美", "emi"),
    ("千尋", "chihiro"),
    ("健太", "kenta"),
    ("翔太", "shota"),
    ("大輔", "daisuke"),
    ("拓也", "takuya"),
    ("雄介", "yusuke"),
    ("達也", "tatsuya"),
    ("和也", "kazuya"),
    ("亮介", "ryosuke"),
    ("裕子", "yuko"),
    ("真由", "mayu"),
    ("陽子", "yoko"),
    ("美穂", "miho"),
    ("彩香", "ayaka"),
    ("由紀", "yuki"),
    ("智子", "tomoko"),
    ("康平", "kohei"),
    ("悠斗", "yuto"),
    ("結衣", "yui"),
    ("陽菜", "hina"),
    ("沙織", "saori"),
    ("麻衣", "mai"),
    ("誠司", "seiji"),
    ("修平", "shuhei"),
    ("浩二", "koji"),
    ("隆之", "takayuki"),
    ("正樹", "masaki"),
    ("秀明", "hideaki"),
    ("哲也", "tetsuya"),
    ("俊介", "shunsuke"),
    ("慎吾", "shingo"),
    ("優子", "yuuko"),
    ("香織", "kaori"),
    ("理恵", "rie"),
    ("典子", "noriko"),
    ("早紀", "saki"),
    ("玲奈", "rena"),
    ("詩織", "shiori"),
    ("瑞穂", "mizuho"),
    ("綾乃", "ayano"),
    ("千晶", "chiaki"),
    ("朋美", "tomomi"),
    ("里奈", "rina"),
    ("夏美", "natsumi"),
    ("春香", "haruka"),
    ("航平", "kouhei"),
    ("智也", "tomoya"),
    ("圭介", "keisuke"),
    ("祐樹", "yuuki"),
    ("拓海", "takumi"),
    ("陸斗", "rikuto"),
    ("健二", "kenji"),
    ("宏樹", "hiroki"),
    ("昌平", "shohei"),
    ("幸恵", "yukie"),
    ("恭子", "kyoko"),
    ("佳奈", "kana"),
    ("紗希", "saki"),
    ("奈緒", "nao"),
    ("美咲", "misaki"),
    ("杏奈", "anna"),
    ("孝太", "kota"),
    ("蒼汰", "sota"),
    ("一輝", "kazuki"),
    ("将太", "shota"),
    ("龍之介", "ryunosuke"),
    ("美由紀", "miyuki"),
    ("志保", "shiho"),
    ("弘美", "hiromi"),
    ("功一", "koichi"),
    ("義人", "yoshito"),
    ("広志", "hiroshi"),
];

/// Company stems are two of these pieces: 30 × 20 = 600 stems.
const STEM_HEADS: &[(&str, &str)] = &[
    ("ミナ", "mina"),
    ("アサ", "asa"),
    ("シノ", "shino"),
    ("ツバ", "tsuba"),
    ("ハヤ", "haya"),
    ("ユキ", "yuki"),
    ("アオ", "ao"),
    ("カザ", "kaza"),
    ("ミヤ", "miya"),
    ("トキ", "toki"),
    ("ヒバ", "hiba"),
    ("サク", "saku"),
    ("ナギ", "nagi"),
    ("ホシ", "hoshi"),
    ("コハ", "koha"),
    ("スズ", "suzu"),
    ("タカ", "taka"),
    ("ヨシ", "yoshi"),
    ("クロ", "kuro"),
    ("シラ", "shira"),
    ("ツキ", "tsuki"),
    ("ソラ", "sora"),
    ("カエ", "kae"),
    ("モミ", "momi"),
    ("キリ", "kiri"),
    ("ウミ", "umi"),
    ("ヤマ", "yama"),
    ("カワ", "kawa"),
    ("イズ", "izu"),
    ("フジ", "fuji"),
];

const STEM_TAILS: &[(&str, &str)] = &[
    ("ナト", "nato"),
    ("ヒナ", "hina"),
    ("ノメ", "nome"),
    ("サキ", "saki"),
    ("マル", "maru"),
    ("カゼ", "kaze"),
    ("ミネ", "mine"),
    ("ハラ", "hara"),
    ("セキ", "seki"),
    ("ノベ", "nobe"),
    ("ワダ", "wada"),
    ("クモ", "kumo"),
    ("イシ", "ishi"),
    ("タニ", "tani"),
    ("モト", "moto"),
    ("ハシ", "hashi"),
    ("オカ", "oka"),
    ("ゾノ", "zono"),
    ("ミズ", "mizu"),
    ("ザワ", "zawa"),
];

struct Industry {
    name: &'static str,
    /// Business words that end a company name: (Japanese, romanized).
    suffixes: &'static [(&'static str, &'static str)],
}

const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "製造業",
        suffixes: &[
            ("精機", "Seiki"),
            ("化成", "Kasei"),
            ("工業", "Kogyo"),
            ("電機", "Denki"),
        ],
    },
    Industry {
        name: "建設業",
        suffixes: &[
            ("建設", "Kensetsu"),
            ("組", "Gumi"),
            ("工務店", "Komuten"),
            ("土木", "Doboku"),
        ],
    },
    Industry {
        name: "情報通信業",
        suffixes: &[
            ("システムズ", "Systems"),
            ("ソフト", "Soft"),
            ("情報", "Joho"),
            ("テック", "Tech"),
        ],
    },
    Industry {
        name: "金融業",
        suffixes: &[
            ("銀行", "Bank"),
            ("証券", "Shoken"),
            ("信託", "Shintaku"),
            ("リース", "Lease"),
        ],
    },
    Industry {
        name: "小売業",
        suffixes: &[
            ("商事", "Shoji"),
            ("物産", "Bussan"),
            ("ストア", "Store"),
            ("商店", "Shoten"),
        ],
    },
    Industry {
        name: "医療・福祉",
        suffixes: &[
            ("メディカル", "Medical"),
            ("ケア", "Care"),
            ("薬品", "Yakuhin"),
            ("ヘルス", "Health"),
        ],
    },
];

const ROLES: &[&str] = &["課長", "部長", "係長", "マネジャー"];

const TOPIC_OPTIONS: &[&str] = &[
    "対話の継続の難しさ",
    "中間管理職への対応",
    "部下の成長を促す問い",
    "専門職の部下との長期テーマ",
    "大組織での1on1の展開",
];

/// The three text questions: (id, question, sentences an answer is made of).
const TEXT_QUESTIONS: &[(&str, &str, &[&str])] = &[
    (
        "takeaway",
        "明日からのマネジメントに生かせそうなこと",
        &[
            "問いを一つに絞って、答えを待つ時間をつくります。",
            "来週の定例1on1で、最初の五分は相手の話だけを聞くことにします。",
            "沈黙を怖がらず、三つ数えてから口を開くようにします。",
            "評価の話と成長の話を、別の場で扱うように分けてみます。",
            "記録は本人と一緒に書く形に変えてみるつもりです。",
            "「今日いちばん話せてよかったことは?」で締める形を真似します。",
            "課長たちとの対話では、私が話す時間を半分に減らします。",
            "結論を急がず、相手の言葉を一度そのまま返すようにします。",
            "月に一度は、進め方を持ち寄る場を社内でもつくりたいです。",
            "若手とは、節目ごとに短い対話を入れてみます。",
            "自分の失敗談から話し始めると、場がやわらぐと学びました。",
            "相手の強みを一つ言葉にして伝えることから始めます。",
        ],
    ),
    (
        "next_theme",
        "次回扱いたいテーマ",
        &[
            "評価面談と1on1の線の引き方を、もう少し深めたいです。",
            "専門職の部下と、五年先のキャリアをどう話すかを扱いたいです。",
            "数百人規模の組織で対話の質をそろえる方法を知りたいです。",
            "年上の部下との向き合い方を、ぜひ取り上げてほしいです。",
            "リモート中心のチームでの信頼のつくり方を話したいです。",
            "異動してきたばかりのメンバーとの最初の三か月について聞きたいです。",
            "心身の不調のサインに気づくための問いを扱いたいです。",
            "忙しい時期に対話を途切れさせない工夫を知りたいです。",
        ],
    ),
    (
        "challenge",
        "いま抱えているマネジメントの悩み",
        &[
            "繁忙期になると、まず削られるのが1on1だという悩みがあります。",
            "部下が本音を話してくれているのか、まだ確信が持てません。",
            "答えを教えたくなる気持ちを、なかなかこらえられません。",
            "中間管理職の育成に、自分が何をすべきか迷っています。",
            "成果の目標と現場の実感のずれを、どう埋めるかが課題です。",
            "チームの人数が増えて、一人ひとりと話す時間が足りません。",
            "自分の判断の軸が揺らいでいると感じる場面が増えました。",
            "任せ方の加減が分からず、つい手を出してしまいます。",
        ],
    ),
];

const SUMMARY_TAILS: &[&str] = &[
    "相手を替えた2ラウンドの1on1で、対話を続ける難しさについて語り合いました。",
    "部下の成長を促す問いと、答えを待つ姿勢について語り合いました。",
    "評価と対話の線の引き方を、それぞれの現場の実感から掘り下げました。",
    "大きな組織で1on1の質をそろえる工夫を持ち寄りました。",
    "専門職の部下と長期のキャリアをどう話すかを考えました。",
];

const REPORT_TITLES: &[&str] = &[
    "社名を背負わないから、本音で話せた150分",
    "問いを一つに絞ると、対話が深まる",
    "答えを急がない1on1を、他社の仲間と",
    "越境対話で見つけた次の一手",
    "外の目で、自分のマネジメントを映し直す",
    "続ける1on1のために、いまできること",
];

const REPORT_DESCRIPTIONS: &[&str] = &[
    "業種も会社も違うマネジャーが集まった対話1on1ラボ。2ラウンドの1on1で見えてきた論点と、参加者が持ち帰った「明日からの一手」をお伝えします。",
    "会社の看板を下ろして交わした1on1から、対話を続けるための工夫と、部下の成長を促す問いを振り返ります。",
    "他社のマネジャーとの対話で浮かび上がった悩みの共通点と、明日から試せる小さな工夫をまとめました。",
];

const FLOW_PARAGRAPHS: &[&str] = &[
    "オープニングでは、会社名は名乗らなくてよいこと、ここで聞いた話は持ち出さないことを全員で確認しました。自己紹介も「呼び名」と「いま気になっていること」だけ。それでも、一人ひとりの言葉から、現場を預かる責任の重さがにじんでいました。",
    "1on1実践では、話し手と聞き手を交代しながら、1ラウンド約40分をじっくり使います。テーマは各自の持ち寄りです。迷ったときの手がかりとして、事務局から「マネジメントの4つの軸」を提示しました。",
    "冒頭の説明では、守秘のお約束と進め方を確認しました。初めて参加する方も、何度目かの方も、まずは肩の力を抜いて、いま気になっていることを一つだけ持ち寄るところから始めました。",
];

const ISSUE_ITEMS: &[&str] = &[
    "- **対話を続けることの難しさ**:始めることより、続けることのほうが難しい。繁忙期にまず削られるのが1on1だ、という声に、ほかの参加者も深くうなずいていました。",
    "- **中間管理職への向き合い方**:自分が部下と対話するだけでなく、部下である管理職が、その先のメンバーとどう対話しているかをどう支えるか。",
    "- **部下の成長を促す問い**:答えを教えたくなる気持ちをこらえ、本人が考える余白をどうつくるか。",
    "- **専門職の部下との長期テーマ**:技術を極めたい部下と、5年、10年先のキャリアをどう語り合うか。",
    "- **大きな組織での1on1の展開**:数百人、数千人の組織で、対話の質をどうそろえ、形骸化を防ぐか。",
    "- **評価と対話の線の引き方**:評価の話をする場と、成長の話をする場を、どう分けて設計するか。",
    "- **リモートでの信頼づくり**:画面越しでも本音が出る関係を、どんな小さな習慣から育てるか。",
    "- **年上の部下との対話**:経験の長いメンバーに、どんな問いなら敬意を保ったまま踏み込めるか。",
];

const ISSUE_CLOSINGS: &[&str] = &[
    "業界が違っても、悩みの根っこは驚くほど似ています。「自社のやり方が当たり前ではなかった」と気づけたことが、いちばんの収穫だったという声もありました。",
    "どの論点にも正解はありません。それでも、同じ立場の相手に言葉にしてみることで、次に試すことがはっきりしていく様子が印象的でした。",
];

const GOOD_PARAGRAPHS: &[&str] = &[
    "最も大きかったのは、社名を明かさなくてよいという安心感です。自社の中では言いにくい迷いや失敗も、利害関係のない相手だからこそ率直に口にできます。",
    "相手を替えて2ラウンド行う構成も、狙いどおりに働きました。1ラウンド目で言葉にした悩みを、2ラウンド目では別の相手に話し直す。そのあいだに考えが整理されていきました。",
    "聞き手に回った参加者も、「評価する・される」関係がないぶん、純粋に相手の話に集中できたようです。",
    "短い自己紹介のあとすぐに対話へ入る流れも好評でした。前置きが短いぶん、本当に困っていることへ早くたどり着けたという感想が目立ちました。",
];

const BLOCKQUOTES: &[&str] = &[
    "> 答えを急がず、問いを一つに絞って待つ。",
    "> 話す時間を半分にすると、聞こえてくることが倍になる。",
    "> 続けるための仕組みは、小さいほど長持ちする。",
    "> 相手の言葉を、まずはそのまま受け取る。",
];

const NEXT_PARAGRAPHS: &[&str] = &[
    "アンケートでは、評価面談と1on1の線の引き方や、専門職の部下とのキャリア対話を、次回さらに深めたいという声が寄せられました。初めての方も、今回ご参加の方も歓迎です。",
    "次回も、業種や会社の規模を問わず、部下を持つマネジャーの方の参加をお待ちしています。アンケートの満足度や、参加者が挙げた「明日から生かせそうなこと」は、このページの下にまとめています。",
];

const PLANNED_SUMMARIES: &[&str] = &[
    "業種も会社も違うマネジャー同士で、1on1を2ラウンド。部下との対話に手応えがほしい方の参加をお待ちしています。",
    "自分のマネジメントを外の目で見直したい方へ。社名を明かさずに、本音で話せる夜です。",
];

const AUDIENCES: &[&str] = &[
    "部下を持つマネジャーの方(課長・部長クラス、業種・企業規模は問いません)",
    "チームを率いて1年以上のマネジャーの方",
];

const FAQS: &[(&str, &str)] = &[
    (
        "会社名は公開されますか?",
        "いいえ。レポートやサイトに、参加者の氏名・会社名・メールアドレスが載ることはありません。",
    ),
    (
        "準備は必要ですか?",
        "特別な準備は要りません。「最近の1on1で気になっていること」を一つ思い浮かべておくと、対話に入りやすくなります。",
    ),
    (
        "録画はされますか?",
        "録画・録音はしません。事務局が取るメモにも、個人や会社を特定できる内容は残しません。",
    ),
    (
        "途中参加・退出はできますか?",
        "ペアで対話するプログラムのため、できるだけ開始から終了までご参加ください。",
    ),
];

const SITE_YAML: &str = "\
# A synthetic corpus made by examples/gen_corpus.rs for benchmarks.
title: 対話1on1ラボ
description: 会社の垣根を越えて、マネジャー同士が1on1で学び合う。社名を明かさずに本音で話せる、オンラインの越境対話の場です。
base_url: https://example.org/lab/
language: ja
timezone: Asia/Tokyo
theme: default

organizer:
  name: 対話1on1ラボ事務局
  url: https://example.org/
  email: lab@example.org

privacy:
  min_group_size: 3
  deny:
    - 競合商事
";

const PROGRAM_YAML: &str = "\
concept: 他社のマネジャーと1on1を交わし、自分のマネジメントを映し直す。社名を背負わない対話から、明日の次の一手を見つけます。

program:
  - title: オープニング
    minutes: 20
    description: |
      ラボの趣旨と進め方、そして**守秘のお約束**を確認します。
      会社名は名乗らなくて構いません。呼び名だけ決めて、気軽に始めましょう。

  - title: 1on1実践
    minutes: 100
    rounds: 2
    round_minutes: 40
    description: |
      はじめに一人ひとり短く自己紹介をしたあと、ペアに分かれて約40分の1on1を行います。
      相手を替えてもう1ラウンド。聞き手と話し手を交代しながら、合わせて80分以上じっくり対話します。

  - title: 振り返り
    minutes: 30
    description: |
      全員で輪になり、対話で得た気づきと「明日から試すこと」を一人ひと言ずつ共有します。
      終了後、簡単なアンケートにご協力ください(所要3分ほど)。

framework:
  title: マネジメントの4つの軸
  axes:
    - name: 成果
      description: |
        チームが**何を生み出しているか**。目標の置き方、進捗の見立て、
        成果が出ないときの打ち手を扱います。
      prompts:
        - 今期いちばん手応えのあった成果は何でしたか?
        - 目標と現場の実感がずれていると感じるのは、どんなときですか?
    - name: 業務・仕組み
      description: |
        仕事が**どう回っているか**。役割分担、会議体、仕組みづくりを扱います。
      prompts:
        - あなたが不在の1週間、チームは何に困りそうですか?
    - name: 関係・成長
      description: |
        メンバーとの**関係と、一人ひとりの成長**。1on1の続け方、任せ方を扱います。
      prompts:
        - 最近の1on1で、部下の表情が変わった問いはありましたか?
    - name: 自分
      description: |
        マネジャーである**自分自身**。判断の軸、迷い、エネルギーの保ち方を扱います。
      prompts:
        - 最近、判断に迷ったのはどんな場面でしたか?
";

const ABOUT_MD: &str = "\
---
title: このラボについて
description: 対話1on1ラボの趣旨と運営
---

対話1on1ラボは、会社の垣根を越えてマネジャー同士が1on1で学び合う場です。

## 守秘のお約束

参加者の氏名や会社名は、このサイトのどこにも公開しません。
";

/// Every fixed text that reaches a page unredacted.
fn published_prose() -> Vec<&'static str> {
    let mut all = vec![SITE_YAML, PROGRAM_YAML, ABOUT_MD];
    all.extend(ROLES);
    all.extend(TOPIC_OPTIONS);
    all.extend(INDUSTRIES.iter().map(|i| i.name));
    all.extend(TEXT_QUESTIONS.iter().map(|q| q.1));
    for list in [
        SUMMARY_TAILS,
        REPORT_TITLES,
        REPORT_DESCRIPTIONS,
        FLOW_PARAGRAPHS,
        ISSUE_ITEMS,
        ISSUE_CLOSINGS,
        GOOD_PARAGRAPHS,
        BLOCKQUOTES,
        NEXT_PARAGRAPHS,
        PLANNED_SUMMARIES,
        AUDIENCES,
    ] {
        all.extend(list);
    }
    for (q, a) in FAQS {
        all.push(q);
        all.push(a);
    }
    all.push(REPORT_FIXED);
    all
}

/// Fixed lines of every report (headings, table, captions).
const REPORT_FIXED: &str = "当日の流れ プログラムは三部構成です。 時間 パート 内容 オープニング 趣旨説明と守秘のお約束 1on1実践 短い自己紹介のあと、約40分の1on1を相手を替えて2ラウンド 振り返り 気づきと「明日から試すこと」の共有 ビデオ会議の画面に参加者のタイルが並ぶイメージ図 対話で浮かび上がった論点 振り返りとアンケートから、次のような論点が見えてきました。 うまくいったこと 振り返りでは、こんな言葉が共有されました。 次に向けて 前回のレポート 事務局のサイト もあわせてご覧ください。 詳しくは をご覧ください。 の夜、回目の「対話1on1ラボ」をオンラインで開催しました。集まったのは、などで部下を持つマネジャー名。所属も業界の慣習も違うメンバーが、会社の看板をいったん下ろし、一人のマネジャーとして1on1を交わしました。 年月日 第回レポート のマネジャー名が参加。 対話1on1ラボ 第 回";

/// Names and stems must not hide in the prose, or the leak gate (rightly)
/// fails the build.
fn check_pools() -> Result<(), String> {
    let prose = published_prose().concat();
    let mut terms: Vec<String> = Vec::new();
    terms.extend(SURNAMES.iter().map(|s| s.0.to_string()));
    terms.extend(GIVEN_NAMES.iter().map(|s| s.0.to_string()));
    for (h, _) in STEM_HEADS {
        for (t, _) in STEM_TAILS {
            terms.push(format!("{h}{t}"));
        }
    }
    for t in terms {
        if prose.contains(&t) {
            return Err(format!("the pool term `{t}` occurs in fixed prose"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------

struct Person {
    surname: &'static str,
    given: &'static str,
    /// The reading, e.g. さと けんた.
    kana: String,
    /// Kana company name without its legal form, e.g. ミナナト精機.
    core: String,
    /// Romanized company name, e.g. Minanato Seiki.
    roman: String,
    /// Short alias: the stem, e.g. ミナナト.
    short: String,
    company: String,
    /// Which legal form `company` uses (index into `company_form`).
    form: usize,
    aliases: Vec<String>,
    email: String,
    industry: &'static str,
    role: &'static str,
}

fn company_form(form: usize, core: &str, roman: &str) -> String {
    match form {
        0 => format!("株式会社{core}"),
        1 => format!("{core}株式会社"),
        2 => format!("(株){core}"),
        3 => format!("{roman} Co., Ltd."),
        4 => format!("㈱{core}"),
        5 => format!("{core}(株)"),
        _ => format!("{roman} Inc."),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// ASCII to full-width forms, spaces to U+3000 (what NFKC undoes).
fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

fn make_people(rng: &mut Rng, n: usize) -> Vec<Person> {
    let count = rng.range(2, 3);
    let lab_industries = rng.sample(INDUSTRIES.len(), count);
    let surnames = rng.sample(SURNAMES.len(), n);
    let givens = rng.sample(GIVEN_NAMES.len(), n);
    let stems = rng.sample(STEM_HEADS.len() * STEM_TAILS.len(), n);
    (0..n)
        .map(|i| {
            let industry = &INDUSTRIES[*rng.pick(&lab_industries)];
            let (head, head_r) = STEM_HEADS[stems[i] / STEM_TAILS.len()];
            let (tail, tail_r) = STEM_TAILS[stems[i] % STEM_TAILS.len()];
            let (suffix, suffix_r) = *rng.pick(industry.suffixes);
            let short = format!("{head}{tail}");
            let stem_r = format!("{head_r}{tail_r}");
            let core = format!("{short}{suffix}");
            let roman = format!("{} {suffix_r}", capitalize(&stem_r));
            let form = rng.below(4);
            let company = company_form(form, &core, &roman);
            // A short form and a romanized form; a company registered under
            // its romanized name gets its kana name instead.
            let aliases = if form == 3 {
                vec![short.clone(), core.clone()]
            } else {
                vec![short.clone(), roman.clone()]
            };
            let (surname, surname_r) = SURNAMES[surnames[i]];
            let (given, given_r) = GIVEN_NAMES[givens[i]];
            let email = match rng.below(3) {
                0 => format!(
                    "{}.{surname_r}@{stem_r}-{}.example",
                    &given_r[..1],
                    suffix_r.to_ascii_lowercase()
                ),
                1 => format!("{given_r}.{surname_r}@{stem_r}.example"),
                _ => format!("{surname_r}{}@mail.{stem_r}.example", rng.range(1, 99)),
            };
            Person {
                surname,
                given,
                kana: format!("{} {}", hiragana(surname_r), hiragana(given_r)),
                core,
                roman,
                short,
                company,
                form,
                aliases,
                email,
                industry: industry.name,
                role: rng.pick::<&str>(ROLES),
            }
        })
        .collect()
}

/// A sentence that names another participant (or gives a contact) in a way
/// the redactor has to see through.
fn mention(rng: &mut Rng, other: &Person) -> String {
    match rng.below(9) {
        0 => format!("{}さんの進め方が参考になりました。", other.surname),
        1 => format!("{}さんの事例を、そのまま真似したいです。", other.short),
        2 => format!("{}の方の話が印象に残りました。", fullwidth(&other.roman)),
        3 => {
            let mut form = rng.below(7);
            if form == other.form {
                form = (form + 1) % 7;
            }
            format!(
                "{}の取り組みを、もっと聞いてみたいです。",
                company_form(form, &other.core, &other.roman)
            )
        }
        4 => format!("資料は{}宛に送っていただく約束をしました。", other.email),
        5 => format!(
            "気軽に03-{:04}-{:04}まで声をかけてください。",
            rng.below(10000),
            rng.below(10000)
        ),
        6 => format!(
            "メモは https://notes.example.com/{}/{} に置きました。",
            rng.pick(&["log", "memo", "1on1"]),
            rng.range(100, 999)
        ),
        7 => format!(
            "{}\u{3000}{}さんの「待つ」姿勢に学びました。",
            other.surname, other.given
        ),
        _ => format!("{}さんの工夫を持ち帰ります。", other.company),
    }
}

/// A text answer of 40 to 120 characters, sometimes naming another participant.
fn text_answer(rng: &mut Rng, pool: &[&str], others: &[&Person]) -> String {
    loop {
        let mut parts: Vec<String> = rng
            .sample(pool.len(), 3)
            .into_iter()
            .map(|i| pool[i].to_string())
            .collect();
        if !others.is_empty() && rng.chance(55) {
            let who = rng.below(others.len());
            let m = mention(rng, others[who]);
            let at = rng.below(2);
            parts.insert(at, m);
        }
        let mut out = String::new();
        for p in parts {
            let len = out.chars().count();
            let add = p.chars().count();
            if len >= 40 && (len + add > 120 || rng.chance(40)) {
                break;
            }
            if len + add > 120 {
                continue;
            }
            out.push_str(&p);
        }
        let len = out.chars().count();
        if (40..=120).contains(&len) {
            return out;
        }
    }
}

/// YAML double-quoted scalar (JSON strings are valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

struct LabPlan {
    index: usize,
    id: String,
    date: NaiveDate,
    held: bool,
}

fn date_ja(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn held_lab(rng: &mut Rng, plan: &LabPlan, prev: Option<&LabPlan>, out: &mut Files) {
    let n = rng.range(6, 10);
    let people = make_people(rng, n);
    let mut inds: Vec<&str> = people.iter().map(|p| p.industry).collect();
    inds.sort_unstable();
    inds.dedup();
    let number = plan.index + 1;

    let mut y = String::with_capacity(12_000);
    let _ = writeln!(
        y,
        "# Generated by examples/gen_corpus.rs. `participants` and `survey.responses` are private."
    );
    let _ = writeln!(y, "title: {}", q(&format!("対話1on1ラボ 第{number}回")));
    let _ = writeln!(y, "number: {number}");
    let _ = writeln!(y, "date: {}", plan.date);
    let _ = writeln!(y, "start: \"18:00\"\nend: \"20:30\"");
    let _ = writeln!(y, "venue:\n  online: true\n  name: Zoom");
    let _ = writeln!(y, "status: held");
    let _ = writeln!(
        y,
        "summary: {}",
        q(&format!(
            "{}のマネジャー{n}名が参加。{}",
            inds.join("と"),
            rng.pick(SUMMARY_TAILS)
        ))
    );
    let _ = writeln!(y, "\nparticipants:");
    for (i, p) in people.iter().enumerate() {
        let _ = writeln!(y, "  - id: p{}", i + 1);
        let _ = writeln!(y, "    name: {}", q(&format!("{} {}", p.surname, p.given)));
        if KANA.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = writeln!(y, "    kana: {}", q(&p.kana));
        }
        let _ = writeln!(y, "    company: {}", q(&p.company));
        let aliases: Vec<String> = p.aliases.iter().map(|a| q(a)).collect();
        let _ = writeln!(y, "    aliases: [{}]", aliases.join(", "));
        let _ = writeln!(y, "    email: {}", q(&p.email));
        let _ = writeln!(y, "    industry: {}", q(p.industry));
        let _ = writeln!(y, "    role: {}", q(p.role));
    }

    let _ = writeln!(y, "\nsurvey:\n  questions:");
    let _ = writeln!(
        y,
        "    - id: satisfaction\n      text: 本日のラボの満足度\n      type: rating\n      scale: 5"
    );
    let _ = writeln!(
        y,
        "    - id: topics\n      text: 対話で扱った論点\n      type: choice\n      multiple: true\n      options:"
    );
    for o in TOPIC_OPTIONS {
        let _ = writeln!(y, "        - {}", q(o));
    }
    for (id, text, _) in TEXT_QUESTIONS {
        let _ = writeln!(
            y,
            "    - id: {id}\n      text: {}\n      type: text",
            q(text)
        );
    }
    let _ = writeln!(y, "  responses:");
    let count = rng.range(6, n);
    let responders = rng.sample(n, count);
    let mut quotable: Vec<(usize, &str)> = Vec::new();
    let mut sorted = responders.clone();
    sorted.sort_unstable();
    for &r in &sorted {
        let consent = match rng.below(10) {
            0..=4 => Some("quote"),
            5..=7 => Some("aggregate"),
            8 => Some("none"),
            _ => None,
        };
        let others: Vec<&Person> = people
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != r)
            .map(|(_, p)| p)
            .collect();
        let _ = writeln!(y, "    - participant: p{}", r + 1);
        if let Some(c) = consent {
            let _ = writeln!(y, "      consent: {c}");
        }
        let _ = writeln!(y, "      answers:");
        let _ = writeln!(y, "        satisfaction: {}", rng.range(3, 5));
        let count = rng.range(1, 3);
        let picks = rng.sample(TOPIC_OPTIONS.len(), count);
        let picks: Vec<String> = picks.iter().map(|&i| q(TOPIC_OPTIONS[i])).collect();
        let _ = writeln!(y, "        topics: [{}]", picks.join(", "));
        for (qi, (id, _, pool)) in TEXT_QUESTIONS.iter().enumerate() {
            // Now and then a question is left blank.
            if qi > 0 && rng.chance(10) {
                continue;
            }
            let _ = writeln!(y, "        {id}: {}", q(&text_answer(rng, pool, &others)));
            if consent == Some("quote") {
                quotable.push((r, *id));
            }
        }
    }
    rng.shuffle(&mut quotable);
    let k = rng.range(2, 3).min(quotable.len());
    if k > 0 {
        let _ = writeln!(y, "\nhighlights:\n  quotes:");
        for (r, qid) in &quotable[..k] {
            let _ = writeln!(y, "    - participant: p{}\n      question: {qid}", r + 1);
        }
    }
    out.lab_yaml = y;

    // The report: fixed phrases only, so no identity term reaches it.
    let title = format!("{} ― 第{number}回レポート", rng.pick(REPORT_TITLES));
    let description = rng.pick(REPORT_DESCRIPTIONS).to_string();
    let mut md = String::with_capacity(4_000);
    let _ = writeln!(
        md,
        "{}の夜、{number}回目の「対話1on1ラボ」をオンラインで開催しました。集まったのは、{}などで部下を持つマネジャー{n}名。所属も業界の慣習も違うメンバーが、会社の看板をいったん下ろし、一人のマネジャーとして1on1を交わしました。\n",
        date_ja(plan.date),
        inds.join("や")
    );
    md.push_str("## 当日の流れ\n\nプログラムは三部構成です。\n\n");
    md.push_str("| 時間 | パート | 内容 |\n|---|---|---|\n");
    md.push_str("| 18:00〜18:20 | オープニング | 趣旨説明と守秘のお約束 |\n");
    md.push_str(
        "| 18:20〜20:00 | 1on1実践 | 短い自己紹介のあと、約40分の1on1を相手を替えて2ラウンド |\n",
    );
    md.push_str("| 20:00〜20:30 | 振り返り | 気づきと「明日から試すこと」の共有 |\n\n");
    md.push_str("![ビデオ会議の画面に参加者のタイルが並ぶイメージ図](board.svg)\n\n");
    let _ = writeln!(md, "{}\n", rng.pick(FLOW_PARAGRAPHS));
    md.push_str("## 対話で浮かび上がった論点\n\n振り返りとアンケートから、次のような論点が見えてきました。\n\n");
    let count = rng.range(3, 5);
    let mut items = rng.sample(ISSUE_ITEMS.len(), count);
    items.sort_unstable();
    for i in items {
        let _ = writeln!(md, "{}", ISSUE_ITEMS[i]);
    }
    let _ = writeln!(md, "\n{}\n", rng.pick(ISSUE_CLOSINGS));
    md.push_str("## うまくいったこと\n\n");
    for i in rng.sample(GOOD_PARAGRAPHS.len(), 2) {
        let _ = writeln!(md, "{}\n", GOOD_PARAGRAPHS[i]);
    }
    let _ = writeln!(
        md,
        "振り返りでは、こんな言葉が共有されました。\n\n{}\n",
        rng.pick(BLOCKQUOTES)
    );
    md.push_str("## 次に向けて\n\n");
    let _ = writeln!(md, "{}", rng.pick(NEXT_PARAGRAPHS));
    match prev {
        Some(p) if p.held => {
            let _ = writeln!(
                md,
                "[前回のレポート](../{}/)もあわせてご覧ください。詳しくは[事務局のサイト](https://example.org/)をご覧ください。",
                p.id
            );
        }
        _ => md.push_str("詳しくは[事務局のサイト](https://example.org/)をご覧ください。\n"),
    }
    out.report_front = (title, description);
    out.report_body = md;
    out.tags = inds.iter().map(|s| s.to_string()).collect();

    let hue = rng.below(360);
    out.svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 160 100\" width=\"160\" height=\"100\" role=\"img\"><title>オンライン1on1のイメージ</title><rect width=\"160\" height=\"100\" fill=\"hsl({hue},30%,20%)\"/><rect x=\"10\" y=\"10\" width=\"65\" height=\"35\" rx=\"4\" fill=\"hsl({hue},40%,60%)\"/><rect x=\"85\" y=\"10\" width=\"65\" height=\"35\" rx=\"4\" fill=\"hsl({hue},40%,50%)\"/><rect x=\"10\" y=\"55\" width=\"65\" height=\"35\" rx=\"4\" fill=\"hsl({hue},40%,45%)\"/><rect x=\"85\" y=\"55\" width=\"65\" height=\"35\" rx=\"4\" fill=\"hsl({hue},40%,55%)\"/></svg>\n"
    );
}

fn planned_lab(rng: &mut Rng, plan: &LabPlan, out: &mut Files) {
    let number = plan.index + 1;
    let capacity = rng.range(6, 12);
    let taken = rng.range(0, capacity);
    let deadline = plan.date - Duration::days(rng.range(3, 10) as i64);
    let mut y = String::with_capacity(2_000);
    let _ = writeln!(y, "# Generated by examples/gen_corpus.rs: a planned lab.");
    let _ = writeln!(y, "title: {}", q(&format!("対話1on1ラボ 第{number}回")));
    let _ = writeln!(y, "number: {number}");
    let _ = writeln!(y, "date: {}", plan.date);
    let _ = writeln!(y, "start: \"18:00\"\nend: \"20:30\"");
    let _ = writeln!(y, "status: planned");
    let _ = writeln!(y, "summary: {}", q(rng.pick::<&str>(PLANNED_SUMMARIES)));
    let _ = writeln!(y, "venue:\n  online: true\n  name: Zoom");
    let _ = writeln!(y, "\nrecruitment:");
    let _ = writeln!(y, "  capacity: {capacity}\n  taken: {taken}");
    let _ = writeln!(y, "  deadline: {}T23:59", deadline);
    let _ = writeln!(y, "  waitlist: {}", rng.chance(50));
    let _ = writeln!(y, "  fee: 無料");
    let _ = writeln!(y, "  audience: {}", q(rng.pick::<&str>(AUDIENCES)));
    let _ = writeln!(y, "  apply_url: https://forms.example.org/lab-{}", plan.id);
    let _ = writeln!(y, "  faq:");
    for i in rng.sample(FAQS.len(), 2) {
        let _ = writeln!(y, "    - q: {}\n      a: {}", q(FAQS[i].0), q(FAQS[i].1));
    }
    out.lab_yaml = y;
}

#[derive(Default)]
struct Files {
    lab_yaml: String,
    /// (title, description); empty when there is no report.
    report_front: (String, String),
    report_body: String,
    tags: Vec<String>,
    svg: String,
}

struct Args {
    labs: usize,
    out: PathBuf,
    seed: u64,
    hugo: Option<PathBuf>,
    force: bool,
}

const USAGE: &str = "usage: gen_corpus --labs N --out DIR [--seed S] [--hugo DIR2] [--force] [--kana]\n  --force  replace DIR/content (and DIR2's site) when they exist\n  --kana   give participants the reading of their names (`kana`)";

/// `--kana`: participants get `kana` (off by default, so that a corpus
/// also builds with a labsite from before the field).
static KANA: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Hiragana for the generator's plain Hepburn (no long vowels, so sato is
/// さと): greedy, longest syllable first; a doubled consonant is っ.
fn hiragana(romaji: &str) -> String {
    const TABLE: &[(&str, &str)] = &[
        ("kya", "きゃ"),
        ("kyu", "きゅ"),
        ("kyo", "きょ"),
        ("sha", "しゃ"),
        ("shu", "しゅ"),
        ("sho", "しょ"),
        ("chi", "ち"),
        ("cha", "ちゃ"),
        ("chu", "ちゅ"),
        ("cho", "ちょ"),
        ("tsu", "つ"),
        ("shi", "し"),
        ("nya", "にゃ"),
        ("hya", "ひゃ"),
        ("rya", "りゃ"),
        ("ryu", "りゅ"),
        ("ryo", "りょ"),
        ("gyo", "ぎょ"),
        ("ja", "じゃ"),
        ("ju", "じゅ"),
        ("jo", "じょ"),
        ("ji", "じ"),
        ("fu", "ふ"),
        ("ka", "か"),
        ("ki", "き"),
        ("ku", "く"),
        ("ke", "け"),
        ("ko", "こ"),
        ("ga", "が"),
        ("gi", "ぎ"),
        ("gu", "ぐ"),
        ("ge", "げ"),
        ("go", "ご"),
        ("sa", "さ"),
        ("su", "す"),
        ("se", "せ"),
        ("so", "そ"),
        ("za", "ざ"),
        ("zu", "ず"),
        ("ze", "ぜ"),
        ("zo", "ぞ"),
        ("ta", "た"),
        ("te", "て"),
        ("to", "と"),
        ("da", "だ"),
        ("de", "で"),
        ("do", "ど"),
        ("na", "な"),
        ("ni", "に"),
        ("nu", "ぬ"),
        ("ne", "ね"),
        ("no", "の"),
        ("ha", "は"),
        ("hi", "ひ"),
        ("he", "へ"),
        ("ho", "ほ"),
        ("ba", "ば"),
        ("bi", "び"),
        ("bu", "ぶ"),
        ("be", "べ"),
        ("bo", "ぼ"),
        ("pa", "ぱ"),
        ("pi", "ぴ"),
        ("pu", "ぷ"),
        ("pe", "ぺ"),
        ("po", "ぽ"),
        ("ma", "ま"),
        ("mi", "み"),
        ("mu", "む"),
        ("me", "め"),
        ("mo", "も"),
        ("ya", "や"),
        ("yu", "ゆ"),
        ("yo", "よ"),
        ("ra", "ら"),
        ("ri", "り"),
        ("ru", "る"),
        ("re", "れ"),
        ("ro", "ろ"),
        ("wa", "わ"),
        ("a", "あ"),
        ("i", "い"),
        ("u", "う"),
        ("e", "え"),
        ("o", "お"),
        ("n", "ん"),
    ];
    let b = romaji.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if i + 1 < b.len() && b[i] == b[i + 1] && !b"aiueon".contains(&b[i]) {
            out.push('っ');
            i += 1;
            continue;
        }
        match TABLE.iter().find(|(r, _)| romaji[i..].starts_with(r)) {
            Some((r, k)) => {
                out.push_str(k);
                i += r.len();
            }
            None => i += 1,
        }
    }
    out
}

fn parse_args() -> Result<Args, String> {
    let mut labs = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut hugo = None;
    let mut force = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--labs" => {
                labs = Some(
                    value("--labs")?
                        .replace(['_', ','], "")
                        .parse::<usize>()
                        .map_err(|e| format!("--labs: {e}"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "--force" => force = true,
            "--kana" => KANA.store(true, std::sync::atomic::Ordering::Relaxed),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let labs = labs.ok_or("--labs is required")?;
    if labs == 0 {
        return Err("--labs must be at least 1".into());
    }
    Ok(Args {
        labs,
        out: out.ok_or("--out is required")?,
        seed,
        hugo,
        force,
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let src = e.path();
        let dst = to.join(e.file_name());
        if src.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|err| format!("{}: {err}", src.display()))?;
        }
    }
    Ok(())
}

/// Refuse to mix a new corpus into an old one, unless told to replace it.
fn prepare(dir: &Path, force: bool) -> Result<(), String> {
    if dir.exists() {
        if !force {
            return Err(format!(
                "{} already exists; pass --force to replace it",
                dir.display()
            ));
        }
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(())
}

/// Lab dates: held labs spread over 2014–2025, planned ones over 2026–2027,
/// several a day when N is large; ids carry the lab's number.
fn plan_labs(n: usize) -> Vec<LabPlan> {
    let planned = (n * 5).div_ceil(100).max(1).min(n);
    let held = n - planned;
    let spread = |count: usize, from: NaiveDate, to: NaiveDate, offset: usize| {
        let days = (to - from).num_days() as usize;
        (0..count)
            .map(move |i| {
                let date = from + Duration::days((i * days / count.max(1)) as i64);
                (offset + i, date)
            })
            .collect::<Vec<_>>()
    };
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a valid date");
    let mut out = Vec::with_capacity(n);
    for (i, date) in spread(held, d(2014, 1, 7), d(2025, 12, 20), 0) {
        out.push(LabPlan {
            index: i,
            id: format!("{date}-{:04}", i + 1),
            date,
            held: true,
        });
    }
    for (i, date) in spread(planned, d(2026, 1, 15), d(2027, 12, 20), held) {
        out.push(LabPlan {
            index: i,
            id: format!("{date}-{:04}", i + 1),
            date,
            held: false,
        });
    }
    out
}

fn run(args: &Args) -> Result<(), String> {
    check_pools()?;
    let content = args.out.join("content");
    prepare(&content, args.force)?;
    if let Some(h) = &args.hugo {
        for sub in ["content", "layouts", "static", "hugo.toml"] {
            let p = h.join(sub);
            if p.is_dir() {
                prepare(&p, args.force)?;
            } else if p.exists() {
                if !args.force {
                    return Err(format!("{} already exists; pass --force", p.display()));
                }
                std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            }
        }
        let skeleton = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/hugo");
        copy_tree(&skeleton, h)?;
        write(
            &h.join("content/_index.md"),
            "---\ntitle: 対話1on1ラボ\n---\n",
        )?;
        write(
            &h.join("content/labs/_index.md"),
            "---\ntitle: ラボ一覧\n---\n",
        )?;
    }
    write(&content.join("site.yaml"), SITE_YAML)?;
    write(&content.join("program.yaml"), PROGRAM_YAML)?;
    write(&content.join("pages/about.md"), ABOUT_MD)?;

    let plans = plan_labs(args.labs);
    let (mut bytes, mut reports) = (0usize, 0usize);
    for (i, plan) in plans.iter().enumerate() {
        let mut rng =
            Rng::new(args.seed ^ (plan.index as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
        let dir = content.join("labs").join(&plan.id);
        let mut files = Files::default();
        if plan.held {
            let prev = if i > 0 { plans.get(i - 1) } else { None };
            held_lab(&mut rng, plan, prev, &mut files);
        } else {
            planned_lab(&mut rng, plan, &mut files);
        }
        write(&dir.join("lab.yaml"), &files.lab_yaml)?;
        bytes += files.lab_yaml.len();
        if files.report_body.is_empty() {
            continue;
        }
        let (title, description) = &files.report_front;
        let report = format!(
            "---\ntitle: {}\ndescription: {}\n---\n\n{}",
            q(title),
            q(description),
            files.report_body
        );
        write(&dir.join("report.md"), &report)?;
        write(&dir.join("board.svg"), &files.svg)?;
        bytes += report.len() + files.svg.len();
        reports += 1;
        if let Some(h) = &args.hugo {
            let tags: Vec<String> = files.tags.iter().map(|t| q(t)).collect();
            let page = format!(
                "---\ntitle: {}\ndate: {}T18:00:00+09:00\ndescription: {}\ntags: [{}]\n---\n\n{}",
                q(title),
                plan.date,
                q(description),
                tags.join(", "),
                files.report_body
            );
            let bundle = h.join("content/labs").join(&plan.id);
            write(&bundle.join("index.md"), &page)?;
            write(&bundle.join("board.svg"), &files.svg)?;
        }
    }
    eprintln!(
        "gen_corpus: {} labs ({reports} reports, {} planned), {:.1} MB of sources in {}{}",
        plans.len(),
        plans.iter().filter(|p| !p.held).count(),
        bytes as f64 / 1e6,
        content.display(),
        args.hugo
            .as_ref()
            .map(|h| format!("; Hugo site in {}", h.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen_corpus: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
