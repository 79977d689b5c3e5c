//! The operating-system calls that std does not wrap, in one place, and
//! the only module with `unsafe`. Each function says which platforms it
//! serves; elsewhere it gives a safe answer, so that the macOS and Windows
//! release builds compile and run (with the feature it serves degraded, as
//! said below). A leaf: it imports nothing from the stages.
//!
//! Every `unsafe` block is one libc call that only reads the arguments it
//! is given or writes the struct it is handed.

use std::path::Path;

/// Swap two directories in one step (`renameat2` with `RENAME_EXCHANGE`):
/// Linux only. Elsewhere an error, and `output` falls back to two renames
/// (a moment without an output directory, never a half-written one).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings for the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange on this system"))
}

/// Whether process `pid` still runs (`kill(pid, 0)`): Unix (Linux, macOS).
/// Elsewhere always true, so a stale staging folder is left in place
/// rather than removed from under a build that may still be writing it.
#[cfg(unix)]
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
pub fn process_alive(_pid: i32) -> bool {
    true
}

/// CPU time of the calling thread, in nanoseconds: Unix. Elsewhere 0 (the
/// `LABSITE_TIMINGS` figures then show wall time only).
#[cfg(unix)]
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the struct it is given.
    if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[cfg(not(unix))]
pub fn thread_cpu_ns() -> u64 {
    0
}

/// User + system CPU time of this process so far (every thread), in
/// milliseconds: Unix. Elsewhere 0.
#[cfg(unix)]
pub fn process_cpu_ms() -> f64 {
    // SAFETY: an all-zero rusage is a valid value of the plain C struct,
    // and getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

#[cfg(not(unix))]
pub fn process_cpu_ms() -> f64 {
    0.0
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reaped_child_is_not() {
        assert!(process_alive(std::process::id() as i32));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        child.wait().unwrap();
        assert!(!process_alive(pid));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_directories() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        exchange(&a, &b).unwrap();
        assert!(b.join("x").exists() && !a.join("x").exists());
    }
}
