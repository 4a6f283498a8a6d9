//! Backups taken while the database is written restore to a consistent
//! copy; a backup of a quiet database restores to an identical one, every
//! table and every attachment.

use chrono::NaiveDate;
use lingyan_domain::evidence::{EvidenceInput, EvidenceKind};
use lingyan_store::backup::{self, Target};
use lingyan_store::files::{Blobs, Target as FileTarget};
use lingyan_store::testing::{Db, dump_tables, empty, fresh_with_url};
use lingyan_store::{Scope, Store, both_dbs, evidence, teachers};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn record(title: String) -> EvidenceInput {
    EvidenceInput {
        kind: EvidenceKind::Reading,
        date: "2026-10-01".into(),
        title,
        ..Default::default()
    }
}

async fn some_teacher(store: &Store, today: NaiveDate) -> i64 {
    teachers::list(
        store,
        &Scope::system("t"),
        &teachers::TeacherFilter {
            q: Some("GF0005".into()),
            ..Default::default()
        },
        lingyan_domain::PageRequest::default(),
        today,
    )
    .await
    .expect("teachers")
    .items[0]
        .id
}

fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

async fn backup_during_writes_then_restore(db: Db) {
    let (store, dir, url) = fresh_with_url(db).await;
    let data = dir.path().join("data");
    let store = store.with_blobs(Blobs::new(data.join("attachments")));
    lingyan_store::demo::load(&store).await.expect("demo");
    let sys = Scope::system("t");
    let today = lingyan_store::calendar::today();
    let owner = some_teacher(&store, today).await;
    // Records with attachments (PNG and PDF by their bytes).
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    for i in 0..3u8 {
        let e = evidence::create(&store, &sys, owner, &record(format!("附件记录 {i}")), &[], today)
            .await
            .expect("record");
        let mut bytes = png.clone();
        bytes.push(i);
        lingyan_store::attachments::attach(
            &store,
            &sys,
            FileTarget::Evidence(e.id),
            "photo.png",
            &bytes,
            today,
        )
        .await
        .expect("attach");
    }

    // Writers keep adding records (and attachments) while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..2 {
        let (store, stop, written, sys, png) = (
            store.clone(),
            stop.clone(),
            written.clone(),
            sys.clone(),
            png.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let e = evidence::create(&store, &sys, owner, &record(format!("并发 {w}-{i}")), &[], today)
                    .await
                    .expect("write during backup");
                if i.is_multiple_of(3) {
                    let mut bytes = png.clone();
                    bytes.extend_from_slice(format!("{w}-{i}").as_bytes());
                    lingyan_store::attachments::attach(
                        &store,
                        &sys,
                        FileTarget::Evidence(e.id),
                        "p.png",
                        &bytes,
                        today,
                    )
                    .await
                    .expect("attach during backup");
                }
                written.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    while written.load(Ordering::Relaxed) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let busy = dir.path().join("busy.zip");
    let m = backup::backup(&store, &url, &data, &busy)
        .await
        .expect("backup during writes");
    assert!(m.attachments.len() >= 3, "{m:?}");
    while written.load(Ordering::Relaxed) < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let quiet = dir.path().join("quiet.zip");
    backup::backup(&store, &url, &data, &quiet).await.expect("backup");
    let source = dump_tables(&store).await;

    // The quiet backup restores to an identical database and attachments.
    let (target_url, target_dir) = empty(db).await;
    let target = Target {
        url: target_url.clone(),
        data_dir: target_dir.path().join("data"),
    };
    let restored = backup::restore(&quiet, &target, false).await.expect("restore");
    assert_eq!(
        restored.backend,
        if db == Db::Sqlite { "sqlite" } else { "postgres" }
    );
    let copy = Store::connect(&target_url).await.expect("open restored");
    assert!(copy.pending_migrations().await.expect("migrations").is_empty());
    let dumped = dump_tables(&copy).await;
    assert_eq!(
        dumped.keys().collect::<Vec<_>>(),
        source.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &source {
        assert_eq!(&dumped[table], rows, "table {table}");
    }
    assert_eq!(
        files_under(&target.data_dir.join("attachments")),
        files_under(&data.join("attachments")),
        "every attachment"
    );
    // A second restore over it is refused, unless forced.
    let again = backup::restore(&quiet, &target, false).await;
    assert!(
        matches!(&again, Err(lingyan_store::Error::Invalid(fe)) if fe.code == "backup_target_not_empty"),
        "{again:?}"
    );
    copy.close().await.expect("close");
    backup::restore(&quiet, &target, true)
        .await
        .expect("forced restore");

    // The backup taken during writes restores to a consistent database:
    // every row it holds is a row of the source, and every attachment a
    // record names is there.
    let (busy_url, busy_dir) = empty(db).await;
    let busy_target = Target {
        url: busy_url.clone(),
        data_dir: busy_dir.path().join("data"),
    };
    backup::restore(&busy, &busy_target, false)
        .await
        .expect("restore busy");
    let copy = Store::connect(&busy_url).await.expect("open");
    let got = dump_tables(&copy).await;
    for (table, rows) in &got {
        // Sessions come and go; a school's revision is a counter that moves
        // on with every change after the snapshot.
        if table == "tower_sessions" || table == "sessions" || table == "school_revisions" {
            continue;
        }
        for r in rows {
            assert!(
                source[table].binary_search(r).is_ok(),
                "{table}: {r} is not a row of the source"
            );
        }
    }
    let copy = copy.with_blobs(Blobs::new(busy_target.data_dir.join("attachments")));
    let (files, bytes) = lingyan_store::files::stats(&copy).await.expect("stats");
    assert!(files >= 3 && bytes > 0);
    for f in &got["files"] {
        let v: serde_json::Value = serde_json::from_str(f).unwrap();
        let sha = v["sha256"].as_str().unwrap();
        let p = busy_target
            .data_dir
            .join("attachments")
            .join(&sha[0..2])
            .join(&sha[2..4])
            .join(sha);
        assert!(p.exists(), "attachment {sha} of the snapshot is in the archive");
    }
    if db == Db::Sqlite {
        let ok = copy
            .query_row_count("PRAGMA integrity_check", vec![])
            .await
            .unwrap();
        assert_eq!(ok, 1);
    }
}
both_dbs!(backup_during_writes_then_restore);

/// A damaged or forged archive is refused before anything is written.
async fn damaged_archives_are_refused(db: Db) {
    let (store, dir, url) = fresh_with_url(db).await;
    let data = dir.path().join("data");
    lingyan_store::demo::load(&store).await.expect("demo");
    let good = dir.path().join("good.zip");
    backup::backup(&store, &url, &data, &good).await.expect("backup");
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    let bad = dir.path().join("bad.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let (target_url, target_dir) = empty(db).await;
    let target = Target {
        url: target_url,
        data_dir: target_dir.path().join("data"),
    };
    let r = backup::restore(&bad, &target, false).await;
    assert!(
        matches!(&r, Err(lingyan_store::Error::Invalid(fe)) if fe.code == "backup_damaged"),
        "{r:?}"
    );
    let not_zip = dir.path().join("x.zip");
    std::fs::write(&not_zip, b"hello").unwrap();
    assert!(backup::restore(&not_zip, &target, false).await.is_err());
    if db == Db::Sqlite {
        assert!(!target_dir.path().join("lingyan.db").exists(), "nothing written");
    }
}
both_dbs!(damaged_archives_are_refused);
