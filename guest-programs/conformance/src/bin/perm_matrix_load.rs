//! 4.3.1, 4.1.1.2, 3.1.6.3: the full permission matrix - every leaf R/W/X encoding (W without R
//! reserved), U = 0/1, S, U and MPRV (MPP = S/U) accesses, SUM and MXR 0/1.
//!
//! Case: Load through every combination (see conformance::Matrix).
#![no_std]
#![no_main]
conformance::case!("4.3.1 permission matrix: load", Matrix(Load));
