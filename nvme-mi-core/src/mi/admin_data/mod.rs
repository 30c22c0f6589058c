//! Typed views of the Admin data a management controller reads. (to be written)
