//! The status analysis (情况分析) as prose in the seeds' style, as text, and
//! as a Word document — in Chinese or English.

use crate::docx::Document;
use crate::{date, join, t};
use lingyan_domain::status::{Share, StatusAnalysis, YearsBand};
use lingyan_domain::{Employment, HonourKind, Level, Locale};

/// What is being analysed.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    School { name: &'a str, kindergarten: bool },
    District { name: &'a str },
}

impl Subject<'_> {
    fn name(&self) -> &str {
        match self {
            Subject::School { name, .. } | Subject::District { name } => name,
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

fn level(l: Locale, v: Level) -> String {
    t(l, &format!("levels.{}", v.code()), &[])
}

fn kind(l: Locale, k: HonourKind) -> String {
    t(l, &format!("honour_kinds.{}", k.code()), &[])
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
    if male + female > 0 {
        p1.push_str(&t(l, "status.p_gender", &[("m", n(male)), ("f", n(female))]));
    }
    out.push(p1);

    // Backbone teachers by level, then the other honours.
    if a.backbone_by_level.is_empty() {
        out.push(t(l, "status.p_no_backbone", &[]));
    } else {
        let items: Vec<String> = a
            .backbone_by_level
            .iter()
            .map(|(lv, c)| {
                t(
                    l,
                    "status.item_backbone",
                    &[("level", level(l, *lv)), ("n", n(*c))],
                )
            })
            .collect();
        let mut p = t(
            l,
            "status.p_backbone",
            &[
                ("list", join(l, &items)),
                ("total", n(a.backbone_total.count)),
                ("pct", pct(a.backbone_total)),
            ],
        );
        if a.backbone_front_line > 0 {
            p.push_str(&t(
                l,
                "status.p_backbone_front_line",
                &[("n", n(a.backbone_front_line))],
            ));
        }
        let others: Vec<String> = a
            .honours
            .iter()
            .filter(|h| h.kind != HonourKind::Backbone)
            .map(|h| {
                t(
                    l,
                    "status.item_honour",
                    &[
                        ("level", level(l, h.level)),
                        ("kind", kind(l, h.kind)),
                        ("n", n(h.teachers)),
                    ],
                )
            })
            .collect();
        if !others.is_empty() {
            p.push_str(&t(l, "status.p_honours", &[("list", join(l, &others))]));
        }
        out.push(p);
    }

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
pub fn tables(a: &StatusAnalysis, l: Locale) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
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
            format!("{} · {}", level(l, hc.level), kind(l, hc.kind)),
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
    let mut all = tables(a, l);
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
    let mut all = tables(a, l);
    if !schools.is_empty() {
        all.push(school_table(schools, l));
    }
    for (heading, headers, rows) in all {
        d = d.heading(&heading).table(&headers, &rows);
    }
    d.closing(subject.name(), &crate::date(l, a.as_of)).bytes()
}
