//! tiny_http's connections, seen from outside: it holds a thread of its
//! pool per open connection, reading the connection's next request, and
//! it can queue a new connection (it hands work to a thread it counts as
//! idle before that thread wakes) until one of those threads' connections
//! ends. An event stream never sends another request, and a kept-alive
//! connection may sit idle for minutes, so with a few open pages a burst
//! of connections (tabs reconnecting and reloading at once) could wait
//! forever. Shutting such a socket for reading ends that read, and the
//! thread goes back to the pool; writing (an event stream, a response
//! still going out) is not affected.
//!
//! tiny_http does not hand out its sockets: they are found among the
//! process's open files (Linux only; elsewhere nothing is done).

use std::net::SocketAddr;
use std::time::Duration;

/// A connection that has sent nothing for this long is closed for reading
/// (for a kept-alive connection the client sees the server close it, as
/// servers do).
pub const IDLE: Duration = Duration::from_secs(2);

/// Stop reading the connection to `peer` (an event stream: no request
/// follows).
pub fn stop_reading_from(peer: SocketAddr) {
    #[cfg(target_os = "linux")]
    linux::each_connection(|fd, _, remote| {
        if remote == peer {
            linux::stop_reading(fd);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = peer;
}

/// Stop reading the connections accepted on `port` that have received
/// nothing for [`IDLE`].
pub fn close_idle(port: u16) {
    #[cfg(target_os = "linux")]
    linux::each_connection(|fd, local, _| {
        if local.port() == port && linux::idle_for(fd).is_some_and(|d| d >= IDLE) {
            linux::stop_reading(fd);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = port;
}

#[cfg(target_os = "linux")]
mod linux {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
    use std::time::Duration;

    fn to_std(addr: &libc::sockaddr_storage) -> Option<SocketAddr> {
        match addr.ss_family as libc::c_int {
            libc::AF_INET => {
                // SAFETY: the family says it is a sockaddr_in.
                let a = unsafe {
                    &*(addr as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>()
                };
                Some(SocketAddr::from((
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                )))
            }
            libc::AF_INET6 => {
                // SAFETY: the family says it is a sockaddr_in6.
                let a = unsafe {
                    &*(addr as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
                };
                Some(SocketAddr::from((
                    Ipv6Addr::from(a.sin6_addr.s6_addr),
                    u16::from_be(a.sin6_port),
                )))
            }
            _ => None,
        }
    }

    type NameFn =
        unsafe extern "C" fn(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int;

    fn name(fd: i32, f: NameFn) -> Option<SocketAddr> {
        // SAFETY: sockaddr_storage is plain data, large enough for any
        // address; `f` writes at most `len` bytes into it.
        let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        let rc = unsafe {
            f(
                fd,
                (&mut addr as *mut libc::sockaddr_storage).cast(),
                &mut len,
            )
        };
        if rc == 0 { to_std(&addr) } else { None }
    }

    /// Every connected TCP socket of this process: (fd, local, peer).
    pub fn each_connection(mut f: impl FnMut(i32, SocketAddr, SocketAddr)) {
        let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
            return;
        };
        for entry in fds.flatten() {
            let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let is_socket = std::fs::read_link(entry.path())
                .is_ok_and(|t| t.to_string_lossy().starts_with("socket:"));
            if !is_socket {
                continue;
            }
            if let (Some(peer), Some(local)) =
                (name(fd, libc::getpeername), name(fd, libc::getsockname))
            {
                f(fd, local, peer);
            }
        }
    }

    /// How long ago the connection last received data (the kernel's count).
    pub fn idle_for(fd: i32) -> Option<Duration> {
        // SAFETY: tcp_info is plain data; getsockopt writes at most `len`
        // bytes into it.
        let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        (rc == 0).then(|| Duration::from_millis(u64::from(info.tcpi_last_data_recv)))
    }

    pub fn stop_reading(fd: i32) {
        // SAFETY: shutting one direction of a socket of this process; a
        // descriptor reused since it was listed is at worst another
        // connection of the same server shut for reading.
        unsafe { libc::shutdown(fd, libc::SHUT_RD) };
    }
}
