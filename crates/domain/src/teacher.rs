//! A teacher's facts as the rules read them, and the value types for the
//! roster fields, each parsing the common Chinese spellings.

use crate::codes::coded_enum;
use crate::dates::whole_years;
use crate::error::FieldError;
use crate::honour::{HonourFact, HonourKind};
use crate::level::Level;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// 性别
    Gender, "unknown_gender", {
        Male = "male", "男", ["m", "男性"];
        Female = "female", "女", ["f", "女性"];
    }
);

coded_enum!(
    /// 编制: on the establishment or on contract.
    Employment, "unknown_employment", {
        /// 在编在岗
        OnEstablishment = "on_establishment", "在编在岗", ["在编", "编制内", "正式", "在编教师", "公办"];
        /// 临聘
        Contract = "contract", "临聘", ["临聘教师", "临时聘用", "合同制", "合同", "聘用", "代课", "编外", "外聘"];
        Other = "other", "其他", ["其它"];
    }
);

coded_enum!(
    /// 岗位
    Post, "unknown_post", {
        /// 专任教师
        FullTimeTeacher = "teacher", "专任教师", ["专职教师", "教师", "任课教师", "full_time_teacher"];
        /// 生活老师
        CareStaff = "care_staff", "生活老师", ["生活教师"];
        /// 保育员
        Nursery = "nursery", "保育员", [];
        /// 行政
        Admin = "admin", "行政", ["管理", "行政人员", "管理人员"];
        /// 后勤
        Logistics = "logistics", "后勤", ["工勤", "后勤人员", "工勤人员"];
        Other = "other", "其他", ["其它"];
    }
);

coded_enum!(
    /// 学历, lowest first.
    Education, "unknown_education", {
        /// 高中及以下
        HighSchool = "high_school", "高中及以下", ["高中", "初中", "中学"];
        /// 中专 / 中师
        Secondary = "secondary", "中专", ["中师", "职高", "中职"];
        /// 大专
        Associate = "associate", "大专", ["专科", "大学专科"];
        /// 本科
        Bachelor = "bachelor", "本科", ["大学本科", "学士", "大学"];
        /// 硕士研究生
        Master = "master", "硕士", ["研究生", "硕士研究生"];
        /// 博士研究生
        Doctor = "doctor", "博士", ["博士研究生"];
    }
);

coded_enum!(
    /// 学段 / 部: the part of the school a teacher works in.
    Section, "unknown_section", {
        /// 幼儿部 / 学前
        Preschool = "preschool", "幼儿部", ["幼儿园", "学前", "学前部", "幼儿"];
        /// 小学部
        Primary = "primary", "小学部", ["小学"];
        /// 中学部 (junior and senior together)
        Middle = "middle", "中学部", ["中学"];
        /// 初中部
        Junior = "junior", "初中部", ["初中"];
        /// 高中部
        Senior = "senior", "高中部", ["高中"];
        /// 职教部
        Vocational = "vocational", "职教部", ["职教", "职高部", "中职部"];
    }
);

/// Yes / no as rosters write it: 是/否, Y/N, √/×, 对口/不对口, 1/0, true/false.
pub fn parse_yes_no(field: &'static str, input: &str) -> Result<bool, FieldError> {
    let s = input.trim();
    match s.to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "对口" | "一线" | "有" => Ok(true),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "不对口" | "非一线" | "无" => Ok(false),
        "" => Err(FieldError::new(field, "required")),
        _ => Err(FieldError::new(field, "not_yes_no").with("value", s)),
    }
}

/// Everything about one teacher that tier rules and the status analysis
/// read. Unknown fields are `None` (a roster may not give them).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TeacherFacts {
    pub id: i64,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub work_start: Option<NaiveDate>,
    pub employment: Option<Employment>,
    pub post: Option<Post>,
    pub front_line: Option<bool>,
    pub education: Option<Education>,
    pub major_matches: Option<bool>,
    pub section: Option<Section>,
    pub honours: Vec<HonourFact>,
}

impl TeacherFacts {
    /// Age in whole years on `as_of`.
    pub fn age(&self, as_of: NaiveDate) -> Option<i32> {
        self.birth_date.map(|b| whole_years(b, as_of))
    }

    /// Teaching years (教龄) in whole years on `as_of`.
    pub fn teaching_years(&self, as_of: NaiveDate) -> Option<i32> {
        self.work_start.map(|w| whole_years(w, as_of).max(0))
    }

    /// The highest level at which the teacher holds `kind` in `year`.
    pub fn honour_level(&self, kind: HonourKind, year: i32) -> Option<Level> {
        self.honours
            .iter()
            .filter(|h| h.kind == kind && h.counts_in(year))
            .map(|h| h.level)
            .max()
    }

    /// A full-time teacher (专任教师) — the seeds' "专职教师".
    pub fn is_full_time_teacher(&self) -> bool {
        self.post == Some(Post::FullTimeTeacher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_spellings() {
        assert_eq!(Gender::parse("gender", "女").unwrap(), Gender::Female);
        assert_eq!(
            Employment::parse("employment", "在编").unwrap(),
            Employment::OnEstablishment
        );
        assert_eq!(
            Employment::parse("employment", "临聘").unwrap(),
            Employment::Contract
        );
        assert_eq!(
            Education::parse("education", "研究生").unwrap(),
            Education::Master
        );
        assert_eq!(
            Education::parse("education", "本科").unwrap(),
            Education::Bachelor
        );
        assert_eq!(
            Education::parse("education", "大专").unwrap(),
            Education::Associate
        );
        assert_eq!(Post::parse("post", "生活老师").unwrap(), Post::CareStaff);
        assert_eq!(Section::parse("section", "小学部").unwrap(), Section::Primary);
        assert_eq!(Section::parse("section", "中学部").unwrap(), Section::Middle);
        assert!(parse_yes_no("front_line", "是").unwrap());
        assert!(!parse_yes_no("major_matches", "否").unwrap());
        assert_eq!(parse_yes_no("x", "maybe").unwrap_err().code, "not_yes_no");
        assert_eq!(
            Education::parse("education", "小学").unwrap_err().code,
            "unknown_education"
        );
        for e in Education::ALL {
            assert_eq!(Education::parse("education", e.code()).unwrap(), *e);
            assert_eq!(Education::parse("education", e.zh()).unwrap(), *e);
        }
        assert!(Education::Bachelor > Education::Associate);
    }

    #[test]
    fn derived_ages() {
        let t = TeacherFacts {
            birth_date: NaiveDate::from_ymd_opt(1990, 9, 1),
            work_start: NaiveDate::from_ymd_opt(2012, 9, 1),
            ..Default::default()
        };
        let d = NaiveDate::from_ymd_opt(2025, 8, 31).unwrap();
        assert_eq!(t.age(d), Some(34));
        assert_eq!(t.teaching_years(d), Some(12));
    }

    #[test]
    fn yes_no_and_derived_facts_at_their_edges() {
        for yes in ["是", "Y", "yes", "TRUE", "1", "√", "✓", "对口", "一线", "有"] {
            assert_eq!(parse_yes_no("f", yes), Ok(true), "{yes}");
        }
        for no in ["否", "n", "No", "false", "0", "×", "✗", "不对口", "非一线", "无"] {
            assert_eq!(parse_yes_no("f", no), Ok(false), "{no}");
        }
        let e = parse_yes_no("front_line", "  ").unwrap_err();
        assert_eq!((e.field, e.code), ("front_line", "required"));
        assert_eq!(
            parse_yes_no("f", " 也许 ").unwrap_err().args,
            vec![("value", "也许".to_string())]
        );
        // A birthday on the day counts; the day before it does not.
        let t = TeacherFacts {
            birth_date: NaiveDate::from_ymd_opt(1990, 9, 1),
            work_start: NaiveDate::from_ymd_opt(2026, 9, 1),
            post: Some(Post::FullTimeTeacher),
            ..Default::default()
        };
        let on = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        assert_eq!(t.age(on), Some(35));
        // Starting next year: no negative teaching years.
        assert_eq!(t.teaching_years(on), Some(0));
        assert!(t.is_full_time_teacher());
        let care = TeacherFacts {
            post: Some(Post::CareStaff),
            ..Default::default()
        };
        assert!(!care.is_full_time_teacher());
        assert!(!TeacherFacts::default().is_full_time_teacher());
        assert_eq!((care.age(on), care.teaching_years(on)), (None, None));
    }

    #[test]
    fn the_highest_level_held_in_the_year() {
        use crate::honour::HonourStatus;
        let h = |kind, level, granted| HonourFact {
            kind,
            level,
            granted_year: Some(granted),
            valid_until_year: None,
            status: HonourStatus::Active,
        };
        let t = TeacherFacts {
            honours: vec![
                h(HonourKind::Backbone, Level::County, 2020),
                h(HonourKind::Backbone, Level::Municipal, 2024),
                h(HonourKind::RisingStar, Level::Provincial, 2020),
            ],
            ..Default::default()
        };
        assert_eq!(t.honour_level(HonourKind::Backbone, 2023), Some(Level::County));
        assert_eq!(t.honour_level(HonourKind::Backbone, 2024), Some(Level::Municipal));
        assert_eq!(t.honour_level(HonourKind::Backbone, 2019), None);
        assert_eq!(t.honour_level(HonourKind::FamousTeacher, 2024), None);
    }
}
