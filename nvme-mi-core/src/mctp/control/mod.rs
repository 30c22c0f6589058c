//! MCTP control messages (DSP0236 §12): message type 0, no integrity check. (to be written)
