//! One file per group of commands.

pub mod aem;
pub mod basic;
pub mod config;
pub mod discover;
pub mod features;
pub mod firmware;
pub mod i2c;
pub mod identify;
pub mod logs;
pub mod maintenance;
pub mod mi;
pub mod monitor;
pub mod namespaces;
pub mod serve;
