//! Applying to become a mentor: a student describes their expertise, experience and intended
//! rate; an administrator decides (see `crate::admin`).

use super::profile::TagList;
use crate::domain::ValidationError;
use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta, TextField};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Currencies a rate may be set in (ISO 4217; all with two decimal places).
pub const CURRENCIES: [&str; 5] = ["USD", "EUR", "GBP", "CAD", "AUD"];

/// An hourly rate typed as "45" or "45.50", kept in minor units (cents), up to 10,000.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourlyRate {
    pub minor: i64,
}

impl HourlyRate {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim().trim_start_matches(['$', '€', '£']);
        let invalid = || ValidationError("Enter the hourly rate as a number, like 40 or 42.50.".into());
        if text.is_empty() {
            return Err(ValidationError("Enter the hourly rate you intend to charge (0 for free sessions).".into()));
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 2
            || !fraction.chars().all(|c| c.is_ascii_digit()) || whole.len() > 7
        {
            return Err(invalid());
        }
        let whole: i64 = whole.parse().map_err(|_| invalid())?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let minor = whole * 100 + cents;
        if minor > 1_000_000 {
            return Err(ValidationError("An hourly rate is at most 10,000.".into()));
        }
        Ok(Self { minor })
    }

    pub fn display(minor: i64, currency: &str) -> String {
        format!("{currency} {}.{:02}", minor / 100, minor % 100)
    }
}

/// A checked application, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorApplicationInput {
    pub expertise: TagList,
    pub years_experience: i32,
    pub summary: String,
    pub rate: HourlyRate,
    pub currency: &'static str,
}

pub fn check_expertise(value: &str) -> Option<String> {
    match TagList::parse(value, "areas of expertise") {
        Ok(tags) if tags.items().is_empty() => Some("List at least one area of expertise.".into()),
        Ok(_) => None,
        Err(e) => Some(e.0),
    }
}
pub fn check_years(value: &str) -> Option<String> {
    parse_years(value).err().map(|e| e.0)
}
pub fn check_summary(value: &str) -> Option<String> {
    parse_summary(value).err().map(|e| e.0)
}
pub fn check_rate(value: &str) -> Option<String> {
    HourlyRate::parse(value).err().map(|e| e.0)
}

fn parse_years(value: &str) -> Result<i32, ValidationError> {
    match value.trim().parse::<i32>() {
        Ok(years) if (0..=70).contains(&years) => Ok(years),
        _ => Err(ValidationError("Enter your years of experience as a whole number from 0 to 70.".into())),
    }
}

fn parse_summary(value: &str) -> Result<String, ValidationError> {
    let text = value.trim();
    let length = text.chars().count();
    if length < 20 {
        return Err(ValidationError(format!(
            "Tell us about your experience in at least 20 characters ({length} so far)."
        )));
    }
    if length > 4000 {
        return Err(ValidationError(format!("Your experience summary has at most 4,000 characters ({length} now).")));
    }
    Ok(text.to_string())
}

impl MentorApplicationInput {
    pub fn parse(
        expertise: &str,
        years: &str,
        summary: &str,
        rate: &str,
        currency: &str,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let expertise = match check_expertise(expertise) {
            None => TagList::parse(expertise, "areas of expertise").ok(),
            Some(message) => {
                errors.push(ValidationError(message));
                None
            }
        };
        let years = parse_years(years).map_err(|e| errors.push(e)).ok();
        let summary = parse_summary(summary).map_err(|e| errors.push(e)).ok();
        let rate = HourlyRate::parse(rate).map_err(|e| errors.push(e)).ok();
        let currency = CURRENCIES.iter().copied().find(|c| *c == currency.trim());
        if currency.is_none() {
            errors.push(ValidationError("Choose a currency from the list.".into()));
        }
        match (expertise, years, summary, rate, currency) {
            (Some(expertise), Some(years_experience), Some(summary), Some(rate), Some(currency)) if errors.is_empty() => {
                Ok(Self { expertise, years_experience, summary, rate, currency })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "mentor_application_status", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Declined,
    Withdrawn,
}

impl ApplicationStatus {
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "Waiting for a decision",
            ApplicationStatus::Approved => "Approved",
            ApplicationStatus::Declined => "Declined",
            ApplicationStatus::Withdrawn => "Withdrawn",
        }
    }
}

/// An application as its author sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub id: Uuid,
    pub expertise: Vec<String>,
    pub years_experience: i32,
    pub rate: String,
    pub status: ApplicationStatus,
    pub decision_note: Option<String>,
    pub submitted: String,
}

#[server(endpoint = "my_mentor_applications")]
pub async fn my_mentor_applications() -> Result<Vec<MyApplication>, AppError> {
    async {
        let user = super::session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let rows: Vec<(Uuid, Vec<String>, i32, i64, String, ApplicationStatus, Option<String>, chrono::DateTime<chrono::Utc>)> =
            sqlx::query_as(
                "select id, expertise_areas, years_experience, hourly_rate_minor, currency::text, status, decision_note, created_at \
                   from mentor_applications where user_id = $1 and deleted_at is null order by created_at desc",
            )
            .bind(user.user_id)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(id, expertise, years_experience, minor, currency, status, decision_note, created)| MyApplication {
                id,
                expertise,
                years_experience,
                rate: HourlyRate::display(minor, &currency),
                status,
                decision_note,
                submitted: created.format("%-d %B %Y").to_string(),
            })
            .collect())
    }
    .await
    .map_err(AppError::respond)
}

#[server(endpoint = "apply_to_mentor")]
pub async fn apply_to_mentor(
    expertise: String,
    years_experience: String,
    summary: String,
    hourly_rate: String,
    currency: String,
) -> Result<(), AppError> {
    async move {
        let user = super::session::require_user().await?;
        if user.role != crate::domain::Role::Student {
            return Err(AppError::Conflict("Only students apply to become mentors; your account already has a wider role.".into()));
        }
        let input = MentorApplicationInput::parse(&expertise, &years_experience, &summary, &hourly_rate, &currency)
            .map_err(|errors| AppError::invalid(errors.into_iter().map(|e| e.0).collect::<Vec<_>>().join(" ")))?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let inserted = sqlx::query(
            "insert into mentor_applications (user_id, organization_id, expertise_areas, years_experience, \
                    experience_summary, hourly_rate_minor, currency) values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user.user_id)
        .bind(user.org_id)
        .bind(input.expertise.items())
        .bind(input.years_experience)
        .bind(&input.summary)
        .bind(input.rate.minor)
        .bind(input.currency)
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            if db.constraint() == Some("mentor_applications_one_pending") {
                return Err(AppError::Conflict("You already have an application waiting for a decision.".into()));
            }
        }
        inserted?;
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

#[server(endpoint = "withdraw_mentor_application")]
pub async fn withdraw_mentor_application(id: Uuid) -> Result<(), AppError> {
    async move {
        let user = super::session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let updated = sqlx::query(
            "update mentor_applications set status = 'withdrawn' where id = $1 and user_id = $2 and status = 'pending'",
        )
        .bind(id)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(AppError::NotFound("an open application to withdraw".into()));
        }
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// `/account/mentor`
#[component]
pub fn MentorApplicationPage() -> impl IntoView {
    let apply = ServerAction::<ApplyToMentor>::new();
    let withdraw = ServerAction::<WithdrawMentorApplication>::new();
    let applications = Resource::new(
        move || (apply.version().get(), withdraw.version().get()),
        |_| my_mentor_applications(),
    );
    view! {
        <PageMeta title="Become a mentor" description="Apply to mentor students on Waypoint: share your expertise, experience and rate." path="/account/mentor"/>
        <super::RequireUser children=move |user| {
            let is_student = user.role == crate::domain::Role::Student;
            view! {
                <section class="page narrow" aria-labelledby="page-heading">
                    <super::pages::AccountNav/>
                    <h1 id="page-heading">"Become a mentor"</h1>
                    <Show when=move || !is_student>
                        <p class="notice">{format!("Your account is a {} account, so there is nothing to apply for.", user.role.label().to_lowercase())}</p>
                    </Show>
                    <Transition fallback=|| view! { <p class="loading">"Loading your applications…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                applications.await.map(|list| {
                                    let open = list.iter().any(|a| a.status == ApplicationStatus::Pending);
                                    view! {
                                        {(!list.is_empty()).then(|| view! {
                                            <h2>"Your applications"</h2>
                                            <ul class="card-list">
                                                {list.into_iter().map(|a| view! {
                                                    <li class="card">
                                                        <p><strong>{a.status.label()}</strong>" · submitted "{a.submitted}</p>
                                                        <p>{a.expertise.join(", ")}" · "{a.years_experience}" years · "{a.rate}" an hour"</p>
                                                        {a.decision_note.map(|note| view! { <p class="muted">"Note from the reviewer: "{note}</p> })}
                                                        {(a.status == ApplicationStatus::Pending).then(|| view! {
                                                            <ActionForm action=withdraw>
                                                                <input type="hidden" name="id" value=a.id.to_string()/>
                                                                <button type="submit" class="button button--ghost">"Withdraw application"</button>
                                                            </ActionForm>
                                                        })}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                        {(is_student && !open).then(|| view! { <ApplicationForm apply/> })}
                                    }
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                    <ActionOutcome value=move || withdraw.value().get() success="Application withdrawn."/>
                </section>
            }
        }/>
    }
}

#[component]
fn ApplicationForm(apply: ServerAction<ApplyToMentor>) -> impl IntoView {
    view! {
        <h2>"Apply"</h2>
        <p>"An administrator of your organization reviews each application. When it is approved you get a mentor listing and can offer sessions."</p>
        <ActionForm action=apply attr:class="form" attr:novalidate="">
            <TextField label="Areas of expertise" name="expertise" required=true check=check_expertise
                hint="Comma-separated, up to 10: e.g. software engineering, interview practice."/>
            <TextField label="Years of experience" name="years_experience" kind="number" required=true check=check_years/>
            <TextField label="Your experience" name="summary" multiline=true required=true check=check_summary
                hint="What you have done and how you would help students (20 to 4,000 characters)."/>
            <div class="field-row">
                <TextField label="Intended hourly rate" name="hourly_rate" required=true check=check_rate hint="0 for free sessions."/>
                <div class="field">
                    <label for="field-currency">"Currency"</label>
                    <select id="field-currency" name="currency">
                        {CURRENCIES.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <ActionOutcome value=move || apply.value().get() success="Application sent. We'll notify you when it has been reviewed."/>
            <button type="submit" class="button" disabled=move || apply.pending().get()>"Send application"</button>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_kept_in_minor_units() {
        assert_eq!(HourlyRate::parse("45").unwrap().minor, 4500);
        assert_eq!(HourlyRate::parse("$42.5").unwrap().minor, 4250);
        assert_eq!(HourlyRate::parse("0").unwrap().minor, 0);
        assert!(HourlyRate::parse("-3").is_err());
        assert!(HourlyRate::parse("4.555").is_err());
        assert!(HourlyRate::parse("10000.01").unwrap_err().0.contains("at most 10,000"));
        assert_eq!(HourlyRate::display(4250, "EUR"), "EUR 42.50");
    }

    #[test]
    fn an_application_lists_every_problem() {
        let errors = MentorApplicationInput::parse("", "eighty", "short", "abc", "XYZ").unwrap_err();
        assert_eq!(errors.len(), 5);
        let ok = MentorApplicationInput::parse("nursing, interviews", "6", &"I have mentored nurses.".repeat(2), "30", "GBP").unwrap();
        assert_eq!((ok.years_experience, ok.rate.minor, ok.currency), (6, 3000, "GBP"));
    }
}
