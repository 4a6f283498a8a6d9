//! Loading and handing up records in the national system's domestic-training
//! format (国内培训): what teachers earned on outside platforms comes in
//! all or nothing, every problem named by row and column; a training
//! already in a teacher's ledger is recognised and not added twice; and a
//! district's records of a year go out in the same columns, so exporting
//! and importing again changes nothing.

use super::rules_for;
use crate::audit::{self, Change};
use crate::entity::{credit_entry, teacher};
use crate::roster::{RowIssue, read_upload};
use crate::rule_sets::{self, Place};
use crate::{Result, Scope, Store, bulk};
use chrono::{NaiveDate, Utc};
use lingyan_domain::FieldError;
use lingyan_domain::Tenant;
use lingyan_domain::credits::national::{HEADERS, RawRecord, Record, level_code};
use lingyan_domain::credits::{Earning, What};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// What an import found and did.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NationalReport {
    pub filename: String,
    /// The row holding the headers (from 1).
    pub header_row: usize,
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    /// Records added (or, in a dry run, that would be).
    pub added: usize,
    /// Records already in the teachers' ledgers (not added again).
    pub already: usize,
    /// Every problem; any at all means nothing was written.
    pub errors: Vec<RowIssue>,
    /// A problem with the whole file.
    #[serde(skip)]
    pub file_error: Option<FieldError>,
    pub file_error_code: Option<&'static str>,
    pub dry_run: bool,
    pub written: bool,
}

/// The column a field is read from, as the file names it.
fn header_of(field: &str) -> &'static str {
    match field {
        "training_year" => "培训年度",
        "training_category" => "培训类别",
        "training_title" => "培训项目名称",
        "training_organiser" => "培训机构名称",
        "training_mode" => "培训方式",
        "training_hours" => "培训获得学时",
        "training_credits" => "培训获得学分",
        "start_date" => "培训开始日期",
        "end_date" => "培训结束日期",
        "id_number" => "身份证号",
        "name" => "姓名",
        _ => "工号",
    }
}

/// Who a row names, among a district's teachers.
pub(crate) struct Registry {
    by_staff_no: HashMap<String, (i64, i64)>,
    by_name: HashMap<String, Vec<(i64, i64)>>,
}

impl Registry {
    pub(crate) async fn load(store: &Store, district_id: i64) -> Result<Self> {
        let rows: Vec<(i64, i64, Option<String>, String)> = teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .column(teacher::Column::SchoolId)
            .column(teacher::Column::StaffNo)
            .column(teacher::Column::Name)
            .filter(teacher::Column::DistrictId.eq(district_id))
            .into_tuple()
            .all(store.conn())
            .await?;
        let mut by_staff_no = HashMap::new();
        let mut by_name: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for (id, school, staff_no, name) in rows {
            if let Some(n) = staff_no {
                by_staff_no.insert(n, (id, school));
            }
            by_name.entry(name).or_default().push((id, school));
        }
        Ok(Self { by_staff_no, by_name })
    }

    /// The teacher (and their school) a row names: by staff number, else
    /// by a name only one teacher of the district has.
    pub(crate) fn find(
        &self,
        staff_no: &str,
        id_number: &str,
        name: &str,
    ) -> std::result::Result<(i64, i64), FieldError> {
        let (staff_no, id_number, name) = (staff_no.trim(), id_number.trim(), name.trim());
        if !staff_no.is_empty() {
            return self
                .by_staff_no
                .get(staff_no)
                .copied()
                .ok_or_else(|| FieldError::new("staff_no", "unknown_staff_no").with("value", staff_no));
        }
        if !name.is_empty() {
            return match self.by_name.get(name).map(Vec::as_slice) {
                Some([one]) => Ok(*one),
                Some([_, ..]) => Err(FieldError::new("name", "ambiguous_name").with("value", name)),
                _ => Err(FieldError::new("name", "unknown_teacher_name").with("value", name)),
            };
        }
        if !id_number.is_empty() {
            // The registry keeps no ID numbers: a row must also give the
            // staff number or the name.
            return Err(FieldError::new("id_number", "id_number_not_kept"));
        }
        Err(FieldError::new("staff_no", "teacher_not_named"))
    }
}

/// The national column a header names: its own name, or one of the names
/// outside platforms and district sheets use for it (a required-field
/// star and spaces ignored); anything else as it is.
pub fn canonical(header: &str) -> &str {
    let h = header.trim().trim_start_matches('*').trim_end_matches('*').trim();
    match h {
        "教师工号" | "职工号" | "教工号" => "工号",
        "身份证件号" | "身份证号码" | "证件号码" => "身份证号",
        "教师姓名" | "学员姓名" => "姓名",
        "年度" => "培训年度",
        "类别" | "培训级别" | "级别" => "培训类别",
        "项目名称" | "培训名称" | "培训项目" | "课程名称" => "培训项目名称",
        "培训机构" | "主办单位" | "承办单位" => "培训机构名称",
        "方式" | "培训形式" => "培训方式",
        "学时" | "获得学时" => "培训获得学时",
        "学分" | "获得学分" => "培训获得学分",
        "开始日期" | "开始时间" => "培训开始日期",
        "结束日期" | "结束时间" => "培训结束日期",
        _ => h,
    }
}

/// Loads a national-format file (.xlsx, .xls or .csv) into the ledgers of
/// a district's teachers: every row checked first, nothing written unless
/// all are right; a training already in a teacher's ledger (by its first
/// day and title) is counted and skipped, a row repeating another row of
/// the file is an error. District administrators only.
#[allow(clippy::too_many_arguments)]
pub async fn import_national(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    max_bytes: usize,
    today: NaiveDate,
) -> Result<NationalReport> {
    rule_sets::check(store.conn(), scope, Place::district(district_id), true).await?;
    let mut report = NationalReport {
        filename: filename.to_string(),
        dry_run,
        ..Default::default()
    };
    let fail = |mut report: NationalReport, e: FieldError| {
        report.file_error_code = Some(e.code);
        report.file_error = Some(e);
        Ok(report)
    };
    let grid = match read_upload(bytes, max_bytes) {
        Ok(g) => g,
        Err(e) => return fail(report, e),
    };
    // The header row: the first of the first ten that names the record's
    // columns, by their national names or the names outside platforms and
    // district sheets give them (a mapped CSV).
    let Some(header_at) = grid.iter().take(10).position(|r| {
        r.iter().any(|c| canonical(c) == "培训年度") && r.iter().any(|c| canonical(c) == "培训项目名称")
    }) else {
        return fail(report, FieldError::new("file", "no_national_header"));
    };
    report.header_row = header_at + 1;
    let header: Vec<&str> = grid[header_at].iter().map(|c| canonical(c)).collect();
    let col: HashMap<&str, usize> = HEADERS
        .iter()
        .filter_map(|h| header.iter().position(|c| c == h).map(|i| (*h, i)))
        .collect();
    let missing: Vec<&str> = HEADERS[3..]
        .iter()
        .filter(|h| !col.contains_key(*h))
        .copied()
        .collect();
    if !missing.is_empty() || !HEADERS[..3].iter().any(|h| col.contains_key(h)) {
        let mut all = missing;
        if !HEADERS[..3].iter().any(|h| col.contains_key(h)) {
            all.insert(0, "工号 / 身份证号 / 姓名");
        }
        return fail(
            report,
            FieldError::new("file", "missing_columns").with("value", all.join("、")),
        );
    }
    let cell = |row: &[String], h: &str| -> String {
        col.get(h)
            .and_then(|i| row.get(*i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };

    let registry = Registry::load(store, district_id).await?;
    // The requirement of each year the file names, read once.
    let mut rules_of: HashMap<i32, lingyan_domain::credits::CreditRules> = HashMap::new();
    let existing: HashSet<(i64, String)> = credit_entry::Entity::find()
        .select_only()
        .column(credit_entry::Column::TeacherId)
        .column(credit_entry::Column::DedupKey)
        .filter(credit_entry::Column::DistrictId.eq(district_id))
        .into_tuple::<(i64, String)>()
        .all(store.conn())
        .await?
        .into_iter()
        .collect();
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    let mut new: Vec<(i64, i64, Record, String)> = Vec::new();
    for (i, row) in grid.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let line = i + 1;
        report.rows += 1;
        let mut issue = |e: FieldError| {
            report.errors.push(RowIssue {
                row: line,
                column: header_of(e.field).to_string(),
                code: e.code,
                error: e,
            })
        };
        let who = registry.find(&cell(row, "工号"), &cell(row, "身份证号"), &cell(row, "姓名"));
        let (year, category, title, organiser, mode, hours, credits, start, end) = (
            cell(row, "培训年度"),
            cell(row, "培训类别"),
            cell(row, "培训项目名称"),
            cell(row, "培训机构名称"),
            cell(row, "培训方式"),
            cell(row, "培训获得学时"),
            cell(row, "培训获得学分"),
            cell(row, "培训开始日期"),
            cell(row, "培训结束日期"),
        );
        let raw = RawRecord {
            year: &year,
            category: &category,
            title: &title,
            organiser: &organiser,
            mode: &mode,
            hours: &hours,
            credits: &credits,
            start: &start,
            end: &end,
        };
        let record = raw.parse(today);
        if let Err(e) = &who {
            issue(e.clone());
        }
        let record = match record {
            Ok(r) => r,
            Err(errs) => {
                errs.into_iter().for_each(&mut issue);
                continue;
            }
        };
        // The dates must fall in the cycle the record's year belongs to.
        if let std::collections::hash_map::Entry::Vacant(v) = rules_of.entry(record.year) {
            v.insert(rules_for(store.conn(), district_id, None, record.year).await?.set);
        }
        let rules = &rules_of[&record.year];
        if rules.is_set() {
            let cycle = rules.cycle_of(record.year);
            if !cycle.contains(record.start) || !cycle.contains(record.end) {
                issue(
                    FieldError::new("start_date", "outside_cycle")
                        .with("value", record.start)
                        .with("cycle", cycle.label()),
                );
                continue;
            }
        }
        let Ok((teacher_id, school_id)) = who else {
            continue;
        };
        let key = record.dedup_key();
        if existing.contains(&(teacher_id, key.clone())) {
            report.already += 1;
            continue;
        }
        if let Some(first) = seen.insert((teacher_id, key.clone()), line) {
            issue(FieldError::new("training_title", "repeats_row").with("row", first));
            continue;
        }
        new.push((teacher_id, school_id, record, key));
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    report.added = new.len();
    if dry_run || new.is_empty() {
        return Ok(report);
    }
    let now = Utc::now();
    let by = scope.user_id();
    let source_ref = filename.to_string();
    let rows: Vec<Vec<Value>> = new
        .iter()
        .map(|(teacher_id, school_id, r, key)| {
            vec![
                district_id.into(),
                (*school_id).into(),
                (*teacher_id).into(),
                "import".into(),
                Some(source_ref.clone()).into(),
                r.start.into(),
                r.end.into(),
                r.year.into(),
                r.title.clone().into(),
                r.organiser.clone().into(),
                What::Earning(Earning::OutsideTraining).code().into(),
                r.form.code().into(),
                Option::<String>::None.into(),
                r.level.map(|l| l.code().to_string()).into(),
                r.hours.in_hundredths().into(),
                Some(r.credits.in_hundredths()).into(),
                Option::<String>::None.into(),
                false.into(),
                Option::<String>::None.into(),
                key.clone().into(),
                now.into(),
                by.into(),
            ]
        })
        .collect();
    let txn = store.begin().await?;
    bulk::insert(
        &txn,
        "credit_entries",
        &[
            "district_id",
            "school_id",
            "teacher_id",
            "source",
            "source_ref",
            "start_date",
            "end_date",
            "year",
            "title",
            "organiser",
            "what",
            "form",
            "area",
            "level",
            "hours",
            "credits",
            "pool",
            "marked_training",
            "note",
            "dedup_key",
            "created_at",
            "created_by",
        ],
        rows,
    )
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.import",
            entity_type: "district",
            entity_id: Some(district_id.to_string()),
            tenant: Tenant::district(district_id),
            before: None,
            after: Some(json!({
                "filename": filename, "bytes": bytes.len(), "rows": report.rows,
                "added": report.added, "already": report.already,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    report.written = true;
    Ok(report)
}

/// A district's records of a year in the national columns (the header
/// first), for handing up: staff number, name, then the record. The ID
/// number column is left empty (the registry keeps none). District
/// administrators only.
pub async fn export_national(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    year: i32,
) -> Result<Vec<Vec<String>>> {
    rule_sets::check(store.conn(), scope, Place::district(district_id), true).await?;
    let entries = credit_entry::Entity::find()
        .filter(credit_entry::Column::DistrictId.eq(district_id))
        .filter(credit_entry::Column::Year.eq(year))
        .order_by_asc(credit_entry::Column::TeacherId)
        .order_by_asc(credit_entry::Column::StartDate)
        .order_by_asc(credit_entry::Column::Id)
        .all(store.conn())
        .await?;
    let ids: Vec<i64> = entries
        .iter()
        .map(|e| e.teacher_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut who: HashMap<i64, (Option<String>, String)> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, Option<String>, String)> = teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .column(teacher::Column::StaffNo)
            .column(teacher::Column::Name)
            .filter(teacher::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(store.conn())
            .await?;
        who.extend(rows.into_iter().map(|(id, s, n)| (id, (s, n))));
    }
    let rules = rules_for(store.conn(), district_id, None, year).await?.set;
    let mut out = vec![HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for m in entries {
        let (staff_no, name) = who.get(&m.teacher_id).cloned().unwrap_or_default();
        let e = super::LedgerEntry::of(m)?;
        // What it is worth under the year's requirement where it states nothing.
        let (credits, _) = lingyan_domain::credits::worth(&rules, &e.entry());
        out.push(vec![
            staff_no.unwrap_or_default(),
            String::new(),
            name,
            e.year.to_string(),
            level_code(e.level).to_string(),
            e.title,
            e.organiser,
            e.form.national().to_string(),
            e.hours.to_string(),
            credits.to_string(),
            e.start.to_string(),
            e.end.to_string(),
        ]);
    }
    Ok(out)
}

/// Rows as a CSV file in UTF-8 with a byte-order mark, which Excel needs
/// to read Chinese text.
pub fn national_csv(rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    for r in rows {
        w.write_record(r)
            .map_err(|e| crate::Error::Internal(e.to_string()))?;
    }
    w.into_inner().map_err(|e| crate::Error::Internal(e.to_string()))
}
