//! Puts the memory layout where cortex-m-rt's link.x finds it, as memory.x: memory-mps2.x
//! (QEMU mps2-an386) for the Cortex-M4 build, memory-microbit.x (QEMU microbit) for the
//! Cortex-M0 one. (No memory.x in this directory: the linker would find it first.)
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let thumbv6m = env::var("TARGET").is_ok_and(|t| t.starts_with("thumbv6m"));
    let layout: &[u8] = if thumbv6m {
        include_bytes!("memory-microbit.x")
    } else {
        include_bytes!("memory-mps2.x")
    };
    fs::write(out.join("memory.x"), layout).expect("memory.x");
    // cortex-m-rt's "device" feature includes device.x, a PAC's list of interrupt handler
    // names; the images name none (nvme_mi_firmware::__INTERRUPTS points all to the default).
    fs::write(out.join("device.x"), b"").expect("device.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-mps2.x");
    println!("cargo:rerun-if-changed=memory-microbit.x");
    println!("cargo:rerun-if-changed=build.rs");
}
