//! Importing a roster: read, check every row, then write all of it in one
//! transaction or nothing. Re-importing updates the teachers already there
//! (matched by staff number, else by name and birth date).

use super::columns::{COLUMNS, Column};
use super::read::{ReadError, read_table};
use crate::audit::{self, Change};
use crate::entity::{honour, pending_upload, school, teacher};
use crate::teachers::{TeacherFields, TeacherInput, fields_of, set_fields, split_list};
use crate::{Error, Result, Scope, Store};
use base64::Engine;
use chrono::{Datelike, NaiveDate, Utc};
use lingyan_domain::honour::parse_title;
use lingyan_domain::{Capability, FieldError, HonourKind, HonourStatus, Level, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// A problem in one cell (or row) of the file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowIssue {
    /// Row number as the spreadsheet shows it (from 1).
    pub row: usize,
    /// The column's header as written in the file.
    pub column: String,
    #[serde(skip)]
    pub error: FieldError,
    /// The error's code and values, for API clients.
    pub code: &'static str,
}

impl RowIssue {
    fn new(row: usize, column: String, error: FieldError) -> Self {
        Self {
            row,
            column,
            code: error.code,
            error,
        }
    }
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ImportReport {
    pub filename: String,
    /// The row holding the headers (from 1).
    pub header_row: usize,
    /// Data rows read (blank rows skipped).
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub honours_added: usize,
    /// Every problem; any at all means nothing was written.
    pub errors: Vec<RowIssue>,
    /// Things worth knowing that do not stop the import.
    pub warnings: Vec<RowIssue>,
    /// Headers not recognised (their columns were ignored).
    pub unknown_columns: Vec<String>,
    /// A problem with the whole file (too large, not a spreadsheet, empty,
    /// no header row).
    #[serde(skip)]
    pub file_error: Option<FieldError>,
    pub file_error_code: Option<&'static str>,
    pub dry_run: bool,
    pub written: bool,
}

impl ImportReport {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.file_error.is_none()
    }

    fn fail_file(mut self, e: FieldError) -> Self {
        self.file_error_code = Some(e.code);
        self.file_error = Some(e);
        self
    }
}

/// One checked row.
struct Row {
    line: usize,
    input: TeacherInput,
    /// The fields on their own (for a new teacher).
    fields: TeacherFields,
    honours: Vec<(HonourKind, Level, i32)>,
}

fn field_column(field: &str) -> Option<Column> {
    Some(match field {
        "staff_no" => Column::StaffNo,
        "name" => Column::Name,
        "gender" => Column::Gender,
        "birth_date" => Column::BirthDate,
        "work_start" => Column::WorkStart,
        "education" => Column::Education,
        "major" => Column::Major,
        "major_matches" => Column::MajorMatches,
        "employment" => Column::Employment,
        "post" => Column::Post,
        "front_line" => Column::FrontLine,
        "subjects" => Column::Subjects,
        "section" => Column::Section,
        "title" => Column::Title,
        "posts" => Column::Posts,
        "certificates" => Column::Certificates,
        "backbone_level" => Column::BackboneLevel,
        "honours" => Column::Honours,
        "honour_year" => Column::HonourYear,
        _ => return None,
    })
}

/// Finds the header row among the first ten: the one that names a "name"
/// column and recognises the most columns.
fn find_header(rows: &[Vec<String>]) -> Option<(usize, HashMap<usize, Column>, Vec<String>)> {
    let mut best: Option<(usize, HashMap<usize, Column>, Vec<String>)> = None;
    for (i, row) in rows.iter().take(10).enumerate() {
        let mut map = HashMap::new();
        let mut seen = HashSet::new();
        let mut unknown = Vec::new();
        for (j, cell) in row.iter().enumerate() {
            if cell.trim().is_empty() {
                continue;
            }
            match Column::recognise(cell) {
                Some(c) if seen.insert(c) => {
                    map.insert(j, c);
                }
                Some(_) => unknown.push(cell.trim().to_string()),
                None => unknown.push(cell.trim().to_string()),
            }
        }
        if seen.contains(&Column::Name)
            && map.len() >= 2
            && best.as_ref().is_none_or(|b| map.len() > b.1.len())
        {
            best = Some((i, map, unknown));
        }
    }
    best
}

fn parse_rows(table: &[Vec<String>], today: NaiveDate, report: &mut ImportReport) -> Option<Vec<Row>> {
    let (header_idx, columns, unknown) = find_header(table)?;
    report.header_row = header_idx + 1;
    report.unknown_columns = unknown;
    let header_text: HashMap<Column, String> = columns
        .iter()
        .map(|(j, c)| (*c, table[header_idx][*j].trim().replace('\n', " ")))
        .collect();
    let col_name = |field: &str| -> String {
        field_column(field)
            .and_then(|c| header_text.get(&c).cloned())
            .unwrap_or_else(|| field.to_string())
    };

    let mut rows = Vec::new();
    let mut by_staff_no: HashMap<String, usize> = HashMap::new();
    let mut by_name_birth: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for (i, raw) in table.iter().enumerate().skip(header_idx + 1) {
        let line = i + 1;
        if raw.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let cell = |c: Column| -> Option<String> {
            columns
                .iter()
                .find(|(_, x)| **x == c)
                .map(|(j, _)| raw.get(*j).map(|s| s.trim().to_string()).unwrap_or_default())
        };
        let input = TeacherInput {
            staff_no: cell(Column::StaffNo),
            name: cell(Column::Name),
            gender: cell(Column::Gender),
            birth_date: cell(Column::BirthDate),
            work_start: cell(Column::WorkStart),
            section: cell(Column::Section),
            subjects: cell(Column::Subjects).map(|s| split_list(&s)),
            employment: cell(Column::Employment),
            post: cell(Column::Post),
            front_line: cell(Column::FrontLine),
            education: cell(Column::Education),
            major: cell(Column::Major),
            major_matches: cell(Column::MajorMatches),
            title: cell(Column::Title),
            posts: cell(Column::Posts).map(|s| split_list(&s)),
            certificates: cell(Column::Certificates).map(|s| split_list(&s)),
        };
        // Every field on its own, so one row reports all its problems.
        let mut row_errors = Vec::new();
        let mut fields = TeacherFields::default();
        for single in input.singles() {
            match single.apply_unchecked(fields.clone()) {
                Ok(f) => fields = f,
                Err(e) => row_errors.push(RowIssue::new(line, col_name(e.field), e)),
            }
        }
        if row_errors.is_empty()
            && let Err(e) = fields.check(today)
        {
            row_errors.push(RowIssue::new(line, col_name(e.field), e));
        }

        // Honours: the backbone level column and the honours column.
        let mut honours = Vec::new();
        let mut titles: Vec<(String, &'static str)> = Vec::new();
        if let Some(b) = cell(Column::BackboneLevel).filter(|s| !s.is_empty() && s != "无" && s != "否") {
            titles.push((b, "backbone_level"));
        }
        if let Some(h) = cell(Column::Honours) {
            titles.extend(
                split_list(&h)
                    .into_iter()
                    .filter(|s| s != "无")
                    .map(|s| (s, "honours")),
            );
        }
        let year = match cell(Column::HonourYear).filter(|s| !s.is_empty()) {
            Some(y) => match y.trim_end_matches('年').parse::<i32>() {
                Ok(y) if (1950..=today.year()).contains(&y) => Some(y),
                _ => {
                    let e = FieldError::new("honour_year", "not_a_year").with("value", &y);
                    row_errors.push(RowIssue::new(line, col_name("honour_year"), e));
                    None
                }
            },
            None => None,
        };
        for (text, field) in titles {
            let parsed = if field == "backbone_level" {
                Level::parse(field, &text)
                    .map(|l| (HonourKind::Backbone, l))
                    .or_else(|_| parse_title(field, &text))
            } else {
                parse_title(field, &text)
            };
            match parsed {
                Ok((kind, level)) => {
                    let y = year.unwrap_or_else(|| {
                        let w = FieldError::new("honour_year", "year_assumed").with("year", today.year());
                        if !report
                            .warnings
                            .iter()
                            .any(|x| x.row == line && x.code == "year_assumed")
                        {
                            report
                                .warnings
                                .push(RowIssue::new(line, col_name("honour_year"), w));
                        }
                        today.year()
                    });
                    honours.push((kind, level, y));
                }
                Err(e) => row_errors.push(RowIssue::new(line, col_name(field), e)),
            }
        }

        // The same person twice in one file.
        if row_errors.is_empty() {
            if let Some(no) = &fields.staff_no {
                if let Some(first) = by_staff_no.insert(no.clone(), line) {
                    let e = FieldError::new("staff_no", "duplicate_row")
                        .with("row", first)
                        .with("value", no);
                    row_errors.push(RowIssue::new(line, col_name("staff_no"), e));
                }
            } else if let Some(b) = fields.birth_date
                && let Some(first) = by_name_birth.insert((fields.name.clone(), b), line)
            {
                let e = FieldError::new("name", "duplicate_row")
                    .with("row", first)
                    .with("value", &fields.name);
                row_errors.push(RowIssue::new(line, col_name("name"), e));
            }
        }
        if row_errors.is_empty() {
            rows.push(Row {
                line,
                input,
                fields,
                honours,
            });
        } else {
            report.errors.extend(row_errors);
        }
    }
    Some(rows)
}

enum Plan {
    Add(Box<Row>),
    Update {
        id: i64,
        after: Box<TeacherFields>,
        reactivate: bool,
        honours: Vec<(HonourKind, Level, i32)>,
    },
    Unchanged,
}

/// Imports a roster file into a school. Returns the report; nothing is
/// written when it has errors or `dry_run` is set. Permission and database
/// problems are errors; problems with the file are in the report.
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
) -> Result<ImportReport> {
    let s = school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(s.district_id, s.id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let mut report = ImportReport {
        filename: filename.to_string(),
        dry_run,
        ..Default::default()
    };
    if bytes.len() > max_bytes {
        let mb = max_bytes.div_ceil(1024 * 1024);
        return Ok(
            report.fail_file(FieldError::new("file", "file_too_large").with("max", format!("{mb} MB")))
        );
    }
    if bytes.is_empty() {
        return Ok(report.fail_file(FieldError::new("file", "empty_file")));
    }
    let owned = bytes.to_vec();
    let table = tokio::task::spawn_blocking(move || read_table(&owned))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let table = match table {
        Ok(t) => t,
        Err(ReadError::NotASpreadsheet) => {
            return Ok(report.fail_file(FieldError::new("file", "not_a_spreadsheet")));
        }
        Err(ReadError::Empty) => return Ok(report.fail_file(FieldError::new("file", "empty_sheet"))),
        Err(ReadError::Unreadable(why)) => {
            return Ok(report.fail_file(FieldError::new("file", "unreadable").with("value", why)));
        }
    };
    let (rows, mut report) = tokio::task::spawn_blocking(move || {
        let rows = parse_rows(&table, today, &mut report);
        (rows, report)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    let Some(rows) = rows else {
        return Ok(report.fail_file(FieldError::new("file", "no_header")));
    };
    if report.rows == 0 {
        return Ok(report.fail_file(FieldError::new("file", "empty_sheet")));
    }
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|e| e.row);
        return Ok(report);
    }

    // Match against the school's teachers.
    let existing = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .all(store.conn())
        .await?;
    let ids: Vec<i64> = existing.iter().map(|t| t.id).collect();
    // Honours already on record, by kind and level: a roster lists titles
    // held, and exports carry one year per row, so the year does not tell
    // records apart.
    let mut held: HashMap<i64, HashSet<(String, String)>> = HashMap::new();
    for chunk in ids.chunks(5000) {
        let rows: Vec<(i64, String, String)> = honour::Entity::find()
            .select_only()
            .columns([
                honour::Column::TeacherId,
                honour::Column::Kind,
                honour::Column::Level,
            ])
            .filter(honour::Column::TeacherId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(store.conn())
            .await?;
        for (t, k, l) in rows {
            held.entry(t).or_default().insert((k, l));
        }
    }
    let mut by_no: HashMap<&str, &teacher::Model> = HashMap::new();
    let mut by_name_birth: HashMap<(&str, NaiveDate), &teacher::Model> = HashMap::new();
    for t in &existing {
        if let Some(n) = t.staff_no.as_deref() {
            by_no.insert(n, t);
        }
        if let Some(b) = t.birth_date {
            by_name_birth.insert((t.name.as_str(), b), t);
        }
    }
    let mut plans = Vec::with_capacity(rows.len());
    for row in rows {
        let found = row
            .fields
            .staff_no
            .as_deref()
            .and_then(|n| by_no.get(n))
            .or_else(|| {
                row.fields
                    .birth_date
                    .and_then(|b| by_name_birth.get(&(row.fields.name.as_str(), b)))
            })
            .copied();
        match found {
            None => plans.push(Plan::Add(Box::new(row))),
            Some(m) => {
                let before = fields_of(m);
                let after = match row.input.apply(before.clone(), today) {
                    Ok(a) => a,
                    Err(e) => {
                        report
                            .errors
                            .push(RowIssue::new(row.line, e.field.to_string(), e));
                        continue;
                    }
                };
                let have = held.get(&m.id);
                let new_honours: Vec<(HonourKind, Level, i32)> = row
                    .honours
                    .into_iter()
                    .filter(|(k, l, _)| {
                        !have.is_some_and(|h| h.contains(&(k.code().into(), l.code().into())))
                    })
                    .collect();
                if after == before && m.active && new_honours.is_empty() {
                    plans.push(Plan::Unchanged);
                } else {
                    plans.push(Plan::Update {
                        id: m.id,
                        after: Box::new(after),
                        reactivate: !m.active,
                        honours: new_honours,
                    });
                }
            }
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    for p in &plans {
        match p {
            Plan::Add(r) => {
                report.added += 1;
                report.honours_added += r.honours.len();
            }
            Plan::Update { honours, .. } => {
                report.updated += 1;
                report.honours_added += honours.len();
            }
            Plan::Unchanged => report.unchanged += 1,
        }
    }
    if dry_run {
        return Ok(report);
    }

    let now = Utc::now();
    let txn = store.conn().begin().await?;
    let mut honour_rows: Vec<honour::ActiveModel> = Vec::new();
    let new_honour = |teacher_id: i64, (k, l, y): (HonourKind, Level, i32)| honour::ActiveModel {
        teacher_id: Set(teacher_id),
        district_id: Set(s.district_id),
        school_id: Set(s.id),
        kind: Set(k.code().into()),
        level: Set(l.code().into()),
        granted_year: Set(y),
        granting_body: Set(None),
        valid_until_year: Set(None),
        status: Set(HonourStatus::Active.code().into()),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let mut adds: Vec<Row> = Vec::new();
    for p in plans {
        match p {
            Plan::Add(r) => adds.push(*r),
            Plan::Update {
                id,
                after,
                reactivate,
                honours,
            } => {
                let mut am = teacher::ActiveModel {
                    id: Set(id),
                    ..Default::default()
                }
                .into_active_model();
                set_fields(&mut am, &after);
                if reactivate {
                    am.active = Set(true);
                }
                am.updated_at = Set(now);
                am.update(&txn).await?;
                honour_rows.extend(honours.into_iter().map(|h| new_honour(id, h)));
            }
            Plan::Unchanged => {}
        }
    }
    // SQLite allows 32766 bound values per statement; 24 columns × 500 rows
    // stays well below on both databases.
    for chunk in adds.chunks(500) {
        let models: Vec<teacher::ActiveModel> = chunk
            .iter()
            .map(|r| {
                let mut am = teacher::ActiveModel {
                    district_id: Set(s.district_id),
                    school_id: Set(s.id),
                    user_id: Set(None),
                    active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                set_fields(&mut am, &r.fields);
                am
            })
            .collect();
        let ids = teacher::Entity::insert_many(models)
            .exec_with_returning_keys(&txn)
            .await?;
        for (r, id) in chunk.iter().zip(ids) {
            honour_rows.extend(r.honours.iter().map(|h| new_honour(id, *h)));
        }
    }
    for chunk in honour_rows.chunks(1000) {
        honour::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "roster.import",
            entity_type: "school",
            entity_id: Some(s.id.to_string()),
            tenant,
            before: None,
            after: Some(json!({
                "filename": filename, "bytes": bytes.len(), "rows": report.rows,
                "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                "honours_added": report.honours_added,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    report.written = true;
    Ok(report)
}

/// Keeps an uploaded file between preview and confirmation. Returns a
/// token that only the same user can redeem.
pub async fn stash_upload(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    kind: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<String> {
    let s = school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    scope.require(Capability::ManageTeachers, Tenant::school(s.district_id, s.id))?;
    // Forget uploads nobody confirmed within a day.
    pending_upload::Entity::delete_many()
        .filter(pending_upload::Column::CreatedAt.lt(Utc::now() - chrono::Duration::days(1)))
        .exec(store.conn())
        .await?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>());
    pending_upload::ActiveModel {
        token: Set(token.clone()),
        district_id: Set(s.district_id),
        school_id: Set(s.id),
        user_id: Set(scope.user_id()),
        kind: Set(kind.into()),
        filename: Set(filename.chars().take(255).collect()),
        content: Set(bytes),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(store.conn())
    .await?;
    Ok(token)
}

async fn find_upload(store: &Store, scope: &Scope, token: &str) -> Result<pending_upload::Model> {
    pending_upload::Entity::find()
        .filter(pending_upload::Column::Token.eq(token))
        .one(store.conn())
        .await?
        .filter(|u| u.user_id == scope.user_id())
        .ok_or(Error::NotFound)
}

/// School and file name of a stashed upload.
pub async fn upload_info(store: &Store, scope: &Scope, token: &str) -> Result<(i64, String)> {
    let u = find_upload(store, scope, token).await?;
    Ok((u.school_id, u.filename))
}

/// Imports a stashed upload for real and forgets it.
pub async fn import_upload(
    store: &Store,
    scope: &Scope,
    token: &str,
    max_bytes: usize,
    today: NaiveDate,
) -> Result<ImportReport> {
    let u = find_upload(store, scope, token).await?;
    let report = import(
        store,
        scope,
        u.school_id,
        &u.filename,
        &u.content,
        false,
        max_bytes,
        today,
    )
    .await?;
    if report.written {
        pending_upload::Entity::delete_by_id(u.id)
            .exec(store.conn())
            .await?;
    }
    Ok(report)
}

/// Forgets a stashed upload.
pub async fn discard_upload(store: &Store, scope: &Scope, token: &str) -> Result<()> {
    let u = find_upload(store, scope, token).await?;
    pending_upload::Entity::delete_by_id(u.id)
        .exec(store.conn())
        .await?;
    Ok(())
}

/// The school's current teachers as roster rows, in [`COLUMNS`] order, as
/// the importer reads them back.
pub async fn export_rows(store: &Store, scope: &Scope, school_id: i64) -> Result<Vec<Vec<String>>> {
    let s = school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    scope.require(Capability::ReadTeachers, Tenant::school(s.district_id, s.id))?;
    let teachers = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .all(store.conn())
        .await?;
    let ids: Vec<i64> = teachers.iter().map(|t| t.id).collect();
    let honours = crate::teachers::honours_of(store.conn(), &ids).await?;
    let mut out = Vec::with_capacity(teachers.len());
    let mut teachers = teachers;
    teachers.sort_by(|a, b| a.staff_no.cmp(&b.staff_no).then(a.name.cmp(&b.name)));
    for t in teachers {
        let f = fields_of(&t);
        let hs: Vec<_> = honours
            .get(&t.id)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter(|h| h.status == HonourStatus::Active)
            .collect();
        let backbone = hs
            .iter()
            .filter(|h| h.kind == HonourKind::Backbone)
            .max_by_key(|h| h.level);
        let others: Vec<String> = hs
            .iter()
            .filter(|h| backbone.is_none_or(|b| b.id != h.id))
            .map(|h| format!("{}{}", h.level.zh(), h.kind.zh()))
            .collect();
        let year = hs.iter().map(|h| h.granted_year).max();
        let yn = |b: Option<bool>| b.map(|b| if b { "是" } else { "否" }).unwrap_or("").to_string();
        let d = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let row: Vec<String> = COLUMNS
            .iter()
            .map(|(c, ..)| match c {
                Column::StaffNo => f.staff_no.clone().unwrap_or_default(),
                Column::Name => f.name.clone(),
                Column::Gender => f.gender.map(|g| g.zh().to_string()).unwrap_or_default(),
                Column::BirthDate => d(f.birth_date),
                Column::WorkStart => d(f.work_start),
                Column::Education => f.education.map(|e| e.zh().to_string()).unwrap_or_default(),
                Column::Major => f.major.clone().unwrap_or_default(),
                Column::MajorMatches => yn(f.major_matches),
                Column::Employment => f.employment.map(|e| e.zh().to_string()).unwrap_or_default(),
                Column::Post => f.post.map(|p| p.zh().to_string()).unwrap_or_default(),
                Column::FrontLine => yn(f.front_line),
                Column::Subjects => f.subjects.join("、"),
                Column::Section => f.section.map(|s| s.zh().to_string()).unwrap_or_default(),
                Column::Title => f.title.clone().unwrap_or_default(),
                Column::Posts => f.posts.join("、"),
                Column::Certificates => f.certificates.join("、"),
                Column::BackboneLevel => backbone.map(|b| b.level.zh().to_string()).unwrap_or_default(),
                Column::Honours => others.join("、"),
                Column::HonourYear => year.map(|y| y.to_string()).unwrap_or_default(),
            })
            .collect();
        out.push(row);
    }
    Ok(out)
}
