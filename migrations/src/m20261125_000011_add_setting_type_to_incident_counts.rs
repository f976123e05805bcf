use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000005_create_incident_counts::IncidentCount;

/// Incident counts are registered per setting type (an organisation with residential groups and
/// foster care registers each apart), so rates can be shown beside felt safety per setting type.
/// No earlier version wrote this table: the default exists only because an added NOT NULL column
/// needs one.
#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_INDEX: &str = "ux_incident_count_cell";
const NEW_INDEX: &str = "ux_incident_count_setting_cell";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IncidentCount::Table)
                    .add_column(string_len(Setting::SettingType, 16).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(OLD_INDEX)
                    .table(IncidentCount::Table)
                    .to_owned(),
            )
            .await?;
        manager.create_index(cell_index(NEW_INDEX, true)).await
    }

    /// Fails when an organisation registered one quarter for two setting types: the old unique
    /// index cannot hold those rows.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NEW_INDEX)
                    .table(IncidentCount::Table)
                    .to_owned(),
            )
            .await?;
        manager.create_index(cell_index(OLD_INDEX, false)).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IncidentCount::Table)
                    .drop_column(Setting::SettingType)
                    .to_owned(),
            )
            .await
    }
}

/// The unique index on one cell of a quarter report, with or without the setting type.
fn cell_index(name: &str, with_setting: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(name)
        .table(IncidentCount::Table)
        .col(IncidentCount::OrganisationId);
    if with_setting {
        index.col(Setting::SettingType);
    }
    index
        .col(IncidentCount::Year)
        .col(IncidentCount::Quarter)
        .col(IncidentCount::Kind)
        .col(IncidentCount::Perpetrator)
        .unique()
        .to_owned()
}

#[derive(DeriveIden)]
enum Setting {
    SettingType,
}
