/*
** tests/hal/sim_state.c — the sim's state folder (hal/sim_state.c): the
** files and logs it writes, the input files it watches with inotify
** (a write there pokes a button, sets an ADC or a temperature), the
** VYOMA_SIM_STATE override, and that without a folder nothing is written.
*/
#include "../../hal/hal.h"
#include "../check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[256]; /* a scratch folder: board file and state */

static const char *board_text =
    "[board]\nname = \"st\"\nbackend = \"sim\"\n"
    "[sim]\n%s"
    "tmp102 = [\"1:0x48\"]\nleds = [17]\nbuttons = [27]\n"
    "adc = [\"0:2\"]\nadc_raw = 5\n";

static void sleep_ms(int ms) {
  struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
  nanosleep(&t, NULL);
}

static int put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

/* the whole of a small file, "" if it is not there */
static const char *slurp(const char *path) {
  static char buf[4096];
  FILE *f = fopen(path, "r");
  buf[0] = 0;
  if (!f) return buf;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

static bool quiet; /* the open is meant to fail */

static vy_board *open_with(const char *state_line) {
  char text[512], path[300], err[256];
  snprintf(text, sizeof text, board_text, state_line);
  snprintf(path, sizeof path, "%s/board.toml", root);
  if (put(path, text) != 0) return NULL;
  char spec[320];
  snprintf(spec, sizeof spec, "sim:%s", path);
  vy_board *b = vy_board_open(spec, err, sizeof err);
  if (!b && !quiet) printf("    open: %s\n", err);
  return b;
}

static void outputs_and_logs_are_written(void) {
  vy_board *b = open_with("state = \"st1\"\n");
  REQUIRE(b);
  char p[300];
  snprintf(p, sizeof p, "%s/st1/gpio-17", root);
  EQ(slurp(p), "0\n");
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(b, 17, VY_GPIO_OUTPUT, &l) == VY_HAL_OK);
  vy_hal_gpio_write(l, 1);
  EQ(slurp(p), "1\n");
  vy_hal_gpio_close(l, VY_GPIO_SAFE_LOW);
  EQ(slurp(p), "0\n");
  snprintf(p, sizeof p, "%s/st1/gpio.log", root);
  unsigned long long t1, t2;
  unsigned n1, n2;
  int v1, v2;
  CHECKF(sscanf(slurp(p), "%llu %u %d\n%llu %u %d\n", &t1, &n1, &v1, &t2, &n2,
                &v2) == 6,
         "gpio.log: \"%s\"", slurp(p));
  CHECK(n1 == 17 && v1 == 1 && n2 == 17 && v2 == 0 && t2 >= t1);
  uint8_t reg = 0, t[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  EQ(vy_hal_i2c_transaction(b, 1, 0x48, ops, 2), VY_HAL_OK);
  EQ(vy_hal_i2c_transaction(b, 1, 0x4a, ops, 2), VY_HAL_ENOACK_ADDR);
  snprintf(p, sizeof p, "%s/st1/i2c.log", root);
  EQ(slurp(p), "1 0x48 w 00\n1 0x48 r 2\n1 0x4a nack\n");
  vy_board_close(b);
}

/* waits up to 2 s for cond, which a watcher thread makes true */
#define EVENTUALLY(cond)                                                       \
  do {                                                                         \
    for (int i_ = 0; i_ < 200 && !(cond); i_++) sleep_ms(10);                  \
  } while (0)

static void input_files_drive_the_board(void) {
  vy_board *b = open_with("state = \"st2\"\n");
  REQUIRE(b);
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(b, 27, VY_GPIO_EDGE_BOTH, &l) == VY_HAL_OK);
  char p[300];
  snprintf(p, sizeof p, "%s/st2/gpio-27", root);
  EQ(slurp(p), "0\n"); /* written at open */
  REQUIRE(put(p, "1\n") == 0);
  vy_hal_edge ev;
  EQ(vy_hal_gpio_wait_edge(l, 2000, -1, &ev), VY_HAL_OK);
  EQ(ev.kind, (uint32_t)VY_GPIO_EDGE_KIND_RISING);
  EQ(vy_hal_gpio_peek(b, 27), 1);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);

  snprintf(p, sizeof p, "%s/st2/adc-0-2", root);
  EQ(slurp(p), "5\n");
  REQUIRE(put(p, "4000") == 0);
  int32_t raw = 0, mv;
  EVENTUALLY(vy_hal_adc_read(b, 0, 2, &raw, &mv) == 0 && raw == 4000);
  EQ(raw, 4000);

  snprintf(p, sizeof p, "%s/st2/tmp102-1-0x48", root);
  EQ(slurp(p), "21500\n");
  REQUIRE(put(p, "30000\n") == 0);
  uint8_t reg = 0, t[2] = { 0 };
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  EVENTUALLY(vy_hal_i2c_transaction(b, 1, 0x48, ops, 2) == 0 && t[0] == 0x1e);
  EQ(t[0], 0x1e); /* 30 C = 480 = 0x1E0 */
  EQ(t[1], 0x00);
  vy_board_close(b);
}

static void files_there_at_open_are_read(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/st3", root);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/st3/gpio-27", root);
  REQUIRE(put(p, "1\n") == 0);
  vy_board *b = open_with("state = \"st3\"\n");
  REQUIRE(b);
  EQ(vy_hal_gpio_peek(b, 27), 1);
  vy_board_close(b);
}

static void env_overrides_the_folder(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/from-env", root);
  setenv("VYOMA_SIM_STATE", p, 1);
  vy_board *b = open_with("state = \"st4\"\n");
  unsetenv("VYOMA_SIM_STATE");
  REQUIRE(b);
  snprintf(p, sizeof p, "%s/from-env/gpio-17", root);
  EQ(slurp(p), "0\n");
  snprintf(p, sizeof p, "%s/st4", root);
  struct stat st;
  CHECK(stat(p, &st) != 0);
  vy_board_close(b);
}

static void no_folder_writes_nothing(void) {
  vy_board *b = open_with("");
  REQUIRE(b);
  vy_hal_line *l;
  REQUIRE(vy_hal_gpio_open(b, 17, VY_GPIO_OUTPUT, &l) == VY_HAL_OK);
  vy_hal_gpio_write(l, 1);
  vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  vy_board_close(b);
  /* only what the tests put there: board.toml and the st* folders */
  DIR *d = opendir(root);
  REQUIRE(d);
  struct dirent *e;
  while ((e = readdir(d)))
    CHECKF(e->d_name[0] == '.' || !strcmp(e->d_name, "board.toml") ||
               !strncmp(e->d_name, "st", 2) || !strcmp(e->d_name, "from-env"),
           "unexpected %s", e->d_name);
  closedir(d);
}

static void bad_folder_fails_open(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/board.toml/x", root); /* under a file */
  setenv("VYOMA_SIM_STATE", p, 1);
  quiet = true;
  vy_board *b = open_with("");
  quiet = false;
  unsetenv("VYOMA_SIM_STATE");
  CHECK(b == NULL);
  if (b) vy_board_close(b);
}

int main(int argc, char **argv) {
  check_init(argc, argv, "sim_state");
  const char *tmp = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/vyhal-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(root)) {
    printf("FAIL %s/sim_state: mkdtemp failed\n", argc > 1 ? argv[1] : "test");
    return 1;
  }
  unsetenv("VYOMA_SIM_STATE");
  RUN(outputs_and_logs_are_written);
  RUN(input_files_drive_the_board);
  RUN(files_there_at_open_are_read);
  RUN(env_overrides_the_folder);
  RUN(no_folder_writes_nothing);
  RUN(bad_folder_fails_open);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) printf("    could not remove %s\n", root);
  return check_end();
}
