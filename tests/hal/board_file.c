/*
** tests/hal/board_file.c — board files (hal/board_file.c): good ones load
** with every map read right; each kind of mistake gives its one line
** "FILE:LINE: KEY: message"; the repository's boards parse; and
** vy_board_open's spec prefixes pick the backend.
*/
#include "../../hal/hal_int.h"
#include "../check.h"

#include <stdlib.h>
#include <unistd.h>

static const char *good =
    "[board]\n"
    "name = \"test-board\"\n"
    "backend = \"linux\"\n"
    "description = \"a board for tests\"\n"
    "[gpio]\n"
    "lines = { \"17\" = \"/dev/gpiochip0:17\", \"0-3\" = \"vyoma:4\" }\n"
    "[i2c]\n"
    "buses = { \"1\" = \"/dev/i2c-1\", \"0\" = \"name:SMBus stub driver\" }\n"
    "[spi]\n"
    "devices = { \"0:1\" = \"/dev/spidev0.1\" }\n"
    "[uart]\n"
    "ports = { \"ttyS1\" = \"/dev/ttyS1\" }\n"
    "[adc]\n"
    "devices = { \"0\" = \"/sys/bus/iio/devices/iio:device0\", \"1\" = "
    "\"name:adc0\" }\n"
    "[setup]\n"
    "modules = [\"i2c-stub chip_addr=0x48\"]\n"
    "gpio_sim = [\"vyoma:16\"]\n"
    "iio_dummy = [\"adc0\"]\n"
    "[sim]\n"
    "state = \"st\"\n"
    "tmp102 = [\"1:0x48\"]\n"
    "temperature = \"-12.25\"\n"
    "leds = [17]\n"
    "buttons = [2]\n"
    "uart_loopback = [\"ttyS1\"]\n"
    "adc = [\"0:3\"]\n"
    "adc_raw = 77\n"
    "adc_scale = \"0.5\"\n"
    "spi_loopback = [\"0:1\"]\n";

static void good_file_loads(void) {
  hal_conf c;
  char err[256];
  int rc = hal_conf_parse("boards/t.toml", good, &c, err, sizeof err);
  REQUIREF(rc == 0, "%s", err);
  EQ(c.name, "test-board");
  EQ(c.backend, "linux");
  REQUIRE(c.ngpio == 5);
  EQ(c.gpio[0].line, 17u);
  EQ(c.gpio[0].chip, "/dev/gpiochip0");
  EQ(c.gpio[0].offset, 17u);
  EQ(c.gpio[1].line, 0u);
  EQ(c.gpio[4].line, 3u);
  EQ(c.gpio[4].chip, "vyoma");
  EQ(c.gpio[4].offset, 7u); /* the range's first line is offset 4 */
  const hal_dev *d = hal_devs_find(&c.i2c, 0, 0);
  REQUIRE(d);
  EQ(d->path, "name:SMBus stub driver");
  d = hal_devs_find(&c.spi, 0, 1);
  REQUIRE(d);
  EQ(d->path, "/dev/spidev0.1");
  d = hal_devs_find_name(&c.uart, "ttyS1");
  REQUIRE(d);
  EQ(d->path, "/dev/ttyS1");
  CHECK(hal_devs_find(&c.adc, 1, 0) != NULL);
  EQ(c.modules.n, (size_t)1);
  EQ(c.gpio_sim.items[0], "vyoma:16");
  EQ(c.temp_mc, -12250);
  EQ(c.adc_scale, 0.5);
  EQ(c.sim_adc_raw, 77);
  CHECK(hal_devs_find(&c.tmp102, 1, 0x48) != NULL);
  CHECK(hal_devs_find(&c.simadc, 0, 3) != NULL);
  EQ(c.dir, "boards");
  hal_conf_free(&c);
}

static void minimal_file_has_defaults(void) {
  hal_conf c;
  char err[256];
  int rc =
      hal_conf_parse("m.toml", "[board]\nname = \"m\"\nbackend = \"sim\"\n", &c,
                     err, sizeof err);
  REQUIREF(rc == 0, "%s", err);
  EQ(c.temp_mc, 21500);
  EQ(c.adc_scale, 1.0);
  EQ(c.ngpio, (size_t)0);
  EQ(c.dir, ".");
  hal_conf_free(&c);
}

/* each mistake and the line it must give */
static const struct {
  const char *name, *text, *want;
} mistakes[] = {
  { "unknown-table",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[leds]\nx = 1\n",
    "t.toml:4: leds: unknown table (board, gpio," },
  { "unknown-key", "[board]\nname = \"a\"\ncolour = \"red\"\n",
    "t.toml:3: board.colour: unknown key" },
  { "top-level-key", "name = \"a\"\n", "t.toml:1: name: unknown key (a board" },
  { "missing-name", "[board]\nbackend = \"sim\"\n",
    "t.toml:1: board.name: missing" },
  { "missing-backend", "[board]\nname = \"a\"\n",
    "t.toml:1: board.backend: missing (sim or linux)" },
  { "bad-backend", "[board]\nname = \"a\"\nbackend = \"arduino\"\n",
    "t.toml:3: board.backend: unknown backend \"arduino\"" },
  { "bad-name", "[board]\nname = \"A B\"\nbackend = \"sim\"\n",
    "t.toml:2: board.name: bad board name \"A B\"" },
  { "bad-line",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[gpio]\n"
    "lines = { \"x\" = \"vyoma:0\" }\n",
    "t.toml:5: gpio.lines.x: bad line (want N or N-M, 0..1023)" },
  { "line-too-big",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[gpio]\n"
    "lines = { \"1024\" = \"vyoma:0\" }\n",
    "t.toml:5: gpio.lines.1024: bad line" },
  { "reversed-range",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[gpio]\n"
    "lines = { \"5-3\" = \"vyoma:0\" }\n",
    "t.toml:5: gpio.lines.5-3: bad line" },
  { "bad-chip-line",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n"
    "\n[gpio.lines]\n\"1\" = \"vyoma\"\n",
    "t.toml:6: gpio.lines.1: bad chip line \"vyoma\" (want CHIP:OFFSET" },
  { "line-twice",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[gpio]\n"
    "lines = { \"0-3\" = \"a:0\", \"2\" = \"b:0\" }\n",
    "t.toml:5: gpio.lines.2: line 2 is mapped twice" },
  { "not-a-map",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[i2c]\n"
    "buses = [\"/dev/i2c-1\"]\n",
    "t.toml:5: i2c.buses: expected a table, got array" },
  { "bad-bus",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[i2c]\n"
    "buses = { \"one\" = \"/dev/i2c-1\" }\n",
    "t.toml:5: i2c.buses.one: bad number (want 0..1023)" },
  { "bad-spi",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[spi]\n"
    "devices = { \"0\" = \"/dev/spidev0.0\" }\n",
    "t.toml:5: spi.devices.0: bad BUS:CS" },
  { "bad-port",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[uart]\n"
    "ports = { \"tty/S1\" = \"/dev/ttyS1\" }\n",
    "t.toml:5: uart.ports.tty/S1: bad name" },
  { "empty-path",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[adc]\n"
    "devices = { \"0\" = \"\" }\n",
    "t.toml:5: adc.devices.0: empty or too long a path" },
  { "bad-module",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[setup]\n"
    "modules = [\" i2c-stub\"]\n",
    "t.toml:5: setup.modules[0]: bad module \" i2c-stub\"" },
  { "bad-gpio-sim",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[setup]\n"
    "gpio_sim = [\"vyoma\"]\n",
    "t.toml:5: setup.gpio_sim[0]: bad gpio-sim chip \"vyoma\"" },
  { "bad-tmp102",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "tmp102 = [\"1:0x80\"]\n",
    "t.toml:5: sim.tmp102[0]: bad device \"1:0x80\" (want BUS:ADDR" },
  { "float-temperature",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "temperature = 21.5\n",
    "t.toml:5: sim.temperature: expected a string, got float" },
  { "bad-temperature",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "temperature = \"warm\"\n",
    "t.toml:5: sim.temperature: bad number \"warm\"" },
  { "hot-temperature",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "temperature = \"200\"\n",
    "t.toml:5: sim.temperature: out of the TMP102's range" },
  { "led-out-of-range",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "leds = [1, 2000]\n",
    "t.toml:5: sim.leds[1]: 2000 is out of range 0..1023" },
  { "led-and-button",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "leds = [1]\nbuttons = [1]\n",
    "t.toml:6: sim.buttons: line 1 is also an LED" },
  { "tmp102-twice",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "tmp102 = [\"1:0x48\", \"1:72\"]\n",
    "t.toml:5: sim.tmp102: \"1:72\" is listed twice" },
  { "bad-adc",
    "[board]\nname = \"a\"\nbackend = \"sim\"\n[sim]\n"
    "adc = [\"3\"]\n",
    "t.toml:5: sim.adc[0]: bad channel \"3\"" },
  { "syntax", "[board\n", "t.toml:1:" },
};

static void each_mistake_has_its_line(void) {
  for (size_t i = 0; i < sizeof mistakes / sizeof mistakes[0]; i++) {
    hal_conf c;
    char err[256] = "";
    int rc = hal_conf_parse("t.toml", mistakes[i].text, &c, err, sizeof err);
    CHECKF(rc == -1, "%s: loaded", mistakes[i].name);
    CHECKF(strncmp(err, mistakes[i].want, strlen(mistakes[i].want)) == 0,
           "%s: expected \"%s...\", got \"%s\"", mistakes[i].name,
           mistakes[i].want, err);
    CHECKF(!strchr(err, '\n'), "%s: more than one line", mistakes[i].name);
    if (rc == 0) hal_conf_free(&c);
  }
}

static void repository_boards_parse(void) {
  const char *files[] = { "boards/sim.toml", "boards/qemu-x86.toml" };
  for (size_t i = 0; i < 2; i++) {
    hal_conf c;
    char err[256];
    int rc = hal_conf_load(files[i], &c, err, sizeof err);
    CHECKF(rc == 0, "%s", err);
    if (rc == 0) hal_conf_free(&c);
  }
  hal_conf c;
  char err[256];
  REQUIRE(hal_conf_load("boards/qemu-x86.toml", &c, err, sizeof err) == 0);
  EQ(c.ngpio, (size_t)16);
  EQ(c.backend, "linux");
  EQ(c.spi.n, (size_t)0);
  hal_conf_free(&c);
}

static void open_picks_the_backend(void) {
  char err[256];
  /* the qemu board is linux by its file; sim: makes it the sim */
  vy_board *b = vy_board_open("sim:boards/qemu-x86.toml", err, sizeof err);
  REQUIREF(b, "%s", err);
  EQ(vy_board_backend(b), "sim");
  EQ(vy_board_name(b), "qemu-x86");
  vy_board_close(b);
  b = vy_board_open("boards/sim.toml", err, sizeof err);
  REQUIREF(b, "%s", err);
  EQ(vy_board_backend(b), "sim");
  vy_board_close(b);
}

static void open_reports_missing_file(void) {
  char err[256];
  vy_board *b = vy_board_open("sim:no/such/board.toml", err, sizeof err);
  CHECK(b == NULL);
  CHECKF(strstr(err, "no/such/board.toml: No such file") == err, "got \"%s\"",
         err);
  b = vy_board_open(NULL, err, sizeof err);
  CHECK(b == NULL);
}

static void error_names(void) {
  EQ(vy_hal_err_name(0), "ok");
  EQ(vy_hal_err_name(VY_HAL_ENOACK_ADDR), "nack-addr");
  EQ(vy_hal_err_name(VY_HAL_ENOMEM), "no-memory");
  EQ(vy_hal_err_name(-15), "unknown");
}

int main(int argc, char **argv) {
  check_init(argc, argv, "board_file");
  RUN(good_file_loads);
  RUN(minimal_file_has_defaults);
  RUN(each_mistake_has_its_line);
  RUN(repository_boards_parse);
  RUN(open_picks_the_backend);
  RUN(open_reports_missing_file);
  RUN(error_names);
  return check_end();
}
