//! The SPA's `admin` bundle (see `credence_shared::bundle`).

fn main() {
    credence_web::start_admin();
}
