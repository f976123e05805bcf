//! The languages of the interface and their texts. Children's texts are written for a
//! 10-year-old: short, kind and plain.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language's own name, shown on the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn texts(self) -> &'static UiTexts {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }
}

/// The language chosen in the address (`?lang=en`); Dutch when none or an unknown one is given.
/// Read the same way on the server and in the browser, so hydration sees the same page.
pub fn use_lang() -> Memo<Lang> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("lang")
            .and_then(|code| Lang::parse(&code))
            .unwrap_or(Lang::Nl)
    })
}

pub struct UiTexts {
    pub skip_to_content: &'static str,
    pub language_switch: &'static str,
    pub start_title: &'static str,
    pub start_intro: &'static str,
    pub start_anonymous: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_preview: &'static str,
    pub start_button: &'static str,
    pub code_error_format: &'static str,
    pub code_error_unknown: &'static str,
    pub code_error_used: &'static str,
    pub code_error_closed: &'static str,
    pub code_error_busy: &'static str,
    pub staff_link: &'static str,
    pub login_title: &'static str,
    pub login_email: &'static str,
    pub login_password: &'static str,
    pub login_button: &'static str,
    pub login_error: &'static str,
    pub login_limited: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
}

static NL: UiTexts = UiTexts {
    skip_to_content: "Naar de inhoud",
    language_switch: "Taal",
    start_title: "Welkom!",
    start_intro: "Wij willen weten hoe veilig jij je voelt waar je woont. Zo kunnen we het beter maken.",
    start_anonymous: "Niemand van je groep ziet jouw antwoorden. Je mag elke vraag overslaan.",
    code_label: "Jouw code",
    code_hint: "Je vindt de code op je kaartje. Hoofdletters, spaties en streepjes maken niet uit.",
    code_preview: "Je typte:",
    start_button: "Beginnen",
    code_error_format: "Deze code klopt niet helemaal. Kijk nog eens goed op je kaartje. Een code heeft 9 tekens.",
    code_error_unknown: "We kennen deze code niet. Kijk nog eens goed op je kaartje, of vraag om een nieuwe code.",
    code_error_used: "Met deze code is de vragenlijst al ingevuld. Heb je nog geen antwoorden gegeven? Vraag dan om een nieuwe code.",
    code_error_closed: "De vragenlijst is nu niet open. Vraag wanneer je hem kunt invullen.",
    code_error_busy: "Het lukt nu even niet. Probeer het zo nog een keer.",
    staff_link: "Inloggen voor medewerkers",
    login_title: "Inloggen voor medewerkers",
    login_email: "E-mailadres",
    login_password: "Wachtwoord",
    login_button: "Inloggen",
    login_error: "Dat e-mailadres of wachtwoord klopt niet.",
    login_limited: "Te veel pogingen. Probeer het over een kwartier opnieuw.",
    not_found_title: "Deze pagina bestaat niet",
    not_found_text: "Misschien is het adres niet goed overgetypt.",
    back_home: "Naar het begin",
};

static EN: UiTexts = UiTexts {
    skip_to_content: "Skip to content",
    language_switch: "Language",
    start_title: "Welcome!",
    start_intro: "We want to know how safe you feel where you live. That helps us make it better.",
    start_anonymous: "Nobody at your group will see your answers. You may skip any question.",
    code_label: "Your code",
    code_hint: "You can find the code on your card. Capital letters, spaces and dashes do not matter.",
    code_preview: "You typed:",
    start_button: "Start",
    code_error_format: "This code is not quite right. Please look at your card again. A code has 9 characters.",
    code_error_unknown: "We do not know this code. Please look at your card again, or ask for a new code.",
    code_error_used: "This code has already been used to fill in the questions. Have you not answered yet? Then ask for a new code.",
    code_error_closed: "The questions are not open right now. Ask when you can fill them in.",
    code_error_busy: "Something is not working right now. Please try again in a moment.",
    staff_link: "Staff sign-in",
    login_title: "Staff sign-in",
    login_email: "E-mail address",
    login_password: "Password",
    login_button: "Sign in",
    login_error: "That e-mail address or password is not right.",
    login_limited: "Too many attempts. Please try again in fifteen minutes.",
    not_found_title: "This page does not exist",
    not_found_text: "Perhaps the address was not typed quite right.",
    back_home: "Back to the start",
};
