//! The SPA's `reseller` bundle (see `credence_shared::bundle`).

fn main() {
    credence_web::start_reseller();
}
