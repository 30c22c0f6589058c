//! The composite temperature byte, CTEMP, of the status block (digest G.2), encoded as the
//! NVM Subsystem Health Status Poll's CTEMP (NVMe-MI 1.2 §5.6, Figure 92).
//!
//! Written here because the MI command module had no temperature type when this module was
//! written; if one exists in `mi::command`, prefer converting to it.

/// A composite temperature reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CompositeTemperature {
    /// Degrees Celsius, −60..=127; −60 means "−60 or lower", 127 "127 or higher".
    Celsius(i8),
    /// 0x80: no temperature data, or data older than 5 seconds.
    NoData,
    /// 0x81: temperature sensor failure.
    SensorFailure,
    /// 0x82..=0xC3: reserved, kept as received.
    Reserved(u8),
}

impl CompositeTemperature {
    /// Decode the byte: 0x00..=0x7F and 0xC4..=0xFF are two's complement degrees Celsius.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x80 => CompositeTemperature::NoData,
            0x81 => CompositeTemperature::SensorFailure,
            0x82..=0xc3 => CompositeTemperature::Reserved(v),
            _ => CompositeTemperature::Celsius(v as i8),
        }
    }

    /// Encode; Celsius values are clamped to −60..=127.
    pub const fn to_u8(self) -> u8 {
        match self {
            CompositeTemperature::Celsius(c) => {
                if c < -60 {
                    (-60i8) as u8
                } else {
                    c as u8
                }
            }
            CompositeTemperature::NoData => 0x80,
            CompositeTemperature::SensorFailure => 0x81,
            CompositeTemperature::Reserved(v) => v,
        }
    }

    /// The reading in degrees Celsius, if there is one.
    pub const fn celsius(self) -> Option<i8> {
        match self {
            CompositeTemperature::Celsius(c) => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte() {
        for v in 0..=255u8 {
            assert_eq!(CompositeTemperature::from_u8(v).to_u8(), v);
        }
        assert_eq!(
            CompositeTemperature::from_u8(0x25),
            CompositeTemperature::Celsius(37)
        );
        assert_eq!(
            CompositeTemperature::from_u8(0xc4),
            CompositeTemperature::Celsius(-60)
        );
        assert_eq!(CompositeTemperature::Celsius(-100).to_u8(), 0xc4);
        assert_eq!(CompositeTemperature::from_u8(0xff).celsius(), Some(-1));
        assert_eq!(CompositeTemperature::NoData.celsius(), None);
    }
}
