/*
** engine_forms.c — the engine's own regression cases for the compiler's
** fused forms (runtime/interp/vw_compile.c): folded address arithmetic,
** constant operands on either side, compare-and-branch, superinstructions
** (add+rotate, multiply chains, scaled indexes, move pairs), skipped local
** zeroing.  Each case is a small module, in WebAssembly text assembled with
** wabt's wat2wasm at run time, whose exports are called with arguments and
** checked against the plain semantics: a result (bit-exact, floats too) or
** a trap.  Written for this project; the spec suite is read from ../shared.
** Each module is a case (PASS/FAIL unit/engine_forms/NAME); a failed check
** names its export, its index in the module's list, and what it got.
*/
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runtime/vw.h"
#include "../check.h"

enum { I32 = 1, I64, F32, F64 };

typedef struct val {
  int type;
  const char *text;
} val;

typedef struct call_check {
  const char *func;
  int nargs;
  val args[3];
  int nres;
  val res[1];
  const char *trap; /* the trap expected, or NULL for a result */
} call_check;

typedef struct tcase {
  const char *name;
  const char *wat;
  const call_check *checks;
  size_t nchecks;
} tcase;

static const call_check and_mask_branch_checks[] = {
  { "andz", 1, { { I32, "1" } }, 1, { { I32, "10" } }, NULL },
  { "andz", 1, { { I32, "4" } }, 1, { { I32, "20" } }, NULL },
  { "andnz", 1, { { I32, "1" } }, 1, { { I32, "1" } }, NULL },
  { "andnz", 1, { { I32, "2" } }, 1, { { I32, "2" } }, NULL },
  { "andzbr", 1, { { I32, "1" } }, 1, { { I32, "2" } }, NULL },
  { "andzbr", 1, { { I32, "2" } }, 1, { { I32, "1" } }, NULL },
  { "andval", 1, { { I32, "9" } }, 1, { { I32, "1" } }, NULL },
  { "andval", 1, { { I32, "2" } }, 1, { { I32, "0" } }, NULL },
  { "fsub", 1, { { F64, "0.5" } }, 1, { { F64, "1" } }, NULL },
  { "fdiv", 1, { { F64, "2" } }, 1, { { F64, "0.5" } }, NULL },
  { "flt", 1, { { F32, "2" } }, 1, { { I32, "1" } }, NULL },
  { "flt", 1, { { F32, "1" } }, 1, { { I32, "0" } }, NULL },
  { "cps", 1, { { F32, "-1" } }, 1, { { F32, "-2" } }, NULL },
  { "absst", 1, { { F64, "3.25" } }, 1, { { F64, "3.25" } }, NULL },
  { "absoob",
    0,
    { { 0, NULL } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
};
static const call_check const_left_operand_checks[] = {
  { "sub", 1, { { I32, "3" } }, 1, { { I32, "7" } }, NULL },
  { "sub", 1, { { I32, "11" } }, 1, { { I32, "-1" } }, NULL },
  { "shl", 1, { { I32, "33" } }, 1, { { I32, "2" } }, NULL },
  { "shr", 1, { { I32, "4" } }, 1, { { I32, "-16" } }, NULL },
  { "rotl", 1, { { I32, "1" } }, 1, { { I32, "3" } }, NULL },
  { "sub64", 1, { { I64, "5" } }, 1, { { I64, "-6" } }, NULL },
  { "shl64", 1, { { I64, "65" } }, 1, { { I64, "2" } }, NULL },
  { "bit", 1, { { I32, "0" } }, 1, { { I32, "1" } }, NULL },
  { "bit", 1, { { I32, "2" } }, 1, { { I32, "0" } }, NULL },
  { "bit", 1, { { I32, "23" } }, 1, { { I32, "1" } }, NULL },
  { "bit", 1, { { I32, "55" } }, 1, { { I32, "1" } }, NULL },
};
static const call_check f64_load_arith_checks[] = {
  { "subr", 2, { { I32, "4" }, { F64, "1" } }, 1, { { F64, "3" } }, NULL },
  { "sub", 2, { { I32, "4" }, { F64, "1" } }, 1, { { F64, "-3" } }, NULL },
  { "mul", 2, { { I32, "8" }, { F64, "2.5" } }, 1, { { F64, "10" } }, NULL },
  { "add", 2, { { I32, "8" }, { F64, "0.5" } }, 1, { { F64, "4.5" } }, NULL },
  { "add",
    2,
    { { I32, "65529" }, { F64, "0.5" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "subr",
    2,
    { { I32, "0xfffffffc" }, { F64, "0.5" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
};
static const call_check folded_address_checks[] = {
  { "ldk", 1, { { I32, "8" } }, 1, { { I32, "0x04030201" } }, NULL },
  { "ldk",
    1,
    { { I32, "0" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "ldk", 1, { { I32, "4" } }, 1, { { I32, "0" } }, NULL },
  { "ldss", 2, { { I32, "4" }, { I32, "4" } }, 1, { { I32, "2" } }, NULL },
  { "ldss",
    2,
    { { I32, "0xffffffff" }, { I32, "0" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "ldss",
    2,
    { { I32, "0xffffffff" }, { I32, "9" } },
    1,
    { { I32, "2" } },
    NULL },
  { "stss",
    3,
    { { I32, "0xfffffff0" }, { I32, "0x20" }, { I32, "77" } },
    1,
    { { I32, "77" } },
    NULL },
  { "stss",
    3,
    { { I32, "100" }, { I32, "0x20" }, { I32, "300" } },
    1,
    { { I32, "44" } },
    NULL },
  { "stk", 1, { { I32, "100" } }, 1, { { I32, "0x1234" } }, NULL },
  { "stk",
    1,
    { { I32, "65533" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "stsi", 2, { { I32, "100" }, { I64, "-7" } }, 1, { { I64, "-7" } }, NULL },
  { "stsi",
    2,
    { { I32, "0xfffffff0" }, { I64, "-7" } },
    1,
    { { I64, "-7" } },
    NULL },
  { "stsi",
    2,
    { { I32, "0xffe1" }, { I64, "-7" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "z", 1, { { I32, "0" } }, 1, { { I32, "0" } }, NULL },
  { "z", 1, { { I32, "1" } }, 1, { { I32, "5" } }, NULL },
};
static const call_check fused_add_rotate_checks[] = {
  { "add3",
    3,
    { { I32, "0xffffffff" }, { I32, "2" }, { I32, "3" } },
    1,
    { { I32, "4" } },
    NULL },
  { "add3b",
    3,
    { { I32, "1" }, { I32, "2" }, { I32, "3" } },
    1,
    { { I32, "6" } },
    NULL },
  { "xr",
    2,
    { { I32, "0x80000001" }, { I32, "1" } },
    1,
    { { I32, "0xc1" } },
    NULL },
  { "xr0",
    2,
    { { I32, "0x12345678" }, { I32, "0xff" } },
    1,
    { { I32, "0x12345687" } },
    NULL },
  { "chain", 1, { { I32, "0x6a09e667" } }, 1, { { I32, "0x55b65510" } }, NULL },
};
static const call_check local_zeroing_1_checks[] = {
  { "a", 1, { { I32, "0" } }, 1, { { I32, "0" } }, NULL },
  { "a", 1, { { I32, "1" } }, 1, { { I32, "7" } }, NULL },
  { "b", 1, { { I32, "1" } }, 1, { { I32, "3" } }, NULL },
  { "b", 1, { { I32, "0" } }, 1, { { I32, "12" } }, NULL },
  { "c", 1, { { I32, "3" } }, 1, { { I32, "10" } }, NULL },
  { "d", 1, { { I32, "3" } }, 1, { { I64, "0" } }, NULL },
  { "e", 0, { { 0, NULL } }, 1, { { I32, "0" } }, NULL },
};
static const call_check local_zeroing_2_checks[] = {
  { "p", 2, { { I32, "5" }, { I32, "2" } }, 1, { { I32, "2" } }, NULL },
};
static const call_check move_pairs_checks[] = {
  { "add2",
    3,
    { { I32, "1" }, { I32, "2" }, { I32, "3" } },
    1,
    { { I32, "3" } },
    NULL },
  { "add2t",
    3,
    { { I32, "10" }, { I32, "2" }, { I32, "3" } },
    1,
    { { I32, "7" } },
    NULL },
  { "ssk",
    2,
    { { I32, "100" }, { I32, "0xfffffff0" } },
    1,
    { { I32, "0x1234" } },
    NULL },
  { "ssk",
    2,
    { { I32, "65534" }, { I32, "0" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "sieve", 1, { { I32, "7" } }, 1, { { I32, "105" } }, NULL },
};
static const call_check mul_chain_checks[] = {
  { "m",
    3,
    { { F64, "2" }, { F64, "3" }, { F64, "4" } },
    1,
    { { F64, "24" } },
    NULL },
  { "m",
    3,
    { { F64, "1e308" }, { F64, "10" }, { F64, "0.1" } },
    1,
    { { F64, "inf" } },
    NULL },
  { "m2",
    3,
    { { F64, "1e308" }, { F64, "10" }, { F64, "0.1" } },
    1,
    { { F64, "inf" } },
    NULL },
  { "m",
    3,
    { { F64, "0.1" }, { F64, "0.2" }, { F64, "0.3" } },
    1,
    { { F64, "0x1.89374bc6a7efbp-8" } },
    NULL },
};
static const call_check range_check_branch_checks[] = {
  { "digit", 1, { { I32, "48" } }, 1, { { I32, "1" } }, NULL },
  { "digit", 1, { { I32, "57" } }, 1, { { I32, "1" } }, NULL },
  { "digit", 1, { { I32, "58" } }, 1, { { I32, "0" } }, NULL },
  { "digit", 1, { { I32, "47" } }, 1, { { I32, "0" } }, NULL },
  { "gt", 1, { { I32, "97" } }, 1, { { I32, "1" } }, NULL },
  { "gt", 1, { { I32, "96" } }, 1, { { I32, "0" } }, NULL },
  { "gt", 1, { { I32, "123" } }, 1, { { I32, "0" } }, NULL },
  { "le", 1, { { I32, "-5" } }, 1, { { I32, "0" } }, NULL },
  { "le", 1, { { I32, "-2" } }, 1, { { I32, "0" } }, NULL },
  { "le", 1, { { I32, "-1" } }, 1, { { I32, "1" } }, NULL },
  { "ge", 1, { { I32, "-2" } }, 1, { { I32, "7" } }, NULL },
  { "ge", 1, { { I32, "-1" } }, 1, { { I32, "8" } }, NULL },
  { "tee", 1, { { I32, "53" } }, 1, { { I32, "5" } }, NULL },
  { "tee", 1, { { I32, "40" } }, 1, { { I32, "-1" } }, NULL },
};
static const call_check scaled_index_checks[] = {
  { "sx",
    2,
    { { I32, "0" }, { I32, "1" } },
    1,
    { { I32, "0x08070605" } },
    NULL },
  { "sx",
    2,
    { { I32, "0xfffffffc" }, { I32, "2" } },
    1,
    { { I32, "0x08070605" } },
    NULL },
  { "sx",
    2,
    { { I32, "0xfffffffc" }, { I32, "0" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "sx2", 2, { { I32, "1" }, { I32, "2" } }, 1, { { I32, "9" } }, NULL },
  { "xi", 1, { { I32, "3" } }, 1, { { I32, "0x0d0c" } }, NULL },
  { "xi", 1, { { I32, "0x80000001" } }, 1, { { I32, "0x0908" } }, NULL },
  { "tee", 1, { { I32, "3" } }, 1, { { I32, "13" } }, NULL },
  { "inplace", 1, { { I32, "3" } }, 1, { { I32, "9" } }, NULL },
};
static const call_check store_add_const_checks[] = {
  { "s",
    2,
    { { I32, "8" }, { I32, "0xfffffffc" } },
    1,
    { { I32, "3" } },
    NULL },
  { "s",
    2,
    { { I32, "65530" }, { I32, "1" } },
    0,
    { { 0, NULL } },
    "out of bounds memory access" },
  { "s", 2, { { I32, "65528" }, { I32, "1" } }, 1, { { I32, "8" } }, NULL },
  { "s2", 1, { { I32, "100" } }, 1, { { I32, "-1" } }, NULL },
};

static const tcase cases[] = {
  { "and_mask_branch",
    "(module\n"
    "  (memory 1)\n"
    "  (func (export \"andz\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (i32.and (local.get 0) (i32.const 6))) "
    "(then (i32.const 10)) (else (i32.const 20))))\n"
    "  (func (export \"andnz\") (param i32) (result i32)\n"
    "    (block (br_if 0 (i32.and (local.get 0) (i32.const 6))) (return "
    "(i32.const 1))) (i32.const 2))\n"
    "  (func (export \"andzbr\") (param i32) (result i32)\n"
    "    (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 6)))) "
    "(return (i32.const 1))) (i32.const 2))\n"
    "  (func (export \"andval\") (param i32) (result i32)\n"
    "    (i32.eqz (i32.and (local.get 0) (i32.const 6))))\n"
    "  (func (export \"fsub\") (param f64) (result f64) (f64.sub (f64.const "
    "1.5) (local.get 0)))\n"
    "  (func (export \"fdiv\") (param f64) (result f64) (f64.div (local.get 0) "
    "(f64.const 4)))\n"
    "  (func (export \"flt\") (param f32) (result i32) (f32.lt (f32.const 1.5) "
    "(local.get 0)))\n"
    "  (func (export \"cps\") (param f32) (result f32) (f32.copysign "
    "(f32.const 2) (local.get 0)))\n"
    "  (func (export \"absst\") (param f64) (result f64)\n"
    "    (f64.store (i32.const 64) (local.get 0)) (f64.load offset=8 "
    "(i32.const 56)))\n"
    "  (func (export \"absoob\") (result i32) (i32.load offset=65533 "
    "(i32.const 0)))\n"
    ")\n",
    and_mask_branch_checks,
    sizeof and_mask_branch_checks / sizeof and_mask_branch_checks[0] },
  { "const_left_operand",
    "(module\n"
    "  (func (export \"sub\") (param i32) (result i32) (i32.sub (i32.const 10) "
    "(local.get 0)))\n"
    "  (func (export \"shl\") (param i32) (result i32) (i32.shl (i32.const 1) "
    "(local.get 0)))\n"
    "  (func (export \"shr\") (param i32) (result i32) (i32.shr_s (i32.const "
    "-256) (local.get 0)))\n"
    "  (func (export \"rotl\") (param i32) (result i32) (i32.rotl (i32.const "
    "0x80000001) (local.get 0)))\n"
    "  (func (export \"sub64\") (param i64) (result i64) (i64.sub (i64.const "
    "-1) (local.get 0)))\n"
    "  (func (export \"shl64\") (param i64) (result i64) (i64.shl (i64.const "
    "1) (local.get 0)))\n"
    "  (func (export \"bit\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (i32.and (i32.shl (i32.const 1) (local.get "
    "0)) (i32.const 0x800013)))\n"
    "      (then (i32.const 0)) (else (i32.const 1))))\n"
    ")\n",
    const_left_operand_checks,
    sizeof const_left_operand_checks / sizeof const_left_operand_checks[0] },
  { "f64_load_arith",
    "(module\n"
    "  (memory 1)\n"
    "  (data (i32.const 8) \"\\00\\00\\00\\00\\00\\00\\10\\40\")\n"
    "  (func (export \"subr\") (param i32 f64) (result f64) (f64.sub (f64.load "
    "offset=4 (local.get 0)) (local.get 1)))\n"
    "  (func (export \"sub\") (param i32 f64) (result f64) (f64.sub (local.get "
    "1) (f64.load offset=4 (local.get 0))))\n"
    "  (func (export \"mul\") (param i32 f64) (result f64) (f64.mul (f64.load "
    "(local.get 0)) (local.get 1)))\n"
    "  (func (export \"add\") (param i32 f64) (result f64) (f64.add (local.get "
    "1) (f64.load (local.get 0))))\n"
    ")\n",
    f64_load_arith_checks,
    sizeof f64_load_arith_checks / sizeof f64_load_arith_checks[0] },
  { "folded_address",
    "(module\n"
    "  (memory 1)\n"
    "  (data (i32.const 8) \"\\01\\02\\03\\04\\05\\06\\07\\08\")\n"
    "  (func (export \"ldk\") (param i32) (result i32)\n"
    "    (i32.load offset=4 (i32.add (local.get 0) (i32.const -4))))\n"
    "  (func (export \"ldss\") (param i32 i32) (result i32)\n"
    "    (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1))))\n"
    "  (func (export \"stss\") (param i32 i32 i32) (result i32)\n"
    "    (i32.store8 offset=1 (i32.add (local.get 0) (local.get 1)) (local.get "
    "2))\n"
    "    (i32.load8_u offset=1 (i32.add (local.get 0) (local.get 1))))\n"
    "  (func (export \"stk\") (param i32) (result i32)\n"
    "    (i32.store16 offset=2 (local.get 0) (i32.const 0x1234))\n"
    "    (i32.load16_u offset=2 (local.get 0)))\n"
    "  (func (export \"stsi\") (param i32 i64) (result i64)\n"
    "    (i64.store offset=8 (i32.add (local.get 0) (i32.const 16)) (local.get "
    "1))\n"
    "    (i64.load offset=8 (i32.add (local.get 0) (i32.const 16))))\n"
    "  (func (export \"z\") (param i32) (result i32) (local i32 i64)\n"
    "    i32.const 0 local.set 1\n"
    "    local.get 0 if i32.const 5 local.set 1 end\n"
    "    i64.const 0 local.set 2\n"
    "    local.get 1 local.get 2 i32.wrap_i64 i32.add)\n"
    ")\n",
    folded_address_checks,
    sizeof folded_address_checks / sizeof folded_address_checks[0] },
  { "fused_add_rotate",
    "(module\n"
    "  (func (export \"add3\") (param i32 i32 i32) (result i32)\n"
    "    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))\n"
    "  (func (export \"add3b\") (param i32 i32 i32) (result i32)\n"
    "    (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1))))\n"
    "  (func (export \"xr\") (param i32 i32) (result i32)\n"
    "    (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (local.get 1)))\n"
    "  (func (export \"xr0\") (param i32 i32) (result i32)\n"
    "    (i32.xor (local.get 1) (i32.rotl (local.get 0) (i32.const 32))))\n"
    "  (func (export \"chain\") (param i32) (result i32)\n"
    "    (i32.xor (i32.xor (i32.rotl (local.get 0) (i32.const 26)) (i32.rotl "
    "(local.get 0) (i32.const 21)))\n"
    "             (i32.rotl (local.get 0) (i32.const 7))))\n"
    ")\n",
    fused_add_rotate_checks,
    sizeof fused_add_rotate_checks / sizeof fused_add_rotate_checks[0] },
  { "local_zeroing-1",
    "(module\n"
    "  (func (export \"a\") (param i32) (result i32) (local i32 i32)\n"
    "    (if (local.get 0) (then (local.set 1 (i32.const 7))))\n"
    "    (local.get 1))\n"
    "  (func (export \"b\") (param i32) (result i32) (local i32 i32)\n"
    "    (local.set 2 (i32.const 3))\n"
    "    (block (br_if 0 (local.get 0)) (local.set 1 (i32.const 9)))\n"
    "    (i32.add (local.get 1) (local.get 2)))\n"
    "  (func (export \"c\") (param i32) (result i32) (local i32 i32)\n"
    "    (loop (local.set 2 (i32.add (local.get 2) (local.get 1)))\n"
    "          (local.set 1 (i32.const 5))\n"
    "          (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
    "    (local.get 2))\n"
    "  (func (export \"d\") (param i32) (result i64) (local i64 f64)\n"
    "    (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
    "    (local.set 1 (i64.const 0))\n"
    "    (local.set 2 (f64.const 0))\n"
    "    (i64.add (local.get 1) (i64.trunc_f64_s (local.get 2))))\n"
    "  (func $dirty (param i32) (result i32) (local i32 i32 i32 i32)\n"
    "    (local.set 1 (i32.const 11)) (local.set 2 (i32.const 12)) (local.set "
    "3 (i32.const 13)) (local.set 4 (i32.const 14))\n"
    "    (i32.add (local.get 1) (local.get 4)))\n"
    "  (func (export \"e\") (result i32)\n"
    "    (drop (call $dirty (i32.const 1)))\n"
    "    (call $zero_read))\n"
    "  (func $zero_read (result i32) (local i32 i32 i32 i32)\n"
    "    (local.set 0 (i32.const 0))\n"
    "    (i32.add (i32.add (local.get 1) (local.get 2)) (i32.add (local.get 3) "
    "(local.get 0))))\n"
    ")\n",
    local_zeroing_1_checks,
    sizeof local_zeroing_1_checks / sizeof local_zeroing_1_checks[0] },
  { "local_zeroing-2",
    "(module\n"
    "  (func (export \"p\") (param i32 i32) (result i32)\n"
    "    (local.set 0 (i32.const 0)) (i32.add (local.get 0) (local.get 1))))\n",
    local_zeroing_2_checks,
    sizeof local_zeroing_2_checks / sizeof local_zeroing_2_checks[0] },
  { "move_pairs",
    "(module\n"
    "  (memory 1)\n"
    "  (func (export \"add2\") (param i32 i32 i32) (result i32) (local i32 "
    "i32)\n"
    "    (local.set 3 (i32.add (local.get 0) (local.get 1)))\n"
    "    (local.set 4 (i32.add (local.get 3) (local.get 2)))\n"
    "    (i32.sub (local.get 4) (local.get 3)))\n"
    "  (func (export \"add2t\") (param i32 i32 i32) (result i32)\n"
    "    (i32.sub (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 1) "
    "(local.get 2))))\n"
    "  (func (export \"ssk\") (param i32 i32) (result i32)\n"
    "    (i32.store16 offset=2 (i32.add (local.get 0) (local.get 1)) "
    "(i32.const 0x1234))\n"
    "    (i32.load16_u offset=2 (i32.add (local.get 1) (local.get 0))))\n"
    "  (func (export \"sieve\") (param i32) (result i32) (local i32 i32)\n"
    "    (local.set 1 (i32.const 0))\n"
    "    (loop\n"
    "      (i32.store8 (local.get 1) (i32.const 1))\n"
    "      (local.set 1 (i32.add (local.get 1) (local.get 0)))\n"
    "      (br_if 0 (i32.le_u (local.tee 2 (i32.add (local.get 2) (local.get "
    "0))) (i32.const 100))))\n"
    "    (local.get 2))\n"
    ")\n",
    move_pairs_checks, sizeof move_pairs_checks / sizeof move_pairs_checks[0] },
  { "mul_chain",
    "(module\n"
    "  (func (export \"m\") (param f64 f64 f64) (result f64) (f64.mul (f64.mul "
    "(local.get 0) (local.get 1)) (local.get 2)))\n"
    "  (func (export \"m2\") (param f64 f64 f64) (result f64) (f64.mul "
    "(local.get 2) (f64.mul (local.get 0) (local.get 1))))\n"
    ")\n",
    mul_chain_checks, sizeof mul_chain_checks / sizeof mul_chain_checks[0] },
  { "range_check_branch",
    "(module\n"
    "  (func (export \"digit\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.lt_u (i32.add (local.get 0) (i32.const -48)) "
    "(i32.const 10))\n"
    "      (then (i32.const 1)) (else (i32.const 0))))\n"
    "  (func (export \"gt\") (param i32) (result i32)\n"
    "    (block (br_if 0 (i32.gt_u (i32.add (local.get 0) (i32.const -97)) "
    "(i32.const 25))) (return (i32.const 1)))\n"
    "    (i32.const 0))\n"
    "  (func (export \"le\") (param i32) (result i32)\n"
    "    (block (br_if 0 (i32.le_u (i32.add (local.get 0) (i32.const 5)) "
    "(i32.const 3))) (return (i32.const 1)))\n"
    "    (i32.const 0))\n"
    "  (func (export \"ge\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.ge_u (i32.add (local.get 0) (i32.const 1)) "
    "(i32.const 0xffffffff))\n"
    "      (then (i32.const 7)) (else (i32.const 8))))\n"
    "  (func (export \"tee\") (param i32) (result i32) (local i32)\n"
    "    (if (result i32) (i32.lt_u (local.tee 1 (i32.add (local.get 0) "
    "(i32.const -48))) (i32.const 10))\n"
    "      (then (local.get 1)) (else (i32.const -1))))\n"
    ")\n",
    range_check_branch_checks,
    sizeof range_check_branch_checks / sizeof range_check_branch_checks[0] },
  { "scaled_index",
    "(module\n"
    "  (memory 1)\n"
    "  (data (i32.const 0) "
    "\"\\00\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\11"
    "\\12\\13\")\n"
    "  (func (export \"sx\") (param i32 i32) (result i32)\n"
    "    (i32.load offset=1 (i32.add (local.get 0) (i32.shl (local.get 1) "
    "(i32.const 2)))))\n"
    "  (func (export \"sx2\") (param i32 i32) (result i32)\n"
    "    (i32.load8_u (i32.add (i32.shl (local.get 1) (i32.const 34)) "
    "(local.get 0))))\n"
    "  (func (export \"xi\") (param i32) (result i32)\n"
    "    (i32.load16_u offset=2 (i32.add (i32.shl (local.get 0) (i32.const 1)) "
    "(i32.const 4))))\n"
    "  (func (export \"tee\") (param i32) (result i32) (local i32)\n"
    "    (i32.add\n"
    "      (i32.load8_u (i32.add (local.tee 1 (i32.shl (local.get 0) "
    "(i32.const 1))) (i32.const 1)))\n"
    "      (local.get 1)))\n"
    "  (func (export \"inplace\") (param i32) (result i32)\n"
    "    (i32.load8_u (i32.add (i32.shl (i32.add (local.get 0) (i32.const 1)) "
    "(i32.const 1)) (i32.const 1))))\n"
    ")\n",
    scaled_index_checks,
    sizeof scaled_index_checks / sizeof scaled_index_checks[0] },
  { "store_add_const",
    "(module\n"
    "  (memory 1)\n"
    "  (func (export \"s\") (param i32 i32) (result i32)\n"
    "    (i32.store offset=4 (local.get 0) (i32.add (local.get 1) (i32.const "
    "7)))\n"
    "    (i32.load offset=4 (local.get 0)))\n"
    "  (func (export \"s2\") (param i32) (result i32)\n"
    "    (i32.store (i32.add (local.get 0) (i32.const 1)) (i32.add (i32.load "
    "(local.get 0)) (i32.const -1)))\n"
    "    (i32.load offset=1 (local.get 0)))\n"
    ")\n",
    store_add_const_checks,
    sizeof store_add_const_checks / sizeof store_add_const_checks[0] },
};

/* The raw slot a value occupies: integers zero-extended from their width,
** floats as their bits (the layout vw_call uses). */
static vw_raw raw_of(val v) {
  switch (v.type) {
    case I32: {
      long long n = strtoll(v.text, NULL, 0);
      if (v.text[0] != '-') n = (long long)strtoull(v.text, NULL, 0);
      return (uint32_t)n;
    }
    case I64:
      if (v.text[0] == '-') return (uint64_t)strtoll(v.text, NULL, 0);
      return strtoull(v.text, NULL, 0);
    case F32: {
      float f = strtof(v.text, NULL);
      uint32_t b;
      memcpy(&b, &f, 4);
      return b;
    }
    default: {
      double d = strtod(v.text, NULL);
      uint64_t b;
      memcpy(&b, &d, 8);
      return b;
    }
  }
}

/* wat2wasm on the case's text; the module bytes in *out (malloc'd) */
static int assemble(const char *wat, uint8_t **out, size_t *len) {
  char dir[] = "/tmp/vw-forms-XXXXXX", src[64], bin[64], cmd[200];
  if (!mkdtemp(dir)) return -1;
  snprintf(src, sizeof src, "%s/m.wat", dir);
  snprintf(bin, sizeof bin, "%s/m.wasm", dir);
  FILE *f = fopen(src, "w");
  int rc = -1;
  if (f) {
    fputs(wat, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "wat2wasm %s -o %s", src, bin);
    if (system(cmd) == 0 && (f = fopen(bin, "rb"))) {
      fseek(f, 0, SEEK_END);
      long n = ftell(f);
      fseek(f, 0, SEEK_SET);
      *out = malloc(n > 0 ? (size_t)n : 1);
      if (*out && n > 0 && fread(*out, 1, (size_t)n, f) == (size_t)n) {
        *len = (size_t)n;
        rc = 0;
      }
      fclose(f);
    }
  }
  unlink(src);
  unlink(bin);
  rmdir(dir);
  return rc;
}

static const tcase *running; /* the case run_case works on */

static void run_case(void) {
  const tcase *c = running;
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (assemble(c->wat, &bytes, &len) != 0) {
    free(bytes);
    REQUIREF(0, "wat2wasm failed");
  }
  vw_error err;
  memset(&err, 0, sizeof err);
  vw_module *m = vw_module_new(bytes, len, NULL, &err);
  free(bytes);
  vw_store *s = m ? vw_store_new(NULL) : NULL;
  vw_instance *inst = s ? vw_instantiate(s, m, NULL, NULL, &err) : NULL;
  if (!inst) {
    vw_store_free(s);
    vw_module_free(m);
    REQUIREF(0, "%s", err.msg);
  }
  for (size_t i = 0; i < c->nchecks; i++) {
    const call_check *k = &c->checks[i];
    vw_extern e;
    if (vw_instance_export(inst, k->func, &e) != 0 ||
        e.kind != VW_EXTERN_FUNC) {
      CHECKF(0, "%s: no such export", k->func);
      continue;
    }
    vw_raw args[3] = { 0 }, res[1] = { 0 };
    for (int a = 0; a < k->nargs; a++) args[a] = raw_of(k->args[a]);
    memset(&err, 0, sizeof err);
    vw_status st = vw_call(s, e.of.func, args, res, &err);
    if (k->trap) {
      CHECKF(st == VW_ERR_TRAP && strcmp(vw_trap_name(err.trap), k->trap) == 0,
             "%s #%zu: expected trap \"%s\", got status %d (%s)", k->func, i,
             k->trap, (int)st, err.msg);
      continue;
    }
    if (st != VW_OK) {
      CHECKF(0, "%s #%zu: %s", k->func, i, err.msg);
      continue;
    }
    if (k->nres) {
      vw_raw want = raw_of(k->res[0]), got = res[0];
      if (k->res[0].type == I32 || k->res[0].type == F32) got = (uint32_t)got;
      CHECKF(got == want, "%s #%zu: expected 0x%llx (%s), got 0x%llx", k->func,
             i, (unsigned long long)want, k->res[0].text,
             (unsigned long long)got);
    }
  }
  vw_store_free(s);
  vw_module_free(m);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "engine_forms");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    running = &cases[i];
    check_run(cases[i].name, run_case);
  }
  return check_end();
}
