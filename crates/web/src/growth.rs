//! The growth report for one teacher, made from the store's portfolio and
//! laid out by `lingyan-reports` — shared by the page's download button,
//! the API and `lingyan report teacher`.

use chrono::NaiveDate;
use lingyan_domain::{Locale, ProjectRole};
use lingyan_reports::growth::{GrowthReport, HonourLine, Profile, ProjectLine, Record};
use lingyan_store::{Error, Scope, Store};

/// PDF or Word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn parse(s: &str) -> Result<Self, lingyan_domain::FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "pdf" => Ok(Format::Pdf),
            "docx" | "word" => Ok(Format::Docx),
            _ => Err(lingyan_domain::FieldError::new("format", "unknown_format").with("value", s.trim())),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// A made report: its bytes and a file name.
pub struct Made {
    pub bytes: Vec<u8>,
    pub filename: String,
}

/// Makes the growth report of a teacher whose portfolio the caller sees.
#[allow(clippy::too_many_arguments)]
pub async fn make(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    locale: Locale,
    format: Format,
    today: NaiveDate,
) -> Result<Made, Error> {
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(lingyan_domain::FieldError::new("to", "before_start").into());
    }
    let g = lingyan_store::growth::load(store, scope, teacher_id, from, to, today).await?;
    let t = &g.teacher;
    let tr = crate::i18n::Tr(locale);
    let report = GrowthReport {
        profile: Profile {
            name: t.fields.name.clone(),
            school: tr.name(&t.school_name, &t.school_name_en).to_string(),
            staff_no: t.fields.staff_no.clone(),
            gender: t.fields.gender,
            birth_date: t.fields.birth_date,
            work_start: t.fields.work_start,
            // 教龄 as of the report period's end, not as of today.
            teaching_years: t
                .fields
                .work_start
                .map(|w| lingyan_domain::dates::whole_years(w, to.unwrap_or(today).min(today)).max(0)),
            subjects: t.fields.subjects.clone(),
            education: t.fields.education,
            title: t.fields.title.clone(),
            tier: Some(tr.tier_name(&t.tier)).filter(|s| !s.is_empty()),
            posts: t.fields.posts.clone(),
        },
        honours: t
            .honours
            .iter()
            .map(|h| HonourLine {
                kind: h.kind,
                level: h.level,
                year: h.granted_year,
                subject: h.subject.clone(),
                body: h.granting_body.clone(),
                valid_until: h.valid_until_year,
                status: h.status,
            })
            .collect(),
        records: g
            .records
            .into_iter()
            .map(|(e, observed_name)| Record {
                date: e.occurred_on,
                school_year: e.semester.year,
                title: e.title,
                level: e.level,
                status: e.status,
                details: e.details,
                observed_name,
            })
            .collect(),
        mentoring: g
            .mentoring
            .into_iter()
            .map(|h| lingyan_reports::growth::MentoringLine {
                others: if h.as_mentor {
                    h.pair.apprentices.iter().map(|a| a.name.clone()).collect()
                } else {
                    vec![h.pair.mentor.name.clone()]
                },
                as_mentor: h.as_mentor,
                subject: h.pair.subject,
                starts_on: h.pair.starts_on,
                ends_on: h.pair.ended_on.or(h.pair.ends_on),
                status: h.pair.status,
                meetings: h.meetings,
                minutes: h.minutes,
                cycles_done: h.cycles_done,
            })
            .collect(),
        projects: g
            .projects
            .into_iter()
            .map(|p| ProjectLine {
                role: p
                    .members
                    .iter()
                    .find(|m| m.teacher_id == teacher_id)
                    .map(|m| m.role)
                    .unwrap_or(ProjectRole::Member),
                stages: p.stages.iter().map(|s| (s.stage, s.on_date)).collect(),
                title: p.title,
                level: p.level,
                stage: p.stage,
                status: p.status,
            })
            .collect(),
        from,
        to,
        generated_on: today,
    };
    // Typesetting takes a moment of CPU; keep it off the async workers.
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Pdf => lingyan_reports::growth::pdf(&report, locale),
        Format::Docx => lingyan_reports::growth::docx(&report, locale),
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
    .map_err(|e| Error::Internal(e.to_string()))?;
    let stem = match locale {
        Locale::ZhCn => format!("成长报告-{}", t.fields.name),
        Locale::En => format!("growth-report-{}", t.fields.name),
    };
    Ok(Made {
        bytes,
        filename: format!("{stem}.{}", format.extension()),
    })
}
