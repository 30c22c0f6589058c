//! Configure an MCTP interface with the crate's rtnetlink helpers, like the `mctp` tool of
//! the MCTP userspace utilities does (for machines and test rigs without it):
//!
//! ```text
//! mctp_link <ifname> [net <net>] [addr <eid>] [route <eid>]...
//! ```
//!
//! brings the interface up, moves it to MCTP network `net`, gives it the local EID `eid` and
//! routes each `route` EID through it, in that order. Needs `CAP_NET_ADMIN`.

use nvme_mi_core::mctp::Eid;
use nvme_mi_linux::netlink::{ifindex, Netlink};

fn number<T: std::str::FromStr>(what: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or(format!("{what} needs a value"))?;
    v.parse()
        .map_err(|_| format!("{what}: {v:?} is not a number"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let name = args
        .next()
        .ok_or("usage: mctp_link <ifname> [net <net>] [addr <eid>] [route <eid>]...")?;
    let idx = ifindex(&name)?;
    let mut nl = Netlink::open()?;
    nl.link_up(idx)?;
    while let Some(word) = args.next() {
        match word.as_str() {
            "net" => nl.set_link_net(idx, number("net", args.next())?)?,
            "addr" => nl.add_addr(idx, Eid(number("addr", args.next())?))?,
            "route" => nl.add_route(idx, Eid(number("route", args.next())?), 0, None)?,
            other => return Err(format!("unknown word {other:?}").into()),
        }
    }
    Ok(())
}
