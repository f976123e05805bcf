use super::*;
use crate::domain::SettingType;

const SMALL: &str = r#"
version = "test-v1"
languages = ["nl", "en"]
title = { nl = "Test", en = "Test" }

[[scales]]
key = "safety"
kind = "smiley"
safe_values = [4, 5]
points = [
  { value = 1, label = { nl = "a", en = "a" } },
  { value = 2, label = { nl = "b", en = "b" } },
  { value = 3, label = { nl = "c", en = "c" } },
  { value = 4, label = { nl = "d", en = "d" } },
  { value = 5, label = { nl = "e", en = "e" } },
]

[[scales]]
key = "yes_no"
kind = "choice"
safe_values = [2]
points = [
  { value = 1, label = { nl = "ja", en = "yes" } },
  { value = 2, label = { nl = "nee", en = "no" } },
]

[[domains]]
key = "feeling_safe"
title = { nl = "Veilig", en = "Safe" }

[[items]]
key = "safe_home"
comparability_key = "feel_safe.home"
domain = "feeling_safe"
scale = "safety"
text = { nl = "Voel jij je veilig?", en = "Do you feel safe?" }

[[items]]
key = "secluded"
comparability_key = "seclusion.any"
domain = "feeling_safe"
scale = "yes_no"
text = { nl = "Was je in de afzondering?", en = "Were you in seclusion?" }
show_if = { setting_types = ["closed"] }

[[items]]
key = "secluded_safe"
comparability_key = "seclusion.safe"
domain = "feeling_safe"
scale = "safety"
text = { nl = "Voelde je je daar veilig?", en = "Did you feel safe there?" }
show_if = { item = "secluded", values = [1] }
help_if = [1, 2]

[open_question]
key = "what_would_help"
comparability_key = "open.what_would_help"
text = { nl = "Wat zou helpen?", en = "What would help?" }
max_length = 1000
"#;

fn small() -> Instrument {
    Instrument::parse("small.toml", SMALL).expect("the small instrument is valid")
}

#[test]
fn the_default_instrument_is_valid_and_covers_35_to_45_items() {
    let library = InstrumentLibrary::builtin().expect("the shipped instrument must be valid");
    let default = library.default_instrument();
    assert_eq!(default.version(), DEFAULT_VERSION);
    let n = default.def().items.len();
    assert!((35..=45).contains(&n), "{n} items");
    assert!(
        default.item("safe_home").is_some(),
        "the headline item exists"
    );
    assert_eq!(default.def().languages, ["nl", "en"]);
}

#[test]
fn routing_follows_setting_type_and_earlier_answers() {
    let instrument = small();
    let mut answers = AnswersSoFar::new();
    let keys = |setting, answers: &AnswersSoFar| -> Vec<String> {
        instrument
            .shown_items(setting, answers)
            .map(|i| i.key.clone())
            .collect()
    };
    assert_eq!(keys(SettingType::Gezinshuis, &answers), ["safe_home"]);
    assert_eq!(
        keys(SettingType::Closed, &answers),
        ["safe_home", "secluded"]
    );
    answers.insert("secluded".into(), Some(2));
    assert_eq!(
        keys(SettingType::Closed, &answers),
        ["safe_home", "secluded"]
    );
    answers.insert("secluded".into(), None);
    assert_eq!(
        keys(SettingType::Closed, &answers),
        ["safe_home", "secluded"],
        "don't know is not yes"
    );
    answers.insert("secluded".into(), Some(1));
    assert_eq!(
        keys(SettingType::Closed, &answers),
        ["safe_home", "secluded", "secluded_safe"]
    );
}

#[test]
fn safe_values_come_from_the_item_or_else_its_scale() {
    let instrument = small();
    let home = instrument.item("safe_home").unwrap();
    assert_eq!(instrument.safe_values(home), [4, 5]);
    let secluded = instrument.item("secluded").unwrap();
    assert_eq!(instrument.safe_values(secluded), [2]);
}

#[test]
fn json_round_trip_keeps_the_instrument_and_its_hash() {
    let instrument = small();
    let again = Instrument::from_json("stored", &instrument.to_json()).unwrap();
    assert_eq!(again, instrument);
    assert_eq!(again.sha256(), instrument.sha256());
}

fn errors_for(toml_text: &str) -> Vec<String> {
    match Instrument::parse("broken.toml", toml_text) {
        Ok(_) => panic!("expected the instrument to be refused"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn an_unknown_scale_is_reported_with_the_item_and_the_field() {
    let broken = SMALL.replacen(
        "scale = \"safety\"\ntext = { nl = \"Voel",
        "scale = \"safe6\"\ntext = { nl = \"Voel",
        1,
    );
    let errors = errors_for(&broken);
    assert_eq!(
        errors,
        ["broken.toml: items[0] (safe_home).scale: unknown scale \"safe6\""]
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let broken = SMALL
        .replace("en = \"Do you feel safe?\"", "en = \"\"")
        .replace(
            "show_if = { item = \"secluded\", values = [1] }",
            "show_if = { item = \"later\", values = [1] }",
        )
        .replace("help_if = [1, 2]", "help_if = [9]");
    let errors = errors_for(&broken).join("\n");
    assert!(
        errors.contains("items[0] (safe_home).text: the text in language \"en\" is empty"),
        "{errors}"
    );
    assert!(
        errors.contains("items[2] (secluded_safe).show_if: item \"later\" must be an earlier item"),
        "{errors}"
    );
    assert!(
        errors.contains("items[2] (secluded_safe).help_if: 9 is not a value of scale \"safety\""),
        "{errors}"
    );
}

#[test]
fn a_missing_language_and_an_unknown_field_are_refused() {
    let errors = errors_for(&SMALL.replace(
        "text = { nl = \"Wat zou helpen?\", en = \"What would help?\" }",
        "text = { nl = \"Wat zou helpen?\" }",
    ));
    assert_eq!(
        errors,
        ["broken.toml: open_question.text: the text in language \"en\" is missing"]
    );
    let errors =
        errors_for(&SMALL.replace("max_length = 1000", "max_length = 1000\ncolour = \"red\""));
    assert!(errors[0].contains("unknown field `colour`"), "{errors:?}");
}

#[test]
fn duplicate_keys_and_bad_smiley_scales_are_refused() {
    let errors =
        errors_for(&SMALL.replace("key = \"secluded_safe\"", "key = \"secluded\"")).join("\n");
    assert!(
        errors.contains("items[2] (secluded).key: item \"secluded\" is defined twice"),
        "{errors}"
    );
    let errors = errors_for(&SMALL.replacen(
        "  { value = 5, label = { nl = \"e\", en = \"e\" } },\n",
        "",
        1,
    ))
    .join("\n");
    assert!(errors.contains("scales[0] (safety).points"), "{errors}");
}
