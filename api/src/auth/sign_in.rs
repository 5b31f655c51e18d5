//! Which account a password sign-in opens. One email may hold accounts in several tenants
//! (`domain::users::accounts`): the password is checked against each of them, and only the
//! accounts it opens count. One such account signs in; several ask which (409
//! `account_choice_required`, listing only those accounts) unless the request names one.
//!
//! Every attempt does the same work whatever the email: `MAX_ACCOUNTS_PER_EMAIL` password
//! checks (the accounts', then stand-ins against a dummy hash), so an unknown email, a wrong
//! password and an email with several accounts take as long as each other, and all fail alike
//! (`invalid_credentials`).

use actix_web::web;

use crate::auth::password;
use crate::auth::session::{invalid_credentials, may_sign_in};
use crate::db::DbConnection;
use crate::domain::users::{self, UserRow, MAX_ACCOUNTS_PER_EMAIL};
use crate::domain::{custom_hosts, sessions};
use crate::error::ApiError;
use crate::state::AppState;

/// The accounts with this email that this password opens and that may sign in at all.
pub async fn verified_accounts(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<Vec<UserRow>, ApiError> {
    let email = email.to_string();
    let accounts = state
        .db
        .run(move |conn| users::all_by_email(conn, &email))
        .await?;
    let stored: Vec<Option<String>> = accounts
        .iter()
        .map(|account| account.password_hash.clone())
        .collect();
    let dummy = state.dummy_password_hash.clone();
    let password = password.to_string();
    let opens = web::block(move || {
        (0..MAX_ACCOUNTS_PER_EMAIL)
            .map(|i| match stored.get(i) {
                Some(Some(hash)) => password::verify(&password, hash),
                // No account (or no password yet) here: the same work, never a match.
                _ => {
                    password::verify(&password, &dummy);
                    false
                }
            })
            .collect::<Vec<bool>>()
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(accounts
        .into_iter()
        .zip(opens)
        .filter(|(account, opens)| *opens && may_sign_in(account))
        .map(|(account, _)| account)
        .collect())
}

/// The account to open among those the password opened, signing in on `host`: the one named
/// by `wanted`, else the only one. An account whose organisation is closed or which the host
/// does not admit (`custom_hosts::admits`) is not among them; a `wanted` that is not among
/// them is a wrong password.
pub fn choose(
    conn: &mut DbConnection,
    verified: Vec<UserRow>,
    wanted: Option<&str>,
    host: Option<&str>,
) -> Result<UserRow, ApiError> {
    let mut open = Vec::with_capacity(verified.len());
    for account in verified {
        if sessions::organisation_open(conn, &account)?
            && custom_hosts::admits(conn, host, &account)?
        {
            open.push(account);
        }
    }
    if let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) {
        return open
            .into_iter()
            .find(|account| account.id == wanted)
            .ok_or_else(invalid_credentials);
    }
    match open.len() {
        0 => Err(invalid_credentials()),
        1 => Ok(open.remove(0)),
        _ => Err(ApiError::AccountChoice(
            open.iter()
                .map(|account| users::choice(conn, account))
                .collect::<Result<_, _>>()?,
        )),
    }
}
