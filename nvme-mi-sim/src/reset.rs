//! Controller Level Reset (NVMe Base 2.0 §3.7.2) and enabling a controller again, as a host
//! does them through CC.EN (NVMe Base 2.0 §3.1.3.5, §3.5.2): what `nvme-mi reset` drives over
//! the PCIe Memory Write command (NVMe-MI 1.2 §7.5).
//!
//! On CC.EN going from 1 to 0 the controller is reset: CSTS.RDY and CSTS.SHST clear, the
//! feature values return to their defaults (none is saveable, so the default is what
//! follows a reset; the Timestamp counts from zero again with origin 0, NVMe Base 2.0
//! §5.27.1.10), and a firmware image committed for activation at the next reset is
//! activated. The namespaces, logs and the NVM subsystem state are kept. On CC.EN going
//! from 0 to 1 the controller becomes ready at once (CSTS.RDY set). Both changes are flagged
//! for the Controller Health Status Poll (RDY; FA on activation).
//!
//! Simplifications: the drive's features are shared by its controllers, so resetting one
//! resets them for all; the Admin commands the NVMe-MI path carries are served whatever
//! CC.EN is (they do not pass through the host's queues); a long operation in progress
//! (Format NVM, Sanitize, firmware activation) runs on.

use nvme_mi_core::mi::command::{CompositeControllerStatus, ShutdownStatus};

use crate::features::Features;
use crate::Sim;

impl Sim {
    /// A write of CC.EN (`enable`) to controller `ctlid`.
    pub(crate) fn write_cc_en(&mut self, ctlid: u16, enable: bool) {
        let Some(i) = self.ctrls.iter().position(|c| c.id == ctlid) else {
            return;
        };
        let c = &mut self.ctrls[i];
        if c.enabled == enable {
            return;
        }
        c.enabled = enable;
        c.ready = enable;
        if !enable {
            c.shst = ShutdownStatus::Normal;
            self.feat = Features::default();
        }
        self.flag(CompositeControllerStatus::RDY, 1 << i);
        if !enable && self.fw.reset() {
            self.firmware_activated();
        }
    }

    /// CC.EN of controller `ctlid`.
    pub(crate) fn enabled(&self, ctlid: u16) -> Option<bool> {
        self.ctrls.iter().find(|c| c.id == ctlid).map(|c| c.enabled)
    }
}
