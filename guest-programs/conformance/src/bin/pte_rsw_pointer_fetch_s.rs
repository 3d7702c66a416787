//! 4.3.1: "The RSW field is reserved for use by supervisor software; the implementation shall ignore
//! this field."
//!
//! Case: S-mode fetch; the level-1 pointer has both RSW bits set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: RSW ignored (pointer)", Case::s(Fetch).flip(1, RSW));
