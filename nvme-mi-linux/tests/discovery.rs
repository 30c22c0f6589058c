//! mctpd discovery against a fake mctpd on a real `dbus-daemon` (one private bus per test).

#![cfg(feature = "discovery")]

mod discovery_support;

use discovery_support::fake_mctpd::{FakeEndpoint, FakeMctpd, Version};
use discovery_support::Bus;
use nvme_mi_core::mctp::Eid;
use nvme_mi_linux::discovery::{Connectivity, Discovery, Error, Event, Tree};
use nvme_mi_linux::{MctpAddr, MctpDevice};
use std::time::Duration;

/// Bound on waiting for one event that must come.
const EVENT: Duration = Duration::from_secs(5);
/// How long silence must last to show that no (further) event comes.
const QUIET: Duration = Duration::from_millis(300);

fn discovery(bus: &Bus) -> Discovery {
    Discovery::from_connection(bus.connect()).with_timeout(Duration::from_secs(5))
}

#[test]
fn lists_exactly_the_nvme_mi_endpoints_of_the_2x_tree() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_link("mctpi2c1", 1);
    // The fake publishes the host's own EID 8 (control only) as mctpd does.
    fake.add_endpoint(
        FakeEndpoint::new(1, 9, &[0, 4]).with_uuid("c0ffee00-0000-4000-8000-000000000009"),
    );
    fake.add_endpoint(FakeEndpoint::new(1, 10, &[0, 1])); // PLDM only
    let mut degraded = FakeEndpoint::new(2, 12, &[0, 4, 5]);
    degraded.connectivity = "Degraded".into();
    fake.add_endpoint(degraded);

    let mctpd = discovery(&bus);
    let found = mctpd.list_nvme_mi().unwrap();
    let summary: Vec<_> = found
        .iter()
        .map(|e| {
            (
                e.net,
                e.eid,
                e.uuid.clone(),
                e.connectivity.clone(),
                e.path.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                1,
                9,
                Some("c0ffee00-0000-4000-8000-000000000009".to_owned()),
                Connectivity::Available,
                "/au/com/codeconstruct/mctp1/networks/1/endpoints/9"
            ),
            (
                2,
                12,
                None,
                Connectivity::Degraded,
                "/au/com/codeconstruct/mctp1/networks/2/endpoints/12"
            ),
        ]
    );
    assert_eq!(found[0].message_types, [0, 4]);
    assert_eq!(found[0].address(), "mctp:1,9");
    // The address opens as a transport: it parses as the crate's device string.
    let dev: MctpDevice = found[0].address().parse().unwrap();
    assert_eq!(dev.addr, found[0].mctp_addr());
    assert_eq!(MctpAddr::from(&found[1]), MctpAddr::new(2, Eid(12)));
    assert_eq!(found[1].address(), "mctp:2,12");
    assert_eq!(found[0].uuid_bytes().unwrap()[15], 9);

    // All endpoints, but no interface or network object, and not the host's own EID 8.
    let all: Vec<_> = mctpd
        .endpoints()
        .unwrap()
        .iter()
        .map(|e| (e.net, e.eid))
        .collect();
    assert_eq!(all, [(1, 9), (1, 10), (2, 12)]);
}

#[test]
fn finds_the_1x_tree_with_signed_network_ids() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V1).unwrap();
    fake.add_endpoint(FakeEndpoint::new(1, 9, &[0, 4]).with_uuid("u-9"));
    fake.add_endpoint(FakeEndpoint::new(3, 11, &[4]));
    fake.add_endpoint(FakeEndpoint::new(1, 12, &[0, 2]));
    // Published as NetworkId = -1: rejected, not read as 4294967295.
    fake.add_endpoint(FakeEndpoint::new(u32::MAX, 13, &[0, 4]));

    let mctpd = discovery(&bus);
    let found: Vec<_> = mctpd
        .list_nvme_mi()
        .unwrap()
        .into_iter()
        .map(|e| (e.net, e.eid, e.uuid, e.connectivity, e.path.to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (
                1,
                9,
                Some("u-9".to_owned()),
                Connectivity::Unknown(String::new()),
                "/xyz/openbmc_project/mctp/1/9".to_owned()
            ),
            (
                3,
                11,
                None,
                Connectivity::Unknown(String::new()),
                "/xyz/openbmc_project/mctp/3/11".to_owned()
            ),
        ]
    );
    let watcher = mctpd.watch_nvme_mi().unwrap();
    assert_eq!(watcher.tree(), Tree::V1);
    assert_eq!(watcher.endpoints().len(), 2);
}

#[test]
fn the_2x_tree_wins_over_the_1x_tree() {
    let bus = Bus::start();
    let old = FakeMctpd::start(bus.address(), Version::V1).unwrap();
    old.add_endpoint(FakeEndpoint::new(1, 20, &[4]));
    let new = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    new.add_endpoint(FakeEndpoint::new(1, 30, &[4]));
    let eids: Vec<_> = discovery(&bus)
        .list_nvme_mi()
        .unwrap()
        .iter()
        .map(|e| e.eid)
        .collect();
    assert_eq!(eids, [30]);
}

#[test]
fn without_mctpd_calls_fail_fast() {
    let bus = Bus::start();
    let mctpd = discovery(&bus);
    assert!(matches!(mctpd.list_nvme_mi(), Err(Error::NotRunning)));
    assert!(matches!(
        mctpd.setup_endpoint("mctpi2c1", &[0x1d]),
        Err(Error::NotRunning)
    ));
}

#[test]
fn a_silent_daemon_times_out() {
    let bus = Bus::start();
    // Owns mctpd's name but never answers.
    let mute = bus.connect();
    mute.request_name("au.com.codeconstruct.MCTP1").unwrap();
    let mctpd = Discovery::from_connection(bus.connect()).with_timeout(Duration::from_millis(300));
    let start = std::time::Instant::now();
    assert!(matches!(mctpd.list_nvme_mi(), Err(Error::Timeout)));
    assert!(matches!(mctpd.watch_nvme_mi(), Err(Error::Timeout)));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

/// Reads `n` events, each of which must come within `EVENT`.
fn next_events(watcher: &mut nvme_mi_linux::discovery::Watcher, n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| match watcher.next_timeout(EVENT).unwrap() {
            Some(ev) => ev,
            None => panic!("event {i} of {n} missing"),
        })
        .collect()
}

/// Reads events until `QUIET` passes without one.
fn drain(watcher: &mut nvme_mi_linux::discovery::Watcher) -> Vec<Event> {
    watcher.events(QUIET).map(|e| e.unwrap()).collect()
}

fn summary(events: &[Event]) -> Vec<(char, u32, u8, Option<Connectivity>)> {
    events
        .iter()
        .map(|e| match e {
            Event::Added(ep) => ('+', ep.net, ep.eid, Some(ep.connectivity.clone())),
            Event::Changed(ep) => ('~', ep.net, ep.eid, Some(ep.connectivity.clone())),
            Event::Removed { net, eid, .. } => ('-', *net, *eid, None),
        })
        .collect()
}

#[test]
fn watcher_sees_every_change_in_order() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_endpoint(FakeEndpoint::new(1, 9, &[0, 4]));
    let mctpd = discovery(&bus);
    let mut watcher = mctpd.watch_nvme_mi().unwrap();
    assert_eq!(watcher.tree(), Tree::V2);

    // A burst of changes, read after the fact: every event, in order.
    fake.add_endpoint(FakeEndpoint::new(1, 20, &[0, 4]).with_uuid("u-20"));
    fake.add_endpoint(FakeEndpoint::new(1, 21, &[0, 1])); // not NVMe-MI: no event
    fake.set_connectivity(1, 20, "Degraded", false);
    fake.set_connectivity(1, 21, "Degraded", false); // not followed: no event
    fake.set_connectivity(1, 20, "Recovering", false);
    let mut events = next_events(&mut watcher, 4);
    // An invalidated property is read again, so it gives the value current when the watcher
    // handles the signal: wait for it before the next change.
    fake.set_connectivity(1, 20, "Available", true);
    events.extend(next_events(&mut watcher, 1));
    fake.remove_endpoint(1, 20);
    fake.remove_endpoint(1, 21);
    fake.remove_endpoint(1, 9);
    events.extend(next_events(&mut watcher, 2));
    events.extend(drain(&mut watcher));
    use Connectivity::*;
    assert_eq!(
        summary(&events),
        [
            ('+', 1, 9, Some(Available)),
            ('+', 1, 20, Some(Available)),
            ('~', 1, 20, Some(Degraded)),
            ('~', 1, 20, Some(Unknown("Recovering".into()))),
            ('~', 1, 20, Some(Available)),
            ('-', 1, 20, None),
            ('-', 1, 9, None),
        ]
    );
    match &events[1] {
        Event::Added(ep) => assert_eq!(ep.uuid.as_deref(), Some("u-20")),
        other => panic!("{other:?}"),
    }
    assert!(watcher.endpoints().is_empty());
}

#[test]
fn watcher_started_amid_changes_converges() {
    let bus = Bus::start();
    let fake = std::sync::Arc::new(FakeMctpd::start(bus.address(), Version::V2).unwrap());
    let churn = {
        let fake = fake.clone();
        std::thread::spawn(move || {
            for round in 0..40u8 {
                let eid = 9 + round % 20;
                if round < 20 {
                    fake.add_endpoint(FakeEndpoint::new(1, eid, &[4]));
                } else if round % 2 == 0 {
                    fake.remove_endpoint(1, eid);
                } else {
                    fake.set_connectivity(1, eid, "Degraded", round % 4 == 1);
                }
            }
        })
    };
    let mctpd = discovery(&bus);
    let mut watcher = mctpd.watch_nvme_mi().unwrap();
    churn.join().unwrap();
    drain(&mut watcher);
    let seen: Vec<_> = watcher
        .endpoints()
        .into_iter()
        .map(|e| (e.eid, e.connectivity))
        .collect();
    let truth: Vec<_> = fake
        .endpoints()
        .into_iter()
        .map(|e| (e.eid, Connectivity::from_property(&e.connectivity)))
        .collect();
    assert_eq!(seen, truth);
}

#[test]
fn watcher_follows_the_daemon_leaving_and_coming_back() {
    let bus = Bus::start();
    let mctpd = discovery(&bus);
    // Started before any mctpd runs: follows the 2.x name, knows nothing yet.
    let mut watcher = mctpd.watch_nvme_mi().unwrap();
    assert_eq!(watcher.tree(), Tree::V2);
    assert!(drain(&mut watcher).is_empty());

    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_endpoint(FakeEndpoint::new(1, 9, &[4]));
    let first = next_events(&mut watcher, 1);
    assert_eq!(
        summary(&first),
        [('+', 1, 9, Some(Connectivity::Available))]
    );
    assert!(drain(&mut watcher).is_empty());

    fake.stop();
    let gone = next_events(&mut watcher, 1);
    assert_eq!(summary(&gone), [('-', 1, 9, None)]);

    let again = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    again.add_endpoint(FakeEndpoint::new(1, 9, &[4]));
    again.add_endpoint(FakeEndpoint::new(1, 10, &[4]));
    let mut events = next_events(&mut watcher, 2);
    events.extend(drain(&mut watcher));
    let mut added: Vec<_> = summary(&events)
        .into_iter()
        .map(|(k, _, eid, _)| (k, eid))
        .collect();
    added.sort();
    added.dedup();
    assert_eq!(added, [('+', 9), ('+', 10)]);
}

#[test]
fn setup_endpoint_returns_the_daemons_answer() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_link("mctpi2c1", 1);
    let mctpd = discovery(&bus);

    let first = mctpd.setup_endpoint("mctpi2c1", &[0x1d]).unwrap();
    assert_eq!((first.eid, first.net, first.new), (9, 1, true));
    assert_eq!(
        first.path.as_str(),
        "/au/com/codeconstruct/mctp1/networks/1/endpoints/9"
    );
    assert_eq!(first.mctp_addr().to_string(), "mctp:1,9");
    assert_eq!(first.mctp_addr(), MctpAddr::new(1, Eid(9)));
    let again = mctpd.setup_endpoint("mctpi2c1", &[0x1d]).unwrap();
    assert_eq!((again.eid, again.new), (9, false));
    let other = mctpd.setup_endpoint("mctpi2c1", &[0x1e]).unwrap();
    assert_eq!((other.eid, other.new), (10, true));
    assert_eq!(
        fake.setup_calls(),
        [
            ("mctpi2c1".to_owned(), vec![0x1d]),
            ("mctpi2c1".to_owned(), vec![0x1d]),
            ("mctpi2c1".to_owned(), vec![0x1e])
        ]
    );
    // The new endpoints are listed (the fake gives them NVMe-MI).
    let eids: Vec<_> = mctpd
        .list_nvme_mi()
        .unwrap()
        .iter()
        .map(|e| e.eid)
        .collect();
    assert_eq!(eids, [9, 10]);
    // An interface mctpd does not have: the daemon's error comes back.
    assert!(matches!(
        mctpd.setup_endpoint("mctpi2c7", &[0x1d]),
        Err(Error::Bus(_))
    ));
}

#[test]
fn the_async_api_lists_and_watches() {
    use nvme_mi_linux::discovery::AsyncDiscovery;
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_endpoint(FakeEndpoint::new(1, 9, &[0, 4]));
    let mctpd = AsyncDiscovery::from_connection(bus.connect().into_inner())
        .with_timeout(Duration::from_secs(5));
    zbus::block_on(async {
        let eids: Vec<_> = mctpd
            .list_nvme_mi()
            .await
            .unwrap()
            .iter()
            .map(|e| e.eid)
            .collect();
        assert_eq!(eids, [9]);
        let mut watcher = mctpd.watch_nvme_mi().await.unwrap();
        let first = watcher.next_event().await.unwrap();
        assert_eq!(
            summary(&[first]),
            [('+', 1, 9, Some(Connectivity::Available))]
        );
        fake.set_connectivity(1, 9, "Degraded", false);
        let deadline = std::time::Instant::now() + EVENT;
        let changed = watcher
            .next_event_before(deadline)
            .await
            .unwrap()
            .expect("a change");
        assert_eq!(
            summary(&[changed]),
            [('~', 1, 9, Some(Connectivity::Degraded))]
        );
        let quiet = std::time::Instant::now() + QUIET;
        assert_eq!(watcher.next_event_before(quiet).await.unwrap(), None);
    });
}

#[test]
fn the_hosts_own_endpoints_are_never_reported() {
    let bus = Bus::start();
    let mctpd = discovery(&bus);
    // Watching every endpoint, from before the daemon starts.
    let mut watcher = mctpd.watch_all().unwrap();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_endpoint(FakeEndpoint::new(1, 9, &[0, 4]));
    let first = next_events(&mut watcher, 1);
    assert_eq!(
        summary(&first),
        [('+', 1, 9, Some(Connectivity::Available))]
    );
    // A local EID added later on a new network, after its network object: mctpd's order,
    // with LocalEIDs (constant, no signal) changing under the watcher.
    fake.add_link("mctpi2c2", 2);
    fake.add_local(2, 30);
    fake.add_endpoint(FakeEndpoint::new(2, 31, &[0]));
    let next = next_events(&mut watcher, 1);
    assert_eq!(
        summary(&next),
        [('+', 2, 31, Some(Connectivity::Available))]
    );
    // Never the local EID 30, not even reported and withdrawn (signals the daemon sent
    // before a snapshot of its tree are not replayed over it).
    let rest = summary(&drain(&mut watcher));
    assert!(rest.is_empty(), "{rest:?}");
    let known: Vec<_> = watcher.endpoints().iter().map(|e| (e.net, e.eid)).collect();
    assert_eq!(known, [(1, 9), (2, 31)]);
    let listed: Vec<_> = mctpd
        .endpoints()
        .unwrap()
        .iter()
        .map(|e| (e.net, e.eid))
        .collect();
    assert_eq!(listed, [(1, 9), (2, 31)]);
    // A watcher started now reads the snapshot: the same.
    let late = mctpd.watch_all().unwrap();
    let known: Vec<_> = late.endpoints().iter().map(|e| (e.net, e.eid)).collect();
    assert_eq!(known, [(1, 9), (2, 31)]);
}

#[test]
fn interface_objects_carry_the_raw_name() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_link("mctpi2c1", 1);
    fake.add_link("mctp-t.1", 1);
    let conn = bus.connect();
    let reply = conn
        .call_method(
            Some("au.com.codeconstruct.MCTP1"),
            "/au/com/codeconstruct/mctp1",
            Some("org.freedesktop.DBus.ObjectManager"),
            "GetManagedObjects",
            &(),
        )
        .unwrap();
    let objects: zbus::fdo::ManagedObjects = reply.body().deserialize().unwrap();
    let mut interfaces: Vec<_> = objects
        .keys()
        .filter_map(|p| {
            p.as_str()
                .strip_prefix("/au/com/codeconstruct/mctp1/interfaces/")
        })
        .collect();
    interfaces.sort();
    assert_eq!(interfaces, ["lo", "mctpi2c1"]);
    let mctpd = discovery(&bus);
    assert!(matches!(
        mctpd.setup_endpoint("mctp-t.1", &[0x1d]),
        Err(Error::InvalidInterfaceName)
    ));
    assert!(fake.setup_calls().is_empty());
    let found = mctpd.setup_endpoint("mctpi2c1", &[0x1d]).unwrap();
    assert_eq!((found.net, found.eid), (1, 9));
}

#[test]
fn after_a_restart_peers_are_gone_until_set_up_again() {
    let bus = Bus::start();
    let fake = FakeMctpd::start(bus.address(), Version::V2).unwrap();
    fake.add_link("mctpi2c1", 1);
    let mctpd = discovery(&bus);
    let mut watcher = mctpd.watch_nvme_mi().unwrap();
    assert!(drain(&mut watcher).is_empty());
    assert_eq!(mctpd.setup_endpoint("mctpi2c1", &[0x1d]).unwrap().eid, 9);
    assert_eq!(
        summary(&next_events(&mut watcher, 1)),
        [('+', 1, 9, Some(Connectivity::Available))]
    );

    fake.restart();
    assert_eq!(summary(&next_events(&mut watcher, 1)), [('-', 1, 9, None)]);
    assert!(drain(&mut watcher).is_empty());
    assert!(mctpd.list_nvme_mi().unwrap().is_empty());
    let all: Vec<_> = mctpd.endpoints().unwrap().iter().map(|e| e.eid).collect();
    assert!(
        all.is_empty(),
        "only the host's own EID is left, and it is not listed: {all:?}"
    );

    let again = mctpd.setup_endpoint("mctpi2c1", &[0x1d]).unwrap();
    assert!(again.new, "the restarted daemon had forgotten the peer");
    assert_eq!(
        summary(&next_events(&mut watcher, 1)),
        [('+', 1, 9, Some(Connectivity::Available))]
    );
}
