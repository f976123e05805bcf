//! Within-child change between two published waves, per breakdown: linked pairs are read,
//! counted per cell at once, and the counts go through the engine (k on the number of pairs,
//! complementary suppression across the family). No pair leaves this function.

use super::compare::comparable;
use super::views::group_columns;
use super::{families, ResultsError, Source};
use crate::domain::results::change::{
    compute_change, impossible_change, pair_increments, ChangeMeasures, ChangeTable,
};
use crate::domain::results::family::FamilyKind;
use crate::domain::results::{Count, Dimension};
use crate::domain::wave::WaveState;
use crate::export::{column, Cell, Export, Sheet};
use crate::store::pairs::{linked_pairs, Pair};
use crate::store::waves::Wave;
use std::collections::BTreeMap;

/// The cell of a family a pair counts in (as `store::results::cell_expr` does for responses).
fn cell_key(kind: FamilyKind, p: &Pair) -> String {
    match kind {
        FamilyKind::Whole => "all".into(),
        FamilyKind::Gender => p.gender.clone(),
        FamilyKind::Place => format!("{}|{}", p.organisation_id, p.region_id),
        FamilyKind::Setting => format!("{}|{}", p.setting_type, p.age_band),
    }
}

/// Within-child change from `from` to `to`, by `dimension`.
pub async fn change(
    state: &Source<'_>,
    from: &Wave,
    to: &Wave,
    dimension: Dimension,
) -> Result<(ChangeMeasures, ChangeTable), ResultsError> {
    for wave in [from, to] {
        if wave.state != WaveState::Published {
            return Err(ResultsError::NotPublished(wave.label.clone()));
        }
    }
    let ia = crate::submission::load_instrument(state.db, state.instruments, from).await?;
    let ib = crate::submission::load_instrument(state.db, state.instruments, to).await?;
    let c = comparable(&ia, &ib);
    let measures = ChangeMeasures {
        headline: c.headline,
        domains: c.domains,
    };
    let kind = FamilyKind::of(dimension);
    let mut tally: BTreeMap<(String, String, i16), u64> = BTreeMap::new();
    for pair in linked_pairs(state.db, from.id, to.id).await? {
        let key = cell_key(kind, &pair);
        for (measure, value) in pair_increments(&measures, (&ia, &pair.before), (&ib, &pair.after))
        {
            *tally.entry((key.clone(), measure, value)).or_default() += 1;
        }
    }
    let counts: Vec<Count> = tally
        .into_iter()
        .map(|((group, measure, value), n)| Count {
            group,
            measure,
            value,
            n,
        })
        .collect();
    let family = families::family(state.db, kind, &counts).await?;
    let impossible = impossible_change(&measures, &ib, &family);
    let mut tables = compute_change(&measures, &impossible, &family, &counts, state.k);
    let at = tables
        .iter()
        .position(|t| t.dimension == dimension)
        .ok_or_else(|| sea_orm::DbErr::Custom(format!("no {} table", dimension.as_str())))?;
    Ok((measures, tables.swap_remove(at)))
}

pub fn change_export(
    measures: &ChangeMeasures,
    table: &ChangeTable,
    from: &str,
    to: &str,
    methods: Vec<(String, String)>,
) -> Export {
    let title = table.dimension.title();
    let mut columns = group_columns(title);
    columns.push(column(
        "pairs",
        "Children answering in both waves (linked pairs)",
    ));
    for m in measures.keys() {
        columns.push(column(
            format!("{m}_pairs"),
            format!("{m}: pairs with an answer in both waves"),
        ));
        for (what, label) in [
            ("improved", "improved"),
            ("same", "stayed the same"),
            ("worse", "got worse"),
        ] {
            columns.push(column(
                format!("{m}_{what}"),
                format!("{m}: share that {label}"),
            ));
            columns.push(column(
                format!("{m}_{what}_low"),
                format!("{m}: share that {label}, 95% low"),
            ));
            columns.push(column(
                format!("{m}_{what}_high"),
                format!("{m}: share that {label}, 95% high"),
            ));
        }
    }
    let mut sheet = Sheet::new(
        "groups",
        &format!("Within-child change by {}", title.to_lowercase()),
        columns,
    );
    for r in std::iter::once(&table.total).chain(table.rows.iter()) {
        let mut cells = vec![
            Cell::Text(table.dimension.as_str().into()),
            Cell::Text(r.value.clone()),
            Cell::Text(r.label.clone()),
            Cell::Count(r.pairs),
        ];
        for m in &r.measures {
            cells.push(Cell::Count(m.pairs));
            for e in [m.improved, m.same, m.worse] {
                let (v, low, high) = super::flat::parts(e);
                cells.extend([Cell::Decimal(v), Cell::Decimal(low), Cell::Decimal(high)]);
            }
        }
        sheet.rows.push(cells);
    }
    Export {
        name: format!("veilig-change-{from}-{to}-{}", table.dimension.as_str()),
        title: format!(
            "Veilig: within-child change from {from} to {to}, by {}",
            title.to_lowercase()
        ),
        methods,
        sheets: vec![sheet],
        codebook: Vec::new(),
    }
}
