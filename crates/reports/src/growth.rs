//! A teacher's growth report (教师专业成长报告): profile, honours, portfolio
//! records grouped by kind and school year with counts, research projects,
//! and a chart — as PDF (Typst, embedded CJK font) or Word (.docx with the
//! chart as a picture), in Chinese or English.

use crate::docx::Document;
use crate::{date, t, typeset};
use chrono::NaiveDate;
use lingyan_domain::evidence::{Details, FieldType};
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::{
    Education, EvidenceKind, EvidenceStatus, Gender, HonourKind, HonourStatus, Level, Locale, ProjectRole,
    ProjectStage,
};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The teacher's facts at the top of the report.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: String,
    pub school: String,
    pub staff_no: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub work_start: Option<NaiveDate>,
    pub teaching_years: Option<i32>,
    pub subjects: Vec<String>,
    pub education: Option<Education>,
    /// 职称
    pub title: Option<String>,
    /// The tier's name, already in the report's language.
    pub tier: Option<String>,
    pub posts: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct HonourLine {
    pub kind: HonourKind,
    pub level: Level,
    /// None when not known.
    pub year: Option<i32>,
    /// The subject inside the title (语文).
    pub subject: Option<String>,
    pub body: Option<String>,
    pub valid_until: Option<i32>,
    pub status: HonourStatus,
}

/// One portfolio record.
#[derive(Debug, Clone)]
pub struct Record {
    pub date: NaiveDate,
    /// The school year it falls in (2025 = 2025–2026).
    pub school_year: i32,
    pub title: String,
    pub level: Option<Level>,
    pub status: EvidenceStatus,
    pub details: Details,
    /// The observed teacher's name, for observations of a colleague.
    pub observed_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProjectLine {
    pub title: String,
    pub level: Level,
    pub role: ProjectRole,
    pub stage: ProjectStage,
    pub stages: Vec<(ProjectStage, NaiveDate)>,
    pub status: EvidenceStatus,
}

/// A mentor pair the teacher was in, as mentor or apprentice.
#[derive(Debug, Clone)]
pub struct MentoringLine {
    /// Whether the teacher was the mentor.
    pub as_mentor: bool,
    /// The other side, by name (the mentor, or the apprentices).
    pub others: Vec<String>,
    pub subject: String,
    pub starts_on: NaiveDate,
    /// The day it ended, or its planned end.
    pub ends_on: Option<NaiveDate>,
    pub status: PairStatus,
    pub meetings: usize,
    pub minutes: i64,
    pub cycles_done: usize,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct GrowthReport {
    pub profile: Profile,
    pub honours: Vec<HonourLine>,
    pub records: Vec<Record>,
    pub projects: Vec<ProjectLine>,
    /// The teacher's mentor pairs, newest first.
    pub mentoring: Vec<MentoringLine>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub generated_on: NaiveDate,
}

/// The report in one language, ready for either format.
#[derive(Debug, Clone, Serialize)]
struct Prepared {
    lang: &'static str,
    title: String,
    subtitle: String,
    period: String,
    generated: String,
    footer: String,
    labels: BTreeMap<&'static str, String>,
    profile: Vec<[String; 2]>,
    honours_head: Vec<String>,
    honours: Vec<Vec<String>>,
    chart: Vec<Bar>,
    sections: Vec<Section>,
    projects_head: Vec<String>,
    projects: Vec<Vec<String>>,
    mentoring_head: Vec<String>,
    mentoring: Vec<Vec<String>>,
    summary: String,
}

#[derive(Debug, Clone, Serialize)]
struct Bar {
    label: String,
    total: u64,
    verified: u64,
}

#[derive(Debug, Clone, Serialize)]
struct Section {
    heading: String,
    count: String,
    years: Vec<YearGroup>,
}

#[derive(Debug, Clone, Serialize)]
struct YearGroup {
    year: String,
    items: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
struct Item {
    date: String,
    title: String,
    meta: String,
    status: String,
    verified: bool,
}

/// Text in brackets as each language writes them: （…） / (…).
fn paren(l: Locale, s: &str) -> String {
    match l {
        Locale::ZhCn => format!("（{s}）"),
        Locale::En => format!(" ({s})"),
    }
}

fn label(l: Locale, group: &str, code: &str) -> String {
    t(l, &format!("{group}.{code}"), &[])
}

fn school_year(l: Locale, y: i32) -> String {
    t(
        l,
        "growth.school_year",
        &[("from", y.to_string()), ("to", (y + 1).to_string())],
    )
}

fn short_date(l: Locale, d: NaiveDate) -> String {
    lingyan_domain::dates::written(d, l)
}

/// The kind's own fields as "label: value" pieces.
fn meta(l: Locale, r: &Record) -> String {
    let kind = r.details.kind();
    let texts = r.details.to_texts();
    let mut parts = Vec::new();
    if let Some(lv) = r.level {
        parts.push(label(l, "levels", lv.code()));
    }
    for f in kind.fields() {
        let Some(raw) = texts.get(f.name) else { continue };
        let value = match f.ty {
            FieldType::Flag => t(l, &format!("fields.{}", f.name), &[]),
            FieldType::Teacher => r.observed_name.clone().unwrap_or_else(|| raw.clone()),
            FieldType::Amount(_) | FieldType::Count(..) => {
                format!("{} {raw}", t(l, &format!("fields.{}", f.name), &[]))
            }
            ty => match ty.options() {
                Some((group, _)) => label(l, group, raw),
                None if matches!(f.name, "feedback" | "scores" | "audience") => {
                    format!(
                        "{}{}{raw}",
                        t(l, &format!("fields.{}", f.name), &[]),
                        t(l, "punct.colon", &[])
                    )
                }
                None => raw.clone(),
            },
        };
        parts.push(value);
    }
    parts.join(" · ")
}

fn prepare(r: &GrowthReport, l: Locale) -> Prepared {
    let p = &r.profile;
    let dash = || "—".to_string();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(dash);
    let mut profile = vec![
        [t(l, "fields.person_name", &[]), p.name.clone()],
        [t(l, "fields.school", &[]), p.school.clone()],
        [t(l, "fields.staff_no", &[]), opt(&p.staff_no)],
        [
            t(l, "fields.gender", &[]),
            p.gender
                .map(|g| label(l, "gender", g.code()))
                .unwrap_or_else(dash),
        ],
        [
            t(l, "fields.birth_date", &[]),
            p.birth_date.map(|d| date(l, d)).unwrap_or_else(dash),
        ],
        [
            t(l, "fields.work_start", &[]),
            match (p.work_start, p.teaching_years) {
                (Some(d), Some(y)) => format!(
                    "{}{}",
                    date(l, d),
                    paren(l, &t(l, "growth.years_teaching", &[("n", y.to_string())]))
                ),
                (Some(d), None) => date(l, d),
                _ => dash(),
            },
        ],
        [
            t(l, "fields.subjects", &[]),
            if p.subjects.is_empty() {
                dash()
            } else {
                p.subjects.join("、")
            },
        ],
        [
            t(l, "fields.education", &[]),
            p.education
                .map(|e| label(l, "education", e.code()))
                .unwrap_or_else(dash),
        ],
        [t(l, "fields.title", &[]), opt(&p.title)],
        [t(l, "fields.tier", &[]), opt(&p.tier)],
    ];
    if !p.posts.is_empty() {
        profile.push([t(l, "fields.posts", &[]), p.posts.join("、")]);
    }
    let honours_head = vec![
        t(l, "fields.granted_year", &[]),
        t(l, "fields.level", &[]),
        t(l, "fields.kind", &[]),
        t(l, "fields.granting_body", &[]),
        t(l, "fields.status", &[]),
    ];
    let honours = r
        .honours
        .iter()
        .map(|h| {
            let year = match h.year {
                Some(y) => y.to_string(),
                None => t(l, "honours.year_unknown", &[]),
            };
            let kind = label(l, "honour_kinds", h.kind.code());
            vec![
                match h.valid_until {
                    Some(u) => format!("{year}–{u}"),
                    None => year,
                },
                label(l, "levels", h.level.code()),
                match &h.subject {
                    Some(s) => format!("{kind}{}", paren(l, s)),
                    None => kind,
                },
                h.body.clone().unwrap_or_default(),
                label(l, "honour_status", h.status.code()),
            ]
        })
        .collect();
    let mut chart = Vec::new();
    let mut sections = Vec::new();
    let mut total = 0u64;
    let mut verified_total = 0u64;
    for kind in EvidenceKind::ALL {
        let mut mine: Vec<&Record> = r.records.iter().filter(|x| x.details.kind() == *kind).collect();
        if mine.is_empty() {
            continue;
        }
        mine.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
        let n = mine.len() as u64;
        let v = mine
            .iter()
            .filter(|x| x.status == EvidenceStatus::Verified)
            .count() as u64;
        total += n;
        verified_total += v;
        let kind_label = label(l, "evidence_kinds", kind.code());
        chart.push(Bar {
            label: kind_label.clone(),
            total: n,
            verified: v,
        });
        let mut years: Vec<YearGroup> = Vec::new();
        for rec in mine {
            let year = school_year(l, rec.school_year);
            if years.last().map(|y| &y.year) != Some(&year) {
                years.push(YearGroup {
                    year: year.clone(),
                    items: Vec::new(),
                });
            }
            let group = years.last_mut().expect("just pushed");
            group.items.push(Item {
                date: short_date(l, rec.date),
                title: rec.title.clone(),
                meta: meta(l, rec),
                status: if rec.status == EvidenceStatus::Verified {
                    String::new()
                } else {
                    paren(l, &label(l, "evidence_status", rec.status.code()))
                },
                verified: rec.status == EvidenceStatus::Verified,
            });
        }
        sections.push(Section {
            heading: kind_label,
            count: paren(
                l,
                &t(
                    l,
                    if n == 1 {
                        "growth.count_line_one"
                    } else {
                        "growth.count_line"
                    },
                    &[("n", n.to_string()), ("verified", v.to_string())],
                ),
            ),
            years,
        });
    }
    let projects_head = vec![
        t(l, "fields.project_title", &[]),
        t(l, "fields.level", &[]),
        t(l, "growth.role", &[]),
        t(l, "fields.stage", &[]),
        t(l, "fields.status", &[]),
    ];
    let projects = r
        .projects
        .iter()
        .map(|p| {
            let stages = p
                .stages
                .iter()
                .map(|(s, d)| format!("{} {}", label(l, "project_stage", s.code()), short_date(l, *d)))
                .collect::<Vec<_>>()
                .join("；");
            vec![
                p.title.clone(),
                label(l, "levels", p.level.code()),
                label(l, "project_role", p.role.code()),
                if stages.is_empty() {
                    label(l, "project_stage", p.stage.code())
                } else {
                    stages
                },
                label(l, "evidence_status", p.status.code()),
            ]
        })
        .collect();
    let mentoring_head = vec![
        t(l, "growth.mentoring_role", &[]),
        t(l, "growth.mentoring_with", &[]),
        t(l, "fields.subject", &[]),
        t(l, "growth.mentoring_term", &[]),
        t(l, "fields.status", &[]),
        t(l, "growth.mentoring_activity", &[]),
    ];
    let mentoring = r
        .mentoring
        .iter()
        .map(|m| {
            let sep = if l == Locale::ZhCn { "、" } else { ", " };
            vec![
                t(
                    l,
                    if m.as_mentor {
                        "growth.as_mentor"
                    } else {
                        "growth.as_apprentice"
                    },
                    &[],
                ),
                m.others.join(sep),
                m.subject.clone(),
                format!(
                    "{} – {}",
                    short_date(l, m.starts_on),
                    m.ends_on.map(|d| short_date(l, d)).unwrap_or_else(|| "…".into())
                ),
                label(l, "mentoring.status", m.status.code()),
                t(
                    l,
                    "growth.mentoring_counts",
                    &[
                        ("meetings", m.meetings.to_string()),
                        ("hours", format!("{:.1}", m.minutes as f64 / 60.0)),
                        ("cycles", m.cycles_done.to_string()),
                    ],
                ),
            ]
        })
        .collect();
    let period = match (r.from, r.to) {
        (None, None) => t(l, "growth.period_all", &[]),
        (f, to) => t(
            l,
            "growth.period",
            &[
                ("from", f.map(|d| date(l, d)).unwrap_or_else(|| "…".into())),
                ("to", to.map(|d| date(l, d)).unwrap_or_else(|| "…".into())),
            ],
        ),
    };
    let mut labels = BTreeMap::new();
    for k in [
        "profile",
        "honours",
        "records",
        "projects",
        "mentoring",
        "chart",
        "legend_verified",
        "legend_other",
        "none",
    ] {
        labels.insert(k, t(l, &format!("growth.{k}"), &[]));
    }
    Prepared {
        lang: match l {
            Locale::ZhCn => "zh",
            Locale::En => "en",
        },
        title: t(l, "growth.title", &[]),
        subtitle: format!("{} · {}", p.name, p.school),
        period,
        generated: t(l, "growth.generated", &[("date", date(l, r.generated_on))]),
        footer: t(l, "growth.footer", &[("name", p.name.clone())]),
        labels,
        profile,
        honours_head,
        honours,
        chart,
        sections,
        projects_head,
        projects,
        mentoring_head,
        mentoring,
        summary: t(
            l,
            "growth.summary",
            &[
                ("n", total.to_string()),
                ("verified", verified_total.to_string()),
                ("projects", r.projects.len().to_string()),
                ("honours", r.honours.len().to_string()),
            ],
        ),
    }
}

const REPORT: &str = include_str!("../templates/growth.typ");
const CHART: &str = include_str!("../templates/growth_chart.typ");

/// The report as a PDF.
pub fn pdf(r: &GrowthReport, l: Locale) -> Result<Vec<u8>, crate::Error> {
    let data = serde_json::to_value(prepare(r, l)).map_err(|e| crate::Error::Pdf(e.to_string()))?;
    typeset::pdf(REPORT, &data, r.generated_on)
}

/// The chart alone as a PNG, with its size in pixels.
pub fn chart_png(r: &GrowthReport, l: Locale) -> Result<(Vec<u8>, u32, u32), crate::Error> {
    let p = prepare(r, l);
    let data = json!({ "chart": p.chart, "labels": p.labels });
    typeset::png(CHART, &data, r.generated_on)
}

/// The report as a Word document.
pub fn docx(r: &GrowthReport, l: Locale) -> Result<Vec<u8>, crate::Error> {
    let p = prepare(r, l);
    let mut d = Document::new()
        .numbered(l)
        .properties(crate::docx::Properties {
            title: p.title.clone(),
            author: r.profile.school.clone(),
            date: r.generated_on.to_string(),
            language: l.code().to_string(),
        })
        .title(&p.title)
        .note(&format!("{} · {} · {}", p.subtitle, p.period, p.generated));
    d = d.paragraph(&p.summary);
    d = d.heading(&p.labels["profile"]);
    let rows: Vec<Vec<String>> = p
        .profile
        .iter()
        .map(|[a, b]| vec![a.clone(), b.clone()])
        .collect();
    d = d.table(&[t(l, "status.col_item", &[]), t(l, "fields.text", &[])], &rows);
    d = d.heading(&p.labels["honours"]);
    if p.honours.is_empty() {
        d = d.note(&p.labels["none"]);
    } else {
        d = d.table(&p.honours_head, &p.honours);
    }
    d = d.heading(&p.labels["chart"]);
    if p.chart.is_empty() {
        d = d.note(&p.labels["none"]);
    } else {
        let (png, w, h) = chart_png(r, l)?;
        d = d.image(png, w, h, 15.0);
    }
    d = d.heading(&p.labels["records"]);
    let head = vec![
        t(l, "fields.date", &[]),
        t(l, "fields.record_title", &[]),
        t(l, "fields.details", &[]),
        t(l, "fields.status", &[]),
    ];
    for s in &p.sections {
        d = d.subheading(&format!("{}{}", s.heading, s.count));
        for y in &s.years {
            let rows: Vec<Vec<String>> = y
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.date.clone(),
                        i.title.clone(),
                        i.meta.clone(),
                        if i.verified {
                            label(l, "evidence_status", "verified")
                        } else {
                            i.status.trim().trim_matches(['（', '）', '(', ')']).to_string()
                        },
                    ]
                })
                .collect();
            d = d.note(&y.year).table(&head, &rows);
        }
    }
    d = d.heading(&p.labels["projects"]);
    if p.projects.is_empty() {
        d = d.note(&p.labels["none"]);
    } else {
        d = d.table(&p.projects_head, &p.projects);
    }
    d = d.heading(&p.labels["mentoring"]);
    if p.mentoring.is_empty() {
        d = d.note(&p.labels["none"]);
    } else {
        d = d.table(&p.mentoring_head, &p.mentoring);
    }
    d.closing(&r.profile.school, &crate::date(l, r.generated_on))
        .bytes()
}

/// Characters of the report's text the embedded font cannot print.
pub fn missing_glyphs(r: &GrowthReport, l: Locale) -> Vec<char> {
    let text = serde_json::to_string(&prepare(r, l)).unwrap_or_default();
    typeset::missing_glyphs(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lingyan_domain::EvidenceInput;
    use std::process::Command;

    fn record(
        kind: EvidenceKind,
        date: &str,
        title: &str,
        level: &str,
        details: &[(&str, &str)],
        status: EvidenceStatus,
    ) -> Record {
        let d = EvidenceInput {
            kind,
            date: date.into(),
            title: title.into(),
            level: level.into(),
            text: String::new(),
            details: details
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
        .parse()
        .expect("valid sample");
        Record {
            date: d.occurred_on,
            school_year: {
                use chrono::Datelike;
                let d = d.occurred_on;
                if d.month() >= 9 { d.year() } else { d.year() - 1 }
            },
            title: d.title,
            level: d.level,
            status,
            details: d.details,
            observed_name: None,
        }
    }

    pub(crate) fn sample() -> GrowthReport {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        GrowthReport {
            profile: Profile {
                name: "张晓雨".into(),
                school: "广府实验小学".into(),
                staff_no: Some("GF0005".into()),
                gender: Some(Gender::Female),
                birth_date: Some(day("1996-04-12")),
                work_start: Some(day("2019-09-01")),
                teaching_years: Some(7),
                subjects: vec!["语文".into()],
                education: Some(Education::Bachelor),
                title: Some("二级教师".into()),
                tier: Some("青年教师".into()),
                posts: vec!["班主任".into()],
            },
            honours: vec![HonourLine {
                kind: HonourKind::Backbone,
                level: Level::County,
                year: Some(2024),
                subject: Some("语文".into()),
                body: Some("区教育局".into()),
                valid_until: Some(2027),
                status: HonourStatus::Active,
            }],
            records: vec![
                record(
                    EvidenceKind::Class,
                    "2026-10-13",
                    "送教下乡：《找规律》",
                    "county",
                    &[
                        ("class_type", "send_teaching"),
                        ("receiving_school", "山阳镇中心小学"),
                    ],
                    EvidenceStatus::Verified,
                ),
                record(
                    EvidenceKind::Reading,
                    "2026-03-02",
                    "《给教师的建议》",
                    "",
                    &[("author", "苏霍姆林斯基")],
                    EvidenceStatus::Recorded,
                ),
                record(
                    EvidenceKind::Training,
                    "2025-11-20",
                    "国培计划",
                    "national",
                    &[("organiser", "教育部"), ("mode", "online"), ("hours", "24")],
                    EvidenceStatus::Verified,
                ),
                record(
                    EvidenceKind::Observation,
                    "2025-10-09",
                    "《秋天的雨》",
                    "",
                    &[("scores", "目标 18/20")],
                    EvidenceStatus::Rejected,
                ),
            ],
            projects: vec![ProjectLine {
                title: "小学数学“说理课堂”的实践研究".into(),
                level: Level::Municipal,
                role: ProjectRole::Member,
                stage: ProjectStage::Approved,
                stages: vec![
                    (ProjectStage::Applied, day("2025-10-01")),
                    (ProjectStage::Approved, day("2025-12-01")),
                ],
                status: EvidenceStatus::Verified,
            }],
            mentoring: vec![MentoringLine {
                as_mentor: false,
                others: vec!["李秀英".into()],
                subject: "语文".into(),
                starts_on: day("2025-09-01"),
                ends_on: Some(day("2028-08-31")),
                status: PairStatus::Active,
                meetings: 6,
                minutes: 270,
                cycles_done: 1,
            }],
            from: None,
            to: None,
            generated_on: day("2026-11-23"),
        }
    }

    fn tool(name: &str) -> bool {
        Command::new(name).arg("-v").output().is_ok()
    }

    #[test]
    fn every_character_has_a_glyph_in_both_languages() {
        for l in Locale::ALL {
            assert_eq!(missing_glyphs(&sample(), l), Vec::<char>::new(), "{l:?}");
        }
        // A name outside the common set is still covered (the whole CJK block).
        assert!(typeset::missing_glyphs("喆堃昇玥婧").is_empty());
    }

    #[test]
    fn pdf_shows_chinese_text_and_renders() {
        assert!(
            tool("pdftotext") && tool("pdftoppm"),
            "poppler-utils is needed (scripts/test installs it)"
        );
        let dir = tempfile_dir();
        for (l, must) in [
            (
                Locale::ZhCn,
                vec![
                    "教师专业成长报告",
                    "张晓雨",
                    "山阳镇中心小学",
                    "送教下乡",
                    "骨干教师",
                    "已审核",
                ],
            ),
            (
                Locale::En,
                vec![
                    "Teacher growth report",
                    "张晓雨",
                    "Send-teaching",
                    "School year 2026–2027",
                ],
            ),
        ] {
            let pdf = pdf(&sample(), l).expect("pdf");
            assert!(pdf.starts_with(b"%PDF"));
            let path = dir.join(format!("growth-{}.pdf", l.code()));
            std::fs::write(&path, &pdf).unwrap();
            let out = Command::new("pdftotext")
                .args(["-layout"])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            for m in must {
                assert!(text.contains(m), "{l:?}: {m} in {text}");
            }
            // The font is embedded, and the page renders to an image with ink.
            let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
            assert!(String::from_utf8_lossy(&fonts.stdout).contains("NotoSansCJK"));
            let png = dir.join(format!("growth-{}", l.code()));
            let st = Command::new("pdftoppm")
                .args(["-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&path)
                .arg(&png)
                .status()
                .unwrap();
            assert!(st.success());
            let bytes = std::fs::read(png.with_extension("png")).unwrap();
            assert!(bytes.len() > 5_000, "a rendered page, not a blank one");
        }
    }

    #[test]
    fn word_document_carries_text_and_chart() {
        for l in Locale::ALL {
            let bytes = docx(&sample(), l).expect("docx");
            assert!(bytes.starts_with(b"PK"));
            let s = String::from_utf8_lossy(&bytes);
            assert!(s.contains("word/media/"), "the chart picture is in the package");
        }
        let (png, w, h) = chart_png(&sample(), Locale::ZhCn).unwrap();
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']) && w > 100 && h > 20);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("lingyan-growth-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
