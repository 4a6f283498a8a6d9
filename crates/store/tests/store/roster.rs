//! Roster import: formats, encodings, dates, all-or-nothing, re-import,
//! limits, and export read back in.

use chrono::NaiveDate;
use lingyan_domain::{Education, Employment, Gender, HonourKind, Level, PageRequest, Post, Section};
use lingyan_store::districts::DistrictChanges;
use lingyan_store::roster::{COLUMNS, export_rows, import};
use lingyan_store::schools::SchoolChanges;
use lingyan_store::teachers::{TeacherFilter, list};
use lingyan_store::testing::{Db, fresh};
use lingyan_store::{Scope, Store, both_dbs, districts, schools};

const MAX: usize = 20 * 1024 * 1024;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
}

async fn school(store: &Store) -> i64 {
    let scope = Scope::system("test");
    let d = districts::create(
        store,
        &scope,
        DistrictChanges {
            code: Some("TD".into()),
            name: Some("测试区".into()),
            name_en: None,
        },
    )
    .await
    .unwrap();
    schools::create(
        store,
        &scope,
        d.id,
        SchoolChanges {
            code: Some("TS".into()),
            name: Some("测试学校".into()),
            school_type: Some("primary".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

async fn teachers(store: &Store, school_id: i64) -> Vec<lingyan_store::teachers::Teacher> {
    list(
        store,
        &Scope::system("test"),
        &TeacherFilter {
            school_id: Some(school_id),
            sort: lingyan_store::teachers::SortBy::StaffNo,
            ..Default::default()
        },
        PageRequest::new(Some(1), Some(500)),
        today(),
    )
    .await
    .unwrap()
    .items
}

const CSV: &str = "\
工号,姓名,性别,出生日期,参加工作时间,学历,所学专业,专业对口,编制,岗位,是否一线,任教学科,学段,职称,职务,骨干级别,荣誉称号,获评年份
T001,王芳,女,1990-03-15,2012-09-01,本科,汉语言文学,是,在编,专任教师,是,语文、道德与法治,小学部,一级教师,班主任,县级,市级教坛新秀,2021
T002,李强,男,1985/7/1,2008.9,研究生,数学,是,临聘,专任教师,是,数学,小学部,高级教师,,省级骨干教师,,2019
T003,赵敏,女,1998年5月20日,2021年9月,大专,会计学,否,在编在岗,行政,否,,小学部,,,,,
";

async fn csv_utf8_bom_and_gbk(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let scope = Scope::system("test");
    let r = import(&store, &scope, sid, "a.csv", CSV.as_bytes(), false, MAX, today())
        .await
        .unwrap();
    assert!(r.ok(), "{:?}", r.errors);
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.honours_added),
        (3, 3, 0, 0, 3)
    );
    let ts = teachers(&store, sid).await;
    let wang = &ts[0].fields;
    assert_eq!(
        (wang.name.as_str(), wang.gender, wang.education),
        ("王芳", Some(Gender::Female), Some(Education::Bachelor))
    );
    assert_eq!(wang.subjects, vec!["语文", "道德与法治"]);
    assert_eq!(
        (wang.employment, wang.post, wang.front_line),
        (
            Some(Employment::OnEstablishment),
            Some(Post::FullTimeTeacher),
            Some(true)
        )
    );
    assert_eq!(wang.section, Some(Section::Primary));
    assert_eq!(ts[0].backbone_level, Some(Level::County));
    assert!(ts[0].honours.iter().any(|h| h.kind == HonourKind::RisingStar
        && h.level == Level::Municipal
        && h.granted_year == Some(2021)));
    assert_eq!(ts[1].fields.birth_date, NaiveDate::from_ymd_opt(1985, 7, 1));
    assert_eq!(ts[1].fields.work_start, NaiveDate::from_ymd_opt(2008, 9, 1));
    assert_eq!(ts[1].fields.education, Some(Education::Master));
    assert_eq!(ts[1].backbone_level, Some(Level::Provincial));
    assert_eq!(ts[2].fields.birth_date, NaiveDate::from_ymd_opt(1998, 5, 20));
    assert_eq!(ts[2].fields.major_matches, Some(false));

    // The same file with a BOM, then in GBK, into fresh schools of their own.
    for (label, bytes) in [
        ("bom", [&[0xEF, 0xBB, 0xBF][..], CSV.as_bytes()].concat()),
        ("gbk", encoding_rs::GBK.encode(CSV).0.into_owned()),
    ] {
        let (store, _dir) = fresh(db).await;
        let sid = school(&store).await;
        let r = import(&store, &scope, sid, label, &bytes, false, MAX, today())
            .await
            .unwrap();
        assert!(r.ok(), "{label}: {:?}", r.errors);
        assert_eq!(r.added, 3, "{label}");
        let ts = teachers(&store, sid).await;
        assert_eq!(ts[0].fields.name, "王芳", "{label}");
        assert_eq!(ts[1].fields.subjects, vec!["数学"], "{label}");
    }
}
both_dbs!(csv_utf8_bom_and_gbk);

async fn xlsx_with_title_row_dates_and_unknown_columns(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "2025年秋季教职工花名册").unwrap();
    // Headers in another order, one in English, one unknown.
    for (c, h) in ["姓名", "出生年月", "备注", "staff_no", "参加工作时间", "性别"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let rows: [(&str, &str, &str); 7] = [
        ("陈一", "2019-09-01", "serial"),
        ("陈二", "2019/9/1", "text"),
        ("陈三", "2019.9.1", "text"),
        ("陈四", "2019.09", "text"),
        ("陈五", "2019年9月1日", "text"),
        ("陈六", "2019年9月", "text"),
        ("陈七", "43709", "number"),
    ];
    for (i, (name, work, how)) in rows.iter().enumerate() {
        let r = (i + 2) as u32;
        ws.write_string(r, 0, *name).unwrap();
        // A real date cell for the birth date.
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(1990, 1, 1 + i as u8).unwrap();
        ws.write_datetime_with_format(r, 1, &d, &date_fmt).unwrap();
        ws.write_string(r, 2, "调入").unwrap();
        ws.write_number(r, 3, 100.0 + i as f64).unwrap();
        match *how {
            "serial" => {
                let w = rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 9, 1).unwrap();
                ws.write_datetime_with_format(r, 4, &w, &date_fmt).unwrap();
            }
            "number" => {
                ws.write_number(r, 4, 43709.0).unwrap();
            }
            _ => {
                ws.write_string(r, 4, *work).unwrap();
            }
        }
        ws.write_string(r, 5, if i % 2 == 0 { "男" } else { "女" })
            .unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = import(
        &store,
        &Scope::system("t"),
        sid,
        "roster.xlsx",
        &bytes,
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert!(r.ok(), "{:?}", r.errors);
    assert_eq!((r.header_row, r.added), (2, 7));
    assert_eq!(r.unknown_columns, vec!["备注"]);
    for (i, t) in teachers(&store, sid).await.iter().enumerate() {
        assert_eq!(
            t.fields.work_start,
            NaiveDate::from_ymd_opt(2019, 9, 1),
            "{}",
            t.fields.name
        );
        assert_eq!(
            t.fields.birth_date,
            NaiveDate::from_ymd_opt(1990, 1, 1 + i as u32)
        );
        assert_eq!(
            t.fields.staff_no.as_deref(),
            Some(format!("{}", 100 + i).as_str()),
            "whole numbers lose .0"
        );
    }
}
both_dbs!(xlsx_with_title_row_dates_and_unknown_columns);

async fn three_bad_rows_in_a_thousand_write_nothing(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let mut csv = String::from("工号,姓名,性别,出生日期,编制\n");
    for i in 1..=1000 {
        let (name, gender, birth, employment) = match i {
            100 => ("坏日期".to_string(), "女", "1990-02-30", "在编"),
            500 => ("坏性别".to_string(), "未知", "1990-01-01", "在编"),
            900 => (String::new(), "男", "1990-01-01", "外星"),
            _ => (
                format!("教师{i}"),
                if i % 2 == 0 { "女" } else { "男" },
                "1990-01-01",
                "在编",
            ),
        };
        csv.push_str(&format!("N{i:04},{name},{gender},{birth},{employment}\n"));
    }
    let r = import(
        &store,
        &Scope::system("t"),
        sid,
        "big.csv",
        csv.as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert!(!r.ok() && !r.written);
    let rows: Vec<usize> = r
        .errors
        .iter()
        .map(|e| e.row)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Spreadsheet rows: the header is row 1, so data row i is row i + 1.
    assert_eq!(rows, vec![101, 501, 901]);
    let e = r.errors.iter().find(|e| e.row == 101).unwrap();
    assert_eq!((e.column.as_str(), e.error.code), ("出生日期", "bad_date"));
    let e = r.errors.iter().find(|e| e.row == 501).unwrap();
    assert_eq!((e.column.as_str(), e.error.code), ("性别", "unknown_gender"));
    // Row 901 has two problems, both reported.
    let codes: Vec<(&str, &str)> = r
        .errors
        .iter()
        .filter(|e| e.row == 901)
        .map(|e| (e.column.as_str(), e.error.code))
        .collect();
    assert!(
        codes.contains(&("姓名", "required")) && codes.contains(&("编制", "unknown_employment")),
        "{codes:?}"
    );
    assert!(teachers(&store, sid).await.is_empty(), "nothing written");
}
both_dbs!(three_bad_rows_in_a_thousand_write_nothing);

async fn reimport_updates_instead_of_duplicating(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let scope = Scope::system("t");
    // No staff numbers: matched by name and birth date.
    let first = "姓名,出生日期,学历,任教学科\n甲,1990-01-01,本科,语文\n乙,1991-01-01,本科,数学\n丙,1992-01-01,大专,英语\n";
    let r = import(
        &store,
        &scope,
        sid,
        "1.csv",
        first.as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged), (3, 0, 0));
    let second = "姓名,出生日期,学历,任教学科\n甲,1990-01-01,本科,语文\n乙,1991-01-01,硕士,数学\n丙,1992-01-01,大专,英语\n丁,1993-01-01,本科,科学\n";
    let dry = import(
        &store,
        &scope,
        sid,
        "2.csv",
        second.as_bytes(),
        true,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(
        (dry.added, dry.updated, dry.unchanged, dry.written),
        (1, 1, 2, false)
    );
    assert_eq!(teachers(&store, sid).await.len(), 3, "a dry run writes nothing");
    let r = import(
        &store,
        &scope,
        sid,
        "2.csv",
        second.as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert_eq!((r.added, r.updated, r.unchanged, r.written), (1, 1, 2, true));
    let ts = teachers(&store, sid).await;
    assert_eq!(ts.len(), 4);
    assert_eq!(
        ts.iter()
            .find(|t| t.fields.name == "乙")
            .unwrap()
            .fields
            .education,
        Some(Education::Master)
    );

    // The export reads back in unchanged.
    let rows = export_rows(&store, &scope, sid).await.unwrap();
    let headers: Vec<(&str, &str)> = COLUMNS.iter().map(|(_, zh, en, _)| (*zh, *en)).collect();
    let xlsx = lingyan_reports::roster::workbook("花名册", &headers, &rows).unwrap();
    let r = import(&store, &scope, sid, "export.xlsx", &xlsx, false, MAX, today())
        .await
        .unwrap();
    assert!(r.ok(), "{:?}", r.errors);
    assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 4));
}
both_dbs!(reimport_updates_instead_of_duplicating);

/// Honours with a place and a subject inside, with and without a year.
async fn honours_as_rosters_write_them(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let scope = Scope::system("t");
    let csv = "姓名,出生日期,荣誉称号,获评年份\n\
        甲,1990-01-01,测试区语文学科带头人、区级数学骨干教师,\n\
        乙,1991-01-01,松滋市学前教育首席教师、2019年市级名师,\n\
        丙,1992-01-01,测试区名师（2018）、校级师德标兵,2020\n";
    let r = import(&store, &scope, sid, "h.csv", csv.as_bytes(), false, MAX, today())
        .await
        .unwrap();
    assert!(r.ok() && r.warnings.is_empty(), "{:?} {:?}", r.errors, r.warnings);
    assert_eq!(r.honours_added, 6);
    let ts = teachers(&store, sid).await;
    let by = |n: &str| ts.iter().find(|t| t.fields.name == n).unwrap();
    let facts = |n: &str| {
        let mut v: Vec<_> = by(n)
            .honours
            .iter()
            .map(|h| {
                (
                    h.kind,
                    h.level,
                    h.subject.clone(),
                    h.granted_year,
                    h.source_text.clone(),
                )
            })
            .collect();
        v.sort_by_key(|x| x.0);
        v
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        facts("甲"),
        vec![
            (
                HonourKind::Backbone,
                Level::County,
                s("数学"),
                None,
                s("区级数学骨干教师")
            ),
            (
                HonourKind::DisciplineLeader,
                Level::County,
                s("语文"),
                None,
                s("测试区语文学科带头人")
            ),
        ]
    );
    // No year given: recorded as not known, and held all the same.
    assert_eq!(by("甲").backbone_level, Some(Level::County));
    assert_eq!(
        facts("乙"),
        vec![
            (
                HonourKind::ChiefTeacher,
                Level::Municipal,
                s("学前教育"),
                None,
                s("松滋市学前教育首席教师")
            ),
            (
                HonourKind::FamousTeacher,
                Level::Municipal,
                None,
                Some(2019),
                s("2019年市级名师")
            ),
        ]
    );
    // A year in the title is that title's; the column gives the rest theirs.
    assert_eq!(
        facts("丙"),
        vec![
            (
                HonourKind::FamousTeacher,
                Level::County,
                None,
                Some(2018),
                s("测试区名师（2018）")
            ),
            (HonourKind::EthicsModel, Level::School, None, Some(2020), None),
        ]
    );

    // The export writes the titles as they were written and reads back in
    // unchanged.
    let rows = export_rows(&store, &scope, sid).await.unwrap();
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c.contains("测试区语文学科带头人"))),
        "{rows:?}"
    );
    let headers: Vec<(&str, &str)> = COLUMNS.iter().map(|(_, zh, en, _)| (*zh, *en)).collect();
    let xlsx = lingyan_reports::roster::workbook("花名册", &headers, &rows).unwrap();
    let r = import(&store, &scope, sid, "export.xlsx", &xlsx, false, MAX, today())
        .await
        .unwrap();
    assert!(r.ok(), "{:?}", r.errors);
    assert_eq!((r.added, r.updated, r.unchanged, r.honours_added), (0, 0, 3, 0));
}
both_dbs!(honours_as_rosters_write_them);

async fn file_problems_are_named(db: Db) {
    let (store, _dir) = fresh(db).await;
    let sid = school(&store).await;
    let scope = Scope::system("t");
    let code = |r: lingyan_store::roster::ImportReport| r.file_error.map(|e| e.code);
    let r = import(
        &store,
        &scope,
        sid,
        "big.csv",
        CSV.as_bytes(),
        false,
        100,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(code(r), Some("file_too_large"));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let r = import(&store, &scope, sid, "photo.png", png, false, MAX, today())
        .await
        .unwrap();
    assert_eq!(code(r), Some("not_a_spreadsheet"));
    let r = import(&store, &scope, sid, "empty.csv", b",,\n,,\n", false, MAX, today())
        .await
        .unwrap();
    assert_eq!(code(r), Some("empty_sheet"));
    let r = import(
        &store,
        &scope,
        sid,
        "nohead.csv",
        "张三,1990-01-01\n李四,1991-01-01\n".as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(code(r), Some("no_header"));
    let r = import(
        &store,
        &scope,
        sid,
        "onlyhead.csv",
        "姓名,性别\n".as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert_eq!(code(r), Some("empty_sheet"));
    // A director of another school cannot import here.
    let err = import(
        &store,
        &Scope::new(1, "x".into(), lingyan_domain::Tenant::GLOBAL, vec![], None),
        sid,
        "a.csv",
        CSV.as_bytes(),
        false,
        MAX,
        today(),
    )
    .await;
    assert!(matches!(err, Err(lingyan_store::Error::NotFound)));
}
both_dbs!(file_problems_are_named);

/// A large import leaves no large write-ahead log behind (SQLite).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_import_does_not_leave_a_large_wal() {
    let (store, dir) = fresh(Db::Sqlite).await;
    let sid = school(&store).await;
    let mut csv = String::from("工号,姓名,性别,出生日期,编制,学历,专业\n");
    for i in 1..=20_000 {
        csv.push_str(&format!(
            "W{i:05},教师{i},{},1990-01-01,在编,本科,汉语言文学与教育学第{i}届\n",
            if i % 2 == 0 { "女" } else { "男" }
        ));
    }
    let r = import(
        &store,
        &Scope::system("t"),
        sid,
        "big.csv",
        csv.as_bytes(),
        false,
        MAX,
        today(),
    )
    .await
    .unwrap();
    assert!(r.written, "{:?}", r.errors.first());
    let wal = dir.path().join("lingyan.db-wal");
    let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(len < 1024 * 1024, "the WAL is {len} bytes after the import");
}
