//! The lowest CPU priority for the thread a search runs on. sqlx runs each
//! SQLite connection on a thread of its own, and a search that no index
//! narrows keeps that thread busy until its deadline: at the default
//! priority it took a whole core from the starts, claims and finishes
//! beside it (`bench-search`: starts 41 % slower beside 8 such searches).
//! At nice 19 it gets the CPU the engine leaves.

use std::cell::Cell;

thread_local! {
    static LOWERED: Cell<bool> = const { Cell::new(false) };
}

/// Gives the calling thread the lowest priority, once per thread. Called
/// from a search connection's progress handler, which runs on that
/// connection's own thread.
pub fn lower_this_thread() {
    LOWERED.with(|lowered| {
        if !lowered.replace(true) {
            set_nice();
        }
    });
}

/// Linux's nice value is per thread: `PRIO_PROCESS` with 0 names the
/// calling thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn set_nice() {
    // SAFETY: setpriority takes no pointers; lowering one's own priority is
    // always allowed and changes nothing but the scheduler's weight.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
    if done != 0 {
        tracing::debug!("could not lower a search thread's priority");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_nice() {}

#[cfg(test)]
mod tests {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_search_thread_runs_at_the_lowest_priority_and_others_do_not() {
        let searched = std::thread::spawn(|| {
            super::lower_this_thread();
            super::lower_this_thread();
            // SAFETY: getpriority takes no pointers.
            #[allow(unsafe_code)]
            unsafe {
                libc::getpriority(libc::PRIO_PROCESS, 0)
            }
        });
        assert_eq!(searched.join().unwrap(), 19);
        #[allow(unsafe_code)]
        // SAFETY: as above.
        let here = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        assert_ne!(here, 19, "only the search's own thread is lowered");
    }
}
