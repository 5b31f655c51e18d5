//! The signed-in reseller user's colleagues.

use credence_shared::admin::ResellerUserCreate;
use credence_shared::auth::User;
use credence_shared::Page;

use super::{get, page_query, post, ApiResult};

/// The signed-in reseller user's colleagues.
pub async fn list_colleagues(cursor: Option<&str>) -> ApiResult<Page<User>> {
    get(&format!("/reseller-users?{}", page_query(50, cursor))).await
}

pub async fn create_colleague(body: &ResellerUserCreate) -> ApiResult<User> {
    post("/reseller-users", body).await
}
