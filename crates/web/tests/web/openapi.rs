//! The OpenAPI document names every schema once: utoipa keys components by
//! the type's bare name, so two types of one name (a `StageDto` of projects
//! and one of mentoring cycles) would silently share one schema, and the
//! API would answer with bodies its own document calls invalid.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_schema_has_a_name_of_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["web", "domain", "store", "reports"] {
        rust_files(&root.join(krate).join("src"), &mut files);
    }
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.trim_start().starts_with("#[") && line.contains("ToSchema")) {
                continue;
            }
            // The type the derive belongs to: the next `struct` or `enum`.
            let Some(name) = lines[i + 1..].iter().find_map(|l| {
                let l = l
                    .trim_start()
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                l.strip_prefix("struct ")
                    .or_else(|| l.strip_prefix("enum "))
                    .map(|rest| {
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or("")
                            .to_string()
                    })
            }) else {
                continue;
            };
            seen.entry(name).or_default().push(format!(
                "{}:{}",
                f.strip_prefix(&root).unwrap_or(f).display(),
                i + 1
            ));
        }
    }
    assert!(seen.len() > 50, "the scan found the schemas: {}", seen.len());
    let twice: Vec<String> = seen
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(name, at)| format!("{name}: {}", at.join(", ")))
        .collect();
    assert!(twice.is_empty(), "schema names used twice:\n{}", twice.join("\n"));
}
