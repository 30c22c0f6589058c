/// Composite Temperature, CTEMP, of the NVM Subsystem Health Data Structure
/// (NVMe-MI 1.2 §5.6): degrees Celsius in one byte with markers.
///
/// | byte | meaning |
/// |---|---|
/// | 0x00..=0x7E | 0..=126 °C |
/// | 0x7F | 127 °C or more |
/// | 0x80 | no temperature data, or data older than 5 s |
/// | 0x81 | sensor failure |
/// | 0x82..=0xC3 | reserved |
/// | 0xC4 | −60 °C or less |
/// | 0xC5..=0xFF | −59..=−1 °C (two's complement) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CompositeTemperature {
    /// A temperature in −59..=126 °C.
    Celsius(i8),
    /// 127 °C or more.
    AtLeast127,
    /// −60 °C or less.
    AtMostMinus60,
    /// No data, or data older than 5 seconds.
    NoData,
    /// The temperature sensor failed.
    SensorFailure,
    /// A reserved value (0x82..=0xC3), kept as received.
    Reserved(u8),
}

impl CompositeTemperature {
    /// Decode the CTEMP byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x00..=0x7e => CompositeTemperature::Celsius(v as i8),
            0x7f => CompositeTemperature::AtLeast127,
            0x80 => CompositeTemperature::NoData,
            0x81 => CompositeTemperature::SensorFailure,
            0x82..=0xc3 => CompositeTemperature::Reserved(v),
            0xc4 => CompositeTemperature::AtMostMinus60,
            0xc5..=0xff => CompositeTemperature::Celsius(v as i8),
        }
    }

    /// The CTEMP byte. `Celsius` values outside −59..=126 saturate to the markers.
    pub const fn to_u8(self) -> u8 {
        match self {
            CompositeTemperature::Celsius(127) => 0x7f,
            CompositeTemperature::Celsius(c) if c <= -60 => 0xc4,
            CompositeTemperature::Celsius(c) => c as u8,
            CompositeTemperature::AtLeast127 => 0x7f,
            CompositeTemperature::AtMostMinus60 => 0xc4,
            CompositeTemperature::NoData => 0x80,
            CompositeTemperature::SensorFailure => 0x81,
            CompositeTemperature::Reserved(v) => v,
        }
    }

    /// The encoding of a measured temperature in °C, saturating at the markers.
    pub const fn from_celsius(c: i16) -> Self {
        if c >= 127 {
            CompositeTemperature::AtLeast127
        } else if c <= -60 {
            CompositeTemperature::AtMostMinus60
        } else {
            CompositeTemperature::Celsius(c as i8)
        }
    }

    /// The temperature in °C where there is one (the markers give their bound: 127 or −60).
    pub const fn celsius(self) -> Option<i16> {
        match self {
            CompositeTemperature::Celsius(c) => Some(c as i16),
            CompositeTemperature::AtLeast127 => Some(127),
            CompositeTemperature::AtMostMinus60 => Some(-60),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for v in 0..=255u8 {
            assert_eq!(CompositeTemperature::from_u8(v).to_u8(), v);
        }
        assert_eq!(
            CompositeTemperature::from_u8(0x25),
            CompositeTemperature::Celsius(37)
        );
        assert_eq!(
            CompositeTemperature::from_u8(0xff),
            CompositeTemperature::Celsius(-1)
        );
        assert_eq!(CompositeTemperature::from_u8(0xc5).celsius(), Some(-59));
        assert_eq!(CompositeTemperature::from_celsius(200).to_u8(), 0x7f);
        assert_eq!(CompositeTemperature::from_celsius(-100).to_u8(), 0xc4);
        assert_eq!(CompositeTemperature::Celsius(-70).to_u8(), 0xc4);
        assert_eq!(CompositeTemperature::Celsius(127).to_u8(), 0x7f);
        assert_eq!(CompositeTemperature::NoData.celsius(), None);
    }
}
