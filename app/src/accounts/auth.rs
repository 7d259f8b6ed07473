//! Signing up, in and out; the signed-in user as the pages see it; the security settings
//! (change password, sign out everywhere).

use super::{EmailAddress, InviteCode, Password, PersonName, SignInIdentifier, Username};
use crate::domain::Role;
#[cfg(feature = "ssr")]
use crate::domain::ValidationError;
use crate::error::AppError;
use crate::ui::{ActionOutcome, PageMeta, TextField};
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_location, use_query_map};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in user, as much as the pages need (never the email or anything secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub username: String,
    pub first_name: String,
    pub role: Role,
    pub organization_name: String,
}

/// Where to go after signing in: a path on this site only (never `//host` or a scheme), so the
/// `next` parameter cannot send anyone elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && !path.starts_with("/sign-in")
                && !path.starts_with("/sign-up") =>
        {
            path.to_string()
        }
        _ => "/account".to_string(),
    }
}

/// Percent-encodes a path for the `next` query parameter.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    async {
        Ok(super::session::current().await?.map(|user| SessionUser {
            id: user.user_id,
            username: user.username,
            first_name: user.first_name,
            role: user.role,
            organization_name: user.organization_name,
        }))
    }
    .await
    .map_err(AppError::respond)
}

/// Collects every field's complaint so the form shows them all at once.
#[cfg(feature = "ssr")]
fn all_or_errors(errors: Vec<ValidationError>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors.into_iter().map(|e| e.0).collect::<Vec<_>>().join(" ")))
    }
}

#[server(endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    username: String,
    first_name: String,
    last_name: String,
    password: String,
    invite_code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::{password as hashing, session, throttle};
    async move {
        let mut errors = Vec::new();
        let email = EmailAddress::parse(&email).map_err(|e| errors.push(e)).ok();
        let username = Username::parse(&username).map_err(|e| errors.push(e)).ok();
        let first_name = PersonName::parse(&first_name).map_err(|e| errors.push(e)).ok();
        let last_name = PersonName::parse(&last_name).map_err(|e| errors.push(e)).ok();
        let personal = [username.as_ref().map(|u| u.as_str()).unwrap_or(""), email.as_ref().map(|e| e.as_str()).unwrap_or("")];
        let password = Password::parse(&password, &personal).map_err(|e| errors.push(e)).ok();
        let invite_code = InviteCode::parse_optional(&invite_code).map_err(|e| errors.push(e)).ok().flatten();
        all_or_errors(errors)?;
        let (Some(email), Some(username), Some(first_name), Some(last_name), Some(password)) =
            (email, username, first_name, last_name, password)
        else {
            return Err(AppError::Internal);
        };

        let pool = crate::db::pool()?;
        let guard_pool = crate::db::guard_pool()?;
        let ip_bucket = throttle::ip_bucket("sign-up", &session::client_ip().await);
        throttle::take(&guard_pool, &ip_bucket, throttle::SIGN_UP_PER_IP).await?;

        let org_id: Uuid = match &invite_code {
            Some(code) => sqlx::query_scalar("select id from organization_for_invite($1)")
                .bind(code.as_str())
                .fetch_optional(&pool)
                .await?
                .ok_or_else(|| AppError::invalid("That invite code doesn't match any organization. Check it with whoever gave it to you, or leave it blank to join the Waypoint community."))?,
            None => sqlx::query_scalar(
                "select id from organizations where kind = 'public' and deleted_at is null",
            )
            .fetch_one(&pool)
            .await?,
        };

        let password_hash = hashing::hash_blocking(password.expose().to_string()).await?;
        let user_id = Uuid::new_v4();
        let ctx = crate::db::RequestContext::member(user_id, org_id, Role::Student);
        let mut tx = crate::db::tx(&pool, &ctx).await?;
        let inserted = sqlx::query(
            "insert into users (id, organization_id, email, username, password_hash, first_name, last_name) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(email.as_str())
        .bind(username.as_str())
        .bind(&password_hash)
        .bind(first_name.as_str())
        .bind(last_name.as_str())
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted {
            match db.constraint() {
                Some("users_email_key") => {
                    return Err(AppError::Conflict(
                        "That email is already registered. Sign in instead, or use another email.".into(),
                    ))
                }
                Some("users_username_key") => {
                    return Err(AppError::Conflict("That username is taken. Please choose another.".into()))
                }
                _ => {}
            }
        }
        inserted?;
        sqlx::query("insert into user_profiles (user_id, organization_id) values ($1, $2)")
            .bind(user_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        // Assessments taken before signing up become the new account's.
        let session = session::session().await?;
        let claimed = crate::assessments::store::claim_visitor_work(&session, &mut tx, user_id, org_id).await?;
        tx.commit().await?;
        tracing::info!(%user_id, claimed, "account created");
        crate::assessments::store::forget_visitor_work(&session).await?;

        session::begin(&session, user_id, 0).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// Wrong identifier and wrong password read the same, so the form never tells whether an
/// account exists.
#[cfg(feature = "ssr")]
const WRONG_CREDENTIALS: &str = "Wrong email, username or password.";

#[server(endpoint = "sign_in")]
pub async fn sign_in(identifier: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::{password as hashing, session, throttle};
    async move {
        let identifier = SignInIdentifier::parse(&identifier)?;
        if password.is_empty() {
            return Err(AppError::invalid("Enter your password."));
        }
        let pool = crate::db::pool()?;
        let guard_pool = crate::db::guard_pool()?;
        let ip_bucket = throttle::ip_bucket("sign-in", &session::client_ip().await);
        let account: Option<(Uuid, Uuid, Role, String, String, i32)> = sqlx::query_as(
            "select user_id, organization_id, role, status::text, password_hash, session_generation \
               from account_for_sign_in($1)",
        )
        .bind(identifier.as_str())
        .fetch_optional(&pool)
        .await?;
        // Attempts count against the account itself (however it is named), from this network
        // and from everywhere, and against the address (see throttle.rs).
        let account_key = match &account {
            Some((user_id, ..)) => user_id.to_string(),
            None => identifier.as_str().to_string(),
        };
        let network_bucket = throttle::account_network_bucket(&account_key, &session::client_network().await);
        let account_bucket = throttle::account_bucket(&account_key);
        throttle::check(&guard_pool, &[(&ip_bucket, throttle::SIGN_IN_PER_IP)]).await?;
        throttle::take(&guard_pool, &network_bucket, throttle::SIGN_IN_PER_ACCOUNT_NETWORK).await?;
        throttle::claim_account_turn(&guard_pool, &account_bucket).await?;

        // Verify against a real hash even when there is no account, so timing tells nothing.
        let stored = account.as_ref().map(|a| a.4.clone()).unwrap_or_else(|| hashing::DUMMY_HASH.to_string());
        let verified = hashing::verify_blocking(password, stored).await? && account.is_some();
        let Some((user_id, org_id, role, status, _, generation)) = account.filter(|_| verified) else {
            throttle::hit(&guard_pool, &account_bucket, throttle::SIGN_IN_PER_ACCOUNT).await?;
            throttle::hit(&guard_pool, &ip_bucket, throttle::SIGN_IN_PER_IP).await?;
            return Err(AppError::invalid(WRONG_CREDENTIALS));
        };
        if status != "active" {
            // The password was right, so saying why is safe.
            return Err(AppError::invalid(
                "This account is suspended. Please contact your organization's administrator.",
            ));
        }
        throttle::clear(&guard_pool, &network_bucket).await?;
        throttle::clear(&guard_pool, &account_bucket).await?;

        let ctx = crate::db::RequestContext::member(user_id, org_id, role);
        let mut tx = crate::db::tx(&pool, &ctx).await?;
        sqlx::query("update users set last_login_at = now() where id = $1").bind(user_id).execute(&mut *tx).await?;
        // Assessments taken while signed out join the account signed in to.
        let session = session::session().await?;
        crate::assessments::store::claim_visitor_work(&session, &mut tx, user_id, org_id).await?;
        tx.commit().await?;
        crate::assessments::store::forget_visitor_work(&session).await?;

        session::begin(&session, user_id, generation).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::session;
    async {
        session::end(&session::session().await?).await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// Ends every session of the account, this one included, by moving its session generation on.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use super::session;
    async {
        let user = session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        sqlx::query("update users set session_generation = session_generation + 1 where id = $1")
            .bind(user.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        session::end(&session::session().await?).await?;
        tracing::info!(user_id = %user.user_id, "signed out everywhere");
        leptos_axum::redirect("/sign-in?signed_out=everywhere");
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// Changes the password after checking the current one; every other session ends, this one
/// continues under a new id.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use super::{password as hashing, session};
    async move {
        let user = session::require_user().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        session::reconfirm_password(&mut tx, &user, current_password, "Your current password isn't right.")
            .await?;
        let email: String = sqlx::query_scalar("select email::text from users where id = $1")
            .bind(user.user_id)
            .fetch_one(&mut *tx)
            .await?;
        let new_password = Password::parse(&new_password, &[&user.username, &email])?;
        if new_password.expose() != confirm_password {
            return Err(AppError::invalid("The new password and its confirmation don't match."));
        }
        let password_hash = hashing::hash_blocking(new_password.expose().to_string()).await?;
        let generation: i32 = sqlx::query_scalar(
            "update users set password_hash = $2, session_generation = session_generation + 1 \
              where id = $1 returning session_generation",
        )
        .bind(user.user_id)
        .bind(&password_hash)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        session::renew(&session::session().await?, generation).await?;
        tracing::info!(user_id = %user.user_id, "password changed; other sessions ended");
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// The signed-in user and the actions that change who that is, shared by the header and pages.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    /// Bumped by pages whose actions change what the header shows (a new name, a new role).
    pub changed: RwSignal<u32>,
}

impl Auth {
    pub fn provide() -> Auth {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let changed = RwSignal::new(0);
        let user = Resource::new(
            move || (sign_in.version().get(), sign_up.version().get(), sign_out.version().get(), changed.get()),
            |_| current_user(),
        );
        let auth = Auth { user, sign_in, sign_up, sign_out, changed };
        provide_context(auth);
        auth
    }
}

pub fn use_auth() -> Auth {
    use_context::<Auth>().unwrap_or_else(Auth::provide)
}

/// Renders `children` for a signed-in user; anyone else goes to sign-in and comes back after.
/// Routes using it render with `SsrMode::Async`, so the redirect is a real 302 without JavaScript.
#[component]
pub fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(SessionUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    let location = use_location();
    let children = std::sync::Arc::new(children);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => children(user).into_any(),
                        Ok(None) => {
                            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                            let path = format!("/sign-in?next={}", encode_query_value(&here));
                            view! { <Redirect path/> }.into_any()
                        }
                        Err(error) => view! { <div class="error-box" role="alert"><p>{error.to_string()}</p></div> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

fn check_email(value: &str) -> Option<String> {
    EmailAddress::parse(value).err().map(|e| e.0)
}
fn check_username(value: &str) -> Option<String> {
    Username::parse(value).err().map(|e| e.0)
}
fn check_name(value: &str) -> Option<String> {
    PersonName::parse(value).err().map(|e| e.0)
}
fn check_new_password(value: &str) -> Option<String> {
    Password::parse(value, &[]).err().map(|e| e.0)
}
fn check_invite(value: &str) -> Option<String> {
    InviteCode::parse_optional(value).err().map(|e| e.0)
}
fn check_identifier(value: &str) -> Option<String> {
    SignInIdentifier::parse(value).err().map(|e| e.0)
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let signed_out_everywhere = move || query.read().get("signed_out").as_deref() == Some("everywhere");
    view! {
        <PageMeta title="Sign in" description="Sign in to Waypoint to keep your assessment results, mentor sessions and roadmap in one place." path="/sign-in"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <h1 id="page-heading">"Sign in"</h1>
            <Show when=signed_out_everywhere>
                <div class="success-box" role="status"><p>"You've been signed out on every device."</p></div>
            </Show>
            <Show when=move || !next().is_empty()>
                <p class="notice">"Please sign in to continue."</p>
            </Show>
            <ActionForm action=auth.sign_in attr:class="form" attr:novalidate="">
                <input type="hidden" name="next" value=next/>
                <TextField label="Email or username" name="identifier" autocomplete="username" required=true check=check_identifier/>
                <TextField label="Password" name="password" kind="password" autocomplete="current-password" required=true/>
                <ActionOutcome value=move || auth.sign_in.value().get()/>
                <button type="submit" class="button" disabled=move || auth.sign_in.pending().get()>"Sign in"</button>
            </ActionForm>
            <p>"New to Waypoint? " <A href=move || format!("/sign-up{}", if next().is_empty() { String::new() } else { format!("?next={}", encode_query_value(&next())) })>"Create an account"</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <PageMeta title="Create an account" description="Create a Waypoint account to take career assessments, book mentors and follow your own roadmap." path="/sign-up"/>
        <section class="page narrow" aria-labelledby="page-heading">
            <h1 id="page-heading">"Create your account"</h1>
            <p class="lead">"Join the Waypoint community, or your school or career centre with the invite code they gave you."</p>
            <ActionForm action=auth.sign_up attr:class="form" attr:novalidate="">
                <input type="hidden" name="next" value=next/>
                <div class="field-row">
                    <TextField label="First name" name="first_name" autocomplete="given-name" required=true check=check_name/>
                    <TextField label="Last name" name="last_name" autocomplete="family-name" required=true check=check_name/>
                </div>
                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true check=check_email/>
                <TextField label="Username" name="username" autocomplete="username" required=true check=check_username
                    hint="3 to 32 letters, digits, dots, dashes or underscores. Others see it on your profile."/>
                <TextField label="Password" name="password" kind="password" autocomplete="new-password" required=true check=check_new_password
                    hint="At least 12 characters. A phrase of a few unrelated words is strong and easy to remember."/>
                <TextField label="Invite code (optional)" name="invite_code" check=check_invite
                    hint="From your school or career centre. Leave it blank to join the Waypoint community."/>
                <ActionOutcome value=move || auth.sign_up.value().get()/>
                <button type="submit" class="button" disabled=move || auth.sign_up.pending().get()>"Create account"</button>
            </ActionForm>
            <p>"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <PageMeta title="Sign-in and security" description="Change your Waypoint password and sign out of every device." path="/account/security"/>
        <RequireUser children=move |_user| view! {
            <section class="page narrow" aria-labelledby="page-heading">
                <super::pages::AccountNav/>
                <h1 id="page-heading">"Sign-in and security"</h1>
                <h2>"Change your password"</h2>
                <p>"Changing it signs you out on every other device."</p>
                <ActionForm action=change attr:class="form" attr:novalidate="">
                    <TextField label="Current password" name="current_password" kind="password" autocomplete="current-password" required=true/>
                    <TextField label="New password" name="new_password" kind="password" autocomplete="new-password" required=true check=check_new_password
                        hint="At least 12 characters; not a common password, your username or your email."/>
                    <TextField label="Confirm the new password" name="confirm_password" kind="password" autocomplete="new-password" required=true/>
                    <ActionOutcome value=move || change.value().get() success="Password changed. You've been signed out on every other device."/>
                    <button type="submit" class="button" disabled=move || change.pending().get()>"Change password"</button>
                </ActionForm>
                <h2>"Sign out everywhere"</h2>
                <p>"Ends every session of your account, on this device and all others: useful after using a shared computer or losing a phone."</p>
                <ActionForm action=everywhere attr:class="form">
                    <ActionOutcome value=move || everywhere.value().get()/>
                    <button type="submit" class="button button--danger">"Sign out everywhere"</button>
                </ActionForm>
            </section>
        }/>
    }
}
