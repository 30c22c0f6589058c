//! The interface every typed Admin command builder implements: encoding its fields into the
//! SQE dwords of an Admin request and decoding them back (NVMe Base 2.x §5; NVMe-MI 1.2 §6).

use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use crate::mi::{Error, Result, MAX_DATA_LEN};

/// The direction and full size of a command's data transfer (NVMe-MI 1.2 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DataTransfer {
    /// The command transfers no data.
    #[default]
    None,
    /// Host to controller: the request data carries this many bytes.
    HostToDevice(u32),
    /// Controller to host: the command's complete result data has this many bytes, of which
    /// one response returns DLEN bytes starting at DOFST.
    DeviceToHost(u32),
}

impl DataTransfer {
    /// The number of bytes transferred (0 for no transfer).
    pub const fn len(self) -> u32 {
        match self {
            DataTransfer::None => 0,
            DataTransfer::HostToDevice(n) | DataTransfer::DeviceToHost(n) => n,
        }
    }

    /// True when no byte is transferred.
    pub const fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A typed Admin command (NVMe Base 2.x §5): its opcode, and a lossless mapping between its fields and the SQE
/// dwords of an [`AdminRequestRepr`].
///
/// `decode` is total for the command's opcode: every dword value gives a command (unknown
/// enumeration values are kept, reserved bits dropped), so a responder can interpret any
/// request and `decode(encode(x)) == x` for every `x` that `decode` produces.
pub trait AdminCommand: Sized {
    /// The command's opcode.
    const OPCODE: AdminOpcode;

    /// Write the command's fields (NSID, CDW10..CDW15) into `repr`. The opcode, controller,
    /// DOFST and DLEN are set by [`AdminRequestRepr::for_command`].
    fn encode(&self, repr: &mut AdminRequestRepr);

    /// Read the command's fields from `repr` (whose opcode is not checked: see
    /// [`AdminCommand::from_request`]).
    fn decode(repr: &AdminRequestRepr) -> Self;

    /// The data the command moves and its full size, as far as the command's fields tell.
    fn data_transfer(&self) -> DataTransfer;

    /// Decode `repr` if it carries this command's opcode, else [`Error::InvalidField`].
    fn from_request(repr: &AdminRequestRepr) -> Result<Self> {
        if repr.opcode == Self::OPCODE {
            Ok(Self::decode(repr))
        } else {
            Err(Error::InvalidField)
        }
    }
}

impl AdminRequestRepr {
    /// A request for `cmd` to controller `ctlid` in slot 0: the command's fields, DOFST 0 and
    /// DLEN the command's whole data transfer (capped at 4096), CFLGS clear.
    ///
    /// ```
    /// use nvme_mi_core::mi::admin::{AdminRequestRepr, Cns, Identify};
    /// let r = AdminRequestRepr::for_command(0, &Identify::new(Cns::Controller));
    /// assert_eq!((r.cdw10, r.dofst, r.dlen), (1, 0, 4096));
    /// ```
    pub fn for_command<C: AdminCommand>(ctlid: u16, cmd: &C) -> Self {
        let mut r = AdminRequestRepr {
            opcode: C::OPCODE,
            ctlid,
            ..Default::default()
        };
        cmd.encode(&mut r);
        r.dlen = cmd.data_transfer().len().min(MAX_DATA_LEN as u32);
        r
    }
}

/// Bits `lo..lo+width` of `v` (width < 32).
pub(crate) const fn bits(v: u32, lo: u32, width: u32) -> u32 {
    (v >> lo) & ((1 << width) - 1)
}

/// `v` masked to `width` bits and shifted to `lo`.
pub(crate) const fn field(v: u32, lo: u32, width: u32) -> u32 {
    (v & ((1 << width) - 1)) << lo
}

/// Bit `n` of `v`.
pub(crate) const fn bit(v: u32, n: u32) -> bool {
    v & (1 << n) != 0
}
