mi_flags! {
    /// Composite Controller Status, CCS, of the NVM Subsystem Health Data Structure, and the
    /// Controller Health Status Changed Flags (CHSCF) of a Controller Health Data Structure
    /// (NVMe-MI 1.2 §5.3, §5.6). Bits 3 and 15:14 are reserved.
    CompositeControllerStatus(u16) {
        /// RDY: a controller's CSTS.RDY changed.
        const RDY = 1 << 0;
        /// CFS: a controller's CSTS.CFS changed.
        const CFS = 1 << 1;
        /// SHST: a controller's shutdown status changed.
        const SHST = 1 << 2;
        /// NSSRO: an NVM subsystem reset occurred.
        const NSSRO = 1 << 4;
        /// CECO: a controller enable change occurred.
        const CECO = 1 << 5;
        /// NAC: namespace attribute changed.
        const NAC = 1 << 6;
        /// FA: firmware activated.
        const FA = 1 << 7;
        /// CSTS: controller status changed.
        const CSTS = 1 << 8;
        /// CTEMP: composite temperature changed.
        const CTEMP = 1 << 9;
        /// PDLU: percentage used changed.
        const PDLU = 1 << 10;
        /// SPARE: available spare changed.
        const SPARE = 1 << 11;
        /// CWARN: critical warning changed.
        const CWARN = 1 << 12;
        /// TCIDA: telemetry controller-initiated data available (NVMe-MI 2.x).
        const TCIDA = 1 << 13;
    }
}

mi_flags! {
    /// Critical warnings in NVMe's non-inverted Critical Warning layout: the CWARN of a
    /// Controller Health Data Structure, and the warnings present according to the inverted
    /// SMART Warnings of the NVM Subsystem Health Data Structure (NVMe-MI 1.2 §5.3, §5.6).
    CriticalWarning(u8) {
        /// ST: available spare below threshold.
        const ST = 1 << 0;
        /// TAUT: temperature above or under threshold.
        const TAUT = 1 << 1;
        /// RD: reliability degraded.
        const RD = 1 << 2;
        /// RO: media placed in read-only mode.
        const RO = 1 << 3;
        /// VMBF: volatile memory backup failed.
        const VMBF = 1 << 4;
        /// PMRE: persistent memory region error (NVMe-MI 2.0).
        const PMRE = 1 << 5;
        /// IPS: indeterminate personality state (NVMe-MI 2.x).
        const IPS = 1 << 6;
    }
}
