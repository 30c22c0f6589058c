//! SMART / Health Information log page (NVMe Base 2.x §5.1.12.1.3, Log Identifier 02h),
//! 512 bytes.

use crate::mi::command::{CompositeTemperature, CriticalWarning};
use zerocopy::little_endian::{U128, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// SMART / Health Information log (NVMe Base 2.x §5.1.12.1.3, LID 02h). Field names follow nvme-cli's `smart-log`.
///
/// 128-bit counters are little-endian [`U128`]; data units are thousands of 512-byte units.
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct SmartLog {
    /// Critical warning bits (byte 0), see [`CriticalWarning`].
    pub critical_warning: u8,
    /// Composite temperature, kelvin (bytes 2:1).
    pub temperature: U16,
    /// Available spare, percent (byte 3).
    pub avail_spare: u8,
    /// Available spare threshold, percent (byte 4).
    pub spare_thresh: u8,
    /// Percentage used; may exceed 100 (byte 5).
    pub percent_used: u8,
    /// Endurance group critical warning summary (byte 6).
    pub endurance_grp_critical_warning_summary: u8,
    /// Reserved.
    pub rsvd7: [u8; 25],
    /// Data units read (bytes 47:32).
    pub data_units_read: U128,
    /// Data units written (bytes 63:48).
    pub data_units_written: U128,
    /// Host read commands (bytes 79:64).
    pub host_read_commands: U128,
    /// Host write commands (bytes 95:80).
    pub host_write_commands: U128,
    /// Controller busy time, minutes (bytes 111:96).
    pub controller_busy_time: U128,
    /// Power cycles (bytes 127:112).
    pub power_cycles: U128,
    /// Power-on hours (bytes 143:128).
    pub power_on_hours: U128,
    /// Unsafe shutdowns (bytes 159:144).
    pub unsafe_shutdowns: U128,
    /// Media and data integrity errors (bytes 175:160).
    pub media_errors: U128,
    /// Number of error information log entries (bytes 191:176).
    pub num_err_log_entries: U128,
    /// Warning composite temperature time, minutes (bytes 195:192).
    pub warning_temp_time: U32,
    /// Critical composite temperature time, minutes (bytes 199:196).
    pub critical_comp_time: U32,
    /// Temperature sensors 1..=8, kelvin, 0 = not implemented (bytes 215:200).
    pub temperature_sensor: [U16; 8],
    /// Thermal management temperature 1 transition count.
    pub thm_temp1_trans_count: U32,
    /// Thermal management temperature 2 transition count.
    pub thm_temp2_trans_count: U32,
    /// Total time for thermal management temperature 1, seconds.
    pub thm_temp1_total_time: U32,
    /// Total time for thermal management temperature 2, seconds.
    pub thm_temp2_total_time: U32,
    /// Reserved.
    pub rsvd232: [u8; 280],
}

const _: () = assert!(core::mem::size_of::<SmartLog>() == 512);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for SmartLog {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "SmartLog {{ critical_warning: {=u8:#x}, temperature: {=u16} K, avail_spare: {=u8}, percent_used: {=u8}, power_on_hours: {=u128}, media_errors: {=u128} }}",
            self.critical_warning,
            self.temperature.get(),
            self.avail_spare,
            self.percent_used,
            self.power_on_hours.get(),
            self.media_errors.get()
        )
    }
}

impl SmartLog {
    /// The critical warning bits as a typed value.
    pub fn warnings(&self) -> CriticalWarning {
        CriticalWarning(self.critical_warning)
    }

    /// Composite temperature in degrees Celsius (kelvin − 273).
    pub fn temperature_celsius(&self) -> i32 {
        i32::from(self.temperature.get()) - 273
    }

    /// The composite temperature in the one-byte CTEMP encoding of the health status poll and
    /// the Basic Management status block (0 K, "not reported", maps to no data).
    pub fn composite_temperature(&self) -> CompositeTemperature {
        match self.temperature.get() {
            0 => CompositeTemperature::NoData,
            // Clamped first: the encoding saturates at 127 and −60 anyway.
            k => CompositeTemperature::from_celsius((i32::from(k) - 273).clamp(-60, 127) as i16),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn composite_temperature() {
        use zerocopy::FromZeros;
        let mut log = SmartLog::new_zeroed();
        assert_eq!(log.composite_temperature(), CompositeTemperature::NoData);
        log.temperature.set(310);
        assert_eq!(
            log.composite_temperature(),
            CompositeTemperature::Celsius(37)
        );
        log.temperature.set(500);
        assert_eq!(
            log.composite_temperature(),
            CompositeTemperature::AtLeast127
        );
        log.temperature.set(u16::MAX);
        assert_eq!(
            log.composite_temperature(),
            CompositeTemperature::AtLeast127
        );
        log.temperature.set(200);
        assert_eq!(
            log.composite_temperature(),
            CompositeTemperature::AtMostMinus60
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_of!(SmartLog, temperature), 1);
        assert_eq!(offset_of!(SmartLog, avail_spare), 3);
        assert_eq!(offset_of!(SmartLog, percent_used), 5);
        assert_eq!(
            offset_of!(SmartLog, endurance_grp_critical_warning_summary),
            6
        );
        assert_eq!(offset_of!(SmartLog, data_units_read), 32);
        assert_eq!(offset_of!(SmartLog, power_on_hours), 128);
        assert_eq!(offset_of!(SmartLog, num_err_log_entries), 176);
        assert_eq!(offset_of!(SmartLog, warning_temp_time), 192);
        assert_eq!(offset_of!(SmartLog, temperature_sensor), 200);
        assert_eq!(offset_of!(SmartLog, rsvd232), 232);
    }
}
