//! The receive path: frames another bus controller (the drive) writes to our own target
//! address (DSP0237 §6).

use core::task::Waker;

use nvme_mi_core::mctp::smbus::MAX_FRAME_LEN;

/// The most bytes a target receives after its own address byte: command code to PEC
/// (258 bytes).
pub const MAX_RECEIVED_LEN: usize = MAX_FRAME_LEN - 1;

/// A source of SMBus block writes addressed to our own 7-bit target address (DSP0237).
///
/// MCTP over SMBus uses only controller writes, so the drive answers by becoming bus
/// controller and writing to us: an I2C *target* peripheral receives those bytes. An
/// implementation hands over one whole write at a time, without our address byte (the
/// transport verifies the PEC with [`decode_received`](nvme_mi_core::mctp::smbus::decode_received),
/// which puts our address back into the check).
pub trait TargetReceiver {
    /// Copy the next received write (command code to PEC) into `buf` and return its length,
    /// or `None` when nothing is waiting. Never blocks. A write longer than `buf` is
    /// discarded (it cannot be a valid frame if `buf` holds [`MAX_RECEIVED_LEN`] bytes).
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize>;

    /// Wake `waker` when the next write has been received (from the target interrupt path),
    /// replacing the waker given before; wake it at once if a write is already waiting.
    /// Return `false` if the receiver cannot wake anyone: the async transports then wake
    /// themselves and poll again.
    fn register_waker(&mut self, waker: &Waker) -> bool {
        let _ = waker;
        false
    }
}

impl<T: TargetReceiver + ?Sized> TargetReceiver for &mut T {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        (**self).poll_frame(buf)
    }
    fn register_waker(&mut self, waker: &Waker) -> bool {
        (**self).register_waker(waker)
    }
}

/// What a [`FrameQueue`] saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QueueStats {
    /// Writes completed and queued.
    pub frames: u32,
    /// Writes discarded because every slot was full.
    pub overruns: u32,
    /// Writes discarded because they were longer than [`MAX_RECEIVED_LEN`].
    pub too_long: u32,
    /// Writes abandoned by [`FrameQueue::abort_frame`] (bus error, missing stop).
    pub aborted: u32,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    len: usize,
    bytes: [u8; MAX_RECEIVED_LEN],
}

const EMPTY: Slot = Slot {
    len: 0,
    bytes: [0; MAX_RECEIVED_LEN],
};

/// A queue of `N` received writes, filled byte by byte by the I2C target's interrupt handler
/// and emptied by the transport through [`TargetReceiver`].
///
/// The producer side is [`FrameQueue::feed_byte`] for each byte after our address, then
/// [`FrameQueue::end_of_frame`] at the stop (or repeated start) condition, or
/// [`FrameQueue::abort_frame`] on a bus error. Everything is plain `&mut self` code without
/// `unsafe`: sharing one queue between an interrupt handler and the main loop is the
/// application's business, the usual way being a `critical_section::Mutex<RefCell<FrameQueue<N>>>`
/// (the receiver given to the [`Bus`](crate::Bus) is then a small wrapper whose
/// `poll_frame` locks it for the duration of one copy), or an RTIC/embassy shared resource.
/// The lock is held for at most one frame copy (≤ 258 bytes), far shorter than one byte time
/// at 1 MHz SMBus (9 µs), so the peripheral does not overrun.
///
/// Memory: `N × 260` bytes; two slots suffice for one drive (the drive cannot send the next
/// frame before we have taken one), more for several drives answering at once.
#[derive(Debug, Clone)]
pub struct FrameQueue<const N: usize> {
    slots: [Slot; N],
    /// Index of the oldest complete frame.
    head: usize,
    /// Number of complete frames.
    count: usize,
    /// Bytes of the frame being received (goes into slot `(head + count) % N`).
    filling: usize,
    overflow: bool,
    stats: QueueStats,
    /// Woken by [`FrameQueue::end_of_frame`] when a write is queued.
    waker: Option<Waker>,
}

impl<const N: usize> Default for FrameQueue<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FrameQueue<N> {
    /// An empty queue.
    pub const fn new() -> Self {
        FrameQueue {
            slots: [EMPTY; N],
            head: 0,
            count: 0,
            filling: 0,
            overflow: false,
            stats: QueueStats {
                frames: 0,
                overruns: 0,
                too_long: 0,
                aborted: 0,
            },
            waker: None,
        }
    }

    fn tail(&self) -> Option<usize> {
        if self.count >= N {
            None
        } else {
            Some((self.head + self.count) % N)
        }
    }

    /// Interrupt side: one byte of the write in progress (the bytes after our address byte).
    pub fn feed_byte(&mut self, byte: u8) {
        if self.filling >= MAX_RECEIVED_LEN {
            self.overflow = true;
            return;
        }
        if let Some(slot) = self.tail().and_then(|t| self.slots.get_mut(t)) {
            if let Some(b) = slot.bytes.get_mut(self.filling) {
                *b = byte;
            }
        }
        self.filling += 1;
    }

    /// Interrupt side: the write ended (stop condition). Queues it, or counts why not.
    pub fn end_of_frame(&mut self) {
        let len = core::mem::take(&mut self.filling);
        if core::mem::take(&mut self.overflow) {
            self.stats.too_long = self.stats.too_long.saturating_add(1);
            return;
        }
        if len == 0 {
            return;
        }
        match self.tail().and_then(|t| self.slots.get_mut(t)) {
            Some(slot) => {
                slot.len = len;
                self.count += 1;
                self.stats.frames = self.stats.frames.saturating_add(1);
                if let Some(w) = self.waker.take() {
                    w.wake();
                }
            }
            None => self.stats.overruns = self.stats.overruns.saturating_add(1),
        }
    }

    /// Interrupt side: the write in progress is abandoned (bus error, arbitration lost by
    /// the sender, missing stop).
    pub fn abort_frame(&mut self) {
        if self.filling > 0 || self.overflow {
            self.stats.aborted = self.stats.aborted.saturating_add(1);
        }
        self.filling = 0;
        self.overflow = false;
    }

    /// Interrupt side: a whole write at once (for peripherals with a DMA buffer).
    pub fn push_frame(&mut self, bytes: &[u8]) {
        self.abort_frame();
        for &b in bytes {
            self.feed_byte(b);
        }
        self.end_of_frame();
    }

    /// Complete frames waiting.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no complete frame is waiting.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// What the queue saw.
    pub fn stats(&self) -> QueueStats {
        self.stats
    }
}

impl<const N: usize> TargetReceiver for FrameQueue<N> {
    fn register_waker(&mut self, waker: &Waker) -> bool {
        if self.count > 0 {
            waker.wake_by_ref();
        } else if !self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            self.waker = Some(waker.clone());
        }
        true
    }

    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        while self.count > 0 {
            let slot = self.slots.get(self.head)?;
            let len = slot.len;
            let src = slot.bytes.get(..len).unwrap_or(&[]);
            let copied = buf.get_mut(..len).map(|dst| dst.copy_from_slice(src));
            self.head = (self.head + 1) % N;
            self.count -= 1;
            if copied.is_some() {
                return Some(len);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_order_overrun_and_abort() {
        let mut q: FrameQueue<2> = FrameQueue::new();
        let mut buf = [0u8; MAX_RECEIVED_LEN];
        assert_eq!(q.poll_frame(&mut buf), None);
        q.push_frame(&[1, 2, 3]);
        q.feed_byte(4);
        q.end_of_frame();
        q.push_frame(&[5]); // full: overrun
        assert_eq!(q.stats().overruns, 1);
        assert_eq!(q.len(), 2);
        assert_eq!(q.poll_frame(&mut buf), Some(3));
        assert_eq!(&buf[..3], &[1, 2, 3]);
        q.feed_byte(9);
        q.abort_frame();
        assert_eq!(q.stats().aborted, 1);
        q.end_of_frame(); // nothing in progress: ignored
        assert_eq!(q.poll_frame(&mut buf), Some(1));
        assert_eq!(buf[0], 4);
        assert!(q.is_empty());
        // Wrap-around keeps order.
        for i in 0..5u8 {
            q.push_frame(&[i, i]);
            assert_eq!(q.poll_frame(&mut buf), Some(2));
            assert_eq!(buf[..2], [i, i]);
        }
    }

    #[test]
    fn too_long_and_small_buffer() {
        let mut q: FrameQueue<2> = FrameQueue::new();
        for _ in 0..MAX_RECEIVED_LEN + 1 {
            q.feed_byte(0xaa);
        }
        q.end_of_frame();
        assert_eq!(q.stats().too_long, 1);
        assert!(q.is_empty());
        q.push_frame(&[0; MAX_RECEIVED_LEN]);
        assert_eq!(q.len(), 1);
        let mut small = [0u8; 8];
        assert_eq!(q.poll_frame(&mut small), None);
        assert!(q.is_empty());
    }
}
