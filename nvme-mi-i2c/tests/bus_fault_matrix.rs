//! The fault matrix on the wire: one table of SMBus faults, each row run through the real
//! requester and the I2C transport against a simulated drive on the simulated segment (the
//! core's fragmenter and reassembler on both sides, PEC on every frame, the real responder).
//!
//! Every row names the command, the faults the segment injects (either direction: NACK, lost
//! arbitration, the SMBus clock-low timeout, PEC corruption, lost frames, a wrong sequence
//! number, a duplicated, reordered or truncated frame, a wrong byte count, a drive that
//! stops answering mid-message), the outcome the requester must report (the right data, or
//! one typed error), the most virtual time it may take, whether a write reached the drive
//! (a write is never sent twice), and for frame faults which receiver counted which drop
//! (DSP0236 1.3.3 §8.7 dropped packets, §8.9 terminated message assembly; the SMBus frame's
//! byte count and PEC of DSP0237 1.2). Each row names the clauses it checks: DSP0236 1.3.3
//! clauses, DSP0237 1.2.0 Table 9 for the retry timing, SMBus 3.2 for the bus itself, or
//! the project's own rule that a write is never sent twice. After each row the faults
//! are healed and the stack must be usable: no tag held, a health poll returns the drive's
//! real temperature. Run with `--nocapture` for the table of outcomes and virtual times. The in-memory counterpart (duplicates, reordering,
//! lying devices, More Processing Required forever) is the root package's
//! `tests/fault_matrix.rs`.
#![cfg(feature = "sim")]

use std::time::Duration;

use nvme_mi_core::mctp::reassemble::DropReason;
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::{SubsystemHealthStatusPollRequest, VpdReadRequest};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{Config, Endpoint, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind};
use nvme_mi_i2c::sim::{Faults, FrameFault, Speed};
use nvme_mi_i2c::I2cTransport;

mod common;
use common::{bus, world, Tr, World, DRIVE_ADDR};

type Ep<'t, 'b, 'w> = Endpoint<&'t mut Tr<'b, 'w>, Vec<u8>>;
/// The transport's error on the simulated segment (its controller reports
/// `embedded_hal::i2c::ErrorKind`).
type Error = nvme_mi_i2c::Error<embedded_hal::i2c::ErrorKind>;

/// The per-response timeout of every class in this matrix.
const TIMEOUT: Duration = Duration::from_millis(300);
/// Where the VPD writes of the matrix go, and how long they are.
const VPD_OFFSET: u16 = 200;
const VPD_LEN: usize = 8;

/// The command a row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    /// Subsystem Health Status Poll: a read, one frame each way.
    Health,
    /// Identify Controller: a read whose 4 KiB response takes 65 frames at the baseline TU.
    Identify,
    /// VPD Write of 8 bytes: a write, which the requester never sends twice.
    VpdWrite,
}

/// What the requester must report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The right data (checked against the drive).
    Right,
    /// `RequestError::Timeout` after this many attempts.
    Timeout(u8),
    /// The address was never acknowledged: a transport error of kind `Unreachable`.
    Unreachable,
    /// Arbitration was lost on every try: `Error::ArbitrationLost`.
    ArbitrationLost,
    /// The controller gave up the frame (clock-low timeout): `Error::Bus`, not retried.
    BusError,
}

/// What the drive must have done with a VPD write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// Not a write.
    NotApplicable,
    /// The new bytes are in the VPD.
    Yes,
    /// The VPD is unchanged.
    No,
}

struct Row {
    name: &'static str,
    command: Command,
    faults: Faults,
    outcome: Outcome,
    written: Written,
    /// The most virtual time the command may take.
    within: Duration,
    /// Where the specifications say what must happen (DSP0236 1.3.3 clauses, DSP0237
    /// 1.2.0 tables, SMBus 3.2), or the project's rule.
    spec: &'static str,
}

fn faults(f: impl FnOnce(&mut Faults)) -> Faults {
    let mut x = Faults::default();
    f(&mut x);
    x
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Command::*;
    use Outcome::*;
    let ms = Duration::from_millis;
    let row = |name, command, faults, outcome, written, within, spec| Row {
        name, command, faults, outcome, written, within, spec,
    };
    let (na, yes, no) = (Written::NotApplicable, Written::Yes, Written::No);
    vec![
        row("no fault", Health, Faults::default(), Right, na, ms(10), "DSP0236 1.3.3 §8.8 (single-packet message)"),
        row("no fault, 65 frames", Identify, Faults::default(), Right, na, ms(200), "DSP0236 1.3.3 §8.4, §8.6"),
        row("no fault, write", VpdWrite, Faults::default(), Right, yes, ms(10), "DSP0236 1.3.3 §8.8 (single-packet message)"),
        // NACK of the address: the transport retries it; persistent, the drive is gone.
        row("address NACKed twice", Health, faults(|f| f.nack = 2), Right, na, ms(20), "SMBus 3.2 (address NACK); retried by the transport"),
        row("address NACKed always", Health, faults(|f| f.nack = 1000), Unreachable, na, ms(20), "SMBus 3.2 (address NACK): unreachable"),
        row("write NACKed twice", VpdWrite, faults(|f| f.nack = 2), Right, yes, ms(20), "SMBus 3.2 (address NACK): nothing received, retried"),
        row("write NACKed always", VpdWrite, faults(|f| f.nack = 1000), Unreachable, no, ms(20), "SMBus 3.2 (address NACK): unreachable"),
        // Lost arbitration: retried a bounded number of times.
        row("arbitration lost 3 times", Health, faults(|f| f.arbitration_loss = 3), Right, na, ms(20), "SMBus 3.2 (arbitration); retried by the transport"),
        row("arbitration lost always", Health, faults(|f| f.arbitration_loss = 1000), ArbitrationLost, na, ms(20), "SMBus 3.2 (arbitration): bounded retries"),
        // A corrupted PEC: the receiver drops the frame, as if lost; a read is sent again.
        row("request PEC corrupted", Health, faults(|f| f.corrupt_request_pec = 1), Right, na, ms(350), "DSP0236 1.3.3 §8.7 (bad packet data integrity); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("one of 65 response PECs corrupted", Identify, faults(|f| f.corrupt_response_pec = 1), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (bad integrity, then middle packets without start); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("every response PEC corrupted", Identify, faults(|f| f.corrupt_response_pec = 1000), Timeout(3), na, ms(1200), "DSP0236 1.3.3 §8.7; DSP0237 1.2.0 Table 9 (MT2, MN1): MN1 + 1 tries"),
        // A frame acknowledged, then lost.
        row("request lost", Identify, faults(|f| f.drop_request = 1), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (end packet without start); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("first response frame lost", Identify, faults(|f| f.drop_response = 1), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (middle packet without start); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("every response lost", Health, faults(|f| f.drop_response = 1000), Timeout(3), na, ms(1000), "DSP0237 1.2.0 Table 9 (MT2, MN1): MN1 + 1 tries"),
        // Writes are not repeated: a lost answer is a timeout, but the drive did the write;
        // a lost request is a timeout and nothing was written.
        row("write: response lost", VpdWrite, faults(|f| f.drop_response = 1), Timeout(1), yes, ms(350), "a write is never sent twice; timeout"),
        row("write: response PEC corrupted", VpdWrite, faults(|f| f.corrupt_response_pec = 1), Timeout(1), yes, ms(350), "DSP0236 1.3.3 §8.7; a write is never sent twice"),
        row("write: request lost", VpdWrite, faults(|f| f.drop_request = 1), Timeout(1), no, ms(350), "a write is never sent twice; timeout"),
        row("write: request PEC corrupted", VpdWrite, faults(|f| f.corrupt_request_pec = 1), Timeout(1), no, ms(350), "DSP0236 1.3.3 §8.7; a write is never sent twice"),
        // Frames that arrive wrong, drive to requester (the 65-frame Identify response, frame
        // 3 or frames 3 and 4). DSP0236 1.3.3 §8.9: a packet out of sequence (§8.14: also a
        // duplicate or a reordered one) drops the whole message; §8.7: a frame whose byte count
        // or PEC does not check is dropped; the requester sends the read again after its
        // timeout (DSP0237 1.2.0 Table 9: MT2, MN1 >= 2).
        row("response frame 3: wrong sequence", Identify, faults(|f| f.response_frame = Some((2, FrameFault::WrongSequence))), Right, na, ms(600), "DSP0236 1.3.3 §8.9 (out-of-sequence packet); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("response frame 3: duplicated", Identify, faults(|f| f.response_frame = Some((2, FrameFault::Duplicated))), Right, na, ms(600), "DSP0236 1.3.3 §8.14 (duplicates), §8.9; DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("response frames 3 and 4 reordered", Identify, faults(|f| f.response_frame = Some((2, FrameFault::Reordered))), Right, na, ms(600), "DSP0236 1.3.3 §8.14 (out of order), §8.9; DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("response frame 3: truncated", Identify, faults(|f| f.response_frame = Some((2, FrameFault::Truncated))), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (physical layer error), §8.9; DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("response frame 3: wrong byte count", Identify, faults(|f| f.response_frame = Some((2, FrameFault::WrongByteCount))), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (physical layer error), §8.9; DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        // A one-frame response seen twice: the first is the answer, the copy a stray.
        row("one-frame response duplicated", Health, faults(|f| f.response_frame = Some((0, FrameFault::Duplicated))), Right, na, ms(10), "DSP0236 1.3.3 §8.7 (expired message tag)"),
        row("write: response wrong byte count", VpdWrite, faults(|f| f.response_frame = Some((0, FrameFault::WrongByteCount))), Timeout(1), yes, ms(350), "DSP0236 1.3.3 §8.7; a write is never sent twice"),
        row("write: response truncated", VpdWrite, faults(|f| f.response_frame = Some((0, FrameFault::Truncated))), Timeout(1), yes, ms(350), "DSP0236 1.3.3 §8.7; a write is never sent twice"),
        // Requester to drive (Identify's request is two frames; a VPD write one).
        row("request frame 2: wrong sequence", Identify, faults(|f| f.request_frame = Some((1, FrameFault::WrongSequence))), Right, na, ms(600), "DSP0236 1.3.3 §8.9 (out-of-sequence packet); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        // A second SOM with the same tag restarts the message (DSP0236 1.3.3 §8.9): no loss.
        row("request frame 1: duplicated", Identify, faults(|f| f.request_frame = Some((0, FrameFault::Duplicated))), Right, na, ms(200), "DSP0236 1.3.3 §8.9 (receipt of a new start packet)"),
        row("request frames 1 and 2 reordered", Identify, faults(|f| f.request_frame = Some((0, FrameFault::Reordered))), Right, na, ms(600), "DSP0236 1.3.3 §8.7 (unexpected middle packet), §8.9; DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        // A one-packet message's SOM sets the sequence base: any number is right.
        row("write: one-frame request, other sequence", VpdWrite, faults(|f| f.request_frame = Some((0, FrameFault::WrongSequence))), Right, yes, ms(10), "DSP0236 1.3.3 §8.8 (single-packet message)"),
        row("write: request truncated", VpdWrite, faults(|f| f.request_frame = Some((0, FrameFault::Truncated))), Timeout(1), no, ms(350), "DSP0236 1.3.3 §8.7 (physical layer error); never sent twice"),
        row("write: request wrong byte count", VpdWrite, faults(|f| f.request_frame = Some((0, FrameFault::WrongByteCount))), Timeout(1), no, ms(350), "DSP0236 1.3.3 §8.7 (physical layer error); never sent twice"),
        // SMBus 3.2 TTIMEOUT: SCL held low 25 ms, the frame is lost; not retried by the
        // transport (the drive reset its interface mid-frame), never repeated for a write.
        row("clock held low on the request", Health, faults(|f| f.clock_low = 1), BusError, na, ms(40), "SMBus 3.2 TTIMEOUT (25 ms): bus error, not retried"),
        row("write: clock held low", VpdWrite, faults(|f| f.clock_low = 1), BusError, no, ms(40), "SMBus 3.2 TTIMEOUT (25 ms): bus error, not retried"),
        // The drive stops answering in the middle of a message: the partial message expires
        // in the reassembler, the read is tried MN1 + 1 = 3 times.
        row("drive silent after 10 of 65 frames", Identify, faults(|f| f.silent_after = Some(10)), Timeout(3), na, ms(1200), "DSP0236 1.3.3 §8.9 (timeout waiting for a packet); DSP0237 1.2.0 Table 9 (MT2, MN1)"),
        row("write: drive silent before answering", VpdWrite, faults(|f| f.silent_after = Some(0)), Timeout(1), yes, ms(350), "a write is never sent twice; timeout"),
    ]
}

/// Which side's reassembler or frame check must have dropped something in a row.
#[derive(Debug, Clone, Copy)]
enum Side {
    Requester,
    Drive,
}

/// What the receiving side must have counted: a reassembler drop (DSP0236 1.3.3 §8.7, §8.9)
/// or a frame that failed its byte count check (DSP0236 1.3.3 §8.7, physical layer error),
/// by row name.
enum Dropped {
    Packet(Side, DropReason),
    BadFrame(Side),
}

fn expected_drop(name: &str) -> Option<Dropped> {
    use Dropped::*;
    use Side::*;
    Some(match name {
        "response frame 3: wrong sequence"
        | "response frame 3: duplicated"
        | "response frames 3 and 4 reordered" => Packet(Requester, DropReason::OutOfSequence),
        // The frame after the lost one is out of sequence.
        "response frame 3: truncated" | "response frame 3: wrong byte count" => BadFrame(Requester),
        "write: response wrong byte count" | "write: response truncated" => BadFrame(Requester),
        "request frame 2: wrong sequence" => Packet(Drive, DropReason::OutOfSequence),
        "request frame 1: duplicated" => Packet(Drive, DropReason::Restarted),
        "request frames 1 and 2 reordered" => Packet(Drive, DropReason::NoStart),
        "write: request truncated" | "write: request wrong byte count" => BadFrame(Drive),
        _ => return None,
    })
}

/// The counters [`expected_drop`] looks at: requester drops and bad frames, drive ditto.
fn drop_counts(w: &World<1>, b: &common::SimI2cBus<'_, 1>, d: &Dropped) -> u32 {
    let bus = b.borrow();
    let world = w.borrow();
    let drive = world.drives()[0].endpoint();
    match d {
        Dropped::Packet(Side::Requester, r) => bus.drop_counters().get(*r),
        Dropped::Packet(Side::Drive, r) => drive.drop_counters().get(*r),
        Dropped::BadFrame(Side::Requester) => bus.stats().bad_frames,
        Dropped::BadFrame(Side::Drive) => drive.stats().bad_frames,
    }
}

/// The sum of the fault counters still to apply.
fn pending(f: &Faults) -> u64 {
    [
        f.nack,
        f.arbitration_loss,
        f.corrupt_request_pec,
        f.drop_request,
        f.corrupt_response_pec,
        f.drop_response,
        f.clock_low,
        u32::from(f.request_frame.is_some()),
        u32::from(f.response_frame.is_some()),
        f.silent_after.unwrap_or(0),
    ]
    .iter()
    .map(|&n| u64::from(n))
    .sum()
}

fn vpd_bytes(w: &World<1>) -> [u8; VPD_LEN] {
    let d = w.borrow();
    let at = usize::from(VPD_OFFSET);
    d.drives()[0].sim().vpd()[at..at + VPD_LEN]
        .try_into()
        .unwrap()
}

/// Send `cmd`; the outcome as the requester reports it, checked against the drive.
fn send(
    ep: &mut Ep<'_, '_, '_>,
    w: &World<1>,
    cmd: Command,
    marker: u8,
) -> Result<(), RequestError<Error>> {
    match cmd {
        Command::Health => {
            let h = ep.mi_command(&SubsystemHealthStatusPollRequest {
                clear_status: false,
            })?;
            let want = w.borrow().drives()[0].sim().temperature_celsius();
            assert_eq!(i16::from(h.health.ctemp), want, "composite temperature");
        }
        Command::Identify => {
            let r = ep.admin(0, &Identify::controller(), 0, 4096, &[])?;
            assert_eq!(r.data.len(), 4096);
            let id = IdentifyController::read(r.data).expect("identify data");
            let sn = w.borrow().drives()[0].sim().serial_number().to_owned();
            assert_eq!(id.sn(), sn, "serial number");
        }
        Command::VpdWrite => {
            ep.vpd_write(VPD_OFFSET, &[marker; VPD_LEN])?;
            // The drive's VPD holds the bytes, and reading them back agrees.
            assert_eq!(vpd_bytes(w), [marker; VPD_LEN]);
            let r = ep.mi_command(&VpdReadRequest {
                offset: VPD_OFFSET,
                length: VPD_LEN as u16,
            })?;
            assert_eq!(r.data, &[marker; VPD_LEN]);
        }
    }
    Ok(())
}

fn check(outcome: Outcome, r: &Result<(), RequestError<Error>>) -> bool {
    match (outcome, r) {
        (Outcome::Right, Ok(())) => true,
        (Outcome::Timeout(n), Err(RequestError::Timeout { attempts, .. })) => *attempts == n,
        (Outcome::Unreachable, Err(RequestError::Transport(e @ Error::Nack(_)))) => {
            e.kind() == ErrorKind::Unreachable
        }
        (Outcome::ArbitrationLost, Err(RequestError::Transport(Error::ArbitrationLost(_)))) => true,
        (Outcome::BusError, Err(RequestError::Transport(e @ Error::Bus(_)))) => {
            e.kind() == ErrorKind::Bus
        }
        _ => false,
    }
}

#[test]
fn fault_matrix_on_the_simulated_segment() {
    let w = world(31, Speed::Khz400);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let config = Config::default().with_timeout(TIMEOUT);
    let mut ep = Endpoint::with_config(&mut tr, vec![0u8; MAX_MESSAGE_LEN], config);
    let mut failures = Vec::new();
    for (i, row) in rows().iter().enumerate() {
        let marker = 0x40 + i as u8;
        let before = vpd_bytes(&w);
        let drop_check = expected_drop(row.name);
        let drops_before = drop_check.as_ref().map(|d| drop_counts(&w, &b, d));
        *w.borrow_mut().faults_mut() = row.faults;
        let t0 = w.borrow().now();
        let r = send(&mut ep, &w, row.command, marker);
        let took = w.borrow().now().since(t0);
        let left = w.borrow().faults();
        *w.borrow_mut().faults_mut() = Faults::default();

        let mut wrong = Vec::new();
        if !check(row.outcome, &r) {
            wrong.push(format!("wanted {:?}, got {r:?}", row.outcome));
        }
        if took > row.within {
            wrong.push(format!("took {took:?}, more than {:?}", row.within));
        }
        if pending(&row.faults) > 0 && pending(&left) >= pending(&row.faults) {
            wrong.push("the fault was never applied".into());
        }
        if let (Some(d), Some(n)) = (&drop_check, drops_before) {
            if drop_counts(&w, &b, d) <= n {
                wrong.push("the receiver did not count the drop".into());
            }
        }
        let after = vpd_bytes(&w);
        match row.written {
            Written::Yes if after != [marker; VPD_LEN] => wrong.push("VPD not written".into()),
            Written::No if after != before => wrong.push("VPD written".into()),
            _ => {}
        }
        // Healed, the stack works again at once.
        if b.borrow().tags_in_use(nvme_mi_sim::DEFAULT_EID) != 0 {
            wrong.push("a tag is still held".into());
        }
        if let Err(e) = send(&mut ep, &w, Command::Health, 0) {
            wrong.push(format!("the next health poll failed: {e:?}"));
        }
        eprintln!(
            "{:<36} {:?} in {took:?} [{}]",
            row.name,
            r.as_ref().map_err(|e| e.to_string()),
            row.spec
        );
        if !wrong.is_empty() {
            failures.push(format!("{}: {}", row.name, wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The row checks can fail: a row expecting the wrong outcome, or a fault that the
/// segment never applies, is reported.
#[test]
fn the_checks_can_fail() {
    let timeout = |attempts| {
        Err(RequestError::Timeout {
            waited: Duration::ZERO,
            after_more_processing: false,
            attempts,
        })
    };
    assert!(!check(Outcome::Right, &timeout(3)));
    assert!(!check(Outcome::Timeout(1), &timeout(3)));
    assert!(!check(Outcome::Timeout(1), &Ok(())));
    assert!(!check(Outcome::Unreachable, &timeout(1)));
    assert!(check(Outcome::Timeout(3), &timeout(3)));
    assert_eq!(pending(&faults(|f| f.drop_response = 2)), 2);
    assert_eq!(pending(&Faults::default()), 0);
}
