//! Honours as dated history: adding one (typed titles parsed), and changing
//! its status.

use super::*;

/// What is typed to add an honour.
#[derive(Debug, Clone, Default)]
pub struct HonourInput {
    /// A kind code or Chinese name; or a full title (省级骨干教师) with
    /// `level` empty.
    pub kind: String,
    pub level: String,
    /// Optional: 语文, 学前教育. Taken from a full title when empty.
    pub subject: String,
    /// Empty when not known.
    pub granted_year: String,
    pub granting_body: String,
    pub valid_until_year: String,
}

pub(crate) fn year(field: &'static str, s: &str) -> Result<i32, FieldError> {
    let t = s.trim().trim_end_matches('年');
    let y: i32 = t
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_year").with("value", s.trim()))?;
    if !(1950..=2100).contains(&y) {
        return Err(FieldError::new(field, "not_a_year").with("value", s.trim()));
    }
    Ok(y)
}

/// An honour as typed, checked.
pub struct ParsedHonour {
    pub kind: HonourKind,
    pub level: Level,
    pub subject: Option<String>,
    /// The title as typed, when it was typed whole.
    pub source_text: Option<String>,
    pub granted_year: Option<i32>,
    pub granting_body: Option<String>,
    pub valid_until_year: Option<i32>,
}

impl HonourInput {
    /// Checks the input; `home` is the district's name, so that a title
    /// from the district itself (宜都市语文学科带头人) reads as district level.
    pub fn parse(&self, home: Option<&str>) -> Result<ParsedHonour, FieldError> {
        let (kind, level, subject, title_year, source) = if self.level.trim().is_empty() {
            let t = parse_title("kind", &self.kind, home)?;
            let whole = HonourKind::parse("kind", &self.kind).is_err();
            (
                t.kind,
                t.level,
                t.subject,
                t.year,
                whole.then(|| self.kind.trim().to_string()),
            )
        } else {
            (
                HonourKind::parse("kind", &self.kind)?,
                Level::parse("level", &self.level)?,
                None,
                None,
                None,
            )
        };
        let granted = match self.granted_year.trim() {
            "" => title_year,
            s => Some(year("granted_year", s)?),
        };
        let until = match self.valid_until_year.trim() {
            "" => None,
            s => Some(year("valid_until_year", s)?),
        };
        if let (Some(u), Some(g)) = (until, granted)
            && u < g
        {
            return Err(FieldError::new("valid_until_year", "before_granted"));
        }
        let subject = short_text("subject", &self.subject, 40)?.or(subject);
        let source_text = match source {
            Some(s) => short_text("kind", &s, 100)?,
            None => None,
        };
        let body = short_text("granting_body", &self.granting_body, 100)?;
        Ok(ParsedHonour {
            kind,
            level,
            subject,
            source_text,
            granted_year: granted,
            granting_body: body,
            valid_until_year: until,
        })
    }
}

/// Records an honour for a teacher.
pub async fn add_honour(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    input: &HonourInput,
) -> Result<Honour> {
    let txn = store.begin().await?;
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if !can_read(scope, tenant, t.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let home = district::Entity::find_by_id(t.district_id)
        .one(&txn)
        .await?
        .map(|d| d.name);
    let ParsedHonour {
        kind,
        level,
        subject,
        source_text,
        granted_year: granted,
        granting_body: body,
        valid_until_year: until,
    } = input.parse(home.as_deref())?;
    let now = Utc::now();
    let m = honour::ActiveModel {
        teacher_id: Set(teacher_id),
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        kind: Set(kind.code().into()),
        level: Set(level.code().into()),
        // An unknown year is stored as 0 and never read as a year.
        granted_year: Set(granted.unwrap_or(0)),
        year_known: Set(granted.is_some()),
        subject: Set(subject),
        source_text: Set(source_text),
        granting_body: Set(body),
        valid_until_year: Set(until),
        status: Set(HonourStatus::Active.code().into()),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let h = to_honour(m).ok_or_else(|| Error::Internal("honour just written cannot be read".into()))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "honour.create",
            entity_type: "honour",
            entity_id: Some(h.id.to_string()),
            tenant,
            before: None,
            after: Some(json!(h)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(h)
}

/// Marks an honour expired or revoked (with a reason), or active again. The
/// record stays; only its status changes.
pub async fn set_honour_status(
    store: &Store,
    scope: &Scope,
    honour_id: i64,
    status: &str,
    reason: &str,
) -> Result<Honour> {
    let status = HonourStatus::parse("status", status)?;
    let reason = short_text("reason", reason, 500)?;
    if status == HonourStatus::Revoked && reason.is_none() {
        return Err(Error::Invalid(FieldError::new("reason", "required")));
    }
    let txn = store.begin().await?;
    let m = honour::Entity::find_by_id(honour_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    if !scope.allows(Capability::ReadTeachers, tenant) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let before = to_honour(m.clone());
    let mut am = m.into_active_model();
    am.status = Set(status.code().into());
    am.status_reason = Set(reason);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let after = to_honour(m).ok_or_else(|| Error::Internal("honour cannot be read".into()))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "honour.status",
            entity_type: "honour",
            entity_id: Some(honour_id.to_string()),
            tenant,
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
