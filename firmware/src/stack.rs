//! Stack high-water measurement by painting: fill the free stack with a pattern at start,
//! later find the deepest word that no longer holds it.
//!
//! cortex-m-rt places the stack at the top of RAM (`_stack_start`), growing down towards the
//! end of the static data (`__sheap`); everything between is stack.

const PAINT: u32 = 0xa5a5_a5a5;

extern "C" {
    static __sheap: u32;
    static _stack_start: u32;
}

// Only the addresses of the linker symbols are taken, never their values.
fn bottom() -> usize {
    core::ptr::addr_of!(__sheap) as usize
}

fn top() -> usize {
    core::ptr::addr_of!(_stack_start) as usize
}

/// Bytes between the end of static data and the top of RAM.
pub fn size() -> usize {
    top() - bottom()
}

/// Paint the unused stack below the caller's frame (call first thing in `main`).
#[inline(never)]
pub fn paint() {
    let marker = 0u8;
    // Leave room for this function's own frame.
    let limit = (core::ptr::addr_of!(marker) as usize).saturating_sub(64) & !3;
    let mut p = bottom();
    while p < limit {
        // SAFETY: [bottom, limit) is RAM below the current stack pointer that nothing uses
        // yet: the stack grows down into it only later.
        unsafe { (p as *mut u32).write_volatile(PAINT) };
        p += 4;
    }
}

/// The deepest the stack has reached since [`paint`], in bytes from the top of RAM.
pub fn high_water() -> usize {
    let mut p = bottom();
    let t = top();
    // SAFETY: reads words of RAM between the end of static data and the stack top.
    while p < t && unsafe { (p as *const u32).read_volatile() } == PAINT {
        p += 4;
    }
    t - p
}
