/*
 * tree-sitter's allocator for this module (booster_alloc.c).
 *
 * wasm/build.py force-includes this header (-include) into every tree-sitter unit (runtime,
 * grammars, external scanners): their alloc.h lets clients define ts_malloc & co first ("Allow
 * clients to override allocation functions"), so they call these directly instead
 * of through the ts_current_* function pointers (and LTO can inline their fast paths).
 * Memory that tree-sitter hands over (ts_node_string) must be freed with bs_ts_free.
 */
#ifndef BOOSTER_ALLOC_H_
#define BOOSTER_ALLOC_H_

#include <stddef.h>

void *bs_ts_malloc(size_t size);
void *bs_ts_calloc(size_t count, size_t size);
void *bs_ts_realloc(void *ptr, size_t size);
void bs_ts_free(void *ptr);

#define ts_malloc bs_ts_malloc
#define ts_calloc bs_ts_calloc
#define ts_realloc bs_ts_realloc
#define ts_free bs_ts_free

#endif
