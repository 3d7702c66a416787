//! The embedded cases: every ELF of guest-programs/conformance, with the rule
//! each stores in its `.conformance.rule` section and what its name says
//! about where it applies.

use crate::mmu::walk::AdPolicy;
use goblin::elf::Elf;

/// (name, ELF) for every case, sorted by name (written by build.rs).
static EMBEDDED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/conformance_cases.rs"));

/// The ELF section holding a case's rule (spec section and rule, ASCII).
pub const RULE_SECTION: &str = ".conformance.rule";

/// One case of the suite.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub name: &'static str,
    pub elf: &'static [u8],
}

impl Case {
    /// The rule the case checks, from its ELF ("?" when the section is missing).
    pub fn rule(&self) -> String {
        rule_of(self.elf).unwrap_or_else(|| "?".into())
    }

    /// The A/D scheme the case needs: `adfault_*` Svade, `adhw_*` hardware
    /// updates, anything else either (`qemubug_` comes first when both apply).
    pub fn needs(&self) -> Option<AdPolicy> {
        let rest = self.name.strip_prefix("qemubug_").unwrap_or(self.name);
        if rest.starts_with("adfault_") {
            Some(AdPolicy::Fault)
        } else if rest.starts_with("adhw_") {
            Some(AdPolicy::Update)
        } else {
            None
        }
    }

    /// Whether the case applies to a machine keeping A/D as `ad` says.
    pub fn applies(&self, ad: AdPolicy) -> bool {
        self.needs().is_none_or(|need| need == ad)
    }

    /// Whether QEMU 7.2 contradicts the spec here (the case says how).
    pub fn qemu_bug(&self) -> bool {
        self.name.starts_with("qemubug_")
    }

    /// Whether QEMU 7.2 (hardware A/D, no Svade) should pass the case.
    pub fn qemu_passes(&self) -> bool {
        !self.qemu_bug() && self.applies(AdPolicy::Update)
    }
}

/// Every case of the suite.
pub fn all() -> Vec<Case> {
    EMBEDDED.iter().map(|&(name, elf)| Case { name, elf }).collect()
}

/// The cases whose name matches `pattern`: a substring, or a glob when it
/// holds `*` (e.g. `perm_*_u`).
pub fn matching(pattern: Option<&str>) -> Vec<Case> {
    all().into_iter().filter(|c| pattern.is_none_or(|p| name_matches(c.name, p))).collect()
}

fn name_matches(name: &str, pattern: &str) -> bool {
    if !pattern.contains('*') {
        return name.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The text of an ELF's `.conformance.rule` section.
pub fn rule_of(elf: &[u8]) -> Option<String> {
    let parsed = Elf::parse(elf).ok()?;
    let section =
        parsed.section_headers.iter().find(|sh| parsed.shdr_strtab.get_at(sh.sh_name) == Some(RULE_SECTION))?;
    let bytes = elf.get(section.file_range()?)?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_substrings() {
        assert!(name_matches("perm_x_load_u", "x_load"));
        assert!(name_matches("perm_x_load_u", "perm_*_u"));
        assert!(name_matches("perm_x_load_u", "*load*"));
        assert!(!name_matches("perm_x_load_s", "perm_*_u"));
        assert!(!name_matches("ab", "a*b*b"));
        assert!(name_matches("abb", "a*b*b"));
    }

    #[test]
    fn names_say_where_cases_apply() {
        let case = |name| Case { name, elf: &[] };
        assert_eq!(case("adfault_load_a0").needs(), Some(AdPolicy::Fault));
        assert_eq!(case("qemubug_adhw_pmp_table_ro_load").needs(), Some(AdPolicy::Update));
        assert!(case("qemubug_adhw_pmp_table_ro_load").qemu_bug());
        assert!(!case("adfault_load_a0").qemu_passes());
        assert!(case("pte_v0_load_s").applies(AdPolicy::Fault) && case("pte_v0_load_s").qemu_passes());
    }

    #[test]
    fn every_case_has_a_rule() {
        let cases = all();
        assert!(cases.len() >= 150, "{} cases", cases.len());
        for c in cases {
            let rule = rule_of(c.elf).unwrap_or_else(|| panic!("{}: no {RULE_SECTION} section", c.name));
            assert!(
                rule.chars().next().is_some_and(|ch| ch.is_ascii_digit() || ch == 'u'),
                "{}: rule {rule:?}",
                c.name
            );
        }
    }
}
