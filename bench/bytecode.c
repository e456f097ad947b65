/* bytecode.c — benchmark: a small stack-machine interpreter (switch
** dispatch) running a bytecode program that counts primes below N by trial
** division; measures indirect branches and the interpreter-in-interpreter
** case.  usage: bytecode [N] (default 400000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, LE, JZ, JMP, INC, HALT };

/* registers: r0 = n (candidate), r1 = d (divisor), r2 = count, r3 = limit */
static const int32_t program[] = {
  /*  0 */ PUSH,
  2,
  STORE,
  0, /* n = 2                        */
  /*  4 */ PUSH,
  0,
  STORE,
  2, /* count = 0                    */
  /*  8 */ LOAD,
  0,
  LOAD,
  3,
  LT,
  JZ,
  60, /* while n < limit              */
  /* 15 */ PUSH,
  2,
  STORE,
  1, /*   d = 2                      */
  /* 19 */ LOAD,
  1,
  LOAD,
  1,
  MUL,
  LOAD,
  0,
  LE,
  JZ,
  46, /* while d*d <= n */
  /* 29 */ LOAD,
  0,
  LOAD,
  1,
  MOD,
  JZ,
  53, /*     if n % d == 0: composite */
  /* 36 */ INC,
  1, /*     d++                     */
  /* 38 */ JMP,
  19,
  /* 40 */ HALT,
  HALT,
  HALT,
  HALT,
  HALT,
  HALT,
  /* 46 */ INC,
  2, /*   count++ (prime)           */
  /* 48 */ JMP,
  53,
  /* 50 */ HALT,
  HALT,
  HALT,
  /* 53 */ INC,
  0, /*   n++                       */
  /* 55 */ JMP,
  8,
  /* 57 */ HALT,
  HALT,
  HALT,
  /* 60 */ HALT
};

static int32_t run(const int32_t *code, int32_t *reg) {
  int32_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    switch (code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = reg[code[pc++]]; break;
      case STORE: reg[code[pc++]] = stack[--sp]; break;
      case ADD:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case SUB:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case MUL:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case MOD:
        sp--;
        stack[sp - 1] %= stack[sp];
        break;
      case LT:
        sp--;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case LE:
        sp--;
        stack[sp - 1] = stack[sp - 1] <= stack[sp];
        break;
      case JZ: {
        int32_t t = code[pc++];
        if (!stack[--sp]) pc = t;
        break;
      }
      case JMP: pc = code[pc]; break;
      case INC: reg[code[pc++]]++; break;
      case HALT: return reg[2];
      default: return -1;
    }
  }
}

int main(int argc, char **argv) {
  int32_t reg[4] = { 0, 0, 0, argc > 1 ? atoi(argv[1]) : 400000 };
  printf("primes below %d: %d\n", reg[3], run(program, reg));
  return 0;
}
