use super::*;
use crate::domain::instrument::InstrumentLibrary;
use serde_json::json;

fn instrument() -> std::sync::Arc<Instrument> {
    InstrumentLibrary::builtin().unwrap().default_instrument()
}

fn body() -> Value {
    json!({
        "code": "K7M-4Q9-TXA",
        "submission_id": "6f1c2d0e-8a4b-4c1e-9f3a-2b7d5e6a9c10",
        "language": "nl",
        "demographics": { "age_band": "12-14", "gender": null, "time_here": "dont_know" },
        "answers": { "safe_home": 4, "safe_mark": 8, "safe_own_room": "dont_know" },
        "open_answer": "  Meer praten.  "
    })
}

#[test]
fn a_good_submission_parses() {
    let envelope = parse_envelope(&body()).unwrap();
    assert_eq!(envelope.language, "nl");
    assert_eq!(envelope.demographics.age_band, Some(AgeBand::Age12To14));
    assert_eq!(envelope.demographics.time_here, None);
    assert_eq!(envelope.open_answer.as_deref(), Some("Meer praten."));
    let answers = check_answers(&instrument(), SettingType::Gezinshuis, &envelope.answers).unwrap();
    assert_eq!(answers["safe_home"], Some(4));
    assert_eq!(answers["safe_own_room"], None);
}

#[test]
fn every_bad_field_is_named() {
    let bad = json!({
        "code": "",
        "submission_id": "not-a-uuid",
        "language": "Nederlands!",
        "demographics": { "age_band": "13", "shoe_size": 40 },
        "answers": [],
        "open_answer": 5,
        "ip": "10.0.0.1"
    });
    let errors = parse_envelope(&bad).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "ip",
        "code",
        "submission_id",
        "language",
        "demographics.shoe_size",
        "demographics.age_band",
        "answers",
        "open_answer",
    ] {
        assert!(fields.contains(&f), "{f} not reported in {fields:?}");
    }
    assert!(parse_envelope(&json!([1, 2])).is_err());
}

#[test]
fn unknown_items_values_off_the_scale_and_wrong_types_are_refused() {
    let raw = json!({ "no_such_item": 3, "safe_home": 7, "safe_mark": "8", "safe_school": 2.5 });
    let errors = check_answers(
        &instrument(),
        SettingType::OpenResidential,
        raw.as_object().unwrap(),
    )
    .unwrap_err();
    let by_field = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        by_field("answers.no_such_item"),
        "is not a question of this questionnaire"
    );
    assert_eq!(
        by_field("answers.safe_home"),
        "7 is not on the scale (1, 2, 3, 4, 5)"
    );
    assert!(by_field("answers.safe_mark").contains("whole number"));
    assert!(by_field("answers.safe_school").contains("not on the scale"));
}

#[test]
fn answers_to_questions_a_child_is_never_asked_are_refused() {
    // Seclusion questions are asked in closed and justice settings only, after "secluded" = yes.
    let raw = json!({ "secluded": 1, "secluded_talked_after": 1 });
    let raw = raw.as_object().unwrap();
    assert!(check_answers(&instrument(), SettingType::Closed, raw).is_ok());
    let errors = check_answers(&instrument(), SettingType::FosterCare, raw).unwrap_err();
    assert!(errors
        .iter()
        .any(|e| e.field == "answers.secluded_talked_after"));
    let follow_up_without_yes = json!({ "secluded": 2, "secluded_talked_after": 1 });
    assert!(check_answers(
        &instrument(),
        SettingType::Closed,
        follow_up_without_yes.as_object().unwrap()
    )
    .is_err());
}

#[test]
fn the_open_answer_has_a_length_limit_in_characters() {
    let i = instrument();
    let max = i.def().open_question.max_length;
    assert!(check_open_answer(&i, Some(&"é".repeat(max))).is_ok());
    let err = check_open_answer(&i, Some(&"é".repeat(max + 1))).unwrap_err();
    assert_eq!(err.field, "open_answer");
}
