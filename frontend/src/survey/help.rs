//! Who a child can turn to: shown on the help screen, after the survey, and after an answer
//! that asks for it. The built-in list holds the national services; a deployment gives its own
//! in a TOML file (`VEILIG_HELP_FILE`), checked when the server starts.

use crate::i18n::Lang;
use std::collections::BTreeMap;

/// Someone a child can turn to, in every language of the interface.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpContact {
    pub name: BTreeMap<String, String>,
    pub how: BTreeMap<String, String>,
}

impl HelpContact {
    pub fn name(&self, lang: Lang) -> String {
        pick(&self.name, lang)
    }

    pub fn how(&self, lang: Lang) -> String {
        pick(&self.how, lang)
    }
}

/// The text in the language asked for; a pseudo-locale shows its base language's text.
fn pick(texts: &BTreeMap<String, String>, lang: Lang) -> String {
    texts
        .get(lang.code())
        .or_else(|| texts.get(lang.content_code()))
        .or_else(|| texts.get("nl"))
        .cloned()
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpContacts {
    pub contacts: Vec<HelpContact>,
}

/// The most contacts on one screen: more would not fit a tablet without scrolling.
pub const MAX_CONTACTS: usize = 6;
/// The longest name or description, in characters.
pub const MAX_TEXT: usize = 200;

impl HelpContacts {
    /// Reads a help file and checks it: 1 to 6 contacts, each with a name and a description in
    /// Dutch and English (every everyday language), none empty or longer than 200 characters.
    /// Every problem is listed, with the contact's number.
    pub fn parse(source: &str) -> Result<HelpContacts, Vec<String>> {
        let parsed: HelpContacts = toml::from_str(source).map_err(|e| vec![e.to_string()])?;
        let mut problems = Vec::new();
        if parsed.contacts.is_empty() || parsed.contacts.len() > MAX_CONTACTS {
            problems.push(format!("give 1 to {MAX_CONTACTS} [[contacts]]"));
        }
        for (i, contact) in parsed.contacts.iter().enumerate() {
            for (field, texts) in [("name", &contact.name), ("how", &contact.how)] {
                for lang in Lang::everyday() {
                    match texts.get(lang.code()).map(|t| t.trim()) {
                        None | Some("") => problems.push(format!(
                            "contact {}: {field} needs a text for {}",
                            i + 1,
                            lang.code()
                        )),
                        Some(t) if t.chars().count() > MAX_TEXT => problems.push(format!(
                            "contact {}: {field}.{} is longer than {MAX_TEXT} characters",
                            i + 1,
                            lang.code()
                        )),
                        Some(_) => {}
                    }
                }
                for code in texts.keys() {
                    if Lang::parse(code).is_none_or(|l| l.is_pseudo()) {
                        problems.push(format!(
                            "contact {}: {field}.{code} is not a language of the interface",
                            i + 1
                        ));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(parsed)
        } else {
            Err(problems)
        }
    }

    /// The built-in list.
    pub fn builtin() -> HelpContacts {
        HelpContacts::parse(DEFAULT_HELP).unwrap_or(HelpContacts {
            contacts: Vec::new(),
        })
    }
}

/// The built-in help list: the confidential adviser, De Kindertelefoon, Veilig Thuis, 112.
/// A deployment's own file has the same form.
pub const DEFAULT_HELP: &str = include_str!("../../texts/help/default.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_help_list_is_valid_and_complete() {
        let help = HelpContacts::parse(DEFAULT_HELP).unwrap();
        assert_eq!(help.contacts.len(), 4);
        let all: String = help
            .contacts
            .iter()
            .map(|c| c.how(Lang::En) + &c.name(Lang::Nl))
            .collect();
        for needed in ["vertrouwenspersoon", "0800-0432", "0800-2000", "112"] {
            assert!(all.contains(needed), "{needed}");
        }
        assert_eq!(HelpContacts::builtin(), help);
    }

    #[test]
    fn a_help_file_with_problems_is_refused_with_every_problem_named() {
        let problems = HelpContacts::parse(
            r#"
            [[contacts]]
            name = { nl = "Vertrouwenspersoon" }
            how = { nl = "", en = "Call us", de = "Ruf an" }
            "#,
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                "contact 1: name needs a text for en",
                "contact 1: how needs a text for nl",
                "contact 1: how.de is not a language of the interface",
            ]
        );
        assert!(HelpContacts::parse("contacts = []").is_err());
        assert!(HelpContacts::parse("[[contacts]]\nname = 1").is_err());
    }

    #[test]
    fn a_pseudo_locale_shows_the_texts_of_its_base_language() {
        let help = HelpContacts::builtin();
        let rtl = Lang::parse("x-rtl").unwrap();
        assert_eq!(help.contacts[1].how(rtl), help.contacts[1].how(Lang::En));
    }
}
