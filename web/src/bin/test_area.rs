//! The SPA's `test-area` bundle (see `credence_shared::bundle`).

fn main() {
    credence_web::start_test_area();
}
