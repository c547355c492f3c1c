//! Allocator and kernel knobs, set once at the start of the process by the
//! binary (`main.rs`, which also declares mimalloc as the global allocator:
//! the analysis allocates many small strings and trees across threads, and
//! glibc's allocator spent about a fifth of the run time in malloc/free
//! there, benches/README.md). The library's own users (tests, benches) keep
//! their allocator and these defaults.
#![allow(unsafe_code)]

/// Sets every knob below.
pub fn tune() {
    no_huge_pages();
    purge_soon();
}

/// No transparent huge pages for this process. The allocator asks the kernel
/// for huge pages on its arenas; with the kernel's usual `defrag = madvise`,
/// each first touch of one then zeroes (and may compact) 2 MB. On the bench
/// corpus that was a quarter of the run (system time 1.2 to 2 s of 5 s at one
/// thread, against 0.4 s without) and 70 MB more peak memory (benches/README.md).
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    let zero: libc::c_ulong = 0;
    // SAFETY: prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) only sets a flag of this
    // process; a kernel that does not know it returns an error, ignored here.
    unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            1 as libc::c_ulong,
            zero,
            zero,
            zero,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

/// mimalloc's `mi_option_purge_delay`: 15 in the `mi_option_e` enum of the
/// mimalloc v3 sources libmimalloc-sys builds
/// (`c_src/mimalloc/v3/include/mimalloc.h`), the version Cargo.lock pins;
/// libmimalloc-sys's `extended` bindings name the options around it but not
/// this one.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system after 1 ms instead of mimalloc's
/// default 10 ms. When every root's resources are gathered into one list, the
/// default kept the per-root lists resident next to the new one (about 80 MB
/// more peak memory on the bench corpus). Purging at once (0) keeps the
/// peak lowest but makes every freed page a system call and a new page
/// fault later: on the bench corpus, 0 ms gave 189 MB and 0.99 s at two
/// threads, 1 ms 200 MB and 0.93 s, 10 ms 205 to 225 MB and 0.92 to 1.01 s
/// (benches/README.md).
fn purge_soon() {
    const PURGE_DELAY_MS: libc::c_long = 1;
    // SAFETY: sets one option of the allocator this binary links; options
    // may be set at any time and only tune when memory is returned.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}
