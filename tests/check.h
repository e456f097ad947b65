/*
** check.h — the one harness of every C test program in tests/.
**
** A test program is a set of cases, each a void function.  Inside a case:
**
**   CHECK(cond)              fails the case if cond is false, and goes on
**   CHECKF(cond, fmt, ...)   the same, with a message of its own
**   EQ(got, want)            compares integers, floats or strings (by the
**                            type of `got`): "expected WANT, got GOT"
**   REQUIRE(cond)            like CHECK, but leaves the case when it fails
**                            (for what the rest of the case depends on)
**   REQUIREF(cond, fmt, ...) the same, with a message of its own
**   SKIP(fmt, ...)           leaves the case, which then reads "SKIP
**                            LABEL/fn: why" (what it needs is not here)
**   check_failing()          whether the running case has failed so far
**                            (after a helper that checks: `if
**                            (check_failing()) return;`)
**
** Every failed check prints an indented line "    file:line: why" at once;
** RUN(fn) then prints "PASS LABEL/fn" or "FAIL LABEL/fn: first why", as
** tests/run.sh counts them.  A program starts with check_init(argc, argv,
** "prog") (argv[1], when given, is the label prefix: "unit", "unit-asan",
** ...) and ends with `return check_end();`, which prints "N passed, N
** failed" for the program and returns its exit status.
**
** Checks also work outside a case (in a helper, or in main): they then
** count against the case that runs, or against the program when none does.
**
** A case whose name is not its function's (a table of cases, or names with
** '-'): check_run("name", fn).  A program whose checks each name their own
** case (one check, one line) uses CASE(name, cond, fmt, ...) outside RUN.
** check_skip(name, fmt, ...) prints "SKIP LABEL/name: why" for a case that
** cannot run here (no font, no device).
*/
#ifndef VY_TEST_CHECK_H
#define VY_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *check_prefix = "test";
static const char *check_prog = "";
static int check_passed, check_failed, check_skipped;
static int check_case_failed;  /* failed checks in the running case */
static int check_loose_failed; /* failed checks outside any case   */
static bool check_in_case;
static char check_why[512];      /* the first failure of the case   */
static char check_skip_why[400]; /* why the running case skipped    */

/* a failed check: its line at once, and it counts against the running
** case (or the program) */
static void check_vfail(const char *file, int line, const char *fmt, va_list ap)
    __attribute__((unused));
static void check_vfail(const char *file, int line, const char *fmt,
                        va_list ap) {
  char msg[512];
  int n = snprintf(msg, sizeof msg, "%s:%d: ", file, line);
  if (n >= 0 && (size_t)n < sizeof msg)
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
  for (char *p = msg; *p; p++) /* one line per failure */
    if (*p == '\n' || *p == '\r') *p = '|';
  printf("    %s\n", msg);
  if (check_in_case) {
    if (!check_case_failed++) snprintf(check_why, sizeof check_why, "%s", msg);
  } else {
    check_loose_failed++;
  }
}

static void check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static void check_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  check_vfail(file, line, fmt, ap);
  va_end(ap);
}

/* The EQ comparisons, one per kind of value; each returns whether the
** check holds and writes the message when it does not. */
static bool check_eq_i(long long got, long long want, char *m, size_t n)
    __attribute__((unused));
static bool check_eq_i(long long got, long long want, char *m, size_t n) {
  if (got == want) return true;
  snprintf(m, n, "expected %lld, got %lld", want, got);
  return false;
}
static bool check_eq_u(unsigned long long got, unsigned long long want, char *m,
                       size_t n) __attribute__((unused));
static bool check_eq_u(unsigned long long got, unsigned long long want, char *m,
                       size_t n) {
  if (got == want) return true;
  snprintf(m, n, "expected %llu (0x%llx), got %llu (0x%llx)", want, want, got,
           got);
  return false;
}
static bool check_eq_f(double got, double want, char *m, size_t n)
    __attribute__((unused));
static bool check_eq_f(double got, double want, char *m, size_t n) {
  if (got == want || (got != got && want != want)) return true;
  snprintf(m, n, "expected %.17g, got %.17g", want, got);
  return false;
}
static bool check_eq_s(const char *got, const char *want, char *m, size_t n)
    __attribute__((unused));
static bool check_eq_s(const char *got, const char *want, char *m, size_t n) {
  if (got == want || (got && want && !strcmp(got, want))) return true;
  /* (the status is looked at so that gcc does not warn of a cut: a long
  ** string is cut on purpose) */
  if (snprintf(m, n, "expected \"%s\", got \"%s\"", want ? want : "(null)",
               got ? got : "(null)") < 0)
    m[0] = 0;
  return false;
}

#define CHECK_EQ_FN(x)                                                         \
  _Generic((x),                                                             \
      char *: check_eq_s, const char *: check_eq_s,                         \
      float: check_eq_f, double: check_eq_f,                                \
      unsigned char: check_eq_u, unsigned short: check_eq_u,                \
      unsigned int: check_eq_u, unsigned long: check_eq_u,                  \
      unsigned long long: check_eq_u, default: check_eq_i)

#define EQ(got, want)                                                          \
  do {                                                                         \
    char check_m_[400];                                                        \
    if (!CHECK_EQ_FN(got)((got), (want), check_m_, sizeof check_m_))           \
      check_fail(__FILE__, __LINE__, "%s: %s", #got, check_m_);                \
  } while (0)

#define CHECKF(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond)) check_fail(__FILE__, __LINE__, __VA_ARGS__);                  \
  } while (0)

#define CHECK(cond) CHECKF(cond, "%s", #cond)

#define REQUIREF(cond, ...)                                                    \
  do {                                                                         \
    if (!(cond)) {                                                             \
      check_fail(__FILE__, __LINE__, __VA_ARGS__);                             \
      return;                                                                  \
    }                                                                          \
  } while (0)

#define REQUIRE(cond) REQUIREF(cond, "%s", #cond)

static bool check_failing(void) __attribute__((unused));
static bool check_failing(void) {
  return check_in_case ? check_case_failed > 0 : check_loose_failed > 0;
}

/* "/" between LABEL and PROG, or nothing when there is no PROG */
static const char *check_sep(void) __attribute__((unused));
static const char *check_sep(void) { return *check_prog ? "/" : ""; }

static void check_begin(void) __attribute__((unused));
static void check_begin(void) {
  check_why[0] = check_skip_why[0] = 0;
  check_case_failed = 0;
  check_in_case = true;
}

/* the case's line: PASS, FAIL with its first failure, or SKIP and why */
static void check_report(const char *name) __attribute__((unused));
static void check_report(const char *name) {
  check_in_case = false;
  if (check_case_failed) {
    printf("FAIL %s%s%s/%s: %s\n", check_prefix, check_sep(), check_prog, name,
           check_why);
    check_failed++;
  } else if (check_skip_why[0]) {
    printf("SKIP %s%s%s/%s: %s\n", check_prefix, check_sep(), check_prog, name,
           check_skip_why);
    check_skipped++;
  } else {
    printf("PASS %s%s%s/%s\n", check_prefix, check_sep(), check_prog, name);
    check_passed++;
  }
  fflush(stdout);
}

static void check_skip_case(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), unused));
static void check_skip_case(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(check_skip_why, sizeof check_skip_why, fmt, ap);
  va_end(ap);
  if (!check_skip_why[0])
    snprintf(check_skip_why, sizeof check_skip_why, "skipped");
}
#define SKIP(...)                                                              \
  do {                                                                         \
    check_skip_case(__VA_ARGS__);                                              \
    return;                                                                    \
  } while (0)

/* runs one case and prints its line */
static void check_run(const char *name, void (*fn)(void))
    __attribute__((unused));
static void check_run(const char *name, void (*fn)(void)) {
  check_begin();
  fn();
  check_report(name);
}
#define RUN(fn) check_run(#fn, fn)

/* CASE: a case of one check, which prints its line at once */
static void check_case(const char *name, bool ok, const char *file, int line,
                       const char *fmt, ...)
    __attribute__((format(printf, 5, 6), unused));
static void check_case(const char *name, bool ok, const char *file, int line,
                       const char *fmt, ...) {
  check_begin();
  if (!ok) {
    va_list ap;
    va_start(ap, fmt);
    check_vfail(file, line, fmt, ap);
    va_end(ap);
  }
  check_report(name);
}
#define CASE(name, cond, ...)                                                  \
  check_case((name), (cond), __FILE__, __LINE__, __VA_ARGS__)

static void check_skip(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));
static void check_skip(const char *name, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  printf("SKIP %s%s%s/%s: %s\n", check_prefix, check_sep(), check_prog, name,
         msg);
  check_skipped++;
  fflush(stdout);
}

static void check_init(int argc, char **argv, const char *prog)
    __attribute__((unused));
static void check_init(int argc, char **argv, const char *prog) {
  if (argc > 1 && argv[1][0]) check_prefix = argv[1];
  check_prog = prog ? prog : "";
  setvbuf(stdout, NULL, _IOLBF, 0);
}

/* the program's closing count; its exit status */
static int check_end(void) __attribute__((unused));
static int check_end(void) {
  if (check_loose_failed) {
    printf("FAIL %s%s%s: %d check(s) outside any case failed\n", check_prefix,
           check_sep(), check_prog, check_loose_failed);
    check_failed++;
  }
  printf("%s: %d cases passed, %d failed",
         *check_prog ? check_prog : check_prefix, check_passed, check_failed);
  if (check_skipped) printf(", %d skipped", check_skipped);
  printf("\n");
  return check_failed ? 1 : 0;
}

#endif
