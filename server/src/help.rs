//! The help contacts children see: the built-in national list, or a deployment's own file
//! (`VEILIG_HELP_FILE`), read and checked once when the server starts.

use anyhow::Context;
use std::path::Path;
use veilig_frontend::survey::HelpContacts;

pub fn load(file: Option<&Path>) -> anyhow::Result<HelpContacts> {
    let Some(file) = file else {
        return HelpContacts::parse(veilig_frontend::survey::DEFAULT_HELP).map_err(|problems| {
            anyhow::anyhow!("the built-in help list: {}", problems.join("; "))
        });
    };
    let source = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the help file {}", file.display()))?;
    HelpContacts::parse(&source).map_err(|problems| {
        anyhow::anyhow!(
            "the help file {} has problems:\n  {}",
            file.display(),
            problems.join("\n  ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_file_the_built_in_list_is_used() {
        assert_eq!(load(None).unwrap().contacts.len(), 4);
    }

    #[test]
    fn a_missing_or_bad_file_stops_the_start_with_its_problems() {
        let missing = load(Some(Path::new("/no/such/help.toml"))).unwrap_err();
        assert!(missing.to_string().contains("cannot read the help file"));
        let dir = std::env::temp_dir().join(format!("veilig-help-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("help.toml");
        std::fs::write(
            &file,
            "[[contacts]]\nname = { nl = \"Jeugdarts\" }\nhow = { nl = \"Bel\", en = \"Call\" }\n",
        )
        .unwrap();
        let bad = format!("{:#}", load(Some(&file)).unwrap_err());
        assert!(bad.contains("contact 1: name needs a text for en"), "{bad}");
        std::fs::write(&file, "[[contacts]]\nname = { nl = \"Jeugdarts\", en = \"Youth doctor\" }\nhow = { nl = \"Bel 010\", en = \"Call 010\" }\n").unwrap();
        assert_eq!(
            load(Some(&file)).unwrap().contacts[0].name(veilig_frontend::i18n::Lang::En),
            "Youth doctor"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
