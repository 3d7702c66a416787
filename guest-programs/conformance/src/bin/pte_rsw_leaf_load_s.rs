//! 4.3.1: "The RSW field is reserved for use by supervisor software; the implementation shall ignore
//! this field."
//!
//! Case: S-mode load through a leaf with both RSW bits (9:8) set: translated as usual.
#![no_std]
#![no_main]
conformance::case!("4.3.1: RSW ignored (leaf)", Case::s(Load).leaf(0, V | R | W | X | A | D | RSW));
