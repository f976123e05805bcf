//! The survey on the device (routing.js) asks exactly what the plain forms ask (the server's
//! domain::survey): for every setting type and hundreds of answer sets, the steps, the pruned
//! answers, next and previous from every step, and the help panel agree.

use crate::driver::Browser;
use serde_json::{json, Map, Value};
use veilig::domain::instrument::{AnswersSoFar, Instrument};
use veilig::domain::survey::{self, Draft, Step};
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;
use veilig_tests::{spawn_app, Db};

/// A small fixed-seed generator: the same cases on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn step_key(step: &Step) -> String {
    match step {
        Step::Language => "language".into(),
        Step::Intro => "intro".into(),
        Step::About => "about".into(),
        Step::Item(key) => format!("item:{key}"),
        Step::Open => "open".into(),
        Step::Send => "send".into(),
    }
}

/// Random answers: each item of the questionnaire answered with some value of its scale, "don't
/// know", or not at all; follow-ups are often answered when their question allows it, so routing
/// is exercised both ways.
fn random_answers(instrument: &Instrument, rng: &mut Lcg) -> AnswersSoFar {
    let mut answers = AnswersSoFar::new();
    for item in &instrument.def().items {
        let Some(scale) = instrument.scale_of(item) else {
            continue;
        };
        match rng.below(5) {
            0 => {}
            1 => {
                answers.insert(item.key.clone(), None);
            }
            _ => {
                let point = &scale.points[rng.below(scale.points.len())];
                answers.insert(item.key.clone(), Some(point.value));
            }
        }
    }
    answers
}

fn as_json(answers: &AnswersSoFar) -> Value {
    Value::Object(
        answers
            .iter()
            .map(|(k, v)| (k.clone(), v.map_or(Value::Null, |v| json!(v))))
            .collect::<Map<_, _>>(),
    )
}

/// What the server's rules say for one answer set.
fn expected(instrument: &Instrument, setting: SettingType, answers: &AnswersSoFar) -> Value {
    let steps = survey::steps(instrument, setting, answers);
    let mut pruned = answers.clone();
    survey::prune(instrument, setting, &mut pruned);
    let mut draft = Draft::new("nl");
    draft.answers = answers.clone();
    let moves: Vec<Value> = steps
        .iter()
        .map(|step| {
            draft.step = step.clone();
            let (here, total) = survey::progress(instrument, setting, &draft);
            json!([
                step_key(&survey::next(instrument, setting, &draft)),
                step_key(&survey::previous(instrument, setting, &draft)),
                [here, total]
            ])
        })
        .collect();
    let help: Vec<Value> = instrument
        .def()
        .items
        .iter()
        .flat_map(|item| {
            (1..=10).map(move |v| survey::asks_for_help(instrument, &item.key, Some(v)))
        })
        .map(Value::Bool)
        .collect();
    json!({
        "steps": steps.iter().map(step_key).collect::<Vec<_>>(),
        "pruned": as_json(&pruned),
        "moves": moves,
        "help": help,
    })
}

/// The same computed by routing.js on the survey document of the setting type.
const ON_THE_DEVICE: &str = r#"
const [cases, items] = arguments;
const R = window.VeiligRouting;
const screens = R.fromDocument(document.querySelector("main[data-survey-app]"));
return cases.map(answers => {
  const steps = R.steps(screens, answers);
  const pruned = R.prune(screens, Object.assign({}, answers));
  const moves = steps.map(step => [
    R.next(screens, answers, step), R.previous(screens, answers, step), R.progress(screens, answers, step)
  ]);
  const help = [];
  for (const item of items) {
    const screen = screens.find(s => s.item === item);
    for (let v = 1; v <= 10; v++) help.push(screen ? R.asksForHelp(screen, v) : false);
  }
  return { steps, pruned, moves, help };
});
"#;

#[tokio::test]
async fn the_survey_on_the_device_routes_exactly_as_the_server_does() {
    let app = spawn_app(Db::Sqlite).await;
    app.wave("2023", WaveState::Open).await;
    let instrument = app.instruments().default_instrument();
    let items: Vec<String> = instrument
        .def()
        .items
        .iter()
        .map(|i| i.key.clone())
        .collect();
    let browser = Browser::start(true).await;
    let mut rng = Lcg(2023);
    for setting in SettingType::ALL {
        browser
            .client
            .goto(&app.url(&format!("/survey/app/2023/{}/nl", setting.as_str())))
            .await
            .unwrap();
        let cases: Vec<AnswersSoFar> = (0..150)
            .map(|i| {
                if i == 0 {
                    AnswersSoFar::new()
                } else {
                    random_answers(&instrument, &mut rng)
                }
            })
            .collect();
        let on_device = browser
            .client
            .execute(
                ON_THE_DEVICE,
                vec![
                    Value::Array(cases.iter().map(as_json).collect()),
                    json!(items),
                ],
            )
            .await
            .expect("routing.js runs");
        for (i, answers) in cases.iter().enumerate() {
            let server = expected(&instrument, setting, answers);
            // Help for items the setting never asks is moot (they never show); compare the rest.
            let shown = |v: &Value| {
                let mut v = v.clone();
                v["help"] = Value::Null;
                v
            };
            assert_eq!(
                shown(&on_device[i]),
                shown(&server),
                "{setting}: answers {}",
                as_json(answers)
            );
            let device_help = on_device[i]["help"].as_array().cloned().unwrap_or_default();
            let server_help = server["help"].as_array().cloned().unwrap_or_default();
            let steps = server["steps"].as_array().cloned().unwrap_or_default();
            for (n, item) in items.iter().enumerate() {
                if steps.contains(&json!(format!("item:{item}"))) {
                    assert_eq!(
                        device_help[n * 10..n * 10 + 10],
                        server_help[n * 10..n * 10 + 10],
                        "{setting}: help after {item}"
                    );
                }
            }
        }
    }
    browser.close().await;
}
