//! The status analysis (情况分析) as prose in the seeds' style, as text, and
//! as a Word document — in Chinese or English.

use crate::docx::Document;
use crate::{date, join, t};
use lingyan_domain::status::{Share, StatusAnalysis, YearsBand};
use lingyan_domain::{Employment, HonourKind, Level, Locale};

/// What is being analysed.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A school, with the name of the district it belongs to (which
    /// decides how the county level is called: 区级, 县级 or 松滋市级).
    School {
        name: &'a str,
        kindergarten: bool,
        district: &'a str,
    },
    /// A district, with its own (Chinese) name for the county level's
    /// word.
    District { name: &'a str, district: &'a str },
}

impl Subject<'_> {
    fn name(&self) -> &str {
        match self {
            Subject::School { name, .. } | Subject::District { name, .. } => name,
        }
    }

    /// The name of the district the subject is or belongs to.
    fn district(&self) -> &str {
        match self {
            Subject::School { district, .. } | Subject::District { district, .. } => district,
        }
    }

    /// 全校 / 全园 / 全区
    fn whole(&self, l: Locale) -> String {
        let key = match self {
            Subject::School {
                kindergarten: true, ..
            } => "status.whole_kindergarten",
            Subject::School { .. } => "status.whole_school",
            Subject::District { .. } => "status.whole_district",
        };
        t(l, key, &[])
    }
}

fn n(v: u64) -> String {
    v.to_string()
}

fn pct(s: Share) -> String {
    s.percent().to_string()
}

/// A level's word, the county level as the district's own name says it:
/// 区级 in a 区, 县级 in a 县, "松滋市级" in a county-level city (seed 002);
/// "district" or "county" in English.
pub fn level_word(l: Locale, v: Level, district: &str) -> String {
    if v == Level::County {
        let name = district.trim();
        return match (l, name.chars().last()) {
            (Locale::ZhCn, Some('区')) => "区级".to_string(),
            (Locale::ZhCn, Some('市')) => format!("{name}级"),
            (Locale::En, Some('区')) => t(l, "levels.district", &[]),
            _ => t(l, "levels.county", &[]),
        };
    }
    t(l, &format!("levels.{}", v.code()), &[])
}

fn kind(l: Locale, k: HonourKind) -> String {
    t(l, &format!("honour_kinds.{}", k.code()), &[])
}

/// "3 discipline leaders" in English, the noun as it is in Chinese.
fn kinds(l: Locale, k: HonourKind, count: u64) -> String {
    if count == 1 {
        kind(l, k)
    } else {
        t(l, &format!("honour_kinds.{}_other", k.code()), &[])
    }
}

/// Honours ranked above a backbone title, named before the backbone
/// teachers (seed 002: 首席教师 first); the rest come after them.
fn above_backbone(k: HonourKind) -> bool {
    matches!(
        k,
        HonourKind::SpecialGrade
            | HonourKind::ChiefTeacher
            | HonourKind::FamousTeacher
            | HonourKind::DisciplineLeader
    )
}

/// One sentence for the titles held (seed 000's order): the honours above
/// a backbone title, the backbone teachers by level with their total and
/// share (the total only when there is more than one level), how many of
/// them teach in the front line, then the other honours.
fn honours_paragraph(subject: Subject, a: &StatusAnalysis, l: Locale) -> String {
    let lv = |v: Level| level_word(l, v, subject.district());
    let item = |h: &lingyan_domain::status::HonourCount| {
        t(
            l,
            "status.item_honour",
            &[
                ("level", lv(h.level)),
                ("kind", kinds(l, h.kind, h.teachers)),
                ("n", n(h.teachers)),
            ],
        )
    };
    let higher: Vec<String> = a
        .honours
        .iter()
        .filter(|h| above_backbone(h.kind))
        .map(item)
        .collect();
    let lower: Vec<String> = a
        .honours
        .iter()
        .filter(|h| h.kind != HonourKind::Backbone && !above_backbone(h.kind))
        .map(item)
        .collect();
    let total = a.backbone_total.count;
    let mut parts: Vec<String> = Vec::new();
    if !higher.is_empty() {
        parts.push(join(l, &higher));
    }
    if total > 0 {
        let items: Vec<String> = a
            .backbone_by_level
            .iter()
            .map(|(v, c)| t(l, "status.item_backbone", &[("level", lv(*v)), ("n", n(*c))]))
            .collect();
        let mut b = t(
            l,
            if total == 1 {
                "status.backbone_list_one"
            } else {
                "status.backbone_list"
            },
            &[("items", join(l, &items))],
        );
        if a.backbone_by_level.len() > 1 {
            b.push_str(&t(l, "status.backbone_total", &[("total", n(total))]));
        }
        b.push_str(&t(l, "status.backbone_share", &[("pct", pct(a.backbone_total))]));
        if a.backbone_front_line == total {
            b.push_str(&t(l, "status.backbone_front_all", &[]));
        } else if a.backbone_front_line > 0 {
            b.push_str(&t(
                l,
                "status.backbone_front_some",
                &[("n", n(a.backbone_front_line))],
            ));
        }
        parts.push(b);
    }
    let mut p = String::new();
    if total == 0 {
        p.push_str(&t(l, "status.p_no_backbone", &[]));
    }
    if !parts.is_empty() {
        let first_one = a
            .honours
            .iter()
            .find(|h| above_backbone(h.kind))
            .map(|h| h.teachers)
            .or(a.backbone_by_level.first().map(|(_, c)| *c))
            == Some(1);
        p.push_str(&t(
            l,
            if first_one {
                "status.honours_open_one"
            } else {
                "status.honours_open"
            },
            &[("list", parts.join(&t(l, "status.clause_sep", &[])))],
        ));
    }
    if !lower.is_empty() {
        p.push_str(&t(
            l,
            if parts.is_empty() {
                "status.honours_only"
            } else {
                "status.honours_also"
            },
            &[("list", join(l, &lower))],
        ));
    }
    if !parts.is_empty() || !lower.is_empty() {
        p.push_str(&t(l, "status.sentence_end", &[]));
    }
    p
}

/// The title: 广府实验小学教师队伍情况分析.
pub fn title(subject: Subject, l: Locale) -> String {
    t(l, "status.title", &[("name", subject.name().to_string())])
}

/// The analysis as paragraphs in the seeds' style.
pub fn prose(subject: Subject, a: &StatusAnalysis, l: Locale) -> Vec<String> {
    let mut out = Vec::new();
    let on = a.employment(Employment::OnEstablishment);
    let contract = a.employment(Employment::Contract);
    let mut p1 = t(
        l,
        "status.p_staff",
        &[
            ("date", date(l, a.as_of)),
            ("name", subject.name().to_string()),
            ("staff", n(a.staff)),
            ("on_est", n(on.count)),
            ("on_est_pct", pct(on)),
            ("contract", n(contract.count)),
            ("contract_pct", pct(contract)),
        ],
    );
    let other = a.employment(Employment::Other).count;
    if other > 0 {
        p1.push_str(&t(l, "status.p_staff_other", &[("n", n(other))]));
    }
    let male = a
        .by_gender
        .iter()
        .find(|(g, _)| *g == lingyan_domain::Gender::Male)
        .map(|(_, s)| s.count)
        .unwrap_or(0);
    let female = a
        .by_gender
        .iter()
        .find(|(g, _)| *g == lingyan_domain::Gender::Female)
        .map(|(_, s)| s.count)
        .unwrap_or(0);
    if male > 0 && female > 0 {
        p1.push_str(&t(l, "status.p_gender", &[("m", n(male)), ("f", n(female))]));
    } else if female > 0 {
        p1.push_str(&t(l, "status.p_gender_all_women", &[]));
    } else if male > 0 {
        p1.push_str(&t(l, "status.p_gender_all_men", &[]));
    }
    out.push(p1);

    out.push(honours_paragraph(subject, a, l));

    // Ages.
    let (u30, u35, u40) = (a.under(30), a.under(35), a.under(40));
    let mut p = t(
        l,
        "status.p_age",
        &[
            ("whole", subject.whole(l)),
            ("n30", n(u30.count)),
            ("p30", pct(u30)),
            ("n35", n(u35.count)),
            ("p35", pct(u35)),
            ("n40", n(u40.count)),
            ("p40", pct(u40)),
        ],
    );
    if let Some(avg) = a.average_age {
        p.push_str(&t(l, "status.p_avg_age", &[("avg", format!("{avg:.1}"))]));
    }
    out.push(p);

    // The front line.
    if a.front_line.count > 0 {
        let fo = a.front_line_employment(Employment::OnEstablishment);
        let fc = a.front_line_employment(Employment::Contract);
        let breakdown = if a.front_line_contract_by_post.is_empty() {
            String::new()
        } else {
            let items: Vec<String> = a
                .front_line_contract_by_post
                .iter()
                .map(|(p, c)| {
                    t(
                        l,
                        "status.item_post",
                        &[("post", t(l, &format!("posts.{}", p.code()), &[])), ("n", n(*c))],
                    )
                })
                .collect();
            t(l, "status.front_breakdown", &[("list", join(l, &items))])
        };
        out.push(t(
            l,
            "status.p_front",
            &[
                ("front", n(a.front_line.count)),
                ("on_est", n(fo.count)),
                ("on_est_pct", pct(fo)),
                ("contract", n(fc.count)),
                ("contract_pct", pct(fc)),
                ("breakdown", breakdown),
            ],
        ));
    }

    // Teaching years.
    let band = |b: YearsBand| {
        a.by_years
            .iter()
            .find(|(x, _)| *x == b)
            .map(|(_, s)| *s)
            .unwrap_or(Share::new(0, a.staff))
    };
    let (y1, y2, y3) = (
        band(YearsBand::UpTo5),
        band(YearsBand::From6To15),
        band(YearsBand::Over15),
    );
    out.push(t(
        l,
        "status.p_years",
        &[
            ("n1", n(y1.count)),
            ("p1", pct(y1)),
            ("n2", n(y2.count)),
            ("p2", pct(y2)),
            ("n3", n(y3.count)),
            ("p3", pct(y3)),
        ],
    ));

    // Education and degree match: the degrees inside 本科及以上 in its
    // brackets, the lower ones after it.
    let item = |(e, s): &(lingyan_domain::Education, lingyan_domain::status::Share)| {
        t(
            l,
            "status.item_education",
            &[
                ("education", t(l, &format!("education.{}", e.code()), &[])),
                ("n", n(s.count)),
            ],
        )
    };
    let (higher, lower): (Vec<_>, Vec<_>) = a
        .by_education
        .iter()
        .rev()
        .filter(|(_, s)| s.count > 0)
        .partition(|(e, _)| *e >= lingyan_domain::Education::Bachelor);
    let items: Vec<String> = higher.into_iter().map(item).collect();
    let below: Vec<String> = lower.into_iter().map(item).collect();
    let mut p = t(
        l,
        "status.p_education",
        &[
            ("n", n(a.bachelor_or_above.count)),
            ("pct", pct(a.bachelor_or_above)),
            ("list", join(l, &items)),
        ],
    );
    if !below.is_empty() {
        p.push_str(&t(l, "status.p_education_below", &[("list", join(l, &below))]));
    }
    if a.major_matches.of > 0 {
        // A kindergarten's matching major is preschool education (学前教育).
        let kindergarten = matches!(
            subject,
            Subject::School {
                kindergarten: true,
                ..
            }
        );
        p.push_str(&t(
            l,
            if kindergarten {
                "status.p_major_preschool"
            } else {
                "status.p_major"
            },
            &[
                ("of", n(a.major_matches.of)),
                ("n", n(a.major_matches.count)),
                ("pct", pct(a.major_matches)),
            ],
        ));
    }
    out.push(p);

    // What the registry does not know.
    let mut unknown = Vec::new();
    for (count, key) in [
        (a.age_unknown, "status.unknown_birth"),
        (a.years_unknown, "status.unknown_work_start"),
        (a.education_unknown, "status.unknown_education"),
        (a.employment_unknown, "status.unknown_employment"),
    ] {
        if count > 0 {
            unknown.push(t(l, key, &[("n", n(count))]));
        }
    }
    if !unknown.is_empty() {
        out.push(t(l, "status.p_unknown", &[("list", join(l, &unknown))]));
    }
    out
}

fn share_cell(s: Share) -> String {
    format!("{} / {} ({}%)", s.count, s.of, s.percent())
}

/// The tables under the prose: (heading, column headers, rows).
pub fn tables(
    subject: Subject,
    a: &StatusAnalysis,
    l: Locale,
) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
    let h = |k: &str| t(l, k, &[]);
    let count_share = vec![h("status.col_item"), h("status.col_count"), h("status.col_share")];
    let mut out = Vec::new();

    let mut rows = vec![vec![h("status.row_staff"), n(a.staff), String::new()]];
    for e in Employment::ALL {
        let s = a.employment(*e);
        rows.push(vec![
            t(l, &format!("employment.{}", e.code()), &[]),
            n(s.count),
            share_cell(s),
        ]);
    }
    for (p, s) in &a.by_post {
        rows.push(vec![
            t(l, &format!("posts.{}", p.code()), &[]),
            n(s.count),
            share_cell(*s),
        ]);
    }
    rows.push(vec![
        h("status.row_front_line"),
        n(a.front_line.count),
        share_cell(a.front_line),
    ]);
    out.push((h("status.t_staff"), count_share.clone(), rows));

    let mut rows = Vec::new();
    for hc in &a.honours {
        rows.push(vec![
            format!(
                "{} · {}",
                level_word(l, hc.level, subject.district()),
                kind(l, hc.kind)
            ),
            n(hc.teachers),
            share_cell(Share::new(hc.teachers, a.staff)),
        ]);
    }
    if !rows.is_empty() {
        out.push((h("status.t_honours"), count_share.clone(), rows));
    }

    let mut rows: Vec<Vec<String>> = a
        .under_age
        .iter()
        .map(|(age, s)| {
            vec![
                t(l, "status.row_under", &[("age", age.to_string())]),
                n(s.count),
                share_cell(*s),
            ]
        })
        .collect();
    for (b, s) in &a.by_years {
        rows.push(vec![
            t(l, &format!("status.years_{}", b.code()), &[]),
            n(s.count),
            share_cell(*s),
        ]);
    }
    out.push((h("status.t_age"), count_share.clone(), rows));

    let mut rows: Vec<Vec<String>> = a
        .by_education
        .iter()
        .rev()
        .map(|(e, s)| {
            vec![
                t(l, &format!("education.{}", e.code()), &[]),
                n(s.count),
                share_cell(*s),
            ]
        })
        .collect();
    rows.push(vec![
        h("status.row_bachelor_plus"),
        n(a.bachelor_or_above.count),
        share_cell(a.bachelor_or_above),
    ]);
    if a.major_matches.of > 0 {
        rows.push(vec![
            h("status.row_major"),
            n(a.major_matches.count),
            share_cell(a.major_matches),
        ]);
    }
    out.push((h("status.t_education"), count_share, rows));
    out
}

/// One row per school of a district: staff, backbone teachers, under 35,
/// bachelor or above.
pub fn school_table(
    schools: &[(String, &StatusAnalysis)],
    l: Locale,
) -> (String, Vec<String>, Vec<Vec<String>>) {
    let h = |k: &str| t(l, k, &[]);
    let headers = vec![
        h("fields.school"),
        h("status.row_staff"),
        h("status.col_backbone"),
        h("status.col_under35"),
        h("status.row_bachelor_plus"),
    ];
    let rows = schools
        .iter()
        .map(|(name, a)| {
            vec![
                name.clone(),
                n(a.staff),
                share_cell(a.backbone_total),
                share_cell(a.under(35)),
                share_cell(a.bachelor_or_above),
            ]
        })
        .collect();
    (h("status.t_schools"), headers, rows)
}

/// Plain text: title, prose, tables.
pub fn text(
    subject: Subject,
    a: &StatusAnalysis,
    schools: &[(String, &StatusAnalysis)],
    l: Locale,
) -> String {
    let mut s = format!("{}\n\n", title(subject, l));
    for p in prose(subject, a, l) {
        s.push_str(&p);
        s.push_str("\n\n");
    }
    let mut all = tables(subject, a, l);
    if !schools.is_empty() {
        all.push(school_table(schools, l));
    }
    for (heading, headers, rows) in all {
        s.push_str(&format!("{heading}\n  {}\n", headers.join(" | ")));
        for r in rows {
            s.push_str(&format!("  {}\n", r.join(" | ")));
        }
        s.push('\n');
    }
    s
}

/// A Word document of the analysis.
pub fn docx(
    subject: Subject,
    a: &StatusAnalysis,
    schools: &[(String, &StatusAnalysis)],
    l: Locale,
) -> Result<Vec<u8>, crate::Error> {
    // The tables' headings carry their own numbers (一、 / 1.).
    let mut d = Document::new()
        .properties(crate::docx::Properties {
            title: title(subject, l),
            author: subject.name().to_string(),
            date: a.as_of.to_string(),
            language: l.code().to_string(),
        })
        .title(&title(subject, l));
    d = d.note(&t(l, "status.as_of", &[("date", date(l, a.as_of))]));
    for p in prose(subject, a, l) {
        d = d.paragraph(&p);
    }
    let mut all = tables(subject, a, l);
    if !schools.is_empty() {
        all.push(school_table(schools, l));
    }
    for (heading, headers, rows) in all {
        d = d.heading(&heading).table(&headers, &rows);
    }
    d.closing(subject.name(), &crate::date(l, a.as_of)).bytes()
}

const PDF: &str = include_str!("../templates/status.typ");

/// The analysis as a PDF in the house style of official documents: a serif
/// face for the title and text, the sans face for headings and tables,
/// numbers right-aligned, the closing name and date.
pub fn pdf(
    subject: Subject,
    a: &StatusAnalysis,
    schools: &[(String, &StatusAnalysis)],
    l: Locale,
) -> Result<Vec<u8>, crate::Error> {
    let mut all = tables(subject, a, l);
    if !schools.is_empty() {
        all.push(school_table(schools, l));
    }
    let tables: Vec<serde_json::Value> = all
        .into_iter()
        .map(|(heading, headers, rows)| {
            // A column is right-aligned when every cell below its header is
            // a number or a share.
            let right: Vec<bool> = (0..headers.len())
                .map(|c| {
                    !rows.is_empty()
                        && rows.iter().all(|r| {
                            r.get(c)
                                .is_none_or(|s| s.trim().is_empty() || crate::docx::is_number(s))
                        })
                })
                .collect();
            serde_json::json!({"heading": heading, "headers": headers, "rows": rows, "right": right})
        })
        .collect();
    let data = serde_json::json!({
        "lang": if l == Locale::ZhCn { "zh" } else { "en" },
        "title": title(subject, l),
        "author": subject.name(),
        "note": t(l, "status.as_of", &[("date", date(l, a.as_of))]),
        "paragraphs": prose(subject, a, l),
        "tables": tables,
        "closing_name": subject.name(),
        "closing_date": crate::date(l, a.as_of),
    });
    crate::typeset::pdf(PDF, &data, a.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_level_is_named_as_the_district_names_itself() {
        let zh = |d| level_word(Locale::ZhCn, Level::County, d);
        assert_eq!(zh("广府区"), "区级");
        assert_eq!(zh("秭归县"), "县级");
        // A county-level city (seed 002: 松滋市级学前教育首席教师).
        assert_eq!(zh("松滋市"), "松滋市级");
        assert_eq!(zh(""), "县级");
        assert_eq!(level_word(Locale::ZhCn, Level::Municipal, "松滋市"), "市级");
        assert_eq!(level_word(Locale::En, Level::County, "广府区"), "district");
        assert_eq!(level_word(Locale::En, Level::County, "秭归县"), "county");
    }
}
