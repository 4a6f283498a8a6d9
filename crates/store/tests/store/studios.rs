//! Master-teacher studios: set up by the district, members from its
//! schools, activities recorded by the master with send-teaching naming
//! its school, every refusal by name with nothing written, and who sees a
//! studio from where.

use crate::mentoring::{another_district_teacher, scope_of};
use chrono::Days;
use lingyan_domain::studios::{MemberInput, StudioActivityInput, StudioActivityKind, StudioInput};
use lingyan_store::studios;
use lingyan_store::testing::{Db, demo, teacher_by_staff_no};
use lingyan_store::{Error, Scope, Store, both_dbs, schools};

fn code(e: Error) -> (&'static str, &'static str) {
    match e {
        Error::Invalid(f) | Error::Conflict(f) => (f.field, f.code),
        Error::InvalidAll(v) => (v[0].field, v[0].code),
        other => panic!("not a refusal by field: {other:?}"),
    }
}

fn activity(kind: StudioActivityKind, title: &str) -> StudioActivityInput {
    StudioActivityInput {
        held_on: lingyan_store::calendar::today() - Days::new(3),
        kind,
        title: title.into(),
        place: String::new(),
        minutes: 90,
        led_by_teacher_id: None,
        receiving_school_id: None,
        receiving_school_name: String::new(),
        summary: String::new(),
    }
}

async fn ids(store: &Store, scope: &Scope) -> Vec<i64> {
    studios::list(store, scope, lingyan_store::calendar::today())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.studio.id)
        .collect()
}

async fn a_studio_is_set_up_staffed_and_recorded_by_its_master(db: Db) {
    let (store, _dir) = demo(db, false).await;
    let sys = Scope::system("t");
    let today = lingyan_store::calendar::today();
    let gf = schools::get_by_code(&store, &sys, "GFSY").await.unwrap();
    let kg = schools::get_by_code(&store, &sys, "YGYEY").await.unwrap();
    let district = scope_of(&store, "district").await;
    let director = scope_of(&store, "director").await;
    let kgdirector = scope_of(&store, "kgdirector").await;
    let mentor = scope_of(&store, "mentor").await;
    let teacher = scope_of(&store, "teacher").await;
    let master = teacher_by_staff_no(&store, "GF0004").await;
    let input = |name: &str, master: i64| StudioInput {
        name: name.into(),
        master_teacher_id: master,
        subject: "小学数学".into(),
        starts_on: today - Days::new(100),
        ends_on: Some(today + Days::new(900)),
        aims: "三年培养区级骨干两名".into(),
    };
    // Refused by name, nothing written; a school's director sets none up.
    let before = ids(&store, &district).await.len();
    let outsider = another_district_teacher(&store).await;
    let e = studios::create(
        &store,
        &district,
        gf.district_id,
        &input("数学名师工作室", outsider),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ("master", "studio_other_district"));
    let mut long = input("数学名师工作室", master);
    long.ends_on = Some(today + Days::new(2000));
    assert_eq!(
        code(
            studios::create(&store, &district, gf.district_id, &long)
                .await
                .unwrap_err()
        ),
        ("ends_on", "term_too_long")
    );
    assert_eq!(
        code(
            studios::create(&store, &district, gf.district_id, &input(" ", master))
                .await
                .unwrap_err()
        ),
        ("studio_name", "required")
    );
    assert!(matches!(
        studios::create(
            &store,
            &director,
            gf.district_id,
            &input("数学名师工作室", master)
        )
        .await
        .unwrap_err(),
        Error::Forbidden | Error::NotFound
    ));
    assert_eq!(ids(&store, &district).await.len(), before);
    let id = studios::create(
        &store,
        &district,
        gf.district_id,
        &input("数学名师工作室", master),
    )
    .await
    .unwrap();
    // Members: from the district's schools, not the master, not twice.
    let gf_member = teacher_by_staff_no(&store, "GF0040").await;
    let kg_member = teacher_by_staff_no(&store, "YG0002").await;
    let join = |t: i64| MemberInput {
        teacher_id: t,
        joined_on: None,
    };
    studios::add_member(&store, &district, id, &join(gf_member))
        .await
        .unwrap();
    assert_eq!(
        code(
            studios::add_member(&store, &district, id, &join(gf_member))
                .await
                .unwrap_err()
        ),
        ("teacher", "studio_member_already")
    );
    assert_eq!(
        code(
            studios::add_member(&store, &district, id, &join(master))
                .await
                .unwrap_err()
        ),
        ("teacher", "studio_master_member")
    );
    assert_eq!(
        code(
            studios::add_member(&store, &district, id, &join(outsider))
                .await
                .unwrap_err()
        ),
        ("teacher", "studio_other_district")
    );
    let early = MemberInput {
        teacher_id: kg_member,
        joined_on: Some(today - Days::new(200)),
    };
    assert_eq!(
        code(
            studios::add_member(&store, &district, id, &early)
                .await
                .unwrap_err()
        ),
        ("joined_on", "studio_outside_term")
    );
    assert!(matches!(
        studios::add_member(&store, &mentor, id, &join(kg_member))
            .await
            .unwrap_err(),
        Error::Forbidden
    ));
    // Who sees it: the district, the master, the primary school's leaders
    // (their teachers are in it) — not the kindergarten's until one of
    // its teachers joins, not a teacher outside it.
    assert!(ids(&store, &district).await.contains(&id));
    assert!(ids(&store, &mentor).await.contains(&id));
    assert!(ids(&store, &director).await.contains(&id));
    assert!(!ids(&store, &kgdirector).await.contains(&id));
    assert!(matches!(
        studios::get(&store, &kgdirector, id).await.unwrap_err(),
        Error::NotFound
    ));
    assert!(!ids(&store, &teacher).await.contains(&id));
    studios::add_member(&store, &district, id, &join(kg_member))
        .await
        .unwrap();
    assert!(ids(&store, &kgdirector).await.contains(&id));
    let p = studios::get(&store, &district, id).await.unwrap();
    assert_eq!(p.studio.members.len(), 2);
    assert_eq!(
        p.studio.schools().len(),
        2,
        "the primary school and the kindergarten"
    );
    assert!(p.studio.may_manage && p.studio.may_record);
    let p = studios::get(&store, &director, id).await.unwrap();
    assert!(
        !p.studio.may_manage && !p.studio.may_record,
        "a school's leader reads it"
    );
    // Activities: the master records; send-teaching names its school.
    let e = studios::add_activity(
        &store,
        &mentor,
        id,
        &activity(StudioActivityKind::SendTeaching, "送教《植树问题》"),
    )
    .await
    .unwrap_err();
    assert_eq!(code(e), ("receiving_school", "required_for_send_teaching"));
    let mut far = activity(StudioActivityKind::SendTeaching, "送教《植树问题》");
    far.receiving_school_id = Some(schools::get_by_code(&store, &sys, "XQSY").await.unwrap().id);
    assert_eq!(
        code(
            studios::add_activity(&store, &mentor, id, &far)
                .await
                .unwrap_err()
        ),
        ("receiving_school", "studio_other_district")
    );
    let mut stranger = activity(StudioActivityKind::Lecture, "讲座");
    stranger.led_by_teacher_id = Some(teacher_by_staff_no(&store, "GF0005").await);
    assert_eq!(
        code(
            studios::add_activity(&store, &mentor, id, &stranger)
                .await
                .unwrap_err()
        ),
        ("led_by", "studio_not_member")
    );
    assert!(matches!(
        studios::add_activity(
            &store,
            &director,
            id,
            &activity(StudioActivityKind::Lecture, "讲座")
        )
        .await
        .unwrap_err(),
        Error::Forbidden
    ));
    let mut before_term = activity(StudioActivityKind::Lecture, "讲座");
    before_term.held_on = today - Days::new(101);
    assert_eq!(
        code(
            studios::add_activity(&store, &mentor, id, &before_term)
                .await
                .unwrap_err()
        ),
        ("held_on", "studio_outside_term")
    );
    let mut village = activity(StudioActivityKind::SendTeaching, "送教《植树问题》");
    village.receiving_school_name = "水寨中心小学".into();
    studios::add_activity(&store, &mentor, id, &village)
        .await
        .unwrap();
    let mut to_kg = activity(StudioActivityKind::SendTeaching, "送教：家长课堂");
    to_kg.receiving_school_id = Some(kg.id);
    to_kg.led_by_teacher_id = Some(gf_member);
    to_kg.held_on = today;
    let kg_visit = studios::add_activity(&store, &mentor, id, &to_kg).await.unwrap();
    studios::add_activity(
        &store,
        &mentor,
        id,
        &activity(StudioActivityKind::Seminar, "课例研讨"),
    )
    .await
    .unwrap();
    let p = studios::get(&store, &district, id).await.unwrap();
    assert_eq!(p.activities.len(), 3);
    assert_eq!(p.activities[0].id, kg_visit, "newest first");
    let (sent, reached) = p.send_teaching();
    assert_eq!(sent, 2);
    let names: Vec<&str> = reached.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["水寨中心小学", kg.name.as_str()]);
    let row = studios::list(&store, &district, today)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.studio.id == id)
        .unwrap();
    assert_eq!((row.activities, row.send_teaching, row.minutes), (3, 2, 270));
    // A new term keeps what was recorded inside it.
    let mut later = input("数学名师工作室", master);
    later.starts_on = today - Days::new(2);
    assert_eq!(
        code(studios::update(&store, &district, id, &later).await.unwrap_err()),
        ("starts_on", "studio_term_leaves_records")
    );
    // A member leaves (kept as former); the master becoming another member
    // takes them off the members.
    studios::remove_member(&store, &district, id, kg_member)
        .await
        .unwrap();
    let p = studios::get(&store, &district, id).await.unwrap();
    assert_eq!(p.studio.members.len(), 1);
    assert!(
        p.studio.former.is_empty(),
        "one who joined today is taken off, not kept"
    );
    studios::update(&store, &district, id, &input("数学名师工作室", gf_member))
        .await
        .unwrap();
    let p = studios::get(&store, &district, id).await.unwrap();
    assert_eq!(p.studio.master.teacher_id, gf_member);
    assert!(p.studio.members.is_empty());
    assert!(
        !ids(&store, &mentor).await.contains(&id),
        "the old master no longer reads it"
    );
    // The removed activity goes; the glance counts what is left.
    studios::remove_activity(&store, &district, kg_visit)
        .await
        .unwrap();
    let g = studios::glance(&store, &district, today).await.unwrap().unwrap();
    assert!(g.studios >= 2 && g.send_teaching >= 1, "{g:?}");
    assert_eq!(
        studios::of_teacher(&store, gf_member, today).await.unwrap(),
        [(id, "数学名师工作室".to_string(), true)]
    );
}
both_dbs!(a_studio_is_set_up_staffed_and_recorded_by_its_master);
