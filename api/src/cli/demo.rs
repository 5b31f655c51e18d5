//! `credence seed-demo` (a CLI command, not a domain rule): on an empty database, demo logins (and data) so a newcomer sees a
//! living product. A database that already has users is left as it is.

use chrono::Datelike;
use credence_shared::admin::ResellerCreate;

use crate::auth::password;
use crate::config::Config;
use crate::db::Db;
use crate::domain::audit::AuditActor;
use crate::domain::links::Links;
use crate::domain::{brands, clients, invoices, orders, resale, resellers};
use credence_shared::resale::ResalePriceSet;
use credence_shared::reseller::ClientCreate;
use credence_shared::{CreditOrderKind, Role};

pub const ADMIN_EMAIL: &str = "admin@credence.local";
pub const ADMIN_PASSWORD: &str = "credence-admin-demo";
pub const RESELLER_EMAIL: &str = "reseller@credence.local";
pub const RESELLER_PASSWORD: &str = "credence-reseller-demo";
pub const CLIENT_EMAIL: &str = "client@credence.local";
pub const CLIENT_PASSWORD: &str = "credence-client-demo";

/// Returns the text to print: the logins, or why nothing was done.
pub fn seed(config: &Config) -> Result<String, String> {
    let db = Db::connect(&config.database_url, config.db_pool_size)?;
    let existing = crate::domain::users::count(&mut *db.get().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let logins = format!(
        "  vendor admin:  {ADMIN_EMAIL} / {ADMIN_PASSWORD}\n  reseller user: {RESELLER_EMAIL} / {RESELLER_PASSWORD}\n  client user:   {CLIENT_EMAIL} / {CLIENT_PASSWORD}\n"
    );
    if existing > 0 {
        return Ok(format!("The database already has users; demo data left unchanged. Demo logins (if seeded earlier):\n{logins}"));
    }
    let cost = config.password_hashing;
    let links = config.links();
    let platform = config.custom_hosts();
    let clock = config.billing_clock;
    db.transaction_blocking(|conn| {
        crate::domain::users::upsert_admin(
            conn,
            ADMIN_EMAIL,
            "Avery Admin",
            &password::hash(ADMIN_PASSWORD, cost),
        )?;
        let default_brand = brands::default_brand(conn)?;
        let reseller = resellers::create(
            conn,
            &AuditActor::system(),
            &ResellerCreate {
                name: "Demo Reseller Ltd".into(),
                contact_email: RESELLER_EMAIL.into(),
                discount_percent: Some(20.0),
                currency: "GBP".into(),
                custom_host: None,
                mail_from: None,
                brand_ids: vec![default_brand.id.clone()],
            },
            &platform,
        )?;
        let riley = active_user(
            conn,
            RESELLER_EMAIL,
            "Riley Reseller",
            "Account manager",
            Some(&reseller.id),
            None,
            RESELLER_PASSWORD,
            cost,
        )?;
        let actor = AuditActor {
            user_id: Some(riley),
            impersonator_id: None,
            ip: None,
        };
        // What the reseller charges its clients per credit, so statements and margins show money.
        resale::set_default(
            conn,
            &actor,
            &reseller.id,
            &ResalePriceSet {
                unit_price_minor: Some(800),
            },
        )?;
        // Last month: an order on an invoice that has been issued.
        let acme = clients::create(
            conn,
            &links,
            &clock,
            &actor,
            &reseller.id,
            &client(
                "Acme Recruitment",
                "Alex Morgan",
                "alex.morgan@acme.example",
                100,
            ),
        )?;
        // Acme joined last month: its client row, initial order, invoice line and ledger line
        // carry a date in that month, on the invoice issued at the month's end.
        let today = clock.now();
        let month_start = today
            .date()
            .with_day(1)
            .unwrap_or(today.date())
            .and_time(chrono::NaiveTime::MIN);
        let last_month_at = month_start - chrono::Duration::days(10);
        invoices::record_past_month(
            conn,
            &clock,
            &reseller.id,
            &acme.id,
            last_month_at,
            month_start + chrono::Duration::minutes(5),
        )?;
        // This month: more clients and orders on the open draft.
        let reseller_row = resellers::get(conn, &reseller.id)?;
        orders::place(
            conn,
            &links,
            &clock,
            &actor,
            &reseller_row,
            &acme,
            CreditOrderKind::Order,
            200,
            Some("Graduate scheme"),
            Some("PO-1042"),
        )?;
        let northwind = clients::create(
            conn,
            &links,
            &clock,
            &actor,
            &reseller.id,
            &client(
                "Northwind Logistics",
                "Sam Patel",
                "sam.patel@northwind.example",
                8,
            ),
        )?;
        let globex = clients::create(
            conn,
            &links,
            &clock,
            &actor,
            &reseller.id,
            &client("Globex Talent", "Jo Rivera", "jo.rivera@globex.example", 50),
        )?;
        active_user(
            conn,
            CLIENT_EMAIL,
            "Alex Morgan",
            "Talent acquisition lead",
            None,
            Some(&acme.id),
            CLIENT_PASSWORD,
            cost,
        )?;
        active_user(
            conn,
            "sam.patel@northwind.example",
            "Sam Patel",
            "HR manager",
            None,
            Some(&northwind.id),
            CLIENT_PASSWORD,
            cost,
        )?;
        active_user(
            conn,
            "jo.rivera@globex.example",
            "Jo Rivera",
            "Recruiter",
            None,
            Some(&globex.id),
            CLIENT_PASSWORD,
            cost,
        )?;
        seed_assessments(conn, &links, &actor, &acme)?;
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(format!("Demo data created. Sign in with:\n{logins}"))
}

fn client(name: &str, contact: &str, email: &str, credits: i64) -> ClientCreate {
    ClientCreate {
        name: name.into(),
        contact_name: contact.into(),
        contact_email: email.into(),
        initial_credits: Some(credits),
        ..ClientCreate::default()
    }
}

/// A user who can sign in straight away (demo data only: real users set their own password).
#[allow(clippy::too_many_arguments)]
fn active_user(
    conn: &mut crate::db::DbConnection,
    email: &str,
    name: &str,
    job_title: &str,
    reseller_id: Option<&str>,
    client_id: Option<&str>,
    password_plain: &str,
    cost: crate::config::PasswordHashing,
) -> Result<String, crate::error::ApiError> {
    crate::domain::users::create_active(
        conn,
        &crate::domain::users::NewUser {
            name,
            email,
            job_title: Some(job_title),
            role: if client_id.is_some() {
                Role::ClientUser
            } else {
                Role::Reseller
            },
            reseller_id: reseller_id.map(str::to_string),
            client_id: client_id.map(str::to_string),
            reseller_scope: None,
        },
        &password::hash(password_plain, cost),
    )
}

/// A project at Acme with candidates in every state: invited, in progress, completed (scored).
fn seed_assessments(
    conn: &mut crate::db::DbConnection,
    links: &Links,
    actor: &AuditActor,
    acme: &clients::ClientRow,
) -> Result<(), crate::error::ApiError> {
    use crate::domain::{candidates, catalogue, projects, test_area};
    use credence_shared::assess::{Answer, CandidateCreate, ProjectCreate, ProjectTestInput};

    let tenant = crate::domain::tenant::Tenant::Client {
        client_id: acme.id.clone(),
    };
    let tests = catalogue::list(conn)?;
    let pick = |category: &str| {
        tests
            .iter()
            .find(|t| t.category == category)
            .map(|t| ProjectTestInput {
                test_id: t.id.clone(),
                norm_group_id: t.norm_groups[1].id.clone(),
            })
    };
    let (project, _) = projects::create(
        conn,
        actor,
        &tenant,
        &ProjectCreate {
            name: "Graduate Scheme 2027".into(),
            description: Some("Online assessments for our 2027 graduate programme: numerical reasoning and a work personality questionnaire.".into()),
            tests: [pick("numerical"), pick("personality")].into_iter().flatten().collect(),
            access_key_enabled: Some(true),
            support_name: Some("Alex Morgan".into()),
            support_email: Some("alex.morgan@acme.example".into()),
            // Reports carry scores: only to a client user (Alex signs in as CLIENT_EMAIL).
            report_email: Some(CLIENT_EMAIL.into()),
            ..ProjectCreate::default()
        },
    )?;
    // (first, last, email, correct numerical answers; None = invited only, Some(0) = in progress)
    let people = [
        ("Priya", "Shah", "priya.shah@example.com", Some(11usize)),
        ("Tom", "Becker", "tom.becker@example.com", Some(7)),
        ("Mei", "Lin", "mei.lin@example.com", Some(0)),
        ("Jonas", "Berg", "jonas.berg@example.com", None),
    ];
    for (i, (first, last, email, correct)) in people.into_iter().enumerate() {
        let candidate = candidates::create_and_invite(
            conn,
            links,
            actor,
            &tenant,
            &CandidateCreate {
                project_id: project.id.clone(),
                first_name: first.into(),
                last_name: last.into(),
                email: email.into(),
                ..CandidateCreate::default()
            },
        )?;
        let Some(correct) = correct else { continue };
        let (who, list) = test_area::assessments_of_candidate(conn, &candidate.id)?;
        // The demo candidate read the privacy notice and confirmed it, as a real one must.
        test_area::consent(conn, &who, None, None)?;
        for (assessment_id, test_id) in list {
            test_area::start(conn, &who, &assessment_id)?;
            if correct == 0 {
                break; // in progress: started the first test only
            }
            let mut answers = Vec::new();
            let key = catalogue::answer_key(conn, &test_id)?;
            for (n, item) in key.into_iter().enumerate() {
                let (question_id, right, options) =
                    (item.id, item.correct_option_id, item.option_ids);
                let option_id = match right {
                    Some(c) if n < correct => c,
                    Some(c) => options.iter().find(|o| **o != c).cloned().unwrap_or(c),
                    // Personality: a varied, plausible profile.
                    None => options[(n * 3 + i) % options.len().max(1)].clone(),
                };
                answers.push(Answer {
                    question_id,
                    option_id,
                });
            }
            test_area::save_answers(conn, &who, &assessment_id, &answers)?;
            test_area::submit(conn, links, &assessment_id)?;
        }
    }
    Ok(())
}
