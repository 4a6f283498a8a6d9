//! Importing portfolio records that schools kept in Excel (papers, awards,
//! classes …): one kind per sheet (the sheet named after the kind) or a
//! `kind` column; headers in Chinese or English in any order; owners by
//! staff number or name. All rows or none: any problem names the sheet,
//! row and column, and nothing is written. Rows already in the portfolio
//! (same teacher, kind, date and title) are skipped, so a file can be
//! imported again.

use crate::entity::{evidence, school, teacher};
use crate::roster::{CancelOnDrop, ReadLimits, read_sheets};
use crate::{Error, Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::{Capability, EvidenceInput, EvidenceKind, FieldError, Tenant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One problem, located.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    /// The sheet's name ("" for a CSV file).
    pub sheet: String,
    /// Row number as the spreadsheet shows it (from 1).
    pub row: usize,
    /// The column's header as written in the file; when the file has no
    /// such column, the field's code (see `column_is_field`).
    pub column: String,
    /// `column` is a field code (`venue` …) to translate, not a header.
    pub column_is_field: bool,
    #[serde(skip)]
    pub error: FieldError,
    pub code: &'static str,
}

/// What an import did or would do.
#[derive(Debug, Clone, Serialize, Default)]
pub struct EvidenceImportReport {
    pub filename: String,
    /// Data rows read.
    pub rows: usize,
    /// Records written (or that would be, on a dry run).
    pub added: usize,
    /// Rows already in a portfolio, left alone.
    pub skipped: usize,
    /// Added records by kind code.
    pub by_kind: BTreeMap<String, usize>,
    /// Every problem; any at all means nothing was written.
    pub errors: Vec<Issue>,
    /// Headers not recognised (their columns were ignored), as "sheet: header".
    pub unknown_columns: Vec<String>,
    #[serde(skip)]
    pub file_error: Option<FieldError>,
    pub file_error_code: Option<&'static str>,
    pub dry_run: bool,
}

impl EvidenceImportReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.file_error.is_none()
    }
}

/// What a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    StaffNo,
    Name,
    Kind,
    Date,
    Title,
    Level,
    Text,
    /// A kind's own field (its name; several kinds may share a header).
    Detail(&'static [&'static str]),
}

/// Headers as schools write them, Chinese and English, for each column.
const HEADERS: &[(&[&str], Col)] = &[
    (
        &["工号", "教师工号", "staff_no", "staff no", "staff number"],
        Col::StaffNo,
    ),
    (&["姓名", "教师姓名", "教师", "name", "teacher"], Col::Name),
    (&["类别", "类型", "记录类别", "kind", "type"], Col::Kind),
    (
        &["日期", "时间", "发表时间", "获奖时间", "开课时间", "date"],
        Col::Date,
    ),
    (
        &[
            "标题",
            "题目",
            "名称",
            "课题",
            "课名",
            "书名",
            "论文题目",
            "讲座主题",
            "主题",
            "比赛名称",
            "奖项",
            "项目",
            "title",
            "topic",
            "book",
        ],
        Col::Title,
    ),
    (&["级别", "等级", "level"], Col::Level),
    (
        &[
            "内容",
            "备注",
            "说明",
            "心得",
            "评课意见",
            "text",
            "note",
            "notes",
            "comments",
        ],
        Col::Text,
    ),
    (
        &["课型", "class_type", "class type"],
        Col::Detail(&["class_type"]),
    ),
    (
        &["受援学校", "送教学校", "receiving_school", "receiving school"],
        Col::Detail(&["receiving_school"]),
    ),
    (
        &["刊物", "发表刊物", "刊物名称", "venue", "journal"],
        Col::Detail(&["venue"]),
    ),
    (&["发表情况", "publication"], Col::Detail(&["publication"])),
    (
        &["获奖级别", "award_level", "award level"],
        Col::Detail(&["award_level"]),
    ),
    (
        &["获奖等次", "等次", "名次", "奖次", "rank", "grade", "award_grade"],
        Col::Detail(&["award_grade", "rank"]),
    ),
    (
        &["主办单位", "举办单位", "组织单位", "organiser", "organizer"],
        Col::Detail(&["organiser"]),
    ),
    (
        &["面向对象", "对象", "听众", "audience"],
        Col::Detail(&["audience"]),
    ),
    (&["作者", "author"], Col::Detail(&["author"])),
    (
        &["文稿类型", "writing_type", "writing type"],
        Col::Detail(&["writing_type"]),
    ),
    (&["培训形式", "形式", "mode"], Col::Detail(&["mode"])),
    (&["学时", "hours"], Col::Detail(&["hours"])),
    (
        &["证书", "证书编号", "certificate"],
        Col::Detail(&["certificate"]),
    ),
    (
        &["地点", "学习地点", "目的地", "destination"],
        Col::Detail(&["destination"]),
    ),
    (&["天数", "days"], Col::Detail(&["days"])),
    (&["费用", "cost"], Col::Detail(&["cost"])),
    (
        &["规划类型", "plan_type", "plan type"],
        Col::Detail(&["plan_type"]),
    ),
    (&["截止", "规划截止", "until"], Col::Detail(&["until"])),
    (
        &[
            "执教教师",
            "执教者",
            "授课教师",
            "被听课教师",
            "observed_teacher",
            "observed teacher",
        ],
        Col::Detail(&["observed_teacher"]),
    ),
    (&["班级", "class", "class_name"], Col::Detail(&["class_name"])),
    (&["学科", "subject"], Col::Detail(&["subject"])),
    (&["评分", "scores"], Col::Detail(&["scores"])),
    (&["随堂听课", "inspection"], Col::Detail(&["inspection"])),
    (&["反馈", "反馈意见", "feedback"], Col::Detail(&["feedback"])),
];

fn column_for(header: &str) -> Option<Col> {
    let h = header.trim().trim_end_matches(['*', '＊']).trim();
    let lower = h.to_lowercase();
    // "中文 / English" headers (as templates write them): either half.
    let halves: Vec<String> = h.split('/').map(|x| x.trim().to_lowercase()).collect();
    HEADERS.iter().find_map(|(names, col)| {
        names
            .iter()
            .any(|n| *n == h || *n == lower || halves.iter().any(|x| x == n))
            .then_some(*col)
    })
}

/// The header row of a sheet: the first of its first ten rows that names a
/// date and a title.
fn header_row(rows: &[Vec<String>]) -> Option<usize> {
    rows.iter().take(10).position(|r| {
        let cols: Vec<Col> = r.iter().filter_map(|c| column_for(c)).collect();
        cols.contains(&Col::Date) && cols.contains(&Col::Title)
    })
}

struct Parsed {
    owner: i64,
    co_owners: Vec<i64>,
    input: EvidenceInput,
}

/// Checks (and unless `dry_run`, writes) an evidence file for a school.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    max_bytes: usize,
    today: NaiveDate,
) -> Result<EvidenceImportReport> {
    let s = school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    scope.require(Capability::ManageTeachers, Tenant::school(s.district_id, s.id))?;
    let mut report = EvidenceImportReport {
        filename: filename.to_string(),
        dry_run,
        ..Default::default()
    };
    let fail = |mut r: EvidenceImportReport, e: FieldError| {
        r.file_error_code = Some(e.code);
        r.file_error = Some(e);
        Ok(r)
    };
    if bytes.len() > max_bytes {
        return fail(
            report,
            FieldError::new("file", "file_too_large")
                .with("max", format!("{} MB", max_bytes / (1024 * 1024))),
        );
    }
    // Read on a blocking thread, within limits; stopped if this future is
    // dropped (the request timed out or was closed).
    let stop = CancelOnDrop::new();
    let limits = ReadLimits {
        cancel: Some(stop.0.clone()),
        ..ReadLimits::default()
    };
    let owned = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || read_sheets(&owned, &limits))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    drop(stop);
    let sheets = match read {
        Ok(s) => s,
        Err(e) => return fail(report, e.field_error()),
    };
    // Teachers of the school by staff number and by name.
    let staff = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .all(store.conn())
        .await?;
    let by_no: HashMap<&str, i64> = staff
        .iter()
        .filter_map(|t| t.staff_no.as_deref().map(|n| (n, t.id)))
        .collect();
    let mut by_name: HashMap<&str, Vec<i64>> = HashMap::new();
    for t in &staff {
        by_name.entry(t.name.as_str()).or_default().push(t.id);
    }
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut any_header = false;
    for (sheet, rows) in &sheets {
        let Some(h) = header_row(rows) else {
            continue;
        };
        any_header = true;
        let headers = &rows[h];
        let cols: Vec<Option<Col>> = headers.iter().map(|c| column_for(c)).collect();
        for (i, c) in cols.iter().enumerate() {
            if c.is_none() && !headers[i].trim().is_empty() {
                report.unknown_columns.push(if sheet.is_empty() {
                    headers[i].trim().to_string()
                } else {
                    format!("{sheet}: {}", headers[i].trim())
                });
            }
        }
        let sheet_kind = EvidenceKind::parse("kind", sheet).ok();
        for (j, row) in rows.iter().enumerate().skip(h + 1) {
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            report.rows += 1;
            let line = j + 1;
            let mut issue = |column: &str, error: FieldError| {
                let column_is_field = !headers.iter().any(|h| h == column);
                report.errors.push(Issue {
                    sheet: sheet.clone(),
                    row: line,
                    column: column.to_string(),
                    column_is_field,
                    code: error.code,
                    error,
                });
            };
            let cell = |c: Col| -> Option<(usize, &str)> {
                cols.iter()
                    .position(|x| *x == Some(c))
                    .map(|i| (i, row.get(i).map(|s| s.trim()).unwrap_or("")))
            };
            let kind = match cell(Col::Kind).filter(|(_, v)| !v.is_empty()) {
                Some((i, v)) => match EvidenceKind::parse("kind", v) {
                    Ok(k) => Some(k),
                    Err(e) => {
                        issue(&headers[i], e);
                        None
                    }
                },
                None => match sheet_kind {
                    Some(k) => Some(k),
                    None => {
                        issue(
                            "kind",
                            FieldError::new("kind", "kind_unknown_for_sheet").with("value", sheet),
                        );
                        None
                    }
                },
            };
            // The owner: staff number first, else a name unique in the school.
            let owner = match (
                cell(Col::StaffNo).filter(|(_, v)| !v.is_empty()),
                cell(Col::Name).filter(|(_, v)| !v.is_empty()),
            ) {
                (Some((i, no)), _) => match by_no.get(no) {
                    Some(id) => Some(*id),
                    None => {
                        issue(
                            &headers[i],
                            FieldError::new("staff_no", "no_such_staff_no").with("value", no),
                        );
                        None
                    }
                },
                (None, Some((i, name))) => match by_name.get(name).map(Vec::as_slice) {
                    Some([id]) => Some(*id),
                    Some(_) => {
                        issue(
                            &headers[i],
                            FieldError::new("name", "ambiguous_name").with("value", name),
                        );
                        None
                    }
                    None => {
                        issue(
                            &headers[i],
                            FieldError::new("name", "no_such_teacher").with("value", name),
                        );
                        None
                    }
                },
                (None, None) => {
                    issue("staff_no", FieldError::new("staff_no", "owner_required"));
                    None
                }
            };
            let Some(kind) = kind else { continue };
            let mut input = EvidenceInput {
                kind,
                ..Default::default()
            };
            let mut header_of: HashMap<&'static str, String> = HashMap::new();
            for (i, c) in cols.iter().enumerate() {
                let v = row.get(i).map(|s| s.trim()).unwrap_or("");
                match c {
                    Some(Col::Date) => input.date = v.to_string(),
                    Some(Col::Title) => input.title = v.to_string(),
                    Some(Col::Level) => input.level = v.to_string(),
                    Some(Col::Text) => input.text = v.to_string(),
                    Some(Col::Detail(names)) => {
                        // The field of this kind the header stands for.
                        if let Some(f) = kind.fields().iter().find(|f| names.contains(&f.name)) {
                            if !v.is_empty() {
                                input.details.insert(f.name.to_string(), v.to_string());
                            }
                            header_of.insert(f.name, headers[i].clone());
                        }
                    }
                    _ => {}
                }
            }
            // Name an observed colleague by staff number or name.
            if let Some(v) = input.details.get("observed_teacher").cloned() {
                if let Some(id) = by_no.get(v.as_str()) {
                    input.details.insert("observed_teacher".into(), format!("#{id}"));
                } else if let Some([id]) = by_name.get(v.as_str()).map(Vec::as_slice) {
                    input.details.insert("observed_teacher".into(), format!("#{id}"));
                }
            }
            let level_use = kind.level_use();
            if level_use == lingyan_domain::evidence::LevelUse::None {
                input.level.clear();
            }
            match input.parse() {
                Ok(_) => {
                    if let Some(owner) = owner {
                        parsed.push(Parsed {
                            owner,
                            co_owners: Vec::new(),
                            input,
                        });
                    }
                }
                Err(errs) => {
                    for e in errs {
                        let column = header_of
                            .get(e.field)
                            .cloned()
                            .or_else(|| {
                                let col = match e.field {
                                    "date" => Some(Col::Date),
                                    "level" => Some(Col::Level),
                                    f if f == kind.title_field() => Some(Col::Title),
                                    f if f == kind.text_field() => Some(Col::Text),
                                    _ => None,
                                }?;
                                cell(col).map(|(i, _)| headers[i].clone())
                            })
                            .unwrap_or_else(|| e.field.to_string());
                        issue(&column, e);
                    }
                }
            }
        }
    }
    if !any_header {
        return fail(report, FieldError::new("file", "no_evidence_header"));
    }
    if report.rows == 0 {
        return fail(report, FieldError::new("file", "empty_sheet"));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    // Write everything in one transaction (or, on a dry run, only count).
    let txn = store.begin().await?;
    for p in &parsed {
        let draft = p.input.parse().map_err(Error::InvalidAll)?;
        let exists = evidence::Entity::find()
            .filter(evidence::Column::OwnerTeacherId.eq(p.owner))
            .filter(evidence::Column::Kind.eq(p.input.kind.code()))
            .filter(evidence::Column::OccurredOn.eq(draft.occurred_on))
            .filter(evidence::Column::Title.eq(draft.title.as_str()))
            .count(&txn)
            .await?
            > 0;
        if exists {
            report.skipped += 1;
            continue;
        }
        if !dry_run {
            crate::evidence::create_in(&txn, scope, p.owner, &p.input, &p.co_owners, today).await?;
        }
        report.added += 1;
        *report.by_kind.entry(p.input.kind.code().to_string()).or_default() += 1;
    }
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
        if report.added > 1000 {
            store.checkpoint().await;
        }
    }
    Ok(report)
}

/// The sheets of the import template: one per kind, named after it, with
/// the headers the importer reads (Chinese).
pub fn template_sheets() -> Vec<(String, Vec<String>)> {
    let first = |c: Col| -> String {
        HEADERS
            .iter()
            .find(|(_, col)| *col == c)
            .map(|(names, _)| names[0].to_string())
            .unwrap_or_default()
    };
    EvidenceKind::ALL
        .iter()
        .map(|k| {
            let mut h = vec![
                first(Col::StaffNo),
                first(Col::Name),
                first(Col::Date),
                first(Col::Title),
            ];
            if k.level_use() != lingyan_domain::evidence::LevelUse::None {
                h.push(first(Col::Level));
            }
            for f in k.fields() {
                if let Some((names, _)) = HEADERS
                    .iter()
                    .find(|(_, col)| matches!(col, Col::Detail(ns) if ns.contains(&f.name)))
                {
                    h.push(names[0].to_string());
                }
            }
            h.push(first(Col::Text));
            (k.zh().to_string(), h)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_headers_read_back() {
        for (sheet, headers) in template_sheets() {
            assert!(EvidenceKind::parse("kind", &sheet).is_ok(), "{sheet}");
            for h in &headers {
                assert!(column_for(h).is_some(), "{sheet}: {h}");
            }
            let rows = vec![headers.clone()];
            assert_eq!(header_row(&rows), Some(0));
        }
    }
}
