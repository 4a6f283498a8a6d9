//! People pickers: every form that names a teacher offers them as a
//! `<select data-picker>` whose options carry what one may type to find
//! them — the name, its pinyin and initials, the staff number — and app.js
//! turns it into a search box (a plain list without scripts).

use lingyan_store::evidence::Colleague;

/// One person a picker offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChoice {
    pub id: i64,
    /// The name as shown (with the staff number where two share it).
    pub label: String,
    /// Shown beside the name in the list: the staff number.
    pub hint: String,
    /// Lower-case text the typed query is matched against.
    pub search: String,
}

impl From<Colleague> for PersonChoice {
    fn from(c: Colleague) -> Self {
        let no = c.staff_no.unwrap_or_default();
        PersonChoice {
            search: format!(
                "{} {} {}",
                c.name.to_lowercase(),
                lingyan_domain::collate::search_key(&c.name),
                no.to_lowercase()
            ),
            hint: no,
            id: c.id,
            label: c.label,
        }
    }
}

/// Converts picker rows.
pub fn choices(rows: Vec<Colleague>) -> Vec<PersonChoice> {
    rows.into_iter().map(PersonChoice::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_found_by_pinyin_initials_and_staff_number() {
        let p = PersonChoice::from(Colleague {
            id: 18,
            name: "丁悦雨".into(),
            staff_no: Some("GF0018".into()),
            label: "丁悦雨".into(),
        });
        assert_eq!(p.label, "丁悦雨");
        assert_eq!(p.hint, "GF0018");
        for typed in ["丁悦", "dingyue", "dyy", "gf0018"] {
            assert!(p.search.contains(typed), "{typed} in {}", p.search);
        }
    }
}
