//! Importing a roster: read, check every row, and write all of it in one
//! transaction or nothing. Re-importing updates the teachers already there
//! (matched by staff number, else by name and birth date).
//!
//! Reading and checking run on a blocking thread and hand checked rows to
//! the writer in chunks as they go, so parsing a large workbook and writing
//! it overlap. The transaction is committed only when the whole file turned
//! out clean (and it is not a dry run); otherwise it is rolled back and the
//! report lists every problem.

use super::columns::{COLUMNS, Column};
use super::read::{CancelOnDrop, ReadLimits, for_each_row};
use crate::audit::{self, Change};
use crate::entity::{district, honour, pending_upload, school, teacher};
use crate::teachers::{
    BULK_COLUMNS, TeacherFields, TeacherInput, bulk_row, fields_of, set_fields, split_list,
};
use crate::{Error, Result, Scope, Store};
use base64::Engine;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lingyan_domain::honour::parse_title;
use lingyan_domain::{Capability, FieldError, HonourKind, HonourStatus, Level, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect,
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
    /// The error's code, for API clients.
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

/// An honour a row lists.
#[derive(Debug, Clone)]
struct HonourKey {
    kind: HonourKind,
    level: Level,
    /// None when the roster gives no year: held, since a year not known.
    year: Option<i32>,
    subject: Option<String>,
    /// The title as written, when the row wrote one.
    source: Option<String>,
}

/// An honour's title as a roster writes it.
fn title(field: &'static str, text: &str, home: &str) -> Result<HonourKey, FieldError> {
    let t = parse_title(field, text, Some(home))?;
    Ok(HonourKey {
        kind: t.kind,
        level: t.level,
        year: t.year,
        subject: t.subject,
        // Kept when it says more than the kind and level do.
        source: (text.trim() != format!("{}{}", t.level.zh(), t.kind.zh())).then(|| text.trim().to_string()),
    })
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

/// Finds the header row among the first rows: the one that names a "name"
/// column and recognises the most columns.
fn find_header(rows: &[(usize, Vec<String>)]) -> Option<(usize, HashMap<usize, Column>, Vec<String>)> {
    let mut best: Option<(usize, HashMap<usize, Column>, Vec<String>)> = None;
    for (i, (_, row)) in rows.iter().enumerate() {
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
                _ => unknown.push(cell.trim().to_string()),
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

/// What the school already has, for matching rows.
struct Existing {
    by_no: HashMap<String, teacher::Model>,
    by_name_birth: HashMap<(String, NaiveDate), i64>,
    by_id: HashMap<i64, teacher::Model>,
    /// (kind, level) of honours on record, per teacher.
    held: HashMap<i64, HashSet<(String, String)>>,
}

/// What to do with one row.
enum Plan {
    /// A new teacher: the row's values for the bulk insert, built on the
    /// checking thread so the writer only writes.
    Add {
        row: Vec<sea_orm::Value>,
        honours: Vec<HonourKey>,
    },
    Update {
        id: i64,
        after: Box<TeacherFields>,
        reactivate: bool,
        honours: Vec<HonourKey>,
    },
}

/// Reads rows one by one, checks them and plans the change.
struct Checker {
    today: NaiveDate,
    district_id: i64,
    /// The district's name: titles from the district itself (宜都市…) are
    /// district-level titles.
    home: String,
    school_id: i64,
    now: DateTime<Utc>,
    pending: Vec<(usize, Vec<String>)>,
    header: Option<Header>,
    by_staff_no: HashMap<String, usize>,
    by_name_birth: HashMap<(String, NaiveDate), usize>,
    existing: Existing,
    report: ImportReport,
}

struct Header {
    /// For each entry of `COLUMNS`, where it is in the file.
    index: [Option<usize>; COLUMNS.len()],
    names: HashMap<Column, String>,
}

impl Header {
    fn name(&self, field: &str) -> String {
        field_column(field)
            .and_then(|c| self.names.get(&c).cloned())
            .unwrap_or_else(|| field.to_string())
    }
}

/// The first rows looked at for the header.
const HEADER_WINDOW: usize = 10;

impl Checker {
    /// Takes the next row; returns plans once the header is known.
    fn push(&mut self, line: usize, raw: Vec<String>, out: &mut Vec<Plan>) {
        if self.header.is_none() {
            self.pending.push((line, raw));
            if self.pending.len() >= HEADER_WINDOW {
                self.settle_header(out);
            }
            return;
        }
        self.check(line, &raw, out);
    }

    /// Decides the header from the rows seen so far and checks the rest of
    /// them. Returns false when there is no header.
    fn settle_header(&mut self, out: &mut Vec<Plan>) -> bool {
        if self.header.is_some() {
            return true;
        }
        let pending = std::mem::take(&mut self.pending);
        let Some((idx, columns, unknown)) = find_header(&pending) else {
            return false;
        };
        self.report.header_row = pending[idx].0;
        self.report.unknown_columns = unknown;
        let mut index = [None; COLUMNS.len()];
        for (j, c) in &columns {
            if let Some(k) = COLUMNS.iter().position(|(x, ..)| x == c) {
                index[k] = Some(*j);
            }
        }
        let names = columns
            .iter()
            .map(|(j, c)| (*c, pending[idx].1[*j].trim().replace('\n', " ")))
            .collect();
        self.header = Some(Header { index, names });
        for (line, raw) in pending.into_iter().skip(idx + 1) {
            self.check(line, &raw, out);
        }
        true
    }

    fn check(&mut self, line: usize, raw: &[String], out: &mut Vec<Plan>) {
        let Some(h) = &self.header else { return };
        let today = self.today;
        self.report.rows += 1;
        let cell = |c: Column| -> Option<String> {
            let k = COLUMNS.iter().position(|(x, ..)| *x == c)?;
            h.index[k].map(|j| raw.get(j).map(|s| s.trim().to_string()).unwrap_or_default())
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
        // Every field, so one row reports all its problems.
        let mut errors: Vec<RowIssue> = Vec::new();
        let mut fields = TeacherFields::default();
        let mut field_errors = Vec::new();
        input.apply_all(&mut fields, &mut field_errors);
        for e in field_errors {
            errors.push(RowIssue::new(line, h.name(e.field), e));
        }
        if errors.is_empty()
            && let Err(e) = fields.check(today)
        {
            errors.push(RowIssue::new(line, h.name(e.field), e));
        }

        // Honours: the backbone level column and the honours column.
        let mut honours: Vec<HonourKey> = Vec::new();
        let mut titles: Vec<(String, &'static str)> = Vec::new();
        if let Some(b) = cell(Column::BackboneLevel).filter(|s| !s.is_empty() && s != "无" && s != "否") {
            titles.push((b, "backbone_level"));
        }
        if let Some(text) = cell(Column::Honours) {
            titles.extend(
                split_list(&text)
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
                    errors.push(RowIssue::new(line, h.name("honour_year"), e));
                    None
                }
            },
            None => None,
        };
        for (text, field) in titles {
            let parsed = if field == "backbone_level" {
                Level::parse(field, &text)
                    .map(|level| HonourKey {
                        kind: HonourKind::Backbone,
                        level,
                        year: None,
                        subject: None,
                        source: None,
                    })
                    .or_else(|_| title(field, &text, &self.home))
            } else {
                title(field, &text, &self.home)
            };
            match parsed {
                Ok(mut k) => {
                    // A year inside the title (it speaks of that title
                    // alone), else the row's year column, else not known:
                    // the honour is held all the same.
                    k.year = k.year.or(year);
                    honours.push(k);
                }
                Err(e) => errors.push(RowIssue::new(line, h.name(field), e)),
            }
        }

        // The same person twice in one file.
        if errors.is_empty() {
            if let Some(no) = &fields.staff_no {
                if let Some(first) = self.by_staff_no.insert(no.clone(), line) {
                    let e = FieldError::new("staff_no", "duplicate_row")
                        .with("row", first)
                        .with("value", no);
                    errors.push(RowIssue::new(line, h.name("staff_no"), e));
                }
            } else if let Some(b) = fields.birth_date
                && let Some(first) = self.by_name_birth.insert((fields.name.clone(), b), line)
            {
                let e = FieldError::new("name", "duplicate_row")
                    .with("row", first)
                    .with("value", &fields.name);
                errors.push(RowIssue::new(line, h.name("name"), e));
            }
        }
        if !errors.is_empty() {
            self.report.errors.extend(errors);
            return;
        }

        // Match and plan.
        let ex = &self.existing;
        let found = fields
            .staff_no
            .as_deref()
            .and_then(|n| ex.by_no.get(n))
            .or_else(|| {
                fields
                    .birth_date
                    .and_then(|b| ex.by_name_birth.get(&(fields.name.clone(), b)))
                    .and_then(|id| ex.by_id.get(id))
            });
        match found {
            None => {
                self.report.added += 1;
                self.report.honours_added += honours.len();
                out.push(Plan::Add {
                    row: bulk_row(self.district_id, self.school_id, &fields, self.now),
                    honours,
                });
            }
            Some(m) => {
                let before = fields_of(m);
                let after = match input.apply(before.clone(), today) {
                    Ok(a) => a,
                    Err(e) => {
                        self.report.errors.push(RowIssue::new(line, h.name(e.field), e));
                        return;
                    }
                };
                let have = ex.held.get(&m.id);
                let new_honours: Vec<HonourKey> = honours
                    .into_iter()
                    .filter(|k| {
                        !have.is_some_and(|h| h.contains(&(k.kind.code().into(), k.level.code().into())))
                    })
                    .collect();
                if after == before && m.active && new_honours.is_empty() {
                    self.report.unchanged += 1;
                } else {
                    self.report.updated += 1;
                    self.report.honours_added += new_honours.len();
                    out.push(Plan::Update {
                        id: m.id,
                        after: Box::new(after),
                        reactivate: !m.active,
                        honours: new_honours,
                    });
                }
            }
        }
    }
}

/// Loads the school's teachers and the honours they hold.
async fn existing(store: &Store, school_id: i64) -> Result<Existing> {
    let teachers = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .all(store.conn())
        .await?;
    let ids: Vec<i64> = teachers.iter().map(|t| t.id).collect();
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
    let mut ex = Existing {
        by_no: HashMap::new(),
        by_name_birth: HashMap::new(),
        by_id: HashMap::new(),
        held,
    };
    for t in teachers {
        if let Some(b) = t.birth_date {
            ex.by_name_birth.insert((t.name.clone(), b), t.id);
        }
        if let Some(n) = &t.staff_no {
            ex.by_no.insert(n.clone(), t.clone());
        }
        ex.by_id.insert(t.id, t);
    }
    Ok(ex)
}

/// Writes one chunk of planned changes inside the import's transaction.
async fn write<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: i64,
    plans: Vec<Plan>,
    now: DateTime<Utc>,
) -> Result<()> {
    let new_honour = |teacher_id: i64, k: HonourKey| -> Vec<sea_orm::Value> {
        vec![
            teacher_id.into(),
            district_id.into(),
            school_id.into(),
            k.kind.code().into(),
            k.level.code().into(),
            // An unknown year is stored as 0 and never read as a year.
            k.year.unwrap_or(0).into(),
            k.year.is_some().into(),
            k.subject.into(),
            k.source.into(),
            Option::<String>::None.into(),
            Option::<i32>::None.into(),
            HonourStatus::Active.code().into(),
            Option::<String>::None.into(),
            now.into(),
            now.into(),
        ]
    };
    let mut honour_rows = Vec::new();
    let mut adds = Vec::new();
    for p in plans {
        match p {
            Plan::Add { row, honours } => adds.push((row, honours)),
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
                am.update(conn).await?;
                honour_rows.extend(honours.into_iter().map(|h| new_honour(id, h)));
            }
        }
    }
    let (rows, honours): (Vec<_>, Vec<_>) = adds.into_iter().unzip();
    let ids = crate::bulk::insert_returning_ids(conn, "teachers", &BULK_COLUMNS, rows).await?;
    for (honours, id) in honours.into_iter().zip(ids) {
        honour_rows.extend(honours.into_iter().map(|h| new_honour(id, h)));
    }
    crate::bulk::insert(
        conn,
        "honours",
        &[
            "teacher_id",
            "district_id",
            "school_id",
            "kind",
            "level",
            "granted_year",
            "year_known",
            "subject",
            "source_text",
            "granting_body",
            "valid_until_year",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ],
        honour_rows,
    )
    .await?;
    Ok(())
}

/// Rows handed from the checker to the writer at a time.
const CHUNK: usize = 2000;

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
    let report = ImportReport {
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
    let started = std::time::Instant::now();
    let now = Utc::now();
    let home = district::Entity::find_by_id(s.district_id)
        .one(store.conn())
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let checker = Checker {
        today,
        district_id: s.district_id,
        home,
        school_id: s.id,
        now,
        pending: Vec::new(),
        header: None,
        by_staff_no: HashMap::new(),
        by_name_birth: HashMap::new(),
        existing: existing(store, s.id).await?,
        report,
    };

    // The checker runs on a blocking thread and sends clean chunks here
    // while it goes on; once a problem turns up it stops sending.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Plan>>(4);
    let owned = bytes.to_vec();
    // When this future is dropped (the request timed out or was closed),
    // the guard tells the blocking read to stop.
    let stop = CancelOnDrop::new();
    let limits = ReadLimits {
        cancel: Some(stop.0.clone()),
        ..ReadLimits::default()
    };
    let checking = tokio::task::spawn_blocking(move || {
        let mut checker = checker;
        let mut out = Vec::new();
        let read = for_each_row(&owned, &limits, |line, raw| {
            checker.push(line, raw, &mut out);
            if out.len() >= CHUNK {
                let chunk = std::mem::take(&mut out);
                if checker.report.errors.is_empty() && !dry_run {
                    let _ = tx.blocking_send(chunk);
                }
            }
        });
        let has_header = checker.settle_header(&mut out);
        if checker.report.errors.is_empty() && !dry_run && !out.is_empty() {
            let _ = tx.blocking_send(out);
        }
        (read, has_header, checker.report)
    });

    let txn = store.begin().await?;
    let mut write_error = None;
    while let Some(chunk) = rx.recv().await {
        if write_error.is_none()
            && let Err(e) = write(&txn, s.district_id, s.id, chunk, now).await
        {
            write_error = Some(e);
        }
    }
    let (read, has_header, mut report) = checking.await.map_err(|e| Error::Internal(e.to_string()))?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        rows = report.rows,
        "roster read, checked and written"
    );
    drop(stop);
    let file_error = match read {
        Err(e) => Some(e.field_error()),
        Ok(()) if !has_header => Some(FieldError::new("file", "no_header")),
        Ok(()) if report.rows == 0 => Some(FieldError::new("file", "empty_sheet")),
        Ok(()) => None,
    };
    if let Some(e) = file_error {
        return Ok(report.fail_file(e));
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    report.errors.sort_by_key(|e| e.row);
    if !report.ok() || dry_run {
        // Dropping the transaction rolls back whatever was written.
        return Ok(report);
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
    if report.rows > 1000 {
        store.checkpoint().await;
    }
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "roster committed");
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
            .map(|h| {
                h.source_text
                    .clone()
                    .unwrap_or_else(|| format!("{}{}", h.level.zh(), h.kind.zh()))
            })
            .collect();
        let year = hs.iter().filter_map(|h| h.granted_year).max();
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
