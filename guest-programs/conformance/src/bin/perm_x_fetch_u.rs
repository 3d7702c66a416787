//! 4.3.1: execute-only page, U-mode fetch.
#![no_std]
#![no_main]
conformance::case!("4.3.1: X-only page fetch", Case::u(Fetch).leaf(0, V | X | U | A | D));
