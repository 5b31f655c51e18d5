//! The projects and candidates tables of the list pages (both portals).

use credence_shared::assess::{Candidate, Project};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::widgets::TableScroll;
use crate::format;

use super::{CandidateStatus, Portal, ProjectStatus};

/// The projects table of the list pages (both portals; the Client column for resellers).
#[component]
pub fn ProjectTable(items: Vec<Project>, portal: Portal) -> impl IntoView {
    let base = portal.base();
    view! {
        <TableScroll label="Projects">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        {portal.is_reseller().then(|| view! { <th scope="col">"Client"</th> })}
                        <th scope="col">"Tests"</th>
                        <th scope="col" class="num">"Credits per invitation"</th>
                        <th scope="col" class="num">"Candidates"</th>
                        <th scope="col" class="num">"Submitted"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|p| {
                            let tests = p.tests.iter().map(|t| t.test_name.clone()).collect::<Vec<_>>().join(", ");
                            let client = p.client_name.clone();
                            let name = p.name.clone();
                            let data_name = p.name.clone();
                            let href = format!("{base}/projects/{}", p.id);
                            view! {
                                <tr data-testid="project-row" data-name=data_name>
                                    <td><A href=href>{name}</A></td>
                                    {portal.is_reseller().then(|| view! { <td data-testid="project-client">{client}</td> })}
                                    <td class="small">{tests}</td>
                                    <td class="num" data-testid="project-row-cost">{p.credit_cost}</td>
                                    <td class="num">{p.candidate_count}</td>
                                    <td class="num">{p.completed_count}</td>
                                    <td><ProjectStatus project=p.clone() testid="project-row-status" /></td>
                                    <td class="nowrap">{format::date(&p.created_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// The candidates table of the list pages. Never shows scores (the detail page does, for clients).
#[component]
pub fn CandidateTable(items: Vec<Candidate>, portal: Portal) -> impl IntoView {
    let base = portal.base();
    view! {
        <TableScroll label="Candidates">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        {portal.is_reseller().then(|| view! { <th scope="col">"Client"</th> })}
                        <th scope="col">"Projects"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last change"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|c| {
                            let mut projects: Vec<String> = Vec::new();
                            for i in &c.invitations {
                                if !projects.contains(&i.project_name) {
                                    projects.push(i.project_name.clone());
                                }
                            }
                            let client = c.client_name.clone();
                            view! {
                                <tr data-testid="candidate-row" data-email=c.email.clone()>
                                    <td class="nowrap">
                                        <A href=format!("{base}/candidates/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</A>
                                        {if c.anonymised_at.is_some() {
                                            Some(view! { <span class="badge badge-muted" data-testid="candidate-anonymised">"Anonymised"</span> }.into_any())
                                        } else {
                                            (!c.active).then(|| view! { <span class="badge badge-warn">"Deactivated"</span> }.into_any())
                                        }}
                                    </td>
                                    <td class="email">{c.email.clone()}</td>
                                    {portal.is_reseller().then(|| view! { <td data-testid="candidate-client">{client}</td> })}
                                    <td class="small">{projects.join(", ")}</td>
                                    <td><CandidateStatus status=c.status /></td>
                                    <td class="nowrap">{format::date(&c.created_at)}</td>
                                    <td class="nowrap">{format::date_time(&c.updated_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
