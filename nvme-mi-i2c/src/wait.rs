//! Tasks waiting on a shared [`Bus`](crate::Bus): a fixed-size FIFO of wakers.

use core::task::Waker;

/// How many async transports can wait on one bus at once (for its controller, or for a
/// received message), unless the bus's `WAITERS` parameter says otherwise. Beyond that a
/// waiter gets [`Error::BusBusy`](crate::Error::BusBusy).
pub const MAX_WAITERS: usize = 24;

/// A waiter's place in a [`Waiters`] queue.
pub(crate) type WaiterId = u32;

/// A FIFO of waiting tasks, each known by a [`WaiterId`] and carrying what it waits for
/// (`T`): first come, first served.
#[derive(Debug)]
pub(crate) struct Waiters<T, const N: usize> {
    slots: [Option<(WaiterId, T, Waker)>; N],
    /// Arrival order: `order[..len]` index `slots`, oldest first.
    order: [u8; N],
    len: usize,
}

impl<T: Copy, const N: usize> Waiters<T, N> {
    pub(crate) const fn new() -> Self {
        Waiters {
            slots: [const { None }; N],
            order: [0; N],
            len: 0,
        }
    }

    fn position(&self, id: WaiterId) -> Option<usize> {
        self.order.get(..self.len)?.iter().position(|&s| {
            self.slots
                .get(usize::from(s))
                .and_then(Option::as_ref)
                .is_some_and(|(i, _, _)| *i == id)
        })
    }

    /// Queue `id` (or refresh its waker if it is queued). `false` if the queue is full.
    pub(crate) fn enqueue(&mut self, id: WaiterId, what: T, waker: &Waker) -> bool {
        if let Some(p) = self.position(id) {
            let slot = self.order.get(p).map(|&s| usize::from(s));
            if let Some(Some((_, t, w))) = slot.and_then(|s| self.slots.get_mut(s)) {
                *t = what;
                if !w.will_wake(waker) {
                    *w = waker.clone();
                }
            }
            return true;
        }
        let Some(free) = self.slots.iter().position(Option::is_none) else {
            return false;
        };
        let (Some(slot), Some(o)) = (self.slots.get_mut(free), self.order.get_mut(self.len)) else {
            return false;
        };
        *slot = Some((id, what, waker.clone()));
        *o = free as u8;
        self.len += 1;
        true
    }

    /// True if `id` is first in the queue, or the queue is empty.
    pub(crate) fn is_first(&self, id: WaiterId) -> bool {
        self.len == 0 || self.position(id) == Some(0)
    }

    /// True if nobody waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Take `id` out of the queue (served, timed out or dropped).
    pub(crate) fn remove(&mut self, id: WaiterId) {
        let Some(p) = self.position(id) else { return };
        if let Some(&s) = self.order.get(p) {
            if let Some(slot) = self.slots.get_mut(usize::from(s)) {
                *slot = None;
            }
        }
        if let Some(tail) = self.order.get_mut(p..self.len) {
            tail.rotate_left(1);
        }
        self.len -= 1;
    }

    /// Wake the first waiter (it stays queued until it takes its turn).
    pub(crate) fn wake_first(&self) {
        if let Some(w) = self.waker_at(0) {
            w.wake_by_ref();
        }
    }

    fn waker_at(&self, p: usize) -> Option<&Waker> {
        let s = usize::from(*self.order.get(p)?);
        self.slots.get(s)?.as_ref().map(|(_, _, w)| w)
    }

    /// The first waiter other than `except` whose payload satisfies `f`: wake it, return it.
    pub(crate) fn wake_matching(
        &self,
        except: WaiterId,
        f: impl Fn(&T) -> bool,
    ) -> Option<WaiterId> {
        let (id, _, w) = self
            .order
            .get(..self.len)?
            .iter()
            .filter_map(|&s| self.slots.get(usize::from(s))?.as_ref())
            .find(|(i, t, _)| *i != except && f(t))?;
        w.wake_by_ref();
        Some(*id)
    }

    /// What `id` waits for, if it is queued.
    pub(crate) fn payload(&self, id: WaiterId) -> Option<T> {
        let s = usize::from(*self.order.get(self.position(id)?)?);
        self.slots.get(s)?.as_ref().map(|(_, t, _)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_refresh_remove_full() {
        let w = Waker::noop();
        let mut q: Waiters<char, MAX_WAITERS> = Waiters::new();
        assert!(q.is_first(7));
        assert!(q.enqueue(1, 'a', w));
        assert!(q.enqueue(2, 'b', w));
        assert!(q.enqueue(1, 'c', w)); // refresh keeps the place
        assert_eq!(q.payload(1), Some('c'));
        assert_eq!(q.wake_matching(1, |&t| t == 'b'), Some(2));
        assert_eq!(q.wake_matching(2, |&t| t == 'b'), None);
        assert!(q.is_first(1));
        assert!(!q.is_first(2));
        q.remove(1);
        assert!(q.is_first(2));
        q.remove(2);
        assert!(q.is_empty());
        for i in 0..MAX_WAITERS as u32 {
            assert!(q.enqueue(i, 'x', w));
        }
        assert!(!q.enqueue(99, 'x', w));
        q.remove(5);
        assert!(q.enqueue(99, 'y', w));
        assert!(q.is_first(0));
        q.wake_first();
    }
}
