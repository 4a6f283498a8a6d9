//! The `lingyan` binary end to end, on SQLite and PostgreSQL: migrate, demo,
//! admin create-user (good and bad input), and serve printing its address.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_lingyan");

/// A database for one test: a SQLite file in `dir`, or a fresh PostgreSQL
/// database on the test server.
fn database(dir: &std::path::Path, postgres: bool) -> String {
    if !postgres {
        return format!("sqlite://{}/cli.db?mode=rwc", dir.display());
    }
    let admin = std::env::var("LINGYAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("lingyan_t_cli_{:016x}", rand::random::<u64>());
    let ok = Command::new("psql")
        .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql is needed for the PostgreSQL tests (scripts/test provides it)");
    assert!(ok.success(), "cannot create a PostgreSQL database at {admin}");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

fn lingyan(db: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--database-url")
        .arg(db)
        .args(args)
        .env("LINGYAN_LANG", "en")
        .env("LINGYAN_LOG", "warn");
    c
}

fn run(db: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = lingyan(db, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lingyan");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn admin_commands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);

    let (ok, out, _) = run(&db, &["migrate"], None);
    let applied = lingyan_store::Store::migration_names().len();
    assert!(
        ok && out.contains(&format!("Database up to date ({applied} migrations applied)")),
        "{out}"
    );
    // Ordinary commands log nothing unless asked: no LINGYAN_LOG here.
    let quiet = lingyan(&db, &["migrate"])
        .env_remove("LINGYAN_LOG")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&quiet.stderr);
    assert!(
        quiet.status.success() && err.is_empty(),
        "log lines on stderr: {err}"
    );
    assert!(String::from_utf8_lossy(&quiet.stdout).contains("(0 migrations applied)"));
    let loud = lingyan(&db, &["-v", "migrate"])
        .env_remove("LINGYAN_LOG")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&loud.stderr).contains("INFO"), "-v logs");
    // Errors in the CLI's language, without a backtrace.
    let zh = lingyan(&db, &["duties", "progress", "--school", "NOPE"])
        .env("LINGYAN_LANG", "zh-CN")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&zh.stderr);
    assert!(
        !zh.status.success() && err.starts_with("错误：") && err.contains("NOPE"),
        "{err}"
    );
    assert!(
        !err.contains("Stack backtrace") && !err.contains("Error:"),
        "{err}"
    );

    let (ok, out, _) = run(&db, &["demo"], None);
    assert!(
        ok && out.contains("director") && out.contains("lingyan-demo"),
        "{out}"
    );
    let (ok, out, _) = run(&db, &["demo"], None);
    assert!(ok && out.contains("already has accounts"));

    let (ok, out, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "zhang.wei",
            "--name",
            "张伟",
            "--role",
            "teacher",
            "--role",
            "mentor",
            "--school",
            "gfsy",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("Created account zhang.wei"));
    // A file that cannot be read is named in the CLI's language.
    let missing = lingyan(
        &db,
        &["import", "roster", "--school", "GFSY", "/nonexistent/roster.xlsx"],
    )
    .env("LINGYAN_LANG", "zh-CN")
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.starts_with("错误：无法读取 /nonexistent/roster.xlsx"),
        "{err}"
    );

    // Bad input is named, in the chosen language, and nothing is written.
    let (ok, _, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "ab",
            "--role",
            "teacher",
            "--school",
            "GFSY",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(
        !ok && err.contains("Username: must be at least 3 characters"),
        "{err}"
    );
    let (ok, _, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "li.na",
            "--role",
            "teacher",
            "--school",
            "NOPE",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(!ok && err.contains("No school with code NOPE"), "{err}");
    let (ok, _, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "li.na",
            "--role",
            "dean",
            "--school",
            "GFSY",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(!ok && err.contains("is not a role"), "{err}");
    let mut zh = lingyan(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "zhang.wei",
            "--role",
            "teacher",
            "--school",
            "GFSY",
            "--password-stdin",
        ],
    );
    zh.env("LINGYAN_LANG", "zh-CN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = zh.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("用户名：“zhang.wei”已被使用"),
        "{err}"
    );
    let (ok, _, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "district2",
            "--role",
            "district_admin",
            "--district",
            "GF",
            "--password-stdin",
        ],
        Some("a-long-password\n"),
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(
        &db,
        &[
            "admin",
            "create-user",
            "--username",
            "li.na",
            "--role",
            "teacher",
            "--school",
            "GFSY",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(
        !ok && err.contains("Password: must be at least 8 characters"),
        "{err}"
    );
}

#[test]
fn admin_commands_on_sqlite() {
    admin_commands(false);
}

#[test]
fn admin_commands_on_postgres() {
    admin_commands(true);
}

fn serve_prints_address_and_stops_on_sigterm(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    let mut child = lingyan(&db, &["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("server output").unwrap();
        if let Some(u) = line.strip_prefix("Lingyan listening on ") {
            break u.to_string();
        }
    };
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    std::io::Read::read_to_string(&mut s, &mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 200") && resp.ends_with("ready"),
        "{resp}"
    );
    // Graceful shutdown on SIGTERM.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exits cleanly after SIGTERM: {status:?}");
}

#[test]
fn serve_on_sqlite() {
    serve_prints_address_and_stops_on_sigterm(false);
}

#[test]
fn serve_on_postgres() {
    serve_prints_address_and_stops_on_sigterm(true);
}

fn registry_commands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    // A school set up from the command line, its district created on the way.
    let (ok, out, err) = run(
        &db,
        &[
            "school",
            "add",
            "--code",
            "xxzx",
            "--name",
            "新星中学",
            "--type",
            "初中",
            "--district",
            "XQ",
            "--district-name",
            "新区",
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Created district XQ") && out.contains("Created school XXZX 新星中学"),
        "{out}"
    );
    let (ok, out, _) = run(&db, &["school", "list"], None);
    assert!(
        ok && out.contains("XXZX") && out.contains("Junior middle school"),
        "{out}"
    );
    let (ok, _, err) = run(
        &db,
        &[
            "school",
            "add",
            "--code",
            "XXZX",
            "--name",
            "重复",
            "--type",
            "primary",
            "--district",
            "XQ",
        ],
        None,
    );
    assert!(!ok && err.contains("Code: “XXZX” is already in use"), "{err}");

    // Import: a bad file names rows and writes nothing (exit status 1).
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "姓名,性别,出生日期\n甲,男,1990-01-01\n乙,不详,1990-01-01\n").unwrap();
    let (ok, _, err) = run(
        &db,
        &["import", "roster", bad.to_str().unwrap(), "--school", "XXZX"],
        None,
    );
    assert!(
        !ok && err.contains("row 3, 性别") && err.contains("nothing was written"),
        "{err}"
    );
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "工号,姓名,性别,出生日期,编制,骨干级别,获评年份\nX1,甲,男,1990-01-01,在编,县级,2022\nX2,乙,女,1995-06-01,临聘,,\n").unwrap();
    let (ok, out, _) = run(
        &db,
        &[
            "import",
            "roster",
            good.to_str().unwrap(),
            "--school",
            "XXZX",
            "--dry-run",
        ],
        None,
    );
    assert!(
        ok && out.contains("Checked, nothing written") && out.contains("teachers to add: 2"),
        "{out}"
    );
    let (ok, out, _) = run(
        &db,
        &["import", "roster", good.to_str().unwrap(), "--school", "XXZX"],
        None,
    );
    assert!(ok && out.contains("teachers added: 2"), "{out}");
    let (ok, out, _) = run(
        &db,
        &["import", "roster", good.to_str().unwrap(), "--school", "XXZX"],
        None,
    );
    assert!(
        ok && out.contains("teachers added: 0, updated: 0, unchanged: 2"),
        "{out}"
    );

    // Export, and it reads back in unchanged.
    let xlsx = dir.path().join("out.xlsx");
    let (ok, out, _) = run(
        &db,
        &[
            "export",
            "roster",
            "--school",
            "XXZX",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && out.contains("Exported 2 teachers"), "{out}");
    let (ok, out, _) = run(
        &db,
        &["import", "roster", xlsx.to_str().unwrap(), "--school", "XXZX"],
        None,
    );
    assert!(ok && out.contains("unchanged: 2"), "{out}");

    // The status analysis in text, JSON and Word.
    let (ok, out, _) = run(
        &db,
        &[
            "report",
            "status",
            "--school",
            "XXZX",
            "--lang",
            "zh-CN",
            "--as-of",
            "2025-09-01",
        ],
        None,
    );
    assert!(
        ok && out.contains("新星中学教师队伍情况分析")
            && out.contains("现有在岗教职员工2人")
            && out.contains("区级骨干教师1人"),
        "{out}"
    );
    let (ok, out, _) = run(
        &db,
        &[
            "report",
            "status",
            "--district",
            "XQ",
            "--format",
            "json",
            "--lang",
            "en",
        ],
        None,
    );
    assert!(ok, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["analysis"]["staff"], 2);

    // Every district side by side: a line per district, then the total.
    let (ok, out, _) = run(
        &db,
        &["report", "province", "--lang", "en", "--as-of", "2025-09-01"],
        None,
    );
    assert!(
        ok && out.starts_with("Districts side by side, 1 Sep 2025\nDistrict | Schools | Staff")
            && out.contains("\n新区 | 1 | 2 | ")
            && out.contains("\nTotal (1 district) | 1 | 2 | "),
        "{out}"
    );
    let (ok, out, _) = run(&db, &["report", "province", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap_or_default()).unwrap();
    assert!(ok && out.lines().count() == 1, "{out}");
    assert_eq!(
        (v["district"]["code"].as_str(), v["staff"].as_u64()),
        (Some("XQ"), Some(2))
    );
    let (ok, _, err) = run(&db, &["report", "province", "--format", "xlsx"], None);
    assert!(!ok && err.contains("needs -o"), "{err}");
    let xlsx = dir.path().join("province.xlsx");
    let (ok, out, _) = run(
        &db,
        &[
            "report",
            "province",
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        ok && out.contains("Wrote") && std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
        "{out}"
    );
    let docx = dir.path().join("s.docx");
    let (ok, _, err) = run(
        &db,
        &["report", "status", "--school", "XXZX", "--format", "docx"],
        None,
    );
    assert!(!ok && err.contains("needs an output file"), "{err}");
    let (ok, _, _) = run(
        &db,
        &[
            "report",
            "status",
            "--school",
            "XXZX",
            "--format",
            "docx",
            "-o",
            docx.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && std::fs::read(&docx).unwrap().starts_with(b"PK"));
    let pdf = dir.path().join("s.pdf");
    let (ok, _, err) = run(
        &db,
        &[
            "report",
            "status",
            "--school",
            "XXZX",
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && std::fs::read(&pdf).unwrap().starts_with(b"%PDF"), "{err}");
}

#[test]
fn registry_commands_on_sqlite() {
    registry_commands(false);
}

#[test]
fn registry_commands_on_postgres() {
    registry_commands(true);
}

/// `import evidence` (check, refuse with every problem named, write, skip
/// on re-import) and `report teacher` (PDF with Chinese text, Word).
fn portfolio_commands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    let data = dir.path().join("data");
    let with_data = |args: &[&str]| {
        let mut all = vec!["--data-dir", data.to_str().unwrap()];
        all.extend_from_slice(args);
        run(&db, &all, None)
    };
    let (ok, _, err) = with_data(&["demo"]);
    assert!(ok, "{err}");
    let good = dir.path().join("papers.csv");
    std::fs::write(
        &good,
        "工号,姓名,类别,日期,标题,级别,刊物,发表情况,等次,课型,受援学校\n\
         GF0005,,论文,2025-11-02,整本书阅读的实践,市级,小学教学参考,已发表,,,\n\
         ,李秀英,公开课,2025/12/3,《圆的认识》,县级,,,,示范课,\n\
         GF0005,,送教,2026年3月5日,《找规律》,区级,,,,送教下乡,山阳镇中心小学\n\
         GF0006,,获奖,2026-04-01,创新杯,省级,,,二等奖,,\n",
    )
    .unwrap();
    let file = good.to_str().unwrap();
    let (ok, out, err) = with_data(&["import", "evidence", file, "--school", "GFSY", "--dry-run"]);
    assert!(
        ok && out.contains("records to add: 4") && out.contains("nothing written"),
        "{out}{err}"
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "工号,类别,日期,标题,级别,课型,受援学校\n\
         GF9999,公开课,2025-13-01,《圆》,县级,示范课,\n\
         GF0005,送教,2026-03-05,送教,县级,送教下乡,\n",
    )
    .unwrap();
    let (ok, _, err) = with_data(&["import", "evidence", bad.to_str().unwrap(), "--school", "GFSY"]);
    assert!(!ok);
    for must in [
        "row 2, 工号",
        "GF9999",
        "row 2, 日期",
        "row 3, 受援学校",
        "nothing was written",
    ] {
        assert!(err.contains(must), "{must} in {err}");
    }
    let (ok, out, _) = with_data(&["import", "evidence", file, "--school", "GFSY"]);
    assert!(ok && out.contains("records added: 4"), "{out}");
    let (ok, out, _) = with_data(&["import", "evidence", file, "--school", "GFSY"]);
    assert!(
        ok && out.contains("records added: 0") && out.contains("already there: 4"),
        "{out}"
    );
    // The growth report of the demo teacher, found by staff number.
    let pdf = dir.path().join("r.pdf");
    let (ok, _, err) = with_data(&[
        "report",
        "teacher",
        "--teacher",
        "GF0005",
        "--school",
        "GFSY",
        "--lang",
        "zh-CN",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("教师专业成长报告") && text.contains("整本书阅读的实践"),
        "{text}"
    );
    let docx = dir.path().join("r.docx");
    let (ok, _, err) = with_data(&[
        "report",
        "teacher",
        "--teacher",
        "GF0005",
        "--school",
        "GFSY",
        "--format",
        "docx",
        "-o",
        docx.to_str().unwrap(),
    ]);
    assert!(ok && std::fs::read(&docx).unwrap().starts_with(b"PK"), "{err}");
    let (ok, _, err) = with_data(&[
        "report",
        "teacher",
        "--teacher",
        "424242",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("No teacher “424242”"), "{err}");
}

#[test]
fn portfolio_commands_on_sqlite() {
    portfolio_commands(false);
}

#[test]
fn portfolio_commands_on_postgres() {
    portfolio_commands(true);
}

fn duties_commands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let generate = |db: &str| {
        run(
            db,
            &[
                "gen-data",
                "--district",
                "T",
                "--districts",
                "2",
                "--schools-per-district",
                "2",
                "--teachers-per-school",
                "12",
                "--records",
                "20",
                "--years",
                "2",
                "--seed",
                "7",
            ],
            None,
        )
    };
    let db = database(dir.path(), postgres);
    let (ok, out, err) = generate(&db);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("districts: 2; schools: 4; teachers: 48; records: 960."),
        "{out}"
    );

    // One JSON line per school of the district, every teacher × 12 rules.
    let (ok, json, err) = run(
        &db,
        &["duties", "progress", "--district", "T1", "--format", "json"],
        None,
    );
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    for school in &lines {
        assert_eq!(school["rules"].as_array().unwrap().len(), 12);
        let teachers = school["teachers"].as_array().unwrap();
        assert_eq!(teachers.len(), 12);
        for t in teachers {
            assert_eq!(t["results"].as_array().unwrap().len(), 12);
        }
    }
    // Schools are computed a few at once but come out in order of code,
    // each as a school's own run computes it.
    let ids: Vec<i64> = lines.iter().map(|l| l["school_id"].as_i64().unwrap()).collect();
    assert!(ids[0] < ids[1], "schools in order of code: {ids:?}");
    let (ok, first, err) = run(
        &db,
        &["duties", "progress", "--school", "T1S001", "--format", "json"],
        None,
    );
    assert!(ok, "{err}");
    assert_eq!(first.trim(), json.lines().next().unwrap().trim());
    // The same seed makes the same data (a second database, same backend).
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = database(dir2.path(), postgres);
    assert!(generate(&db2).0);
    let (_, again, _) = run(
        &db2,
        &["duties", "progress", "--district", "T1", "--format", "json"],
        None,
    );
    assert_eq!(json, again, "gen-data --seed is deterministic");

    let (ok, text, _) = run(&db, &["duties", "progress", "--school", "T1S001"], None);
    assert!(
        ok && text.contains("D12 = Mature: 16 lessons observed a semester"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1 + 12 + 12);
    let xlsx = dir.path().join("duties.xlsx");
    let (ok, out, err) = run(
        &db,
        &[
            "duties",
            "progress",
            "--school",
            "T1S001",
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && out.contains("duties.xlsx"), "{out}{err}");
    let sheets =
        lingyan_store::roster::read_sheets(&std::fs::read(&xlsx).unwrap(), &Default::default()).unwrap();
    assert_eq!(sheets[0].1.len(), 13);
    let (ok, _, err) = run(
        &db,
        &["duties", "progress", "--district", "T1", "--format", "xlsx"],
        None,
    );
    assert!(!ok && err.contains("needs --school"), "{err}");

    let (ok, digest, _) = run(
        &db,
        &["duties", "digest", "--district", "T2", "--days", "31"],
        None,
    );
    assert!(ok && digest.matches("== ").count() <= 2, "{digest}");

    let (ok, out, _) = run(
        &db,
        &[
            "duties",
            "adopt",
            "--school",
            "T1S001",
            "--preset",
            "young-six-ones",
        ],
        None,
    );
    assert!(ok && out.contains("the set now has 19 rules"), "{out}");
    let (ok, _, err) = run(
        &db,
        &["duties", "adopt", "--school", "T1S001", "--preset", "nope"],
        None,
    );
    assert!(!ok && err.contains("no preset “nope”"), "{err}");

    // Credit requirements: the district adopts a preset, its schools
    // inherit it and cannot set their own.
    let (ok, out, err) = run(
        &db,
        &[
            "credits",
            "adopt",
            "jiangsu",
            "--district",
            "T1",
            "--year",
            "2026",
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Adopted the credit preset jiangsu for 2026."),
        "{out}"
    );
    assert!(
        out.contains("360 hours every 5 years (cycles from 2021)"),
        "{out}"
    );
    let (ok, out, _) = run(
        &db,
        &[
            "credits", "rules", "--school", "T1S001", "--year", "2026", "--lang", "zh-CN",
        ],
        None,
    );
    assert!(
        ok && out.contains("开设县级及以上公开课：开设公开课（县级及以上） · 每次 6 学时，至多 18 学时/周期"),
        "{out}"
    );
    let (ok, json, _) = run(
        &db,
        &[
            "credits",
            "rules",
            "--district",
            "T1",
            "--year",
            "2026",
            "--format",
            "json",
        ],
        None,
    );
    assert!(ok, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (v["total"].as_i64(), v["unit"].as_str()),
        (Some(360), Some("hour"))
    );
    let (ok, _, err) = run(
        &db,
        &[
            "credits", "adopt", "zhejiang", "--school", "T1S001", "--year", "2026",
        ],
        None,
    );
    assert!(
        !ok && err.contains("the district sets the credit requirement for its schools"),
        "{err}"
    );
    assert!(!err.contains("backtrace"), "{err}");
    let (ok, out, _) = run(
        &db,
        &["credits", "rules", "--district", "T2", "--year", "2026"],
        None,
    );
    assert!(ok && out.contains("Nothing set"), "{out}");

    // Records in the national format: import, a transcript, export and
    // import again (nothing changes).
    let file = dir.path().join("national.csv");
    std::fs::write(
        &file,
        "工号,身份证号,姓名,培训年度,培训类别,培训项目名称,培训机构名称,培训方式,培训获得学时,培训获得学分,培训开始日期,培训结束日期\n\
         T100100001,,,2026,40,课堂观察专题,区进修学校,2,24,24,2026-03-02,2026-03-05\n\
         T100100001,,,2026,30,信息技术,市教育局,3,40,40,2026-04-01,2026-06-30\n",
    )
    .unwrap();
    let (ok, out, err) = run(
        &db,
        &["credits", "import", file.to_str().unwrap(), "--district", "T1"],
        None,
    );
    assert!(
        ok && out.contains("Read 2 rows: 2 records added, 0 already recorded."),
        "{out}{err}"
    );
    let (ok, out, err) = run(
        &db,
        &[
            "credits",
            "transcript",
            "--teacher",
            "T100100001",
            "--school",
            "T1S001",
            "--as-of",
            "2026-12-01",
        ],
        None,
    );
    assert!(ok && out.contains("64 hours counted of 360 hours"), "{out}{err}");
    assert!(
        out.contains("County level or above: 64 hours · at least 180 hours"),
        "{out}"
    );
    assert!(
        out.contains("Still to earn: 296 hours in all; 116 hours in County level or above"),
        "{out}"
    );
    // Completion: the teacher among those short, with what is missing.
    let (ok, out, err) = run(
        &db,
        &["credits", "report", "--school", "T1S001", "--as-of", "2026-12-01"],
        None,
    );
    assert!(ok && out.starts_with("Credit completion · "), "{out}{err}");
    assert!(out.contains("Met the cycle's requirement: 0 of "), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("T100100001"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("64 hours counted of 360 hours"), "{line}");
    let book = dir.path().join("report.xlsx");
    let (ok, out, err) = run(
        &db,
        &[
            "credits",
            "report",
            "--district",
            "T1",
            "--as-of",
            "2026-12-01",
            "--format",
            "xlsx",
            "-o",
            book.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && out.contains("report.xlsx"), "{out}{err}");
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
    let (ok, _, err) = run(
        &db,
        &["credits", "report", "--district", "T1", "--format", "xlsx"],
        None,
    );
    assert!(
        !ok && err.contains("-o FILE") && !err.contains("backtrace"),
        "{err}"
    );
    let back = dir.path().join("back.csv");
    let (ok, out, err) = run(
        &db,
        &[
            "credits",
            "export",
            "--district",
            "T1",
            "--year",
            "2026",
            "-o",
            back.to_str().unwrap(),
        ],
        None,
    );
    // The two imported, and the pairs' mentoring hours of the year.
    let written: usize = out
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}{err}"));
    assert!(ok && out.starts_with("Wrote") && written > 2, "{out}{err}");
    // Imported again, every one is found recorded, mentoring hours too.
    let (ok, out, _) = run(
        &db,
        &["credits", "import", back.to_str().unwrap(), "--district", "T1"],
        None,
    );
    assert!(
        ok && out.contains(&format!("0 records added, {written} already recorded")),
        "{out}"
    );
    let (ok, _, err) = run(
        &db,
        &["credits", "import", "/no/such.csv", "--district", "T1"],
        None,
    );
    assert!(!ok && !err.contains("backtrace"), "{err}");
}

#[test]
fn duties_commands_on_sqlite() {
    duties_commands(false);
}

#[test]
fn duties_commands_on_postgres() {
    duties_commands(true);
}

#[test]
fn check_rules_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/x.db?mode=rwc", dir.path().display());
    let preset = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/presets/duties/all-eight-ones.toml"
    );
    let (ok, out, _) = run(&db, &["duties", "check-rules", preset], None);
    assert!(ok && out.contains("8 rules, all valid"), "{out}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[rules]]\ncode = \"x\"\nname_zh = \"甲\"\nname_en = \"X\"\nkinds = [\"obsrvation\"]\ncount = 1\nperiod = \"semester\"\nevery = \"school_year\"\n",
    )
    .unwrap();
    let (ok, _, err) = run(&db, &["duties", "check-rules", bad.to_str().unwrap()], None);
    assert!(!ok, "a bad file fails");
    assert!(
        err.contains("Rule 1 (X): What counts: unknown kind “obsrvation”"),
        "{err}"
    );
    assert!(err.contains("2 problems"), "{err}");
    let json = dir.path().join("bad.json");
    std::fs::write(&json, "{\"rules\": [").unwrap();
    let (ok, _, err) = run(&db, &["duties", "check-rules", json.to_str().unwrap()], None);
    assert!(!ok && err.contains("cannot be read as a rules file"), "{err}");
    let (ok, _, err) = run(&db, &["duties", "check-rules", "/no/such/file.toml"], None);
    assert!(!ok && err.contains("Cannot read /no/such/file.toml"), "{err}");

    // Credit requirement files: a preset, a plain requirement, a bad one.
    let (ok, out, _) = run(&db, &["credits", "presets"], None);
    assert!(
        ok && out.contains("shanghai  Shanghai: 36 credits in five years"),
        "{out}"
    );
    let preset = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../domain/presets/credits/shanghai.toml"
    );
    let (ok, out, _) = run(&db, &["credits", "check-rules", preset], None);
    assert!(ok && out.contains("the credit requirement is valid"), "{out}");
    let bad = dir.path().join("credits.toml");
    std::fs::write(&bad, "unit = \"credit\"\ntotal = 36\nyearly_min = 40\napproval = \"school\"\n[[buckets]]\ncode = \"e\"\nname_zh = \"师德\"\nname_en = \"Ethics\"\nareas = [\"ethics\"]\n").unwrap();
    let (ok, _, err) = run(&db, &["credits", "check-rules", bad.to_str().unwrap()], None);
    assert!(!ok, "a bad file fails");
    assert!(
        err.contains("At least each year: cannot be more than the total (36)"),
        "{err}"
    );
    assert!(
        err.contains("Rule 1 (Ethics): At least: give a minimum, a cap, or both"),
        "{err}"
    );
    assert!(err.contains("2 problems"), "{err}");
}

fn backup_and_restore(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    let (ok, _, err) = run(&db, &["--data-dir", d, "demo"], None);
    assert!(ok, "{err}");
    let archive = dir.path().join("nightly.zip");
    let a = archive.to_str().unwrap();
    let (ok, out, err) = run(&db, &["--data-dir", d, "backup", "-o", a], None);
    assert!(
        ok && out.starts_with("Backed up to") && out.contains("1 attachment file ("),
        "{out}{err}"
    );

    let target_dir = tempfile::tempdir().unwrap();
    let target = database(target_dir.path(), postgres);
    let td = target_dir.path().join("data");
    let td = td.to_str().unwrap();
    let (ok, out, err) = run(&target, &["--data-dir", td, "restore", a], None);
    assert!(ok && out.starts_with("Restored"), "{out}{err}");
    // The restored database answers like the original.
    let (_, listed, _) = run(&target, &["school", "list"], None);
    let (_, original, _) = run(&db, &["school", "list"], None);
    assert!(listed.contains("GFSY") && listed == original, "{listed}");
    // Again: refused without --force, with a plain message.
    let out = lingyan(&target, &["--data-dir", td, "restore", a])
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("already holds data (add --force to replace it)") && !err.contains("backtrace"),
        "{err}"
    );
    let (ok, _, err) = run(&target, &["--data-dir", td, "restore", a, "--force"], None);
    assert!(ok, "{err}");
}

#[test]
fn backup_and_restore_on_sqlite() {
    backup_and_restore(false);
}

#[test]
fn backup_and_restore_on_postgres() {
    backup_and_restore(true);
}

/// `gen-data --activities-per-school`: activities with their sessions held,
/// attendance and the credit it earns.
fn gen_data_activities(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    let (ok, out, err) = run(
        &db,
        &[
            "gen-data",
            "--district",
            "GA",
            "--schools-per-district",
            "2",
            "--teachers-per-school",
            "12",
            "--records",
            "1",
            "--years",
            "1",
            "--activities-per-school",
            "3",
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    // Three activities a school, two sessions of the school's 12 teachers each.
    assert!(
        out.contains("Activities made: 6; attendance rows: 144; feedback given: "),
        "{out}"
    );
    // Some of those present (about two in five) gave feedback.
    let given: usize = out
        .split("feedback given: ")
        .nth(1)
        .and_then(|r| r.split('.').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!((20..100).contains(&given), "{out}");
}

#[test]
fn gen_data_activities_on_sqlite() {
    gen_data_activities(false);
}

#[test]
fn gen_data_activities_on_postgres() {
    gen_data_activities(true);
}

fn mentoring_commands(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path(), postgres);
    let (ok, _, err) = run(&db, &["demo"], None);
    assert!(ok, "{err}");
    // The overview as text, JSON and a workbook.
    let (ok, out, err) = run(&db, &["mentoring", "report", "--school", "GFSY"], None);
    assert!(ok, "{err}");
    assert!(out.contains("young and new teachers have a mentor"), "{out}");
    assert!(
        out.contains("Running pairs") && out.contains("Mentor's comments"),
        "{out}"
    );
    let (ok, out, err) = run(
        &db,
        &["mentoring", "report", "--school", "GFSY", "--format", "json"],
        None,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let pairs = v["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    assert_eq!(
        v["cycles_done"].as_u64().unwrap(),
        pairs
            .iter()
            .map(|p| p["cycles_done"].as_u64().unwrap())
            .sum::<u64>()
    );
    assert!(v["with_mentor"].as_u64().unwrap() <= v["young_or_new"].as_u64().unwrap());
    let (ok, _, err) = run(
        &db,
        &["mentoring", "report", "--school", "GFSY", "--format", "xlsx"],
        None,
    );
    assert!(!ok && err.contains("-o FILE"), "{err}");
    let file = dir.path().join("overview.xlsx");
    let (ok, out, err) = run(
        &db,
        &[
            "mentoring",
            "report",
            "--school",
            "GFSY",
            "--format",
            "xlsx",
            "-o",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("Wrote"), "{out}");
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));
    // A school that is not there, by name, without a backtrace.
    let (ok, _, err) = run(&db, &["mentoring", "report", "--school", "NOPE"], None);
    assert!(!ok && err.contains("NOPE") && !err.contains("panicked"), "{err}");
}

#[test]
fn mentoring_commands_on_sqlite() {
    mentoring_commands(false);
}

#[test]
fn mentoring_commands_on_postgres() {
    mentoring_commands(true);
}
