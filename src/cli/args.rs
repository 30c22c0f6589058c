//! The command line: every command, its options and its manual text.
//!
//! Commands nvme-cli 2.3 also has take its option spellings, long and short, with the same
//! meaning (`get-feature -c` is CDW11, `set-feature -c` CDW12, `list-ctrl -c` the first
//! controller ID, ...). The controller an Admin command goes to is part of the device name,
//! `mctp:<net>,<eid>[:<ctrl-id>]`, as in nvme-cli. Options nvme-cli gives every command
//! (`-o`, `-t`, `-v`) are the command's own here too, so a command whose nvme-cli short option
//! means something else (`admin-passthru -o` is the opcode, `set-feature -v` the value)
//! keeps only the long spelling of the common option.
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
sim[:<ctrl-id>]              the built-in simulated drive (the default)\n  \
mctp:<net>,<eid>[:<ctrl-id>] an NVMe-MI endpoint over AF_MCTP (needs CAP_NET_RAW)\n  \
i2c:<bus>,<addr>             /dev/i2c-<bus>, 7-bit address, for `basic` only\n\
Admin commands go to <ctrl-id>, controller 0 when the name has none (as in nvme-cli).\n\n\
Commands that nvme-cli 2.3 also has take its options with the same meaning.\n\n\
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

/// Options given before the command: the simulated drive's (for every command) and the
/// defaults of the common options.
#[derive(Debug, Args)]
pub struct Global {
    /// Output format (a command's own -o/--output-format wins).
    #[arg(short = 'o', long = "output-format", value_enum, value_name = "FMT")]
    pub output: Option<OutputFormat>,
    /// Time to wait for each response, in milliseconds (a command's own --timeout wins).
    #[arg(short = 't', long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Log every message sent and received as hex on standard error.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Seed of the simulated drive (its serial number and every value derive from it).
    #[arg(long, default_value_t = 1, env = "NVME_MI_SIM_SEED", global = true)]
    pub seed: u64,
    /// Keep the simulated drive's state in FILE between invocations (a journal of requests
    /// replayed on start), so that e.g. a firmware download and a commit can be separate
    /// commands.
    #[arg(long, value_name = "FILE", env = "NVME_MI_SIM_STATE", global = true)]
    pub sim_state: Option<PathBuf>,
    /// Controllers of the simulated drive (`sim` and `serve`), IDs 0..N.
    #[arg(long, value_name = "N", global = true)]
    pub sim_controllers: Option<u8>,
    /// Namespaces of the simulated drive at the factory.
    #[arg(long, value_name = "N", global = true)]
    pub sim_namespaces: Option<u8>,
    /// Give the simulated drive a second PCIe port (a dual-port drive).
    #[arg(long, global = true)]
    pub sim_dual_port: bool,
    /// Write every message sent and received to FILE as a pcap capture of MCTP packets
    /// (LINKTYPE_MCTP, a record per packet as tcpdump writes them: 64-byte payloads on the
    /// simulated drive; a packet per message on AF_MCTP, whose packets the kernel makes), for
    /// `decode --file` or Wireshark.
    #[arg(long, value_name = "FILE", global = true)]
    pub capture: Option<PathBuf>,
}

/// The options of one invocation, resolved from the command's and the global ones.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Output format.
    pub output: OutputFormat,
    /// `-H`: decode fields in words.
    pub human: bool,
    /// Response timeout, ms.
    pub timeout: Option<u64>,
    /// Log traffic.
    pub verbose: bool,
    /// The simulated drive's seed.
    pub seed: u64,
    /// The simulated drive's state file.
    pub sim_state: Option<PathBuf>,
    /// The capture file.
    pub capture: Option<PathBuf>,
    /// The simulated drive's topology.
    pub topology: nvme_mi_sim::Topology,
}

impl Global {
    /// The simulated drive's topology: the default with the options' changes.
    pub fn topology(&self) -> nvme_mi_sim::Topology {
        let d = nvme_mi_sim::Topology::DEFAULT;
        d.controllers(self.sim_controllers.unwrap_or(d.controllers))
            .namespaces(self.sim_namespaces.unwrap_or(d.namespaces))
            .dual_port(self.sim_dual_port || d.dual_port)
    }

    /// The settings of a command without options of its own.
    pub fn settings(&self) -> Settings {
        Settings {
            output: self.output.unwrap_or(OutputFormat::Normal),
            human: false,
            timeout: self.timeout,
            verbose: self.verbose,
            seed: self.seed,
            sim_state: self.sim_state.clone(),
            capture: self.capture.clone(),
            topology: self.topology(),
        }
    }
}

/// Options every device command has, in the spellings of one group of commands.
pub trait CommonOpts {
    /// Combine with the global options.
    fn settings(&self, g: &Global) -> Settings;
}

/// One struct of the common options per set of short spellings: a command whose nvme-cli
/// short option means something else gets the set without that short option.
macro_rules! common_opts {
    ($(#[$doc:meta])* $name:ident,
     o: [$($o:tt)*], b: [$($b:tt)*], t: [$($t:tt)*], v: [$($v:tt)*]) => {
        $(#[$doc])*
        #[derive(Debug, Args, Clone, Default)]
        pub struct $name {
            /// Output format: normal, json or binary.
            #[arg(long = "output-format", value_enum, value_name = "FMT" $($o)*)]
            pub output: Option<OutputFormat>,
            /// Print the raw data bytes (the same as -o binary).
            #[arg(long = "raw-binary" $($b)*)]
            pub raw_binary: bool,
            /// Decode fields in words as well as values.
            #[arg(short = 'H', long = "human-readable")]
            pub human: bool,
            /// Time to wait for each response, in milliseconds (virtual time on `sim`).
            #[arg(long = "timeout", value_name = "MS" $($t)*)]
            pub timeout: Option<u64>,
            /// Log every message sent and received as hex on standard error.
            #[arg(long = "verbose" $($v)*)]
            pub verbose: bool,
        }

        impl CommonOpts for $name {
            fn settings(&self, g: &Global) -> Settings {
                let output = if self.raw_binary {
                    OutputFormat::Binary
                } else {
                    self.output.or(g.output).unwrap_or(OutputFormat::Normal)
                };
                Settings {
                    output,
                    human: self.human,
                    timeout: self.timeout.or(g.timeout),
                    verbose: self.verbose || g.verbose,
                    seed: g.seed,
                    sim_state: g.sim_state.clone(),
                    capture: g.capture.clone(),
                    topology: g.topology(),
                }
            }
        }
    };
}

common_opts!(
    /// -o/--output-format, -b/--raw-binary, -H, -t/--timeout, -v/--verbose.
    Opts, o: [, short = 'o'], b: [, short = 'b'], t: [, short = 't'], v: [, short = 'v']
);
common_opts!(
    /// The common options without -o (the command's -o is its own, as in nvme-cli).
    OptsNoO, o: [], b: [, short = 'b'], t: [, short = 't'], v: [, short = 'v']
);
common_opts!(
    /// The common options without -o and -b.
    OptsNoOB, o: [], b: [], t: [, short = 't'], v: [, short = 'v']
);
common_opts!(
    /// The common options without -b (the command's -b is its own, as in nvme-cli).
    OptsNoB, o: [, short = 'o'], b: [], t: [, short = 't'], v: [, short = 'v']
);
common_opts!(
    /// The common options without -t (the command's -t is its own, as in nvme-cli).
    OptsNoT, o: [, short = 'o'], b: [, short = 'b'], t: [], v: [, short = 'v']
);
common_opts!(
    /// The common options without -v (the command's -v is its own, as in nvme-cli).
    OptsNoV, o: [, short = 'o'], b: [, short = 'b'], t: [, short = 't'], v: []
);

/// The device to talk to.
#[derive(Debug, Args, Clone)]
pub struct Dev {
    /// sim[:<ctrl-id>], mctp:<net>,<eid>[:<ctrl-id>] or i2c:<bus>,<addr>.
    #[arg(value_name = "DEVICE", default_value = "sim")]
    pub device: DeviceSpec,
}

/// A number in decimal or with a 0x prefix.
fn parse_num(s: &str) -> Result<u64, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse::<u64>(),
    };
    r.map_err(|_| format!("'{s}' is not a number (decimal, or hexadecimal with 0x)"))
}

macro_rules! narrow {
    ($name:ident, $t:ty, $what:literal) => {
        /// A number that fits the type.
        pub fn $name(s: &str) -> Result<$t, String> {
            let v = parse_num(s)?;
            <$t>::try_from(v)
                .map_err(|_| format!("{s} is out of range: {} (0..={:#x})", $what, <$t>::MAX))
        }
    };
}
narrow!(parse_u8, u8, "a byte");
narrow!(parse_u16, u16, "a 16-bit value");
narrow!(parse_u32, u32, "a 32-bit value");

/// A number no larger than `max`, named `what` in the message.
fn bounded(s: &str, max: u64, what: &str) -> Result<u64, String> {
    let v = parse_num(s)?;
    if v > max {
        return Err(format!("{s} is out of range: {what}"));
    }
    Ok(v)
}

fn parse_u64(s: &str) -> Result<u64, String> {
    parse_num(s)
}

/// Select of Get Features (NVMe Base 2.x §5.1.11, CDW10 bits 10:8: 0..=3, 4..=7 reserved) or
/// nvme-cli's 8, "changed".
fn parse_sel(s: &str) -> Result<u8, String> {
    const ALLOWED: &str = "SEL is 0 (current), 1 (default), 2 (saved), 3 (supported \
        capabilities) or 8 (changed: the current value where it differs from the default)";
    match parse_num(s)? {
        v @ (0..=3 | 8) => Ok(v as u8),
        4..=7 => Err(format!("{s} is a reserved Select value: {ALLOWED}")),
        _ => Err(format!("{s} is out of range: {ALLOWED}")),
    }
}

/// Firmware slot (NVMe Base 2.x §5.1.8, CDW10 bits 2:0).
fn parse_slot(s: &str) -> Result<u8, String> {
    bounded(
        s,
        7,
        "the firmware slot is 0..=7 (0: the controller chooses)",
    )
    .map(|v| v as u8)
}

/// Commit action (NVMe Base 2.x §5.1.8, CDW10 bits 5:3; 4 and 5 are reserved).
fn parse_action(s: &str) -> Result<u8, String> {
    const ALLOWED: &str = "the commit action is 0 (replace), 1 (replace and activate at reset), \
        2 (activate at reset), 3 (replace and activate now), 6 (replace boot partition) or 7 \
        (activate boot partition)";
    match bounded(s, 7, ALLOWED)? {
        4 | 5 => Err(format!("{s}: {ALLOWED}")),
        v => Ok(v as u8),
    }
}

/// Boot partition ID (CDW10 bit 31).
fn parse_bit(s: &str) -> Result<bool, String> {
    bounded(s, 1, "this field is one bit: 0 or 1").map(|v| v == 1)
}

/// Secure erase setting of Format NVM (CDW10 bits 11:9).
fn parse_ses(s: &str) -> Result<u8, String> {
    bounded(
        s,
        2,
        "SES is 0 (none), 1 (user data erase) or 2 (cryptographic erase)",
    )
    .map(|v| v as u8)
}

/// LBA format index (FLBAS, 0..=63 with the upper bits).
fn parse_lbaf(s: &str) -> Result<u8, String> {
    bounded(s, 63, "the LBA format index is 0..=63").map(|v| v as u8)
}

/// Protection information type (3 bits).
fn parse_pi(s: &str) -> Result<u8, String> {
    bounded(s, 3, "PI is 0 (off) or the protection type 1, 2 or 3").map(|v| v as u8)
}

/// Overwrite pass count (4 bits, 0 meaning 16).
fn parse_owpass(s: &str) -> Result<u8, String> {
    bounded(s, 15, "the overwrite pass count is 0..=15 (0 means 16)").map(|v| v as u8)
}

/// Self-test code (NVMe Base 2.x §5.1.6, CDW10 bits 3:0).
fn parse_stc(s: &str) -> Result<u8, String> {
    let v = bounded(
        s,
        15,
        "the self-test code is 1 (short), 2 (extended), 0xe (vendor specific) or 0xf (abort)",
    )?;
    match v {
        1 | 2 | 3 | 0xe | 0xf => Ok(v as u8),
        _ => Err(format!(
            "{s}: the self-test code is 1 (short), 2 (extended), 3 (host-initiated refresh), 0xe (vendor specific) or 0xf (abort)"
        )),
    }
}

/// Log specific field (7 bits).
fn parse_lsp(s: &str) -> Result<u8, String> {
    bounded(s, 0x7f, "LSP is 7 bits (0..=0x7f)").map(|v| v as u8)
}

/// UUID index (7 bits).
fn parse_uuid_index(s: &str) -> Result<u8, String> {
    bounded(s, 0x7f, "the UUID index is 7 bits (0..=0x7f)").map(|v| v as u8)
}

/// Sanitize action by number or by nvme-cli's name.
fn parse_sanact(s: &str) -> Result<u8, String> {
    match s {
        "exit-failure" => return Ok(1),
        "start-block-erase" => return Ok(2),
        "start-overwrite" => return Ok(3),
        "start-crypto-erase" => return Ok(4),
        "exit-media-verification" => return Ok(5),
        _ => {}
    }
    let v = parse_num(s).map_err(|_| {
        format!(
            "'{s}': the sanitize action is 1 exit-failure, 2 start-block-erase, 3 start-overwrite, \
             4 start-crypto-erase or 5 exit-media-verification"
        )
    })?;
    if (1..=5).contains(&v) {
        Ok(v as u8)
    } else {
        Err(format!(
            "{s}: the sanitize action is 1 exit-failure, 2 start-block-erase, 3 start-overwrite, \
             4 start-crypto-erase or 5 exit-media-verification"
        ))
    }
}

/// A comma-separated list of controller IDs.
fn parse_ctrl_list(s: &str) -> Result<Vec<u16>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(parse_u16)
        .collect()
}

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

/// The options of `attach-ns` and `detach-ns`.
#[derive(Debug, Args)]
pub struct AttachArgs {
    #[command(flatten)]
    pub dev: Dev,
    /// The namespace.
    #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
    pub nsid: u32,
    /// Comma-separated controller IDs (default: the device's controller).
    #[arg(short = 'c', long, value_parser = parse_ctrl_list)]
    pub controllers: Option<Vec<u16>>,
    #[command(flatten)]
    pub opts: Opts,
}

/// Protocol layers `decode` starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StartLayer {
    /// An SMBus/I2C frame: address, command code 0x0F, byte count, source, MCTP packet, PEC.
    Smbus,
    /// An MCTP packet: transport header and payload.
    Mctp,
    /// An MCTP message body: message type byte first (NVMe-MI or MCTP control).
    Mi,
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
        #[command(flatten)]
        opts: Opts,
    },
    /// List the subsystem, its controllers and namespaces (like `nvme list`).
    ///
    /// Reads the NVM Subsystem Information and Controller List data structures (NVMe-MI 1.2
    /// §5.7), Identify Controller for each controller (model, serial, firmware) and, for
    /// each active namespace, Identify Namespace (size, format). This is what `nvme-mi` runs
    /// without arguments, on the simulated drive. The JSON's DevicePath of each namespace
    /// is a device name the other commands take.
    List {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// NVM Subsystem Health Status Poll (NVMe-MI 1.2 §5.6).
    ///
    /// Prints the NVM Subsystem Health Data Structure: subsystem status flags, SMART
    /// warnings, composite temperature (°C), percentage drive life used and the composite
    /// controller status (changed flags).
    Health {
        #[command(flatten)]
        dev: Dev,
        /// Clear the composite controller status flags after reading (Clear Status).
        #[arg(long)]
        clear: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Controller Health Status Poll (NVMe-MI 1.2 §5.3).
    ///
    /// Prints a Controller Health Data Structure for every controller (or the one in the
    /// device name): status, temperature (°C), percentage used, available spare, critical
    /// warnings and changed flags.
    CtrlHealth {
        #[command(flatten)]
        dev: Dev,
        /// Clear the changed flags of the controllers reported.
        #[arg(long)]
        clear: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Read the NVM Subsystem Information data structure (NVMe-MI 1.2 §5.7, DTYP 0).
    ///
    /// Number of ports, NVMe-MI major/minor version, and NVMe-MI capabilities.
    SubsysInfo {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
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
        #[command(flatten)]
        opts: Opts,
    },
    /// Read the Controller List data structure (NVMe-MI 1.2 §5.7, DTYP 2).
    ///
    /// The MI view of the subsystem's controllers; `list-ctrl` is the Identify one.
    CtrlList {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// Read the Controller Information data structure of a controller (NVMe-MI 1.2 §5.7,
    /// DTYP 3).
    ///
    /// Port, PCIe routing ID and PCI vendor/device/subsystem IDs of the controller named in
    /// the device (`mctp:<net>,<eid>:<ctrl-id>`; controller 0 without one).
    CtrlInfo {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// Configuration Get (NVMe-MI 1.2 §5.1).
    ///
    /// Reads one configuration item: smbus-freq (SMBus/I2C frequency of a port), hsc
    /// (Health Status Change), mtu (MCTP transmission unit size of a port), ae (the
    /// Asynchronous Events the endpoint supports and which are enabled, NVMe-MI 2.0).
    /// smbus-freq and mtu default to the endpoint's SMBus/I2C port (from its Port
    /// Information), and say which port was used.
    ConfigGet {
        /// The configuration item.
        #[arg(value_enum)]
        item: ConfigItem,
        #[command(flatten)]
        dev: Dev,
        /// The port, for smbus-freq and mtu (default: the first SMBus/I2C port).
        #[arg(long, value_parser = parse_u8)]
        port: Option<u8>,
        #[command(flatten)]
        opts: Opts,
    },
    /// Configuration Set (NVMe-MI 1.2 §5.2).
    ///
    /// Sets one configuration item: smbus-freq (--value 100k, 400k or 1m), hsc (--value: the
    /// mask of Health Status Change flags to clear), mtu (--value: bytes), ae (--value: the
    /// comma-separated AE identifiers to enable, every other one disabled). smbus-freq and
    /// mtu default to the endpoint's SMBus/I2C port (from its Port Information).
    ConfigSet {
        /// The configuration item.
        #[arg(value_enum)]
        item: ConfigItem,
        #[command(flatten)]
        dev: Dev,
        /// The port, for smbus-freq and mtu (default: the first SMBus/I2C port).
        #[arg(long, value_parser = parse_u8)]
        port: Option<u8>,
        /// The value to set.
        #[arg(long, short = 'V')]
        value: String,
        #[command(flatten)]
        opts: Opts,
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
        #[command(flatten)]
        opts: Opts,
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
        #[command(flatten)]
        opts: Opts,
    },
    /// Reset one controller (NVMe Base 2.x §3.7.2, Controller Level Reset), like `nvme reset`.
    ///
    /// Clears CC.EN of the controller named in the device and sets it again, with PCIe
    /// Memory Writes to its BAR0 registers tunnelled through the endpoint (NVMe-MI 1.2 §7).
    /// `subsystem-reset` resets the whole subsystem.
    Reset {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// NVM Subsystem Reset (NVMe-MI 1.2 §5.8), like `nvme subsystem-reset`.
    ///
    /// Resets every controller of the subsystem and the management endpoint itself, which
    /// sends no response when it succeeds. Asks for confirmation on a terminal; without a
    /// terminal, refuses unless --force.
    SubsystemReset {
        #[command(flatten)]
        dev: Dev,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Shutdown (NVMe-MI 2.0 §5.12): every controller performs shutdown processing.
    Shutdown {
        #[command(flatten)]
        dev: Dev,
        /// Abrupt instead of normal shutdown.
        #[arg(long)]
        abrupt: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Identify Controller (NVMe Base §5.17, CNS 01h), tunnelled (NVMe-MI 1.2 §6).
    IdCtrl {
        #[command(flatten)]
        dev: Dev,
        /// Also dump the vendor specific bytes (3072..4095) in hex.
        #[arg(short = 'v', long = "vendor-specific")]
        vendor_specific: bool,
        #[command(flatten)]
        opts: OptsNoV,
    },
    /// Identify Namespace (NVMe Base §5.17, CNS 00h; with --force CNS 11h), tunnelled.
    IdNs {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
        /// Identify the namespace even if it is not attached (allocated, CNS 11h).
        #[arg(long)]
        force: bool,
        /// Also dump the vendor specific bytes (3840..4095) in hex.
        #[arg(short = 'v', long = "vendor-specific")]
        vendor_specific: bool,
        #[command(flatten)]
        opts: OptsNoV,
    },
    /// Namespace Identification Descriptor list (Identify CNS 03h), like `nvme ns-descs`.
    NsDescs {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
        #[command(flatten)]
        opts: Opts,
    },
    /// Active Namespace ID list (Identify CNS 02h; with --all, allocated CNS 10h).
    ListNs {
        #[command(flatten)]
        dev: Dev,
        /// List namespace IDs greater than this one.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// I/O command set identifier (only 0, NVM, is supported).
        #[arg(short = 'y', long, default_value_t = 0, value_parser = parse_u8)]
        csi: u8,
        /// List allocated namespaces, attached or not.
        #[arg(short = 'a', long)]
        all: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Controller list of Identify (CNS 13h; with -n, CNS 12h: the controllers attached to
    /// the namespace), like `nvme list-ctrl`.
    ListCtrl {
        #[command(flatten)]
        dev: Dev,
        /// List controller IDs greater than or equal to this one.
        #[arg(short = 'c', long = "cntid", default_value_t = 0, value_parser = parse_u16)]
        cntid: u16,
        /// List only the controllers attached to this namespace.
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: Option<u32>,
        #[command(flatten)]
        opts: Opts,
    },
    /// Namespace Management, create (NVMe Base 2.x §5.1.21), like `nvme create-ns`.
    CreateNs {
        #[command(flatten)]
        dev: Dev,
        /// Size of the namespace in logical blocks (NSZE).
        #[arg(short = 's', long, value_parser = parse_u64)]
        nsze: u64,
        /// Capacity in logical blocks (NCAP).
        #[arg(short = 'c', long, value_parser = parse_u64)]
        ncap: u64,
        /// Formatted LBA size (FLBAS).
        #[arg(short = 'f', long, default_value_t = 0, value_parser = parse_u8)]
        flbas: u8,
        /// Data protection settings (DPS).
        #[arg(short = 'd', long, default_value_t = 0, value_parser = parse_u8)]
        dps: u8,
        /// Multipath and sharing capabilities (NMIC): 1 shared.
        #[arg(short = 'm', long, default_value_t = 0, value_parser = parse_u8)]
        nmic: u8,
        /// ANA group identifier.
        #[arg(short = 'a', long = "anagrp-id", default_value_t = 0, value_parser = parse_u32)]
        anagrpid: u32,
        /// NVM set identifier.
        #[arg(short = 'i', long = "nvmset-id", default_value_t = 0, value_parser = parse_u16)]
        nvmsetid: u16,
        /// Command set identifier.
        #[arg(short = 'y', long, default_value_t = 0, value_parser = parse_u8)]
        csi: u8,
        #[command(flatten)]
        opts: OptsNoB,
    },
    /// Namespace Management, delete (NVMe Base 2.x §5.1.21), like `nvme delete-ns`.
    ///
    /// Asks for confirmation on a terminal; without one, refuses unless --force.
    DeleteNs {
        #[command(flatten)]
        dev: Dev,
        /// The namespace (0xffffffff: every namespace).
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Namespace Attachment, attach (NVMe Base 2.x §5.1.20), like `nvme attach-ns`.
    AttachNs(AttachArgs),
    /// Namespace Attachment, detach (NVMe Base 2.x §5.1.20), like `nvme detach-ns`.
    DetachNs(AttachArgs),
    /// Get Log Page (NVMe Base §5.16), read in chunks of at most 4096 bytes.
    ///
    /// Stops at the log's end: the known size of a standard log, or the first chunk the
    /// controller refuses after the first.
    GetLog {
        #[command(flatten)]
        dev: Dev,
        /// Log page identifier.
        #[arg(short = 'i', long, value_parser = parse_u8, required_unless_present = "aen")]
        log_id: Option<u8>,
        /// Bytes to read (a non-zero multiple of 4).
        #[arg(short = 'l', long, value_parser = parse_u32, required_unless_present = "aen")]
        log_len: Option<u32>,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value = "0xffffffff", value_parser = parse_u32)]
        nsid: u32,
        /// The completion dword 0 of an Asynchronous Event Request (NVMe Base 2.x §5.2.2):
        /// reads the log page it names (bits 23:16), 4096 bytes, as nvme-cli's --aen does.
        #[arg(short = 'a', long, value_parser = parse_u32, conflicts_with_all = ["log_id", "log_len"])]
        aen: Option<u32>,
        /// Log page offset, bytes (a multiple of 4).
        #[arg(short = 'o', long, default_value_t = 0, value_parser = parse_u64)]
        lpo: u64,
        /// Log specific field (7 bits).
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_lsp)]
        lsp: u8,
        /// Log specific identifier.
        #[arg(short = 'S', long, default_value_t = 0, value_parser = parse_u16)]
        lsi: u16,
        /// Retain asynchronous event.
        #[arg(short = 'r', long)]
        rae: bool,
        /// UUID index (7 bits).
        #[arg(short = 'U', long = "uuid-index", default_value_t = 0, value_parser = parse_uuid_index)]
        uuid_index: u8,
        /// Command set identifier.
        #[arg(short = 'y', long, default_value_t = 0, value_parser = parse_u8)]
        csi: u8,
        /// Offset type: --lpo is an index of entries, not bytes.
        #[arg(short = 'O', long)]
        ot: bool,
        #[command(flatten)]
        opts: OptsNoO,
    },
    /// SMART / Health Information log (NVMe Base §5.16.1.3, log 02h).
    SmartLog {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID (default: the controller's, 0xffffffff).
        #[arg(short = 'n', long = "namespace-id", default_value = "0xffffffff", value_parser = parse_u32)]
        nsid: u32,
        #[command(flatten)]
        opts: Opts,
    },
    /// Error Information log (NVMe Base §5.16.1.2, log 01h).
    ErrorLog {
        #[command(flatten)]
        dev: Dev,
        /// Number of entries to read (at least 1; at most the log's ELPE + 1 entries).
        #[arg(short = 'e', long = "log-entries", default_value_t = 64, value_parser = parse_u32)]
        log_entries: u32,
        #[command(flatten)]
        opts: Opts,
    },
    /// Firmware Slot Information log (NVMe Base §5.16.1.4, log 03h).
    FwLog {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// Sanitize Status log (NVMe Base 2.x §5.1.12.1.33, log 81h), like `nvme sanitize-log`.
    SanitizeLog {
        #[command(flatten)]
        dev: Dev,
        /// Retain asynchronous event.
        #[arg(short = 'r', long)]
        rae: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Device Self-test log (NVMe Base 2.x §5.1.12.1.7, log 06h), like `nvme self-test-log`.
    SelfTestLog {
        #[command(flatten)]
        dev: Dev,
        /// Number of result entries to show (at most 20).
        #[arg(short = 'e', long = "dst-entries", default_value_t = 20, value_parser = parse_u8)]
        dst_entries: u8,
        #[command(flatten)]
        opts: Opts,
    },
    /// Commands Supported and Effects log (NVMe Base 2.x §5.1.12.1.6, log 05h), like
    /// `nvme effects-log`.
    EffectsLog {
        #[command(flatten)]
        dev: Dev,
        /// Command set identifier.
        #[arg(short = 'c', long, default_value_t = 0, value_parser = parse_u8)]
        csi: u8,
        #[command(flatten)]
        opts: Opts,
    },
    /// Supported Log Pages log (NVMe Base 2.x §5.1.12.1.1, log 00h), like
    /// `nvme supported-log-pages`.
    SupportedLogPages {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
    },
    /// Device Self-test (NVMe Base 2.x §5.1.6), like `nvme device-self-test`.
    DeviceSelfTest {
        #[command(flatten)]
        dev: Dev,
        /// Namespaces to test: 0 none, 0xffffffff all, or one NSID.
        #[arg(short = 'n', long = "namespace-id", default_value = "0xffffffff", value_parser = parse_u32)]
        nsid: u32,
        /// 1 short, 2 extended, 0xe vendor specific, 0xf abort the test in progress.
        #[arg(short = 's', long = "self-test-code", value_parser = parse_stc)]
        stc: u8,
        /// Wait for the test to finish, showing its progress.
        #[arg(short = 'w', long)]
        wait: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Get Features (NVMe Base §5.15).
    ///
    /// Prints completion dword 0 (the feature value) and any data the feature returns.
    /// Without -f, reads every feature identifier from 00h to FFh in turn, like nvme-cli 2.3,
    /// and prints those the controller implements (the ones it refuses with Invalid Field in
    /// Command are left out; any other failure ends the walk).
    GetFeature {
        #[command(flatten)]
        dev: Dev,
        /// Feature identifier (default: every feature).
        #[arg(short = 'f', long = "feature-id", value_parser = parse_u8)]
        fid: Option<u8>,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// Select: 0 current, 1 default, 2 saved, 3 supported capabilities, 8 changed (the
        /// current value, shown only where it differs from the default).
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_sel)]
        sel: u8,
        /// Bytes of data to receive (default: what the feature returns).
        #[arg(short = 'l', long = "data-len", value_parser = parse_u32)]
        data_len: Option<u32>,
        /// CDW11 (feature specific).
        #[arg(short = 'c', long, default_value_t = 0, value_parser = parse_u32)]
        cdw11: u32,
        /// UUID index (7 bits).
        #[arg(short = 'U', long = "uuid-index", default_value_t = 0, value_parser = parse_uuid_index)]
        uuid_index: u8,
        #[command(flatten)]
        opts: Opts,
    },
    /// Set Features (NVMe Base §5.27).
    SetFeature {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// Feature identifier.
        #[arg(short = 'f', long = "feature-id", value_parser = parse_u8)]
        fid: u8,
        /// The value (CDW11).
        #[arg(short = 'v', long, value_parser = parse_u32)]
        value: u32,
        /// CDW12 (feature specific).
        #[arg(short = 'c', long, default_value_t = 0, value_parser = parse_u32)]
        cdw12: u32,
        /// UUID index (7 bits).
        #[arg(short = 'U', long = "uuid-index", default_value_t = 0, value_parser = parse_uuid_index)]
        uuid_index: u8,
        /// Bytes of data to send (default: the size of --data).
        #[arg(short = 'l', long = "data-len", value_parser = parse_u32)]
        data_len: Option<u32>,
        /// Data to send with the feature.
        #[arg(short = 'd', long, value_name = "FILE")]
        data: Option<PathBuf>,
        /// Save the value across resets.
        #[arg(short = 's', long)]
        save: bool,
        #[command(flatten)]
        opts: OptsNoV,
    },
    /// Firmware Image Download (NVMe Base §5.13), with progress on standard error.
    ///
    /// Sends the image in pieces; commit it afterwards with `fw-commit`. On a terminal a
    /// progress bar; otherwise (a BMC's journal) a line per tenth of the image.
    FwDownload {
        #[command(flatten)]
        dev: Dev,
        /// The firmware image.
        #[arg(short = 'f', long = "fw", value_name = "FILE")]
        fw: PathBuf,
        /// Bytes per Firmware Image Download command (a multiple of 4, at most 4096).
        #[arg(short = 'x', long, default_value_t = 4096)]
        xfer: usize,
        /// Dword offset of the image's first byte (as nvme-cli's --offset).
        #[arg(short = 'o', long, default_value_t = 0, value_parser = parse_u32)]
        offset: u32,
        /// Print nvme-cli's progress line on standard output before each piece
        /// ("Firmware download: transferring 0x00001000/0x00002000 bytes: 050%", ended by a
        /// carriage return) instead of the bar or journal lines on standard error.
        #[arg(short = 'p', long)]
        progress: bool,
        #[command(flatten)]
        opts: OptsNoOB,
    },
    /// Firmware Commit (NVMe Base §5.12).
    ///
    /// Actions: 0 replace the image in the slot, 1 replace and activate at the next reset,
    /// 2 activate the slot at the next reset, 3 replace and activate immediately (asks for
    /// confirmation on a terminal; refused without one unless --force).
    FwCommit {
        #[command(flatten)]
        dev: Dev,
        /// Firmware slot (0: the controller chooses).
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_slot)]
        slot: u8,
        /// Commit action.
        #[arg(short = 'a', long, value_parser = parse_action)]
        action: u8,
        /// Boot partition ID: 0 or 1.
        #[arg(short = 'b', long, default_value = "0", value_parser = parse_bit)]
        bpid: bool,
        /// Do not ask for confirmation of an immediate activation.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: OptsNoB,
    },
    /// Format NVM (NVMe Base §5.14): a long operation the endpoint answers with More
    /// Processing Required first.
    ///
    /// Asks for confirmation on a terminal; without one, refuses unless --force.
    Format {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID (0xffffffff: all).
        #[arg(short = 'n', long = "namespace-id", value_parser = parse_u32)]
        nsid: u32,
        /// LBA format index.
        #[arg(short = 'l', long, default_value_t = 0, value_parser = parse_lbaf)]
        lbaf: u8,
        /// Secure erase setting: 0 none, 1 user data erase, 2 cryptographic erase.
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_ses)]
        ses: u8,
        /// Protection information: 0 off, or type 1, 2, 3.
        #[arg(short = 'i', long, default_value_t = 0, value_parser = parse_pi)]
        pi: u8,
        /// Protection information location: 1 first bytes of metadata.
        #[arg(short = 'p', long, default_value = "0", value_parser = parse_bit)]
        pil: bool,
        /// Metadata settings: 1 extended LBA (metadata at the end of each block).
        #[arg(short = 'm', long, default_value = "0", value_parser = parse_bit)]
        ms: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: OptsNoB,
    },
    /// Sanitize (NVMe Base §5.24).
    ///
    /// Actions (-a, a number or nvme-cli's name): 1 exit-failure, 2 start-block-erase,
    /// 3 start-overwrite, 4 start-crypto-erase, 5 exit-media-verification. Starting a
    /// sanitize asks for confirmation on a terminal; without one, refuses unless --force.
    Sanitize {
        #[command(flatten)]
        dev: Dev,
        /// No deallocate after sanitize.
        #[arg(short = 'd', long = "no-dealloc")]
        no_dealloc: bool,
        /// Overwrite invert pattern between passes.
        #[arg(short = 'i', long)]
        oipbp: bool,
        /// Overwrite pass count (0..=15, 0 means 16).
        #[arg(short = 'n', long, default_value_t = 0, value_parser = parse_owpass)]
        owpass: u8,
        /// Allow unrestricted sanitize exit.
        #[arg(short = 'u', long)]
        ause: bool,
        /// Sanitize action.
        #[arg(short = 'a', long, value_parser = parse_sanact)]
        sanact: u8,
        /// Overwrite pattern.
        #[arg(short = 'p', long, default_value_t = 0, value_parser = parse_u32)]
        ovrpat: u32,
        /// Do not ask for confirmation.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        opts: Opts,
    },
    /// Security Send (NVMe Base §5.26).
    SecuritySend {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// The payload.
        #[arg(short = 'f', long, value_name = "FILE")]
        file: PathBuf,
        /// NVMe security specific field.
        #[arg(short = 'N', long, default_value_t = 0, value_parser = parse_u8)]
        nssf: u8,
        /// Security protocol.
        #[arg(short = 'p', long, value_parser = parse_u8)]
        secp: u8,
        /// Security protocol specific.
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_u16)]
        spsp: u16,
        /// Transfer length (default: the size of --file; at most 4096).
        #[arg(short = 't', long, value_parser = parse_u32)]
        tl: Option<u32>,
        #[command(flatten)]
        opts: OptsNoT,
    },
    /// Security Receive (NVMe Base §5.25).
    SecurityRecv {
        #[command(flatten)]
        dev: Dev,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// Size of the buffer, bytes (a multiple of 4, at most 4096; default: --al).
        #[arg(short = 'x', long, value_parser = parse_u32)]
        size: Option<u32>,
        /// NVMe security specific field.
        #[arg(short = 'N', long, default_value_t = 0, value_parser = parse_u8)]
        nssf: u8,
        /// Security protocol.
        #[arg(short = 'p', long, value_parser = parse_u8)]
        secp: u8,
        /// Security protocol specific.
        #[arg(short = 's', long, default_value_t = 0, value_parser = parse_u16)]
        spsp: u16,
        /// Allocation length, bytes (a multiple of 4, at most 4096).
        #[arg(short = 't', long, default_value_t = 256, value_parser = parse_u32)]
        al: u32,
        #[command(flatten)]
        opts: OptsNoT,
    },
    /// Send any Admin command (NVMe-MI 1.2 §6) and print its completion and data.
    AdminPassthru {
        #[command(flatten)]
        dev: Dev,
        /// Opcode.
        #[arg(short = 'o', long, value_parser = parse_u8)]
        opcode: u8,
        /// Namespace ID.
        #[arg(short = 'n', long = "namespace-id", default_value_t = 0, value_parser = parse_u32)]
        nsid: u32,
        /// CDW10.
        #[arg(short = '4', long, default_value_t = 0, value_parser = parse_u32)]
        cdw10: u32,
        /// CDW11.
        #[arg(short = '5', long, default_value_t = 0, value_parser = parse_u32)]
        cdw11: u32,
        /// CDW12.
        #[arg(short = '6', long, default_value_t = 0, value_parser = parse_u32)]
        cdw12: u32,
        /// CDW13.
        #[arg(short = '7', long, default_value_t = 0, value_parser = parse_u32)]
        cdw13: u32,
        /// CDW14.
        #[arg(short = '8', long, default_value_t = 0, value_parser = parse_u32)]
        cdw14: u32,
        /// CDW15.
        #[arg(short = '9', long, default_value_t = 0, value_parser = parse_u32)]
        cdw15: u32,
        /// Bytes of data (a multiple of 4, at most 4096): read with -r, sent with -w.
        #[arg(short = 'l', long, default_value_t = 0, value_parser = parse_u32)]
        data_len: u32,
        /// With -w, the data to send (default: zeros of --data-len).
        #[arg(short = 'i', long, value_name = "FILE")]
        input_file: Option<PathBuf>,
        /// The command reads data from the controller (the default with --data-len).
        #[arg(short = 'r', long, conflicts_with = "write")]
        read: bool,
        /// The command sends data to the controller.
        #[arg(short = 'w', long)]
        write: bool,
        /// Print the command and do not send it.
        #[arg(short = 'd', long = "dry-run")]
        dry_run: bool,
        /// Print the command before sending it.
        #[arg(short = 's', long = "show-command")]
        show_command: bool,
        #[command(flatten)]
        opts: OptsNoO,
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
        #[command(flatten)]
        opts: Opts,
    },
    /// Basic Management Command (NVMe-MI 1.2 Appendix A): status and identification blocks.
    ///
    /// The SMBus block reads at command codes 0 (status: flags, SMART warnings, temperature,
    /// percentage used) and 8 (vendor ID and serial number), on `i2c:<bus>,<addr>` or the
    /// simulated drive.
    Basic {
        #[command(flatten)]
        dev: Dev,
        #[command(flatten)]
        opts: Opts,
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
        /// Log each request with its peer, each response and event, as hex.
        #[arg(short = 'v', long)]
        verbose: bool,
    },
    /// Watch the health of NVMe-MI endpoints; export it as Prometheus metrics.
    ///
    /// Follows the endpoints mctpd publishes (and those given), polls each one's NVM
    /// Subsystem Health at --interval and its Controller Health and SMART log at
    /// --detail-interval, and serves the readings as OpenMetrics on --listen (/metrics);
    /// with -o json, also one JSON object a line per reading. Ends on SIGTERM or SIGINT once
    /// the commands in flight have ended. SIGUSR1 raises every simulated drive's temperature
    /// by 40 K, the next one lowers it again (for tests and demonstrations).
    Monitor {
        #[command(flatten)]
        args: super::commands::monitor::MonitorArgs,
        #[command(flatten)]
        opts: Opts,
    },
    /// Dissect SMBus frames, MCTP packets or NVMe-MI messages: hex, logs, dumps, captures.
    ///
    /// --file (`-`: standard input) may be this tool's own --verbose log, an `xxd -p` or
    /// `hexdump -C` dump, raw binary, or a pcap / pcapng capture of MCTP (LINKTYPE_MCTP, as
    /// `tcpdump -i mctpX -w FILE` writes it), recognised from its content. Otherwise the
    /// arguments together (or each line of --file) are one unit
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
        layer: Option<StartLayer>,
        /// Output format: normal or json.
        #[arg(short = 'o', long = "output-format", value_enum, value_name = "FMT")]
        output: Option<OutputFormat>,
        /// One line per unit: direction, EIDs, flags and tag, type, command, status.
        #[arg(short = 's', long)]
        summary: bool,
    },
    /// Write the manual pages: nvme-mi.1 and nvme-mi-<command>.1 for every command.
    ///
    /// Generated from the same definitions as --help (options, exit status). Install them
    /// with e.g. `nvme-mi man ~/.local/share/man/man1`.
    Man {
        /// The directory to write the pages to (created if missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Print a shell completion script.
    ///
    /// Install with e.g. `nvme-mi completions bash > ~/.local/share/bash-completion/completions/nvme-mi`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn nvme_cli_spellings_mean_what_they_mean_there() {
        let c = Cli::try_parse_from([
            "nvme-mi",
            "get-feature",
            "mctp:1,8",
            "-f",
            "4",
            "-c",
            "0x10",
        ])
        .unwrap();
        match c.command {
            Some(Command::GetFeature { cdw11, fid, .. }) => {
                assert_eq!((fid, cdw11), (Some(4), 0x10))
            }
            other => panic!("{other:?}"),
        }
        let c = Cli::try_parse_from([
            "nvme-mi",
            "set-feature",
            "sim",
            "-f",
            "4",
            "-v",
            "7",
            "-c",
            "9",
        ])
        .unwrap();
        match c.command {
            Some(Command::SetFeature { value, cdw12, .. }) => assert_eq!((value, cdw12), (7, 9)),
            other => panic!("{other:?}"),
        }
        for (sel, ok) in [
            ("3", true),
            ("4", false),
            ("7", false),
            ("8", true),
            ("9", false),
        ] {
            let r = Cli::try_parse_from(["nvme-mi", "get-feature", "-f", "4", "-s", sel]);
            assert_eq!(r.is_ok(), ok, "-s {sel}");
        }
        assert!(Cli::try_parse_from(["nvme-mi", "fw-commit", "-a", "8"]).is_err());
        assert!(Cli::try_parse_from(["nvme-mi", "sanitize", "-a", "start-crypto-erase"]).is_ok());
        assert!(Cli::try_parse_from(["nvme-mi", "sanitize", "-a", "scrub"]).is_err());
    }
}
