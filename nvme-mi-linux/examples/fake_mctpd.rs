//! A fake `mctpd` for trying discovery without MCTP hardware, driven by lines on stdin.
//!
//! ```text
//! dbus-run-session -- cargo run -p nvme-mi-linux --example fake_mctpd [-- --v1]
//! ```
//!
//! It serves on the session bus (`DBUS_SESSION_BUS_ADDRESS`, or `--address ADDR`) the object
//! tree of `mctpd` 2.x (or 1.x with `--v1`), and reads commands, answering `ok` or `error: ...`:
//!
//! ```text
//! add <net> <eid> <type,type,...> [uuid]   publish an endpoint (InterfacesAdded)
//! remove <net> <eid>                       withdraw it (InterfacesRemoved)
//! connectivity <net> <eid> <value>         change Connectivity (PropertiesChanged)
//! link <ifname> <net>                      add an interface with SetupEndpoint
//! local <net> <eid>                        give the host another local EID
//! restart                                  exit and start again, forgetting every peer
//! quit
//! ```

#[path = "../tests/discovery_support/fake_mctpd.rs"]
mod fake_mctpd;

use fake_mctpd::{FakeEndpoint, FakeMctpd, Version};
use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut version = Version::V2;
    let mut address = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--v1" => version = Version::V1,
            "--address" => address = args.next(),
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let address = address.ok_or("no bus: set DBUS_SESSION_BUS_ADDRESS or pass --address")?;
    let fake = FakeMctpd::start(&address, version)?;
    eprintln!("fake mctpd serving {} on {address}", version.bus_name());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        match command(&fake, &words) {
            Ok(true) => println!("ok"),
            Ok(false) => break,
            Err(e) => println!("error: {e}"),
        }
    }
    fake.stop();
    Ok(())
}

/// Runs one command; false to quit.
fn command(fake: &FakeMctpd, words: &[&str]) -> Result<bool, Box<dyn std::error::Error>> {
    match words {
        [] => {}
        ["add", net, eid, types, rest @ ..] => {
            let types = types
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<u8>, _>>()?;
            let mut ep = FakeEndpoint::new(net.parse()?, eid.parse()?, &types);
            if let [uuid] = rest {
                ep = ep.with_uuid(uuid);
            }
            fake.add_endpoint(ep);
        }
        ["remove", net, eid] => fake.remove_endpoint(net.parse()?, eid.parse()?),
        ["connectivity", net, eid, value] => {
            fake.set_connectivity(net.parse()?, eid.parse()?, value, false)
        }
        ["link", name, net] => fake.add_link(name, net.parse()?),
        ["local", net, eid] => fake.add_local(net.parse()?, eid.parse()?),
        ["restart"] => fake.restart(),
        ["quit"] => return Ok(false),
        _ => return Err("unknown command".into()),
    }
    Ok(true)
}
