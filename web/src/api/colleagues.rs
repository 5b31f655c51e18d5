//! The signed-in reseller user's colleagues: list, add, edit, deactivate and reactivate.

use credence_shared::admin::{ResellerUserCreate, ResellerUserPatch};
use credence_shared::auth::User;
use credence_shared::Page;

use super::{enc, get, page_query, patch, post, ApiResult};

/// The signed-in reseller user's colleagues.
pub async fn list_colleagues(cursor: Option<&str>) -> ApiResult<Page<User>> {
    get(&format!("/reseller-users?{}", page_query(50, cursor))).await
}

pub async fn create_colleague(body: &ResellerUserCreate) -> ApiResult<User> {
    post("/reseller-users", body).await
}

pub async fn get_colleague(id: &str) -> ApiResult<User> {
    get(&format!("/reseller-users/{}", enc(id))).await
}

/// Rename, deactivate (their sessions end at once) or reactivate a colleague.
pub async fn patch_colleague(id: &str, body: &ResellerUserPatch) -> ApiResult<User> {
    patch(&format!("/reseller-users/{}", enc(id)), body).await
}
