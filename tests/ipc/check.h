/*
** check.h — the tiny harness of the tests/ipc programs: each test is a
** void function; RUN prints "PASS LABEL/name" or "FAIL LABEL/name: why"
** (the first failed CHECK), as tests/ipc/run.sh and tests/run.sh expect.
** argv[1] of each program is its label prefix ("ipc" or "ipc-asan").
*/
#ifndef VY_TEST_CHECK_H
#define VY_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *check_label = "ipc";
static int check_failures;
static char check_why[512];

static void check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), unused));
static void check_fail(const char *file, int line, const char *fmt, ...) {
  int n = snprintf(check_why, sizeof check_why, "%s:%d: ", file, line);
  if (n < 0 || (size_t)n >= sizeof check_why) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(check_why + n, sizeof check_why - (size_t)n, fmt, ap);
  va_end(ap);
  /* one line per result */
  for (char *p = check_why; *p; p++)
    if (*p == '\n' || *p == '\r') *p = '|';
}

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (!(cond)) { check_fail(__FILE__, __LINE__, "%s", #cond); return; } \
  } while (0)

#define CHECKF(cond, ...)                                                 \
  do {                                                                    \
    if (!(cond)) { check_fail(__FILE__, __LINE__, __VA_ARGS__); return; } \
  } while (0)

#define RUN(fn)                                                           \
  do {                                                                    \
    check_why[0] = '\0';                                                  \
    fn();                                                                 \
    if (check_why[0]) {                                                   \
      printf("FAIL %s/%s: %s\n", check_label, #fn, check_why);            \
      check_failures++;                                                   \
    } else {                                                              \
      printf("PASS %s/%s\n", check_label, #fn);                           \
    }                                                                     \
    fflush(stdout);                                                       \
  } while (0)

#define CHECK_MAIN_BEGIN(argc, argv)                                      \
  do { if ((argc) > 1) check_label = (argv)[1]; } while (0)

#endif
