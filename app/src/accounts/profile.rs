//! Profiles (`user_profiles`, plus the name on `users`): domain types shared by the editor in the
//! browser and the server, the queries, and the profile page and editor.

use super::PersonName;
use crate::domain::{Role, ValidationError};
use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta, TextField};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident, $sql:literal, $what:literal, { $($variant:ident => ($value:literal, $label:literal)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type))]
        #[cfg_attr(feature = "ssr", sqlx(type_name = $sql, rename_all = "snake_case"))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $value),* } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),* } }
            /// Blank means "not given".
            pub fn parse_optional(input: &str) -> Result<Option<Self>, ValidationError> {
                let input = input.trim();
                if input.is_empty() {
                    return Ok(None);
                }
                Self::ALL.iter().copied().find(|v| v.as_str() == input).map(Some)
                    .ok_or_else(|| ValidationError(format!("Choose {} from the list.", $what)))
            }
        }
    };
}

labelled_enum!(
    /// The highest education someone has completed or is in.
    EducationLevel, "education_level", "an education level", {
    Secondary => ("secondary", "Secondary school"),
    Vocational => ("vocational", "Vocational training"),
    SomeCollege => ("some_college", "Some college"),
    Associate => ("associate", "Associate degree"),
    Bachelor => ("bachelor", "Bachelor's degree"),
    Master => ("master", "Master's degree"),
    Doctorate => ("doctorate", "Doctorate"),
    Other => ("other", "Other"),
});

labelled_enum!(
    /// Where someone is in their working life.
    CareerStatus, "career_status", "a current status", {
    Student => ("student", "Student"),
    Graduate => ("graduate", "Recent graduate"),
    CareerChanger => ("career_changer", "Changing careers"),
    Employed => ("employed", "Employed"),
    JobSeeker => ("job_seeker", "Looking for work"),
    Returning => ("returning", "Returning to work"),
    Other => ("other", "Other"),
});

labelled_enum!(
    /// How someone prefers to meet a mentor.
    SessionFormat, "text", "a session format", {
    NoPreference => ("no_preference", "No preference"),
    Video => ("video", "Video call"),
    Phone => ("phone", "Phone call"),
    InPerson => ("in_person", "In person"),
});

/// Optional free text with an upper bound ("" means not given).
fn optional_text(input: &str, max: usize, what: &str) -> Result<Option<String>, ValidationError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let length = text.chars().count();
    if length > max {
        return Err(ValidationError(format!("{what} has at most {max} characters ({length} now).")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(ValidationError(format!("{what} can't contain control characters.")));
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

/// An IANA time zone name from the tz database (Europe/Lisbon, America/Chicago, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let name = input.trim();
        name.parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_string()))
            .map_err(|_| ValidationError(format!("\u{201c}{name}\u{201d} isn't a time zone we know. Pick one from the list.")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The zones offered in the picker: UTC and the canonical Region/City names, sorted.
    pub fn choices() -> Vec<&'static str> {
        const REGIONS: [&str; 9] =
            ["Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/"];
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|name| REGIONS.iter().any(|region| name.starts_with(region)))
            .collect();
        names.sort_unstable();
        names.insert(0, "UTC");
        names
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<TimeZoneName> for String {
    fn from(value: TimeZoneName) -> String {
        value.0
    }
}

/// A short list typed as comma-separated phrases ("design, data science"): trimmed, de-duplicated
/// without regard to case, each 1 to 60 characters, at most 10.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TagList(Vec<String>);

impl TagList {
    pub const MAX_ITEMS: usize = 10;
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str, what: &str) -> Result<Self, ValidationError> {
        let mut items: Vec<String> = Vec::new();
        for item in input.split([',', '\n']).map(str::trim).filter(|item| !item.is_empty()) {
            if item.chars().count() > Self::MAX_CHARS {
                return Err(ValidationError(format!(
                    "Each of your {what} has at most {} characters; \u{201c}{}…\u{201d} is longer.",
                    Self::MAX_CHARS,
                    item.chars().take(20).collect::<String>()
                )));
            }
            if item.chars().any(char::is_control) {
                return Err(ValidationError(format!("Your {what} can't contain control characters.")));
            }
            if !items.iter().any(|seen| seen.to_lowercase() == item.to_lowercase()) {
                items.push(item.to_string());
            }
        }
        if items.len() > Self::MAX_ITEMS {
            return Err(ValidationError(format!("List at most {} {what} ({} now).", Self::MAX_ITEMS, items.len())));
        }
        Ok(Self(items))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }

    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

/// Up to 5 web links (a portfolio, LinkedIn), one per line, each http(s) and at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProfileLinks(Vec<String>);

impl ProfileLinks {
    pub const MAX_ITEMS: usize = 5;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let mut links = Vec::new();
        for line in input.lines().map(str::trim).filter(|line| !line.is_empty()) {
            let rest = line.strip_prefix("https://").or_else(|| line.strip_prefix("http://"));
            let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
            let well_formed = line.len() <= 300
                && !line.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
                && host.is_some_and(|host| {
                    host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.contains('@')
                });
            if !well_formed {
                return Err(ValidationError(format!(
                    "\u{201c}{}\u{201d} isn't a web link. Links start with https:// (one per line).",
                    line.chars().take(60).collect::<String>()
                )));
            }
            if !links.contains(&line.to_string()) {
                links.push(line.to_string());
            }
        }
        if links.len() > Self::MAX_ITEMS {
            return Err(ValidationError(format!("Add at most {} links ({} now).", Self::MAX_ITEMS, links.len())));
        }
        Ok(Self(links))
    }

    pub fn items(&self) -> &[String] {
        &self.0
    }
}

/// Settings kept in `user_profiles.preferences` (jsonb). Unknown keys are ignored on read, and
/// missing ones take their defaults, so older rows always load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub email_reminders: bool,
    pub weekly_digest: bool,
    pub session_format: SessionFormat,
}

impl Default for Preferences {
    fn default() -> Self {
        Self { email_reminders: true, weekly_digest: false, session_format: SessionFormat::NoPreference }
    }
}

/// A profile as its owner sees and edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub organization_name: String,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub current_status: Option<CareerStatus>,
    pub location: Option<String>,
    pub time_zone: String,
    pub interests: Vec<String>,
    pub target_roles: Vec<String>,
    pub links: Vec<String>,
    pub preferences: Preferences,
}

/// A checked edit, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub education_level: Option<EducationLevel>,
    pub current_status: Option<CareerStatus>,
    pub location: Option<String>,
    pub time_zone: TimeZoneName,
    pub interests: TagList,
    pub target_roles: TagList,
    pub links: ProfileLinks,
    pub preferences: Preferences,
}

pub fn check_headline(value: &str) -> Option<String> {
    optional_text(value, 160, "A headline").err().map(|e| e.0)
}
pub fn check_bio(value: &str) -> Option<String> {
    optional_text(value, 4000, "Your bio").err().map(|e| e.0)
}
pub fn check_location(value: &str) -> Option<String> {
    optional_text(value, 120, "A location").err().map(|e| e.0)
}
pub fn check_interests(value: &str) -> Option<String> {
    TagList::parse(value, "interests").err().map(|e| e.0)
}
pub fn check_target_roles(value: &str) -> Option<String> {
    TagList::parse(value, "target roles").err().map(|e| e.0)
}
pub fn check_links(value: &str) -> Option<String> {
    ProfileLinks::parse(value).err().map(|e| e.0)
}
fn check_name(value: &str) -> Option<String> {
    PersonName::parse(value).err().map(|e| e.0)
}

/// Keeps a parsed value, or records why it was refused.
pub(crate) fn keep<T>(errors: &mut Vec<ValidationError>, result: Result<T, ValidationError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

#[allow(clippy::too_many_arguments)]
impl ProfileUpdate {
    /// Every field's complaint at once, in form order.
    pub fn parse(
        first_name: &str,
        last_name: &str,
        headline: &str,
        bio: &str,
        education_level: &str,
        current_status: &str,
        location: &str,
        time_zone: &str,
        interests: &str,
        target_roles: &str,
        links: &str,
        preferences: Preferences,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let first_name = keep(&mut errors, PersonName::parse(first_name));
        let last_name = keep(&mut errors, PersonName::parse(last_name));
        let headline = keep(&mut errors, optional_text(headline, 160, "A headline"));
        let bio = keep(&mut errors, optional_text(bio, 4000, "Your bio"));
        let education_level = keep(&mut errors, EducationLevel::parse_optional(education_level));
        let current_status = keep(&mut errors, CareerStatus::parse_optional(current_status));
        let location = keep(&mut errors, optional_text(location, 120, "A location"));
        let time_zone = keep(&mut errors, TimeZoneName::parse(time_zone));
        let interests = keep(&mut errors, TagList::parse(interests, "interests"));
        let target_roles = keep(&mut errors, TagList::parse(target_roles, "target roles"));
        let links = keep(&mut errors, ProfileLinks::parse(links));
        match (
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
        ) {
            (
                Some(first_name),
                Some(last_name),
                Some(headline),
                Some(bio),
                Some(education_level),
                Some(current_status),
                Some(location),
                Some(time_zone),
                Some(interests),
                Some(target_roles),
                Some(links),
            ) if errors.is_empty() => Ok(Self {
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
                preferences,
            }),
            _ => Err(errors),
        }
    }
}

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    async {
        let user = super::session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let profile = ssr::load(&mut tx, &user).await?;
        tx.commit().await?;
        Ok(profile)
    }
    .await
    .map_err(AppError::respond)
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_profile")]
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
    async move {
        let user = super::session::require_user().await?;
        let preferences = Preferences {
            email_reminders: email_reminders.is_some(),
            weekly_digest: weekly_digest.is_some(),
            session_format: SessionFormat::parse_optional(&session_format)?.unwrap_or(SessionFormat::NoPreference),
        };
        let update = ProfileUpdate::parse(
            &first_name,
            &last_name,
            &headline,
            &bio,
            &education_level,
            &current_status,
            &location,
            &time_zone,
            &interests,
            &target_roles,
            &links,
            preferences,
        )
        .map_err(|errors| AppError::invalid(errors.into_iter().map(|e| e.0).collect::<Vec<_>>().join(" ")))?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        ssr::save(&mut tx, &user, &update).await?;
        tx.commit().await?;
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::accounts::session::SignedIn;
    use sqlx::{Postgres, Transaction};

    type ProfileRow = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<EducationLevel>,
        Option<CareerStatus>,
        Option<String>,
        Option<String>,
        Option<Vec<String>>,
        Option<Vec<String>>,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    );

    pub async fn load(tx: &mut Transaction<'static, Postgres>, user: &SignedIn) -> Result<Profile, AppError> {
        let row: ProfileRow = sqlx::query_as(
            "select u.username::text, u.email::text, u.first_name, u.last_name, p.headline, p.bio, \
                    p.education_level, p.current_status, p.location, p.time_zone, p.interests, p.target_roles, \
                    p.links, p.preferences \
               from users u left join user_profiles p on p.user_id = u.id and p.deleted_at is null \
              where u.id = $1 and u.deleted_at is null",
        )
        .bind(user.user_id)
        .fetch_one(&mut **tx)
        .await?;
        let links: Vec<String> = row.12.and_then(|links| serde_json::from_value(links).ok()).unwrap_or_default();
        let preferences: Preferences =
            row.13.and_then(|prefs| serde_json::from_value(prefs).ok()).unwrap_or_default();
        Ok(Profile {
            username: row.0,
            email: row.1,
            first_name: row.2,
            last_name: row.3,
            role: user.role,
            organization_name: user.organization_name.clone(),
            headline: row.4,
            bio: row.5,
            education_level: row.6,
            current_status: row.7,
            location: row.8,
            time_zone: row.9.unwrap_or_else(|| "UTC".into()),
            interests: row.10.unwrap_or_default(),
            target_roles: row.11.unwrap_or_default(),
            links,
            preferences,
        })
    }

    pub async fn save(
        tx: &mut Transaction<'static, Postgres>,
        user: &SignedIn,
        update: &ProfileUpdate,
    ) -> Result<(), AppError> {
        sqlx::query("update users set first_name = $2, last_name = $3 where id = $1")
            .bind(user.user_id)
            .bind(update.first_name.as_str())
            .bind(update.last_name.as_str())
            .execute(&mut **tx)
            .await?;
        let links = serde_json::to_value(update.links.items()).map_err(|_| AppError::Internal)?;
        let preferences = serde_json::to_value(&update.preferences).map_err(|_| AppError::Internal)?;
        // One live profile per user (a partial unique index): update it, or create it if missing.
        let updated = sqlx::query(
            "update user_profiles set headline = $2, bio = $3, education_level = $4, current_status = $5, \
                    location = $6, time_zone = $7, interests = $8, target_roles = $9, links = $10, preferences = $11 \
              where user_id = $1 and deleted_at is null",
        )
        .bind(user.user_id)
        .bind(&update.headline)
        .bind(&update.bio)
        .bind(update.education_level)
        .bind(update.current_status)
        .bind(&update.location)
        .bind(update.time_zone.as_str())
        .bind(update.interests.items())
        .bind(update.target_roles.items())
        .bind(&links)
        .bind(&preferences)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                "insert into user_profiles (user_id, organization_id, headline, bio, education_level, current_status, \
                        location, time_zone, interests, target_roles, links, preferences) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(user.user_id)
            .bind(user.org_id)
            .bind(&update.headline)
            .bind(&update.bio)
            .bind(update.education_level)
            .bind(update.current_status)
            .bind(&update.location)
            .bind(update.time_zone.as_str())
            .bind(update.interests.items())
            .bind(update.target_roles.items())
            .bind(&links)
            .bind(&preferences)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// `/account`: the signed-in person's profile as others in their organization see it.
#[component]
pub fn AccountPage() -> impl IntoView {
    // Resources are made here, not inside RequireUser/RequireAdmin's children: on the server
    // those children can run twice (once in an owner already disposed), and resources made there
    // shift the ids the browser hydrates by, a hydration panic (issue 11).
    let profile = Resource::new(|| (), |_| my_profile());
    let results = Resource::new(|| (), |_| crate::assessments::my_results());
    view! {
        <PageMeta title="Your profile" description="Your Waypoint profile: who you are, what you're aiming for and how you like to work." path="/account"/>
        <super::RequireUser children=move |_user| {
            view! {
                <section class="page" aria-labelledby="page-heading">
                    <super::pages::AccountNav/>
                    <Transition fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move { profile.await.map(|p| view! { <ProfileCard profile=p/> }) })}
                        </ErrorBoundary>
                    </Transition>
                    <crate::assessments::MyResults results/>
                </section>
            }
        }/>
    }
}

#[component]
fn ProfileCard(profile: Profile) -> impl IntoView {
    let Profile {
        username,
        email,
        first_name,
        last_name,
        role,
        organization_name,
        headline,
        bio,
        education_level,
        current_status,
        location,
        time_zone,
        interests,
        target_roles,
        links,
        preferences,
    } = profile;
    let or_blank = |value: Option<String>| value.unwrap_or_else(|| "Not given yet".to_string());
    let list = |items: Vec<String>| {
        if items.is_empty() {
            view! { <p class="muted">"None yet"</p> }.into_any()
        } else {
            view! { <ul class="tag-list">{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }.into_any()
        }
    };
    view! {
        <h1 id="page-heading">{format!("{first_name} {last_name}")}</h1>
        <p class="lead">{headline.clone().unwrap_or_else(|| "Add a headline so mentors know what you're aiming for.".into())}</p>
        <p><A href="/account/profile" attr:class="button">"Edit profile"</A></p>
        <dl class="details">
            <dt>"Username"</dt><dd>{username}</dd>
            <dt>"Email"</dt><dd>{email}</dd>
            <dt>"Organization"</dt><dd>{organization_name}</dd>
            <dt>"Role"</dt><dd>{role.label()}</dd>
            <dt>"Education"</dt><dd>{education_level.map(|e| e.label()).unwrap_or("Not given yet")}</dd>
            <dt>"Current status"</dt><dd>{current_status.map(|s| s.label()).unwrap_or("Not given yet")}</dd>
            <dt>"Location"</dt><dd>{or_blank(location)}</dd>
            <dt>"Time zone"</dt><dd>{time_zone}</dd>
            <dt>"Session format"</dt><dd>{preferences.session_format.label()}</dd>
            <dt>"Email reminders"</dt><dd>{if preferences.email_reminders { "On" } else { "Off" }}</dd>
        </dl>
        <h2>"About"</h2>
        <p class="prose">{or_blank(bio)}</p>
        <h2>"Interests"</h2>
        {list(interests)}
        <h2>"Target roles"</h2>
        {list(target_roles)}
        <h2>"Links"</h2>
        {if links.is_empty() {
            view! { <p class="muted">"None yet"</p> }.into_any()
        } else {
            view! { <ul>{links.into_iter().map(|link| view! { <li><a href=link.clone() rel="nofollow noopener">{link.clone()}</a></li> }).collect_view()}</ul> }.into_any()
        }}
    }
}

/// `/account/profile`: the editor.
#[component]
pub fn ProfileEditPage() -> impl IntoView {
    // Outside RequireUser: saving a new name refreshes the signed-in user, which re-renders the
    // page body, and the form must keep its action (and its "saved" message) across that.
    let save = ServerAction::<SaveProfile>::new();
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <PageMeta title="Edit your profile" description="Edit your Waypoint profile: headline, education, goals, time zone and preferences." path="/account/profile"/>
        <super::RequireUser children=move |_user| {
            view! {
                <section class="page narrow" aria-labelledby="page-heading">
                    <super::pages::AccountNav/>
                    <h1 id="page-heading">"Edit your profile"</h1>
                    <Transition fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <crate::ui::ErrorMessages errors/> }>
                            {move || Suspend::new(async move { profile.await.map(|p| view! { <ProfileForm profile=p save/> }) })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

#[component]
fn ProfileForm(profile: Profile, save: ServerAction<SaveProfile>) -> impl IntoView {
    let auth = super::use_auth();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            auth.changed.update(|n| *n += 1);
        }
    });
    let time_zone = profile.time_zone.clone();
    let education = profile.education_level;
    let status = profile.current_status;
    let format = profile.preferences.session_format;
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate="">
            <div class="field-row">
                <TextField label="First name" name="first_name" autocomplete="given-name" required=true value=profile.first_name.clone() check=check_name/>
                <TextField label="Last name" name="last_name" autocomplete="family-name" required=true value=profile.last_name.clone() check=check_name/>
            </div>
            <TextField label="Headline" name="headline" value=profile.headline.clone().unwrap_or_default() check=check_headline maxlength=160
                hint="One line about where you're heading, e.g. \u{201c}Second-year nursing student exploring public health\u{201d}."/>
            <TextField label="Bio" name="bio" multiline=true value=profile.bio.clone().unwrap_or_default() check=check_bio
                hint="Up to 4,000 characters."/>
            <div class="field">
                <label for="field-education_level">"Education"</label>
                <select id="field-education_level" name="education_level">
                    <option value="" selected=education.is_none()>"Prefer not to say"</option>
                    {EducationLevel::ALL.iter().map(|level| view! {
                        <option value=level.as_str() selected=education == Some(*level)>{level.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="field-current_status">"Current status"</label>
                <select id="field-current_status" name="current_status">
                    <option value="" selected=status.is_none()>"Prefer not to say"</option>
                    {CareerStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status == Some(*s)>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField label="Location" name="location" autocomplete="address-level2" value=profile.location.clone().unwrap_or_default() check=check_location
                hint="A city or region, as much as you want to share."/>
            <div class="field">
                <label for="field-time_zone">"Time zone"</label>
                <p class="field-hint" id="field-time_zone-hint">"Session times are shown in this zone."</p>
                <select id="field-time_zone" name="time_zone" aria-describedby="field-time_zone-hint">
                    {TimeZoneName::choices().into_iter().map(|name| view! {
                        <option value=name selected=name == time_zone>{name.replace('_', " ")}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField label="Interests" name="interests" value=profile.interests.join(", ") check=check_interests
                hint="Comma-separated, up to 10: e.g. design, biology, working outdoors."/>
            <TextField label="Target roles" name="target_roles" value=profile.target_roles.join(", ") check=check_target_roles
                hint="Comma-separated, up to 10: e.g. nurse practitioner, UX researcher."/>
            <TextField label="Links" name="links" multiline=true value=profile.links.join("\n") check=check_links
                hint="Up to 5 links, one per line, starting with https://."/>
            <fieldset class="field">
                <legend>"Preferences"</legend>
                <label for="field-session_format">"Preferred session format"</label>
                <select id="field-session_format" name="session_format">
                    {SessionFormat::ALL.iter().map(|f| view! {
                        <option value=f.as_str() selected=format == *f>{f.label()}</option>
                    }).collect_view()}
                </select>
                <label class="checkbox"><input type="checkbox" name="email_reminders" checked=profile.preferences.email_reminders/>" Email me reminders before sessions"</label>
                <label class="checkbox"><input type="checkbox" name="weekly_digest" checked=profile.preferences.weekly_digest/>" Send me a weekly digest"</label>
            </fieldset>
            <ActionOutcome value=move || save.value().get() success="Profile saved."/>
            <button type="submit" class="button" disabled=move || save.pending().get()>"Save profile"</button>
            " "
            <A href="/account">"Back to your profile"</A>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(TimeZoneName::parse("Europe/Lisbon").unwrap().as_str(), "Europe/Lisbon");
        assert!(TimeZoneName::parse("Mars/Olympus").unwrap_err().0.contains("isn't a time zone"));
        let choices = TimeZoneName::choices();
        assert_eq!(choices[0], "UTC");
        assert!(choices.contains(&"America/Chicago") && choices.len() > 300);
        assert!(choices.iter().all(|name| TimeZoneName::parse(name).is_ok()));
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let tags = TagList::parse(" design, Data science,design ,, DESIGN", "interests").unwrap();
        assert_eq!(tags.items(), ["design", "Data science"]);
        let eleven = (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
        assert!(TagList::parse(&eleven, "interests").unwrap_err().0.contains("at most 10 interests"));
        assert!(TagList::parse(&"x".repeat(61), "interests").unwrap_err().0.contains("at most 60"));
    }

    #[test]
    fn links_must_be_web_links() {
        assert_eq!(ProfileLinks::parse("https://example.org/me\n\nhttp://a.b").unwrap().items().len(), 2);
        assert!(ProfileLinks::parse("javascript:alert(1)").unwrap_err().0.contains("isn't a web link"));
        assert!(ProfileLinks::parse("https://localhost").is_err());
        assert!(ProfileLinks::parse("https://exa mple.org").is_err());
        assert!(ProfileLinks::parse(&"https://a.b/\n".repeat(1)).is_ok());
    }

    #[test]
    fn a_profile_update_reports_every_bad_field() {
        let errors = ProfileUpdate::parse(
            "",
            "Lovelace",
            &"h".repeat(161),
            "",
            "wizard",
            "",
            "",
            "Nowhere/Land",
            "",
            "",
            "ftp://x",
            Preferences::default(),
        )
        .unwrap_err();
        let messages: Vec<String> = errors.into_iter().map(|e| e.0).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
        assert!(messages[1].contains("A headline has at most 160 characters (161 now)"));
    }

    #[test]
    fn preferences_fill_in_missing_keys() {
        let prefs: Preferences = serde_json::from_str(r#"{"weekly_digest": true, "unknown": 1}"#).unwrap();
        assert_eq!(prefs, Preferences { weekly_digest: true, ..Preferences::default() });
    }
}
