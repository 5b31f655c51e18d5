//! HTTP handlers: thin (extract → call domain → DTO). `configure` registers everything under
//! `/api/v1` so that utoipa collects it into the spec.

pub mod admin;
pub mod analytics;
pub mod api_keys;
pub mod ats;
pub mod audit;
pub mod auth;
pub mod candidate;
pub mod candidates;
pub mod catalogue;
pub mod client_users;
pub mod clients;
pub mod credit_orders;
pub mod csv;
pub mod custom_hosts;
pub mod exports;
pub mod extract;
pub mod idempotency;
pub mod mail_texts;
pub mod ops;
pub mod prices;
pub mod privacy;
pub mod problem;
pub mod projects;
pub mod public;
pub mod reseller;
pub mod spa;
pub mod statements;
pub mod upload;
pub mod webhooks;

use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // Before the `{id}` routes, which would take `export.csv` for an id.
    cfg.service(exports::export_candidates)
        .service(exports::export_clients)
        .service(exports::export_client_users)
        .service(exports::export_resellers);
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::password_set)
        .service(auth::password_forgot)
        .service(auth::email_confirm)
        .service(auth::me)
        .service(api_keys::token)
        .service(api_keys::list)
        .service(api_keys::create)
        .service(api_keys::revoke)
        .service(webhooks::list)
        .service(webhooks::create)
        .service(webhooks::delete)
        .service(webhooks::deliveries)
        .service(webhooks::redeliver)
        .service(webhooks::send_test)
        .service(ats::list_connectors)
        .service(ats::create_connector)
        .service(ats::update_connector)
        .service(ats::disable_connector)
        .service(ats::greenhouse_list_tests)
        .service(ats::greenhouse_send_test)
        .service(ats::greenhouse_test_status)
        .service(ats::greenhouse_response_error)
        .service(ats::workable_tests)
        .service(ats::workable_create_assessment)
        .service(ats::workable_get_assessment)
        .service(auth::change_password)
        .service(auth::my_branding)
        .service(client_users::end_impersonation)
        .service(admin::list_brands)
        .service(admin::create_brand)
        .service(admin::get_brand)
        .service(admin::update_brand)
        .service(admin::put_brand_logo)
        .service(admin::list_resellers)
        .service(admin::create_reseller)
        .service(admin::get_reseller)
        .service(admin::update_reseller)
        .service(admin::list_reseller_users)
        .service(admin::create_reseller_user)
        .service(prices::list_prices)
        .service(prices::create_price)
        .service(prices::delete_price)
        .service(catalogue::list_catalogue)
        .service(catalogue::update_catalogue_test)
        .service(statements::get_default_price)
        .service(statements::set_default_price)
        .service(statements::get_client_price)
        .service(statements::set_client_price)
        .service(statements::get_statement)
        .service(statements::statement_csv)
        .service(statements::get_margins)
        .service(statements::margins_csv)
        .service(admin::get_settings)
        .service(admin::update_settings)
        .service(admin::list_invoices)
        .service(admin::issue_invoice)
        .service(admin::mark_invoice_paid)
        .service(admin::void_invoice)
        .service(reseller::list_brands)
        .service(reseller::list_reseller_users)
        .service(reseller::create_reseller_user)
        .service(reseller::get_reseller_user)
        .service(reseller::update_reseller_user)
        .service(reseller::delete_reseller_user)
        .service(mail_texts::list_mail_texts)
        .service(mail_texts::preview_mail_text)
        .service(mail_texts::send_test_mail_text)
        .service(mail_texts::get_mail_text)
        .service(mail_texts::set_mail_text)
        .service(mail_texts::reset_mail_text)
        .service(mail_texts::get_project_invitation_text)
        .service(mail_texts::set_project_invitation_text)
        .service(mail_texts::reset_project_invitation_text)
        .service(custom_hosts::get_custom_host)
        .service(custom_hosts::request_custom_host)
        .service(custom_hosts::withdraw_custom_host_request)
        .service(custom_hosts::remove_custom_host)
        .service(custom_hosts::check_custom_host)
        .service(custom_hosts::admin_get_custom_host)
        .service(custom_hosts::approve_custom_host)
        .service(custom_hosts::reject_custom_host)
        .service(custom_hosts::admin_check_custom_host)
        .service(custom_hosts::admin_remove_custom_host)
        .service(clients::client_defaults)
        .service(clients::list_clients)
        .service(clients::create_client)
        .service(clients::get_client)
        .service(clients::update_client)
        .service(clients::close_client)
        .service(clients::withdraw_client_closure)
        .service(clients::put_client_logo)
        .service(clients::delete_client_logo)
        .service(clients::client_ledger)
        .service(clients::create_credit_adjustment)
        .service(client_users::list_client_users)
        .service(client_users::create_client_user)
        .service(client_users::get_client_user)
        .service(client_users::update_client_user)
        .service(client_users::delete_client_user)
        .service(client_users::resend_welcome)
        .service(client_users::send_guide)
        .service(client_users::impersonate)
        .service(credit_orders::list_credit_orders)
        .service(credit_orders::export_credit_orders)
        .service(credit_orders::create_credit_order)
        .service(credit_orders::list_invoices)
        .service(credit_orders::get_invoice)
        .service(credit_orders::invoice_lines)
        .service(credit_orders::invoice_csv)
        .service(projects::list_tests)
        .service(projects::list_projects)
        .service(projects::create_project)
        .service(projects::get_project)
        .service(projects::update_project)
        .service(projects::project_results)
        .service(projects::project_results_csv)
        .service(projects::import_candidates)
        .service(projects::import_template)
        .service(candidates::list_candidates)
        .service(candidates::create_candidate)
        .service(candidates::get_candidate)
        .service(candidates::update_candidate)
        .service(candidates::invite_candidate)
        .service(candidates::resend_invitation)
        .service(candidates::cancel_invitation)
        .service(candidate::create_session)
        .service(candidate::me)
        .service(candidate::start)
        .service(candidate::save_answers)
        .service(candidate::submit)
        .service(audit::list_audit_events)
        .service(audit::list_changes)
        .service(privacy::get_retention_bounds)
        .service(privacy::set_retention_bounds)
        .service(privacy::get_reseller_retention)
        .service(privacy::set_reseller_retention)
        .service(privacy::get_client_retention)
        .service(privacy::set_client_retention)
        .service(privacy::erase_candidate)
        .service(privacy::export_candidate)
        .service(privacy::export_own_data)
        .service(privacy::candidate_privacy_notice)
        .service(privacy::give_consent)
        .service(privacy::get_client_privacy_notice)
        .service(privacy::set_client_privacy_notice)
        .service(public::branding)
        .service(public::logo)
        .service(analytics::reseller_usage)
        .service(analytics::reseller_usage_csv)
        .service(analytics::reseller_forecast)
        .service(analytics::reseller_forecast_csv)
        .service(analytics::reseller_funnel)
        .service(analytics::reseller_funnel_csv)
        .service(analytics::client_usage)
        .service(analytics::client_usage_csv)
        .service(analytics::client_funnel)
        .service(analytics::client_funnel_csv)
        .service(analytics::client_scores)
        .service(analytics::client_scores_csv)
        .service(analytics::admin_revenue)
        .service(analytics::admin_revenue_csv)
        .service(openapi_json);
}

/// This API's OpenAPI document (the same as `openapi.yaml`); on a reseller's custom host it is
/// titled with that host's product name and names no vendor.
#[utoipa::path(tag = "public", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
#[get("/openapi.json")]
pub async fn openapi_json(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> crate::error::ApiResult<HttpResponse> {
    // Never `connection_info()`: it believes `X-Forwarded-Host` from anyone.
    let host = crate::auth::extract::client_host(&req);
    let branding = state
        .db
        .run(move |conn| crate::domain::brands::branding_for_host(conn, host.as_deref()))
        .await?;
    // Built for each request (a few milliseconds, and rarely asked for) rather than kept: the
    // document's tree is megabytes the idle process would hold (`memory`).
    let mut spec = crate::openapi::spec();
    if branding.reseller_name.is_none() {
        return Ok(HttpResponse::Ok().json(&spec));
    }
    spec.info.title = format!("{} API", branding.brand.product_name.trim());
    spec.info.description = Some(
        "Every error is an RFC 9457 `application/problem+json` document with a stable `code`."
            .into(),
    );
    Ok(HttpResponse::Ok().json(&spec))
}
