//! `/admin/assessments` (every version) and the editor with its live preview.

use super::{authoring_list, authoring_open, AuthoringPublish, AuthoringSave, EditorState};
use crate::admin::AdminSection;
use crate::assessments::definition::{Definition, DefinitionErrors};
use crate::assessments::domain::{long_date, AssessmentStatus};
use crate::assessments::question_field::QuestionField;
use crate::ui::{ActionOutcome, ErrorMessages, PageMeta};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// `/admin/assessments`: every version, with links to edit, preview and publish.
#[component]
pub fn AssessmentsAdminPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| authoring_list());
    view! {
        <PageMeta title="Assessments" description="Create, edit, preview and publish assessments." path="/admin/assessments"/>
        <AdminSection heading=Some("Assessments")>
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
                                                } else if row.status == AssessmentStatus::Draft {
                                                    view! { <A href=format!("/admin/assessments/{}", row.id)>{format!("Edit draft of {}", row.title)}</A> }.into_any()
                                                } else {
                                                    view! { <A href=format!("/admin/assessments/{}", row.id)>{format!("New version of {}", row.title)}</A> }.into_any()
                                                };
                                                view! {
                                                    <tr>
                                                        <th scope="row">{row.title.clone()}<br/><span class="muted">{row.slug.clone()}</span></th>
                                                        <td>{row.version}</td>
                                                        <td>{row.status.as_str()}</td>
                                                        <td>{row.organization.clone().unwrap_or_else(|| "Built in".into())}</td>
                                                        <td>{row.results}</td>
                                                        <td>{long_date(row.updated_on)}</td>
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
        </AdminSection>
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
        <AdminSection heading=None>
                    <Transition fallback=|| view! { <p class="loading">"Loading the editor…"</p> }>
                        <ErrorBoundary fallback=|errors| view! { <h1 id="page-heading">"Edit assessment"</h1><ErrorMessages errors/> }>
                            {move || Suspend::new(async move { state.await.map(|state| view! { <Editor state/> }) })}
                        </ErrorBoundary>
                    </Transition>
        </AdminSection>
    }
}

#[component]
fn Editor(state: EditorState) -> impl IntoView {
    let save = ServerAction::<AuthoringSave>::new();
    let publish = ServerAction::<AuthoringPublish>::new();
    let source = RwSignal::new(state.definition.clone());
    let checked = Memo::new(move |_| source.with(|text| Definition::parse_json(text)));
    let heading = match (state.draft_id, state.status) {
        (None, None) => "New assessment".to_string(),
        (None, Some(_)) => format!("New draft from version {}", state.version),
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
        {preview(checked)}
    }
}

/// How people will see the questions, once the definition has no problems.
fn preview(checked: Memo<Result<Definition, DefinitionErrors>>) -> impl IntoView {
    view! {
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
