/*
 * booster-syntax: tree-sitter's runtime + six grammars behind the ABI in booster_syntax.h.
 * Every export is named with export_name; nothing else leaves the module but `memory`
 * and `_initialize` (reactor model).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tree_sitter/api.h"
#include "booster_alloc.h"
#include "booster_syntax.h"

#define EXPORT(name) __attribute__((export_name(#name))) name

const TSLanguage *tree_sitter_python(void);
const TSLanguage *tree_sitter_javascript(void);
const TSLanguage *tree_sitter_typescript(void);
const TSLanguage *tree_sitter_tsx(void);
const TSLanguage *tree_sitter_go(void);
const TSLanguage *tree_sitter_rust(void);

/* ------------------------------------------------------------------ languages, parsers */

static const TSLanguage *language(uint32_t lang) {
  switch (lang) {
    case BS_LANG_PYTHON: return tree_sitter_python();
    case BS_LANG_JAVASCRIPT: return tree_sitter_javascript();
    case BS_LANG_TYPESCRIPT: return tree_sitter_typescript();
    case BS_LANG_TSX: return tree_sitter_tsx();
    case BS_LANG_GO: return tree_sitter_go();
    case BS_LANG_RUST: return tree_sitter_rust();
    default: return NULL;
  }
}

static TSParser *g_parsers[BS_LANG_COUNT];

static TSParser *parser_for(uint32_t lang) {
  const TSLanguage *l = language(lang);
  if (!l) return NULL;
  if (!g_parsers[lang]) {
    TSParser *p = ts_parser_new();
    if (!ts_parser_set_language(p, l)) {  /* ABI version not accepted by this runtime */
      ts_parser_delete(p);
      return NULL;
    }
    g_parsers[lang] = p;
  }
  return g_parsers[lang];
}

/* ------------------------------------------------------------------ result buffer */

typedef struct {
  uint8_t *data;
  uint32_t len, cap;
} Buf;

static Buf g_result, g_strings;

static bool buf_reserve(Buf *b, uint32_t extra) {
  if (b->len + extra <= b->cap) return true;
  uint32_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra) cap *= 2;
  uint8_t *data = realloc(b->data, cap);
  if (!data) abort();
  b->data = data;
  b->cap = cap;
  return true;
}

static void buf_reset(Buf *b) {
  b->len = 0;
  if (b->cap > (1u << 20)) {  /* don't keep a huge buffer after one big answer */
    free(b->data);
    b->data = NULL;
    b->cap = 0;
  }
}

static void buf_bytes(Buf *b, const void *p, uint32_t n) {
  buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void buf_u32(Buf *b, uint32_t v) {
  buf_reserve(b, 4);
  memcpy(b->data + b->len, &v, 4);  /* wasm32 is little-endian */
  b->len += 4;
}

uint32_t EXPORT(bs_result_ptr)(void) { return (uint32_t)(uintptr_t)g_result.data; }
uint32_t EXPORT(bs_result_len)(void) { return g_result.len; }
uint32_t EXPORT(bs_abi_version)(void) { return BS_ABI_VERSION; }

/* ------------------------------------------------------------------ memory */

uint32_t EXPORT(bs_alloc)(uint32_t len) { return (uint32_t)(uintptr_t)malloc(len ? len : 1); }
void EXPORT(bs_free)(uint32_t ptr) { free((void *)(uintptr_t)ptr); }

/* ------------------------------------------------------------------ documents */

typedef struct {
  uint32_t lang;
  TSTree *tree;
  char *text;
  uint32_t len;
} Doc;

static Doc **g_docs;
static uint32_t g_doc_cap;

static Doc *doc_get(uint32_t handle) {
  if (handle == 0 || handle > g_doc_cap) return NULL;
  return g_docs[handle - 1];
}

static uint32_t doc_slot(void) {
  for (uint32_t i = 0; i < g_doc_cap; i++)
    if (!g_docs[i]) return i + 1;
  uint32_t cap = g_doc_cap ? g_doc_cap * 2 : 16;
  Doc **docs = realloc(g_docs, cap * sizeof(Doc *));
  if (!docs) abort();
  memset(docs + g_doc_cap, 0, (cap - g_doc_cap) * sizeof(Doc *));
  g_docs = docs;
  uint32_t handle = g_doc_cap + 1;
  g_doc_cap = cap;
  return handle;
}

/* Parse `text` (ownership taken) as `lang`; returns a handle, 0 on failure. */
uint32_t EXPORT(bs_open)(uint32_t lang, uint32_t text_ptr, uint32_t text_len) {
  char *text = (char *)(uintptr_t)text_ptr;
  TSParser *parser = parser_for(lang);
  if (!parser) {
    free(text);
    return 0;
  }
  TSTree *tree = ts_parser_parse_string(parser, NULL, text, text_len);
  if (!tree) {
    free(text);
    return 0;
  }
  Doc *doc = malloc(sizeof(Doc));
  if (!doc) abort();
  doc->lang = lang;
  doc->tree = tree;
  doc->text = text;
  doc->len = text_len;
  uint32_t handle = doc_slot();
  g_docs[handle - 1] = doc;
  return handle;
}

/* A new document with the same text and tree. ts_tree_copy is O(1) (subtrees are shared and
 * copied on write), so editing the copy costs an incremental reparse and leaves the original
 * untouched: the host validates a transformation against a tree someone else holds. */
uint32_t EXPORT(bs_copy)(uint32_t handle) {
  Doc *src = doc_get(handle);
  if (!src) return 0;
  char *text = malloc(src->len ? src->len : 1);
  if (!text) abort();
  memcpy(text, src->text, src->len);
  Doc *doc = malloc(sizeof(Doc));
  if (!doc) abort();
  doc->lang = src->lang;
  doc->tree = ts_tree_copy(src->tree);
  doc->text = text;
  doc->len = src->len;
  uint32_t copy = doc_slot();
  g_docs[copy - 1] = doc;
  return copy;
}

void EXPORT(bs_close)(uint32_t handle) {
  Doc *doc = doc_get(handle);
  if (!doc) return;
  ts_tree_delete(doc->tree);
  free(doc->text);
  free(doc);
  g_docs[handle - 1] = NULL;
}

/* Advance `p` over text[from, to). */
static TSPoint advance_point(TSPoint p, const char *text, uint32_t from, uint32_t to) {
  for (uint32_t i = from; i < to; i++) {
    if (text[i] == '\n') {
      p.row++;
      p.column = 0;
    } else {
      p.column++;
    }
  }
  return p;
}

/* Replace bytes [start, old_end) with the inserted bytes (ownership taken; ptr may be 0 when
 * ins_len is 0), then reparse incrementally. */
int32_t EXPORT(bs_edit)(uint32_t handle, uint32_t start, uint32_t old_end, uint32_t ins_ptr,
                        uint32_t ins_len) {
  char *ins = (char *)(uintptr_t)ins_ptr;
  Doc *doc = doc_get(handle);
  if (!doc) {
    free(ins);
    return BS_EDIT_BAD_DOC;
  }
  if (start > old_end || old_end > doc->len) {
    free(ins);
    return BS_EDIT_BAD_RANGE;
  }
  uint32_t new_len = doc->len - (old_end - start) + ins_len;
  char *text = malloc(new_len ? new_len : 1);
  if (!text) abort();
  memcpy(text, doc->text, start);
  if (ins_len) memcpy(text + start, ins, ins_len);
  memcpy(text + start + ins_len, doc->text + old_end, doc->len - old_end);

  TSPoint zero = {0, 0};
  TSInputEdit edit;
  edit.start_byte = start;
  edit.old_end_byte = old_end;
  edit.new_end_byte = start + ins_len;
  edit.start_point = advance_point(zero, doc->text, 0, start);
  edit.old_end_point = advance_point(edit.start_point, doc->text, start, old_end);
  edit.new_end_point = advance_point(edit.start_point, text, start, start + ins_len);
  free(ins);

  ts_tree_edit(doc->tree, &edit);
  TSTree *tree = ts_parser_parse_string(parser_for(doc->lang), doc->tree, text, new_len);
  if (!tree) {
    free(text);
    return BS_EDIT_PARSE_FAILED;
  }
  ts_tree_delete(doc->tree);
  free(doc->text);
  doc->tree = tree;
  doc->text = text;
  doc->len = new_len;
  return BS_EDIT_OK;
}

/* ------------------------------------------------------------------ syntax errors */

#define EXCERPT_MAX 24

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The token where the parser gave up is usually the last leaf of the ERROR node (the node
 * wraps what could not be reduced, up to and including that token). A childless ERROR node
 * is its own token. The excerpt is cut at the end of the line and at EXCERPT_MAX bytes on a
 * UTF-8 boundary. */
static void error_message(Buf *out, const Doc *doc, TSNode node) {
  TSNode leaf = node;
  for (;;) {
    uint32_t n = ts_node_child_count(leaf);
    uint32_t i = n;
    while (i > 0) {  /* the last child that has text */
      TSNode child = ts_node_child(leaf, i - 1);
      if (ts_node_end_byte(child) > ts_node_start_byte(child)) break;
      i--;
    }
    if (i == 0) break;
    leaf = ts_node_child(leaf, i - 1);
  }
  uint32_t start = ts_node_start_byte(leaf), end = ts_node_end_byte(leaf);
  if (end > doc->len) end = doc->len;
  while (start < end && is_space(doc->text[start])) start++;
  uint32_t stop = start;
  while (stop < end && doc->text[stop] != '\n' && doc->text[stop] != '\r') stop++;
  while (stop > start && is_space(doc->text[stop - 1])) stop--;
  bool cut = false;
  if (stop - start > EXCERPT_MAX) {
    stop = start + EXCERPT_MAX;
    while (stop > start && ((uint8_t)doc->text[stop] & 0xC0) == 0x80) stop--;
    cut = true;
  }
  if (stop == start) {
    if (ts_node_start_byte(node) >= doc->len) {
      buf_bytes(out, "unexpected end of file", 22);
    } else {
      buf_bytes(out, "syntax error", 12);
    }
    return;
  }
  buf_bytes(out, "unexpected '", 12);
  buf_bytes(out, doc->text + start, stop - start);
  if (cut) buf_bytes(out, "...", 3);
  buf_bytes(out, "'", 1);
}

static void missing_message(Buf *out, const Doc *doc, TSNode node) {
  TSSymbol sym = ts_node_symbol(node);
  const TSLanguage *lang = ts_tree_language(doc->tree);
  const char *name = ts_language_symbol_name(lang, sym);
  bool named = ts_language_symbol_type(lang, sym) == TSSymbolTypeRegular;
  buf_bytes(out, "expected ", 9);
  if (!named) buf_bytes(out, "'", 1);
  buf_bytes(out, name, (uint32_t)strlen(name));
  if (!named) buf_bytes(out, "'", 1);
}

/* The innermost opening bracket an ERROR node leaves unclosed, when nothing but whitespace
 * follows the node: the file ends inside that bracket. The state of every file while its
 * author is typing `f(` or `func main() {`, for which the usual message named the last
 * token of the node ("unexpected '{'", "unexpected ','"), which is not what is wrong.
 * A bracket is a one-byte anonymous token or a childless ERROR node (never a string's
 * content); a closer that does not match the innermost opener is ignored. */
#define BRACKETS_MAX 256

/* The cursor to the next node in document order after the current node's subtree: its next
 * sibling, or the next sibling of its nearest ancestor that has one. False at the end of the
 * cursor's own tree (a cursor never leaves the node it was made on). */
static bool cursor_skip_subtree(TSTreeCursor *cursor) {
  while (!ts_tree_cursor_goto_next_sibling(cursor)) {
    if (!ts_tree_cursor_goto_parent(cursor)) return false;
  }
  return true;
}

static bool ends_the_file(const Doc *doc, TSNode node) {
  for (uint32_t i = ts_node_end_byte(node); i < doc->len; i++) {
    if (!is_space(doc->text[i])) return false;
  }
  return true;
}

static bool unclosed_bracket(const Doc *doc, TSNode node, uint32_t *at) {
  if (!ends_the_file(doc, node)) return false;
  uint32_t stack[BRACKETS_MAX];
  uint32_t depth = 0, lost = 0;  /* lost: openers beyond the stack, still counted */
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  for (;;) {
    TSNode current = ts_tree_cursor_current_node(&cursor);
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    uint32_t start = ts_node_start_byte(current);
    if (ts_node_end_byte(current) == start + 1 && start < doc->len &&
        (!ts_node_is_named(current) || ts_node_is_error(current))) {
      char c = doc->text[start];
      if (c == '(' || c == '[' || c == '{') {
        if (depth < BRACKETS_MAX) stack[depth++] = start;
        else lost++;
      } else if ((c == ')' || c == ']' || c == '}') && lost > 0) {
        lost--;
      } else if (depth > 0 && ((c == ')' && doc->text[stack[depth - 1]] == '(') ||
                               (c == ']' && doc->text[stack[depth - 1]] == '[') ||
                               (c == '}' && doc->text[stack[depth - 1]] == '{'))) {
        depth--;
      }
    }
    if (!cursor_skip_subtree(&cursor)) break;
  }
  ts_tree_cursor_delete(&cursor);
  if (depth == 0 || lost > 0) return false;
  *at = stack[depth - 1];
  return true;
}

static void add_record(uint32_t kind, uint32_t start_byte, uint32_t end_byte, TSPoint s, TSPoint e,
                       uint32_t msg_off) {
  buf_u32(&g_result, kind);
  buf_u32(&g_result, start_byte);
  buf_u32(&g_result, end_byte);
  buf_u32(&g_result, s.row);
  buf_u32(&g_result, s.column);
  buf_u32(&g_result, e.row);
  buf_u32(&g_result, e.column);
  buf_u32(&g_result, msg_off);
  buf_u32(&g_result, g_strings.len - msg_off);
}

/* The point of a byte offset inside `node` (the row and byte column of its start, moved on
 * through the text). */
static TSPoint point_at(const Doc *doc, TSNode node, uint32_t offset) {
  TSPoint point = ts_node_start_point(node);
  for (uint32_t i = ts_node_start_byte(node); i < offset; i++) {
    if (doc->text[i] == '\n') {
      point.row++;
      point.column = 0;
    } else {
      point.column++;
    }
  }
  return point;
}

static void add_error(const Doc *doc, TSNode node, uint32_t kind) {
  uint32_t msg_off = g_strings.len;
  uint32_t bracket;
  if (kind == BS_ERROR && unclosed_bracket(doc, node, &bracket)) {
    buf_bytes(&g_strings, "'", 1);
    buf_bytes(&g_strings, doc->text + bracket, 1);
    buf_bytes(&g_strings, "' was never closed", 18);
    TSPoint at = point_at(doc, node, bracket);
    TSPoint after = {at.row, at.column + 1};
    add_record(kind, bracket, bracket + 1, at, after, msg_off);
    return;
  }
  if (kind == BS_MISSING) missing_message(&g_strings, doc, node);
  else error_message(&g_strings, doc, node);
  add_record(kind, ts_node_start_byte(node), ts_node_end_byte(node), ts_node_start_point(node),
             ts_node_end_point(node), msg_off);
}

/* Outermost ERROR nodes and MISSING nodes, in document order. Returns the record count;
 * the result buffer holds the records followed by the message bytes. -1: bad handle. */
int32_t EXPORT(bs_errors)(uint32_t handle) {
  buf_reset(&g_result);
  buf_reset(&g_strings);
  Doc *doc = doc_get(handle);
  if (!doc) return -1;
  TSNode root = ts_tree_root_node(doc->tree);
  int32_t count = 0;
  if (ts_node_has_error(root)) {
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    for (;;) {
      TSNode node = ts_tree_cursor_current_node(&cursor);
      bool descend = false;
      if (ts_node_is_error(node)) {
        add_error(doc, node, BS_ERROR);
        count++;
      } else if (ts_node_is_missing(node)) {
        add_error(doc, node, BS_MISSING);
        count++;
      } else if (ts_node_has_error(node)) {
        descend = true;
      }
      if (descend && ts_tree_cursor_goto_first_child(&cursor)) continue;
      if (!cursor_skip_subtree(&cursor)) break;
    }
    ts_tree_cursor_delete(&cursor);
  }
  buf_bytes(&g_result, g_strings.data, g_strings.len);
  return count;
}

/* 1 if the document has any ERROR or MISSING node, 0 if not, -1 for a bad handle. */
int32_t EXPORT(bs_has_errors)(uint32_t handle) {
  Doc *doc = doc_get(handle);
  if (!doc) return -1;
  return ts_node_has_error(ts_tree_root_node(doc->tree)) ? 1 : 0;
}

/* ------------------------------------------------------------------ language metadata */

/* Symbol names of a language, each followed by a NUL, indexed by symbol id. Returns the
 * count (0 for an unknown language). */
uint32_t EXPORT(bs_symbols)(uint32_t lang) {
  buf_reset(&g_result);
  const TSLanguage *l = language(lang);
  if (!l) return 0;
  uint32_t n = ts_language_symbol_count(l);
  for (uint32_t i = 0; i < n; i++) {
    const char *name = ts_language_symbol_name(l, (TSSymbol)i);
    if (!name) name = "";
    buf_bytes(&g_result, name, (uint32_t)strlen(name) + 1);
  }
  return n;
}

/* The grammar's ABI version, or 0 if the runtime refuses it (or the id is unknown). */
uint32_t EXPORT(bs_language_abi)(uint32_t lang) {
  const TSLanguage *l = language(lang);
  if (!l || !parser_for(lang)) return 0;
  return ts_language_abi_version(l);
}

/* ------------------------------------------------------------------ queries */

typedef struct {
  uint32_t lang;
  TSQuery *query;
} Query;

static Query *g_queries;
static uint32_t g_query_cap;
static TSQueryCursor *g_cursor;

static bool str_is(const char *s, uint32_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Predicates evaluated here: eq?, not-eq?, any-of?, not-any-of? (directives `...!` are
 * ignored). Anything else is refused when the query is compiled. */
static bool predicates_supported(const TSQuery *q, uint32_t *bad_pattern) {
  uint32_t patterns = ts_query_pattern_count(q);
  for (uint32_t p = 0; p < patterns; p++) {
    uint32_t steps;
    const TSQueryPredicateStep *s = ts_query_predicates_for_pattern(q, p, &steps);
    bool at_start = true;
    for (uint32_t i = 0; i < steps; i++) {
      if (at_start && s[i].type == TSQueryPredicateStepTypeString) {
        uint32_t n;
        const char *name = ts_query_string_value_for_id(q, s[i].value_id, &n);
        bool ok = str_is(name, n, "eq?") || str_is(name, n, "not-eq?") ||
                  str_is(name, n, "any-of?") || str_is(name, n, "not-any-of?") ||
                  (n > 0 && name[n - 1] == '!');
        if (!ok) {
          *bad_pattern = p;
          return false;
        }
      }
      at_start = s[i].type == TSQueryPredicateStepTypeDone;
    }
  }
  return true;
}

/* Compile a query for `lang`. Returns a handle; 0 on failure with (error_type, offset) as
 * two u32 in the result buffer. The source buffer stays the caller's. */
uint32_t EXPORT(bs_query_new)(uint32_t lang, uint32_t src_ptr, uint32_t src_len) {
  buf_reset(&g_result);
  const TSLanguage *l = language(lang);
  if (!l) {
    buf_u32(&g_result, TSQueryErrorLanguage);
    buf_u32(&g_result, 0);
    return 0;
  }
  uint32_t offset = 0;
  TSQueryError error = TSQueryErrorNone;
  TSQuery *q = ts_query_new(l, (const char *)(uintptr_t)src_ptr, src_len, &offset, &error);
  if (!q) {
    buf_u32(&g_result, error);
    buf_u32(&g_result, offset);
    return 0;
  }
  uint32_t bad_pattern = 0;
  if (!predicates_supported(q, &bad_pattern)) {
    buf_u32(&g_result, BS_QUERY_UNSUPPORTED_PREDICATE);
    buf_u32(&g_result, ts_query_start_byte_for_pattern(q, bad_pattern));
    ts_query_delete(q);
    return 0;
  }
  uint32_t slot = 0;
  for (uint32_t i = 0; i < g_query_cap; i++)
    if (!g_queries[i].query) {
      slot = i + 1;
      break;
    }
  if (!slot) {
    uint32_t cap = g_query_cap ? g_query_cap * 2 : 16;
    Query *qs = realloc(g_queries, cap * sizeof(Query));
    if (!qs) abort();
    memset(qs + g_query_cap, 0, (cap - g_query_cap) * sizeof(Query));
    g_queries = qs;
    slot = g_query_cap + 1;
    g_query_cap = cap;
  }
  g_queries[slot - 1].lang = lang;
  g_queries[slot - 1].query = q;
  return slot;
}

/* Capture names of a query, each followed by a NUL, indexed by capture id. */
uint32_t EXPORT(bs_query_captures)(uint32_t handle) {
  buf_reset(&g_result);
  if (handle == 0 || handle > g_query_cap || !g_queries[handle - 1].query) return 0;
  TSQuery *q = g_queries[handle - 1].query;
  uint32_t n = ts_query_capture_count(q);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t len;
    const char *name = ts_query_capture_name_for_id(q, i, &len);
    buf_bytes(&g_result, name, len);
    buf_bytes(&g_result, "", 1);
  }
  return n;
}

void EXPORT(bs_query_free)(uint32_t handle) {
  if (handle == 0 || handle > g_query_cap || !g_queries[handle - 1].query) return;
  ts_query_delete(g_queries[handle - 1].query);
  g_queries[handle - 1].query = NULL;
}

static bool node_text_eq(const Doc *d, TSNode n, const char *s, uint32_t len) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return b - a == len && b <= d->len && memcmp(d->text + a, s, len) == 0;
}

static bool nodes_text_eq(const Doc *d, TSNode x, TSNode y) {
  uint32_t a = ts_node_start_byte(y), b = ts_node_end_byte(y);
  if (b > d->len) return false;
  return node_text_eq(d, x, d->text + a, b - a);
}

static bool find_capture(const TSQueryMatch *m, uint32_t id, TSNode *out) {
  for (uint16_t i = 0; i < m->capture_count; i++)
    if (m->captures[i].index == id) {
      *out = m->captures[i].node;
      return true;
    }
  return false;
}

static bool match_passes(const Doc *d, const TSQuery *q, const TSQueryMatch *m) {
  uint32_t steps;
  const TSQueryPredicateStep *s = ts_query_predicates_for_pattern(q, m->pattern_index, &steps);
  uint32_t i = 0;
  while (i < steps) {
    uint32_t end = i;
    while (end < steps && s[end].type != TSQueryPredicateStepTypeDone) end++;
    uint32_t n;
    const char *name = ts_query_string_value_for_id(q, s[i].value_id, &n);
    bool negate = str_is(name, n, "not-eq?") || str_is(name, n, "not-any-of?");
    bool any_of = str_is(name, n, "any-of?") || str_is(name, n, "not-any-of?");
    bool eq = str_is(name, n, "eq?") || str_is(name, n, "not-eq?");
    TSNode node;
    if ((eq || any_of) && end > i + 1 && s[i + 1].type == TSQueryPredicateStepTypeCapture &&
        find_capture(m, s[i + 1].value_id, &node)) {
      bool hit = false;
      if (eq && end == i + 3) {
        if (s[i + 2].type == TSQueryPredicateStepTypeCapture) {
          TSNode other;
          hit = find_capture(m, s[i + 2].value_id, &other) && nodes_text_eq(d, node, other);
        } else {
          uint32_t len;
          const char *lit = ts_query_string_value_for_id(q, s[i + 2].value_id, &len);
          hit = node_text_eq(d, node, lit, len);
        }
      } else if (any_of) {
        for (uint32_t k = i + 2; k < end && !hit; k++) {
          uint32_t len;
          const char *lit = ts_query_string_value_for_id(q, s[k].value_id, &len);
          hit = s[k].type == TSQueryPredicateStepTypeString && node_text_eq(d, node, lit, len);
        }
      }
      if (hit == negate) return false;
    }
    i = end + 1;
  }
  return true;
}

/* Run a compiled query over a document (bytes [start, end), end 0 = to the end). Captures
 * in document order. Returns the record count; -1 bad document, -2 bad query, -3 the query
 * belongs to another language. */
int32_t EXPORT(bs_query_run)(uint32_t doc_handle, uint32_t query_handle, uint32_t start,
                             uint32_t end) {
  buf_reset(&g_result);
  Doc *doc = doc_get(doc_handle);
  if (!doc) return -1;
  if (query_handle == 0 || query_handle > g_query_cap || !g_queries[query_handle - 1].query)
    return -2;
  Query *qq = &g_queries[query_handle - 1];
  if (qq->lang != doc->lang) return -3;
  if (!g_cursor) g_cursor = ts_query_cursor_new();
  ts_query_cursor_set_byte_range(g_cursor, start, end ? end : UINT32_MAX);
  ts_query_cursor_exec(g_cursor, qq->query, ts_tree_root_node(doc->tree));
  TSQueryMatch match;
  uint32_t capture_index;
  int32_t count = 0;
  uint32_t last_id = UINT32_MAX;
  bool last_ok = true;
  while (ts_query_cursor_next_capture(g_cursor, &match, &capture_index)) {
    if (match.id != last_id) {
      last_id = match.id;
      last_ok = match_passes(doc, qq->query, &match);
    }
    if (!last_ok) {
      ts_query_cursor_remove_match(g_cursor, match.id);
      last_id = UINT32_MAX;
      continue;
    }
    const TSQueryCapture *c = &match.captures[capture_index];
    TSPoint s = ts_node_start_point(c->node), e = ts_node_end_point(c->node);
    buf_u32(&g_result, match.id);
    buf_u32(&g_result, match.pattern_index);
    buf_u32(&g_result, c->index);
    buf_u32(&g_result, ts_node_symbol(c->node));
    buf_u32(&g_result, ts_node_start_byte(c->node));
    buf_u32(&g_result, ts_node_end_byte(c->node));
    buf_u32(&g_result, s.row);
    buf_u32(&g_result, s.column);
    buf_u32(&g_result, e.row);
    buf_u32(&g_result, e.column);
    count++;
  }
  return count;
}

/* ------------------------------------------------------------------ debugging */

/* The tree as an S-expression (ts_node_string) in the result buffer; returns its length. */
int32_t EXPORT(bs_tree_string)(uint32_t handle) {
  buf_reset(&g_result);
  Doc *doc = doc_get(handle);
  if (!doc) return -1;
  char *s = ts_node_string(ts_tree_root_node(doc->tree));
  uint32_t n = (uint32_t)strlen(s);
  buf_bytes(&g_result, s, n);
  bs_ts_free(s);  /* tree-sitter's allocator (booster_alloc.h) */
  return (int32_t)n;
}
