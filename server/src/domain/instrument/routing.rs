//! Which items a child sees: decided by the setting type and by earlier answers.

use super::{Instrument, Item};
use crate::domain::SettingType;
use std::collections::BTreeMap;

/// A child's answers so far: item key → value, `None` for "I don't know / I'd rather not say".
pub type AnswersSoFar = BTreeMap<String, Option<i16>>;

impl Instrument {
    /// Whether `item` is asked of a child in `setting` who gave `answers` to earlier items.
    pub fn is_shown(&self, item: &Item, setting: SettingType, answers: &AnswersSoFar) -> bool {
        let Some(condition) = &item.show_if else {
            return true;
        };
        if let Some(types) = &condition.setting_types {
            if !types.contains(&setting) {
                return false;
            }
        }
        if let (Some(earlier), Some(values)) = (&condition.item, &condition.values) {
            match answers.get(earlier) {
                Some(Some(v)) => values.contains(v),
                _ => false,
            }
        } else {
            true
        }
    }

    /// The items asked, in order, given the answers so far (routing is re-evaluated each step).
    pub fn shown_items<'a>(
        &'a self,
        setting: SettingType,
        answers: &'a AnswersSoFar,
    ) -> impl Iterator<Item = &'a Item> + 'a {
        self.def
            .items
            .iter()
            .filter(move |item| self.is_shown(item, setting, answers))
    }
}
