use zerocopy::IntoBytes;

use super::{
    CommandList, ControllerInformation, ControllerList, Dtyp, MiCommand, MiCommandRequestRepr,
    MiResponse, NvmSubsystemInformation, Opcode, PortInformation,
};
use crate::mi::status::Rejection;
use crate::mi::{Error, Result};

/// Read NVMe-MI Data Structure request (NVMe-MI 1.2 §5.7):
/// NMD0 bits 31:24 DTYP, 23:16 PORTID, 15:0 CTRLID; NMD1 bits 7:0 IOCSI.
///
/// CTRLID is bits 15:0 as the spec and Wireshark have it, not where libnvme puts the
/// controller list's start ID (bits 23:16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ReadDataStructureRequest {
    /// DTYP: which structure.
    pub dtyp: Dtyp,
    /// PORTID: the port, for Port Information.
    pub port_id: u8,
    /// CTRLID: the controller, for Controller Information; the lowest ID to list, for the
    /// Controller List.
    pub ctrl_id: u16,
    /// IOCSI: I/O command set, for the command lists (NVMe-MI 2.x).
    pub iocsi: u8,
}

impl ReadDataStructureRequest {
    /// A request for `dtyp` with every selector 0.
    pub const fn new(dtyp: Dtyp) -> Self {
        ReadDataStructureRequest {
            dtyp,
            port_id: 0,
            ctrl_id: 0,
            iocsi: 0,
        }
    }

    /// Decode on the responder side: a reserved DTYP ⇒ Invalid Parameter at byte 11 bit 0;
    /// request data ⇒ Invalid Command Input Data Size. A non-existent port or controller is
    /// the responder's to reject (at [`ReadDataStructureRequest::PORTID_LOCATION`] or
    /// [`ReadDataStructureRequest::CTRLID_LOCATION`]).
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        let d0 = raw.nmd0;
        let dtyp = Dtyp::from_u8((d0 >> 24) as u8);
        if let Dtyp::Unknown(_) = dtyp {
            return Err(MiCommandRequestRepr::invalid_nmd0(24));
        }
        Ok(ReadDataStructureRequest {
            dtyp,
            port_id: (d0 >> 16) as u8,
            ctrl_id: d0 as u16,
            iocsi: raw.nmd1 as u8,
        })
    }

    /// The rejection for a PORTID that names no port.
    pub const PORTID_LOCATION: Rejection = MiCommandRequestRepr::invalid_nmd0(16);

    /// The rejection for a CTRLID that names no controller.
    pub const CTRLID_LOCATION: Rejection = MiCommandRequestRepr::invalid_nmd0(0);
}

impl MiCommand for ReadDataStructureRequest {
    const OPCODE: Opcode = Opcode::ReadDataStructure;
    type Response<'r> = ReadDataStructureResponse<'r>;

    fn nmd0(&self) -> u32 {
        (self.dtyp.to_u8() as u32) << 24 | (self.port_id as u32) << 16 | self.ctrl_id as u32
    }

    fn nmd1(&self) -> u32 {
        self.iocsi as u32
    }

    fn decode_response<'r>(&self, nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        ReadDataStructureResponse::parse(self.dtyp, nmresp, data)
    }
}

/// A data structure returned by Read NVMe-MI Data Structure (NVMe-MI 1.2 §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataStructure<'a> {
    /// NVM Subsystem Information.
    SubsystemInformation(NvmSubsystemInformation),
    /// Port Information.
    PortInformation(PortInformation),
    /// Controller List.
    ControllerList(ControllerList<'a>),
    /// Controller Information.
    ControllerInformation(ControllerInformation),
    /// Optionally Supported Command List.
    OptionallySupportedCommandList(CommandList<'a>),
    /// Management Endpoint Buffer Command Support List.
    MebCommandSupportList(CommandList<'a>),
    /// A structure of a reserved type, kept raw.
    Unknown {
        /// DTYP.
        dtyp: u8,
        /// The structure bytes.
        data: &'a [u8],
    },
}

#[cfg(feature = "defmt")]
impl defmt::Format for DataStructure<'_> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "DataStructure {{ dtyp: {}, {=[u8]:x} }}",
            self.dtyp(),
            self.as_bytes()
        )
    }
}

impl<'a> DataStructure<'a> {
    /// Decode the structure of type `dtyp` from the response data. The fixed 32-byte
    /// structures ignore bytes after them; the lists ignore bytes after their last entry.
    pub fn parse(dtyp: Dtyp, data: &'a [u8]) -> Result<Self> {
        Ok(match dtyp {
            Dtyp::SubsystemInformation => {
                DataStructure::SubsystemInformation(NvmSubsystemInformation::parse(data)?)
            }
            Dtyp::PortInformation => DataStructure::PortInformation(PortInformation::parse(data)?),
            Dtyp::ControllerList => DataStructure::ControllerList(ControllerList::parse(data)?),
            Dtyp::ControllerInformation => {
                DataStructure::ControllerInformation(ControllerInformation::parse(data)?)
            }
            Dtyp::OptionallySupportedCommandList => {
                DataStructure::OptionallySupportedCommandList(CommandList::parse(data)?)
            }
            Dtyp::MebCommandSupportList => {
                DataStructure::MebCommandSupportList(CommandList::parse(data)?)
            }
            Dtyp::Unknown(dtyp) => DataStructure::Unknown { dtyp, data },
        })
    }

    /// The structure's type.
    pub const fn dtyp(&self) -> Dtyp {
        match self {
            DataStructure::SubsystemInformation(_) => Dtyp::SubsystemInformation,
            DataStructure::PortInformation(_) => Dtyp::PortInformation,
            DataStructure::ControllerList(_) => Dtyp::ControllerList,
            DataStructure::ControllerInformation(_) => Dtyp::ControllerInformation,
            DataStructure::OptionallySupportedCommandList(_) => {
                Dtyp::OptionallySupportedCommandList
            }
            DataStructure::MebCommandSupportList(_) => Dtyp::MebCommandSupportList,
            DataStructure::Unknown { dtyp, .. } => Dtyp::from_u8(*dtyp),
        }
    }

    /// The encoded structure.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            DataStructure::SubsystemInformation(s) => s.as_bytes(),
            DataStructure::PortInformation(s) => s.as_bytes(),
            DataStructure::ControllerList(s) => s.as_bytes(),
            DataStructure::ControllerInformation(s) => s.as_bytes(),
            DataStructure::OptionallySupportedCommandList(s)
            | DataStructure::MebCommandSupportList(s) => s.as_bytes(),
            DataStructure::Unknown { data, .. } => data,
        }
    }
}

/// Read NVMe-MI Data Structure success response: RDL (LE16) in NMRESP bytes 6:5 and RDL bytes
/// of the structure (NVMe-MI 1.2 §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ReadDataStructureResponse<'a> {
    /// The structure.
    pub structure: DataStructure<'a>,
}

impl<'a> ReadDataStructureResponse<'a> {
    /// Decode a response to a request for `dtyp`: RDL must equal the length of the response
    /// data ([`Error::InconsistentLength`] otherwise).
    pub fn parse(dtyp: Dtyp, nmresp: [u8; 3], data: &'a [u8]) -> Result<Self> {
        let rdl = u16::from_le_bytes([nmresp[0], nmresp[1]]);
        if rdl as usize != data.len() {
            return Err(Error::InconsistentLength);
        }
        Ok(ReadDataStructureResponse {
            structure: DataStructure::parse(dtyp, data)?,
        })
    }

    /// Decode as libnvme-mi reads these responses, for endpoints whose lengths are off: RDL
    /// is not checked (padding after the structure, or an RDL of 0, is accepted), and a
    /// Controller List cut short gives the identifiers present. The fixed 32-byte
    /// structures must still be whole ([`Error::Truncated`]).
    ///
    /// ```
    /// use nvme_mi_core::mi::command::{DataStructure, Dtyp, ReadDataStructureResponse};
    /// // A Controller List of two IDs (6 bytes) padded to 8, RDL 6.
    /// let data = [2, 0, 0, 0, 1, 0, 0, 0];
    /// assert!(ReadDataStructureResponse::parse(Dtyp::ControllerList, [6, 0, 0], &data).is_err());
    /// let r = ReadDataStructureResponse::parse_lenient(Dtyp::ControllerList, &data).unwrap();
    /// let DataStructure::ControllerList(l) = r.structure else { unreachable!() };
    /// assert_eq!(l.len(), 2);
    /// ```
    pub fn parse_lenient(dtyp: Dtyp, data: &'a [u8]) -> Result<Self> {
        let structure = match dtyp {
            Dtyp::ControllerList => {
                DataStructure::ControllerList(ControllerList::parse_available(data)?)
            }
            _ => DataStructure::parse(dtyp, data)?,
        };
        Ok(ReadDataStructureResponse { structure })
    }
}

impl MiResponse for ReadDataStructureResponse<'_> {
    /// RDL: the structure's length (structures are at most 4096 bytes).
    fn nmresp(&self) -> [u8; 3] {
        let rdl = (self.structure.as_bytes().len().min(u16::MAX as usize) as u16).to_le_bytes();
        [rdl[0], rdl[1], 0]
    }

    fn response_data(&self) -> &[u8] {
        self.structure.as_bytes()
    }
}
