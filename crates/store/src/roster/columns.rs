//! The roster's columns: what each is called in Chinese and English, and
//! the other names schools use for it.

/// A column the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    StaffNo,
    Name,
    Gender,
    BirthDate,
    WorkStart,
    Education,
    Major,
    MajorMatches,
    Employment,
    Post,
    FrontLine,
    Subjects,
    Section,
    Title,
    Posts,
    Certificates,
    BackboneLevel,
    Honours,
    HonourYear,
}

impl Column {
    /// The template's example value of this column: together, one row
    /// that imports cleanly (a test imports the template as downloaded).
    pub fn example(self) -> &'static str {
        match self {
            Column::StaffNo => "GF0101",
            Column::Name => "王芳",
            Column::Gender => "女",
            Column::BirthDate => "1990-03-15",
            Column::WorkStart => "2012-09-01",
            Column::Education => "本科",
            Column::Major => "汉语言文学",
            Column::MajorMatches => "是",
            Column::Employment => "在编在岗",
            Column::Post => "专任教师",
            Column::FrontLine => "是",
            Column::Subjects => "语文、道德与法治",
            Column::Section => "小学部",
            Column::Title => "一级教师",
            Column::Posts => "班主任",
            Column::Certificates => "普通话二级甲等",
            Column::BackboneLevel => "县级",
            Column::Honours => "市级教坛新秀",
            Column::HonourYear => "2021",
        }
    }
}

/// (column, Chinese header, English header, other accepted names), in the
/// order of the template and of exports.
pub const COLUMNS: [(Column, &str, &str, &[&str]); 19] = [
    (
        Column::StaffNo,
        "工号",
        "staff_no",
        &[
            "职工号",
            "教师编号",
            "编号",
            "员工号",
            "教职工号",
            "staff no",
            "staff number",
        ],
    ),
    (Column::Name, "姓名", "name", &["教师姓名", "名字", "full name"]),
    (Column::Gender, "性别", "gender", &["sex"]),
    (
        Column::BirthDate,
        "出生日期",
        "birth_date",
        &[
            "出生年月",
            "出生年月日",
            "生日",
            "date of birth",
            "birth date",
            "dob",
        ],
    ),
    (
        Column::WorkStart,
        "参加工作时间",
        "work_start",
        &[
            "参加工作日期",
            "参加工作年月",
            "工作时间",
            "参工时间",
            "任教时间",
            "work start",
            "start date",
        ],
    ),
    (Column::Education, "学历", "education", &["最高学历", "文化程度"]),
    (Column::Major, "所学专业", "major", &["专业", "毕业专业"]),
    (
        Column::MajorMatches,
        "专业对口",
        "major_matches",
        &["是否对口", "专业是否对口", "major matches"],
    ),
    (
        Column::Employment,
        "编制",
        "employment",
        &["编制情况", "用工形式", "是否在编", "人员性质"],
    ),
    (
        Column::Post,
        "岗位",
        "post",
        &["岗位类别", "岗位类型", "工作岗位"],
    ),
    (
        Column::FrontLine,
        "是否一线",
        "front_line",
        &["一线", "一线教师", "是否一线教师", "front line"],
    ),
    (
        Column::Subjects,
        "任教学科",
        "subjects",
        &["学科", "任教科目", "所教学科", "subject"],
    ),
    (Column::Section, "学段", "section", &["部门", "学部", "所在学段"]),
    (
        Column::Title,
        "职称",
        "title",
        &["专业技术职务", "职称等级", "professional title"],
    ),
    (
        Column::Posts,
        "职务",
        "posts",
        &["担任职务", "行政职务", "posts held"],
    ),
    (
        Column::Certificates,
        "证书",
        "certificates",
        &["资格证书", "持有证书"],
    ),
    (
        Column::BackboneLevel,
        "骨干级别",
        "backbone_level",
        &["骨干教师级别", "骨干等级", "骨干", "backbone"],
    ),
    (
        Column::Honours,
        "荣誉称号",
        "honours",
        &["荣誉", "称号", "其他称号"],
    ),
    (
        Column::HonourYear,
        "获评年份",
        "honour_year",
        &["评定年份", "获评时间", "评选年份", "honour year"],
    ),
];

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | ':' | '：' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('_', "")
}

impl Column {
    /// Recognises a header cell. A cell may carry both languages
    /// ("姓名 / name", "姓名\nname", "出生日期(YYYY-MM-DD)"): any part counts.
    pub fn recognise(header: &str) -> Option<Column> {
        let parts = header
            .split(['/', '\n', '(', '（', '|'])
            .map(|p| p.trim_end_matches([')', '）']))
            .map(normalise)
            .filter(|p| !p.is_empty());
        for p in parts {
            for (col, zh, en, other) in COLUMNS {
                if p == normalise(zh) || p == normalise(en) || other.iter().any(|o| p == normalise(o)) {
                    return Some(col);
                }
            }
        }
        None
    }

    /// The header this column has in `lang` (`zh` or `en`).
    pub fn header(self, zh: bool) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, ..)| *c == self)
            .map(|(_, z, e, _)| if zh { *z } else { *e })
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language_and_variants() {
        assert_eq!(Column::recognise("姓名"), Some(Column::Name));
        assert_eq!(Column::recognise(" Name "), Some(Column::Name));
        assert_eq!(Column::recognise("姓名 / name"), Some(Column::Name));
        assert_eq!(Column::recognise("姓名\nname"), Some(Column::Name));
        assert_eq!(Column::recognise("*出生年月"), Some(Column::BirthDate));
        assert_eq!(
            Column::recognise("出生日期（YYYY-MM-DD）"),
            Some(Column::BirthDate)
        );
        assert_eq!(Column::recognise("birth_date"), Some(Column::BirthDate));
        assert_eq!(Column::recognise("参加工作时间"), Some(Column::WorkStart));
        assert_eq!(Column::recognise("骨干教师级别"), Some(Column::BackboneLevel));
        assert_eq!(Column::recognise("备注"), None);
        for (c, zh, en, _) in COLUMNS {
            assert_eq!(Column::recognise(zh), Some(c));
            assert_eq!(Column::recognise(en), Some(c));
        }
    }
}
