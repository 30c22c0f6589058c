//! The fault matrix: one table of wire faults and misbehaving devices, each row run against
//! the simulated drive through the real requester and responder engines.
//!
//! Every row states the command, the faults, the outcome the requester must report (the right
//! data, or one typed error) and the virtual time it may take. After each row the faults are
//! healed and a health poll must return the drive's real state: no fault leaves the stack
//! wedged, with a stale response queued or a tag held.
//!
//! Links: the in-memory [`Loopback`] in virtual time, wrapped in a [`FaultInjector`] with the
//! row's [`Fault`]s.

use core::time::Duration;

use nvme_mi_core::fault_injector::{Fault, FaultError, FaultInjector, Which};
use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::{
    ConfigurationSetRequest, Dtyp, ReadDataStructureRequest, SubsystemHealthStatusPollRequest,
};
use nvme_mi_core::mi::{self, integrity, MAX_MESSAGE_LEN};
use nvme_mi_core::requester::{Endpoint, RequestError, Unexpected};
use nvme_mi_core::responder::{Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{ErrorKind, Transport};
use nvme_mi_sim::Sim;

/// What a misbehaving device does to each response it sends (the integrity check is
/// recomputed afterwards, so the requester sees a well-sealed but wrong message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lie {
    /// Answer honestly.
    None,
    /// Answer with the NVMe-MI message type of an MI command, whatever was asked (an Admin
    /// command answered with an MI response).
    AsMiCommand,
    /// Answer with the ROR bit clear: a request where a response belongs.
    AsRequest,
    /// Answer in the other command slot.
    OtherSlot,
    /// Increment NMRESP byte 5 (the response data length of Read NVMe-MI Data Structure).
    WrongLength,
    /// Append four bytes of data (more than DLEN asked for).
    ExtraData,
    /// Cut the response to its status dword (no NMRESP data, no Admin completion).
    StatusOnly,
}

/// A responder wrapped by a [`Lie`].
struct Liar<R> {
    inner: R,
    lie: Lie,
}

impl<R> Liar<R> {
    fn tamper(&self, out: &mut [u8], len: usize) -> usize {
        let len = match self.lie {
            Lie::None => return len,
            Lie::AsMiCommand => {
                out[1] = (out[1] & !0x78) | (1 << 3);
                len
            }
            Lie::AsRequest => {
                out[1] &= !0x80;
                len
            }
            Lie::OtherSlot => {
                out[1] ^= 0x01;
                len
            }
            Lie::WrongLength => {
                out[5] = out[5].wrapping_add(1);
                len
            }
            Lie::ExtraData => {
                out[len..len + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
                len + 4
            }
            Lie::StatusOnly => 12,
        };
        integrity::seal(&mut out[..len]).expect("seal");
        len
    }
}

impl<P, R: Respond<P>> Respond<P> for Liar<R> {
    fn handle(&mut self, request: &[u8], from: &P, now: Instant, out: &mut [u8]) -> Option<usize> {
        let n = self.inner.handle(request, from, now, out)?;
        Some(self.tamper(out, n))
    }

    fn poll(&mut self, now: Instant, out: &mut [u8]) -> Option<Outgoing<P>> {
        match self.inner.poll(now, out)? {
            Outgoing::Response { to, len } => Some(Outgoing::Response {
                to,
                len: self.tamper(out, len),
            }),
            other => Some(other),
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.inner.next_deadline()
    }
}

type Link = FaultInjector<Loopback<Liar<Responder<Sim, LoopPeer>>>>;
type Ep = Endpoint<Link, Vec<u8>>;

fn endpoint(lie: Lie) -> Box<Ep> {
    let liar = Liar {
        inner: nvme_mi_sim::responder(3),
        lie,
    };
    let link = FaultInjector::new(Loopback::new(liar, Eid(8), nvme_mi_sim::DEFAULT_EID));
    Box::new(Endpoint::new(link, vec![0u8; MAX_MESSAGE_LEN]))
}

fn sim(ep: &Ep) -> &Sim {
    ep.transport().inner().responder().inner.device()
}

/// The command a row sends.
#[derive(Debug, Clone, Copy)]
enum Command {
    /// NVM Subsystem Health Status Poll (a read: retried).
    HealthPoll,
    /// Identify Controller, 4096 bytes (a read: retried).
    Identify,
    /// Read NVMe-MI Data Structure, NVM Subsystem Information.
    ReadSubsystemInfo,
    /// Configuration Set of the SMBus port's transmission unit (a write: never repeated).
    SetMtu,
}

/// What the requester must report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The right data.
    Data,
    /// [`RequestError::Timeout`] after this many transmissions.
    Timeout { attempts: u8, after_mpr: bool },
    /// [`RequestError::Integrity`].
    Integrity,
    /// [`RequestError::Unexpected`].
    Unexpected(Unexpected),
    /// [`RequestError::Malformed`].
    Malformed(mi::Error),
}

/// What a command returned.
#[derive(Debug)]
enum Value {
    /// CTEMP of a health poll.
    Temperature(u8),
    /// Identify Controller data or a data structure.
    Bytes(Vec<u8>),
    /// A write's success.
    Done,
}

/// Send `cmd`.
fn send(ep: &mut Ep, cmd: Command) -> Result<Value, RequestError<FaultError<ErrorKind>>> {
    match cmd {
        Command::HealthPoll => ep
            .mi_command(&SubsystemHealthStatusPollRequest {
                clear_status: false,
            })
            .map(|h| Value::Temperature(h.health.ctemp)),
        Command::Identify => ep
            .admin(0, &Identify::controller(), 0, 4096, &[])
            .map(|r| Value::Bytes(r.data.to_vec())),
        Command::ReadSubsystemInfo => ep
            .mi_command(&ReadDataStructureRequest::new(Dtyp::SubsystemInformation))
            .map(|r| Value::Bytes(r.structure.as_bytes().to_vec())),
        Command::SetMtu => ep
            .mi_command(&ConfigurationSetRequest::MctpTransmissionUnitSize {
                port_id: 1,
                mtus: 128,
            })
            .map(|_| Value::Done),
    }
}

/// Are these the drive's real data for `cmd`?
fn is_right(sim: &Sim, cmd: Command, value: &Value) -> bool {
    match (cmd, value) {
        (Command::HealthPoll, Value::Temperature(t)) => i16::from(*t) == sim.temperature_celsius(),
        (Command::Identify, Value::Bytes(b)) => {
            b.len() == 4096
                && IdentifyController::view(b)
                    .is_ok_and(|id| id.sn() == sim.serial_number() && id.vid.get() == 0xfffe)
        }
        (Command::ReadSubsystemInfo, Value::Bytes(b)) => {
            // NUMP: the drive has two ports (0-based 1).
            b.len() == 32 && b[0] == 1
        }
        (Command::SetMtu, Value::Done) => sim.mtu(1) == Some(128),
        _ => false,
    }
}

/// Run `cmd` and classify its result (`Data` only for the drive's real data).
fn run(ep: &mut Ep, cmd: Command) -> Result<Outcome, String> {
    match send(ep, cmd) {
        Ok(v) if is_right(sim(ep), cmd, &v) => Ok(Outcome::Data),
        Ok(v) => Err(format!("wrong data {v:?}")),
        Err(RequestError::Timeout {
            attempts,
            after_more_processing,
            ..
        }) => Ok(Outcome::Timeout {
            attempts,
            after_mpr: after_more_processing,
        }),
        Err(RequestError::Integrity { .. }) => Ok(Outcome::Integrity),
        Err(RequestError::Unexpected(u)) => Ok(Outcome::Unexpected(u)),
        Err(RequestError::Malformed(e)) => Ok(Outcome::Malformed(e)),
        Err(other) => Err(format!("unclassified error {other:?}")),
    }
}

/// One row of the matrix.
struct Row {
    name: &'static str,
    cmd: Command,
    faults: &'static [Fault],
    lie: Lie,
    expect: Outcome,
    /// Upper bound of the virtual time the command may take.
    within: Duration,
}

const fn row(
    name: &'static str,
    cmd: Command,
    faults: &'static [Fault],
    expect: Outcome,
    within_ms: u64,
) -> Row {
    Row {
        name,
        cmd,
        faults,
        lie: Lie::None,
        expect,
        within: Duration::from_millis(within_ms),
    }
}

const fn lie(name: &'static str, cmd: Command, lie: Lie, expect: Outcome) -> Row {
    Row {
        name,
        cmd,
        faults: &[],
        lie,
        expect,
        within: Duration::from_millis(100),
    }
}

use Command::*;
use Outcome::*;

const fn timeout(attempts: u8) -> Outcome {
    Timeout {
        attempts,
        after_mpr: false,
    }
}

/// The read policy: 5 s per response, two retries, 30 s in all.
const PER_TRY: u64 = 5_000;

/// Byte offsets: a health poll request and response are 20 bytes (integrity check in 16..20,
/// response data from 8); an Identify response is 4120 bytes (integrity check in 4116..4120);
/// byte 4 of an Admin request is its opcode.
static ROWS: &[Row] = &[
    row("clean health poll", HealthPoll, &[], Data, 10),
    row("clean identify", Identify, &[], Data, 10),
    // Lost messages: reads are sent again, writes are not.
    row(
        "request dropped once",
        HealthPoll,
        &[Fault::DropRequest(Which::Nth(0))],
        Data,
        PER_TRY + 10,
    ),
    row(
        "request dropped always",
        HealthPoll,
        &[Fault::DropRequest(Which::All)],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    row(
        "response dropped once",
        Identify,
        &[Fault::DropResponse(Which::Nth(0))],
        Data,
        PER_TRY + 10,
    ),
    row(
        "response dropped always",
        Identify,
        &[Fault::DropResponse(Which::All)],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    row(
        "write: response dropped, not repeated",
        SetMtu,
        &[Fault::DropResponse(Which::Nth(0))],
        timeout(1),
        PER_TRY + 10,
    ),
    // Duplicates and reordering: the extra or late copy never answers a later command.
    row(
        "response duplicated",
        HealthPoll,
        &[Fault::DuplicateResponse(Which::All)],
        Data,
        10,
    ),
    row(
        "response late (after the retry)",
        HealthPoll,
        &[Fault::DelayResponse(Which::Nth(0), 7_000)],
        Data,
        PER_TRY + 10,
    ),
    row(
        "response late always",
        Identify,
        &[Fault::DelayResponse(Which::All, 6_000)],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    // Corruption: a request failing its check is dropped by the drive; a response failing its
    // check is sent again for a read and reported as an integrity failure in the end.
    row(
        "request MIC corrupted once",
        HealthPoll,
        &[Fault::CorruptRequest(Which::Nth(0), 19, 0x01)],
        Data,
        PER_TRY + 10,
    ),
    row(
        "request opcode corrupted once",
        Identify,
        &[Fault::CorruptRequest(Which::Nth(0), 4, 0x20)],
        Data,
        PER_TRY + 10,
    ),
    row(
        "response MIC corrupted once",
        Identify,
        &[Fault::CorruptResponse(Which::Nth(0), 4119, 0x80)],
        Data,
        20,
    ),
    row(
        "response data corrupted always",
        HealthPoll,
        &[Fault::CorruptResponse(Which::All, 9, 0x01)],
        Integrity,
        20,
    ),
    row(
        "response MIC corrupted always",
        Identify,
        &[Fault::CorruptResponse(Which::All, 4119, 0x01)],
        Integrity,
        20,
    ),
    row(
        "response type byte corrupted",
        HealthPoll,
        &[Fault::CorruptResponse(Which::All, 0, 0x01)],
        Unexpected(Unexpected::MessageType {
            expected: 0x84,
            received: 0x85,
        }),
        20,
    ),
    // Truncation: shorter than a header, or cut inside the data.
    row(
        "response truncated to 3 bytes",
        HealthPoll,
        &[Fault::TruncateResponse(Which::All, 3)],
        Malformed(mi::Error::Truncated),
        20,
    ),
    row(
        "response truncated in the data",
        Identify,
        &[Fault::TruncateResponse(Which::All, 2000)],
        Integrity,
        20,
    ),
    row(
        "response truncated once",
        Identify,
        &[Fault::TruncateResponse(Which::Nth(0), 100)],
        Data,
        20,
    ),
    // Addressing: messages with another tag or from another EID are never delivered.
    row(
        "wrong tag once",
        HealthPoll,
        &[Fault::WrongTag(Which::Nth(0))],
        Data,
        PER_TRY + 10,
    ),
    row(
        "wrong tag always",
        HealthPoll,
        &[Fault::WrongTag(Which::All)],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    row(
        "wrong source EID always",
        Identify,
        &[Fault::WrongSource(Which::All)],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    // A drive that never finishes: bounded by the policy's 30 s, whatever MPRT says.
    row(
        "endless More Processing Required",
        Identify,
        &[Fault::EndlessMpr(Which::All, 1_000)],
        Timeout {
            attempts: 1,
            after_mpr: true,
        },
        30_000 + 10,
    ),
    row(
        "silence",
        HealthPoll,
        &[Fault::Silence],
        timeout(3),
        3 * PER_TRY + 10,
    ),
    // Devices that answer, well sealed, with the wrong thing.
    lie(
        "Admin command answered with an MI response",
        Identify,
        Lie::AsMiCommand,
        Unexpected(Unexpected::Nmimt {
            expected: 2,
            received: 1,
        }),
    ),
    lie(
        "answer with ROR clear",
        HealthPoll,
        Lie::AsRequest,
        Unexpected(Unexpected::NotAResponse),
    ),
    lie(
        "answer in the other command slot",
        HealthPoll,
        Lie::OtherSlot,
        Unexpected(Unexpected::CommandSlot),
    ),
    lie(
        "wrong response data length",
        ReadSubsystemInfo,
        Lie::WrongLength,
        Malformed(mi::Error::InconsistentLength),
    ),
    lie(
        "more Admin data than DLEN",
        Identify,
        Lie::ExtraData,
        Malformed(mi::Error::TooLong),
    ),
    lie(
        "Admin response without completion",
        Identify,
        Lie::StatusOnly,
        Malformed(mi::Error::Truncated),
    ),
    lie(
        "health poll response without data",
        HealthPoll,
        Lie::StatusOnly,
        Malformed(mi::Error::Truncated),
    ),
];

#[test]
fn fault_matrix_over_the_loopback() {
    let mut failures = Vec::new();
    for r in ROWS {
        let mut ep = endpoint(r.lie);
        for f in r.faults {
            assert!(ep.transport_mut().inject(*f));
        }
        let t0 = ep.transport_mut().now();
        let got = run(&mut ep, r.cmd);
        let took = ep.transport_mut().now().since(t0);
        let mut problems = Vec::new();
        match got {
            Ok(o) if o == r.expect => {}
            Ok(o) => problems.push(format!("got {o:?}, expected {:?}", r.expect)),
            Err(e) => problems.push(e),
        }
        if took > r.within {
            problems.push(format!("took {took:?}, allowed {:?}", r.within));
        }
        // Heal the wire (a liar stays a liar: check it with a clean drive's answer instead).
        ep.transport_mut().heal();
        ep.transport_mut().inner_mut().responder_mut().lie = Lie::None;
        match run(&mut ep, HealthPoll) {
            Ok(Data) => {}
            other => problems.push(format!("health poll after the row: {other:?}")),
        }
        let stats = ep.transport().inner().stats();
        if stats.open_exchanges != 0 {
            problems.push(format!("{} exchanges left open", stats.open_exchanges));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", r.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The matrix checks what it claims: wrong data are not taken for the drive's.
#[test]
fn the_data_check_can_fail() {
    let mut ep = endpoint(Lie::None);
    let Value::Temperature(t) = send(&mut ep, HealthPoll).unwrap() else {
        panic!("no temperature");
    };
    let s = sim(&ep);
    assert!(is_right(s, HealthPoll, &Value::Temperature(t)));
    assert!(!is_right(
        s,
        HealthPoll,
        &Value::Temperature(t.wrapping_add(1))
    ));
    let Value::Bytes(mut id) = send(&mut ep, Identify).unwrap() else {
        panic!("no data");
    };
    assert!(is_right(sim(&ep), Identify, &Value::Bytes(id.clone())));
    id[4] ^= 1; // a serial number character
    assert!(!is_right(sim(&ep), Identify, &Value::Bytes(id)));
    assert!(!is_right(sim(&ep), SetMtu, &Value::Done));
}
