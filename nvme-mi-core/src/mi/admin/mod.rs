//! NVMe Admin command tunnelling (NMIMT 2). (to be written)
