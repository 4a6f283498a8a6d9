//! What keeps the pages fast must not change what they show: a school's
//! kept duty results equal each teacher's computed alone, and move on with
//! every change; a session is written when it changes, not on every request.

use lingyan_domain::{EvidenceStatus, PageRequest};
use lingyan_store::duties::{self, ProgressFilter};
use lingyan_store::evidence::{self, EvidenceFilter};
use lingyan_store::sessions::DbSessionStore;
use lingyan_store::testing::{Db, demo, fresh};
use lingyan_store::{Scope, both_dbs, schools};
use std::collections::HashMap;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

fn results(p: &duties::SchoolProgress) -> HashMap<i64, serde_json::Value> {
    p.teachers
        .iter()
        .map(|t| (t.teacher_id, serde_json::to_value(t).unwrap()))
        .collect()
}

async fn kept_results_equal_each_teacher_alone(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    // The demo's records are dated from today.
    let today = lingyan_store::calendar::today();
    let whole = |store: lingyan_store::Store| {
        let scope = scope.clone();
        async move {
            duties::school(&store, &scope, gf.id, today, &ProgressFilter::default())
                .await
                .unwrap()
        }
    };
    let alone = |store: lingyan_store::Store, id: i64| {
        let scope = scope.clone();
        async move {
            let p = duties::teacher(&store, &scope, id, today).await.unwrap();
            assert_eq!(p.teachers.len(), 1);
            serde_json::to_value(&p.teachers[0]).unwrap()
        }
    };

    // Each teacher alone (nothing kept yet), then the whole school.
    let ids: Vec<i64> = {
        let fresh = store.forgetting();
        whole(fresh).await.teachers.iter().map(|t| t.teacher_id).collect()
    };
    assert!(ids.len() > 20, "the demo school has its staff");
    let mut by_teacher = HashMap::new();
    for id in &ids {
        by_teacher.insert(*id, alone(store.forgetting(), *id).await);
    }
    let first = whole(store.clone()).await;
    assert_eq!(
        results(&first),
        by_teacher,
        "the matrix's rows are each teacher's own"
    );
    // Kept: a teacher's card comes from the school's results.
    assert_eq!(alone(store.clone(), ids[0]).await, by_teacher[&ids[0]]);
    // Filters narrow kept results as they narrow computed ones.
    let tier = first.teachers[0].tier.clone();
    let filter = ProgressFilter {
        tier: tier.clone(),
        ..Default::default()
    };
    let narrowed = duties::school(&store, &scope, gf.id, today, &filter)
        .await
        .unwrap();
    let computed = duties::school(&store.forgetting(), &scope, gf.id, today, &filter)
        .await
        .unwrap();
    assert_eq!(results(&narrowed), results(&computed));
    assert!(narrowed.teachers.iter().all(|t| t.tier == tier));

    // Verifying the school's pending records changes what counts: the kept
    // results move on with it.
    let pending = evidence::list(
        &store,
        &scope,
        &EvidenceFilter {
            school_id: Some(gf.id),
            status: Some(EvidenceStatus::Recorded),
            ..Default::default()
        },
        PageRequest {
            page: 1,
            per_page: 100,
        },
        today,
    )
    .await
    .unwrap();
    assert!(!pending.items.is_empty(), "the demo has records to verify");
    let ids_pending: Vec<i64> = pending.items.iter().map(|e| e.id).collect();
    evidence::verify(&store, &scope, &ids_pending, today)
        .await
        .unwrap();
    let after = whole(store.clone()).await;
    let recomputed = whole(store.forgetting()).await;
    assert_eq!(
        results(&after),
        results(&recomputed),
        "kept results follow the change"
    );
    assert_ne!(results(&after), results(&first), "verified records count");
}

both_dbs!(kept_results_equal_each_teacher_alone);

async fn kept_status_analysis_follows_the_registry(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let today = lingyan_store::calendar::today();
    let analysis = |store: lingyan_store::Store| {
        let scope = scope.clone();
        async move {
            lingyan_store::status::for_school(&store, &scope, gf.id, today)
                .await
                .unwrap()
                .analysis
        }
    };
    let before = analysis(store.clone()).await;
    assert_eq!(analysis(store.clone()).await, before, "kept");
    // A young teacher made a provincial backbone teacher: the school's
    // figures change at once.
    let young = lingyan_store::teachers::list(
        &store,
        &scope,
        &lingyan_store::teachers::TeacherFilter {
            q: Some("张晓雨".into()),
            ..Default::default()
        },
        PageRequest::default(),
        today,
    )
    .await
    .unwrap()
    .items[0]
        .id;
    lingyan_store::teachers::add_honour(
        &store,
        &scope,
        young,
        &lingyan_store::teachers::HonourInput {
            kind: "省级骨干教师".into(),
            granted_year: "2026".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let after = analysis(store.clone()).await;
    assert_eq!(after, analysis(store.forgetting()).await);
    assert_eq!(after.backbone_total.count, before.backbone_total.count + 1);
}

both_dbs!(kept_status_analysis_follows_the_registry);

async fn sessions_written_when_they_change(db: Db) {
    let (store, _dir) = fresh(db).await;
    let server = DbSessionStore::new(store.clone());
    let other = || DbSessionStore::new(store.clone());
    let start = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + time::Duration::hours(8);
    let mut record = Record {
        id: Id::default(),
        data: HashMap::from([("user".to_string(), serde_json::json!(1))]),
        expiry_date: start,
    };
    server.create(&mut record).await.unwrap();
    let stored = |id: Id| async move { other().load(&id).await.unwrap().unwrap() };
    assert_eq!(stored(record.id).await.expiry_date, start);

    // A request a minute later moves the expiry a minute: not written.
    record.expiry_date = start + time::Duration::minutes(1);
    server.save(&record).await.unwrap();
    assert_eq!(stored(record.id).await.expiry_date, start);
    // Ten minutes later: written.
    record.expiry_date = start + time::Duration::minutes(10);
    server.save(&record).await.unwrap();
    assert_eq!(stored(record.id).await.expiry_date, record.expiry_date);
    // Changed data is written at once.
    record.data.insert("lang".into(), serde_json::json!("en"));
    record.expiry_date += time::Duration::seconds(1);
    server.save(&record).await.unwrap();
    assert_eq!(stored(record.id).await.data, record.data);
    // Deleted, then saved again (a new login on the same id): written.
    server.delete(&record.id).await.unwrap();
    assert!(other().load(&record.id).await.unwrap().is_none());
    server.save(&record).await.unwrap();
    assert_eq!(stored(record.id).await.data, record.data);
}

both_dbs!(sessions_written_when_they_change);

/// A record names teachers of other schools (co-owners, an observed
/// teacher), and a mentor may teach in another school than the apprentice:
/// what is kept for those schools moves on with every change that names
/// them — writing, editing away, verifying, deleting, pairing, ending.
async fn changes_naming_another_schools_teachers_move_it_on(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let today = lingyan_store::calendar::today();
    let teacher_of = |code: &'static str| {
        let (store, scope) = (store.clone(), scope.clone());
        async move {
            lingyan_store::teachers::list(
                &store,
                &scope,
                &lingyan_store::teachers::TeacherFilter {
                    q: Some(code.into()),
                    ..Default::default()
                },
                PageRequest::default(),
                today,
            )
            .await
            .unwrap()
            .items[0]
                .clone()
        }
    };
    let owner = teacher_of("GF0005").await;
    let other = teacher_of("YG0002").await;
    assert_ne!(owner.school_id, other.school_id);
    let revision = || duties::school_revision(&store, other.district_id, other.school_id);
    let mut last = revision().await.unwrap();
    let mut moved = |now: i64, what: &str| {
        assert!(
            now > last,
            "{what}: the other school's revision {now} did not move on from {last}"
        );
        last = now;
    };
    let input = lingyan_domain::EvidenceInput {
        kind: lingyan_domain::EvidenceKind::Reading,
        date: "2026-10-01".into(),
        title: "共读".into(),
        ..Default::default()
    };
    // The co-owner's portfolio (kept by their school's revision) follows.
    let portfolio = || {
        let (store, scope) = (store.clone(), scope.clone());
        async move {
            let filter = EvidenceFilter {
                teacher_id: Some(other.id),
                ..Default::default()
            };
            evidence::list(&store, &scope, &filter, PageRequest::default(), today)
                .await
                .unwrap()
                .total
        }
    };
    let theirs = portfolio().await;
    assert_eq!(portfolio().await, theirs);
    let e = evidence::create(&store, &scope, owner.id, &input, &[other.id], today)
        .await
        .unwrap();
    moved(revision().await.unwrap(), "a record naming a co-owner");
    assert_eq!(portfolio().await, theirs + 1, "the co-owner's portfolio shows it");
    evidence::verify(&store, &scope, &[e.id], today).await.unwrap();
    moved(revision().await.unwrap(), "verifying it");
    evidence::update(&store, &scope, e.id, &input, Some(&[]), today)
        .await
        .unwrap();
    moved(revision().await.unwrap(), "the co-owner edited away");
    assert_eq!(portfolio().await, theirs, "and no longer once edited away");
    evidence::update(&store, &scope, e.id, &input, Some(&[other.id]), today)
        .await
        .unwrap();
    moved(revision().await.unwrap(), "named again");
    evidence::delete(&store, &scope, e.id, today).await.unwrap();
    moved(revision().await.unwrap(), "deleting it");
    // A project with a member of another school: their portfolio's
    // projects (kept by their school) follow it on and off.
    let projects = || {
        let (store, scope) = (store.clone(), scope.clone());
        async move {
            lingyan_store::projects::list(&store, &scope, Some(other.id), None, today)
                .await
                .unwrap()
                .len()
        }
    };
    let theirs = projects().await;
    assert_eq!(projects().await, theirs);
    let mut project = lingyan_store::projects::ProjectInput {
        title: "整本书阅读的课堂实践".into(),
        level: "county".into(),
        number: String::new(),
        text: String::new(),
        applied_on: "2026-09-10".into(),
        host_teacher_id: owner.id,
        members: vec![other.id],
    };
    let p = lingyan_store::projects::create(&store, &scope, &project, today)
        .await
        .unwrap();
    assert_eq!(projects().await, theirs + 1, "a member sees the project");
    project.members.clear();
    lingyan_store::projects::update(&store, &scope, p.id, &project, today)
        .await
        .unwrap();
    assert_eq!(projects().await, theirs, "taken off, no longer");

    // A mentor of another school: their school moves on with the pair.
    let mentor_rev = || duties::school_revision(&store, owner.district_id, owner.school_id);
    let before = mentor_rev().await.unwrap();
    let input = lingyan_domain::mentoring::PairInput {
        mentor_teacher_id: owner.id,
        apprentice_teacher_ids: vec![other.id],
        kind: lingyan_domain::mentoring::PairKind::OneOnOne,
        subject: "跨校带徒".into(),
        starts_on: "2026-11-01".parse().unwrap(),
        ends_on: "2027-07-15".parse().unwrap(),
        ceremony_on: None,
        mentor_goals: String::new(),
        apprentice_goals: String::new(),
        under_way: true,
    };
    let pair = lingyan_store::mentoring::pairs::create(&store, &scope, &input)
        .await
        .unwrap();
    let paired = mentor_rev().await.unwrap();
    assert!(paired > before, "pairing moves the mentor's school on");
    lingyan_store::mentoring::pairs::act(
        &store,
        &scope,
        pair,
        lingyan_domain::mentoring::PairAction::Dissolve,
        Some("2026-11-30".parse().unwrap()),
        "调动",
    )
    .await
    .unwrap();
    assert!(mentor_rev().await.unwrap() > paired, "ending it too");
}

both_dbs!(changes_naming_another_schools_teachers_move_it_on);
