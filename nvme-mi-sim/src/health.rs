//! The drive's health: temperature, wear, spare and counters as functions of the seed and
//! the virtual time, plus what tests push in; and the change detection behind the health
//! status change flags (NVMe-MI 1.2 §5.3, §5.6).

use nvme_mi_core::mi::admin_data::SmartLog;
use nvme_mi_core::mi::command::{CompositeControllerStatus, CompositeTemperature, CriticalWarning};
use nvme_mi_core::time::Instant;
use zerocopy::little_endian::{U128, U16, U32};
use zerocopy::{FromZeros, IntoBytes};

use crate::rng::below;

/// 0 °C in kelvin.
pub(crate) const KELVIN_0C: i32 = 273;
/// Warning composite temperature threshold (WCTEMP), kelvin: 70 °C.
pub(crate) const WCTEMP: u16 = 343;
/// Critical composite temperature threshold (CCTEMP), kelvin: 85 °C.
pub(crate) const CCTEMP: u16 = 358;
/// Spare threshold, percent.
pub(crate) const SPARE_THRESHOLD: u8 = 10;
/// A temperature change smaller than this (kelvin) since the last reported one does not set
/// the CTEMP change flag: the simulated sensor is noisy.
pub(crate) const CTEMP_HYSTERESIS: u16 = 3;

/// Period of the simulated thermal cycle, seconds.
const THERMAL_PERIOD_S: u64 = 600;

/// What changed since the last check: the health status change flags to set.
pub(crate) type Changes = CompositeControllerStatus;

/// The health state.
#[derive(Debug, Clone)]
pub(crate) struct Health {
    seed: u64,
    /// Added to the modelled temperature (kelvin), pushed by tests.
    pub temp_offset: i16,
    /// Available spare, percent.
    pub spare: u8,
    /// Percentage used forced by a test, instead of the wear model.
    pub pdlu_override: Option<u8>,
    /// Over-temperature threshold of the composite temperature, kelvin.
    pub over_threshold: u16,
    /// Under-temperature threshold of the composite temperature, kelvin.
    pub under_threshold: u16,
    /// Unsafe shutdowns since the simulation started.
    pub unsafe_shutdowns: u32,
    /// Power cycles (NVM subsystem resets) since the simulation started.
    pub power_cycles: u32,
    /// Media and data integrity errors (never raised by the model).
    pub media_errors: u32,
    /// Error information log entries ever recorded.
    pub error_count: u64,
    /// Time spent at or above WCTEMP and at or above CCTEMP, milliseconds (sampled at each
    /// time step: the temperature at the start of a step counts for all of it).
    hot_ms: (u64, u64),
    // Values last reported through the change flags.
    seen_temp: u16,
    seen_warning: u8,
    seen_pdlu: u8,
    seen_spare: u8,
}

impl Health {
    /// Health at time zero for `seed`.
    pub fn new(seed: u64) -> Self {
        let mut h = Health {
            seed,
            temp_offset: 0,
            spare: 100,
            pdlu_override: None,
            over_threshold: WCTEMP,
            under_threshold: 0,
            unsafe_shutdowns: 0,
            power_cycles: 0,
            media_errors: 0,
            error_count: 2,
            hot_ms: (0, 0),
            seen_temp: 0,
            seen_warning: 0,
            seen_pdlu: 0,
            seen_spare: 0,
        };
        h.latch(Instant::ZERO);
        h
    }

    fn latch(&mut self, now: Instant) {
        self.seen_temp = self.temperature_kelvin(now);
        self.seen_warning = self.warnings(now).bits();
        self.seen_pdlu = self.percentage_used(now);
        self.seen_spare = self.spare;
    }

    /// Composite temperature in kelvin: 40 °C, a ±4 K thermal cycle, ±1 K of sensor noise
    /// (new every 5 s), plus the test offset.
    pub fn temperature_kelvin(&self, now: Instant) -> u16 {
        let s = now.as_millis() / 1000 + below(self.seed, 1, THERMAL_PERIOD_S);
        let phase = s % THERMAL_PERIOD_S;
        let half = THERMAL_PERIOD_S / 2;
        let tri = if phase < half {
            phase
        } else {
            THERMAL_PERIOD_S - phase
        };
        let cycle = (tri * 8 / half) as i32 - 4;
        let noise = below(self.seed, 0x1000_0000 + s / 5, 3) as i32 - 1;
        let k = KELVIN_0C + 40 + cycle + noise + i32::from(self.temp_offset);
        k.clamp(0, i32::from(u16::MAX)) as u16
    }

    /// Composite temperature in °C.
    pub fn temperature_celsius(&self, now: Instant) -> i16 {
        (i32::from(self.temperature_kelvin(now)) - KELVIN_0C) as i16
    }

    /// The NVMe-MI encoding of the composite temperature.
    pub fn composite_temperature(&self, now: Instant) -> CompositeTemperature {
        CompositeTemperature::from_celsius(self.temperature_celsius(now))
    }

    /// Percentage used: 1..=5 % at start, one more every 2000 power-on hours.
    pub fn percentage_used(&self, now: Instant) -> u8 {
        if let Some(p) = self.pdlu_override {
            return p;
        }
        let base = 1 + below(self.seed, 2, 5);
        (base + now.as_millis() / 3_600_000 / 2000).min(255) as u8
    }

    /// The critical warnings present.
    pub fn warnings(&self, now: Instant) -> CriticalWarning {
        let t = self.temperature_kelvin(now);
        let mut w = CriticalWarning::empty();
        w.set(CriticalWarning::ST, self.spare < SPARE_THRESHOLD);
        w.set(
            CriticalWarning::TAUT,
            t >= self.over_threshold || t <= self.under_threshold,
        );
        w.set(CriticalWarning::RD, self.percentage_used(now) >= 100);
        w
    }

    /// Compare the state at `now` with the last reported one; returns the change flags to
    /// set and remembers the new values.
    pub fn changes(&mut self, now: Instant) -> Changes {
        let mut c = Changes::empty();
        let t = self.temperature_kelvin(now);
        if t.abs_diff(self.seen_temp) >= CTEMP_HYSTERESIS {
            c.insert(Changes::CTEMP);
            self.seen_temp = t;
        }
        let w = self.warnings(now).bits();
        if w != self.seen_warning {
            c.insert(Changes::CWARN);
            self.seen_warning = w;
        }
        let p = self.percentage_used(now);
        if p != self.seen_pdlu {
            c.insert(Changes::PDLU);
            self.seen_pdlu = p;
        }
        if self.spare != self.seen_spare {
            c.insert(Changes::SPARE);
            self.seen_spare = self.spare;
        }
        c
    }

    /// Time passed from `from` to `to`: account the time spent above the thresholds.
    pub fn elapse(&mut self, from: Instant, to: Instant) {
        let d = to.as_millis().saturating_sub(from.as_millis());
        let t = self.temperature_kelvin(from);
        if t >= WCTEMP {
            self.hot_ms.0 += d;
        }
        if t >= CCTEMP {
            self.hot_ms.1 += d;
        }
    }

    /// Power-on hours: a seeded history of 1000..5000 hours plus the virtual time.
    pub fn power_on_hours(&self, now: Instant) -> u64 {
        1000 + below(self.seed, 3, 4000) + now.as_millis() / 3_600_000
    }

    /// Data units (1000 × 512 bytes) read and written: a seeded history plus a steady
    /// workload.
    pub fn data_units(&self, now: Instant) -> (u64, u64) {
        let s = now.as_millis() / 1000;
        let hours = self.power_on_hours(Instant::ZERO);
        let read = hours * 180_000 + s * (40 + below(self.seed, 4, 40));
        let written = hours * 90_000 + s * (20 + below(self.seed, 5, 20));
        (read, written)
    }

    /// Write the SMART / Health Information log (512 bytes) into `out`.
    pub fn smart_log(&self, now: Instant, out: &mut [u8]) {
        let mut log = SmartLog::new_zeroed();
        let t = self.temperature_kelvin(now);
        log.critical_warning = self.warnings(now).bits();
        log.temperature = U16::new(t);
        log.avail_spare = self.spare;
        log.spare_thresh = SPARE_THRESHOLD;
        log.percent_used = self.percentage_used(now);
        let (read, written) = self.data_units(now);
        log.data_units_read = U128::new(read.into());
        log.data_units_written = U128::new(written.into());
        log.host_read_commands = U128::new(u128::from(read) * 15);
        log.host_write_commands = U128::new(u128::from(written) * 31);
        let hours = self.power_on_hours(now);
        log.controller_busy_time = U128::new((hours * 60 / 7).into());
        log.power_cycles =
            U128::new(u128::from(40 + below(self.seed, 6, 200)) + u128::from(self.power_cycles));
        log.power_on_hours = U128::new(hours.into());
        log.unsafe_shutdowns =
            U128::new(u128::from(below(self.seed, 7, 10)) + u128::from(self.unsafe_shutdowns));
        log.media_errors = U128::new(self.media_errors.into());
        log.num_err_log_entries = U128::new(self.error_count.into());
        let minutes = |ms: u64| U32::new((ms / 60_000).min(u64::from(u32::MAX)) as u32);
        log.warning_temp_time = minutes(self.hot_ms.0);
        log.critical_comp_time = minutes(self.hot_ms.1);
        log.temperature_sensor[0] = U16::new(t.saturating_add(2));
        log.temperature_sensor[1] = U16::new(t.saturating_sub(3));
        let bytes = log.as_bytes();
        if let Some(dst) = out.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_stays_in_band_and_moves() {
        let h = Health::new(42);
        let mut seen = [false; 20];
        for s in 0..1200u64 {
            let c = h.temperature_celsius(Instant(s * 1000));
            assert!((35..=45).contains(&c), "{c}");
            seen[(c - 30) as usize] = true;
        }
        assert!(seen.iter().filter(|&&b| b).count() >= 8);
    }

    #[test]
    fn time_above_thresholds() {
        let mut h = Health::new(3);
        h.elapse(Instant(0), Instant(600_000));
        h.temp_offset = 40; // 80 °C ± 5: above WCTEMP, below CCTEMP
        h.elapse(Instant(600_000), Instant(900_000));
        h.temp_offset = 60;
        h.elapse(Instant(900_000), Instant(1_020_000));
        let mut out = [0u8; 512];
        h.smart_log(Instant(1_020_000), &mut out);
        let log = <SmartLog as zerocopy::FromBytes>::read_from_bytes(&out[..]).unwrap();
        assert_eq!(log.warning_temp_time.get(), 7);
        assert_eq!(log.critical_comp_time.get(), 2);
    }

    #[test]
    fn threshold_crossing_sets_warning_and_flag() {
        let mut h = Health::new(1);
        let now = Instant(5000);
        assert!(h.changes(now).is_empty() || h.changes(now).is_empty());
        h.over_threshold = 300;
        assert!(h.warnings(now).contains(CriticalWarning::TAUT));
        assert!(h.changes(now).contains(Changes::CWARN));
        assert!(!h.changes(now).contains(Changes::CWARN));
    }
}
