//! Following the NVMe-MI endpoints `mctpd` publishes on D-Bus: a thread that turns the
//! discovery watcher's events into endpoints added and removed, and that reconnects after
//! losing the bus.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use nvme_mi_linux::discovery::{Discovery, Event};

use super::poll::Target;
use super::Msg;

/// A D-Bus message bus: the one `mctpd` is on, or the one the monitor publishes on.
#[derive(Debug, Clone)]
pub enum MessageBus {
    /// The system bus (where `mctpd` runs).
    System,
    /// The session bus.
    Session,
    /// A bus at this D-Bus address.
    Address(String),
}

/// How long to wait before connecting again after the bus went away or refused.
const RECONNECT: Duration = Duration::from_secs(5);
/// How often the thread looks at the stop flag.
const TICK: Duration = Duration::from_millis(500);

fn connect(bus: &MessageBus) -> Result<Discovery, nvme_mi_linux::discovery::Error> {
    match bus {
        MessageBus::System => Discovery::connect_system(),
        MessageBus::Session => Discovery::connect_session(),
        MessageBus::Address(a) => Discovery::connect_address(a),
    }
}

fn target(net: u32, eid: u8) -> Target {
    Target::Mctp { net, eid }
}

/// Runs until `stop` is set, sending [`Msg::Added`] and [`Msg::Removed`].
pub fn follow(bus: MessageBus, tx: Sender<Msg>, stop: Arc<AtomicBool>) {
    let mut known: BTreeSet<Target> = BTreeSet::new();
    let mut warned = false;
    while !stop.load(Ordering::Relaxed) {
        let watcher = connect(&bus).and_then(|d| d.watch_nvme_mi());
        let mut watcher = match watcher {
            Ok(w) => {
                warned = false;
                w
            }
            Err(e) => {
                if !warned {
                    eprintln!(
                        "monitor: cannot follow mctpd ({e}); trying again every {}s",
                        RECONNECT.as_secs()
                    );
                    warned = true;
                }
                sleep_unless(&stop, RECONNECT);
                continue;
            }
        };
        // The new watcher reports what exists now as added: forget what is gone.
        let now: BTreeSet<Target> = watcher
            .endpoints()
            .iter()
            .map(|e| target(e.net, e.eid))
            .collect();
        for gone in known.difference(&now) {
            let _ = tx.send(Msg::Removed(gone.clone()));
        }
        known.retain(|t| now.contains(t));
        while !stop.load(Ordering::Relaxed) {
            match watcher.next_timeout(TICK) {
                Ok(None) => {}
                Ok(Some(Event::Added(ep))) | Ok(Some(Event::Changed(ep))) => {
                    let t = target(ep.net, ep.eid);
                    if known.insert(t.clone()) && tx.send(Msg::Added(t)).is_err() {
                        return;
                    }
                }
                Ok(Some(Event::Removed { net, eid, .. })) => {
                    let t = target(net, eid);
                    if known.remove(&t) && tx.send(Msg::Removed(t)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    eprintln!("monitor: lost mctpd's D-Bus ({e}); reconnecting");
                    break;
                }
            }
        }
        sleep_unless(&stop, TICK);
    }
}

fn sleep_unless(stop: &AtomicBool, d: Duration) {
    let mut left = d;
    while !stop.load(Ordering::Relaxed) && !left.is_zero() {
        let step = left.min(TICK);
        std::thread::sleep(step);
        left -= step;
    }
}
