//! NVMe-MI Command Set (NMIMT 1). (to be written)
