/*
 * The line diff of booster-lsp's formatting edits, as native code (booster_lsp/text/native_diff.py
 * loads it with ctypes; native/build.py builds it with Zig's C compiler from PyPI).
 *
 * It gives what booster_lsp/text/edits.py's Python path gives (line_edits without per_line),
 * without one Python object per line, for the lines between those both texts share (the
 * caller cuts them out): they are trimmed of equal leading and trailing lines, and what is
 * left is diffed by a longest common subsequence of the lines, computed bit-parallel (Hyyro's
 * LCS, as rapidfuzz's Indel computes it) on the reversed sequences, so that where several
 * alignments are as long an insertion or deletion lands as early as it can. Lines end at "\n",
 * "\r\n" or a lone "\r" (LSP). Only the lines left after the trimming are hashed, eight
 * bytes at a time; equal hashes are checked byte for byte: no collision can make two
 * different lines equal.
 *
 * Why native: it runs on the formatting path right after a formatter module has run, when
 * every Python step costs 2-3x (cold caches); there splitting both texts, hashing every line
 * and walking the matching blocks took ~0.15 ms of a reformatted 350-line file. In WASM (our
 * syntax module) each call into wasmtime cost 10-50 us at that moment, and the diff needs
 * several: no faster than Python.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "words are read little-endian: byte k of the text is byte k of the word"
#endif

#define LINE_DIFF_ABI 1
#define EXPORT __attribute__((visibility("default")))

enum {
  LINE_DIFF_NO_MEMORY = -1,
};

typedef struct {
  uint32_t start, end; /* byte range of the line, its line break included */
  uint64_t hash;
} Line;

/* Grow-only scratch space, one set per thread (the language server formats in its reader
 * thread and in workers): no allocation per call once the largest file has been seen. */
typedef struct {
  void *data;
  size_t cap;
} Scratch;

static void *scratch(Scratch *s, size_t bytes) {
  if (bytes > s->cap) {
    size_t cap = s->cap * 2 > bytes ? s->cap * 2 : bytes; /* hunks grow one at a time */
    void *data = realloc(s->data, cap ? cap : 1);
    if (!data) return NULL;
    s->data = data;
    s->cap = cap;
  }
  return s->data;
}

static _Thread_local Scratch t_old_lines, t_new_lines, t_new_cps, t_table, t_classes, t_masks, t_rows, t_hunks;
static _Thread_local uint32_t t_hunk_count;

static int push_hunk(uint32_t l1, uint32_t l2, uint32_t c1, uint32_t c2) {
  uint32_t *h = scratch(&t_hunks, ((size_t)t_hunk_count + 1) * 4 * sizeof(uint32_t));
  if (!h) return 0;
  h += (size_t)t_hunk_count * 4;
  h[0] = l1, h[1] = l2, h[2] = c1, h[3] = c2;
  t_hunk_count++;
  return 1;
}

/* ------------------------------------------------------------------ eight bytes at a time */

#define ONES 0x0101010101010101ull
#define LOWS 0x7F7F7F7F7F7F7F7Full

static inline uint64_t load64(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

/* 0x80 in every byte of w equal to c, no other bit (exact: for counting). */
static inline uint64_t bytes_equal(uint64_t w, uint8_t c) {
  uint64_t v = w ^ (ONES * c);
  return ~(((v & LOWS) + LOWS) | v | LOWS);
}

static inline uint64_t mix(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

static inline uint64_t mix_tail(uint64_t h, const uint8_t *p, uint32_t n) { /* n < 8 */
  uint64_t w = 0;
  memcpy(&w, p, n);
  h = (h ^ w ^ ((uint64_t)n << 59)) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 29);
}

#define SEED 0x9E3779B97F4A7C15ull

/* The lines of s[0, to) (their hashes are computed later, for the lines still needed);
 * returns their count. `out` holds max_lines_in(s, to) entries. */
static uint32_t split_lines(const uint8_t *s, uint32_t to, Line *out) {
  uint32_t count = 0, start = 0;
  if (!memchr(s, '\r', to)) { /* the usual text: libc's memchr finds each "\n" */
    while (start < to) {
      const uint8_t *newline = memchr(s + start, '\n', to - start);
      uint32_t end = newline ? (uint32_t)(newline - s) + 1 : to;
      out[count].start = start, out[count].end = end;
      count++, start = end;
    }
    return count;
  }
  uint32_t i = 0;
  while (i < to) {
    uint8_t c = s[i++];
    if (c == '\r' && i < to && s[i] == '\n') i++;
    else if (c != '\n' && c != '\r') continue;
    out[count].start = start, out[count].end = i;
    count++, start = i;
  }
  if (start < to) out[count].start = start, out[count].end = to, count++;
  return count;
}

static uint64_t line_hash(const uint8_t *s, const Line *line) {
  const uint8_t *p = s + line->start;
  uint32_t n = line->end - line->start;
  uint64_t h = SEED ^ n;
  for (; n >= 8; p += 8, n -= 8) h = mix(h, load64(p));
  return mix_tail(h, p, n);
}

static int same_text(const uint8_t *a, const Line *x, const uint8_t *b, const Line *y) {
  uint32_t n = x->end - x->start;
  return n == y->end - y->start && memcmp(a + x->start, b + y->start, n) == 0;
}

static int same_line(const uint8_t *a, const Line *x, const uint8_t *b, const Line *y) {
  return x->hash == y->hash && same_text(a, x, b, y);
}

/* At least the number of lines in s[0, to): its "\n" and "\r" bytes, plus one. */
static size_t max_lines_in(const uint8_t *s, uint32_t to) {
  size_t count = 1;
  uint32_t i = 0;
  for (; to - i >= 8; i += 8) {
    uint64_t w = load64(s + i);
    count += (size_t)__builtin_popcountll(bytes_equal(w, '\n') | bytes_equal(w, '\r'));
  }
  for (; i < to; i++) count += s[i] == '\n' || s[i] == '\r';
  return count;
}

/* Buffers above this are given back after a call (one huge file does not keep them). */
#define KEEP_BYTES (4u << 20)

static void release_large(void) {
  Scratch *all[] = {&t_old_lines, &t_new_lines, &t_new_cps, &t_table, &t_classes, &t_masks, &t_rows};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
    if (all[k]->cap > KEEP_BYTES) {
      free(all[k]->data);
      all[k]->data = NULL;
      all[k]->cap = 0;
    }
  }
}

/* Code points in s[0, n) (UTF-8: every byte but a continuation byte starts one). */
static uint32_t count_code_points(const uint8_t *s, uint32_t n) {
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; i++) count += (s[i] & 0xC0) != 0x80;
  return count;
}

#define NO_CLASS UINT32_MAX

EXPORT uint32_t booster_line_diff_abi(void) { return LINE_DIFF_ABI; }

/* The work of booster_line_diff (below). */
static int32_t diff(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len, uint32_t b_ascii,
                    uint32_t max_lines, const uint32_t **hunks_out) {
  if (a_len == b_len && memcmp(a, b, a_len) == 0) return 0;

  /* 1. lines, and the equal leading and trailing lines among them (edits._line_hunks; the
   *    caller, edits.line_edits, has cut the texts down to the lines between those they share
   *    as edits._changed_span measures them: doing it here again would find nothing more) */
  Line *old_lines = scratch(&t_old_lines, max_lines_in(a, a_len) * sizeof(Line));
  Line *new_lines = scratch(&t_new_lines, max_lines_in(b, b_len) * sizeof(Line));
  if (!old_lines || !new_lines) return LINE_DIFF_NO_MEMORY;
  uint32_t n = split_lines(a, a_len, old_lines);
  uint32_t m = split_lines(b, b_len, new_lines);
  uint32_t *new_cps = scratch(&t_new_cps, ((size_t)m + 1) * sizeof(uint32_t)); /* each new line's start, in code points */
  if (!new_cps) return LINE_DIFF_NO_MEMORY;
  new_cps[0] = 0;
  for (uint32_t j = 0; j < m; j++) {
    uint32_t length = new_lines[j].end - new_lines[j].start;
    new_cps[j + 1] = new_cps[j] + (b_ascii ? length : count_code_points(b + new_lines[j].start, length));
  }
  uint32_t head = 0, limit = n < m ? n : m;
  while (head < limit && same_text(a, &old_lines[head], b, &new_lines[head])) head++;
  uint32_t tail = 0;
  limit -= head;
  while (tail < limit && same_text(a, &old_lines[n - 1 - tail], b, &new_lines[m - 1 - tail])) tail++;
  uint32_t a_end = n - tail, b_end = m - tail;
  if (head == a_end || head == b_end || (a_end - head) + (b_end - head) > max_lines) {
    if (!push_hunk(head, a_end, new_cps[head], new_cps[b_end])) return LINE_DIFF_NO_MEMORY;
    *hunks_out = t_hunks.data;
    return 1;
  }

  /* 2. classes of equal lines: the old lines' in an open-addressing table; a new line equal
   *    to no old line has none (it matches nothing) */
  uint32_t na = a_end - head, nb = b_end - head;
  for (uint32_t i = head; i < a_end; i++) old_lines[i].hash = line_hash(a, &old_lines[i]);
  for (uint32_t j = head; j < b_end; j++) new_lines[j].hash = line_hash(b, &new_lines[j]);
  uint32_t slots = 16;
  while (slots < 2 * na) slots <<= 1;
  uint32_t *table = scratch(&t_table, (size_t)slots * sizeof(uint32_t));         /* old line + 1; 0: empty */
  uint32_t *classes = scratch(&t_classes, ((size_t)na + nb) * sizeof(uint32_t));  /* old lines', new lines' */
  if (!table || !classes) return LINE_DIFF_NO_MEMORY;
  memset(table, 0, (size_t)slots * sizeof(uint32_t));
  uint32_t class_count = 0;
  for (uint32_t i = 0; i < na; i++) {
    const Line *line = &old_lines[head + i];
    uint32_t slot = (uint32_t)line->hash & (slots - 1);
    while (table[slot] && !same_line(a, &old_lines[head + table[slot] - 1], a, line)) slot = (slot + 1) & (slots - 1);
    if (table[slot]) {
      classes[i] = classes[table[slot] - 1];
    } else {
      table[slot] = i + 1;
      classes[i] = class_count++;
    }
  }
  for (uint32_t j = 0; j < nb; j++) {
    const Line *line = &new_lines[head + j];
    uint32_t slot = (uint32_t)line->hash & (slots - 1);
    while (table[slot] && !same_line(a, &old_lines[head + table[slot] - 1], b, line)) slot = (slot + 1) & (slots - 1);
    classes[na + j] = table[slot] ? classes[table[slot] - 1] : NO_CLASS;
  }

  /* 3. the LCS of the reversed sequences, bit-parallel: bit k of a class's mask is set where
   *    the reversed old lines (s1[k] = old[na - 1 - k]) are of that class; row r is the bit
   *    vector after s2[0..r] (s2[r] = new[nb - 1 - r]), in which a set bit is an s1 position
   *    not matched there */
  uint32_t words = (na + 63) / 64;
  uint64_t *masks = scratch(&t_masks, (size_t)class_count * words * sizeof(uint64_t));
  uint64_t *rows = scratch(&t_rows, (size_t)nb * words * sizeof(uint64_t));
  if (!masks || !rows) return LINE_DIFF_NO_MEMORY;
  memset(masks, 0, (size_t)class_count * words * sizeof(uint64_t));
  for (uint32_t k = 0; k < na; k++) masks[(size_t)classes[na - 1 - k] * words + k / 64] |= 1ull << (k % 64);
  const uint64_t *previous = NULL;
  for (uint32_t r = 0; r < nb; r++) {
    uint64_t *row = rows + (size_t)r * words;
    uint32_t class = classes[na + nb - 1 - r];
    if (class == NO_CLASS) {
      if (previous) memcpy(row, previous, words * sizeof(uint64_t));
      else memset(row, 0xFF, words * sizeof(uint64_t));
    } else {
      const uint64_t *mask = masks + (size_t)class * words;
      uint64_t carry = 0;
      for (uint32_t w = 0; w < words; w++) {
        uint64_t v = previous ? previous[w] : ~0ull;
        uint64_t u = v & mask[w];
        uint64_t sum = v + u;
        uint64_t carried = sum + carry;
        carry = (sum < v) | (carried < sum);
        row[w] = carried | (v - u);
      }
    }
    previous = row;
  }

  /* 4. the alignment, from the reversed sequences' ends (the originals' starts), recovered as
   *    rapidfuzz recovers it (a deletion first); the gaps between matches are the hunks */
#define UNMATCHED(r, k) ((rows[(size_t)(r) * words + (k) / 64] >> ((k) % 64)) & 1)
  uint32_t col = na, r = nb, i0 = 0, j0 = 0;
  while (r && col) {
    if (UNMATCHED(r - 1, col - 1)) {
      col--; /* old[na - col] is deleted */
      continue;
    }
    r--;
    if (r && !UNMATCHED(r - 1, col - 1)) continue; /* new[nb - 1 - r] is inserted */
    col--;
    uint32_t i = na - 1 - col, j = nb - 1 - r; /* old[i] and new[j] match */
    if ((i > i0 || j > j0) &&
        !push_hunk(head + i0, head + i, new_cps[head + j0], new_cps[head + j]))
      return LINE_DIFF_NO_MEMORY;
    i0 = i + 1, j0 = j + 1;
  }
#undef UNMATCHED
  if ((i0 < na || j0 < nb) &&
      !push_hunk(head + i0, head + na, new_cps[head + j0], new_cps[head + nb]))
    return LINE_DIFF_NO_MEMORY;
  *hunks_out = t_hunks.data;
  return (int32_t)t_hunk_count;
}

/*
 * Diff the old text a[0, a_len) against the new text b[0, b_len) (UTF-8; `b_ascii`: the new
 * text is ASCII, its code point offsets are its byte offsets). Above `max_lines` changed
 * lines on both sides, the changed middle is one hunk. The hunks (*hunks_out, valid until
 * this thread's next call) are u32 records (old start line, old end line, new start, new
 * end): the old text's lines [start, end) become the new text's code points [start, end).
 * Returns their number (0: the texts are equal), or LINE_DIFF_NO_MEMORY.
 */
EXPORT int32_t booster_line_diff(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len, uint32_t b_ascii,
                                 uint32_t max_lines, const uint32_t **hunks_out) {
  t_hunk_count = 0;
  *hunks_out = NULL;
  int32_t count = diff(a, a_len, b, b_len, b_ascii, max_lines, hunks_out);
  release_large();
  if (count < 0) *hunks_out = NULL;
  return count;
}
