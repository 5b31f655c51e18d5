//! How the process asks the allocator to hand memory back.
//!
//! Every login hashes a password with Argon2, which allocates its whole memory cost (19 MiB)
//! at once and frees it at the end. glibc's malloc serves a block that big with `mmap` and
//! gives it back on `free` — but the first such `free` also raises the mmap threshold to the
//! block's size, so from then on every hash is carved from a thread's heap arena and the
//! 19 MiB stay resident in each arena that ever hashed: the idle process grows by that much
//! for every blocking thread that served a login. A fixed threshold keeps big blocks on
//! `mmap` (returned at once), and a bound on arenas keeps the many blocking threads from each
//! holding a heap of their own; freed pages inside the heaps go back every minute (`trim`).
//! Other platforms and allocators are left as they are.

/// Blocks from this size up are mapped and unmapped on their own, whatever was freed before.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 256 * 1024;

/// Heap arenas shared by all threads (glibc's default is eight per core).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: i32 = 2;

/// Sets the allocator's policy; call once, before the server starts its threads.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's parameters; it is called before other threads
    // allocate, and a rejected value (0 returned) leaves the default in place.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

/// Gives the freed pages of every heap arena back to the system (`malloc_trim`): building the
/// server leaves megabytes of start-up garbage (each worker builds its routes and a copy of the
/// OpenAPI tree, then drops it), and a burst of load leaves more.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it takes malloc's own locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Trims soon after start (once the workers have built their apps), then every `every`.
pub async fn trim_periodically(every: std::time::Duration) {
    actix_web::rt::time::sleep(std::time::Duration::from_secs(2)).await;
    loop {
        trim();
        actix_web::rt::time::sleep(every).await;
    }
}
