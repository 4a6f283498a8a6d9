//! What one school's evaluation reads for one period — teachers with their
//! facts, tiers and groups, and the verified records, projects, mentor pairs
//! and group posts that fall in it, each with one indexed query — and the
//! evaluation itself.

use super::*;

/// Everything a school's evaluation reads, loaded for one period.
pub(crate) async fn compute<C: ConnectionTrait>(
    conn: &C,
    sc: &school::Model,
    as_of: NaiveDate,
    who: Who<'_>,
    filter: &ProgressFilter,
) -> Result<SchoolProgress> {
    let started = std::time::Instant::now();
    let calendar = crate::calendar::load(conn, sc.district_id, Some(sc.id)).await?;
    let year = calendar.semester_of(as_of).year;
    let view = set_for(conn, sc.district_id, Some(sc.id), year).await?;
    let tiers = tier_rules_for(conn, sc.district_id, Some(sc.id), year).await?.set;

    let mut rows = teachers_of(conn, sc.id, who, filter.teacher_id).await?;

    // Groups: names per teacher, the groups each leads.
    let names: HashMap<i64, String> = org_group::Entity::find()
        .select_only()
        .columns([org_group::Column::Id, org_group::Column::Name])
        .filter(org_group::Column::SchoolId.eq(sc.id))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let members: Vec<(i64, i64, String)> = org_group_member::Entity::find()
        .select_only()
        .columns([
            org_group_member::Column::GroupId,
            org_group_member::Column::TeacherId,
            org_group_member::Column::Position,
        ])
        .filter(org_group_member::Column::SchoolId.eq(sc.id))
        .apply_if(who.only(), |q, ids| {
            q.filter(org_group_member::Column::TeacherId.is_in(ids.iter().copied()))
        })
        .into_tuple()
        .all(conn)
        .await?;
    if let Some(g) = filter.group_id {
        let in_group: std::collections::HashSet<i64> =
            members.iter().filter(|m| m.0 == g).map(|m| m.1).collect();
        rows.retain(|r| in_group.contains(&r.facts.id));
    }
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    let mut group_ids: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut items: HashMap<i64, Vec<Item>> = HashMap::new();
    for (group_id, teacher_id, position) in &members {
        if let Some(n) = names.get(group_id) {
            groups.entry(*teacher_id).or_default().push(n.clone());
            group_ids.entry(*teacher_id).or_default().push(*group_id);
        }
        if position == "leader" {
            items
                .entry(*teacher_id)
                .or_default()
                .push(span(CountedKind::GroupLead, *group_id, None, None));
        }
    }

    let ctx = Context {
        calendar: &calendar,
        tiers: &tiers,
        as_of,
    };
    let prepared = Prepared::new(&view.set, ctx);
    let ids: Vec<i64> = rows.iter().map(|r| r.facts.id).collect();
    if let Some(lo) = prepared.earliest()
        && !rows.is_empty()
    {
        let (lo, needs) = (lo.min(as_of), view.set.needs());
        load_items(conn, sc.id, lo, as_of, &needs, who.only(), &mut items).await?;
        // A transfer keeps history: what teachers did at their earlier
        // schools counts where they are now.
        for (from, moved) in earlier_schools(conn, sc.id, &ids).await? {
            load_items(conn, from, lo, as_of, &needs, Some(&moved), &mut items).await?;
        }
    }

    let mut honours = honour_facts(conn, &ids).await?;
    let mut book = TierBook::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut facts = r.facts;
        let id = facts.id;
        facts.honours = honours.remove(&id).unwrap_or_default();
        let tier = book
            .classify(conn, sc.district_id, sc.id, &facts, as_of)
            .await?
            .tier;
        if let Some(t) = &filter.tier
            && tier.as_deref() != Some(t.as_str())
        {
            continue;
        }
        let person = DutyPerson {
            facts,
            tier: tier.clone(),
            staff_no: r.staff_no.clone().unwrap_or_default(),
            groups: groups.remove(&id).unwrap_or_default(),
        };
        let mine = items.remove(&id).unwrap_or_default();
        let results = prepared.evaluate(&person, &mine);
        out.push(TeacherProgress {
            teacher_id: id,
            name: r.name,
            staff_no: r.staff_no,
            tier,
            groups: person.groups,
            group_ids: group_ids.remove(&id).unwrap_or_default(),
            results,
        });
    }
    let mut groups: Vec<(i64, String)> = names.into_iter().collect();
    groups.sort_by(|a, b| lingyan_domain::collate::by_text(&a.1, &b.1));
    tracing::debug!(
        school = sc.id,
        teachers = out.len(),
        ms = started.elapsed().as_millis() as u64,
        "duties computed"
    );
    Ok(SchoolProgress {
        district_id: sc.district_id,
        school_id: sc.id,
        school_name: sc.name.clone(),
        school_name_en: sc.name_en.clone(),
        as_of,
        year,
        source: view.source,
        rules: view.set.rules,
        tiers,
        groups,
        teachers: out,
    })
}

/// A teacher as the evaluation needs them.
pub(crate) struct Row {
    facts: TeacherFacts,
    name: String,
    staff_no: Option<String>,
}

/// The active teachers of a school (or only some), in staff-number order,
/// with their facts read packed into one column (see `status::PACKED`).
pub(crate) async fn teachers_of<C: ConnectionTrait>(
    conn: &C,
    school_id: i64,
    who: Who<'_>,
    one: Option<i64>,
) -> Result<Vec<Row>> {
    if matches!(who, Who::Only(ids) if ids.is_empty()) {
        return Ok(Vec::new());
    }
    let only = match who {
        Who::Only(ids) => Some(ids.iter().copied()),
        Who::All => None,
    };
    let rows: Vec<(i64, String, Option<String>, String)> = teacher::Entity::find()
        .select_only()
        .columns([
            teacher::Column::Id,
            teacher::Column::Name,
            teacher::Column::StaffNo,
        ])
        .column_as(Expr::cust(PACKED), "facts")
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .apply_if(only, |q, ids| q.filter(teacher::Column::Id.is_in(ids)))
        .apply_if(one, |q, t| q.filter(teacher::Column::Id.eq(t)))
        .order_by_asc(teacher::Column::StaffNo)
        .order_by_asc(teacher::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, staff_no, packed)| Row {
            facts: unpack(id, &packed),
            name,
            staff_no,
        })
        .collect())
}

/// The schools some teachers of `school_id` were transferred from, with
/// those teachers, in school order.
async fn earlier_schools<C: ConnectionTrait>(
    conn: &C,
    school_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut by_school: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, i64)> = teacher_transfer::Entity::find()
            .select_only()
            .columns([
                teacher_transfer::Column::FromSchoolId,
                teacher_transfer::Column::TeacherId,
            ])
            .distinct()
            .filter(teacher_transfer::Column::TeacherId.is_in(chunk.iter().copied()))
            .filter(teacher_transfer::Column::FromSchoolId.ne(school_id))
            .into_tuple()
            .all(conn)
            .await?;
        for (from, teacher) in rows {
            by_school.entry(from).or_default().push(teacher);
        }
    }
    Ok(by_school.into_iter().collect())
}

/// The honours of some teachers as facts, newest first (as
/// `teachers::honours_of` orders them).
pub(crate) async fn honour_facts<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<HonourFact>>> {
    let mut out: HashMap<i64, Vec<HonourFact>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<HonourRow> = honour::Entity::find()
            .select_only()
            .columns(HONOUR_COLUMNS)
            .filter(honour::Column::TeacherId.is_in(chunk.iter().copied()))
            .order_by_desc(honour::Column::GrantedYear)
            .order_by_asc(honour::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        for (teacher_id, fact) in rows.into_iter().filter_map(honour_fact) {
            out.entry(teacher_id).or_default().push(fact);
        }
    }
    Ok(out)
}

pub(crate) fn span(kind: CountedKind, id: i64, from: Option<NaiveDate>, until: Option<NaiveDate>) -> Item {
    Item {
        id,
        kind,
        subtype: None,
        // A post with no start date has always been held.
        date: from.unwrap_or(NaiveDate::MIN),
        until,
        level: None,
        role: None,
        award_level: None,
        amount: 0.0,
    }
}

/// Verified records dated `lo..=hi` (owners and co-owners), projects,
/// and mentor pairs of one school, by teacher.
pub(crate) async fn load_items<C: ConnectionTrait>(
    conn: &C,
    school_id: i64,
    lo: NaiveDate,
    hi: NaiveDate,
    needs: &Needs,
    only: Option<&[i64]>,
    items: &mut HashMap<i64, Vec<Item>>,
) -> Result<()> {
    // With a few teachers (one teacher's card, a group), only their own and
    // co-owned records, not the whole school's.
    let mine = only.map(|ids| {
        Condition::any()
            .add(evidence::Column::OwnerTeacherId.is_in(ids.iter().copied()))
            .add(
                evidence::Column::Id.in_subquery(
                    Query::select()
                        .column(evidence_person::Column::EvidenceId)
                        .from(evidence_person::Entity)
                        .and_where(evidence_person::Column::TeacherId.is_in(ids.iter().copied()))
                        .and_where(evidence_person::Column::Role.eq("co_owner"))
                        .to_owned(),
                ),
            )
    });
    // Answered from `ix_evidence_duties` alone, one row per owner with
    // their records packed as `id,kind,subtype,date,level;…`: SQLite's
    // driver pays per row and per value far more than the text costs to
    // split (kinds, subtypes and levels are codes, without `,` or `;`).
    let agg = match conn.get_database_backend() {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    let packed: Vec<(i64, String)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::OwnerTeacherId)
        .column_as(
            Expr::cust(format!(
                "{agg}(CAST(id AS TEXT) || ',' || kind || ',' || COALESCE(subtype, '') || ',' || \
                 CAST(occurred_on AS TEXT) || ',' || COALESCE(level, ''), ';')"
            )),
            "packed",
        )
        .filter(evidence::Column::SchoolId.eq(school_id))
        .filter(evidence::Column::Status.eq("verified"))
        .filter(evidence::Column::OccurredOn.between(lo, hi))
        .filter(evidence::Column::Kind.is_in(needs.record_kinds.iter().copied()))
        .apply_if(mine.clone(), |q, c| q.filter(c))
        .group_by(evidence::Column::OwnerTeacherId)
        .into_tuple()
        .all(conn)
        .await?;
    // Hours, days and awards live in the details of three kinds, read only
    // when a rule asks about them.
    let details: Vec<(i64, String)> = if needs.detail_kinds.is_empty() {
        Vec::new()
    } else {
        evidence::Entity::find()
            .select_only()
            .columns([evidence::Column::Id, evidence::Column::Details])
            .filter(evidence::Column::SchoolId.eq(school_id))
            .filter(evidence::Column::Status.eq("verified"))
            .filter(evidence::Column::OccurredOn.between(lo, hi))
            .filter(evidence::Column::Kind.is_in(needs.detail_kinds.iter().copied()))
            .apply_if(mine, |q, c| q.filter(c))
            .into_tuple()
            .all(conn)
            .await?
    };
    let mut extra: HashMap<i64, (f64, Option<Level>)> = HashMap::with_capacity(details.len());
    for (id, d) in details {
        match serde_json::from_str::<Details>(&d) {
            Ok(Details::Training { hours, .. }) => extra.insert(id, (hours, None)),
            Ok(Details::StudyVisit { days, .. }) => extra.insert(id, (f64::from(days), None)),
            Ok(Details::Article { award_level, .. }) => extra.insert(id, (0.0, award_level)),
            _ => None,
        };
    }
    let co_owners: Vec<(i64, i64)> = evidence_person::Entity::find()
        .select_only()
        .columns([
            evidence_person::Column::EvidenceId,
            evidence_person::Column::TeacherId,
        ])
        .filter(evidence_person::Column::SchoolId.eq(school_id))
        .apply_if(only, |q, ids| {
            q.filter(evidence_person::Column::TeacherId.is_in(ids.iter().copied()))
        })
        // A literal, not a bound value: only then may the planners use the
        // partial index `ix_evidence_people_co_owners` (role = 'co_owner').
        .filter(Expr::cust("role = 'co_owner'"))
        .into_tuple()
        .all(conn)
        .await?;
    let mut shared: HashMap<i64, Vec<i64>> = HashMap::new();
    for (e, t) in co_owners {
        shared.entry(e).or_default().push(t);
    }
    for (owner, packed) in &packed {
        for rec in packed.split(';') {
            let mut f = rec.split(',');
            let (Some(id), Some(kind), Some(subtype), Some(date), Some(level)) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(Error::Internal(format!("unreadable packed record {rec:?}")));
            };
            let (Ok(id), Ok(date)) = (id.parse::<i64>(), date.parse::<NaiveDate>()) else {
                return Err(Error::Internal(format!("unreadable packed record {rec:?}")));
            };
            // A kind this version does not count (as before the packing).
            let Some(kind) = CountedKind::from_code(kind) else {
                continue;
            };
            let (amount, award_level) = extra.get(&id).copied().unwrap_or((0.0, None));
            let it = Item {
                id,
                kind,
                subtype: (!subtype.is_empty()).then(|| subtype.to_string()),
                date,
                until: None,
                level: Level::from_code(level),
                role: None,
                award_level,
                amount,
            };
            if let Some(others) = shared.get(&id) {
                for t in others {
                    items.entry(*t).or_default().push(it.clone());
                }
            }
            items.entry(*owner).or_default().push(it);
        }
    }

    // Trainings attended through activities count as training records of
    // their hours (decision 52): their ledger entries (source `activity`),
    // which have no portfolio record of their own. Negative ids keep them
    // apart from records in the drill-down.
    if needs.record_kinds.contains(&CountedKind::Training.code()) {
        let attended: Vec<(i64, i64, NaiveDate, String, Option<String>, i64)> = credit_entry::Entity::find()
            .select_only()
            .columns([
                credit_entry::Column::Id,
                credit_entry::Column::TeacherId,
                credit_entry::Column::StartDate,
                credit_entry::Column::Form,
                credit_entry::Column::Level,
                credit_entry::Column::Hours,
            ])
            .filter(credit_entry::Column::SchoolId.eq(school_id))
            .filter(credit_entry::Column::Source.eq("activity"))
            .filter(credit_entry::Column::StartDate.between(lo, hi))
            .apply_if(only, |q, ids| {
                q.filter(credit_entry::Column::TeacherId.is_in(ids.iter().copied()))
            })
            .into_tuple()
            .all(conn)
            .await?;
        for (id, teacher_id, date, form, level, hours) in attended {
            items.entry(teacher_id).or_default().push(Item {
                id: -id,
                kind: CountedKind::Training,
                subtype: Some(form),
                date,
                until: None,
                level: level.as_deref().and_then(Level::from_code),
                role: None,
                award_level: None,
                amount: hours as f64 / 100.0,
            });
        }
    }

    // Projects count from their approval (立项) to their conclusion (结题),
    // once the approval has been verified (or the project has moved on).
    if needs.projects {
        // (stage, status, level) per project.
        let projects: HashMap<i64, (String, String, String)> = research_project::Entity::find()
            .select_only()
            .columns([
                research_project::Column::Id,
                research_project::Column::Stage,
                research_project::Column::Status,
                research_project::Column::Level,
            ])
            .filter(research_project::Column::SchoolId.eq(school_id))
            .into_tuple::<(i64, String, String, String)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, stage, status, level)| (id, (stage, status, level)))
            .collect();
        let mut approved: HashMap<i64, NaiveDate> = HashMap::new();
        let mut concluded: HashMap<i64, NaiveDate> = HashMap::new();
        let stages: Vec<(i64, String, NaiveDate)> = if projects.is_empty() {
            Vec::new()
        } else {
            project_stage::Entity::find()
                .select_only()
                .columns([
                    project_stage::Column::ProjectId,
                    project_stage::Column::Stage,
                    project_stage::Column::OnDate,
                ])
                .filter(project_stage::Column::SchoolId.eq(school_id))
                .filter(project_stage::Column::Stage.is_in(["approved", "concluded"]))
                .into_tuple()
                .all(conn)
                .await?
        };
        for (project_id, stage, on) in stages {
            let map = if stage == "approved" {
                &mut approved
            } else {
                &mut concluded
            };
            map.insert(project_id, on);
        }
        let members: Vec<(i64, i64, String)> = if approved.is_empty() {
            Vec::new()
        } else {
            project_member::Entity::find()
                .select_only()
                .columns([
                    project_member::Column::ProjectId,
                    project_member::Column::TeacherId,
                    project_member::Column::Role,
                ])
                .filter(project_member::Column::SchoolId.eq(school_id))
                .apply_if(only, |q, ids| {
                    q.filter(project_member::Column::TeacherId.is_in(ids.iter().copied()))
                })
                .into_tuple()
                .all(conn)
                .await?
        };
        for (project_id, teacher_id, role) in members {
            let (Some((stage, status, level)), Some(from)) =
                (projects.get(&project_id), approved.get(&project_id))
            else {
                continue;
            };
            if stage == "approved" && status != "verified" {
                continue;
            }
            let mut it = span(
                CountedKind::Project,
                project_id,
                Some(*from),
                concluded.get(&project_id).copied(),
            );
            it.level = Level::from_code(level);
            it.role = ProjectRole::from_code(&role);
            items.entry(teacher_id).or_default().push(it);
        }
    }

    if !needs.apprentices {
        return Ok(());
    }
    let pairs: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = mentor_pair::Entity::find()
        .select_only()
        .columns([
            mentor_pair::Column::Id,
            mentor_pair::Column::MentorTeacherId,
            mentor_pair::Column::StartsOn,
            mentor_pair::Column::EndsOn,
        ])
        .filter(mentor_pair::Column::SchoolId.eq(school_id))
        .filter(mentor_pair::Column::StartsOn.lte(hi))
        .apply_if(only, |q, ids| {
            q.filter(mentor_pair::Column::MentorTeacherId.is_in(ids.iter().copied()))
        })
        .into_tuple()
        .all(conn)
        .await?;
    for (id, mentor, starts_on, ends_on) in pairs {
        items
            .entry(mentor)
            .or_default()
            .push(span(CountedKind::Apprentice, id, Some(starts_on), ends_on));
    }
    Ok(())
}
