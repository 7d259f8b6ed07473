//! The server functions for signing up, in and out and for the security settings (change
//! password, sign out everywhere), and in [`ssr`] their bodies.
//!
//! These are the few bodies that work outside one transaction (`db::run`): the sign-in throttle
//! and the session store write on their own pool, and argon2 hashes on a blocking thread, before
//! or after the transaction (`db::with_tx`), never while it is open.

use super::auth::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Who is signed in on this request, as the pages see it (`None` for a visitor).
#[server(endpoint = "current_user")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    crate::db::run(ssr::current_user()).await
}

#[server(endpoint = "sign_up")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(username = %username)))]
pub async fn sign_up(
    email: String,
    username: String,
    first_name: String,
    last_name: String,
    password: String,
    invite_code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let form = ssr::SignUpForm { email, username, first_name, last_name, password, invite_code };
    crate::db::run(ssr::sign_up(form, next)).await
}

#[server(endpoint = "sign_in")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn sign_in(identifier: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::db::run(ssr::sign_in(identifier, password, next)).await
}

#[server(endpoint = "sign_out")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn sign_out() -> Result<(), AppError> {
    crate::db::run(ssr::sign_out()).await
}

/// Ends every session of the account, this one included, by moving its session generation on.
#[server(endpoint = "sign_out_everywhere")]
#[cfg_attr(feature = "ssr", tracing::instrument)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::db::run(ssr::sign_out_everywhere()).await
}

/// Changes the password after checking the current one; every other session ends, this one
/// continues under a new id.
#[server(endpoint = "change_password")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all))]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    crate::db::run(ssr::change_password(current_password, new_password, confirm_password)).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::super::auth::{safe_next, SessionUser};
    use super::super::hooks::{NewMember, SignInHooks};
    use super::super::{password as hashing, session, throttle};
    use super::super::{NewAccount, Password, SignInIdentifier};
    use crate::db::{self, caller, RequestContext, SignedIn, Tx};
    use crate::domain::{FieldErrors, Role, UserStatus};
    use crate::error::AppError;
    use uuid::Uuid;

    /// Wrong identifier and wrong password read the same, so the form never tells whether an
    /// account exists.
    pub(crate) const WRONG_CREDENTIALS: &str = "Wrong email, username or password.";

    pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
        Ok(caller::current().await?.map(|user| SessionUser {
            id: user.user_id,
            username: user.username,
            first_name: user.first_name,
            role: user.role,
            organization_name: user.organization_name,
        }))
    }

    /// The sign-up form as posted (parsed into a [`NewAccount`]).
    pub struct SignUpForm {
        pub email: String,
        pub username: String,
        pub first_name: String,
        pub last_name: String,
        pub password: String,
        pub invite_code: String,
    }

    pub async fn sign_up(form: SignUpForm, next: Option<String>) -> Result<(), AppError> {
        let account = NewAccount::parse(
            &form.email,
            &form.username,
            &form.first_name,
            &form.last_name,
            &form.password,
            &form.invite_code,
        )?;
        let hooks = SignInHooks::current();
        let guard_pool = db::guard_pool()?;
        let ip_bucket = throttle::ip_bucket("sign-up", &caller::client_ip().await);
        throttle::take(&guard_pool, &ip_bucket, throttle::SIGN_UP_PER_IP).await?;

        let invite = account.invite_code.as_ref().map(|code| code.as_str().to_string());
        let org_id = db::with_tx(RequestContext::anonymous(), |tx| Box::pin(organization_to_join(tx, invite))).await?;
        let password_hash = hashing::hash_blocking(account.password.expose().to_string()).await?;
        let user_id = Uuid::new_v4();
        let member = NewMember { user_id, org_id };
        let session = caller::session().await?;
        let ctx = RequestContext::member(user_id, org_id, Role::Student);
        let visitor = session.clone();
        let adopted = db::with_tx(ctx, |tx| {
            Box::pin(async move {
                insert_account(tx, member, &account, &password_hash).await?;
                // Assessments taken before signing up become the new account's.
                hooks.adopt(&visitor, tx, member).await
            })
        })
        .await?;
        tracing::info!(%user_id, adopted, "account created");
        hooks.forget(&session).await?;

        session::begin(&session, user_id, 0).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }

    /// The organization an invite code opens, or the public community without one.
    async fn organization_to_join(tx: &mut Tx, invite: Option<String>) -> Result<Uuid, AppError> {
        match invite {
            Some(code) => sqlx::query_scalar!(r#"select id as "id!" from organization_for_invite($1)"#, code)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| {
                    let mut errors = FieldErrors::new();
                    errors.add("invite_code", "That invite code doesn't match any organization. Check it with whoever gave it to you, or leave it blank to join the Waypoint community.");
                    errors.into()
                }),
            None => Ok(sqlx::query_scalar!("select id from organizations where kind = 'public' and deleted_at is null")
                .fetch_one(&mut **tx)
                .await?),
        }
    }

    /// The account and its empty profile; a taken email or username is a conflict.
    async fn insert_account(tx: &mut Tx, member: NewMember, account: &NewAccount, password_hash: &str) -> Result<(), AppError> {
        let inserted = sqlx::query!(
            "insert into users (id, organization_id, email, username, password_hash, first_name, last_name) \
             values ($1, $2, $3, $4, $5, $6, $7)",
            member.user_id,
            member.org_id,
            account.email.as_str(),
            account.username.as_str(),
            password_hash,
            account.first_name.as_str(),
            account.last_name.as_str(),
        )
        .execute(&mut **tx)
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
        sqlx::query!("insert into user_profiles (user_id, organization_id) values ($1, $2)", member.user_id, member.org_id)
            .execute(&mut **tx)
            .await?;
        // The confirmation email leaves with the account, or not at all.
        crate::accounts::recovery::ssr::queue_verification(tx, member.user_id, member.org_id).await?;
        Ok(())
    }

    /// Throttled per address, per account and network, and per account (see throttle.rs); the
    /// password is checked against a real hash even when there is no account, so timing tells
    /// nothing. Longer than most bodies because every step is part of that one rule.
    pub async fn sign_in(identifier: String, password: String, next: Option<String>) -> Result<(), AppError> {
        let identifier = SignInIdentifier::parse(&identifier).map_err(|error| field_error("identifier", error.0))?;
        if password.is_empty() {
            return Err(field_error("password", "Enter your password.".into()));
        }
        let hooks = SignInHooks::current();
        let guard_pool = db::guard_pool()?;
        let ip_bucket = throttle::ip_bucket("sign-in", &caller::client_ip().await);
        let name = identifier.as_str().to_string();
        let account = db::with_tx(RequestContext::anonymous(), |tx| Box::pin(account_for_sign_in(tx, name))).await?;
        // Attempts count against the account itself (however it is named), from this network
        // and from everywhere, and against the address (see throttle.rs).
        let account_key = match &account {
            Some(account) => account.user_id.to_string(),
            None => identifier.as_str().to_string(),
        };
        let network_bucket = throttle::account_network_bucket(&account_key, &caller::client_network().await);
        let account_bucket = throttle::account_bucket(&account_key);
        throttle::check(&guard_pool, &[(&ip_bucket, throttle::SIGN_IN_PER_IP)]).await?;
        throttle::take(&guard_pool, &network_bucket, throttle::SIGN_IN_PER_ACCOUNT_NETWORK).await?;
        throttle::claim_account_turn(&guard_pool, &account_bucket).await?;

        let stored = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| hashing::DUMMY_HASH.to_string());
        let verified = hashing::verify_blocking(password, stored).await? && account.is_some();
        let Some(account) = account.filter(|_| verified) else {
            throttle::hit(&guard_pool, &account_bucket, throttle::SIGN_IN_PER_ACCOUNT).await?;
            throttle::hit(&guard_pool, &ip_bucket, throttle::SIGN_IN_PER_IP).await?;
            return Err(AppError::invalid(WRONG_CREDENTIALS));
        };
        if account.status != UserStatus::Active {
            // The password was right, so saying why is safe.
            return Err(AppError::invalid(
                "This account is suspended. Please contact your organization's administrator.",
            ));
        }
        throttle::clear(&guard_pool, &network_bucket).await?;
        throttle::clear(&guard_pool, &account_bucket).await?;

        let member = NewMember { user_id: account.user_id, org_id: account.organization_id };
        let session = caller::session().await?;
        let ctx = RequestContext::member(account.user_id, account.organization_id, account.role);
        let visitor = session.clone();
        db::with_tx(ctx, |tx| {
            Box::pin(async move {
                sqlx::query!("update users set last_login_at = now() where id = $1", member.user_id)
                    .execute(&mut **tx)
                    .await?;
                // Assessments taken while signed out join the account signed in to.
                hooks.adopt(&visitor, tx, member).await
            })
        })
        .await?;
        hooks.forget(&session).await?;

        session::begin(&session, account.user_id, account.session_generation).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }

    fn field_error(field: &str, message: String) -> AppError {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        errors.into()
    }

    /// An account as sign-in sees it (from `account_for_sign_in`).
    pub(crate) struct SignInAccount {
        pub user_id: Uuid,
        pub organization_id: Uuid,
        pub role: Role,
        pub status: UserStatus,
        pub password_hash: String,
        pub session_generation: i32,
    }

    async fn account_for_sign_in(tx: &mut Tx, identifier: String) -> Result<Option<SignInAccount>, AppError> {
        Ok(sqlx::query_as!(
            SignInAccount,
            r#"select user_id as "user_id!", organization_id as "organization_id!", role as "role!: Role",
                      status as "status!: UserStatus", password_hash as "password_hash!",
                      session_generation as "session_generation!"
                 from account_for_sign_in($1)"#,
            identifier,
        )
        .fetch_optional(&mut **tx)
        .await?)
    }

    pub async fn sign_out() -> Result<(), AppError> {
        session::end(&caller::session().await?).await?;
        leptos_axum::redirect("/");
        Ok(())
    }

    pub async fn sign_out_everywhere() -> Result<(), AppError> {
        let user = caller::require_user().await?;
        let user_id = user.user_id;
        db::with_tx(user.ctx(), |tx| {
            Box::pin(async move {
                sqlx::query!("update users set session_generation = session_generation + 1 where id = $1", user_id)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            })
        })
        .await?;
        session::end(&caller::session().await?).await?;
        tracing::info!(%user_id, "signed out everywhere");
        leptos_axum::redirect("/sign-in?signed_out=everywhere");
        Ok(())
    }

    pub async fn change_password(current: String, new_password: String, confirm: String) -> Result<(), AppError> {
        let user = caller::require_user().await?;
        reconfirm_password(&user, current, "Your current password isn't right.").await?;
        let user_id = user.user_id;
        let email = db::with_tx(user.ctx(), |tx| {
            Box::pin(async move {
                Ok(sqlx::query_scalar!(r#"select email::text as "email!" from users where id = $1"#, user_id)
                    .fetch_one(&mut **tx)
                    .await?)
            })
        })
        .await?;
        let new_password = Password::parse(&new_password, &[&user.username, &email])?;
        if new_password.expose() != confirm {
            return Err(AppError::invalid("The new password and its confirmation don't match."));
        }
        let password_hash = hashing::hash_blocking(new_password.expose().to_string()).await?;
        let generation = db::with_tx(user.ctx(), |tx| {
            Box::pin(async move {
                Ok(sqlx::query_scalar!(
                    "update users set password_hash = $2, session_generation = session_generation + 1 \
                      where id = $1 returning session_generation",
                    user_id,
                    password_hash,
                )
                .fetch_one(&mut **tx)
                .await?)
            })
        })
        .await?;
        session::renew(&caller::session().await?, generation).await?;
        tracing::info!(%user_id, "password changed; other sessions ended");
        Ok(())
    }

    /// Checks a signed-in person's current password before a sensitive change (a new password,
    /// deleting the account), before the change's transaction opens. Wrong guesses count as
    /// failed sign-ins of the account, so a borrowed session cannot be used to guess the
    /// password; `wrong` is the message for a wrong one.
    pub(crate) async fn reconfirm_password(user: &SignedIn, password: String, wrong: &str) -> Result<(), AppError> {
        let guard_pool = db::guard_pool()?;
        let account = user.user_id.to_string();
        let network_bucket = throttle::account_network_bucket(&account, &caller::client_network().await);
        let account_bucket = throttle::account_bucket(&account);
        throttle::take(&guard_pool, &network_bucket, throttle::SIGN_IN_PER_ACCOUNT_NETWORK).await?;
        throttle::claim_account_turn(&guard_pool, &account_bucket).await?;
        let stored = db::with_tx(user.ctx(), |tx| {
            Box::pin(async move {
                Ok(sqlx::query_scalar!("select current_user_password_hash()").fetch_one(&mut **tx).await?)
            })
        })
        .await?;
        if hashing::verify_blocking(password, stored.ok_or(AppError::Unauthenticated)?).await? {
            throttle::give_back(&guard_pool, &network_bucket).await?;
            Ok(())
        } else {
            throttle::hit(&guard_pool, &account_bucket, throttle::SIGN_IN_PER_ACCOUNT).await?;
            Err(AppError::invalid(wrong))
        }
    }
}
