//! The `nvme-mi` command-line tool: argument parsing, device handling, commands, output.

mod args;
mod capture;
mod commands;
mod confirm;
mod decode;
mod device;
mod error;
mod explain;
mod json;
mod logging;
mod output;
mod progress;
mod sim_link;

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::command::{DataStructure, Dtyp, ReadDataStructureRequest};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{Config, Endpoint};

use args::{Cli, Command, CommonOpts, Dev, OutputFormat, Settings};
use device::{AnyTransport, DeviceSpec};
use error::{CliError, CliResult, EXIT_CODES_HELP};
use logging::Logging;

/// The requester endpoint every command uses.
pub type Ep = Endpoint<Logging<AnyTransport>, Vec<u8>>;

/// The controller Admin commands go to when the device name gives none: controller 0, as
/// nvme-cli (libnvme-mi) assumes.
pub const DEFAULT_CTRL: u16 = 0;

/// An opened device and the options of the invocation.
pub struct Ctx {
    /// The endpoint.
    pub ep: Ep,
    /// The output format.
    pub fmt: OutputFormat,
    /// `-H`: fields in words.
    pub human: bool,
    /// The device as named.
    pub dev: DeviceSpec,
    /// `--timeout`, ms.
    pub timeout: Option<u64>,
}

impl Ctx {
    /// Open the device of `dev`.
    pub fn open(dev: &Dev, s: &Settings) -> CliResult<Ctx> {
        let t = AnyTransport::open_with(&dev.device, s.seed, s.topology, s.sim_state.as_deref())?;
        let mut config = Config::default();
        if let Some(ms) = s.timeout {
            config = config.with_timeout(Duration::from_millis(ms));
        }
        let mut log = Logging::new(t, s.verbose);
        if let Some(p) = &s.capture {
            let mut c = capture::Capture::create(p)?;
            match &dev.device {
                // The kernel packetises AF_MCTP and chooses the source EID: its route's.
                DeviceSpec::Mctp { net, eid, .. } => {
                    let source = nvme_mi_linux::netlink::Netlink::open()
                        .and_then(|mut nl| nl.source_eid(*net, Eid(*eid)));
                    if let Ok(Some(local)) = source {
                        c.set_local(local.0);
                    }
                }
                // The simulated drive's link and I2C carry baseline-sized packets.
                other => {
                    if matches!(other, DeviceSpec::Sim { .. }) {
                        c.set_local(sim_link::REQUESTER_EID.0);
                    }
                    c.set_transmission_unit(nvme_mi_core::mctp::BASELINE_TU);
                }
            }
            log.capture(c);
        }
        let ep = Endpoint::with_config(log, vec![0u8; MAX_MESSAGE_LEN], config);
        Ok(Ctx {
            ep,
            fmt: s.output,
            human: s.human,
            dev: dev.device.clone(),
            timeout: s.timeout,
        })
    }

    /// The controller IDs of the subsystem (Controller List data structure, NVMe-MI 1.2
    /// §5.7).
    pub fn controllers(&mut self) -> CliResult<Vec<u16>> {
        let r = self
            .ep
            .mi_command(&ReadDataStructureRequest::new(Dtyp::ControllerList))
            .map_err(|e| CliError::from(e).context("reading the Controller List"))?;
        match r.structure {
            DataStructure::ControllerList(l) => Ok(l.iter().collect()),
            _ => Err(CliError::integrity(
                "the endpoint returned another data structure",
            )),
        }
    }

    /// The controller Admin commands go to: the device name's, else controller 0 (as in
    /// nvme-cli).
    pub fn ctrl(&mut self) -> CliResult<u16> {
        Ok(self.dev.ctrl().unwrap_or(DEFAULT_CTRL))
    }

    /// End the invocation: keep the simulated drive's state if asked to.
    pub fn finish(mut self) -> CliResult {
        if let Some(s) = self.ep.transport_mut().inner_mut().sim_link() {
            s.save()?;
        }
        Ok(())
    }
}

/// Run one device command: open, run, explain a refused field, save state (also after a
/// failed command, whose requests reached the drive).
fn with_dev(dev: &Dev, s: &Settings, f: impl FnOnce(&mut Ctx) -> CliResult) -> CliResult {
    let mut ctx = Ctx::open(dev, s)?;
    let r = f(&mut ctx).map_err(|e| explain::explain(&mut ctx, e));
    let saved = ctx.finish();
    r.and(saved)
}

fn run(cli: Cli) -> CliResult {
    let g = &cli.global;
    use commands::*;
    let Some(cmd) = cli.command else {
        let dev = Dev {
            device: DeviceSpec::Sim { ctrl: None },
        };
        return with_dev(&dev, &g.settings(), identify::list);
    };
    match cmd {
        Command::Discover { session, opts } => discover::run(session, opts.settings(g).output),
        Command::Monitor { args, opts } => monitor::run(&args, &opts.settings(g)),
        Command::List { dev, opts } => with_dev(&dev, &opts.settings(g), identify::list),
        Command::Health { dev, clear, opts } => {
            with_dev(&dev, &opts.settings(g), |c| mi::health(c, clear))
        }
        Command::CtrlHealth { dev, clear, opts } => {
            with_dev(&dev, &opts.settings(g), |c| mi::ctrl_health(c, clear))
        }
        Command::SubsysInfo { dev, opts } => with_dev(&dev, &opts.settings(g), mi::subsys_info),
        Command::PortInfo { dev, port, opts } => {
            with_dev(&dev, &opts.settings(g), |c| mi::port_info(c, port))
        }
        Command::CtrlList { dev, opts } => with_dev(&dev, &opts.settings(g), mi::ctrl_list),
        Command::CtrlInfo { dev, opts } => with_dev(&dev, &opts.settings(g), mi::ctrl_info),
        Command::ConfigGet {
            dev,
            item,
            port,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| config::get(c, item, port)),
        Command::ConfigSet {
            dev,
            item,
            port,
            value,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            config::set(c, item, port, &value)
        }),
        Command::VpdRead {
            dev,
            offset,
            length,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| mi::vpd_read(c, offset, length)),
        Command::VpdWrite {
            dev,
            offset,
            data,
            opts,
        } => {
            let bytes = read_file(&data, usize::from(u16::MAX) + 1)?;
            with_dev(&dev, &opts.settings(g), |c| {
                mi::vpd_write(c, offset, &bytes)
            })
        }
        Command::Reset { dev, opts } => with_dev(&dev, &opts.settings(g), mi::controller_reset),
        Command::SubsystemReset { dev, force, opts } => {
            confirm::destructive(
                force,
                &format!("reset the whole NVM subsystem at {}", dev.device),
            )?;
            with_dev(&dev, &opts.settings(g), mi::subsystem_reset)
        }
        Command::Shutdown { dev, abrupt, opts } => {
            with_dev(&dev, &opts.settings(g), |c| mi::shutdown(c, abrupt))
        }
        Command::IdCtrl {
            dev,
            vendor_specific,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            identify::id_ctrl(c, vendor_specific)
        }),
        Command::IdNs {
            dev,
            nsid,
            force,
            vendor_specific,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            identify::id_ns(c, nsid, force, vendor_specific)
        }),
        Command::NsDescs { dev, nsid, opts } => {
            with_dev(&dev, &opts.settings(g), |c| identify::ns_descs(c, nsid))
        }
        Command::ListNs {
            dev,
            nsid,
            csi,
            all,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            identify::list_ns(c, nsid, csi, all)
        }),
        Command::ListCtrl {
            dev,
            cntid,
            nsid,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            identify::list_ctrl(c, cntid, nsid)
        }),
        Command::CreateNs {
            dev,
            nsze,
            ncap,
            flbas,
            dps,
            nmic,
            anagrpid,
            nvmsetid,
            csi,
            opts,
        } => {
            let n = namespaces::Create {
                nsze,
                ncap,
                flbas,
                dps,
                nmic,
                anagrpid,
                nvmsetid,
                csi,
            };
            with_dev(&dev, &opts.settings(g), |c| namespaces::create(c, &n))
        }
        Command::DeleteNs {
            dev,
            nsid,
            force,
            opts,
        } => {
            confirm::destructive(
                force,
                &format!("delete namespace {nsid:#x} of {} and its data", dev.device),
            )?;
            with_dev(&dev, &opts.settings(g), |c| namespaces::delete(c, nsid))
        }
        Command::AttachNs(a) => with_dev(&a.dev, &a.opts.settings(g), |c| {
            namespaces::attach(c, a.nsid, a.controllers.as_deref(), true)
        }),
        Command::DetachNs(a) => with_dev(&a.dev, &a.opts.settings(g), |c| {
            namespaces::attach(c, a.nsid, a.controllers.as_deref(), false)
        }),
        Command::GetLog {
            dev,
            log_id,
            log_len,
            nsid,
            aen,
            lpo,
            lsp,
            lsi,
            rae,
            uuid_index,
            csi,
            ot,
            opts,
        } => {
            // nvme-cli's --aen: the log page named by bits 23:16, a whole 4 KiB of it.
            let (lid, len) = match aen {
                Some(dw0) => ((dw0 >> 16) as u8, 4096),
                None => (log_id.unwrap_or_default(), log_len.unwrap_or_default()),
            };
            let q = logs::LogQuery {
                lid,
                len,
                nsid,
                lsp,
                lsi,
                lpo,
                rae,
                uuid_index,
                csi,
                ot,
            };
            with_dev(&dev, &opts.settings(g), |c| logs::get_log(c, &q))
        }
        Command::SmartLog { dev, nsid, opts } => {
            with_dev(&dev, &opts.settings(g), |c| logs::smart_log(c, nsid))
        }
        Command::ErrorLog {
            dev,
            log_entries,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| logs::error_log(c, log_entries)),
        Command::FwLog { dev, opts } => with_dev(&dev, &opts.settings(g), logs::fw_log),
        Command::SanitizeLog { dev, rae, opts } => {
            with_dev(&dev, &opts.settings(g), |c| logs::sanitize_log(c, rae))
        }
        Command::SelfTestLog {
            dev,
            dst_entries,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            logs::self_test_log(c, dst_entries)
        }),
        Command::EffectsLog { dev, csi, opts } => {
            with_dev(&dev, &opts.settings(g), |c| logs::effects_log(c, csi))
        }
        Command::SupportedLogPages { dev, opts } => {
            with_dev(&dev, &opts.settings(g), logs::supported_log_pages)
        }
        Command::DeviceSelfTest {
            dev,
            nsid,
            stc,
            wait,
            opts,
        } => with_dev(&dev, &opts.settings(g), |c| {
            maintenance::device_self_test(c, nsid, stc, wait)
        }),
        Command::GetFeature {
            dev,
            fid,
            nsid,
            sel,
            data_len,
            cdw11,
            uuid_index,
            opts,
        } => {
            let q = features::GetQuery {
                fid,
                nsid,
                sel,
                data_len,
                cdw11,
                uuid_index,
            };
            with_dev(&dev, &opts.settings(g), |c| features::get(c, &q))
        }
        Command::SetFeature {
            dev,
            nsid,
            fid,
            value,
            cdw12,
            uuid_index,
            data_len,
            data,
            save,
            opts,
        } => {
            let mut bytes = data
                .as_deref()
                .map(|p| read_file(p, 4096))
                .transpose()?
                .unwrap_or_default();
            if let Some(l) = data_len {
                if l as usize > bytes.len() && data.is_some() {
                    return Err(CliError::usage(format!(
                        "--data-len {l} is more than the {} bytes of --data",
                        bytes.len()
                    )));
                }
                bytes.resize(l as usize, 0);
            }
            let q = features::SetQuery {
                fid,
                nsid,
                value,
                cdw12,
                uuid_index,
                save,
            };
            with_dev(&dev, &opts.settings(g), |c| features::set(c, &q, &bytes))
        }
        Command::FwDownload {
            dev,
            fw,
            xfer,
            offset,
            progress,
            opts,
        } => {
            let image = read_file(&fw, firmware::MAX_IMAGE)?;
            with_dev(&dev, &opts.settings(g), |c| {
                firmware::download(c, &image, xfer, offset, progress)
            })
        }
        Command::FwCommit {
            dev,
            slot,
            action,
            bpid,
            force,
            opts,
        } => {
            if action == 3 {
                confirm::destructive(
                    force,
                    &format!(
                        "activate the image of slot {slot} on {} now (a controller reset)",
                        dev.device
                    ),
                )?;
            }
            with_dev(&dev, &opts.settings(g), |c| {
                firmware::commit(c, slot, action, bpid)
            })
        }
        Command::Format {
            dev,
            nsid,
            lbaf,
            ses,
            pi,
            pil,
            ms,
            force,
            opts,
        } => {
            confirm::destructive(
                force,
                &format!(
                    "format namespace {nsid:#x} of {}, erasing its data",
                    dev.device
                ),
            )?;
            let f = maintenance::Format {
                nsid,
                lbaf,
                ses,
                pi,
                pil,
                ms,
            };
            with_dev(&dev, &opts.settings(g), |c| maintenance::format(c, &f))
        }
        Command::Sanitize {
            dev,
            no_dealloc,
            oipbp,
            owpass,
            ause,
            sanact,
            ovrpat,
            force,
            opts,
        } => {
            if sanact != 1 && sanact != 5 {
                confirm::destructive(
                    force,
                    &format!("sanitize {}, erasing all user data", dev.device),
                )?;
            }
            let s = maintenance::SanitizeArgs {
                sanact,
                ause,
                owpass,
                oipbp,
                no_dealloc,
                ovrpat,
            };
            with_dev(&dev, &opts.settings(g), |c| maintenance::sanitize(c, &s))
        }
        Command::SecuritySend {
            dev,
            nsid,
            file,
            nssf,
            secp,
            spsp,
            tl,
            opts,
        } => {
            let mut bytes = read_file(&file, 4096)?;
            if let Some(tl) = tl {
                if tl as usize > 4096 {
                    return Err(CliError::usage(format!(
                        "--tl {tl}: one NVMe-MI message carries at most 4096 bytes"
                    )));
                }
                bytes.resize(tl as usize, 0);
            }
            let p = maintenance::Security {
                nsid,
                secp,
                spsp,
                nssf,
            };
            with_dev(&dev, &opts.settings(g), |c| {
                maintenance::security_send(c, &p, &bytes)
            })
        }
        Command::SecurityRecv {
            dev,
            nsid,
            size,
            nssf,
            secp,
            spsp,
            al,
            opts,
        } => {
            let p = maintenance::Security {
                nsid,
                secp,
                spsp,
                nssf,
            };
            with_dev(&dev, &opts.settings(g), |c| {
                maintenance::security_recv(c, &p, al, size)
            })
        }
        Command::AdminPassthru {
            dev,
            opcode,
            nsid,
            cdw10,
            cdw11,
            cdw12,
            cdw13,
            cdw14,
            cdw15,
            data_len,
            input_file,
            read,
            write,
            dry_run,
            show_command,
            opts,
        } => {
            let data = input_file
                .as_deref()
                .map(|p| read_file(p, 4096))
                .transpose()?;
            let p = maintenance::Passthru {
                opcode,
                nsid,
                cdw: [cdw10, cdw11, cdw12, cdw13, cdw14, cdw15],
                data_len,
                data,
                read,
                write,
                show: show_command || dry_run,
            };
            if dry_run {
                return maintenance::show_passthru(&p, dev.device.ctrl().unwrap_or(DEFAULT_CTRL));
            }
            with_dev(&dev, &opts.settings(g), |c| maintenance::passthru(c, &p))
        }
        Command::Aem { dev, count, opts } => {
            with_dev(&dev, &opts.settings(g), |c| aem::run(c, count))
        }
        Command::Basic { dev, opts } => basic::run(&dev, &opts.settings(g)),
        Command::Serve {
            net,
            eid,
            setup,
            control,
            seconds,
            verbose,
        } => serve::run(serve::Options {
            net,
            eid,
            setup: setup.as_deref(),
            control,
            seconds,
            seed: g.seed,
            topology: g.topology(),
            verbose: verbose || g.verbose,
            capture: g.capture.as_deref(),
        }),
        Command::Decode {
            hex,
            file,
            layer,
            output,
            summary,
        } => decode::run(
            &hex,
            file.as_deref(),
            layer,
            output.or(g.output).unwrap_or(OutputFormat::Normal),
            summary,
        ),
        Command::Man { dir } => man_pages(&dir),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "nvme-mi", &mut buf);
            output::write_stdout(&buf)
        }
    }
}

/// Read a whole file of at most `max` bytes, naming it in the error; the size is checked
/// before anything is read, so a length never decides an allocation.
fn read_file(path: &std::path::Path, max: usize) -> CliResult<Vec<u8>> {
    use std::io::Read;
    let name = path.display();
    let f = std::fs::File::open(path).map_err(|e| CliError::usage(format!("{name}: {e}")))?;
    let mut data = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| CliError::usage(format!("{name}: {e}")))?;
    if data.len() > max {
        return Err(CliError::usage(format!(
            "{name}: larger than the {max} bytes this command can send"
        )));
    }
    Ok(data)
}

/// Write a manual page per command into `dir`.
fn man_pages(dir: &std::path::Path) -> CliResult {
    let fail = |e: std::io::Error| CliError::usage(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let top = command();
    let mut written = 0usize;
    let mut page = |cmd: clap::Command, name: String| -> CliResult {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.name(name.clone()))
            .render(&mut buf)
            .map_err(fail)?;
        std::fs::write(dir.join(format!("{name}.1")), buf).map_err(fail)?;
        written += 1;
        Ok(())
    };
    for sub in top.get_subcommands() {
        let name = format!("nvme-mi-{}", sub.get_name());
        page(sub.clone(), name)?;
    }
    page(top.clone(), "nvme-mi".to_string())?;
    output::write_stdout(format!("wrote {written} manual pages to {}\n", dir.display()).as_bytes())
}

/// The command line with the exit codes in every command's help.
fn command() -> clap::Command {
    Cli::command().mut_subcommands(|s| s.after_help(EXIT_CODES_HELP))
}

/// The commands whose output `-H` changes; the others print every field in words already.
const HUMAN_READABLE: &[&str] = &["smart-log"];

/// `-H` where it would change nothing is refused rather than ignored. Every device command
/// has it, as in nvme-cli, but only those in [`HUMAN_READABLE`] have a second form.
fn refuse_ignored_human(m: &clap::ArgMatches) -> Result<(), clap::Error> {
    let Some((name, sub)) = m.subcommand() else {
        return Ok(());
    };
    let given = sub.try_get_one::<bool>("human").ok().flatten() == Some(&true);
    if given && !HUMAN_READABLE.contains(&name) {
        let mut cmd = command();
        return Err(cmd.error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "-H/--human-readable changes nothing for {name}: its output names every field \
                 already (-H decodes further for: {})",
                HUMAN_READABLE.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Parse the command line, run, and turn the outcome into an exit code.
pub fn main() -> ExitCode {
    let parsed = command().try_get_matches().and_then(|m| {
        refuse_ignored_human(&m)?;
        Cli::from_arg_matches(&m)
    });
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            // A closed pipe (`nvme-mi --help | head -1`) is no error to report.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "nvme-mi: {e}");
            ExitCode::from(e.code)
        }
    }
}
