//! The languages of the interface and their texts. The texts are data (`frontend/texts/*.toml`,
//! one file per language); the build turns them into the `Lang` enum and typed structs, and
//! refuses a file with a missing, extra or empty text. Children's texts are written for a
//! 10-year-old: short, kind and plain.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

impl Lang {
    /// A language by its code (`nl`, `en`, `x-rtl`), pseudo-locales included.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The languages real people choose from (no test locales).
    pub fn everyday() -> impl Iterator<Item = Lang> {
        Lang::ALL.into_iter().filter(|l| !l.is_pseudo())
    }

    /// The texts of the start, sign-in and "not found" pages.
    pub fn texts(self) -> &'static UiTexts {
        &self.all_texts().ui
    }

    /// The texts around the questions of the child's survey.
    pub fn survey(self) -> &'static SurveyTexts {
        &self.all_texts().survey
    }

    /// The value of `<html lang>`: a pseudo-locale shows its base language's words.
    pub fn html_lang(self) -> &'static str {
        self.content_code()
    }
}

/// The language chosen in the address (`?lang=en`); Dutch when none or an unknown one is given.
/// Read the same way on the server and in the browser, so hydration sees the same page. Test
/// locales are not taken here: they belong to the survey, where the server decides.
pub fn use_lang() -> Memo<Lang> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("lang")
            .and_then(|code| Lang::parse(&code))
            .filter(|l| !l.is_pseudo())
            .unwrap_or(Lang::Nl)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_code_a_name_and_a_direction() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert!(!lang.name().is_empty());
            assert!(["ltr", "rtl"].contains(&lang.dir()));
            assert!(Lang::everyday().any(|l| l.code() == lang.content_code() && !l.is_pseudo()));
        }
        assert_eq!(Lang::everyday().count(), 2, "Dutch and English");
    }

    #[test]
    fn the_pseudo_locale_is_english_mirrored_right_to_left() {
        let rtl = Lang::parse("x-rtl").unwrap();
        assert!(rtl.is_pseudo());
        assert_eq!(rtl.dir(), "rtl");
        assert_eq!(rtl.content_code(), "en");
        assert_eq!(rtl.html_lang(), "en");
        assert_eq!(
            rtl.survey().next,
            format!("\u{202E}{}\u{202C}", Lang::En.survey().next)
        );
        assert_eq!(
            rtl.survey()
                .age_bands
                .iter()
                .map(|(v, _)| *v)
                .collect::<Vec<_>>(),
            ["8-11", "12-14", "15-17", "18-23"]
        );
    }

    #[test]
    fn placeholders_survive_in_every_language() {
        for lang in Lang::ALL {
            let progress = lang
                .survey()
                .progress
                .replace("{n}", "3")
                .replace("{total}", "9");
            assert!(
                progress.contains('3') && progress.contains('9'),
                "{progress}"
            );
        }
    }
}
