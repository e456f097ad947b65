/*
** abi.c — the canonical ABI's lifting and lowering (component/cm_abi.h) on
** types built here as cm_type nodes, against a plain vw_memory and a host
** bump allocator standing in for the guest's cabi_realloc:
**
**   layout/...   alignment, size and flattening of known cases
**   bytes/...    byte-exact memory layouts
**   memory/...   store -> load round trips of every kind of type
**   flat/...     lower_flat -> lift_flat round trips
**   strings/...  UTF-8, UTF-16 and latin1+utf16 encodings
**   func/...     the 16-parameter and 1-result spilling rules
**   trap/...     each trap condition, with its code and message
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../component/cm_abi.h"
#include "../check.h"

/* ---- types -------------------------------------------------------------- */
static cm_type tpool[4096];
static cm_field fpool[1 << 18];
static unsigned ntp, nfp;

static const cm_type *node(cm_typekind k, uint8_t prim, uint32_t n,
                           const cm_type *const *f, const cm_type *elem,
                           const cm_type *err) {
  cm_type *t = &tpool[ntp++];
  cm_field *fs = &fpool[nfp];
  for (uint32_t i = 0; i < n; i++) fs[i].type = f ? f[i] : NULL;
  nfp += n;
  t->kind = k, t->prim = prim, t->n = n, t->fields = fs;
  t->elem = elem, t->err = err;
  return t;
}
static const cm_type *P(uint8_t p) { return node(CM_T_PRIM, p, 0, 0, 0, 0); }
#define FIELDS(...) ((const cm_type *const[]){ __VA_ARGS__ })
#define NF(...)     (sizeof FIELDS(__VA_ARGS__) / sizeof(cm_type *))
#define REC(...)                                                               \
  node(CM_T_RECORD, 0, NF(__VA_ARGS__), FIELDS(__VA_ARGS__), 0, 0)
#define TUP(...) node(CM_T_TUPLE, 0, NF(__VA_ARGS__), FIELDS(__VA_ARGS__), 0, 0)
#define VAR(...)                                                               \
  node(CM_T_VARIANT, 0, NF(__VA_ARGS__), FIELDS(__VA_ARGS__), 0, 0)
static const cm_type *LIST(const cm_type *e) {
  return node(CM_T_LIST, 0, 0, 0, e, 0);
}
static const cm_type *OPT(const cm_type *e) {
  return node(CM_T_OPTION, 0, 0, 0, e, 0);
}
static const cm_type *RES(const cm_type *ok, const cm_type *er) {
  return node(CM_T_RESULT, 0, 0, 0, ok, er);
}
static const cm_type *ENUM(uint32_t n) {
  return node(CM_T_ENUM, 0, n, 0, 0, 0);
}
static const cm_type *FLAGS(uint32_t n) {
  return node(CM_T_FLAGS, 0, n, 0, 0, 0);
}
static const cm_type *NVAR(uint32_t n) { /* n cases without payload */
  return node(CM_T_VARIANT, 0, n, 0, 0, 0);
}

/* ---- the context: a store, one memory, a bump allocator --------------- */
typedef struct bump {
  uint32_t next;
  int mode; /* 0 ok, 1 misaligned, 2 out of bounds, 3 trap */
} bump;

static int bump_fn(vw_host_call *c, void *ud, const vw_raw *a, vw_raw *r) {
  bump *b = ud;
  uint32_t al = (uint32_t)a[2], sz = (uint32_t)a[3];
  if (b->mode == 3) return vw_host_trap(c, "allocator out of memory");
  b->next = (b->next + al - 1) / al * al;
  r[0] = b->mode == 1 ? b->next + 1 : b->mode == 2 ? 0xfffffff0u : b->next;
  b->next += sz;
  return 0;
}

typedef struct env {
  vw_store *s;
  bump b;
  cm_abi_error err;
  cm_abi_cx cx;
} env;

static void env_init(env *e, int encoding) {
  static const uint8_t p4[4] = { VW_I32, VW_I32, VW_I32, VW_I32 },
                       r1[1] = { VW_I32 };
  vw_functype_info ft = { 4, 1, p4, r1 };
  memset(e, 0, sizeof *e);
  e->s = vw_store_new(NULL);
  e->b.next = 4096;
  e->cx.store = e->s;
  e->cx.memory = vw_memory_new(e->s, 2, 0, 0);
  e->cx.realloc = vw_func_new_host(e->s, &ft, bump_fn, &e->b);
  e->cx.encoding = encoding;
  e->cx.arena = cm_abi_arena_new(1u << 26);
  e->cx.err = &e->err;
}

static void env_done(env *e) {
  cm_abi_arena_free(e->cx.arena);
  vw_store_free(e->s);
}

static uint8_t *M(env *e) { return vw_memory_data(e->cx.memory); }

/* ---- values ------------------------------------------------------------- */
static cm_abi_arena *va; /* the test's own values */

static cm_val *vnew(uint8_t kind, uint8_t prim) {
  cm_val *v = cm_abi_arena_alloc(va, sizeof *v);
  v->kind = kind, v->prim = prim;
  return v;
}
static cm_val *VU(uint8_t p, uint64_t u) {
  cm_val *v = vnew(CM_T_PRIM, p);
  if (p == CM_P_BOOL)
    v->u.b = u != 0;
  else if (p == CM_P_CHAR)
    v->u.ch = (uint32_t)u;
  else
    v->u.u = u;
  return v;
}
static cm_val *VS(uint8_t p, int64_t s) {
  cm_val *v = vnew(CM_T_PRIM, p);
  v->u.s = s;
  return v;
}
static cm_val *VSTR(const char *s) {
  cm_val *v = vnew(CM_T_PRIM, CM_P_STRING);
  v->u.str.ptr = s, v->u.str.len = strlen(s);
  return v;
}
static cm_val *VSEQ(uint8_t kind, uint32_t n, cm_val *const *items) {
  cm_val *v = vnew(kind, 0);
  v->u.seq.n = n;
  v->u.seq.items = cm_abi_arena_alloc(va, n * sizeof(cm_val) + 1);
  for (uint32_t i = 0; i < n; i++) v->u.seq.items[i] = *items[i];
  return v;
}
#define VALS(...)  ((cm_val *const[]){ __VA_ARGS__ })
#define VN(...)    (sizeof VALS(__VA_ARGS__) / sizeof(cm_val *))
#define VREC(...)  VSEQ(CM_T_RECORD, VN(__VA_ARGS__), VALS(__VA_ARGS__))
#define VTUP(...)  VSEQ(CM_T_TUPLE, VN(__VA_ARGS__), VALS(__VA_ARGS__))
#define VLIST(...) VSEQ(CM_T_LIST, VN(__VA_ARGS__), VALS(__VA_ARGS__))
static cm_val *VCASE(uint8_t kind, uint32_t i, cm_val *payload) {
  cm_val *v = vnew(kind, 0);
  v->u.var.index = i, v->u.var.payload = payload;
  return v;
}
static cm_val *VFLAGS(uint32_t n, uint32_t w0, uint32_t w1) {
  cm_val *v = vnew(CM_T_FLAGS, 0);
  v->u.flags.n = n;
  v->u.flags.words = cm_abi_arena_alloc(va, 8);
  v->u.flags.words[0] = w0, v->u.flags.words[1] = w1;
  return v;
}
static cm_val *VH(uint8_t kind, uint32_t h) {
  cm_val *v = vnew(kind, 0);
  v->u.handle = h;
  return v;
}

/* whether two values of type t are the same; says where they differ */
static int same(const cm_type *t, const cm_val *a, const cm_val *b) {
  if (a->kind != b->kind || a->prim != b->prim) return 0;
  switch (t->kind) {
    case CM_T_PRIM:
      switch (t->prim) {
        case CM_P_BOOL: return a->u.b == b->u.b;
        case CM_P_CHAR: return a->u.ch == b->u.ch;
        case CM_P_F32: return a->u.f32 == b->u.f32;
        case CM_P_F64: return a->u.f64 == b->u.f64;
        case CM_P_STRING:
          return a->u.str.len == b->u.str.len &&
                 !memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len);
        default: return a->u.u == b->u.u;
      }
    case CM_T_LIST:
    case CM_T_RECORD:
    case CM_T_TUPLE:
      if (a->u.seq.n != b->u.seq.n) return 0;
      for (uint32_t i = 0; i < a->u.seq.n; i++)
        if (!same(t->kind == CM_T_LIST ? t->elem : t->fields[i].type,
                  &a->u.seq.items[i], &b->u.seq.items[i]))
          return 0;
      return 1;
    case CM_T_FLAGS:
      for (uint32_t i = 0; i < (t->n + 31) / 32; i++)
        if (a->u.flags.words[i] != b->u.flags.words[i]) return 0;
      return 1;
    case CM_T_OWN:
    case CM_T_BORROW: return a->u.handle == b->u.handle;
    default: {
      if (a->u.var.index != b->u.var.index) return 0;
      const cm_type *c =
          t->kind == CM_T_VARIANT  ? t->fields[a->u.var.index].type
          : t->kind == CM_T_OPTION ? (a->u.var.index ? t->elem : 0)
          : t->kind == CM_T_RESULT ? (a->u.var.index ? t->err : t->elem)
                                   : NULL;
      return !c || same(c, a->u.var.payload, b->u.var.payload);
    }
  }
}

/* ---- cases -------------------------------------------------------------- */
static void layout(void) {
  const cm_type *r = REC(P(CM_P_U8), P(CM_P_U32));
  EQ(cm_abi_size(r), 8);
  EQ(cm_abi_align(r), 4);
  const cm_type *v300 = NVAR(300);
  EQ(cm_abi_size(v300), 2);
  EQ(cm_abi_align(v300), 2);
  EQ(cm_abi_size(NVAR(70000)), 4);
  EQ(cm_abi_size(ENUM(3)), 1);
  const cm_type *o = OPT(P(CM_P_U64));
  EQ(cm_abi_size(o), 16);
  EQ(cm_abi_align(o), 8);
  EQ(cm_abi_size(FLAGS(40)), 8);
  EQ(cm_abi_align(FLAGS(40)), 4);
  EQ(cm_abi_size(FLAGS(9)), 2);
  EQ(cm_abi_size(FLAGS(8)), 1);
  EQ(cm_abi_size(P(CM_P_STRING)), 8);
  EQ(cm_abi_size(RES(P(CM_P_U8), P(CM_P_STRING))), 12);
  uint8_t f[17];
  EQ(cm_abi_flatten(FLAGS(40), f, 16), 2);
  EQ(cm_abi_flatten(VAR(P(CM_P_F32), P(CM_P_U64)), f, 16), 2);
  CHECK(f[0] == VW_I32 && f[1] == VW_I64);
  EQ(cm_abi_flatten(VAR(P(CM_P_F32), P(CM_P_U32)), f, 16), 2);
  CHECK(f[1] == VW_I32);
  EQ(cm_abi_flatten(VAR(P(CM_P_F32), P(CM_P_F32)), f, 16), 2);
  CHECK(f[1] == VW_F32);
  EQ(cm_abi_flatten(VAR(P(CM_P_F64), TUP(P(CM_P_F32), P(CM_P_U8))), f, 16), 3);
  CHECK(f[1] == VW_I64 && f[2] == VW_I32);
  EQ(cm_abi_flatten(P(CM_P_STRING), f, 1), 2); /* max + 1 */
}

static void bytes_layout(void) {
  env e;
  env_init(&e, CM_ENC_UTF8);
  const cm_type *r = REC(P(CM_P_U8), P(CM_P_U32));
  REQUIRE(!cm_abi_store(&e.cx, r,
                        VREC(VU(CM_P_U8, 0xab), VU(CM_P_U32, 0x01020304)), 16));
  const uint8_t want[8] = { 0xab, 0, 0, 0, 4, 3, 2, 1 };
  CHECK(!memcmp(M(&e) + 16, want, 5) && !memcmp(M(&e) + 20, want + 4, 4));
  REQUIRE(!cm_abi_store(
      &e.cx, OPT(P(CM_P_U64)),
      VCASE(CM_T_OPTION, 1, VU(CM_P_U64, 0x1122334455667788ull)), 32));
  EQ(M(&e)[32], 1);
  EQ(M(&e)[40], 0x88);
  EQ(M(&e)[47], 0x11);
  REQUIRE(!cm_abi_store(&e.cx, NVAR(300), VCASE(CM_T_VARIANT, 299, NULL), 64));
  EQ(M(&e)[64], 0x2b);
  EQ(M(&e)[65], 0x01);
  REQUIRE(!cm_abi_store(&e.cx, FLAGS(40), VFLAGS(40, 0x80000001u, 0xffu), 72));
  const uint8_t fl[8] = { 1, 0, 0, 0x80, 0xff, 0, 0, 0 };
  CHECK(!memcmp(M(&e) + 72, fl, 8));
  REQUIRE(!cm_abi_store(&e.cx, P(CM_P_STRING), VSTR("hi"), 80));
  EQ(M(&e)[84], 2);
  uint32_t sp;
  memcpy(&sp, M(&e) + 80, 4);
  CHECK(!memcmp(M(&e) + sp, "hi", 2));
  env_done(&e);
}

static const cm_type *big_type(void) {
  return REC(P(CM_P_BOOL), P(CM_P_S8), P(CM_P_U16), P(CM_P_S32), P(CM_P_U64),
             P(CM_P_F32), P(CM_P_F64), P(CM_P_CHAR), P(CM_P_STRING),
             LIST(P(CM_P_U32)), TUP(P(CM_P_U8), P(CM_P_S64)),
             VAR(NULL, P(CM_P_STRING), P(CM_P_F64)), ENUM(3), FLAGS(40),
             OPT(P(CM_P_U64)), RES(P(CM_P_U32), P(CM_P_STRING)),
             node(CM_T_OWN, 0, 0, 0, 0, 0), node(CM_T_BORROW, 0, 0, 0, 0, 0),
             LIST(P(CM_P_STRING)), P(CM_P_S16));
}

static cm_val *big_val(int k) {
  return VREC(
      VU(CM_P_BOOL, 1), VS(CM_P_S8, -5), VU(CM_P_U16, 65535),
      VS(CM_P_S32, -100000), VU(CM_P_U64, 0xfedcba9876543210ull),
      VU(CM_P_F32, 0), VU(CM_P_F64, 0), VU(CM_P_CHAR, 0x1f600), VSTR("héllo"),
      VLIST(VU(CM_P_U32, 1), VU(CM_P_U32, 2)),
      VTUP(VU(CM_P_U8, 7), VS(CM_P_S64, -1)),
      VCASE(CM_T_VARIANT, (uint32_t)k % 3,
            k % 3 == 1   ? VSTR("case b")
            : k % 3 == 2 ? VU(CM_P_F64, 0)
                         : NULL),
      VCASE(CM_T_ENUM, 2, NULL), VFLAGS(40, 0xdeadbeef, 0x5a),
      VCASE(CM_T_OPTION, (uint32_t)k & 1, k & 1 ? VU(CM_P_U64, 42) : NULL),
      VCASE(CM_T_RESULT, (uint32_t)k & 1,
            k & 1 ? VSTR("bad") : VU(CM_P_U32, 9)),
      VH(CM_T_OWN, 3), VH(CM_T_BORROW, 4),
      VLIST(VSTR(""), VSTR("a"), VSTR("bc")), VS(CM_P_S16, -2));
}

static void fix_floats(cm_val *v) {
  v->u.seq.items[5].u.f32 = 1.5f;
  v->u.seq.items[6].u.f64 = -2.25;
}

static void memory_roundtrip(void) {
  for (int k = 0; k < 4; k++) {
    env e;
    env_init(&e, CM_ENC_UTF8);
    const cm_type *t = big_type();
    cm_val *v = big_val(k), out;
    fix_floats(v);
    REQUIREF(!cm_abi_store(&e.cx, t, v, 256), "store: %s", e.err.msg);
    REQUIREF(!cm_abi_load(&e.cx, t, 256, &out), "load: %s", e.err.msg);
    for (uint32_t i = 0; i < t->n; i++)
      CHECKF(same(t->fields[i].type, &v->u.seq.items[i], &out.u.seq.items[i]),
             "round trip %d differs in field %u", k, i);
    CHECKF(same(t, v, &out), "round trip %d differs", k);
    env_done(&e);
  }
}

static void flat_roundtrip(void) {
  for (int k = 0; k < 4; k++) {
    env e;
    env_init(&e, CM_ENC_UTF8);
    const cm_type *t = big_type();
    cm_val *v = big_val(k), out;
    fix_floats(v);
    vw_raw flat[64];
    uint32_t n = 0, pos = 0;
    REQUIREF(!cm_abi_lower_flat(&e.cx, t, v, flat, 64, &n), "lower: %s",
             e.err.msg);
    REQUIREF(!cm_abi_lift_flat(&e.cx, t, flat, n, &pos, &out), "lift: %s",
             e.err.msg);
    EQ(pos, n);
    CHECKF(same(t, v, &out), "round trip %d differs", k);
    env_done(&e);
  }
  /* a variant's f32 case travels in an i64 slot and comes back */
  env e;
  env_init(&e, CM_ENC_UTF8);
  const cm_type *t = VAR(P(CM_P_F32), P(CM_P_U64));
  cm_val *f = VU(CM_P_F32, 0), out;
  f->u.f32 = -3.5f;
  vw_raw flat[4];
  uint32_t n = 0, pos = 0;
  REQUIRE(!cm_abi_lower_flat(&e.cx, t, VCASE(CM_T_VARIANT, 0, f), flat, 4, &n));
  EQ(n, 2);
  REQUIRE(!cm_abi_lift_flat(&e.cx, t, flat, n, &pos, &out));
  CHECK(out.u.var.index == 0 && out.u.var.payload->u.f32 == -3.5f);
  /* bool: any nonzero is true */
  vw_raw two = 2;
  pos = 0;
  REQUIRE(!cm_abi_lift_flat(&e.cx, P(CM_P_BOOL), &two, 1, &pos, &out));
  CHECK(out.u.b);
  env_done(&e);
}

static void strings(void) {
  const char *s = "h\xc3\xa9llo \xf0\x9f\x98\x80"; /* héllo U+1F600 */
  env e;
  cm_val out;
  /* utf16: 8 units, a surrogate pair at the end */
  env_init(&e, CM_ENC_UTF16);
  REQUIRE(!cm_abi_store(&e.cx, P(CM_P_STRING), VSTR(s), 0));
  uint32_t p, n;
  memcpy(&p, M(&e), 4), memcpy(&n, M(&e) + 4, 4);
  EQ(n, 8);
  EQ(M(&e)[p + 2], 0xe9);
  EQ(M(&e)[p + 13], 0xd8);
  EQ(M(&e)[p + 15], 0xde);
  REQUIRE(!cm_abi_load(&e.cx, P(CM_P_STRING), 0, &out));
  CHECK(out.u.str.len == strlen(s) && !memcmp(out.u.str.ptr, s, strlen(s)));
  env_done(&e);
  /* latin1+utf16: latin1 when it fits, else utf16 with the tag */
  env_init(&e, CM_ENC_LATIN1_UTF16);
  REQUIRE(!cm_abi_store(&e.cx, P(CM_P_STRING), VSTR("h\xc3\xa9llo"), 0));
  memcpy(&p, M(&e), 4), memcpy(&n, M(&e) + 4, 4);
  EQ(n, 5);
  EQ(M(&e)[p + 1], 0xe9);
  REQUIRE(!cm_abi_load(&e.cx, P(CM_P_STRING), 0, &out));
  EQ(out.u.str.len, 6);
  REQUIRE(!cm_abi_store(&e.cx, P(CM_P_STRING), VSTR(s), 8));
  memcpy(&n, M(&e) + 12, 4);
  EQ(n, 0x80000008u);
  REQUIRE(!cm_abi_load(&e.cx, P(CM_P_STRING), 8, &out));
  CHECK(out.u.str.len == strlen(s) && !memcmp(out.u.str.ptr, s, strlen(s)));
  env_done(&e);
}

static const cm_type *FUNC(uint32_t n, const cm_type *p, const cm_type *res) {
  const cm_type *ps[20];
  for (uint32_t i = 0; i < n; i++) ps[i] = p;
  return node(CM_T_FUNC, 0, n, ps, res, 0);
}

static void func_spill(void) {
  env e;
  env_init(&e, CM_ENC_UTF8);
  vw_raw flat[16];
  uint32_t n;
  cm_val args[17], back[17];
  for (uint32_t i = 0; i < 17; i++) args[i] = *VU(CM_P_U32, 100 + i);
  /* 16 flat parameters pass as they are, 17 through memory */
  const cm_type *f16 = FUNC(16, P(CM_P_U32), NULL);
  REQUIRE(!cm_abi_lower_params(&e.cx, f16, args, flat, &n));
  EQ(n, 16);
  EQ(flat[15], 115);
  REQUIRE(!cm_abi_lift_params(&e.cx, f16, flat, n, back));
  EQ(back[15].u.u, 115);
  const cm_type *f17 = FUNC(17, P(CM_P_U32), NULL);
  REQUIREF(!cm_abi_lower_params(&e.cx, f17, args, flat, &n), "%s", e.err.msg);
  EQ(n, 1);
  EQ(M(&e)[flat[0] + 64], 116);
  REQUIRE(!cm_abi_lift_params(&e.cx, f17, flat, n, back));
  EQ(back[16].u.u, 116);
  /* one flat result returns as it is; a string's two through a pointer */
  const cm_type *fs = FUNC(0, NULL, P(CM_P_STRING));
  cm_val *res;
  REQUIRE(!cm_abi_lower_results(&e.cx, fs, VSTR("result"), flat, &n, 2048));
  EQ(n, 0);
  flat[0] = 2048;
  REQUIRE(!cm_abi_lift_results(&e.cx, fs, flat, 1, &res));
  CHECK(res->u.str.len == 6 && !memcmp(res->u.str.ptr, "result", 6));
  const cm_type *fu = FUNC(0, NULL, P(CM_P_U64));
  REQUIRE(!cm_abi_lower_results(&e.cx, fu, VU(CM_P_U64, 77), flat, &n, 0));
  EQ(n, 1);
  REQUIRE(!cm_abi_lift_results(&e.cx, fu, flat, 1, &res));
  EQ(res->u.u, 77);
  env_done(&e);
}

/* each trap: its code and a word of its message */
static void expect(env *e, int rc, cm_abi_trap code, const char *word) {
  CHECKF(rc != 0, "no trap (wanted %s)", word);
  CHECKF(e->err.code == code, "code %d, wanted %d: %s", e->err.code, code,
         e->err.msg);
  CHECKF(strstr(e->err.msg, word), "message '%s' lacks '%s'", e->err.msg, word);
  memset(&e->err, 0, sizeof e->err);
}

static void put32(env *e, uint32_t at, uint32_t a, uint32_t b) {
  memcpy(M(e) + at, &a, 4), memcpy(M(e) + at + 4, &b, 4);
}

static void traps(void) {
  env e;
  env_init(&e, CM_ENC_UTF8);
  cm_val out;
  uint32_t pos = 0;
  const cm_type *str = P(CM_P_STRING);
  put32(&e, 0, 131000, 100);
  expect(&e, cm_abi_load(&e.cx, str, 0, &out), CM_TRAP_BOUNDS, "out of bounds");
  expect(&e, cm_abi_load(&e.cx, P(CM_P_U32), 131072, &out), CM_TRAP_BOUNDS,
         "out of bounds");
  expect(&e, cm_abi_load(&e.cx, P(CM_P_U32), 1, &out), CM_TRAP_ALIGN,
         "misaligned");
  put32(&e, 8, 0xfffffff8u, 0x10);
  expect(&e, cm_abi_load(&e.cx, LIST(P(CM_P_U64)), 8, &out), CM_TRAP_BOUNDS,
         "out of bounds");
  put32(&e, 8, 4, 1);
  expect(&e, cm_abi_load(&e.cx, LIST(P(CM_P_U64)), 8, &out), CM_TRAP_ALIGN,
         "misaligned");
  M(&e)[16] = 3;
  expect(&e, cm_abi_load(&e.cx, ENUM(3), 16, &out), CM_TRAP_DISCRIMINANT,
         "discriminant 3");
  M(&e)[16] = 2;
  expect(&e, cm_abi_load(&e.cx, OPT(P(CM_P_U8)), 16, &out),
         CM_TRAP_DISCRIMINANT, "discriminant");
  put32(&e, 24, 0xd800, 0x110000);
  expect(&e, cm_abi_load(&e.cx, P(CM_P_CHAR), 24, &out), CM_TRAP_CHAR,
         "0xd800");
  expect(&e, cm_abi_load(&e.cx, P(CM_P_CHAR), 28, &out), CM_TRAP_CHAR,
         "0x110000");
  expect(&e, cm_abi_store(&e.cx, P(CM_P_CHAR), VU(CM_P_CHAR, 0xdfff), 24),
         CM_TRAP_CHAR, "invalid char");
  memcpy(M(&e) + 40, "ok\xc0\x80", 4);
  put32(&e, 32, 40, 4);
  expect(&e, cm_abi_load(&e.cx, str, 32, &out), CM_TRAP_UTF8,
         "UTF-8 at byte 2");
  memcpy(M(&e) + 40, "\xed\xa0\x80", 3); /* an encoded surrogate */
  put32(&e, 32, 40, 3);
  expect(&e, cm_abi_load(&e.cx, str, 32, &out), CM_TRAP_UTF8, "UTF-8");
  expect(&e, cm_abi_store(&e.cx, str, VSTR("\xff"), 48), CM_TRAP_UTF8,
         "host string");
  vw_raw fl[2] = { 5, 0 };
  expect(&e, cm_abi_lift_flat(&e.cx, OPT(P(CM_P_U32)), fl, 2, &pos, &out),
         CM_TRAP_DISCRIMINANT, "discriminant 5");
  fl[0] = 0x110000, pos = 0;
  expect(&e, cm_abi_lift_flat(&e.cx, P(CM_P_CHAR), fl, 1, &pos, &out),
         CM_TRAP_CHAR, "invalid char");
  /* too long: checked before anything is read */
  cm_val *big = VSTR("");
  big->u.str.ptr = "x", big->u.str.len = 0x80000000u;
  expect(&e, cm_abi_store(&e.cx, str, big, 48), CM_TRAP_TOO_LONG,
         "string too long");
  cm_val *lst = VLIST(VU(CM_P_U32, 1));
  lst->u.seq.n = 0x40000000u;
  expect(&e, cm_abi_store(&e.cx, LIST(P(CM_P_U32)), lst, 48), CM_TRAP_TOO_LONG,
         "list too long");
  /* what realloc gives is checked */
  e.b.mode = 1;
  expect(&e, cm_abi_store(&e.cx, LIST(P(CM_P_U32)), VLIST(VU(CM_P_U32, 1)), 48),
         CM_TRAP_ALIGN, "misaligned");
  e.b.mode = 2;
  expect(&e, cm_abi_store(&e.cx, str, VSTR("abc"), 48), CM_TRAP_BOUNDS,
         "out of bounds");
  e.b.mode = 3;
  expect(&e, cm_abi_store(&e.cx, str, VSTR("abc"), 48), CM_TRAP_REALLOC,
         "allocator out of memory");
  e.cx.realloc = NULL;
  expect(&e, cm_abi_store(&e.cx, str, VSTR("abc"), 48), CM_TRAP_REALLOC,
         "realloc");
  env_done(&e);
}

/* utf16: odd pointers, unpaired surrogates */
static void traps_utf16(void) {
  env e;
  cm_val out;
  const cm_type *str = P(CM_P_STRING);
  env_init(&e, CM_ENC_UTF16);
  put32(&e, 0, 41, 1);
  expect(&e, cm_abi_load(&e.cx, str, 0, &out), CM_TRAP_ALIGN, "misaligned");
  const uint8_t lone[4] = { 0x00, 0xdc, 'a', 0 };
  memcpy(M(&e) + 40, lone, 4);
  put32(&e, 0, 40, 2);
  expect(&e, cm_abi_load(&e.cx, str, 0, &out), CM_TRAP_UTF16,
         "unpaired surrogate at unit 0");
  const uint8_t hi[4] = { 0x00, 0xd8, 'a', 0 };
  memcpy(M(&e) + 40, hi, 4);
  expect(&e, cm_abi_load(&e.cx, str, 0, &out), CM_TRAP_UTF16, "unpaired");
  env_done(&e);
}

/* a decoded type that is a DAG: tuple<t, t> sixty deep is 2^60 bytes
** unfolded; its layout comes from the decoder's cache at once, its size
** saturates, and lowering it traps instead of walking it */
static void dag(void) {
  uint8_t b[8 + 4 + 1 + 1 + 60 * 4 + 4 + 12] = { 0x00, 0x61, 0x73, 0x6d,
                                                 0x0d, 0x00, 0x01, 0x00 };
  size_t n = 8, size_at;
  b[n++] = 7; /* the type section: u8, sixty tuples, func() -> t60 */
  size_at = n;
  b[n++] = 0x80, b[n++] = 0;
  b[n++] = 62;
  b[n++] = CM_P_U8;
  for (uint8_t k = 0; k < 60; k++)
    b[n++] = 0x6f, b[n++] = 2, b[n++] = k, b[n++] = k;
  b[n++] = 0x40, b[n++] = 0, b[n++] = 0, b[n++] = 60;
  size_t size = n - size_at - 2;
  b[size_at] = 0x80 | (size & 0x7f), b[size_at + 1] = (uint8_t)(size >> 7);
  const uint8_t imp[] = { 10, 6, 1, 0, 1, 'f', 1, 61 };
  memcpy(b + n, imp, sizeof imp);
  n += sizeof imp;
  cm_error err;
  cm_component *c = cm_decode(b, n, "t", &err);
  REQUIREF(c, "%s", err.line);
  const cm_type *t = cm_item_type(c, CM_SORT_TYPE, 60);
  const cm_type *ft = cm_item_type(c, CM_SORT_TYPE, 61);
  REQUIRE(t && ft && ft->kind == CM_T_FUNC);
  EQ(cm_abi_align(t), 1);
  CHECK(cm_abi_size(t) == CM_ABI_SIZE_MAX);
  EQ(cm_abi_size(cm_item_type(c, CM_SORT_TYPE, 10)), 1024);
  uint8_t f[17];
  EQ(cm_abi_flatten(t, f, 16), 17);
  env e;
  env_init(&e, CM_ENC_UTF8);
  cm_val v = { .kind = CM_T_TUPLE };
  vw_raw flat[1];
  uint32_t nf;
  expect(&e, cm_abi_lower_results(&e.cx, ft, &v, flat, &nf, 0), CM_TRAP_BOUNDS,
         "out of bounds");
  env_done(&e);
  cm_free(c);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "abi");
  va = cm_abi_arena_new(0);
  check_run("layout/sizes-and-flattening", layout);
  check_run("bytes/known-layouts", bytes_layout);
  check_run("memory/every-kind", memory_roundtrip);
  check_run("flat/every-kind", flat_roundtrip);
  check_run("strings/utf16-latin1", strings);
  check_run("func/spilling", func_spill);
  check_run("trap/each-condition", traps);
  check_run("trap/utf16", traps_utf16);
  check_run("layout/type-dag", dag);
  cm_abi_arena_free(va);
  return check_end();
}
