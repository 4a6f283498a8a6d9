//! Pagination: every list in Lingyan is read a page at a time.

use serde::Serialize;

/// Which page of a list to read. Pages are numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u64 = 50;
    pub const MAX_PER_PAGE: u64 = 500;
    /// Far past any list's end, and small enough that the offset fits the
    /// databases' signed 64-bit integers.
    pub const MAX_PAGE: u64 = 1_000_000;

    /// Clamps what a client asked for into a sane request:
    /// 1 ≤ page ≤ 1,000,000, 1 ≤ per_page ≤ 500, default 50.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page
                .unwrap_or(Self::DEFAULT_PER_PAGE)
                .clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of a list, with the total so a client can show "page 2 of 7".
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Paged<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_huge_page_is_clamped_so_its_offset_fits_a_database_integer() {
        let p = PageRequest::new(Some(u64::MAX), Some(u64::MAX));
        assert_eq!(
            (p.page, p.per_page),
            (PageRequest::MAX_PAGE, PageRequest::MAX_PER_PAGE)
        );
        assert!(i64::try_from(p.offset()).is_ok());
    }

    use super::*;

    #[test]
    fn pages_and_their_neighbours() {
        assert_eq!(
            PageRequest::default(),
            PageRequest {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(PageRequest::new(Some(2), Some(500)).per_page, 500);
        assert_eq!(PageRequest::new(Some(1_000_000), Some(1)).page, 1_000_000);
        assert_eq!(PageRequest::new(Some(1), Some(0)).per_page, 1);
        assert_eq!(PageRequest::new(Some(1), None).offset(), 0);
        assert_eq!(PageRequest::new(Some(2), None).offset(), 50);
        let page = |total, page| Paged {
            items: Vec::<u8>::new(),
            total,
            page,
            per_page: 20,
        };
        assert_eq!(page(0, 1).pages(), 1);
        assert_eq!(page(20, 1).pages(), 1);
        assert_eq!(page(21, 1).pages(), 2);
        assert!(!page(0, 1).has_prev() && !page(0, 1).has_next());
        assert!(page(40, 1).has_next() && !page(40, 1).has_prev());
        assert!(page(41, 2).has_next() && page(41, 2).has_prev());
        let mapped = Paged {
            items: vec![1, 2],
            total: 42,
            page: 2,
            per_page: 2,
        }
        .map(|x| x * 10);
        assert_eq!(
            (mapped.items, mapped.total, mapped.page, mapped.per_page),
            (vec![10, 20], 42, 2, 2)
        );
    }

    #[test]
    fn clamps() {
        let p = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((p.page, p.per_page), (1, 500));
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
        let paged = Paged {
            items: vec![1],
            total: 41,
            page: 3,
            per_page: 20,
        };
        assert_eq!(paged.pages(), 3);
        assert!(paged.has_prev() && !paged.has_next());
    }
}
