//! Open answers are read by researchers, so before a text is stored, what could identify a
//! person is replaced by `[…]`: e-mail addresses, phone numbers, postcodes, street addresses,
//! and names. Names cannot be recognised with certainty, so the rule is cautious on purpose:
//! a capitalised word that does not start a sentence is taken for a name. A city or a brand
//! lost to `[…]` costs little; a child's or a carer's name kept could cost a lot.

pub const REDACTED: &str = "[…]";

const STREET_ENDINGS: [&str; 16] = [
    "straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel", "dreef", "steeg",
    "street", "road", "avenue", "lane", "drive", "square",
];

/// Capitalised words that are not names (English "I", Dutch words capitalised by habit).
const NOT_NAMES: [&str; 8] = ["I", "I'm", "I've", "I'd", "Ik", "OK", "Oké", "Ok"];

/// Phrases after which the next word is a name even when not capitalised.
const NAME_CUES: [&[&str]; 6] = [
    &["ik", "heet"],
    &["mijn", "naam", "is"],
    &["my", "name", "is"],
    &["i'm", "called"],
    &["meneer"],
    &["mevrouw"],
];

fn core(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '+')
}

fn is_email(core: &str) -> bool {
    match core.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.'),
        None => false,
    }
}

fn digits(core: &str) -> usize {
    core.chars().filter(char::is_ascii_digit).count()
}

fn phone_like(core: &str) -> bool {
    !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || "+-().".contains(c))
        && digits(core) > 0
}

fn is_street(core: &str) -> bool {
    let lower = core.to_lowercase();
    STREET_ENDINGS
        .iter()
        .any(|end| lower.ends_with(end) && lower.len() > end.len() + 1)
}

fn is_postcode_digits(core: &str) -> bool {
    core.len() == 4 && core.chars().all(|c| c.is_ascii_digit())
}

fn is_postcode_letters(core: &str) -> bool {
    core.len() == 2 && core.chars().all(|c| c.is_ascii_uppercase())
}

fn capitalised(core: &str) -> bool {
    core.chars().next().is_some_and(char::is_uppercase) && !NOT_NAMES.contains(&core)
}

/// The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a
/// child's text they would make it show reordered to the researcher who reads it (an override
/// before "fijn" shows "jnif"). The marks U+200E, U+200F and U+061C stay: they only set a direction
/// where a right-to-left language needs one.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Replaces identifying parts of `text` by `[…]`, keeping the rest as written.
/// Control characters are dropped (a NUL cannot even be stored in PostgreSQL's text columns),
/// and so are the bidirectional controls; line breaks and tabs separate words like spaces do.
pub fn scrub(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|&c| (!c.is_control() || c.is_whitespace()) && !is_bidi_control(c))
        .collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let cores: Vec<&str> = words.iter().map(|w| core(w)).collect();
    let mut redact = vec![false; words.len()];
    let mut sentence_start = true;
    for i in 0..words.len() {
        let c = cores[i];
        let lower_prev: Vec<String> = cores[..i]
            .iter()
            .rev()
            .take(3)
            .map(|w| w.to_lowercase())
            .collect();
        let after_cue = NAME_CUES.iter().any(|cue| {
            cue.len() <= lower_prev.len() && cue.iter().rev().zip(&lower_prev).all(|(a, b)| *a == b)
        });
        if is_email(c)
            || is_street(c)
            || (after_cue && !c.is_empty())
            || (capitalised(c) && !sentence_start)
            || (is_postcode_digits(c) && cores.get(i + 1).is_some_and(|n| is_postcode_letters(n)))
            || (is_postcode_letters(c) && i > 0 && is_postcode_digits(cores[i - 1]))
        {
            redact[i] = true;
        }
        // A house number right after a street name.
        if i > 0 && redact[i - 1] && is_street(cores[i - 1]) && digits(c) > 0 && c.len() <= 6 {
            redact[i] = true;
        }
        sentence_start =
            words[i].ends_with(['.', '!', '?', ':']) || (c.is_empty() && sentence_start);
    }
    // Phone numbers: runs of number-like words with six or more digits together.
    let mut i = 0;
    while i < words.len() {
        if phone_like(cores[i]) {
            let start = i;
            let mut total = 0;
            while i < words.len() && phone_like(cores[i]) {
                total += digits(cores[i]);
                i += 1;
            }
            if total >= 6 {
                redact[start..i].iter_mut().for_each(|r| *r = true);
            }
        } else {
            i += 1;
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        if !redact[i] {
            out.push((*word).to_string());
            continue;
        }
        // Keep punctuation around the redacted part, and fold neighbours into one marker.
        let trailing: String = word
            .chars()
            .rev()
            .take_while(|c| matches!(c, '.' | ',' | '!' | '?' | ':' | ';' | ')'))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let continues = i > 0 && redact[i - 1] && out.last().is_some_and(|l| l == REDACTED);
        if continues {
            if let Some(last) = out.last_mut() {
                last.push_str(&trailing);
            }
        } else {
            out.push(format!("{REDACTED}{trailing}"));
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidirectional_controls_are_dropped_and_marks_kept() {
        // An override would show "het is hier fijn" backwards to the researcher.
        let overrides = "het is \u{202E}hier fijn\u{202C} en \u{2067}rustig\u{2069}";
        assert_eq!(scrub(overrides), "het is hier fijn en rustig");
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            assert!(
                !scrub(&format!("a{c}b")).contains(c),
                "{:04X} stays",
                c as u32
            );
        }
        // Arabic with a right-to-left mark keeps it.
        let arabic = "\u{0623}\u{0646}\u{0627} \u{0628}\u{062E}\u{064A}\u{0631}\u{200F}.";
        assert_eq!(scrub(arabic), arabic);
    }

    #[test]
    fn e_mail_addresses_and_phone_numbers_are_removed() {
        assert_eq!(
            scrub("mail me op kim.de.vries@example.nl."),
            "mail me op […]."
        );
        assert_eq!(scrub("bel 06-12345678 of 020 123 45 67"), "bel […] of […]");
        assert_eq!(
            scrub("ik ben 12 en woon hier 3 jaar"),
            "ik ben 12 en woon hier 3 jaar"
        );
    }

    #[test]
    fn addresses_and_postcodes_are_removed() {
        assert_eq!(
            scrub("ik woon op de kerkstraat 12b, 1234 AB"),
            "ik woon op de […], […]"
        );
        assert_eq!(scrub("ik woon aan de dorpsweg 5"), "ik woon aan de […]");
    }

    #[test]
    fn names_are_removed_cautiously() {
        assert_eq!(
            scrub("Ik vind dat Sander aardig is."),
            "Ik vind dat […] aardig is."
        );
        assert_eq!(
            scrub("mijn naam is kim en ik wil rust"),
            "mijn naam is […] en ik wil rust"
        );
        assert_eq!(
            scrub("Meer praten. Minder regels!"),
            "Meer praten. Minder regels!"
        );
        assert_eq!(
            scrub("I think Mr Jansen should listen"),
            "I think […] should listen"
        );
        assert_eq!(
            scrub("meneer jansen luistert niet"),
            "meneer […] luistert niet"
        );
    }

    #[test]
    fn ordinary_texts_stay_as_they_are() {
        let text =
            "Dat de begeleiding vaker vraagt hoe het gaat, en dat ik een slot op mijn deur krijg.";
        assert_eq!(scrub(text), text);
        assert_eq!(scrub(""), "");
    }

    #[test]
    fn control_characters_are_dropped_and_line_breaks_kept_as_spaces() {
        assert_eq!(
            scrub("te\u{0}veel\u{7} regels\u{1b}[0m"),
            "teveel regels[0m"
        );
        assert_eq!(scrub("een\nlijn\tmet tab"), "een lijn met tab");
        assert!(!scrub("\u{0}\u{0}").contains('\u{0}'));
    }
}
