//! Mentoring pairs: the lifecycle and the links it makes, the mentor's
//! load as a rule, every refusal by name with nothing written, the mentor
//! duty counted through the engine, and who sees a cross-school pair.

use chrono::Days;
use lingyan_domain::duties::CountedKind;
use lingyan_domain::evidence::{EvidenceInput, EvidenceKind};
use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
use lingyan_domain::mentoring::{MentoringRules, PairAction, PairInput, PairKind, PairStatus};
use lingyan_store::mentoring::cycles;
use lingyan_store::mentoring::pairs::{self, Filter};
use lingyan_store::rule_sets::Place;
use lingyan_store::testing::{Db, demo, teacher_by_staff_no, teachers_of_school};
use lingyan_store::{Error, Scope, Store, both_dbs, schools};

async fn teacher(store: &Store, no: &str) -> i64 {
    teacher_by_staff_no(store, no).await
}

fn input(mentor: i64, apprentices: &[i64]) -> PairInput {
    let today = lingyan_store::calendar::today();
    PairInput {
        mentor_teacher_id: mentor,
        apprentice_teacher_ids: apprentices.to_vec(),
        kind: if apprentices.len() > 1 {
            PairKind::OneTwoTwo
        } else {
            PairKind::OneOnOne
        },
        subject: String::new(),
        starts_on: today - Days::new(10),
        ends_on: today + Days::new(300),
        ceremony_on: Some(today - Days::new(5)),
        mentor_goals: "每学期听徒弟课并点评".into(),
        apprentice_goals: "上好汇报课".into(),
        under_way: false,
    }
}

async fn links(store: &Store, pair: i64) -> Vec<lingyan_store::mentoring::Link> {
    lingyan_store::mentoring::links(store, &Scope::system("t"), pair)
        .await
        .unwrap()
}

fn code(e: Error) -> (&'static str, &'static str) {
    match e {
        Error::Invalid(f) | Error::Conflict(f) => (f.field, f.code),
        Error::InvalidAll(v) => (v[0].field, v[0].code),
        other => panic!("not a refusal by field: {other:?}"),
    }
}

async fn pair_lifecycle_makes_links_only_while_it_runs(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let mentor = teacher(&store, "GF0008").await;
    let apprentice = teacher(&store, "GF0040").await;
    let id = pairs::create(&store, &scope, &input(mentor, &[apprentice]))
        .await
        .unwrap();
    let p = pairs::get(&store, &scope, id).await.unwrap();
    assert_eq!(p.status, PairStatus::Proposed);
    assert!(!p.subject.is_empty(), "the apprentice's subject by default");
    assert!(links(&store, id).await.is_empty(), "a proposal links nobody");
    pairs::act(&store, &scope, id, PairAction::Agree, None, "")
        .await
        .unwrap();
    assert!(links(&store, id).await.is_empty(), "nor an agreement");
    // Out of order: concluding an agreed pair is refused by name.
    let e = pairs::act(&store, &scope, id, PairAction::Conclude, None, "")
        .await
        .unwrap_err();
    assert_eq!(code(e), ("status", "pair_not_allowed"));
    pairs::act(&store, &scope, id, PairAction::Activate, None, "")
        .await
        .unwrap();
    let l = links(&store, id).await;
    assert_eq!(l.len(), 1);
    assert_eq!(
        (l[0].mentor_teacher_id, l[0].apprentice_teacher_id),
        (mentor, apprentice)
    );
    assert_eq!((l[0].starts_on, l[0].ends_on), (p.starts_on, p.ends_on));
    // Concluded today: the link ends today.
    let today = lingyan_store::calendar::today();
    pairs::act(&store, &scope, id, PairAction::Conclude, Some(today), "")
        .await
        .unwrap();
    let l = links(&store, id).await;
    assert_eq!(l[0].ends_on, Some(today));
    let p = pairs::get(&store, &scope, id).await.unwrap();
    assert_eq!((p.status, p.ended_on), (PairStatus::Concluded, Some(today)));
    let e = pairs::edit(&store, &scope, id, &input(mentor, &[apprentice]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("status", "pair_closed"));

    // Dissolving needs a reason, which every reader then sees.
    let other = teacher(&store, "GF0041").await;
    let id = pairs::create(&store, &scope, &input(mentor, &[other]))
        .await
        .unwrap();
    let e = pairs::act(&store, &scope, id, PairAction::Dissolve, None, " ")
        .await
        .unwrap_err();
    assert_eq!(code(e), ("reason", "reason_required"));
    pairs::act(&store, &scope, id, PairAction::Dissolve, None, "徒弟调往外校")
        .await
        .unwrap();
    let p = pairs::get(&store, &scope, id).await.unwrap();
    assert_eq!(p.status, PairStatus::Dissolved);
    assert_eq!(p.end_reason.as_deref(), Some("徒弟调往外校"));
    assert!(links(&store, id).await.is_empty(), "it never ran");
    let listed = pairs::list(
        &store,
        &scope,
        &Filter {
            status: Some(PairStatus::Dissolved),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(listed.iter().any(|p| p.id == id));
}
both_dbs!(pair_lifecycle_makes_links_only_while_it_runs);

async fn the_load_limit_is_a_rule_and_refusals_write_nothing(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    // The demo's mentor has two apprentices: the default limit is two.
    let mentor = teacher(&store, "GF0004").await;
    let third = teacher(&store, "GF0042").await;
    let before = pairs::list(&store, &scope, &Filter::default())
        .await
        .unwrap()
        .len();
    let e = pairs::create(&store, &scope, &input(mentor, &[third]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("mentor", "mentor_load"));
    assert_eq!(
        pairs::list(&store, &scope, &Filter::default())
            .await
            .unwrap()
            .len(),
        before
    );
    // The school raises it to three for this year; now it fits.
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let year = lingyan_store::calendar::current_year(&store, &scope, gf.district_id, Some(gf.id))
        .await
        .unwrap();
    pairs::save_rules(
        &store,
        &scope,
        Place::school(gf.district_id, gf.id),
        year,
        MentoringRules {
            max_apprentices: 3,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let e = pairs::save_rules(
        &store,
        &scope,
        Place::school(gf.district_id, gf.id),
        year,
        MentoringRules {
            max_apprentices: 0,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ("max_apprentices", "out_of_range"));
    pairs::create(&store, &scope, &input(mentor, &[third]))
        .await
        .unwrap();
    // A proposal made under the limit is checked again when it starts:
    // with the limit lowered to one meanwhile, starting it is refused.
    let fourth = teacher(&store, "GF0047").await;
    let other_mentor = teacher(&store, "GF0008").await;
    let proposed = pairs::create(&store, &scope, &input(other_mentor, &[fourth]))
        .await
        .unwrap();
    pairs::act(&store, &scope, proposed, PairAction::Agree, None, "")
        .await
        .unwrap();
    let busy = teacher(&store, "GF0048").await;
    let mut full = input(other_mentor, &[busy]);
    full.subject = "另一学科".into();
    full.under_way = true;
    pairs::create(&store, &scope, &full).await.unwrap();
    let lower = |n: u8| {
        let (store, scope) = (store.clone(), scope.clone());
        async move {
            pairs::save_rules(
                &store,
                &scope,
                Place::school(gf.district_id, gf.id),
                year,
                MentoringRules {
                    max_apprentices: n,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    lower(1).await;
    let e = pairs::act(&store, &scope, proposed, PairAction::Activate, None, "")
        .await
        .unwrap_err();
    assert_eq!(code(e), ("mentor", "mentor_load"));
    assert_eq!(
        pairs::get(&store, &scope, proposed).await.unwrap().status,
        PairStatus::Agreed
    );
    lower(3).await;

    // Every other refusal, by name.
    let a = teacher(&store, "GF0043").await;
    let b = teacher(&store, "GF0044").await;
    let c = teacher(&store, "GF0045").await;
    let m2 = teacher(&store, "GF0009").await;
    let e = pairs::create(&store, &scope, &input(m2, &[m2]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("apprentices", "own_mentor"), "their own mentor");
    let e = pairs::create(&store, &scope, &input(m2, &[a, b, c]))
        .await
        .unwrap_err();
    assert_eq!(
        code(e),
        ("apprentices", "too_many_apprentices"),
        "a third apprentice"
    );
    let mut long = input(m2, &[a]);
    long.ends_on = long.starts_on + Days::new(3 * 366 + 1);
    let e = pairs::create(&store, &scope, &long).await.unwrap_err();
    assert_eq!(code(e), ("ends_on", "term_too_long"));
    // The demo teacher already has a mentor in their subject this term.
    let gf5 = teacher(&store, "GF0005").await;
    let e = pairs::create(&store, &scope, &input(m2, &[gf5]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("apprentices", "already_mentored"));
    // … but may have one in another subject (班主任工作).
    let mut other_subject = input(m2, &[gf5]);
    other_subject.subject = "班主任工作".into();
    pairs::create(&store, &scope, &other_subject).await.unwrap();
    // Apprentices of two schools in one pair.
    let kg = schools::get_by_code(&store, &scope, "YGYEY").await.unwrap();
    let kg_teacher = teachers_of_school(&store, kg.id).await[0];
    let e = pairs::create(&store, &scope, &input(m2, &[a, kg_teacher]))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("apprentices", "apprentices_one_school"));
    // A mentor of another district.
    let x = another_district_teacher(&store).await;
    let e = pairs::create(&store, &scope, &input(x, &[a])).await.unwrap_err();
    assert_eq!(code(e), ("mentor", "cross_district"));
    // A ceremony long before the term.
    let mut early = input(m2, &[a]);
    early.ceremony_on = Some(early.starts_on - Days::new(60));
    let e = pairs::create(&store, &scope, &early).await.unwrap_err();
    assert_eq!(code(e), ("ceremony_on", "outside_term"));
}
both_dbs!(the_load_limit_is_a_rule_and_refusals_write_nothing);

pub(crate) async fn another_district_teacher(store: &Store) -> i64 {
    use lingyan_store::districts::{self, DistrictChanges};
    use lingyan_store::schools::SchoolChanges;
    let scope = Scope::system("t");
    let district = districts::create(
        store,
        &scope,
        DistrictChanges {
            code: Some("XQ".into()),
            name: Some("西区".into()),
            name_en: None,
        },
    )
    .await
    .unwrap();
    let school = schools::create(
        store,
        &scope,
        district.id,
        SchoolChanges {
            code: Some("XQSY".into()),
            name: Some("西区实验小学".into()),
            name_en: None,
            school_type: Some("primary".into()),
            active: Some(true),
        },
    )
    .await
    .unwrap();
    let t = lingyan_store::teachers::create(
        store,
        &scope,
        school.id,
        &lingyan_store::teachers::TeacherInput {
            staff_no: Some("XQ0001".into()),
            name: Some("外区名师".into()),
            ..Default::default()
        },
        lingyan_store::calendar::today(),
    )
    .await
    .unwrap();
    t.id
}

async fn an_active_mentor_meets_the_mentor_duty_and_sees_cross_school(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let today = lingyan_store::calendar::today();
    // The kindergarten's duties ask backbone and mature teachers to mentor
    // an apprentice: the first such teacher is the mentor here.
    let kg = schools::get_by_code(&store, &scope, "YGYEY").await.unwrap();
    let staff = teachers_of_school(&store, kg.id).await;
    let counted = |store: Store, mentor: i64| async move {
        let progress = lingyan_store::duties::teacher(&store, &Scope::system("t"), mentor, today)
            .await
            .unwrap();
        let asked = progress.teachers[0]
            .results
            .iter()
            .any(|r| r.rule.ends_with("apprentice"));
        let mut ids: Vec<i64> = progress.teachers[0]
            .results
            .iter()
            .flat_map(|r| r.evidence.iter())
            .filter(|e| e.kind == CountedKind::Apprentice)
            .map(|e| e.id)
            .collect();
        ids.sort();
        ids.dedup();
        (asked, ids)
    };
    let mut mentor = None;
    for &t in &staff {
        let (asked, ids) = counted(store.clone(), t).await;
        if asked && ids.is_empty() {
            mentor = Some(t);
            break;
        }
    }
    let mentor = mentor.expect("a kindergarten teacher asked to mentor, without an apprentice");
    let mut free = Vec::new();
    for &t in staff.iter().rev() {
        let f = Filter {
            teacher_id: Some(t),
            ..Default::default()
        };
        if t != mentor && pairs::list(&store, &scope, &f).await.unwrap().is_empty() {
            free.push(t);
        }
    }
    let apprentice = free[0];
    assert_eq!(
        counted(store.clone(), mentor).await.1,
        Vec::<i64>::new(),
        "nothing yet"
    );
    let id = pairs::create(&store, &scope, &input(mentor, &[apprentice]))
        .await
        .unwrap();
    pairs::act(&store, &scope, id, PairAction::Agree, None, "")
        .await
        .unwrap();
    assert_eq!(
        counted(store.clone(), mentor).await.1,
        Vec::<i64>::new(),
        "agreed is not yet mentoring"
    );
    pairs::act(&store, &scope, id, PairAction::Activate, None, "")
        .await
        .unwrap();
    let link_ids: Vec<i64> = links(&store, id).await.iter().map(|l| l.id).collect();
    assert_eq!(link_ids.len(), 1);
    assert_eq!(
        counted(store.clone(), mentor).await.1,
        link_ids,
        "the mentor duty is met by the pair"
    );
    // Edited to another apprentice: the engine follows the new link.
    let other = free[1];
    let p = pairs::get(&store, &scope, id).await.unwrap();
    let mut changed = input(mentor, &[other]);
    changed.starts_on = p.starts_on;
    changed.ends_on = p.ends_on.unwrap();
    pairs::edit(&store, &scope, id, &changed).await.unwrap();
    let now = links(&store, id).await;
    assert_eq!(
        now.iter().map(|l| l.apprentice_teacher_id).collect::<Vec<_>>(),
        [other]
    );
    assert_eq!(counted(store.clone(), mentor).await.1, [now[0].id]);

    // The kindergarten's teacher mentors a primary-school apprentice:
    // the mentor's school lists the pair, the apprentice's manages it.
    let kg_mentor = staff[1];
    let apprentice = teacher(&store, "GF0046").await;
    let mut i = input(kg_mentor, &[apprentice]);
    i.under_way = true;
    let id = pairs::create(&store, &scope, &i).await.unwrap();
    assert!(pairs::get(&store, &scope, id).await.unwrap().cross_school());
    let from_kg = pairs::list(
        &store,
        &scope,
        &Filter {
            school_id: Some(kg.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(from_kg.iter().any(|p| p.id == id), "the mentor's school lists it");
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let from_gf = pairs::list(
        &store,
        &scope,
        &Filter {
            school_id: Some(gf.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(from_gf.iter().any(|p| p.id == id), "and the apprentice's");
}
both_dbs!(an_active_mentor_meets_the_mentor_duty_and_sees_cross_school);

pub(crate) async fn scope_of(store: &Store, username: &str) -> Scope {
    let u = lingyan_store::users::find_by_username(store, &Scope::system("t"), username)
        .await
        .unwrap();
    let account = lingyan_store::auth::account(store, u.id).await.unwrap().unwrap();
    lingyan_store::users::scope_for(store, &account, None)
        .await
        .unwrap()
}

fn stage_record(date: chrono::NaiveDate, title: &str) -> cycles::StageRecord {
    cycles::StageRecord {
        date: date.to_string(),
        title: title.into(),
        level: "school".into(),
        text: String::new(),
    }
}

async fn records_of(store: &Store, teacher: i64) -> u64 {
    let f = lingyan_store::evidence::EvidenceFilter {
        teacher_id: Some(teacher),
        ..Default::default()
    };
    let page = lingyan_domain::PageRequest { page: 1, per_page: 1 };
    lingyan_store::evidence::list(
        store,
        &Scope::system("t"),
        &f,
        page,
        lingyan_store::calendar::today(),
    )
    .await
    .unwrap()
    .total
}

async fn a_cycle_goes_stage_by_stage_with_the_owing_teachers_records(db: Db) {
    let (store, _dir) = demo(db, false).await;
    let scope = Scope::system("t");
    let today = lingyan_store::calendar::today();
    let mentor = teacher(&store, "GF0008").await;
    let apprentice = teacher(&store, "GF0040").await;
    let mut i = input(mentor, &[apprentice]);
    i.under_way = true;
    let pair = pairs::create(&store, &scope, &i).await.unwrap();
    let start = today - Days::new(9);
    let cycle = cycles::create(
        &store,
        &scope,
        pair,
        &CycleInput {
            title: "《圆的认识》".into(),
            apprentice_teacher_id: None,
            started_on: start,
        },
    )
    .await
    .unwrap();
    // One open cycle per apprentice.
    let again = CycleInput {
        title: "《角的度量》".into(),
        apprentice_teacher_id: Some(apprentice),
        started_on: start,
    };
    let e = cycles::create(&store, &scope, pair, &again).await.unwrap_err();
    assert_eq!(code(e), ("apprentice_teacher_id", "cycle_open"));
    let (_, c) = cycles::get(&store, &scope, cycle).await.unwrap();
    assert_eq!(c.next, Some(CycleStage::MentorClass));
    assert_eq!(c.next_owner().unwrap().teacher_id, mentor, "the mentor begins");

    // Out of order: the apprentice's class before the mentor's; nothing
    // is written to the portfolio.
    let before = records_of(&store, apprentice).await;
    let e = cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::ApprenticeClass,
        &stage_record(today, "公开课"),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ("stage", "stage_out_of_order"));
    assert_eq!(records_of(&store, apprentice).await, before);

    // The mentor's class, recorded on the spot.
    let mentor_class = cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::MentorClass,
        &stage_record(start + Days::new(1), "示范课《圆的认识》"),
    )
    .await
    .unwrap();
    let (_, c) = cycles::get(&store, &scope, cycle).await.unwrap();
    assert_eq!(c.next, Some(CycleStage::ApprenticeClass));
    assert_eq!(
        c.next_owner().unwrap().teacher_id,
        apprentice,
        "then the apprentice"
    );
    assert_eq!(c.stages[0].record.as_ref().unwrap().evidence_id, mentor_class);

    // Another teacher's record for the apprentice's stage, by name.
    let e = cycles::link(&store, &scope, cycle, CycleStage::ApprenticeClass, mentor_class)
        .await
        .unwrap_err();
    match e {
        Error::Invalid(f) => {
            assert_eq!((f.field, f.code), ("evidence_id", "record_of_other_teacher"));
            assert!(f.args.iter().any(|(k, v)| *k == "name" && !v.is_empty()));
        }
        other => panic!("{other:?}"),
    }
    // The apprentice's own records: one too early, one a reflection, one
    // that fits — only the last is offered, and only it links.
    let own = |date: chrono::NaiveDate, kind: EvidenceKind, details: &[(&str, &str)]| EvidenceInput {
        kind,
        date: date.to_string(),
        title: "《圆的认识》".into(),
        level: "school".into(),
        text: String::new(),
        details: details
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let early = lingyan_store::evidence::create(
        &store,
        &scope,
        apprentice,
        &own(
            start - Days::new(3),
            EvidenceKind::Class,
            &[("class_type", "open")],
        ),
        &[],
        today,
    )
    .await
    .unwrap();
    let reflection = lingyan_store::evidence::create(
        &store,
        &scope,
        apprentice,
        &own(
            start + Days::new(2),
            EvidenceKind::Writing,
            &[("writing_type", "reflection")],
        ),
        &[],
        today,
    )
    .await
    .unwrap();
    let fits = lingyan_store::evidence::create(
        &store,
        &scope,
        apprentice,
        &own(
            start + Days::new(2),
            EvidenceKind::Class,
            &[("class_type", "open")],
        ),
        &[],
        today,
    )
    .await
    .unwrap();
    let offered: Vec<i64> = cycles::candidates(&store, &scope, cycle)
        .await
        .unwrap()
        .iter()
        .map(|c| c.evidence_id)
        .collect();
    assert_eq!(offered, [fits.id]);
    let e = cycles::link(&store, &scope, cycle, CycleStage::ApprenticeClass, early.id)
        .await
        .unwrap_err();
    assert_eq!(code(e), ("evidence_id", "record_before_stage"));
    let e = cycles::link(&store, &scope, cycle, CycleStage::ApprenticeClass, reflection.id)
        .await
        .unwrap_err();
    assert_eq!(code(e), ("evidence_id", "stage_needs_class"));
    cycles::link(&store, &scope, cycle, CycleStage::ApprenticeClass, fits.id)
        .await
        .unwrap();

    // The mentor's comments: an observation of the apprentice. A bad
    // record (no title) names its field and writes nothing.
    let before = records_of(&store, mentor).await;
    let e = cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::Review,
        &stage_record(start + Days::new(2), " "),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::InvalidAll(_) | Error::Invalid(_)), "{e:?}");
    assert_eq!(records_of(&store, mentor).await, before);
    cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::Review,
        &stage_record(start + Days::new(2), "评课"),
    )
    .await
    .unwrap();
    cycles::link(&store, &scope, cycle, CycleStage::Reflection, reflection.id)
        .await
        .unwrap();
    // Only the last stage done comes off; its record stays.
    let e = cycles::unlink(&store, &scope, cycle, CycleStage::Review)
        .await
        .unwrap_err();
    assert_eq!(code(e), ("stage", "stage_not_last"));
    cycles::unlink(&store, &scope, cycle, CycleStage::Reflection)
        .await
        .unwrap();
    let (_, c) = cycles::get(&store, &scope, cycle).await.unwrap();
    assert_eq!(c.next, Some(CycleStage::Reflection));
    assert_eq!(c.stages_done(), 3);
    cycles::link(&store, &scope, cycle, CycleStage::Reflection, reflection.id)
        .await
        .unwrap();
    cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::RevisedPlan,
        &stage_record(start + Days::new(4), "教案（修改稿）"),
    )
    .await
    .unwrap();
    // The board shows the open cycle, owed by the apprentice.
    let f = Filter {
        teacher_id: Some(apprentice),
        ..Default::default()
    };
    let (open, completed) = cycles::board(&store, &scope, &f).await.unwrap();
    assert_eq!((open.len(), completed), (1, 0));
    assert_eq!(open[0].cycle.next, Some(CycleStage::ReportClass));
    assert_eq!(open[0].waiting_days, 5);
    cycles::record(
        &store,
        &scope,
        cycle,
        CycleStage::ReportClass,
        &stage_record(start + Days::new(8), "汇报课《圆的认识》"),
    )
    .await
    .unwrap();
    let (_, c) = cycles::get(&store, &scope, cycle).await.unwrap();
    assert!(c.done());
    assert_eq!(c.done_on, Some(start + Days::new(8)));
    let (open, completed) = cycles::board(&store, &scope, &f).await.unwrap();
    assert_eq!((open.len(), completed), (0, 1));
    // A finished cycle does not block the next.
    cycles::create(&store, &scope, pair, &again).await.unwrap();

    // The hours reach both teachers' credit ledgers: a lesson period for
    // each stage they fulfilled, and every meeting for both.
    let hours = |store: Store, t: i64| async move {
        lingyan_store::credits::transcript_of(&store, &Scope::system("t"), t, today, None)
            .await
            .unwrap()
            .entries
            .iter()
            .filter(|e| e.source == "mentoring")
            .map(|e| e.hours.in_hundredths())
            .sum::<i64>()
    };
    assert_eq!(
        hours(store.clone(), apprentice).await,
        300,
        "four stages of 45 minutes"
    );
    assert_eq!(hours(store.clone(), mentor).await, 150, "two stages");
    let meeting = lingyan_store::mentoring::log::add(
        &store,
        &scope,
        pair,
        &lingyan_domain::mentoring::MeetingInput {
            met_on: today,
            minutes: 60,
            topic: "评课".into(),
            notes: String::new(),
            private: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(hours(store.clone(), apprentice).await, 400);
    assert_eq!(hours(store.clone(), mentor).await, 250);
    lingyan_store::mentoring::log::remove(&store, &scope, meeting)
        .await
        .unwrap();
    assert_eq!(
        hours(store.clone(), mentor).await,
        150,
        "a meeting removed is taken off"
    );
}
both_dbs!(a_cycle_goes_stage_by_stage_with_the_owing_teachers_records);

async fn each_teacher_fills_only_their_own_stages(db: Db) {
    let (store, _dir) = demo(db, false).await;
    let teacher_scope = scope_of(&store, "teacher").await;
    let mentor_scope = scope_of(&store, "mentor").await;
    let today = lingyan_store::calendar::today();
    // The demo pair's cycle waiting for the mentor's comments.
    let (rows, _) = cycles::board(&store, &mentor_scope, &Filter::default())
        .await
        .unwrap();
    let waiting = rows
        .iter()
        .find(|r| r.cycle.next == Some(CycleStage::Review))
        .expect("the demo's cycle waiting for comments");
    assert!(waiting.cycle.may_fill, "the mentor may comment");
    let id = waiting.cycle.id;
    let (_, c) = cycles::get(&store, &teacher_scope, id).await.unwrap();
    assert!(!c.may_fill, "the other apprentice may not");
    let e = cycles::record(
        &store,
        &teacher_scope,
        id,
        CycleStage::Review,
        &stage_record(today, "评课"),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Forbidden), "{e:?}");
    cycles::record(
        &store,
        &mentor_scope,
        id,
        CycleStage::Review,
        &stage_record(today, "评课"),
    )
    .await
    .unwrap();
    let (_, c) = cycles::get(&store, &teacher_scope, id).await.unwrap();
    assert_eq!(c.next, Some(CycleStage::Reflection));
    // The director's teacher account in another pair reads no cycle of
    // this one.
    let principal = scope_of(&store, "kgdirector").await;
    assert!(matches!(
        cycles::get(&store, &principal, id).await.unwrap_err(),
        Error::NotFound
    ));
}
both_dbs!(each_teacher_fills_only_their_own_stages);

async fn a_mentoring_week_collects_what_the_running_pairs_did_in_it(db: Db) {
    use lingyan_domain::mentoring::MeetingInput;
    use lingyan_domain::mentoring::week::WeekInput;
    use lingyan_store::mentoring::{log, weeks};
    let (store, _dir) = demo(db, false).await;
    let sys = Scope::system("t");
    let director = scope_of(&store, "director").await;
    let today = lingyan_store::calendar::today();
    let ago = |n: u64| today - Days::new(n);
    let gf = schools::get_by_code(&store, &sys, "GFSY").await.unwrap().id;
    // A pair running for two months, with meetings inside and outside the
    // week, a cycle started and a stage done in it.
    let mentor = teacher(&store, "GF0008").await;
    let apprentice = teacher(&store, "GF0040").await;
    let mut i = input(mentor, &[apprentice]);
    i.starts_on = ago(60);
    i.under_way = true;
    let pair = pairs::create(&store, &sys, &i).await.unwrap();
    for (n, topic) in [(44, "制订结对计划"), (42, "评课：《圆的认识》"), (40, "周后交流")]
    {
        let m = MeetingInput {
            met_on: ago(n),
            minutes: 45,
            topic: topic.into(),
            notes: "只给师傅看的备注".into(),
            private: true,
        };
        log::add(&store, &sys, pair, &m).await.unwrap();
    }
    let cycle = cycles::create(
        &store,
        &sys,
        pair,
        &CycleInput {
            title: "《圆的认识》".into(),
            apprentice_teacher_id: Some(apprentice),
            started_on: ago(43),
        },
    )
    .await
    .unwrap();
    cycles::record(
        &store,
        &sys,
        cycle,
        CycleStage::MentorClass,
        &stage_record(ago(41), "示范课《圆的认识》"),
    )
    .await
    .unwrap();
    cycles::record(
        &store,
        &sys,
        cycle,
        CycleStage::ApprenticeClass,
        &stage_record(ago(39), "公开课《圆的认识》"),
    )
    .await
    .unwrap();
    let week = |from: u64, to: u64| WeekInput {
        title: "春季师徒活动周".into(),
        theme: "师徒互相听课".into(),
        starts_on: ago(from),
        ends_on: ago(to),
    };
    let before = weeks::list(&store, &director, gf).await.unwrap().len();
    let w = weeks::create(&store, &director, gf, &week(45, 41)).await.unwrap();
    let r = weeks::report(&store, &director, w.id).await.unwrap();
    let mine = r
        .pairs
        .iter()
        .find(|p| p.pair.id == pair)
        .expect("the pair ran in the week");
    let topics: Vec<&str> = mine.meetings.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(
        topics,
        ["制订结对计划", "评课：《圆的认识》"],
        "the meeting after the week is not its"
    );
    assert_eq!(mine.minutes(), 90);
    assert_eq!(mine.cycles_started.len(), 1);
    let stages: Vec<(CycleStage, &str)> = mine.stages.iter().map(|s| (s.stage, s.record.as_str())).collect();
    assert_eq!(
        stages,
        [(CycleStage::MentorClass, "示范课《圆的认识》")],
        "the apprentice's class two days later is not the week's"
    );
    assert!(
        !serde_json::to_string(&r).unwrap().contains("只给师傅看的备注"),
        "notes stay in the log"
    );
    // Pairs that did nothing come first; proposed or ended pairs are not listed.
    let firsts: Vec<bool> = r.pairs.iter().map(|p| p.active()).collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{firsts:?}");
    assert!(
        r.pairs
            .iter()
            .all(|p| matches!(p.pair.status, PairStatus::Active | PairStatus::Concluded))
    );
    assert!(r.pairs.iter().all(|p| p.pair.starts_on <= ago(41)));
    assert_eq!(r.active_pairs(), r.pairs.iter().filter(|p| p.active()).count());
    // Refused by name, nothing written.
    let e = weeks::create(&store, &director, gf, &week(43, 39))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("starts_on", "week_overlaps"));
    let e = weeks::create(&store, &director, gf, &week(80, 60))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("ends_on", "week_too_long"));
    let e = weeks::create(&store, &director, gf, &week(70, 72))
        .await
        .unwrap_err();
    assert_eq!(code(e), ("ends_on", "end_before_start"));
    let held = weeks::list(&store, &director, gf)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.title == "师徒活动周")
        .expect("the demo's week");
    let onto = WeekInput {
        starts_on: held.ends_on,
        ends_on: held.ends_on + Days::new(2),
        ..week(45, 41)
    };
    let e = weeks::update(&store, &director, w.id, &onto).await.unwrap_err();
    assert_eq!(code(e), ("starts_on", "week_overlaps"));
    assert_eq!(
        weeks::list(&store, &director, gf).await.unwrap().len(),
        before + 1
    );
    // Who may: a teacher of the school neither sets nor reads a week's
    // report; another school's director does not find it.
    let teacher_scope = scope_of(&store, "teacher").await;
    assert!(matches!(
        weeks::create(&store, &teacher_scope, gf, &week(100, 96))
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    assert!(matches!(
        weeks::report(&store, &teacher_scope, w.id).await.unwrap_err(),
        Error::Forbidden
    ));
    let other = scope_of(&store, "kgdirector").await;
    assert!(matches!(
        weeks::report(&store, &other, w.id).await.unwrap_err(),
        Error::NotFound
    ));
    assert!(matches!(
        weeks::delete(&store, &other, w.id).await.unwrap_err(),
        Error::NotFound
    ));
    // The teacher is told of the week coming at their pair's school.
    let coming = weeks::for_teacher(&store, &teacher_scope, apprentice, today, 14)
        .await
        .unwrap()
        .expect("the demo's coming week");
    assert!(coming.starts_on > today && coming.school_id == gf);
    // Moved and removed; the pair's log stays.
    let moved = weeks::update(&store, &director, w.id, &week(46, 44))
        .await
        .unwrap();
    assert_eq!(moved.ends_on, ago(44));
    let r = weeks::report(&store, &director, w.id).await.unwrap();
    let mine = r.pairs.iter().find(|p| p.pair.id == pair).unwrap();
    assert_eq!(mine.meetings.len(), 1);
    weeks::delete(&store, &director, w.id).await.unwrap();
    assert_eq!(weeks::list(&store, &director, gf).await.unwrap().len(), before);
    assert_eq!(
        log::list(&store, &sys, pair).await.unwrap().meetings.len(),
        3,
        "the meetings stay"
    );
}
both_dbs!(a_mentoring_week_collects_what_the_running_pairs_did_in_it);
