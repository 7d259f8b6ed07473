//! Authoring: administrators write an assessment as a definition (JSON with a documented shape),
//! see it checked and previewed as they type (the same domain types run in the browser), save
//! drafts, and publish a new version. Publishing archives the version it replaces; results stay
//! tied to the version they were taken on.

use super::definition::Definition;
#[cfg(feature = "ssr")]
use super::definition::NumberedQuestion;
use super::pages::QuestionField;
use crate::admin::{AdminNav, RequireAdmin};
use crate::error::AppError;
use crate::ui::{ActionOutcome, ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A starting point showing every question type, for a new assessment.
pub const TEMPLATE: &str = r#"{
  "slug": "work-values",
  "title": "What matters to you at work",
  "description": "A short check of the work values that matter most to you.",
  "estimated_minutes": 5,
  "scoring": {
    "method": "normalised",
    "dimensions": [
      { "key": "people", "label": "Working with people", "description": "You value teamwork, helping and contact with others." },
      { "key": "security", "label": "Security", "description": "You value a steady income, clear expectations and stability." }
    ],
    "code_length": 1,
    "bands": [ { "from": 0, "label": "Low" }, { "from": 34, "label": "Medium" }, { "from": 67, "label": "High" } ]
  },
  "sections": [
    {
      "title": "How you like to work",
      "questions": [
        { "type": "likert", "prompt": "I enjoy working closely with a team.",
          "points": [ { "label": "Disagree", "value": 1 }, { "label": "Neutral", "value": 2 }, { "label": "Agree", "value": 3 } ],
          "weights": { "people": 1 } },
        { "type": "likert", "prompt": "I would rather work alone most of the day.", "reverse": true,
          "points": [ { "label": "Disagree", "value": 1 }, { "label": "Neutral", "value": 2 }, { "label": "Agree", "value": 3 } ],
          "weights": { "people": 1 } },
        { "type": "single_choice", "prompt": "Which job offer appeals more?",
          "options": [
            { "key": "a", "label": "A permanent contract with a set salary", "weights": { "security": 2 } },
            { "key": "b", "label": "A short project with a lively team", "weights": { "people": 2 } } ] },
        { "type": "multiple_choice", "prompt": "Which of these would you enjoy? Pick up to two.", "min_picks": 1, "max_picks": 2,
          "options": [
            { "key": "a", "label": "Mentoring a new colleague", "weights": { "people": 1 } },
            { "key": "b", "label": "A pension plan", "weights": { "security": 1 } },
            { "key": "c", "label": "Planning a team event", "weights": { "people": 1 } } ] }
      ]
    },
    {
      "title": "Priorities",
      "questions": [
        { "type": "scale", "prompt": "How important is a predictable schedule?", "min": 0, "max": 10, "step": 1,
          "min_label": "Not at all", "max_label": "Essential", "weights": { "security": 0.5 } },
        { "type": "ranking", "prompt": "Rank these from most to least important.",
          "options": [
            { "key": "pay", "label": "Steady pay", "weights": { "security": 1 } },
            { "key": "team", "label": "A team I like", "weights": { "people": 1 } },
            { "key": "growth", "label": "Room to grow" } ] },
        { "type": "free_text", "prompt": "Anything else you want your mentor to know?", "required": false, "max_length": 500 }
      ]
    }
  ]
}
"#;

/// A version in the authoring list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoringRow {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub version: i32,
    pub status: String,
    /// None: built in (every organization sees it).
    pub organization: Option<String>,
    pub results: i64,
    pub updated_on: String,
    pub editable: bool,
}

/// What the editor opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorState {
    /// The draft being edited; None: nothing saved yet (a new draft is created on save).
    pub draft_id: Option<Uuid>,
    pub status: String,
    pub version: i32,
    pub definition: String,
    pub built_in: bool,
}

/// Every version the administrator may see: their organization's (platform admins: all).
#[server(endpoint = "authoring_list")]
pub async fn authoring_list() -> Result<Vec<AuthoringRow>, AppError> {
    async move {
        let user = crate::accounts::session::require_admin().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let rows: Vec<(Uuid, String, String, i32, String, Option<Uuid>, Option<String>, i64, chrono::DateTime<chrono::Utc>)> =
            sqlx::query_as(
                "select a.id, a.slug::text, a.title, a.version, a.status::text, a.organization_id, o.name, \
                        (select count(*) from assessment_results r where r.assessment_id = a.id and r.status = 'completed'), \
                        a.updated_at \
                   from assessments a left join organizations o on o.id = a.organization_id \
                  where a.deleted_at is null \
                  order by a.organization_id nulls first, a.slug, a.version desc",
            )
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let platform = user.role == crate::domain::Role::Admin;
        Ok(rows
            .into_iter()
            .map(|(id, slug, title, version, status, org_id, organization, results, updated)| AuthoringRow {
                id,
                slug,
                title,
                version,
                status,
                editable: platform || org_id == Some(user.org_id),
                organization,
                results,
                updated_on: updated.format("%-d %B %Y").to_string(),
            })
            .collect())
    }
    .await
    .map_err(AppError::respond)
}

/// Opens a version in the editor. A published or archived version opens as the starting point
/// of a new draft (or the existing draft of that assessment, if there is one).
#[server(endpoint = "authoring_open")]
pub async fn authoring_open(id: Option<Uuid>) -> Result<EditorState, AppError> {
    async move {
        let user = crate::accounts::session::require_admin().await?;
        let Some(id) = id else {
            return Ok(EditorState {
                draft_id: None,
                status: "new".into(),
                version: 1,
                definition: TEMPLATE.to_string(),
                built_in: user.role == crate::domain::Role::Admin,
            });
        };
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        let version = super::store::version_by_id(&mut tx, id).await?;
        let draft: Option<Uuid> = if version.status == "draft" {
            Some(version.id)
        } else {
            sqlx::query_scalar(
                "select id from assessments where slug = $1 and status = 'draft' and deleted_at is null \
                   and organization_id is not distinct from $2",
            )
            .bind(&version.slug)
            .bind(version.organization_id)
            .fetch_optional(&mut *tx)
            .await?
        };
        let opened = match draft {
            Some(draft) if draft != version.id => super::store::version_by_id(&mut tx, draft).await?,
            _ => version,
        };
        tx.commit().await?;
        let definition = serde_json::to_string_pretty(&opened.definition()).map_err(|_| AppError::Internal)?;
        Ok(EditorState {
            draft_id: (opened.status == "draft").then_some(opened.id),
            status: opened.status.clone(),
            version: opened.version,
            definition,
            built_in: opened.organization_id.is_none(),
        })
    }
    .await
    .map_err(AppError::respond)
}

/// Saves a definition as a draft: the given draft is replaced, or a new draft version is made
/// (the next version number of that assessment). Redirects to the draft's editor.
#[server(endpoint = "authoring_save")]
pub async fn authoring_save(draft_id: Option<Uuid>, definition: String) -> Result<Uuid, AppError> {
    async move {
        let user = crate::accounts::session::require_admin().await?;
        let parsed = Definition::parse_json(&definition).map_err(|errors| AppError::invalid(errors.to_string()))?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        // Platform administrators author the built-in instruments; organization admins their own.
        let organization = if user.role == crate::domain::Role::Admin { None } else { Some(user.org_id) };
        let metadata = serde_json::json!({ "notice": parsed.notice });
        let scoring = serde_json::to_value(&parsed.scoring).map_err(|_| AppError::Internal)?;
        let id = match draft_id {
            Some(id) => {
                let updated = sqlx::query_scalar::<_, Uuid>(
                    "update assessments set slug = $2, title = $3, description = $4, estimated_minutes = $5, \
                            metadata = metadata || $6, scoring = $7 \
                      where id = $1 and status = 'draft' and deleted_at is null returning id",
                )
                .bind(id)
                .bind(&parsed.slug)
                .bind(parsed.title.trim())
                .bind(&parsed.description)
                .bind(parsed.estimated_minutes.map(|m| m as i32))
                .bind(&metadata)
                .bind(&scoring)
                .fetch_optional(&mut *tx)
                .await
                .map_err(slug_conflict)?;
                let id = updated.ok_or_else(|| {
                    AppError::Conflict("That draft has been published or removed since you opened it. Open the assessment again to start a new draft.".into())
                })?;
                sqlx::query("delete from assessment_questions where assessment_id = $1").bind(id).execute(&mut *tx).await?;
                id
            }
            None => {
                let next: i32 = sqlx::query_scalar(
                    "select coalesce(max(version), 0) + 1 from assessments \
                      where slug = $1 and organization_id is not distinct from $2",
                )
                .bind(&parsed.slug)
                .bind(organization)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query_scalar(
                    "insert into assessments (organization_id, slug, version, title, description, estimated_minutes, \
                                              metadata, scoring, created_by) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
                )
                .bind(organization)
                .bind(&parsed.slug)
                .bind(next)
                .bind(parsed.title.trim())
                .bind(&parsed.description)
                .bind(parsed.estimated_minutes.map(|m| m as i32))
                .bind(&metadata)
                .bind(&scoring)
                .bind(user.user_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(slug_conflict)?
            }
        };
        insert_questions(&mut tx, id, &parsed.numbered()).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/assessments/{id}"));
        Ok(id)
    }
    .await
    .map_err(AppError::respond)
}

#[cfg(feature = "ssr")]
fn slug_conflict(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        if db.code().as_deref() == Some("23505") {
            return AppError::Conflict(
                "There is already a draft of an assessment with this slug: open it from the list to keep editing, or choose another slug."
                    .into(),
            );
        }
    }
    AppError::from(error)
}

/// Writes a version's questions (used by authoring and by the built-in loader's tests).
#[cfg(feature = "ssr")]
pub async fn insert_questions(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    assessment_id: Uuid,
    questions: &[NumberedQuestion],
) -> Result<(), AppError> {
    for numbered in questions {
        let (kind, options, scoring) = numbered.question.to_stored();
        sqlx::query(
            "insert into assessment_questions (assessment_id, position, section, prompt, question_type, required, options, scoring) \
             values ($1, $2, $3, $4, $5::question_type, $6, $7, $8)",
        )
        .bind(assessment_id)
        .bind(numbered.position as i32)
        .bind(&numbered.section)
        .bind(numbered.question.prompt.trim())
        .bind(kind)
        .bind(numbered.question.required)
        .bind(options)
        .bind(scoring)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Publishes a draft: the published version of the same assessment is archived in the same
/// transaction, so people start the new version from now on while earlier results keep theirs.
#[server(endpoint = "authoring_publish")]
pub async fn authoring_publish(draft_id: Uuid) -> Result<(), AppError> {
    async move {
        let user = crate::accounts::session::require_admin().await?;
        let pool = crate::db::pool()?;
        let mut tx = crate::db::tx(&pool, &user.ctx()).await?;
        // Loading checks the stored definition once more before anyone can take it.
        let draft = super::store::version_by_id(&mut tx, draft_id).await?;
        if draft.status != "draft" {
            return Err(AppError::Conflict("Only a draft can be published; this version already was.".into()));
        }
        sqlx::query(
            "update assessments set status = 'archived' \
              where slug = $1 and organization_id is not distinct from $2 and status = 'published' and deleted_at is null",
        )
        .bind(&draft.slug)
        .bind(draft.organization_id)
        .execute(&mut *tx)
        .await?;
        let published = sqlx::query("update assessments set status = 'published', published_at = now() where id = $1")
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        if published.rows_affected() != 1 {
            return Err(AppError::Forbidden);
        }
        tx.commit().await?;
        leptos_axum::redirect(&format!("/assessments/{}", draft.slug));
        Ok(())
    }
    .await
    .map_err(AppError::respond)
}

/// `/admin/assessments`: every version, with links to edit, preview and publish.
#[component]
pub fn AssessmentsAdminPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| authoring_list());
    view! {
        <PageMeta title="Assessments" description="Create, edit, preview and publish assessments." path="/admin/assessments"/>
        <RequireAdmin children=move |_user| {
            view! {
                <section class="page wide" aria-labelledby="page-heading">
                    <AdminNav/>
                    <h1 id="page-heading">"Assessments"</h1>
                    <p><A href="/admin/assessments/new" attr:class="button">"New assessment"</A></p>
                    <Transition fallback=|| view! { <p class="loading">"Loading assessments…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <ErrorMessages errors/> }>
                            {move || Suspend::new(async move {
                                rows.await.map(|rows| view! {
                                    <table class="data-table">
                                        <caption class="visually-hidden">"Assessment versions"</caption>
                                        <thead><tr>
                                            <th scope="col">"Assessment"</th><th scope="col">"Version"</th><th scope="col">"Status"</th>
                                            <th scope="col">"Owner"</th><th scope="col">"Results"</th><th scope="col">"Updated"</th><th scope="col">"Actions"</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.into_iter().map(|row| {
                                                let action = if !row.editable {
                                                    view! { <span class="muted">"Built in"</span> }.into_any()
                                                } else if row.status == "draft" {
                                                    view! { <A href=format!("/admin/assessments/{}", row.id)>{format!("Edit draft of {}", row.title)}</A> }.into_any()
                                                } else {
                                                    view! { <A href=format!("/admin/assessments/{}", row.id)>{format!("New version of {}", row.title)}</A> }.into_any()
                                                };
                                                view! {
                                                    <tr>
                                                        <th scope="row">{row.title.clone()}<br/><span class="muted">{row.slug.clone()}</span></th>
                                                        <td>{row.version}</td>
                                                        <td>{row.status.clone()}</td>
                                                        <td>{row.organization.clone().unwrap_or_else(|| "Built in".into())}</td>
                                                        <td>{row.results}</td>
                                                        <td>{row.updated_on.clone()}</td>
                                                        <td>{action}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                })
                            })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

/// `/admin/assessments/new` and `/admin/assessments/:id`: the editor with a live preview.
#[component]
pub fn AssessmentEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<Uuid>().ok());
    let state = Resource::new(id, authoring_open);
    view! {
        <PageMeta title="Edit assessment" description="Write, check, preview and publish an assessment." path="/admin/assessments"/>
        <RequireAdmin children=move |_user| {
            view! {
                <section class="page wide" aria-labelledby="page-heading">
                    <AdminNav/>
                    <Transition fallback=|| view! { <p class="loading">"Loading the editor…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Edit assessment"</h1><ErrorMessages errors/> }>
                            {move || Suspend::new(async move { state.await.map(|state| view! { <Editor state/> }) })}
                        </ErrorBoundary>
                    </Transition>
                </section>
            }
        }/>
    }
}

#[component]
fn Editor(state: EditorState) -> impl IntoView {
    let save = ServerAction::<AuthoringSave>::new();
    let publish = ServerAction::<AuthoringPublish>::new();
    let source = RwSignal::new(state.definition.clone());
    let checked = Memo::new(move |_| source.with(|text| Definition::parse_json(text)));
    let heading = match (state.draft_id, state.status.as_str()) {
        (None, "new") => "New assessment".to_string(),
        (None, _) => format!("New draft from version {}", state.version),
        (Some(_), _) => format!("Draft: version {}", state.version),
    };
    let draft_id = state.draft_id;
    view! {
        <h1 id="page-heading">{heading}</h1>
        <p>
            "Write the assessment as JSON: its slug, title, description, scoring (method "<code>"sum"</code>", "<code>"mean"</code>" or "
            <code>"normalised"</code>", the dimensions, the code length and optional bands) and sections of questions of the types "
            <code>"likert"</code>", "<code>"single_choice"</code>", "<code>"multiple_choice"</code>", "<code>"scale"</code>", "
            <code>"ranking"</code>" and "<code>"free_text"</code>". Weights name dimensions; "<code>"\"reverse\": true"</code>
            " mirrors a Likert or scale item. It is checked and previewed as you type; saving keeps a draft, and publishing makes it the version people take."
        </p>
        {state.built_in.then(|| view! { <p class="info-box">"This is a built-in assessment: publishing it changes it for every organization."</p> })}
        <ActionOutcome value=move || save.value().get().map(|r| r.map(|_| ())) success="Draft saved."/>
        <ActionOutcome value=move || publish.value().get() success="Published."/>
        <div class="editor">
            <ActionForm action=save attr:class="editor-form">
                {draft_id.map(|id| view! { <input type="hidden" name="draft_id" value=id.to_string()/> })}
                <div class="field">
                    <label for="definition">"Definition"</label>
                    <textarea id="definition" name="definition" rows="30" spellcheck="false" class="code-input"
                        aria-describedby="definition-check"
                        on:input=move |ev| source.set(event_target_value(&ev))>{crate::ui::textarea_text(state.definition.clone())}</textarea>
                </div>
                <div id="definition-check" role="status" aria-live="polite">
                    {move || match checked.get() {
                        Ok(definition) => view! {
                            <p class="success-box">{format!("Looks good: {} questions measuring {}.", definition.numbered().len(),
                                definition.scoring.dimensions.iter().map(|d| d.label.clone()).collect::<Vec<_>>().join(", "))}</p>
                        }.into_any(),
                        Err(errors) => view! {
                            <div class="error-box"><p><strong>"This definition needs changes before it can be saved:"</strong></p>
                                <ul>{errors.0.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></div>
                        }.into_any(),
                    }}
                </div>
                <button type="submit" class="button">"Save draft"</button>
            </ActionForm>
            {draft_id.map(|id| view! {
                <ActionForm action=publish attr:class="publish-form">
                    <input type="hidden" name="draft_id" value=id.to_string()/>
                    <button type="submit" class="button button--secondary">"Publish this draft"</button>
                </ActionForm>
            })}
        </div>
        <section class="preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="muted">"How people will see the questions. Answers here aren't saved."</p>
            {move || match checked.get() {
                Ok(definition) => view! {
                    <div class="preview-body">
                        <h3>{definition.title.clone()}</h3>
                        <p>{definition.description.clone()}</p>
                        <form class="take-form" aria-label="Preview of the questions" on:submit=|ev| ev.prevent_default()>
                            {definition.numbered().into_iter().map(|numbered| view! {
                                <QuestionField numbered answer=None missing=false/>
                            }).collect_view()}
                        </form>
                    </div>
                }.into_any(),
                Err(_) => view! { <p>"The preview appears when the definition has no problems."</p> }.into_any(),
            }}
        </section>
    }
}
