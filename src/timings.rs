//! Phase timings for profiling, printed to stderr when `LABSITE_TIMINGS` is
//! set and silent otherwise. Only the orchestrator marks phases: survey,
//! gate and render code carry no clocks. Each mark reads the wall clock and
//! the process's CPU time once, so a build makes a handful of these system
//! calls, not one per page (thread CPU time is never served by the vDSO:
//! reading it per item cost 277,000 system calls at 10,000 labs).
//!
//! The CPU clocks are read through `platform` (Unix; zero elsewhere).

use std::time::Instant;

/// The phases of one build, in order.
pub struct Phases {
    on: bool,
    last: Instant,
    last_cpu_ms: f64,
    /// Name, wall time in microseconds, process CPU time in milliseconds.
    marks: Vec<(&'static str, u128, f64)>,
}

impl Phases {
    /// Starts the first phase; off (and free) unless `LABSITE_TIMINGS` is set.
    pub fn start() -> Phases {
        let on = std::env::var_os("LABSITE_TIMINGS").is_some();
        Phases {
            on,
            last: Instant::now(),
            last_cpu_ms: if on { process_cpu_ms() } else { 0.0 },
            marks: Vec::new(),
        }
    }

    /// Ends the phase named `name` and starts the next.
    pub fn mark(&mut self, name: &'static str) {
        if self.on {
            let cpu = process_cpu_ms();
            self.marks.push((
                name,
                self.last.elapsed().as_micros(),
                cpu - self.last_cpu_ms,
            ));
            self.last = Instant::now();
            self.last_cpu_ms = cpu;
        }
    }

    /// Wall time per phase, then CPU time per phase (all threads): their
    /// ratio is how well a phase uses the cores.
    pub fn report(&self) {
        if !self.on {
            return;
        }
        let wall: Vec<String> = self
            .marks
            .iter()
            .map(|(n, us, _)| format!("{n} {:.1} ms", *us as f64 / 1000.0))
            .collect();
        eprintln!("timings: {}", wall.join(", "));
        let cpu: Vec<String> = self
            .marks
            .iter()
            .map(|(n, _, ms)| format!("{n} {ms:.0} ms"))
            .collect();
        eprintln!(
            "timings: CPU {:.0} ms; {}",
            process_cpu_ms(),
            cpu.join(", ")
        );
    }
}

pub use crate::platform::{process_cpu_ms, thread_cpu_ns};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_clocks_advance_with_work() {
        let (t0, p0) = (thread_cpu_ns(), process_cpu_ms());
        let mut x = 0u64;
        // Spin until the thread clock moves (it ticks at least every few ms).
        while thread_cpu_ns() == t0 {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(thread_cpu_ns() > t0);
        assert!(process_cpu_ms() >= p0);
    }
}
