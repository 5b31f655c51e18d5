//! The SPA's `client` bundle (see `credence_shared::bundle`).

fn main() {
    credence_web::start_client();
}
