//! A student's mentor applications: the server functions and, in [`ssr`], their bodies.

use super::domain::*;
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The signed-in person's applications, newest first.
#[server(endpoint = "my_mentor_applications")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_mentor_applications() -> Result<Vec<MyApplication>, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::my_mentor_applications(tx, user))).await
}

/// Sends an application (students only; one open at a time).
#[server(endpoint = "apply_to_mentor")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip(summary)))]
pub async fn apply_to_mentor(
    expertise: String,
    years_experience: String,
    summary: String,
    hourly_rate: String,
    currency: String,
) -> Result<(), AppError> {
    let form = ssr::ApplicationForm { expertise, years_experience, summary, hourly_rate, currency };
    crate::db::signed_in(|user, tx| Box::pin(ssr::apply_to_mentor(tx, user, form))).await
}

/// Withdraws the signed-in person's open application.
#[server(endpoint = "withdraw_mentor_application")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn withdraw_mentor_application(id: Uuid) -> Result<(), AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::withdraw_mentor_application(tx, user, id))).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::{SignedIn, Tx};
    use crate::domain::Role;

    pub async fn my_mentor_applications(tx: &mut Tx, user: &SignedIn) -> Result<Vec<MyApplication>, AppError> {
        let rows = sqlx::query!(
            r#"select id, expertise_areas, years_experience, hourly_rate_minor, currency::text as "currency!",
                      status as "status: ApplicationStatus", decision_note,
                      created_at as "created_at: chrono::DateTime<chrono::Utc>"
                 from mentor_applications where user_id = $1 and deleted_at is null order by created_at desc"#,
            user.user_id,
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| MyApplication {
                id: row.id,
                expertise: row.expertise_areas,
                years_experience: row.years_experience,
                rate: HourlyRate::display(row.hourly_rate_minor, &row.currency),
                status: row.status,
                decision_note: row.decision_note,
                submitted: row.created_at,
            })
            .collect())
    }

    /// The application form as posted.
    pub struct ApplicationForm {
        pub expertise: String,
        pub years_experience: String,
        pub summary: String,
        pub hourly_rate: String,
        pub currency: String,
    }

    pub async fn apply_to_mentor(tx: &mut Tx, user: &SignedIn, form: ApplicationForm) -> Result<(), AppError> {
        if user.role != Role::Student {
            return Err(AppError::Conflict("Only students apply to become mentors; your account already has a wider role.".into()));
        }
        let input = MentorApplicationInput::parse(&form.expertise, &form.years_experience, &form.summary, &form.hourly_rate, &form.currency)?;
        let inserted = insert_application(tx, user.user_id, user.org_id, &input).await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.constraint() == Some("mentor_applications_one_pending") {
                return Err(AppError::Conflict("You already have an application waiting for a decision.".into()));
            }
        }
        inserted?;
        Ok(())
    }

    /// Stores a parsed application (the demo data's waiting application comes this way too).
    pub async fn insert_application(
        tx: &mut Tx,
        user_id: Uuid,
        org_id: Uuid,
        input: &MentorApplicationInput,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "insert into mentor_applications (user_id, organization_id, expertise_areas, years_experience, \
                    experience_summary, hourly_rate_minor, currency) values ($1, $2, $3, $4, $5, $6, $7)",
            user_id,
            org_id,
            input.expertise.items(),
            input.years_experience,
            &input.summary,
            input.rate.minor,
            input.currency,
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn withdraw_mentor_application(tx: &mut Tx, user: &SignedIn, id: Uuid) -> Result<(), AppError> {
        let updated = sqlx::query!(
            "update mentor_applications set status = $3 where id = $1 and user_id = $2 and status = $4",
            id,
            user.user_id,
            ApplicationStatus::Withdrawn as ApplicationStatus,
            ApplicationStatus::Pending as ApplicationStatus,
        )
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(AppError::NotFound("an open application to withdraw".into()));
        }
        Ok(())
    }
}
