//! Reads the interface texts (`texts/*.toml`, one file per language), checks them against each
//! other, and writes them as Rust: a `Lang` enum and one static struct of texts per language.
//! Used by `build.rs`; the lib's tests include it too, to check the checks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One text: a sentence, a list of sentences, or a list of (value, label) choices.
#[derive(Clone, Debug)]
enum Text {
    One(String),
    List(Vec<String>),
    Choices(Vec<(String, String)>),
}

impl Text {
    fn kind(&self) -> &'static str {
        match self {
            Text::One(_) => "a text",
            Text::List(_) => "a list of texts",
            Text::Choices(_) => "a list of { value, label }",
        }
    }

    fn rust_type(&self) -> &'static str {
        match self {
            Text::One(_) => "&'static str",
            Text::List(_) => "&'static [&'static str]",
            Text::Choices(_) => "&'static [(&'static str, &'static str)]",
        }
    }

    fn rust_value(&self) -> String {
        let list = |items: Vec<String>| format!("&[{}]", items.join(", "));
        match self {
            Text::One(s) => format!("{s:?}"),
            Text::List(l) => list(l.iter().map(|s| format!("{s:?}")).collect()),
            Text::Choices(c) => list(c.iter().map(|(v, l)| format!("({v:?}, {l:?})")).collect()),
        }
    }

    /// Every sentence in it, for the checks.
    fn sentences(&self) -> Vec<&str> {
        match self {
            Text::One(s) => vec![s],
            Text::List(l) => l.iter().map(String::as_str).collect(),
            Text::Choices(c) => c.iter().map(|(_, l)| l.as_str()).collect(),
        }
    }

    fn mirrored(&self) -> Text {
        // A right-to-left override shows Latin letters right to left, as a real RTL script
        // would run, without a translation.
        let m = |s: &str| format!("\u{202E}{s}\u{202C}");
        match self {
            Text::One(s) => Text::One(m(s)),
            Text::List(l) => Text::List(l.iter().map(|s| m(s)).collect()),
            Text::Choices(c) => Text::Choices(c.iter().map(|(v, l)| (v.clone(), m(l))).collect()),
        }
    }
}

type Sections = BTreeMap<String, BTreeMap<String, Text>>;

struct Language {
    file: String,
    code: String,
    name: String,
    dir: String,
    order: i64,
    pseudo_of: Option<String>,
    sections: Sections,
}

type Checked<T> = Result<T, String>;

fn text_of(at: &str, value: &toml::Value) -> Checked<Text> {
    let non_empty = |s: &str| {
        if s.trim().is_empty() {
            Err(format!("{at} is empty"))
        } else {
            Ok(s.to_string())
        }
    };
    match value {
        toml::Value::String(s) => Ok(Text::One(non_empty(s)?)),
        toml::Value::Array(items) if items.iter().all(|i| i.is_str()) => Ok(Text::List(
            items
                .iter()
                .map(|i| non_empty(i.as_str().unwrap_or_default()))
                .collect::<Checked<_>>()?,
        )),
        toml::Value::Array(items) => Ok(Text::Choices(
            items
                .iter()
                .map(|i| {
                    let get = |k: &str| {
                        i.get(k)
                            .and_then(|v| v.as_str())
                            .ok_or_else(|| format!("{at}: every choice needs a {k}"))
                    };
                    Ok((get("value")?.to_string(), non_empty(get("label")?)?))
                })
                .collect::<Checked<_>>()?,
        )),
        _ => Err(format!(
            "{at} must be a text, a list of texts or a list of choices"
        )),
    }
}

fn read(file: &str, source: &str) -> Checked<Language> {
    let table: toml::Table = source.parse().map_err(|e| format!("{e}"))?;
    let meta = table
        .get("language")
        .and_then(|v| v.as_table())
        .ok_or("a [language] table is needed")?;
    let field = |k: &str| {
        meta.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("[language] needs {k}"))
    };
    let dir = field("dir")?;
    if dir != "ltr" && dir != "rtl" {
        return Err("dir is ltr or rtl".into());
    }
    let mut sections = Sections::new();
    for (name, value) in table.iter().filter(|(k, _)| *k != "language") {
        let section = value
            .as_table()
            .ok_or_else(|| format!("{name} must be a [table] of texts"))?;
        let texts = section
            .iter()
            .map(|(key, v)| Ok((key.clone(), text_of(&format!("{name}.{key}"), v)?)))
            .collect::<Checked<_>>()?;
        sections.insert(name.clone(), texts);
    }
    Ok(Language {
        file: file.to_string(),
        code: field("code")?,
        name: field("name")?,
        dir,
        order: meta
            .get("order")
            .and_then(|v| v.as_integer())
            .ok_or("[language] needs an order (a number)")?,
        pseudo_of: meta
            .get("pseudo_of")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        sections,
    })
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The same sections and keys as the reference language, each of the same kind, with the
/// same choice values and the same placeholders.
fn check_against(reference: &Language, other: &Language) -> Checked<()> {
    for (name, texts) in &reference.sections {
        let theirs = other
            .sections
            .get(name)
            .ok_or_else(|| format!("the section [{name}] is missing"))?;
        for (key, text) in texts {
            let at = format!("{name}.{key}");
            let their = theirs.get(key).ok_or_else(|| format!("{at} is missing"))?;
            if their.kind() != text.kind() {
                return Err(format!("{at} must be {}", text.kind()));
            }
            if let (Text::Choices(a), Text::Choices(b)) = (text, their) {
                let values =
                    |c: &[(String, String)]| c.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>();
                if values(a) != values(b) {
                    return Err(format!(
                        "{at} must have the values {:?}, in that order",
                        values(a)
                    ));
                }
            }
            let all = |t: &Text| -> BTreeSet<String> {
                t.sentences().iter().flat_map(|s| placeholders(s)).collect()
            };
            let (want, got) = (all(text), all(their));
            if want != got {
                return Err(format!(
                    "{at} must use the placeholders {want:?}, not {got:?}"
                ));
            }
        }
        if let Some(key) = theirs.keys().find(|k| !texts.contains_key(*k)) {
            return Err(format!(
                "{name}.{key} is not a known text (is it misspelled?)"
            ));
        }
    }
    match other
        .sections
        .keys()
        .find(|n| !reference.sections.contains_key(*n))
    {
        Some(name) => Err(format!("[{name}] is not a known section")),
        None => Ok(()),
    }
}

fn variant(code: &str) -> String {
    code.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn struct_name(section: &str) -> String {
    format!("{}Texts", variant(section))
}

fn generate(languages: &[Language]) -> String {
    let reference = &languages[0];
    let mut out = String::from(
        "// Generated by frontend/build.rs from frontend/texts/*.toml. Do not edit.\n\n",
    );
    let variants: Vec<String> = languages.iter().map(|l| variant(&l.code)).collect();
    out.push_str("/// A language of the interface: one file in `frontend/texts`.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Lang {\n");
    for (l, v) in languages.iter().zip(&variants) {
        let _ = writeln!(out, "    /// {}\n    {v},", l.name);
    }
    out.push_str("}\n\n");
    let all: Vec<String> = variants.iter().map(|v| format!("Lang::{v}")).collect();
    let _ = writeln!(
        out,
        "impl Lang {{\n    /// Every language, in the order of the language switch.\n    pub const ALL: [Lang; {}] = [{}];\n",
        languages.len(),
        all.join(", ")
    );
    let mut method = |name: &str, ty: &str, doc: &str, value: &dyn Fn(&Language) -> String| {
        let _ = writeln!(
            out,
            "    /// {doc}\n    pub fn {name}(self) -> {ty} {{\n        match self {{"
        );
        for (l, v) in languages.iter().zip(&variants) {
            let _ = writeln!(out, "            Lang::{v} => {},", value(l));
        }
        out.push_str("        }\n    }\n\n");
    };
    method(
        "code",
        "&'static str",
        "The code in addresses and in the survey's state, e.g. `nl`.",
        &|l| format!("{:?}", l.code),
    );
    method(
        "name",
        "&'static str",
        "The language's own name, shown on the switch.",
        &|l| format!("{:?}", l.name),
    );
    method(
        "dir",
        "&'static str",
        "The writing direction: `ltr` or `rtl`.",
        &|l| format!("{:?}", l.dir),
    );
    method(
        "is_pseudo",
        "bool",
        "A test locale made from another language (offered only when the server is told to).",
        &|l| l.pseudo_of.is_some().to_string(),
    );
    method(
        "content_code",
        "&'static str",
        "The language of the questionnaire's texts and of the stored response (a pseudo-locale uses its base language).",
        &|l| format!("{:?}", l.pseudo_of.as_deref().unwrap_or(&l.code)),
    );
    method(
        "all_texts",
        "&'static Texts",
        "Every text of the interface in this language.",
        &|l| format!("&TEXTS_{}", variant(&l.code).to_uppercase()),
    );
    out.push_str("}\n\n");

    out.push_str("/// Every text of the interface, by section.\npub struct Texts {\n");
    for name in reference.sections.keys() {
        let _ = writeln!(out, "    pub {name}: {},", struct_name(name));
    }
    out.push_str("}\n\n");
    for (name, texts) in &reference.sections {
        let _ = writeln!(
            out,
            "/// The texts of `[{name}]` in `frontend/texts/*.toml`.\npub struct {} {{",
            struct_name(name)
        );
        for (key, text) in texts {
            let _ = writeln!(out, "    pub {key}: {},", text.rust_type());
        }
        out.push_str("}\n\n");
    }
    for language in languages {
        let _ = writeln!(
            out,
            "static TEXTS_{}: Texts = Texts {{",
            variant(&language.code).to_uppercase()
        );
        for (name, texts) in &language.sections {
            let _ = writeln!(out, "    {name}: {} {{", struct_name(name));
            for (key, text) in texts {
                let _ = writeln!(out, "        {key}: {},", text.rust_value());
            }
            out.push_str("    },\n");
        }
        out.push_str("};\n\n");
    }
    out
}

/// Reads, checks and writes the texts of every language file (`(file name, contents)`): the
/// generated Rust, or the first problem with its file.
pub fn compile(files: &[(String, String)]) -> Result<String, String> {
    let mut languages: Vec<Language> = files
        .iter()
        .map(|(file, source)| read(file, source).map_err(|e| format!("{file}: {e}")))
        .collect::<Checked<_>>()?;
    languages.sort_by_key(|l| l.order);
    let first = languages.first().ok_or("there are no language files")?;
    if first.pseudo_of.is_some() {
        return Err(format!(
            "{}: the first language (by order) must have texts of its own",
            first.file
        ));
    }
    let mut codes = BTreeSet::new();
    for l in &languages {
        let problem = if !codes.insert(l.code.clone()) {
            Some(format!("the code {} is used twice", l.code))
        } else if l.pseudo_of.is_none() {
            check_against(first, l).err()
        } else if !l.sections.is_empty() {
            Some("a pseudo-locale has no texts of its own".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!("{}: {problem}", l.file));
        }
    }
    // Pseudo-locales take their base language's texts, mirrored.
    let mut derived = Vec::new();
    for (i, l) in languages.iter().enumerate() {
        let Some(base) = &l.pseudo_of else { continue };
        let source = languages
            .iter()
            .find(|b| &b.code == base && b.pseudo_of.is_none())
            .ok_or_else(|| {
                format!(
                    "{}: pseudo_of names {base}, which has no texts of its own",
                    l.file
                )
            })?;
        let sections: Sections = source
            .sections
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    t.iter().map(|(k, v)| (k.clone(), v.mirrored())).collect(),
                )
            })
            .collect();
        derived.push((i, sections));
    }
    for (i, sections) in derived {
        languages[i].sections = sections;
    }
    Ok(generate(&languages))
}

#[cfg(test)]
mod tests {
    use super::compile;

    const NL: &str = r#"
[language]
code = "nl"
name = "Nederlands"
dir = "ltr"
order = 1
[survey]
next = "Volgende"
progress = "Stap {n} van {total}"
ages = [{ value = "8-11", label = "8 tot 11" }]
"#;

    fn with(en_survey: &str) -> Result<String, String> {
        let en = format!(
            "[language]\ncode = \"en\"\nname = \"English\"\ndir = \"ltr\"\norder = 2\n[survey]\n{en_survey}"
        );
        compile(&[("nl.toml".into(), NL.into()), ("en.toml".into(), en)])
    }

    const EN: &str = "next = \"Next\"\nprogress = \"Step {n} of {total}\"\nages = [{ value = \"8-11\", label = \"8 to 11\" }]\n";

    #[test]
    fn matching_language_files_become_rust() {
        let rust = with(EN).unwrap();
        assert!(rust.contains("pub enum Lang {"));
        assert!(rust.contains("pub ages: &'static [(&'static str, &'static str)],"));
        assert!(rust.contains("progress: \"Step {n} of {total}\","));
    }

    #[test]
    fn a_missing_extra_or_empty_text_is_refused_with_its_file() {
        let missing = with("next = \"Next\"\nages = [{ value = \"8-11\", label = \"x\" }]\n");
        assert_eq!(missing.unwrap_err(), "en.toml: survey.progress is missing");
        let extra = with(&format!("{EN}nxet = \"Next\"\n"));
        assert_eq!(
            extra.unwrap_err(),
            "en.toml: survey.nxet is not a known text (is it misspelled?)"
        );
        let empty = with(&EN.replace("\"Next\"", "\" \""));
        assert_eq!(empty.unwrap_err(), "en.toml: survey.next is empty");
    }

    #[test]
    fn differing_placeholders_or_choice_values_are_refused() {
        let placeholder = with(&EN.replace("{total}", "{all}"));
        assert!(placeholder
            .unwrap_err()
            .starts_with("en.toml: survey.progress must use the placeholders"));
        let values = with(&EN.replace("8-11", "8-12"));
        assert_eq!(
            values.unwrap_err(),
            "en.toml: survey.ages must have the values [\"8-11\"], in that order"
        );
    }

    #[test]
    fn a_pseudo_locale_mirrors_its_base_language() {
        let rtl = "[language]\ncode = \"x-rtl\"\nname = \"RTL\"\ndir = \"rtl\"\norder = 3\npseudo_of = \"nl\"\n";
        let rust = compile(&[
            ("nl.toml".into(), NL.into()),
            ("x-rtl.toml".into(), rtl.into()),
        ])
        .unwrap();
        assert!(rust.contains("Lang::XRtl => \"rtl\""));
        assert!(rust.contains("next: \"\\u{202e}Volgende\\u{202c}\""));
        let orphan = rtl.replace("\"nl\"", "\"de\"");
        assert!(
            compile(&[("nl.toml".into(), NL.into()), ("x.toml".into(), orphan)])
                .unwrap_err()
                .contains("pseudo_of names de")
        );
    }
}
