//! The command line: every command, its options and its manual text.
//!
//! The doc comments here are the tool's `--help` text, which clap prints as written: device
//! syntax such as `mctp:<net>,<eid>` is plain text there, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::device::DeviceSpec;
use super::error::EXIT_CODES_HELP;

/// Manage NVMe drives out of band with the NVMe Management Interface (NVMe-MI).
#[derive(Debug, Parser)]
#[command(
    name = "nvme-mi",
    version,
    long_about = "Manage NVMe drives out of band with the NVMe Management Interface (NVMe-MI 1.2/2.0): \
health polls, NVMe-MI data structures and configuration, VPD, and NVMe Admin commands tunnelled \
through the management endpoint (NVMe-MI §6), over the Linux kernel's MCTP sockets (AF_MCTP), \
I2C (Basic Management Command), or the built-in simulated drive.\n\n\
Devices, named like nvme-cli does:\n  \
sim                          the built-in simulated drive (the default)\n  \
mctp:<net>,<eid>[:<ctrl-id>] an NVMe-MI endpoint over AF_MCTP (needs CAP_NET_RAW)\n  \
i2c:<bus>,<addr>             /dev/i2c-<bus>, 7-bit address, for `basic` only\n\n\
Without a command, `nvme-mi` runs `list` on the simulated drive.",
    after_long_help = EXIT_CODES_HELP,
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// The command (default: `list`).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options common to every command.
    #[command(flatten)]
    pub global: Global,
}

/// Output format, as nvme-cli's `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Normal,
    /// JSON, with nvme-cli's field names.
    Json,
    /// The raw data bytes on standard output.
    Binary,
}

/// Options common to every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Output format.
    #[arg(short = 'o', long = "output-format", value_enum, default_value_t = OutputFormat::Normal, global = true)]
    pub output: OutputFormat,
    /// Time to wait for each response, in milliseconds (virtual time on `sim`). For `aem`,
    /// how long to wait for events.
    #[arg(short = 't', long, value_name = "MS", global = true)]
    pub timeout: Option<u64>,
    /// Log every message sent and received as hex on standard error (with `serve`: each
    /// request with its peer, each response and event).
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
    /// Seed of the simulated drive (its serial number and every value derive from it).
    #[arg(long, default_value_t = 1, env = "NVME_MI_SIM_SEED", global = true)]
    pub seed: u64,
    /// Keep the simulated drive's state in FILE between invocations (a journal of requests
    /// replayed on start), so that e.g. a firmware download and a commit can be separate
    /// commands.
    #[arg(long, value_name = "FILE", env = "NVME_MI_SIM_STATE", global = true)]
    pub sim_state: Option<PathBuf>,
}

/// The device to talk to, and the controller for Admin commands.
#[derive(Debug, Args, Clone)]
pub struct Dev {
    /// sim, mctp:<net>,<eid>[:<ctrl-id>] or i2c:<bus>,<addr>.
    #[arg(value_name = "DEVICE", default_value = "sim")]
    pub device: DeviceSpec,
    /// Controller ID for Admin commands (default: the one in the device name, else the first
    /// in the subsystem's Controller List).
    #[arg(short = 'c', long = "ctrl", value_name = "ID", value_parser = parse_u16)]
    pub ctrl: Option<u16>,
}

/// A number in decimal or with a 0x prefix.
fn parse_num(s: &str) -> Result<u64, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse::<u64>(),
    };
    r.map_err(|e| format!("{s:?}: {e}"))
}

macro_rules! narrow {
    ($name:ident, $t:ty) => {
        fn $name(s: &str) -> Result<$t, String> {
            let v = parse_num(s)?;
            <$t>::try_from(v).map_err(|_| format!("{s:?} is out of range for {}", stringify!($t)))
        }
    };
}
narrow!(parse_u8, u8);
narrow!(parse_u16, u16);
narrow!(parse_u32, u32);

/// Configuration identifiers of Configuration Get/Set (NVMe-MI 1.2 §5.1, §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigItem {
    /// SMBus/I2C Frequency (identifier 1): 100k, 400k or 1m.
    SmbusFreq,
    /// Health Status Change (identifier 2): clear the changed flags given as a mask.
    Hsc,
    /// MCTP Transmission Unit Size (identifier 3), bytes.
    Mtu,
    /// Asynchronous Event (identifier 4, NVMe-MI 2.0): the supported and enabled events.
    Ae,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find NVMe-MI endpoints through mctpd over D-Bus.
    ///
    /// Asks mctpd (the MCTP control daemon, au.com.codeconstruct.MCTP1) for the endpoints it
    /// knows and lists those that support NVMe-MI (MCTP message type 4), as devices to pass
    /// to the other commands.
    Discover {
        /// Use the session bus instead of the system bus.
        #[arg(long)]
        session: bool,
    },
    /// List the subsystem, its controllers and namespaces (like `nvme list`).
    ///
    /// Reads the NVM Subsystem Information and Controller List data structures (NVMe-MI 1.2
    /// §5.7), Identify Controller for each controller (model, serial, firmware) and, for
    /// each active namespace, Identify Namespace (size, format). This is what `nvme-mi` runs
    /// without arguments, on the simulated drive.
    List {
        #[command(flatten)]
        dev: Dev,
    },
    /// NVM Subsystem Health Status Poll (NVMe-MI 1.2 §5.6).
    ///
    /// Prints the NVM Subsystem Health Data Structure: subsystem status flags, SMART
    /// warnings, composite temperature, percentage drive life used and the composite
    /// controller status (changed flags).
    Health {
        #[command(flatten)]
        dev: Dev,
        /// Clear the composite controller status flags after reading (Clear Status).
        #[arg(long)]
        clear: bool,
    },
    /// Controller Health Status Poll (NVMe-MI 1.2 §5.3).
    ///
    /// Prints a Controller Health Data Structure for every controller: status, temperature,
    /// percentage used, available spare, critical warnings and changed flags.
    CtrlHealth {
        #[command(flatten)]
        dev: Dev,
        /// Clear the changed flags of the controllers reported.
        #[arg(long)]
        clear: bool,
    },
    /// Read the NVM Subsystem Information data structure (NVMe-MI 1.2 §5.7, DTYP 0).
    ///
    /// Number of ports, NVMe-MI major/minor version, and NVMe-MI capabilities.
    SubsysInfo {
        #[command(flatten)]
        dev: Dev,
    },
    /// Read the Port Information data structure (NVMe-MI 1.2 §5.7, DTYP 1).
    ///
    /// Port type (PCIe, SMBus/I2C), maximum MCTP transmission unit, management endpoint
    /// buffer size, and the PCIe or two-wire specific fields.
    PortInfo {
        #[command(flatten)]
        dev: Dev,
        /// The port (default: every port).
        #[arg(long, value_parser = parse_u8)]
        port: Option<u8>,
    },
    /// Read the Controller List data structure (NVMe-MI 1.2 §5.7, DTYP 2).
    CtrlList {
        #[command(flatten)]
        dev: Dev,
    },
    /// Read the Controller Information data structure of a controller (NVMe-MI 1.2 §5.7,
    /// DTYP 3).
    ///
    /// Port, PCIe routing ID and PCI vendor/device/subsystem IDs of the controller given
    /// with --ctrl.
    CtrlInfo {
        #[command(flatten)]
        dev: Dev,
    },
    /// Configuration Get (NVMe-MI 1.2 §5.1).
    ///
    /// Reads one configuration item: smbus-freq (SMBus/I2C frequency of a port), hsc
    /// (Health Status Change), mtu (MCTP transmission unit size of a port), ae (the
    /// Asynchronous Events the endpoint supports and which are enabled, NVMe-MI 2.0).
    ConfigGet {
        /// The configuration item.
        #[arg(value_enum)]
        item: ConfigItem,
        #[command(flatten)]
        dev: Dev,
        /// The port, for smbus-freq and mtu.
        #[arg(long, default_value_t = 1, value_parser = parse_u8)]
        port: u8,
    },
    /// Configuration Set (NVMe-MI 1.2 §5.2).
    ///
    /// Sets one configuration item: smbus-freq (--value 100k, 400k or 1m), hsc (--value: the
    /// mask of Health Status Change flags to clear), mtu (--value: bytes), ae (--value: the
    /// comma-separated AE identifiers to enable, every other one disabled).
    ConfigSet {
        /// The configuration item.
        #[arg(value_enum)]
        item: ConfigItem,
        #[command(flatten)]
        dev: Dev,
        /// The port, for smbus-freq and mtu.
        #[arg(long, default_value_t = 1, value_parser = parse_u8)]
        port: u8,
        /// The value to set.
        #[arg(long, short = 'V')]
        value: String,
    },
    /// VPD Read (NVMe-MI 1.2 §5.10): read the Vital Product Data (IPMI FRU format).
    VpdRead {
        #[command(flatten)]
        dev: Dev,
        /// First byte to read.
        #[arg(long, default_value_t = 0, value_parser = parse_u16)]
        offset: u16,
        /// Number of bytes.
        #[arg(long, default_value_t = 256, value_parser = parse_u16)]
        length: u16,
    },
    /// VPD Write (NVMe-MI 1.2 §5.11): write the contents of a file into the Vital Product
    /// Data.
    VpdWrite {
        #[command(flatten)]
        dev: Dev,
        /// First byte to write.
        #[arg(long, default_value_t = 0, value_parser = parse_u16)]
        offset: u16,
        /// The bytes to write.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
    },
    /// NVM Subsystem Reset (NVMe-MI 1.2 §5.8).
    ///
    /// Resets the whole subsystem; the endpoint sends no response when it succeeds.
    Reset {
        #[command(flatten)]
        dev: Dev,
    },
    /// Shutdown (NVMe-MI 2.0 §5.12): every controller performs shutdown processing.
    Shutdown {
        #[command(flatten)]
        dev: Dev,
        /// Abrupt instead of normal shutdown.
        #[arg(long)]
        abrupt: bool,
    },
    /// Identify Controller (NVMe Base §5.17, CNS 01h), tunnelled (NVMe-MI 1.2 §6).
    IdCtrl {
        #[command(flatten)]
        dev: Dev,
    },
    /// Identify Namespace (NVMe Base §5.17, CNS 00h), tunnelled (NVMe-MI 1.2 §6).
    IdNs {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
    },
    /// Active Namespace ID list (Identify CNS 02h; with --all, allocated CNS 10h).
    ListNs {
        #[command(flatten)]
        dev: Dev,
        /// List allocated namespaces, attached or not.
        #[arg(long)]
        all: bool,
    },
    /// Get Log Page (NVMe Base §5.16), read in chunks of at most 4096 bytes.
    GetLog {
        #[command(flatten)]
        dev: Dev,
        /// Log page identifier.
        #[arg(short = 'i', long, value_parser = parse_u8)]
        log_id: u8,
        /// Bytes to read.
        #[arg(short = 'l', long, value_parser = parse_u32)]
        log_len: u32,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value = "0xffffffff", value_parser = parse_u32)]
        nsid: u32,
        /// Log specific field.
        #[arg(long, default_value_t = 0, value_parser = parse_u8)]
        lsp: u8,
        /// Log page offset, bytes.
        #[arg(long, default_value_t = 0)]
        lpo: u64,
        /// Retain asynchronous event.
        #[arg(long)]
        rae: bool,
    },
    /// SMART / Health Information log (NVMe Base §5.16.1.3, log 02h).
    SmartLog {
        #[command(flatten)]
        dev: Dev,
    },
    /// Error Information log (NVMe Base §5.16.1.2, log 01h).
    ErrorLog {
        #[command(flatten)]
        dev: Dev,
        /// Number of entries to read.
        #[arg(short = 'e', long, default_value_t = 16)]
        entries: u32,
    },
    /// Firmware Slot Information log (NVMe Base §5.16.1.4, log 03h).
    FwLog {
        #[command(flatten)]
        dev: Dev,
    },
    /// Get Features (NVMe Base §5.15).
    ///
    /// Prints completion dword 0 (the feature value) and any data the feature returns.
    GetFeature {
        #[command(flatten)]
        dev: Dev,
        /// Feature identifier.
        #[arg(short = 'f', long = "feature-id", value_parser = parse_u8)]
        fid: u8,
        /// Select: 0 current, 1 default, 2 saved, 3 supported capabilities.
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_u8)]
        sel: u8,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// CDW11 (feature specific).
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw11: u32,
    },
    /// Set Features (NVMe Base §5.27).
    SetFeature {
        #[command(flatten)]
        dev: Dev,
        /// Feature identifier.
        #[arg(short = 'f', long = "feature-id", value_parser = parse_u8)]
        fid: u8,
        /// The value (CDW11).
        #[arg(short = 'V', long, value_parser = parse_u32)]
        value: u32,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// Save the value across resets.
        #[arg(long)]
        save: bool,
        /// Data to send with the feature.
        #[arg(long, value_name = "FILE")]
        data: Option<PathBuf>,
    },
    /// Firmware Image Download (NVMe Base §5.13), with a progress bar on standard error.
    ///
    /// Sends the image in pieces; commit it afterwards with `fw-commit`.
    FwDownload {
        #[command(flatten)]
        dev: Dev,
        /// The firmware image.
        #[arg(long = "fw", value_name = "FILE")]
        fw: PathBuf,
        /// Bytes per Firmware Image Download command (a multiple of 4, at most 4096).
        #[arg(long, default_value_t = 4096)]
        xfer: usize,
    },
    /// Firmware Commit (NVMe Base §5.12).
    ///
    /// Actions: 0 replace the image in the slot, 1 replace and activate at the next reset,
    /// 2 activate the slot at the next reset, 3 replace and activate immediately.
    FwCommit {
        #[command(flatten)]
        dev: Dev,
        /// Firmware slot (0: the controller chooses).
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_u8)]
        slot: u8,
        /// Commit action.
        #[arg(short = 'a', long, value_parser = parse_u8)]
        action: u8,
        /// Boot partition ID.
        #[arg(long)]
        bpid: bool,
    },
    /// Format NVM (NVMe Base §5.14): a long operation the endpoint answers with More
    /// Processing Required first.
    Format {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID (0xffffffff: all).
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
        /// LBA format index.
        #[arg(short = 'l', long, default_value_t = 0, value_parser = parse_u8)]
        lbaf: u8,
        /// Secure erase setting: 0 none, 1 user data erase, 2 cryptographic erase.
        #[arg(long, default_value_t = 0, value_parser = parse_u8)]
        ses: u8,
    },
    /// Sanitize (NVMe Base §5.24).
    ///
    /// Actions: 1 exit failure mode, 2 block erase, 3 overwrite, 4 crypto erase.
    Sanitize {
        #[command(flatten)]
        dev: Dev,
        /// Sanitize action.
        #[arg(short = 'a', long, value_parser = parse_u8)]
        sanact: u8,
        /// Allow unrestricted sanitize exit.
        #[arg(long)]
        ause: bool,
        /// Overwrite pass count.
        #[arg(long, default_value_t = 0, value_parser = parse_u8)]
        owpass: u8,
        /// Overwrite pattern.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        ovrpat: u32,
    },
    /// Security Send (NVMe Base §5.26).
    SecuritySend {
        #[command(flatten)]
        dev: Dev,
        /// Security protocol.
        #[arg(long, value_parser = parse_u8)]
        secp: u8,
        /// Security protocol specific.
        #[arg(long, default_value_t = 0, value_parser = parse_u16)]
        spsp: u16,
        /// NVMe security specific field.
        #[arg(long, default_value_t = 0, value_parser = parse_u8)]
        nssf: u8,
        /// The payload.
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
    },
    /// Security Receive (NVMe Base §5.25).
    SecurityRecv {
        #[command(flatten)]
        dev: Dev,
        /// Security protocol.
        #[arg(long, value_parser = parse_u8)]
        secp: u8,
        /// Security protocol specific.
        #[arg(long, default_value_t = 0, value_parser = parse_u16)]
        spsp: u16,
        /// NVMe security specific field.
        #[arg(long, default_value_t = 0, value_parser = parse_u8)]
        nssf: u8,
        /// Allocation length, bytes.
        #[arg(long, default_value_t = 256, value_parser = parse_u32)]
        al: u32,
    },
    /// Send any Admin command (NVMe-MI 1.2 §6) and print its completion and data.
    AdminPassthru {
        #[command(flatten)]
        dev: Dev,
        /// Opcode.
        #[arg(long, value_parser = parse_u8)]
        opcode: u8,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// CDW10.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw10: u32,
        /// CDW11.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw11: u32,
        /// CDW12.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw12: u32,
        /// CDW13.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw13: u32,
        /// CDW14.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw14: u32,
        /// CDW15.
        #[arg(long, default_value_t = 0, value_parser = parse_u32)]
        cdw15: u32,
        /// Bytes of data to read from the controller (a multiple of 4, at most 4096).
        #[arg(short = 'l', long, default_value_t = 0, value_parser = parse_u32)]
        data_len: u32,
        /// Data to send to the controller instead.
        #[arg(short = 'i', long, value_name = "FILE", conflicts_with = "data_len")]
        input_file: Option<PathBuf>,
    },
    /// Asynchronous Event Messages (NVMe-MI 2.0 §5.3): enable events and print them as they
    /// arrive.
    ///
    /// Enables every event the endpoint supports (Configuration Set, identifier 4), prints
    /// each AE Occurrence List received, acknowledges it, and stops after --count messages or
    /// when --timeout ms pass (default 10 s; virtual time on `sim`).
    Aem {
        #[command(flatten)]
        dev: Dev,
        /// Stop after this many event messages.
        #[arg(long)]
        count: Option<u32>,
    },
    /// Basic Management Command (NVMe-MI 1.2 Appendix A): status and identification blocks.
    ///
    /// The SMBus block reads at command codes 0 (status: flags, SMART warnings, temperature,
    /// percentage used) and 8 (vendor ID and serial number), on `i2c:<bus>,<addr>` or the
    /// simulated drive.
    Basic {
        #[command(flatten)]
        dev: Dev,
    },
    /// Serve the simulated drive as a real NVMe-MI endpoint on AF_MCTP.
    ///
    /// Binds NVMe-MI requests on the given EID and answers them with the simulated drive
    /// until killed (or --seconds pass). With --setup, first brings the interface up and
    /// assigns the EID through rtnetlink (needs CAP_NET_ADMIN).
    Serve {
        /// MCTP network (default: any).
        #[arg(long)]
        net: Option<u32>,
        /// Local EID.
        #[arg(long, default_value_t = 8, value_parser = parse_u8)]
        eid: u8,
        /// Bring this interface up and give it the EID first.
        #[arg(long, value_name = "IFNAME", num_args = 0..=1, default_missing_value = "lo")]
        setup: Option<String>,
        /// Also answer MCTP control messages (fails if mctpd holds that binding).
        #[arg(long)]
        control: bool,
        /// Stop after this many seconds.
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Watch the health of NVMe-MI endpoints; export it as Prometheus metrics.
    ///
    /// Follows the endpoints mctpd publishes (and those given), polls each one's NVM
    /// Subsystem Health at --interval and its Controller Health and SMART log at
    /// --detail-interval, and serves the readings as OpenMetrics on --listen (/metrics);
    /// with -o json, also one JSON object a line per reading. Ends on SIGTERM or SIGINT once
    /// the commands in flight have ended. SIGUSR1 raises every simulated drive's temperature
    /// by 40 K (for tests and demonstrations).
    Monitor(super::commands::monitor::MonitorArgs),
    /// Dissect SMBus frames, MCTP packets or NVMe-MI messages given as hex.
    ///
    /// The arguments together (or each line of --file, `-` for standard input) are one unit
    /// of hex bytes (spaces, colons, commas and 0x prefixes are ignored). The layer is detected from the
    /// first bytes unless --layer says it: an SMBus frame starts with an address byte and
    /// command code 0x0F, an MCTP packet with header version 1, an NVMe-MI message with
    /// message type 0x04/0x84. Every layer's fields are printed; PEC and MIC failures are
    /// flagged; packets of one message on several lines are reassembled (DSP0236 §8.8).
    Decode {
        /// Hex bytes of one unit.
        hex: Vec<String>,
        /// Read units from FILE, one per line (`-`: standard input).
        #[arg(short = 'f', long, value_name = "FILE")]
        file: Option<String>,
        /// The layer of every unit.
        #[arg(long, value_enum)]
        layer: Option<Layer>,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Protocol layers `decode` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layer {
    /// An SMBus/I2C frame: address, command code 0x0F, byte count, source, MCTP packet, PEC.
    Smbus,
    /// An MCTP packet: transport header and payload.
    Mctp,
    /// An MCTP message body: message type byte first (NVMe-MI or MCTP control).
    Mi,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
