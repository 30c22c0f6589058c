//! `nvme-mi`: manage NVMe drives out of band with the NVMe Management Interface, over the
//! Linux kernel's MCTP sockets, over I2C, or against the built-in simulated drive.
//!
//! Run without arguments it lists the simulated drive, like `nvme list`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
