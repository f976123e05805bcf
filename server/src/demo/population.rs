//! Synthetic organisations and locations: plausible sizes per setting type, no real names.

use crate::domain::SettingType;
use rand::rngs::StdRng;
use rand::Rng;

pub const REGIONS: [&str; 10] = [
    "Amsterdam-Amstelland",
    "Rijnmond",
    "Haaglanden",
    "Utrecht Stad",
    "Twente",
    "Groningen",
    "Zuid-Limburg",
    "Noord-Holland Noord",
    "Brabant Noordoost",
    "Gelderland Zuid",
];

const NAME_WORDS: [&str; 30] = [
    "De Linde",
    "Het Baken",
    "De Horizon",
    "De Brug",
    "Het Anker",
    "De Eik",
    "De Vlinder",
    "Het Kompas",
    "De Wilg",
    "De Berk",
    "Het Veld",
    "De Haven",
    "De Zon",
    "Het Nest",
    "De Toren",
    "De Bron",
    "Het Pad",
    "De Ster",
    "De Duin",
    "Het Bos",
    "De Kade",
    "De Molen",
    "Het Erf",
    "De Beek",
    "De Hoeve",
    "Het Licht",
    "De Akker",
    "De Meander",
    "Het Rif",
    "De Kim",
];

pub struct DemoOrganisation {
    pub name: String,
    pub region: usize,
    pub locations: Vec<DemoLocation>,
}

pub struct DemoLocation {
    pub name: String,
    pub setting: SettingType,
    pub children_placed: i32,
}

/// Which kind of provider an organisation is, and so which settings it runs.
#[derive(Clone, Copy)]
enum Profile {
    General,
    Closed,
    Foster,
    Justice,
    Amv,
}

const PROFILES: [(Profile, usize); 5] = [
    (Profile::General, 25),
    (Profile::Closed, 8),
    (Profile::Foster, 12),
    (Profile::Justice, 6),
    (Profile::Amv, 9),
];

/// How many locations of each setting type, and how many children each holds.
fn plan(
    setting: SettingType,
) -> (
    usize,
    std::ops::RangeInclusive<i32>,
    &'static [Profile],
    &'static str,
) {
    match setting {
        SettingType::OpenResidential => (
            140,
            8..=12,
            &[Profile::General, Profile::Closed],
            "Leefgroep",
        ),
        SettingType::Closed => (30, 20..=40, &[Profile::Closed], "Gesloten groep"),
        SettingType::Gezinshuis => (
            90,
            3..=6,
            &[Profile::General, Profile::Foster],
            "Gezinshuis",
        ),
        // A foster-care location is a team's caseload of foster families.
        SettingType::FosterCare => (80, 15..=40, &[Profile::Foster], "Pleegzorgteam"),
        SettingType::Justice => (20, 30..=60, &[Profile::Justice], "Afdeling"),
        SettingType::Amv => (40, 40..=80, &[Profile::Amv], "Opvanglocatie"),
    }
}

/// About 60 organisations with about 400 locations. `scale` multiplies the children placed
/// (for large benchmark data sets the response rate stays plausible).
pub fn build(rng: &mut StdRng, scale: f64) -> Vec<DemoOrganisation> {
    let mut organisations = Vec::new();
    let mut profile_of = Vec::new();
    for (profile, count) in PROFILES {
        for _ in 0..count {
            let n = organisations.len();
            let word = NAME_WORDS[n % NAME_WORDS.len()];
            let kind = match profile {
                Profile::General => "Jeugdzorg",
                Profile::Closed => "Jeugdzorgplus",
                Profile::Foster => "Pleegzorg",
                Profile::Justice => "Justitiële Jeugdinrichting",
                Profile::Amv => "Opvang",
            };
            organisations.push(DemoOrganisation {
                name: format!("{kind} {word} {} (demo)", n + 1),
                region: rng.random_range(0..REGIONS.len()),
                locations: Vec::new(),
            });
            profile_of.push(profile);
        }
    }
    for setting in SettingType::ALL {
        let (count, sizes, profiles, label) = plan(setting);
        let candidates: Vec<usize> = (0..organisations.len())
            .filter(|&i| {
                profiles
                    .iter()
                    .any(|p| std::mem::discriminant(p) == std::mem::discriminant(&profile_of[i]))
            })
            .collect();
        for _ in 0..count {
            let org = candidates[rng.random_range(0..candidates.len())];
            let placed = (f64::from(rng.random_range(sizes.clone())) * scale).round() as i32;
            let locations = &mut organisations[org].locations;
            let name = format!("{label} {}", locations.len() + 1);
            locations.push(DemoLocation {
                name,
                setting,
                children_placed: placed.max(1),
            });
        }
    }
    organisations
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn about_sixty_organisations_with_four_hundred_locations_of_every_setting() {
        let orgs = build(&mut StdRng::seed_from_u64(1), 1.0);
        assert_eq!(orgs.len(), 60);
        let locations: Vec<&DemoLocation> = orgs.iter().flat_map(|o| &o.locations).collect();
        assert_eq!(locations.len(), 400);
        for setting in SettingType::ALL {
            assert!(locations.iter().any(|l| l.setting == setting));
        }
        let gezinshuis = locations
            .iter()
            .filter(|l| l.setting == SettingType::Gezinshuis);
        assert!(gezinshuis
            .clone()
            .all(|l| (3..=6).contains(&l.children_placed)));
        assert!(orgs.iter().all(|o| o.name.contains("(demo)")));
    }
}
