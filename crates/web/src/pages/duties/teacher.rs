//! One teacher's duties: the cards on the home page and the teacher's page.

use super::matrix::{source_text, status_class};
use super::*;

#[derive(Deserialize, Default)]
pub(super) struct TeacherQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    days: Option<u32>,
    /// The matrix this page was opened from, to go back to.
    #[serde(default)]
    back: Option<String>,
}

/// One duty on a teacher's page.
struct DutyCard {
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub status_label: String,
    pub done: String,
    pub required: String,
    /// Done as a share of required, 0–100, for the progress bar.
    pub pct: u32,
    pub explain: String,
    pub how: String,
    pub due: NaiveDate,
    pub items: Vec<(String, Option<NaiveDate>, String, String)>,
}

#[derive(Template)]
#[template(path = "duties_teacher.html")]
struct TeacherPage {
    ctx: PageCtx,
    teacher_id: i64,
    name: String,
    tier: String,
    school_name: String,
    as_of: NaiveDate,
    days: u32,
    source: String,
    reminders: Vec<Reminder>,
    cards: Vec<DutyCard>,
    /// The duties matrix this page was opened from (a local path).
    back: Option<String>,
}

/// Cards for one teacher's results, with what counted.
async fn cards(
    state: &AppState,
    p: &SchoolProgress,
    results: &[Progress],
    tr: Tr,
) -> Result<Vec<DutyCard>, Error> {
    let refs: Vec<ItemRef> = results.iter().flat_map(|r| r.evidence.iter().copied()).collect();
    let labels: HashMap<ItemRef, ItemLabel> = lingyan_store::duties::labels(&state.store, refs).await?;
    Ok(p.rules
        .iter()
        .zip(results)
        .map(|(rule, r)| DutyCard {
            code: rule.code.clone(),
            name: rule.name(tr.0).to_string(),
            status: status_class(r.status),
            status_label: tr.label("duty_status", r.status.code()),
            done: fmt_num(r.done),
            required: fmt_num(r.required),
            pct: if r.required > 0.0 {
                (r.done / r.required * 100.0).clamp(0.0, 100.0).round() as u32
            } else {
                0
            },
            explain: r.explain(tr.0).to_string(),
            how: describe(rule, &p.tiers, tr).how,
            due: r.due,
            items: r
                .evidence
                .iter()
                .filter_map(|e| {
                    labels.get(e).map(|l| {
                        (
                            l.title.clone(),
                            l.date,
                            l.href.clone(),
                            tr.label("counted_kinds", e.kind.code()),
                        )
                    })
                })
                .collect(),
        })
        .collect())
}

/// `GET /teachers/{id}/duties?as_of=&days=`
pub(super) async fn view_teacher_duties_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TeacherQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let as_of = parse_as_of(&q.as_of)?;
    let days = q.days.unwrap_or(14).min(366);
    let p = lingyan_store::duties::teacher(&state.store, &caller.scope, id, as_of).await?;
    let t = p.teachers.first().ok_or(Error::NotFound)?;
    let mut cards = cards(&state, &p, &t.results, tr).await?;
    // Duties that apply first, the rest after (a stable sort keeps the
    // set's order within each).
    cards.sort_by_key(|c| c.status == "not_applicable");
    let back = q
        .back
        .as_deref()
        .map(|b| crate::pages::safe_next(Some(b)))
        .filter(|b| b.starts_with("/duties"));
    let page = TeacherPage {
        back,
        teacher_id: t.teacher_id,
        name: t.name.clone(),
        tier: t
            .tier
            .as_deref()
            .map(|c| tier_name(&p.tiers, c, tr))
            .unwrap_or_default(),
        school_name: tr.name(&p.school_name, &p.school_name_en).to_string(),
        as_of,
        days,
        source: source_text(tr, p.source),
        reminders: upcoming(&p.rules, &t.results, as_of, days),
        cards,
        ctx,
    };
    Ok(render(&page))
}
