//! Honours and titles (荣誉 / 称号): backbone teacher at a level, chief
//! teacher, discipline leader, famous teacher, special-grade teacher, rising
//! star, ethics model. Each is a dated record that can expire or be revoked;
//! history is never overwritten.

use crate::error::FieldError;
use crate::level::Level;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourKind {
    /// 骨干教师
    Backbone,
    /// 准骨干教师
    ProspectiveBackbone,
    /// 首席教师
    ChiefTeacher,
    /// 学科带头人
    DisciplineLeader,
    /// 名师 / 名教师
    FamousTeacher,
    /// 特级教师
    SpecialGrade,
    /// 教坛新秀
    RisingStar,
    /// 师德标兵
    EthicsModel,
}

impl HonourKind {
    pub const ALL: [HonourKind; 8] = [
        HonourKind::Backbone,
        HonourKind::ProspectiveBackbone,
        HonourKind::ChiefTeacher,
        HonourKind::DisciplineLeader,
        HonourKind::FamousTeacher,
        HonourKind::SpecialGrade,
        HonourKind::RisingStar,
        HonourKind::EthicsModel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HonourKind::Backbone => "backbone",
            HonourKind::ProspectiveBackbone => "prospective_backbone",
            HonourKind::ChiefTeacher => "chief_teacher",
            HonourKind::DisciplineLeader => "discipline_leader",
            HonourKind::FamousTeacher => "famous_teacher",
            HonourKind::SpecialGrade => "special_grade",
            HonourKind::RisingStar => "rising_star",
            HonourKind::EthicsModel => "ethics_model",
        }
    }

    /// The value for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        HonourKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese names as they appear in rosters, most specific first.
    fn zh_names(self) -> &'static [&'static str] {
        match self {
            HonourKind::Backbone => &["骨干教师", "骨干"],
            HonourKind::ProspectiveBackbone => &["准骨干教师", "准骨干"],
            HonourKind::ChiefTeacher => &["首席教师", "首席"],
            HonourKind::DisciplineLeader => &["学科带头人", "带头人"],
            HonourKind::FamousTeacher => &["名教师", "名师"],
            HonourKind::SpecialGrade => &["特级教师", "特级"],
            HonourKind::RisingStar => &["教坛新秀", "新秀"],
            HonourKind::EthicsModel => &["师德标兵", "师德模范"],
        }
    }

    pub fn zh(self) -> &'static str {
        self.zh_names()[0]
    }

    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let lower = s.to_ascii_lowercase().replace(['-', ' '], "_");
        // "准骨干" must be tried before "骨干".
        let order = [
            HonourKind::ProspectiveBackbone,
            HonourKind::Backbone,
            HonourKind::ChiefTeacher,
            HonourKind::DisciplineLeader,
            HonourKind::FamousTeacher,
            HonourKind::SpecialGrade,
            HonourKind::RisingStar,
            HonourKind::EthicsModel,
        ];
        order
            .into_iter()
            .find(|k| k.code() == lower || k.zh_names().contains(&s))
            .ok_or_else(|| FieldError::new(field, "unknown_honour").with("value", s))
    }

    /// The level an honour has when a roster names none: a special-grade
    /// teacher is a provincial title; the others need a level.
    fn default_level(self) -> Option<Level> {
        match self {
            HonourKind::SpecialGrade => Some(Level::Provincial),
            _ => None,
        }
    }
}

/// An honour as a roster writes it, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub kind: HonourKind,
    pub level: Level,
    /// The subject inside the title: 语文 in 宜都市语文学科带头人.
    pub subject: Option<String>,
    /// A year written with the title: 2021年区级骨干教师, 市级名师（2019）.
    pub year: Option<i32>,
}

/// The level of a place named inside a title. `home` is the district's own
/// name: a title from the district itself (宜都市, 松滋市, 广府区) is a
/// district-level title whatever its suffix; another 市 is a city above it.
fn place_level(place: &str, home: Option<&str>) -> Option<Level> {
    let stem = |s: &str| s.trim_end_matches(['市', '区', '县']).to_string();
    if let Some(h) = home.map(str::trim).filter(|h| !h.is_empty())
        && (place.ends_with(h) || (!stem(h).is_empty() && stem(place).ends_with(&stem(h))))
    {
        return Some(Level::County);
    }
    match place.chars().last()? {
        '省' => Some(Level::Provincial),
        '市' | '州' | '盟' => Some(Level::Municipal),
        '区' | '县' | '旗' => Some(Level::County),
        '镇' | '乡' => Some(Level::Town),
        _ => None,
    }
}

/// Where a place name at the start of `s` ends (after 宜都市, 荆州市,
/// 湖北省荆州市): a run of names of one to four characters, each ending in
/// 省, 市, 州, 区, 县 …
fn place_end(s: &str) -> Option<usize> {
    let is_place = |c: char| matches!(c, '省' | '市' | '州' | '盟' | '区' | '县' | '旗' | '镇' | '乡');
    let mut end = None;
    let mut len = 0;
    let mut prev = None;
    for (i, c) in s.char_indices().take(12) {
        if is_place(c) {
            // 荆州市: 市 straight after 州 continues the name.
            if len >= 1 || (len == 0 && prev == Some('州') && c == '市') {
                end = Some(i + c.len_utf8());
                len = 0;
                prev = Some(c);
                continue;
            }
            break;
        }
        len += 1;
        if len > 4 {
            break;
        }
        prev = Some(c);
    }
    end
}

/// Splits off a year written before or after a title.
fn strip_year(s: &str) -> (Option<&str>, &str) {
    let s = s.trim();
    let digits = |t: &str| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit());
    // 2021年宜都市语文学科带头人, 2021 区级骨干教师
    if s.len() > 4
        && s.is_char_boundary(4)
        && digits(&s[..4])
        && !s[4..].starts_with(|c: char| c.is_ascii_digit())
    {
        let rest = s[4..]
            .trim_start_matches('年')
            .trim_start_matches([' ', '　', '-', '、', ':', '：']);
        return (Some(&s[..4]), rest);
    }
    // 市级名师（2019）, 市级名师(2019年), 市级名师 2019年
    let t = s.trim_end_matches([')', '）']).trim_end_matches('年');
    if t.len() > 4 && t.is_char_boundary(t.len() - 4) && digits(&t[t.len() - 4..]) {
        let rest = t[..t.len() - 4].trim_end_matches(['(', '（', ' ', '　', '-', '、', ',', '，']);
        return (Some(&t[t.len() - 4..]), rest);
    }
    (None, s)
}

/// Parses an honour as written in a roster: `省级骨干教师`, `市级学科带头人`,
/// `区级数学骨干教师`, `宜都市语文学科带头人`, `松滋市学前教育首席教师`,
/// `2021年特级教师`, or `backbone:county`. `home` is the district's name,
/// so that a title from the district itself is read as district level.
pub fn parse_title(field: &'static str, input: &str, home: Option<&str>) -> Result<Title, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let unknown = || FieldError::new(field, "unknown_honour").with("value", s);
    if let Some((k, l)) = s.split_once(':') {
        return Ok(Title {
            kind: HonourKind::parse(field, k)?,
            level: Level::parse(field, l)?,
            subject: None,
            year: None,
        });
    }
    let (year, body) = strip_year(s);
    let year = match year {
        Some(y) => {
            let y: i32 = y.parse().map_err(|_| unknown())?;
            if !(1950..=2100).contains(&y) {
                return Err(FieldError::new(field, "not_a_year").with("value", s));
            }
            Some(y)
        }
        None => None,
    };
    // The kind ends the title; 准骨干 is tried before 骨干.
    let order = [
        HonourKind::ProspectiveBackbone,
        HonourKind::Backbone,
        HonourKind::ChiefTeacher,
        HonourKind::DisciplineLeader,
        HonourKind::FamousTeacher,
        HonourKind::SpecialGrade,
        HonourKind::RisingStar,
        HonourKind::EthicsModel,
    ];
    let (kind, before) = order
        .into_iter()
        .find_map(|k| {
            k.zh_names()
                .iter()
                .find(|n| body.ends_with(*n))
                .map(|n| (k, &body[..body.len() - n.len()]))
        })
        .or_else(|| HonourKind::parse(field, body).ok().map(|k| (k, "")))
        .ok_or_else(unknown)?;
    // Then the level: a level word (省级, 区级), or a place (宜都市).
    let (level, rest) = match Level::strip_prefix(before) {
        Some((l, rest)) => (Some(l), rest),
        None => {
            let place_end = place_end(before);
            match place_end.and_then(|e| place_level(&before[..e], home).map(|l| (l, e))) {
                Some((l, e)) => (Some(l), before[e..].trim_start_matches('级')),
                None => (None, before),
            }
        }
    };
    let level = level
        .or(kind.default_level())
        .ok_or_else(|| FieldError::new(field, "honour_needs_level").with("value", s))?;
    let subject = rest.trim().trim_end_matches("学科").trim();
    if subject.chars().count() > 20 || subject.chars().any(|c| c.is_ascii_digit()) {
        return Err(unknown());
    }
    Ok(Title {
        kind,
        level,
        subject: (!subject.is_empty()).then(|| subject.to_string()),
        year,
    })
}

/// Whether an honour still counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourStatus {
    Active,
    /// Past its validity.
    Expired,
    /// Taken away (failed assessment, misconduct), with a reason.
    Revoked,
}

impl HonourStatus {
    /// The value for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [HonourStatus::Active, HonourStatus::Expired, HonourStatus::Revoked]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            HonourStatus::Active => "active",
            HonourStatus::Expired => "expired",
            HonourStatus::Revoked => "revoked",
        }
    }

    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "active" | "有效" => Ok(HonourStatus::Active),
            "expired" | "已过期" | "过期" => Ok(HonourStatus::Expired),
            "revoked" | "已撤销" | "撤销" | "取消" => Ok(HonourStatus::Revoked),
            _ => Err(FieldError::new(field, "unknown_status").with("value", input.trim())),
        }
    }
}

/// An honour held (or once held) by a teacher, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HonourFact {
    pub kind: HonourKind,
    pub level: Level,
    /// None when the roster did not say: held since before records began.
    pub granted_year: Option<i32>,
    /// The last year it counts, if limited.
    pub valid_until_year: Option<i32>,
    pub status: HonourStatus,
}

impl HonourFact {
    /// Active, granted by `year` (or in a year not known) and not past its
    /// validity.
    pub fn counts_in(&self, year: i32) -> bool {
        self.status == HonourStatus::Active
            && self.granted_year.is_none_or(|g| g <= year)
            && self.valid_until_year.is_none_or(|v| year <= v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(s: &str, home: Option<&str>) -> (HonourKind, Level, Option<String>, Option<i32>) {
        let t = parse_title("honours", s, home).unwrap();
        (t.kind, t.level, t.subject, t.year)
    }

    #[test]
    fn roster_titles() {
        use HonourKind::*;
        use Level::*;
        let some = |s: &str| Some(s.to_string());
        assert_eq!(title("省级骨干教师", None), (Backbone, Provincial, None, None));
        assert_eq!(
            title("市级学科带头人", None),
            (DisciplineLeader, Municipal, None, None)
        );
        assert_eq!(
            title("区级准骨干教师", None),
            (ProspectiveBackbone, County, None, None)
        );
        assert_eq!(title("特级教师", None), (SpecialGrade, Provincial, None, None));
        assert_eq!(title("rising_star:town", None), (RisingStar, Town, None, None));
        // Titles with a place and a subject inside, as rosters write them.
        assert_eq!(
            title("宜都市语文学科带头人", Some("宜都市")),
            (DisciplineLeader, County, some("语文"), None)
        );
        assert_eq!(
            title("区级数学骨干教师", None),
            (Backbone, County, some("数学"), None)
        );
        assert_eq!(
            title("松滋市学前教育首席教师", Some("松滋市")),
            (ChiefTeacher, County, some("学前教育"), None)
        );
        // Another city is above the district; a province is a province.
        assert_eq!(
            title("荆州市语文学科带头人", Some("松滋市")),
            (DisciplineLeader, Municipal, some("语文"), None)
        );
        assert_eq!(
            title("湖北省小学数学骨干教师", None),
            (Backbone, Provincial, some("小学数学"), None)
        );
        assert_eq!(
            title("广府区数学学科骨干教师", None),
            (Backbone, County, some("数学"), None)
        );
        assert_eq!(
            title("湖北省宜都市语文学科带头人", Some("宜都市")),
            (DisciplineLeader, County, some("语文"), None)
        );
        assert_eq!(
            title("湖北省荆州市名师", Some("宜都市")),
            (FamousTeacher, Municipal, None, None)
        );
        assert_eq!(
            title("恩施州数学骨干教师", None),
            (Backbone, Municipal, some("数学"), None)
        );
        // A year written with the title.
        assert_eq!(
            title("2021年区级骨干教师", None),
            (Backbone, County, None, Some(2021))
        );
        assert_eq!(
            title("市级名师（2019）", None),
            (FamousTeacher, Municipal, None, Some(2019))
        );
        assert_eq!(
            title("宜都市名师(2018年)", Some("宜都市")),
            (FamousTeacher, County, None, Some(2018))
        );

        let err = |s: &str| parse_title("honours", s, None).unwrap_err().code;
        assert_eq!(err("骨干教师"), "honour_needs_level");
        assert_eq!(err("语文骨干教师"), "honour_needs_level");
        assert_eq!(err("省级优秀班主任"), "unknown_honour");
        assert_eq!(err("1800年区级骨干教师"), "not_a_year");
        // A subject is up to 20 characters, with no digits.
        let twenty = "语".repeat(20);
        assert_eq!(
            title(&format!("区级{twenty}骨干教师"), None),
            (Backbone, County, some(&twenty), None)
        );
        assert_eq!(err(&format!("区级{twenty}语骨干教师")), "unknown_honour");
        assert_eq!(err("区级3班骨干教师"), "unknown_honour");
        // A number alone is no title, whatever year it could be.
        assert_eq!(err("2021"), "unknown_honour");
        assert_eq!(err("1800"), "unknown_honour");
        // Four letters in front are no year: the level is what is missing.
        assert_eq!(err("Star 市骨干教师"), "honour_needs_level");
        for k in HonourKind::ALL {
            assert_eq!(HonourKind::parse("kind", k.code()).unwrap(), k);
            assert_eq!(HonourKind::parse("kind", k.zh()).unwrap(), k);
        }
    }

    proptest::proptest! {
        /// Whatever a roster cell holds, reading it as a title answers
        /// (a title or an error) and never panics.
        #[test]
        fn any_text_is_read_without_panicking(s in "\\PC{0,24}", home in "\\PC{0,6}") {
            let _ = parse_title("honours", &s, Some(&home));
        }

        #[test]
        fn titles_with_years_and_places(
            year in 1950i32..2100,
            place in "(宜都|松滋|广府)(市|区|县)",
            subject in "(语文|数学|学前教育|)",
        ) {
            let text = format!("{year}年{place}{subject}骨干教师");
            let t = parse_title("honours", &text, Some(&place)).unwrap();
            proptest::prop_assert_eq!(t.kind, HonourKind::Backbone);
            proptest::prop_assert_eq!(t.level, Level::County);
            proptest::prop_assert_eq!(t.year, Some(year));
            proptest::prop_assert_eq!(t.subject, (!subject.is_empty()).then(|| subject.clone()));
        }
    }

    #[test]
    fn places_and_codes_at_the_edges() {
        use HonourKind::*;
        use Level::*;
        let level = |s: &str, home: Option<&str>| parse_title("honours", s, home).map(|t| (t.kind, t.level));
        // A town's title is a town title.
        assert_eq!(level("城关镇骨干教师", None), Ok((Backbone, Town)));
        assert_eq!(level("红花乡名师", None), Ok((FamousTeacher, Town)));
        // The district's own name, whatever its suffix now, is district level.
        assert_eq!(level("宜都市名师", Some("宜都区")), Ok((FamousTeacher, County)));
        assert_eq!(level("宜都市名师", Some(" ")), Ok((FamousTeacher, Municipal)));
        assert_eq!(
            level("宜都市名师", Some("松滋市")),
            Ok((FamousTeacher, Municipal))
        );
        // A place name is one run: 荆州市 then 区 is the city, not a district.
        assert_eq!(level("荆州市区骨干教师", None), Ok((Backbone, Municipal)));
        assert_eq!(level("湖北省市骨干教师", None), Ok((Backbone, Provincial)));
        assert_eq!(level("恩施州市骨干教师", None), Ok((Backbone, Municipal)));
        // A place's name is read when it has up to four characters before
        // its 市, 区 or 省; a longer one is not taken for a place, and the
        // roster must give the level in words.
        assert_eq!(level("呼和浩特市名师", None), Ok((FamousTeacher, Municipal)));
        assert_eq!(
            parse_title("honours", "内蒙古自治区骨干教师", None)
                .unwrap_err()
                .code,
            "honour_needs_level"
        );
        for k in HonourKind::ALL {
            assert_eq!(HonourKind::from_code(k.code()), Some(k));
        }
        assert_eq!(HonourKind::from_code("骨干教师"), None);
        let e = HonourKind::parse("honours", " 劳模 ").unwrap_err();
        assert_eq!(
            (e.code, e.args.clone()),
            ("unknown_honour", vec![("value", "劳模".to_string())])
        );
        assert_eq!(HonourKind::parse("honours", "Rising-Star"), Ok(RisingStar));
        assert_eq!(HonourKind::parse("honours", "准骨干"), Ok(ProspectiveBackbone));
        let statuses = [HonourStatus::Active, HonourStatus::Expired, HonourStatus::Revoked];
        for st in statuses {
            assert_eq!(HonourStatus::from_code(st.code()), Some(st));
            assert_eq!(HonourStatus::parse("status", st.code()), Ok(st));
        }
        assert_eq!(statuses.map(HonourStatus::code), ["active", "expired", "revoked"]);
        assert_eq!(HonourStatus::parse("status", "过期"), Ok(HonourStatus::Expired));
        assert_eq!(HonourStatus::parse("status", "取消"), Ok(HonourStatus::Revoked));
        assert_eq!(HonourStatus::parse("status", "有效"), Ok(HonourStatus::Active));
        assert_eq!(HonourStatus::from_code("gone"), None);
        let e = HonourStatus::parse("status", " 暂停 ").unwrap_err();
        assert_eq!(
            (e.field, e.code, e.args.clone()),
            ("status", "unknown_status", vec![("value", "暂停".to_string())])
        );
        let zh: Vec<&str> = HonourKind::ALL.iter().map(|k| k.zh()).collect();
        assert_eq!(
            zh,
            vec![
                "骨干教师",
                "准骨干教师",
                "首席教师",
                "学科带头人",
                "名教师",
                "特级教师",
                "教坛新秀",
                "师德标兵"
            ]
        );
    }

    #[test]
    fn validity() {
        let h = HonourFact {
            kind: HonourKind::Backbone,
            level: Level::County,
            granted_year: Some(2021),
            valid_until_year: Some(2023),
            status: HonourStatus::Active,
        };
        assert!(!h.counts_in(2020) && h.counts_in(2021) && h.counts_in(2023) && !h.counts_in(2024));
        let revoked = HonourFact {
            status: HonourStatus::Revoked,
            ..h
        };
        assert!(!revoked.counts_in(2022));
    }
}
