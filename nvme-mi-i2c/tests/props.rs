//! Property tests: the receive queue against a model, the receive path on arbitrary bytes,
//! and fragmentation at every transmission unit over the simulated bus.

use std::cell::RefCell;
use std::collections::VecDeque;

use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, Operation};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::Transport;
use nvme_mi_i2c::{Bus, Clock, Error, FrameQueue, I2cTransport, TargetReceiver, MAX_RECEIVED_LEN};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Frame(Vec<u8>),
    Abort(Vec<u8>),
    Poll,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Op::Frame),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(Op::Abort),
        Just(Op::Poll),
    ]
}

proptest! {
    #[test]
    fn frame_queue_matches_a_model(ops in prop::collection::vec(op(), 0..40)) {
        let mut q: FrameQueue<3> = FrameQueue::new();
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        let mut buf = [0u8; MAX_RECEIVED_LEN];
        for op in ops {
            match op {
                Op::Frame(f) => {
                    for &b in &f {
                        q.feed_byte(b);
                    }
                    q.end_of_frame();
                    if !f.is_empty() && f.len() <= MAX_RECEIVED_LEN && model.len() < 3 {
                        model.push_back(f);
                    }
                }
                Op::Abort(f) => {
                    for &b in &f {
                        q.feed_byte(b);
                    }
                    q.abort_frame();
                }
                Op::Poll => {
                    let got = q.poll_frame(&mut buf).map(|n| buf[..n].to_vec());
                    prop_assert_eq!(got, model.pop_front());
                }
            }
            prop_assert_eq!(q.len(), model.len());
        }
    }
}

/// Accepts every write.
struct Sink;
impl ErrorType for Sink {
    type Error = ErrorKind;
}
impl I2c for Sink {
    fn transaction(&mut self, _: u8, _: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        Ok(())
    }
}

struct Frames(VecDeque<Vec<u8>>);
impl TargetReceiver for Frames {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        let f = self.0.pop_front()?;
        let dst = buf.get_mut(..f.len())?;
        dst.copy_from_slice(&f);
        Some(f.len())
    }
}

struct Ticks(u64);
impl Clock for Ticks {
    fn now(&mut self) -> Instant {
        self.0 += 1;
        Instant(self.0)
    }
}

proptest! {
    #[test]
    fn receive_path_survives_arbitrary_bytes(
        junk in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..270), 0..20),
    ) {
        // The health poll response of the vectors (tag 0, from EID 9 to EID 8), last.
        let resp: [u8; 28] = [
            0x0f, 0x19, 0x3b, 0x01, 0x08, 0x09, 0xc0, 0x84, 0x88, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x38, 0xff, 0x25, 0x03, 0x01, 0x00, 0x00, 0x00, 0x56, 0xaf, 0x1e, 0xd6, 0x4a,
        ];
        let mut frames: VecDeque<Vec<u8>> = junk.into_iter().collect();
        frames.push_back(resp.to_vec());
        let b = RefCell::new(Bus::new(Sink, Frames(frames), Ticks(0), 0x10, Eid(8)));
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        tr.send_request(&[&[0x84, 0x08, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xd2, 0xd4, 0x77, 0x36]]).unwrap();
        let mut buf = [0u8; 64];
        match tr.recv_response(&mut buf, Instant(10_000)) {
            Ok(n) => prop_assert_eq!(&buf[..n], &resp[7..27]),
            Err(e) => prop_assert_eq!(e, Error::Timeout),
        }
    }
}

#[cfg(feature = "sim")]
mod over_the_simulated_bus {
    use super::*;
    use nvme_mi_core::mi::admin::Identify;
    use nvme_mi_core::mi::MAX_MESSAGE_LEN;
    use nvme_mi_core::requester::Endpoint;
    use nvme_mi_i2c::negotiate_transmission_unit;
    use nvme_mi_i2c::sim::{SimBus, SimDrive, Speed};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn every_transmission_unit_carries_identify(tu in 64u16..=250) {
            let w = RefCell::new(SimBus::new(Speed::Mhz1, 0x10, [SimDrive::new(3, 0x1d, 0x6a)]));
            let b = RefCell::new(Bus::new(
                SimBus::controller(&w), SimBus::receiver(&w), SimBus::clock(&w), 0x10, Eid(8),
            ));
            let mut tr = I2cTransport::new(&b, 0x1d, nvme_mi_sim::DEFAULT_EID);
            let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
            prop_assert_eq!(negotiate_transmission_unit(&mut ep, 1, tu), Ok(tu));
            w.borrow_mut().reset_stats();
            let r = ep.admin(0, &Identify::controller(), 0, 4096, &[]).unwrap();
            prop_assert_eq!(r.data.len(), 4096);
            let st = w.borrow().stats();
            // Request 72 bytes, response 4120 bytes, both fragmented at `tu`.
            prop_assert_eq!(st.requester_frames as usize, 72usize.div_ceil(usize::from(tu)));
            prop_assert_eq!(st.drive_frames as usize, 4120usize.div_ceil(usize::from(tu)));
        }
    }
}
