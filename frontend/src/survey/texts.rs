//! What the survey says around the questions, in Dutch and English. Written for a child of
//! ten: short sentences, kind, plain, no jargon.

use crate::i18n::Lang;

pub struct SurveyTexts {
    pub help: &'static str,
    pub quick_exit: &'static str,
    pub quick_exit_label: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub skip_hint: &'static str,
    pub dont_know: &'static str,
    pub progress: &'static str,
    pub intro_title: &'static str,
    pub intro: [&'static str; 4],
    pub start: &'static str,
    pub about_title: &'static str,
    pub about_intro: &'static str,
    pub age: &'static str,
    pub ages: [(&'static str, &'static str); 4],
    pub gender: &'static str,
    pub genders: [(&'static str, &'static str); 3],
    pub time_here: &'static str,
    pub times_here: [(&'static str, &'static str); 4],
    pub rather_not_say: &'static str,
    pub open_hint: &'static str,
    pub send_title: &'static str,
    pub send_intro: &'static str,
    pub answered: &'static str,
    pub send: &'static str,
    pub thanks_title: &'static str,
    pub thanks: &'static str,
    pub help_title: &'static str,
    pub help_intro: &'static str,
    pub help_after_answer: &'static str,
    pub back_to_questions: &'static str,
    pub code_problem: &'static str,
    pub start_again: &'static str,
}

impl SurveyTexts {
    pub fn of(lang: Lang) -> &'static SurveyTexts {
        match lang {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }
}

static NL: SurveyTexts = SurveyTexts {
    help: "Hulp",
    quick_exit: "Snel weg",
    quick_exit_label: "Snel weg: verberg deze vragenlijst meteen",
    back: "Terug",
    next: "Volgende",
    skip_hint: "Je mag een vraag overslaan. Druk dan gewoon op Volgende.",
    dont_know: "Weet ik niet / zeg ik liever niet",
    progress: "Stap {n} van {total}",
    intro_title: "Fijn dat je meedoet!",
    intro: [
        "We willen weten hoe veilig jij je voelt waar je nu woont.",
        "Je naam staat nergens. Niemand van je groep, je begeleiders of je pleegouders ziet jouw antwoorden.",
        "Er zijn geen goede of foute antwoorden. Je mag elke vraag overslaan.",
        "Wil je even stoppen of praten met iemand? Druk dan op Hulp.",
    ],
    start: "Beginnen",
    about_title: "Eerst iets over jou",
    about_intro: "Dit helpt ons om de antwoorden te begrijpen. Je hoeft niets in te vullen als je dat niet wilt.",
    age: "Hoe oud ben je?",
    ages: [("8-11", "8 tot en met 11 jaar"), ("12-14", "12 tot en met 14 jaar"), ("15-17", "15 tot en met 17 jaar"), ("18-23", "18 jaar of ouder")],
    gender: "Ben je een…",
    genders: [("girl", "meisje"), ("boy", "jongen"), ("other", "anders")],
    time_here: "Hoe lang woon je hier al?",
    times_here: [("lt_6m", "korter dan een half jaar"), ("6_12m", "een half jaar tot een jaar"), ("1_2y", "een tot twee jaar"), ("gt_2y", "langer dan twee jaar")],
    rather_not_say: "Zeg ik liever niet",
    open_hint: "Je mag dit leeg laten.",
    send_title: "Klaar!",
    send_intro: "Je bent bij het einde. Wil je nog iets veranderen? Ga dan terug. Anders kun je je antwoorden nu versturen.",
    answered: "Je hebt {n} vragen beantwoord.",
    send: "Versturen",
    thanks_title: "Dank je wel!",
    thanks: "Je antwoorden zijn goed aangekomen. Ze helpen om het veiliger te maken voor kinderen en jongeren die niet thuis wonen.",
    help_title: "Hulp",
    help_intro: "Wil je praten over hoe het met je gaat, of over iets wat er is gebeurd? Dat mag altijd. Deze mensen luisteren naar je:",
    help_after_answer: "Je hebt iets verteld wat niet fijn is. Je mag daar altijd over praten met iemand die je vertrouwt. Hieronder staat wie je kunt bellen of appen.",
    back_to_questions: "Terug naar de vragen",
    code_problem: "We konden je vragenlijst niet vinden. Vul je code nog een keer in, dan ga je verder waar je was.",
    start_again: "Code invullen",
};

static EN: SurveyTexts = SurveyTexts {
    help: "Help",
    quick_exit: "Quick exit",
    quick_exit_label: "Quick exit: hide this survey right away",
    back: "Back",
    next: "Next",
    skip_hint: "You can skip a question. Just press Next.",
    dont_know: "I don't know / I'd rather not say",
    progress: "Step {n} of {total}",
    intro_title: "Thank you for joining in!",
    intro: [
        "We want to know how safe you feel where you live now.",
        "Your name is not on it. Nobody at your group, and none of the people who look after you, will see your answers.",
        "There are no right or wrong answers. You can skip any question.",
        "Do you want to stop for a moment, or talk to someone? Press Help.",
    ],
    start: "Start",
    about_title: "First, something about you",
    about_intro: "This helps us understand the answers. You don't have to fill anything in if you don't want to.",
    age: "How old are you?",
    ages: [("8-11", "8 to 11 years"), ("12-14", "12 to 14 years"), ("15-17", "15 to 17 years"), ("18-23", "18 years or older")],
    gender: "Are you a…",
    genders: [("girl", "girl"), ("boy", "boy"), ("other", "something else")],
    time_here: "How long have you lived here?",
    times_here: [("lt_6m", "less than half a year"), ("6_12m", "half a year to a year"), ("1_2y", "one to two years"), ("gt_2y", "more than two years")],
    rather_not_say: "I'd rather not say",
    open_hint: "You can leave this empty.",
    send_title: "Done!",
    send_intro: "You have reached the end. Want to change something? Go back. Otherwise you can send your answers now.",
    answered: "You answered {n} questions.",
    send: "Send",
    thanks_title: "Thank you!",
    thanks: "Your answers have arrived safely. They help make things safer for children and young people who do not live at home.",
    help_title: "Help",
    help_intro: "Do you want to talk about how you are, or about something that happened? You always can. These people will listen to you:",
    help_after_answer: "You told us about something that is not nice. You can always talk about it with someone you trust. Below you can see who you can call or chat with.",
    back_to_questions: "Back to the questions",
    code_problem: "We could not find your survey. Type your code again and you will carry on where you were.",
    start_again: "Type your code",
};

/// Someone a child can turn to. The defaults are the national services; a deployment can
/// replace them (see `HelpContacts`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct HelpContact {
    pub name: std::collections::BTreeMap<String, String>,
    pub how: std::collections::BTreeMap<String, String>,
}

impl HelpContact {
    pub fn name(&self, lang: Lang) -> String {
        pick(&self.name, lang)
    }

    pub fn how(&self, lang: Lang) -> String {
        pick(&self.how, lang)
    }
}

fn pick(texts: &std::collections::BTreeMap<String, String>, lang: Lang) -> String {
    texts
        .get(lang.code())
        .or_else(|| texts.get("nl"))
        .cloned()
        .unwrap_or_default()
}

/// The built-in help list: the confidential adviser, De Kindertelefoon, Veilig Thuis, 112.
pub const DEFAULT_HELP: &str = r#"
[[contacts]]
name = { nl = "De vertrouwenspersoon", en = "The confidential adviser (vertrouwenspersoon)" }
how = { nl = "Iemand die niet bij je groep hoort en alleen voor jou is. Vraag je begeleider of kijk op de poster naar het nummer.", en = "Someone who is not part of your group and is there just for you. Ask for the number, or look at the poster." }

[[contacts]]
name = { nl = "De Kindertelefoon", en = "De Kindertelefoon (children's helpline)" }
how = { nl = "Bel gratis 0800-0432 of chat op kindertelefoon.nl. Elke dag van 11 tot 21 uur. Anoniem.", en = "Call 0800-0432 for free, or chat at kindertelefoon.nl. Every day from 11:00 to 21:00. Anonymous." }

[[contacts]]
name = { nl = "Veilig Thuis", en = "Veilig Thuis" }
how = { nl = "Bel gratis 0800-2000, dag en nacht.", en = "Call 0800-2000 for free, day and night." }

[[contacts]]
name = { nl = "112", en = "112" }
how = { nl = "Bij gevaar, nu meteen: bel 112.", en = "If you are in danger right now: call 112." }
"#;

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct HelpContacts {
    pub contacts: Vec<HelpContact>,
}
