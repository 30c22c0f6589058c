/// An MCTP endpoint identifier (DSP0236 §8.2).
///
/// Any byte value can be carried (a decoder keeps what it received); the predicates say which
/// rôle a value may play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Eid(pub u8);

impl Eid {
    /// The NULL EID (0): the source of an endpoint that has no EID yet, or the destination
    /// when addressing a device physically.
    pub const NULL: Eid = Eid(0);
    /// The broadcast EID (0xFF), valid only as a destination.
    pub const BROADCAST: Eid = Eid(0xff);

    /// True for EIDs that can be assigned to an endpoint (8..=254).
    pub const fn is_unicast(self) -> bool {
        self.0 >= 8 && self.0 < 0xff
    }

    /// True if this EID may appear as the source of a packet (unicast or NULL).
    pub const fn is_valid_source(self) -> bool {
        self.is_unicast() || self.0 == 0
    }

    /// True if this EID may appear as the destination of a packet (unicast, NULL or broadcast).
    pub const fn is_valid_destination(self) -> bool {
        self.is_unicast() || self.0 == 0 || self.0 == 0xff
    }
}

impl core::fmt::Display for Eid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert!(!Eid(0).is_unicast());
        assert!(Eid(0).is_valid_source());
        assert!(!Eid(7).is_valid_source());
        assert!(Eid(8).is_unicast());
        assert!(Eid(254).is_unicast());
        assert!(!Eid(255).is_valid_source());
        assert!(Eid(255).is_valid_destination());
        assert!(!Eid(3).is_valid_destination());
    }
}
