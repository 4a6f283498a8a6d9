//! Orders Chinese text as a Chinese reader expects: people by the pinyin of
//! their names (张 after 王, not by code point), and groups with numbers in
//! words by the number (一年级组, 二年级组 … 十年级组, then 数学组 …).

use pinyin::ToPinyin;
use std::cmp::Ordering;

/// Surnames read differently from the character's usual reading.
const SURNAMES: [(char, &str); 14] = [
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('朴', "piao"),
    ('覃', "qin"),
    ('翟', "zhai"),
    ('缪', "miao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('长', "chang"),
    ('重', "chong"),
];

/// Syllables are kept apart so that 张三 comes before 张三丰 and 李安 before
/// 李昂.
const SEP: char = '\u{1}';

fn numeral(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// The value of a number in words up to 99: 十二, 二十, 二十三.
fn numeral_value(digits: &[u32]) -> u32 {
    match digits {
        [] => 0,
        [d] => *d,
        [10, d] => 10 + d,
        [d, 10] => d * 10,
        [d, 10, e] => d * 10 + e,
        ds => ds.iter().fold(0, |acc, d| acc * 10 + d % 10),
    }
}

fn push_char(out: &mut String, c: char) {
    match c.to_pinyin() {
        Some(p) => {
            out.push_str(p.plain());
            out.push(SEP);
        }
        None => out.extend(c.to_lowercase()),
    }
}

/// The sort key of a group's or a place's name: numbers in words or digits
/// by their value, Chinese characters by pinyin.
pub fn text_key(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.trim().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if numeral(c).is_some() {
            let mut ds = Vec::new();
            while let Some(d) = chars.get(i).and_then(|c| numeral(*c)) {
                ds.push(d);
                i += 1;
            }
            out.push_str(&format!("{:06}", numeral_value(&ds)));
            continue;
        }
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(c) = chars.get(i).filter(|c| c.is_ascii_digit()) {
                n.push(*c);
                i += 1;
            }
            out.push_str(&format!("{n:0>6}"));
            continue;
        }
        push_char(&mut out, c);
        i += 1;
    }
    out
}

/// The sort key of a person's name: pinyin, the surname read as a surname
/// (曾 zeng, 单 shan).
pub fn name_key(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name.trim().chars();
    if let Some(first) = chars.next() {
        match SURNAMES.iter().find(|(c, _)| *c == first) {
            Some((_, p)) => {
                out.push_str(p);
                out.push(SEP);
            }
            None => push_char(&mut out, first),
        }
    }
    for c in chars {
        push_char(&mut out, c);
    }
    out
}

/// What a people picker matches typed text against: the name's pinyin
/// written out and as initials (丁悦雨 → "dingyueyu dyy"), so that a
/// Chinese user can type the way their input method spells.
pub fn search_key(name: &str) -> String {
    let key = name_key(name);
    let syllables: Vec<&str> = key.split(SEP).filter(|s| !s.is_empty()).collect();
    let full: String = syllables.concat();
    let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
    format!("{full} {initials}")
}

/// People in name order (pinyin, then the characters themselves).
pub fn by_name(a: &str, b: &str) -> Ordering {
    name_key(a).cmp(&name_key(b)).then_with(|| a.cmp(b))
}

/// Groups and places in reading order (numbers by value, then pinyin).
pub fn by_text(a: &str, b: &str) -> Ordering {
    text_key(a).cmp(&text_key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<&str>, f: fn(&str, &str) -> Ordering) -> Vec<&str> {
        v.sort_by(|a, b| f(a, b));
        v
    }

    #[test]
    fn names_in_pinyin_order() {
        // By code point 张 (U+5F20) sorts before 李 (U+674E) and 王 (U+738B).
        assert_eq!(
            sorted(
                vec!["张晓雨", "王丽华", "李秀英", "曾敏", "单磊", "安然"],
                by_name
            ),
            ["安然", "李秀英", "单磊", "王丽华", "曾敏", "张晓雨"]
        );
        assert_eq!(sorted(vec!["张三丰", "张三"], by_name), ["张三", "张三丰"]);
        assert_eq!(sorted(vec!["Zoe", "adam", "王"], by_name), ["adam", "王", "Zoe"]);
    }

    #[test]
    fn grade_groups_in_number_order() {
        assert_eq!(
            sorted(
                vec![
                    "语文组",
                    "十年级组",
                    "二年级组",
                    "数学组",
                    "一年级组",
                    "三年级组",
                    "十二年级组"
                ],
                by_text
            ),
            [
                "一年级组",
                "二年级组",
                "三年级组",
                "十年级组",
                "十二年级组",
                "数学组",
                "语文组"
            ]
        );
        assert_eq!(
            sorted(vec!["10班", "2班", "1班"], by_text),
            ["1班", "2班", "10班"]
        );
        assert_eq!(numeral_value(&[2, 10, 3]), 23);
        assert_eq!(numeral_value(&[2, 10]), 20);
    }

    #[test]
    fn search_keys_spell_names_as_typed() {
        assert_eq!(search_key("丁悦雨"), "dingyueyu dyy");
        assert_eq!(search_key("曾敏"), "zengmin zm");
        assert_eq!(search_key("单磊"), "shanlei sl");
    }

    #[test]
    fn keys_spell_numbers_and_syllables() {
        let sep = SEP.to_string();
        assert_eq!(text_key(" 十二 "), "000012");
        assert_eq!(text_key("二十三班"), format!("000023ban{sep}"));
        assert_eq!(text_key("10班"), format!("000010ban{sep}"));
        assert_eq!(text_key("A1b"), "a000001b");
        assert_eq!(text_key("两个"), format!("000002ge{sep}"));
        assert_eq!(numeral_value(&[]), 0);
        assert_eq!(numeral_value(&[7]), 7);
        assert_eq!(numeral_value(&[10]), 10);
        assert_eq!(numeral_value(&[10, 4]), 14);
        assert_eq!(numeral_value(&[3, 10]), 30);
        assert_eq!(numeral_value(&[1, 0, 1]), 101);
        // 二〇二五 is a year read digit by digit.
        assert_eq!(text_key("二〇二五"), "002025");
        let digits: Vec<Option<u32>> = "〇零一二两三四五六七八九十百".chars().map(numeral).collect();
        let want = [0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(Some);
        assert_eq!(digits[..13], want);
        assert_eq!(digits[13], None);
        assert_eq!(name_key("曾敏"), format!("zeng{sep}min{sep}"));
        assert_eq!(name_key(" 张 "), format!("zhang{sep}"));
        assert_eq!(name_key("Zoe"), "zoe");
        assert_eq!(name_key(""), "");
        assert_eq!(search_key("Zoe"), "zoe z");
        assert_eq!(search_key("乐乐"), "yuele yl");
    }

    #[test]
    fn equal_keys_fall_back_to_the_characters() {
        // 张三 and 章三 read alike; the characters decide, the same way each time.
        assert_eq!(by_name("章三", "张三"), Ordering::Greater);
        assert_eq!(by_name("张三", "章三"), Ordering::Less);
        assert_eq!(by_name("张三", "张三"), Ordering::Equal);
        assert_eq!(by_text("一班", "1班"), Ordering::Greater);
        assert_eq!(by_text("1班", "一班"), Ordering::Less);
        assert_eq!(by_text("二班", "十班"), Ordering::Less);
    }
}
