//! Users, their browser sessions, and API tokens. Secrets are stored only as
//! hashes: argon2id for passwords, SHA-256 for random session and API tokens.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Name).string().not_null().primary_key())
                    .col(ColumnDef::new(Users::Role).string().not_null())
                    .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                    .col(ColumnDef::new(Users::CreatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(ColumnDef::new(Sessions::TokenHash).string().not_null().primary_key())
                    .col(ColumnDef::new(Sessions::UserName).string().not_null())
                    .col(ColumnDef::new(Sessions::CsrfToken).string().not_null())
                    .col(ColumnDef::new(Sessions::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Sessions::ExpiresAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserName)
                            .to(Users::Table, Users::Name)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(ColumnDef::new(ApiTokens::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ApiTokens::Name).string().not_null())
                    .col(ColumnDef::new(ApiTokens::Role).string().not_null())
                    .col(ColumnDef::new(ApiTokens::TokenHash).string().not_null().unique_key())
                    .col(ColumnDef::new(ApiTokens::CreatedBy).string().not_null())
                    .col(ColumnDef::new(ApiTokens::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(ApiTokens::LastUsedAt).big_integer())
                    .col(ColumnDef::new(ApiTokens::RevokedAt).big_integer())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("sessions_by_expiry").table(Sessions::Table).col(Sessions::ExpiresAt).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ApiTokens::Table.into_iden(), Sessions::Table.into_iden(), Users::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Name,
    Role,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserName,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    Role,
    TokenHash,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}
