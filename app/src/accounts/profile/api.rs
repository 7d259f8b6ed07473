//! The profile's server functions and, in [`ssr`], their bodies and queries.

use super::domain::*;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in person's profile, as they see and edit it.
#[server(endpoint = "my_profile")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn my_profile() -> Result<Profile, AppError> {
    crate::db::signed_in(|user, tx| Box::pin(ssr::load(tx, user))).await
}

/// Saves the editor's form (every field's complaint at once, beside its field).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_profile")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn save_profile(
    first_name: String,
    last_name: String,
    headline: String,
    bio: String,
    education_level: String,
    current_status: String,
    location: String,
    time_zone: String,
    interests: String,
    target_roles: String,
    links: String,
    session_format: String,
    email_reminders: Option<String>,
    weekly_digest: Option<String>,
) -> Result<(), AppError> {
    let form = ssr::ProfileForm {
        first_name,
        last_name,
        headline,
        bio,
        education_level,
        current_status,
        location,
        time_zone,
        interests,
        target_roles,
        links,
        session_format,
        email_reminders: email_reminders.is_some(),
        weekly_digest: weekly_digest.is_some(),
    };
    crate::db::signed_in(|user, tx| Box::pin(ssr::save_profile(tx, user, form))).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::db::{stored_json, SignedIn, Tx};
    use crate::domain::FieldErrors;

    /// The editor's form as posted.
    pub struct ProfileForm {
        pub first_name: String,
        pub last_name: String,
        pub headline: String,
        pub bio: String,
        pub education_level: String,
        pub current_status: String,
        pub location: String,
        pub time_zone: String,
        pub interests: String,
        pub target_roles: String,
        pub links: String,
        pub session_format: String,
        pub email_reminders: bool,
        pub weekly_digest: bool,
    }

    pub async fn save_profile(tx: &mut Tx, user: &SignedIn, form: ProfileForm) -> Result<(), AppError> {
        let session_format = SessionFormat::parse_optional(&form.session_format).map_err(|error| {
            let mut errors = FieldErrors::new();
            errors.add("session_format", error.0);
            AppError::from(errors)
        })?;
        let preferences = Preferences {
            email_reminders: form.email_reminders,
            weekly_digest: form.weekly_digest,
            session_format: session_format.unwrap_or(SessionFormat::NoPreference),
        };
        let update = ProfileUpdate::parse(
            &form.first_name,
            &form.last_name,
            &form.headline,
            &form.bio,
            &form.education_level,
            &form.current_status,
            &form.location,
            &form.time_zone,
            &form.interests,
            &form.target_roles,
            &form.links,
            preferences,
        )?;
        save(tx, user, &update).await
    }

    pub async fn load(tx: &mut Tx, user: &SignedIn) -> Result<Profile, AppError> {
        let row = sqlx::query!(
            r#"select u.username::text as "username!", u.email::text as "email!", u.first_name, u.last_name,
                      p.headline as "headline?", p.bio as "bio?",
                      p.education_level as "education_level?: EducationLevel",
                      p.current_status as "current_status?: CareerStatus", p.location as "location?",
                      p.time_zone as "time_zone?", p.interests as "interests?", p.target_roles as "target_roles?",
                      p.links as "links?", p.preferences as "preferences?"
                 from users u left join user_profiles p on p.user_id = u.id and p.deleted_at is null
                where u.id = $1 and u.deleted_at is null"#,
            user.user_id,
        )
        .fetch_one(&mut **tx)
        .await?;
        // No profile row yet reads as an empty one; a damaged stored document is an error.
        let links: Vec<String> = match row.links {
            Some(links) => stored_json(links, "user_profiles.links", user.user_id)?,
            None => Vec::new(),
        };
        let preferences: Preferences = match row.preferences {
            Some(preferences) => stored_json(preferences, "user_profiles.preferences", user.user_id)?,
            None => Preferences::default(),
        };
        Ok(Profile {
            username: row.username,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            role: user.role,
            organization_name: user.organization_name.clone(),
            headline: row.headline,
            bio: row.bio,
            education_level: row.education_level,
            current_status: row.current_status,
            location: row.location,
            time_zone: row.time_zone.unwrap_or_else(|| "UTC".into()),
            interests: row.interests.unwrap_or_default(),
            target_roles: row.target_roles.unwrap_or_default(),
            links,
            preferences,
        })
    }

    pub async fn save(tx: &mut Tx, user: &SignedIn, update: &ProfileUpdate) -> Result<(), AppError> {
        sqlx::query!(
            "update users set first_name = $2, last_name = $3 where id = $1",
            user.user_id,
            update.first_name.as_str(),
            update.last_name.as_str(),
        )
        .execute(&mut **tx)
        .await?;
        let links = serde_json::to_value(update.links.items()).map_err(|_| AppError::Internal)?;
        let preferences = serde_json::to_value(&update.preferences).map_err(|_| AppError::Internal)?;
        // One live profile per user (a partial unique index): update it, or create it if missing.
        // One statement whether or not the profile row exists yet (the partial unique index on
        // live rows' user_id is the conflict target).
        sqlx::query!(
            "insert into user_profiles (user_id, organization_id, headline, bio, education_level, current_status, \
                    location, time_zone, interests, target_roles, links, preferences) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             on conflict (user_id) where deleted_at is null do update \
                set headline = excluded.headline, bio = excluded.bio, education_level = excluded.education_level, \
                    current_status = excluded.current_status, location = excluded.location, \
                    time_zone = excluded.time_zone, interests = excluded.interests, \
                    target_roles = excluded.target_roles, links = excluded.links, preferences = excluded.preferences",
            user.user_id,
            user.org_id,
            update.headline.as_deref(),
            update.bio.as_deref(),
            update.education_level as Option<EducationLevel>,
            update.current_status as Option<CareerStatus>,
            update.location.as_deref(),
            update.time_zone.as_str(),
            update.interests.items(),
            update.target_roles.items(),
            &links,
            &preferences,
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
