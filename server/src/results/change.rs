//! Within-child change between two published waves, per breakdown: linked pairs are read,
//! counted per group at once, and the counts go through the engine (k on the number of pairs,
//! complementary suppression across every table), grouped by the register frozen with the
//! later wave's publication. No pair leaves this function.

use super::compare::comparable;
use super::views::group_columns;
use super::{publication, ResultsError, Source};
use crate::domain::results::change::{
    compute_change, pair_increments, ChangeMeasures, ChangeTable,
};
use crate::domain::results::population::{Tally, TallyGroup};
use crate::domain::results::{Dimension, JointCount};
use crate::export::{column, Cell, Export, Sheet};
use crate::store::pairs::linked_pairs;
use crate::store::waves::Wave;

/// Within-child change from `from` to `to`, by `dimension`.
pub async fn change(
    state: &Source<'_>,
    from: &Wave,
    to: &Wave,
    dimension: Dimension,
) -> Result<(ChangeMeasures, ChangeTable), ResultsError> {
    publication(state, from).await?;
    let frozen = publication(state, to).await?;
    let ia = crate::store::instruments::load_instrument(state.db, state.instruments, from).await?;
    let ib = crate::store::instruments::load_instrument(state.db, state.instruments, to).await?;
    let c = comparable(&ia, &ib);
    let measures = ChangeMeasures {
        headline: c.headline,
        domains: c.domains,
    };
    // Pairs are counted where the child answered the later wave.
    let mut tally = Tally::default();
    for pair in linked_pairs(state.db, from.id, to.id).await? {
        let group = TallyGroup {
            organisation_id: pair.organisation_id,
            region_id: pair.region_id,
            setting_type: &pair.setting_type,
            age_band: &pair.age_band,
            gender: &pair.gender,
        };
        for (measure, value) in pair_increments(&measures, (&ia, &pair.before), (&ib, &pair.after))
        {
            tally.add(&group, measure, value);
        }
    }
    let counts: Vec<JointCount> = tally.into_counts();
    let (k, register) = (frozen.k, frozen.register.clone());
    let (ib2, measures2) = (ib.clone(), measures.clone());
    let mut tables = tokio::task::spawn_blocking(move || {
        compute_change(&measures2, &ib2, &register, &counts, k)
    })
    .await
    .map_err(|e| sea_orm::DbErr::Custom(format!("the disclosure engine stopped: {e}")))?;
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
