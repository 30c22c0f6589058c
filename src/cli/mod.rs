//! The `nvme-mi` command-line tool: argument parsing, device handling, commands, output.

mod args;
mod commands;
mod decode;
mod device;
mod error;
mod json;
mod logging;
mod output;
mod sim_link;

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use nvme_mi_core::mi::command::{DataStructure, Dtyp, ReadDataStructureRequest};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{Config, Endpoint};

use args::{Cli, Command, Dev, Global, OutputFormat};
use device::{AnyTransport, DeviceSpec};
use error::{CliError, CliResult};
use logging::Logging;

/// The requester endpoint every command uses.
pub type Ep = Endpoint<Logging<AnyTransport>, Vec<u8>>;

/// An opened device and the options of the invocation.
pub struct Ctx {
    /// The endpoint.
    pub ep: Ep,
    /// The output format.
    pub fmt: OutputFormat,
    /// The device as named.
    pub dev: DeviceSpec,
    /// The controller for Admin commands, once known.
    ctrl: Option<u16>,
    /// `--timeout`, ms.
    pub timeout: Option<u64>,
}

impl Ctx {
    /// Open the device of `dev`.
    pub fn open(dev: &Dev, g: &Global) -> CliResult<Ctx> {
        let t = AnyTransport::open(&dev.device, g.seed, g.sim_state.as_deref())?;
        let mut config = Config::default();
        if let Some(ms) = g.timeout {
            config = config.with_timeout(Duration::from_millis(ms));
        }
        let ep = Endpoint::with_config(
            Logging::new(t, g.verbose),
            vec![0u8; MAX_MESSAGE_LEN],
            config,
        );
        let from_name = match dev.device {
            DeviceSpec::Mctp { ctrl, .. } => ctrl,
            _ => None,
        };
        Ok(Ctx {
            ep,
            fmt: g.output,
            dev: dev.device.clone(),
            ctrl: dev.ctrl.or(from_name),
            timeout: g.timeout,
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

    /// The controller Admin commands go to: --ctrl, the device name's, or the first one
    /// in the Controller List.
    pub fn ctrl(&mut self) -> CliResult<u16> {
        if let Some(c) = self.ctrl {
            return Ok(c);
        }
        let first = *self
            .controllers()?
            .first()
            .ok_or_else(|| CliError::usage("the subsystem reports no controller; give --ctrl"))?;
        self.ctrl = Some(first);
        Ok(first)
    }

    /// End the invocation: keep the simulated drive's state if asked to.
    pub fn finish(mut self) -> CliResult {
        if let Some(s) = self.ep.transport_mut().inner_mut().sim_link() {
            s.save()?;
        }
        Ok(())
    }
}

/// Run one device command: open, run, save state (also after a failed command, whose
/// requests reached the drive).
fn with_dev(dev: &Dev, g: &Global, f: impl FnOnce(&mut Ctx) -> CliResult) -> CliResult {
    let mut ctx = Ctx::open(dev, g)?;
    let r = f(&mut ctx);
    let saved = ctx.finish();
    r.and(saved)
}

fn run(cli: Cli) -> CliResult {
    let g = &cli.global;
    let default_dev = Dev {
        device: DeviceSpec::Sim,
        ctrl: None,
    };
    use commands::*;
    match cli.command {
        None => with_dev(&default_dev, g, identify::list),
        Some(cmd) => match cmd {
            Command::Discover { session } => discover::run(session, g.output),
            Command::Monitor(a) => monitor::run(&a, g),
            Command::List { dev } => with_dev(&dev, g, identify::list),
            Command::Health { dev, clear } => with_dev(&dev, g, |c| mi::health(c, clear)),
            Command::CtrlHealth { dev, clear } => with_dev(&dev, g, |c| mi::ctrl_health(c, clear)),
            Command::SubsysInfo { dev } => with_dev(&dev, g, mi::subsys_info),
            Command::PortInfo { dev, port } => with_dev(&dev, g, |c| mi::port_info(c, port)),
            Command::CtrlList { dev } => with_dev(&dev, g, mi::ctrl_list),
            Command::CtrlInfo { dev } => with_dev(&dev, g, mi::ctrl_info),
            Command::ConfigGet { dev, item, port } => {
                with_dev(&dev, g, |c| config::get(c, item, port))
            }
            Command::ConfigSet {
                dev,
                item,
                port,
                value,
            } => with_dev(&dev, g, |c| config::set(c, item, port, &value)),
            Command::VpdRead {
                dev,
                offset,
                length,
            } => with_dev(&dev, g, |c| mi::vpd_read(c, offset, length)),
            Command::VpdWrite { dev, offset, data } => {
                let bytes = read_file(&data)?;
                with_dev(&dev, g, |c| mi::vpd_write(c, offset, &bytes))
            }
            Command::Reset { dev } => with_dev(&dev, g, mi::reset),
            Command::Shutdown { dev, abrupt } => with_dev(&dev, g, |c| mi::shutdown(c, abrupt)),
            Command::IdCtrl { dev } => with_dev(&dev, g, identify::id_ctrl),
            Command::IdNs { dev, nsid } => with_dev(&dev, g, |c| identify::id_ns(c, nsid)),
            Command::ListNs { dev, all } => with_dev(&dev, g, |c| identify::list_ns(c, all)),
            Command::GetLog {
                dev,
                log_id,
                log_len,
                nsid,
                lsp,
                lpo,
                rae,
            } => {
                let q = logs::LogQuery {
                    lid: log_id,
                    len: log_len,
                    nsid,
                    lsp,
                    lpo,
                    rae,
                };
                with_dev(&dev, g, |c| logs::get_log(c, &q))
            }
            Command::SmartLog { dev } => with_dev(&dev, g, logs::smart_log),
            Command::ErrorLog { dev, entries } => {
                with_dev(&dev, g, |c| logs::error_log(c, entries))
            }
            Command::FwLog { dev } => with_dev(&dev, g, logs::fw_log),
            Command::GetFeature {
                dev,
                fid,
                sel,
                nsid,
                cdw11,
            } => with_dev(&dev, g, |c| features::get(c, fid, sel, nsid, cdw11)),
            Command::SetFeature {
                dev,
                fid,
                value,
                nsid,
                save,
                data,
            } => {
                let bytes = data
                    .as_deref()
                    .map(read_file)
                    .transpose()?
                    .unwrap_or_default();
                with_dev(&dev, g, |c| {
                    features::set(c, fid, value, nsid, save, &bytes)
                })
            }
            Command::FwDownload { dev, fw, xfer } => {
                let image = read_file(&fw)?;
                with_dev(&dev, g, |c| firmware::download(c, &image, xfer))
            }
            Command::FwCommit {
                dev,
                slot,
                action,
                bpid,
            } => with_dev(&dev, g, |c| firmware::commit(c, slot, action, bpid)),
            Command::Format {
                dev,
                nsid,
                lbaf,
                ses,
            } => with_dev(&dev, g, |c| maintenance::format(c, nsid, lbaf, ses)),
            Command::Sanitize {
                dev,
                sanact,
                ause,
                owpass,
                ovrpat,
            } => with_dev(&dev, g, |c| {
                maintenance::sanitize(c, sanact, ause, owpass, ovrpat)
            }),
            Command::SecuritySend {
                dev,
                secp,
                spsp,
                nssf,
                data,
            } => {
                let bytes = read_file(&data)?;
                with_dev(&dev, g, |c| {
                    maintenance::security_send(c, secp, spsp, nssf, &bytes)
                })
            }
            Command::SecurityRecv {
                dev,
                secp,
                spsp,
                nssf,
                al,
            } => with_dev(&dev, g, |c| {
                maintenance::security_recv(c, secp, spsp, nssf, al)
            }),
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
            } => {
                let data = input_file.as_deref().map(read_file).transpose()?;
                let p = maintenance::Passthru {
                    opcode,
                    nsid,
                    cdw: [cdw10, cdw11, cdw12, cdw13, cdw14, cdw15],
                    data_len,
                    data,
                };
                with_dev(&dev, g, |c| maintenance::passthru(c, &p))
            }
            Command::Aem { dev, count } => with_dev(&dev, g, |c| aem::run(c, count)),
            Command::Basic { dev } => basic::run(&dev, g),
            Command::Serve {
                net,
                eid,
                setup,
                control,
                seconds,
            } => serve::run(
                net,
                eid,
                setup.as_deref(),
                control,
                seconds,
                g.seed,
                g.verbose,
            ),
            Command::Decode { hex, file, layer } => {
                decode::run(&hex, file.as_deref(), layer, g.output)
            }
            Command::Completions { shell } => {
                clap_complete::generate(
                    shell,
                    &mut Cli::command(),
                    "nvme-mi",
                    &mut std::io::stdout(),
                );
                Ok(())
            }
        },
    }
}

/// Read a whole file, naming it in the error.
fn read_file(path: &std::path::Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
}

/// Parse the command line, run, and turn the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nvme-mi: {e}");
            ExitCode::from(e.code)
        }
    }
}
