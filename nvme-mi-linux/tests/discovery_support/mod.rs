//! Test support for discovery: a private `dbus-daemon` per test, and a fake `mctpd` on it.

#![allow(dead_code)]

pub mod fake_mctpd;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long a test waits for the daemon to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A `dbus-daemon` of its own, started from a temporary configuration and killed on drop.
pub struct Bus {
    child: Child,
    dir: PathBuf,
    address: String,
}

impl Bus {
    /// Starts a daemon listening on a socket in a fresh temporary directory.
    pub fn start() -> Bus {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "nvme-mi-dbus-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let config = dir.join("bus.conf");
        // A session-type bus that anybody on this machine may use and own names on; no
        // service activation, so that calling an unowned name fails at once.
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("socket").display()
            ),
        )
        .expect("write bus configuration");
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .arg("--nofork")
            .arg("--nopidfile")
            .arg("--print-address=1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // It complains that it may not raise its file limit when not run by root.
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon must be installed (scripts/setup.sh installs it)");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) if !line.trim().is_empty() => Bus {
                child,
                dir,
                address: line.trim().to_owned(),
            },
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("dbus-daemon printed no address within {START_TIMEOUT:?}");
            }
        }
    }

    /// The daemon's D-Bus address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// A new blocking connection to it.
    pub fn connect(&self) -> zbus::blocking::Connection {
        zbus::blocking::connection::Builder::address(self.address())
            .expect("address")
            .build()
            .expect("connect to the test bus")
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
