/*
 * booster-syntax ABI v1: tree-sitter behind a small, data-oriented C ABI.
 *
 * Conventions (the one host-side adapter is booster_lsp/wasm/abi/syntax_v1.py):
 *  - all integers are u32/i32; byte offsets are UTF-8 byte offsets; rows are 0-based line
 *    numbers and columns are 0-based byte columns (tree-sitter points, '\n' ends a line);
 *  - input buffers are allocated with bs_alloc and written by the host; bs_open and bs_edit
 *    take ownership of the buffer they are given (the host never frees it);
 *  - results are written to one result buffer (bs_result_ptr / bs_result_len), valid until
 *    the next call; records are little-endian u32 arrays, strings follow the records;
 *  - handles are small positive integers, 0 means failure; bad handles never trap.
 */
#ifndef BOOSTER_SYNTAX_H_
#define BOOSTER_SYNTAX_H_

#include <stdint.h>

#define BS_ABI_VERSION 1

enum bs_language {
  BS_LANG_PYTHON = 1,
  BS_LANG_JAVASCRIPT = 2,
  BS_LANG_TYPESCRIPT = 3,
  BS_LANG_TSX = 4,
  BS_LANG_GO = 5,
  BS_LANG_RUST = 6,
  BS_LANG_COUNT = 7,
};

/* Error record: 9 x u32 (kind, start_byte, end_byte, start_row, start_col, end_row,
 * end_col, msg_off, msg_len); msg_off is relative to the end of the records. */
enum bs_error_kind { BS_ERROR = 1, BS_MISSING = 2 };
#define BS_ERROR_FIELDS 9

/* Capture record: 10 x u32 (match_id, pattern_index, capture_index, symbol, start_byte,
 * end_byte, start_row, start_col, end_row, end_col). */
#define BS_CAPTURE_FIELDS 10

/* bs_query_new failure: result buffer holds 2 x u32 (error_type, byte offset);
 * error_type is tree-sitter's TSQueryError, or BS_QUERY_UNSUPPORTED_PREDICATE. */
#define BS_QUERY_UNSUPPORTED_PREDICATE 100

/* bs_edit status codes */
enum bs_edit_status {
  BS_EDIT_OK = 1,
  BS_EDIT_BAD_DOC = 0,
  BS_EDIT_BAD_RANGE = -1,
  BS_EDIT_PARSE_FAILED = -2,
};

#endif
