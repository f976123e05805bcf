//! What a child says about themselves. Every field is optional: a child may skip any question.

use serde::{Deserialize, Serialize};

macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored or submitted name; anything else is refused.
            pub fn parse(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "{other:?} is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> { Self::parse(&s) }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }
    };
}

closed_set! {
    /// Age bands are wide on purpose: a precise age would make small groups identifiable.
    AgeBand { Age8To11 => "8-11", Age12To14 => "12-14", Age15To17 => "15-17", Age18To23 => "18-23" }
}

closed_set! {
    Gender { Girl => "girl", Boy => "boy", Other => "other" }
}

closed_set! {
    /// How long the child has lived at this location.
    TimeHere { UnderSixMonths => "lt_6m", SixToTwelveMonths => "6_12m", OneToTwoYears => "1_2y", OverTwoYears => "gt_2y" }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demographics {
    pub age_band: Option<AgeBand>,
    pub gender: Option<Gender>,
    pub time_here: Option<TimeHere>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.as_str()), Ok(*band));
        }
        assert!(AgeBand::parse("7").is_err());
        assert!(
            Gender::parse("Girl").is_err(),
            "names are exact, lower case"
        );
    }

    #[test]
    fn demographics_deserialise_from_their_names_and_refuse_others() {
        let d: Demographics =
            serde_json::from_str(r#"{"age_band":"12-14","gender":null,"time_here":"gt_2y"}"#)
                .unwrap();
        assert_eq!(d.age_band, Some(AgeBand::Age12To14));
        assert_eq!(d.gender, None);
        assert!(serde_json::from_str::<Demographics>(r#"{"age_band":"13"}"#).is_err());
    }
}
