/// An MCTP control completion code (DSP0236 §12.3, Table 13).
///
/// Values 0x80–0xFF mean something specific to the command
/// ([`CompletionCode::CommandSpecific`]); other unassigned values are kept as
/// [`CompletionCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CompletionCode {
    /// SUCCESS (0x00).
    Success,
    /// ERROR, generic failure (0x01).
    Error,
    /// ERROR_INVALID_DATA (0x02).
    ErrorInvalidData,
    /// ERROR_INVALID_LENGTH (0x03).
    ErrorInvalidLength,
    /// ERROR_NOT_READY (0x04).
    ErrorNotReady,
    /// ERROR_UNSUPPORTED_CMD (0x05).
    ErrorUnsupportedCmd,
    /// Command-specific (0x80–0xFF), e.g. 0x80 for Get MCTP Version Support: message type
    /// number not supported.
    CommandSpecific(u8),
    /// Any other value.
    Unknown(u8),
}

impl CompletionCode {
    /// Get MCTP Version Support: the message type number is not supported (0x80).
    pub const VERSION_TYPE_NOT_SUPPORTED: CompletionCode = CompletionCode::CommandSpecific(0x80);

    /// Decode a completion code byte.
    pub const fn from_u8(b: u8) -> CompletionCode {
        match b {
            0x00 => CompletionCode::Success,
            0x01 => CompletionCode::Error,
            0x02 => CompletionCode::ErrorInvalidData,
            0x03 => CompletionCode::ErrorInvalidLength,
            0x04 => CompletionCode::ErrorNotReady,
            0x05 => CompletionCode::ErrorUnsupportedCmd,
            0x80..=0xff => CompletionCode::CommandSpecific(b),
            other => CompletionCode::Unknown(other),
        }
    }

    /// Encode the completion code byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            CompletionCode::Success => 0x00,
            CompletionCode::Error => 0x01,
            CompletionCode::ErrorInvalidData => 0x02,
            CompletionCode::ErrorInvalidLength => 0x03,
            CompletionCode::ErrorNotReady => 0x04,
            CompletionCode::ErrorUnsupportedCmd => 0x05,
            CompletionCode::CommandSpecific(b) | CompletionCode::Unknown(b) => b,
        }
    }

    /// True for [`CompletionCode::Success`].
    pub const fn is_success(self) -> bool {
        matches!(self, CompletionCode::Success)
    }
}

impl From<u8> for CompletionCode {
    fn from(b: u8) -> Self {
        CompletionCode::from_u8(b)
    }
}

impl From<CompletionCode> for u8 {
    fn from(c: CompletionCode) -> u8 {
        c.to_u8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for b in 0..=255u8 {
            assert_eq!(CompletionCode::from_u8(b).to_u8(), b);
        }
        assert!(CompletionCode::from_u8(0).is_success());
        assert_eq!(
            CompletionCode::from_u8(0x05),
            CompletionCode::ErrorUnsupportedCmd
        );
        assert_eq!(CompletionCode::from_u8(0x06), CompletionCode::Unknown(6));
        assert_eq!(
            CompletionCode::from_u8(0x80),
            CompletionCode::VERSION_TYPE_NOT_SUPPORTED
        );
    }
}
