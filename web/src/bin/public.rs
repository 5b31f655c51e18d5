//! The SPA's `public` bundle (see `credence_shared::bundle`).

fn main() {
    credence_web::start_public();
}
