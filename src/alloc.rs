//! wasm32 + atomics only: a per-thread cache of small blocks in front of the system allocator.
//!
//! std's allocator on this target is dlmalloc behind one global spin lock, so two pool threads that both
//! allocate (parsing does, constantly) take turns and a 2-thread batch ran slower than a 1-thread one
//! (0.79x over the corpus doc snippets). Here each thread keeps bounded free lists of blocks in 8 size
//! classes (16 B … 2 KiB); only misses and larger blocks reach the locked allocator. A block freed on
//! another thread simply joins that thread's list: the memory is shared, and every cached block has
//! exactly its class's layout, which is what it is returned to the system allocator with.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr;
use std::alloc::System;

const CLASSES: usize = 8;
const MIN_SHIFT: u32 = 4; // 16 bytes
const MAX_SIZE: usize = 1 << (MIN_SHIFT as usize + CLASSES - 1); // 2 KiB
const ALIGN: usize = 16;
/// Blocks kept per class and thread (at most ~2 MiB per thread across all classes).
const MAX_CACHED: u32 = 512;

struct FreeList {
    head: Cell<*mut u8>,
    len: Cell<u32>,
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: FreeList = FreeList {
    head: Cell::new(ptr::null_mut()),
    len: Cell::new(0),
};

// Native wasm TLS (`#[thread_local]`): no lazy initialisation and no allocation on access, which a
// `thread_local!` key might need, and an allocator must never re-enter itself.
#[thread_local]
static LISTS: [FreeList; CLASSES] = [EMPTY; CLASSES];

pub struct ThreadCachingAllocator;

/// Size class of a layout, or `None` for blocks that go straight to the system allocator.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() > MAX_SIZE || layout.align() > ALIGN {
        return None;
    }
    let size = layout.size().max(1 << MIN_SHIFT);
    let shift = usize::BITS - (size - 1).leading_zeros(); // ceil(log2(size))
    Some((shift - MIN_SHIFT) as usize)
}

fn class_layout(class: usize) -> Layout {
    // SAFETY: the size is a power of two between 16 and 2048 and the alignment 16 divides it.
    unsafe { Layout::from_size_align_unchecked(1 << (class + MIN_SHIFT as usize), ALIGN) }
}

unsafe impl GlobalAlloc for ThreadCachingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded unchanged.
            return unsafe { System.alloc(layout) };
        };
        if let Some(list) = LISTS.get(class) {
            let head = list.head.get();
            if !head.is_null() {
                // SAFETY: cached blocks store the next pointer in their first bytes.
                list.head.set(unsafe { head.cast::<*mut u8>().read() });
                list.len.set(list.len.get() - 1);
                return head;
            }
        }
        // SAFETY: a valid, non-zero-sized layout.
        unsafe { System.alloc(class_layout(class)) }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            // SAFETY: allocated by `System` with this layout (see `alloc` and `realloc`).
            return unsafe { System.dealloc(block, layout) };
        };
        if let Some(list) = LISTS.get(class) {
            if list.len.get() < MAX_CACHED {
                // SAFETY: the block is at least 16 bytes, 16-aligned and no longer in use.
                unsafe { block.cast::<*mut u8>().write(list.head.get()) };
                list.head.set(block);
                list.len.set(list.len.get() + 1);
                return;
            }
        }
        // SAFETY: every small block was allocated with its class layout.
        unsafe { System.dealloc(block, class_layout(class)) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` forms a valid layout with this alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            (Some(old), Some(new)) if old == new => block,
            // SAFETY: both large: the system allocator owns the block with `layout`.
            (None, None) => unsafe { System.realloc(block, layout, new_size) },
            _ => {
                // SAFETY: a fresh block of the new layout, a copy of the common prefix, then the old one freed.
                unsafe {
                    let moved = self.alloc(new_layout);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                    moved
                }
            }
        }
    }
}
