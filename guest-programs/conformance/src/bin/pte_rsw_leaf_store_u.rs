//! 4.3.1: "The RSW field is reserved for use by supervisor software; the implementation shall ignore
//! this field."
//!
//! Case: U-mode store through a leaf with both RSW bits set.
#![no_std]
#![no_main]
conformance::case!("4.3.1: RSW ignored (leaf)", Case::u(Store).leaf(0, V | R | W | X | U | A | D | RSW));
