//! The swap disk of `sv39 run --swap SIZE`: a scratch image formatted as
//! Linux's `mkswap` does (include/linux/swap.h, `union swap_header`), so the
//! bundled kernel and Linux both accept it.

/// The page size of the swap format on riscv64.
pub const PAGE: u64 = 4096;
/// The smallest area `mkswap` makes: 10 pages (40 KiB).
pub const MIN_PAGES: u64 = 10;

/// Page 0 of a swap area of `size` bytes: version 1, `last_page`, no bad
/// pages, and the "SWAPSPACE2" signature in the page's last ten bytes.
pub fn header(size: u64) -> Result<Vec<u8>, String> {
    let pages = size / PAGE;
    if pages < MIN_PAGES {
        return Err(format!("a swap area needs at least {} KiB", MIN_PAGES * PAGE / 1024));
    }
    let last_page = u32::try_from(pages - 1).map_err(|_| format!("a swap area holds at most {} GiB", (u64::from(u32::MAX) * PAGE) >> 30))?;
    let mut page = vec![0u8; PAGE as usize];
    // After 1024 boot bytes: version, last_page, nr_badpages, uuid, label.
    page[1024..1028].copy_from_slice(&1u32.to_le_bytes());
    page[1028..1032].copy_from_slice(&last_page.to_le_bytes());
    page[1052..1060].copy_from_slice(b"sv39swap");
    page[PAGE as usize - 10..].copy_from_slice(b"SWAPSPACE2");
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_mkswaps() {
        let h = header(512 << 20).unwrap();
        assert_eq!(&h[4086..], b"SWAPSPACE2");
        assert_eq!(u32::from_le_bytes(h[1024..1028].try_into().unwrap()), 1, "version");
        assert_eq!(u32::from_le_bytes(h[1028..1032].try_into().unwrap()), 131_071, "last_page");
        assert_eq!(u32::from_le_bytes(h[1032..1036].try_into().unwrap()), 0, "nr_badpages");
    }

    #[test]
    fn too_small_or_too_large_is_refused() {
        assert!(header(36 << 10).is_err());
        assert!(header(40 << 10).is_ok());
        assert!(header(PAGE << 33).is_err());
    }
}
