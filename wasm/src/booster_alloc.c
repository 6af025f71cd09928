/*
 * tree-sitter's allocator: the runtime and the external scanners call these as ts_malloc & co
 * (see booster_alloc.h).
 *
 * A parse makes hundreds of thousands of short-lived small allocations (subtrees, stack
 * nodes, the arrays of a reduction). libc's malloc here is Zig's: a 16-byte header plus
 * power-of-two slots behind two calls. This one is a segregated free list: sizes up to
 * BS_SMALL_MAX in 16-byte classes, each class carving whole 64 KiB wasm pages, with the
 * class of every page in a table indexed by address >> 16 (no per-block header). Freed
 * blocks go back on their class list and are reused (a wasm memory never shrinks; closed
 * documents' memory is reused, as with libc's allocator). Larger sizes go to libc.
 * Out of memory (the host's cap) aborts, like tree-sitter's default allocator.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "booster_alloc.h"

#define BS_PAGE_SHIFT 16
#define BS_PAGE_SIZE (1u << BS_PAGE_SHIFT)
#define BS_GRANULE 16u
#define BS_SMALL_MAX 1024u
#define BS_CLASSES (BS_SMALL_MAX / BS_GRANULE + 1)  /* class c holds blocks of c * 16 bytes */

typedef struct FreeBlock {
  struct FreeBlock *next;
} FreeBlock;

static FreeBlock *g_free[BS_CLASSES];
static uintptr_t g_bump[BS_CLASSES], g_end[BS_CLASSES];
static uint8_t g_page_class[1u << (32 - BS_PAGE_SHIFT)];  /* 0 = not ours (libc) */

static inline uint32_t class_of(size_t size) {
  return size ? (uint32_t)((size + BS_GRANULE - 1) / BS_GRANULE) : 1;
}

/* Copy / clear n bytes, n a multiple of 16 (a whole small block). Inline 16-byte moves: a
 * memcpy of a variable size would become memory.copy, a call out to the host under
 * wasmtime, which costs more than these small blocks take to copy. The empty asm keeps
 * clang from turning the loop back into memcpy / memset. */
static inline void copy_blocks(void *dst, const void *src, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    __builtin_memcpy_inline((char *)dst + i, (const char *)src + i, 16);
    __asm__ volatile("" ::: "memory");
  }
}

static inline void clear_blocks(void *dst, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    __builtin_memset_inline((char *)dst + i, 0, 16);
    __asm__ volatile("" ::: "memory");
  }
}

static __attribute__((noinline)) void *refill(uint32_t c) {
  int32_t page = __builtin_wasm_memory_grow(0, 1);
  if (page < 0) abort();  /* the host's memory cap */
  uintptr_t base = (uintptr_t)page << BS_PAGE_SHIFT;
  g_page_class[page] = (uint8_t)c;
  uintptr_t block = c * BS_GRANULE;
  g_bump[c] = base + block;
  g_end[c] = base + BS_PAGE_SIZE - BS_PAGE_SIZE % block;
  return (void *)base;
}

void *bs_ts_malloc(size_t size) {
  if (size <= BS_SMALL_MAX) {
    uint32_t c = class_of(size);
    FreeBlock *b = g_free[c];
    if (b) {
      g_free[c] = b->next;
      return b;
    }
    uintptr_t p = g_bump[c];
    if (p && p < g_end[c]) {
      g_bump[c] = p + c * BS_GRANULE;
      return (void *)p;
    }
    return refill(c);
  }
  void *p = malloc(size);
  if (!p) abort();
  return p;
}

void bs_ts_free(void *ptr) {
  if (!ptr) return;
  uint32_t c = g_page_class[(uintptr_t)ptr >> BS_PAGE_SHIFT];
  if (c) {
    FreeBlock *b = ptr;
    b->next = g_free[c];
    g_free[c] = b;
  } else {
    free(ptr);
  }
}

void *bs_ts_calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) abort();
  size_t n = count * size;
  void *p = bs_ts_malloc(n);
  if (n <= BS_SMALL_MAX)
    clear_blocks(p, class_of(n) * BS_GRANULE);
  else
    memset(p, 0, n);
  return p;
}

void *bs_ts_realloc(void *ptr, size_t size) {
  if (!ptr) return bs_ts_malloc(size);
  uint32_t c = g_page_class[(uintptr_t)ptr >> BS_PAGE_SHIFT];
  if (!c) {
    if (size <= BS_SMALL_MAX / 2) {  /* a shrunk big block moves back to a class */
      void *q = bs_ts_malloc(size);
      memcpy(q, ptr, size);
      free(ptr);
      return q;
    }
    void *q = realloc(ptr, size ? size : 1);
    if (!q) abort();
    return q;
  }
  size_t have = c * BS_GRANULE;
  if (size <= have && size > have / 2) return ptr;
  void *q = bs_ts_malloc(size);
  if (size <= BS_SMALL_MAX) {
    size_t blocks = class_of(size) * BS_GRANULE;  /* both blocks are whole granules */
    copy_blocks(q, ptr, blocks < have ? blocks : have);
  } else {
    memcpy(q, ptr, have);
  }
  bs_ts_free(ptr);
  return q;
}
