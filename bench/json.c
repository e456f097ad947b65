/* json.c — benchmark: generates a JSON-ish document (objects, arrays,
** strings with escapes, integers, decimals, literals) and parses it
** repeatedly with a recursive-descent parser; measures byte-at-a-time
** branching code like real parsers.  usage: json [RECORDS] [REPS]
** (default 20000, 150). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p, *end;
  long values, strings, depth_max;
  double sum;
} parser;

static void ws(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r'))
    ps->p++;
}

static int value(parser *ps, int depth);

static int string(parser *ps) {
  if (*ps->p != '"') return -1;
  ps->p++;
  while (ps->p < ps->end && *ps->p != '"') {
    if (*ps->p == '\\') {
      ps->p++;
      if (ps->p >= ps->end) return -1;
      if (*ps->p == 'u') ps->p += 4;
    }
    ps->p++;
  }
  if (ps->p >= ps->end) return -1;
  ps->p++;
  ps->strings++;
  return 0;
}

static int number(parser *ps) {
  int neg = 0;
  double v = 0, scale = 1;
  if (*ps->p == '-') {
    neg = 1;
    ps->p++;
  }
  if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') return -1;
  while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
    v = v * 10 + (*ps->p++ - '0');
  if (ps->p < ps->end && *ps->p == '.') {
    ps->p++;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
      scale /= 10;
      v += (*ps->p++ - '0') * scale;
    }
  }
  ps->sum += neg ? -v : v;
  return 0;
}

static int literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) return -1;
  ps->p += n;
  return 0;
}

static int value(parser *ps, int depth) {
  ws(ps);
  if (ps->p >= ps->end) return -1;
  if (depth > ps->depth_max) ps->depth_max = depth;
  ps->values++;
  switch (*ps->p) {
    case '{':
      ps->p++;
      ws(ps);
      if (*ps->p == '}') {
        ps->p++;
        return 0;
      }
      for (;;) {
        ws(ps);
        if (string(ps)) return -1;
        ws(ps);
        if (*ps->p++ != ':') return -1;
        if (value(ps, depth + 1)) return -1;
        ws(ps);
        if (*ps->p == ',') {
          ps->p++;
          continue;
        }
        if (*ps->p == '}') {
          ps->p++;
          return 0;
        }
        return -1;
      }
    case '[':
      ps->p++;
      ws(ps);
      if (*ps->p == ']') {
        ps->p++;
        return 0;
      }
      for (;;) {
        if (value(ps, depth + 1)) return -1;
        ws(ps);
        if (*ps->p == ',') {
          ps->p++;
          continue;
        }
        if (*ps->p == ']') {
          ps->p++;
          return 0;
        }
        return -1;
      }
    case '"': return string(ps);
    case 't': return literal(ps, "true");
    case 'f': return literal(ps, "false");
    case 'n': return literal(ps, "null");
    default: return number(ps);
  }
}

int main(int argc, char **argv) {
  int records = argc > 1 ? atoi(argv[1]) : 20000;
  int reps = argc > 2 ? atoi(argv[2]) : 150;
  size_t cap = (size_t)records * 200 + 64, len = 0;
  char *doc = malloc(cap);
  if (!doc) return 1;
  len += (size_t)snprintf(doc + len, cap - len, "{\"records\": [\n");
  for (int i = 0; i < records; i++)
    len += (size_t)snprintf(
        doc + len, cap - len,
        "  {\"id\": %d, \"name\": \"item \\\"%d\\\"\", \"price\": %d.%02d, "
        "\"tags\": [\"a\", \"b\\n\", \"\\u00e9\"], \"ok\": %s, \"next\": null,"
        " \"pos\": {\"x\": -%d, \"y\": %d}}%s\n",
        i, i, i % 1000, i % 100, i % 3 ? "true" : "false", i % 50, i % 70,
        i + 1 < records ? "," : "");
  len += (size_t)snprintf(doc + len, cap - len, "]}\n");
  parser ps;
  for (int r = 0; r < reps; r++) {
    memset(&ps, 0, sizeof ps);
    ps.p = doc;
    ps.end = doc + len;
    if (value(&ps, 0)) {
      printf("parse error at byte %ld\n", (long)(ps.p - doc));
      return 1;
    }
  }
  printf("json: %zu bytes, %ld values, %ld strings, depth %ld, sum %.2f\n", len,
         ps.values, ps.strings, ps.depth_max, ps.sum);
  free(doc);
  return 0;
}
