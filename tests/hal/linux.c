/*
** tests/hal/linux.c — the linux backend on a host without GPIO chips,
** I2C adapters or spidev: the request builders (hal/linux_req.c) field
** by field; the UART backend on a pseudo-terminal; the IIO backend on a
** fake sysfs folder; bring-up's configfs steps on a fake configfs; and
** boards whose devices are missing, which open and answer ENODEV.  The
** real GPIO, I2C and SPI ioctls run in the VM boot test.
*/
#define _XOPEN_SOURCE 700 /* posix_openpt and friends */
#define _DEFAULT_SOURCE
#include "../../hal/hal_int.h"
#include "../check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char root[256]; /* scratch: board files, fake /sys and /dev */

static int put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static const char *slurp(const char *path) {
  static char buf[512];
  FILE *f = fopen(path, "r");
  buf[0] = 0;
  if (!f) return buf;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

/* mkdir -p of root/rel */
static void mkdirs(const char *rel) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  for (char *s = p + strlen(root) + 1; *s; s++)
    if (*s == '/') {
      *s = 0;
      mkdir(p, 0755);
      *s = '/';
    }
  mkdir(p, 0755);
}

static void put_rel(const char *rel, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  CHECKF(put(p, text) == 0, "cannot write %s", p);
}

/* a linux board from the text after [board] */
static vy_board *board_with(const char *body) {
  char path[300], text[2048], spec[320], err[256];
  snprintf(path, sizeof path, "%s/board.toml", root);
  snprintf(text, sizeof text, "[board]\nname = \"lx\"\nbackend = \"linux\"\n%s",
           body);
  if (put(path, text) != 0) return NULL;
  snprintf(spec, sizeof spec, "linux:%s", path);
  vy_board *b = vy_board_open(spec, err, sizeof err);
  if (!b) printf("    open: %s\n", err);
  return b;
}

/* ---- request builders ---------------------------------------------------- */

static void gpio_flags_map_to_v2(void) {
  EQ(hal_gpio_v2_flags(0), (uint64_t)GPIO_V2_LINE_FLAG_INPUT);
  EQ(hal_gpio_v2_flags(VY_GPIO_OUTPUT), (uint64_t)GPIO_V2_LINE_FLAG_OUTPUT);
  EQ(hal_gpio_v2_flags(VY_GPIO_ACTIVE_LOW),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_ACTIVE_LOW));
  EQ(hal_gpio_v2_flags(VY_GPIO_BIAS_DISABLED),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_BIAS_DISABLED));
  EQ(hal_gpio_v2_flags(VY_GPIO_PULL_UP),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_BIAS_PULL_UP));
  EQ(hal_gpio_v2_flags(VY_GPIO_PULL_DOWN),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN));
  EQ(hal_gpio_v2_flags(VY_GPIO_OUTPUT | VY_GPIO_OPEN_DRAIN),
     (uint64_t)(GPIO_V2_LINE_FLAG_OUTPUT | GPIO_V2_LINE_FLAG_OPEN_DRAIN));
  EQ(hal_gpio_v2_flags(VY_GPIO_OUTPUT | VY_GPIO_OPEN_SOURCE),
     (uint64_t)(GPIO_V2_LINE_FLAG_OUTPUT | GPIO_V2_LINE_FLAG_OPEN_SOURCE));
  EQ(hal_gpio_v2_flags(VY_GPIO_EDGE_RISING),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING));
  EQ(hal_gpio_v2_flags(VY_GPIO_EDGE_FALLING),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_FALLING));
  EQ(hal_gpio_v2_flags(VY_GPIO_EDGE_BOTH | VY_GPIO_PULL_UP |
                       VY_GPIO_ACTIVE_LOW),
     (uint64_t)(GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
                GPIO_V2_LINE_FLAG_EDGE_FALLING |
                GPIO_V2_LINE_FLAG_BIAS_PULL_UP | GPIO_V2_LINE_FLAG_ACTIVE_LOW));
}

static void gpio_request_fields(void) {
  struct gpio_v2_line_request r;
  hal_gpio_v2_request(&r, 7, VY_GPIO_OUTPUT | VY_GPIO_INITIAL_HIGH, "vyoma");
  EQ(r.offsets[0], 7u);
  EQ(r.num_lines, 1u);
  EQ((const char *)r.consumer, "vyoma");
  EQ(r.config.flags, (uint64_t)GPIO_V2_LINE_FLAG_OUTPUT);
  EQ(r.config.num_attrs, 1u);
  EQ(r.config.attrs[0].attr.id, (uint32_t)GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES);
  EQ(r.config.attrs[0].attr.values, (uint64_t)1);
  EQ(r.config.attrs[0].mask, (uint64_t)1);
  EQ(r.event_buffer_size, 0u);
  hal_gpio_v2_request(&r, 3, VY_GPIO_OUTPUT, "vyoma");
  EQ(r.config.num_attrs, 0u); /* starts low: no attribute needed */
  hal_gpio_v2_request(&r, 0, VY_GPIO_EDGE_BOTH,
                      "a-much-longer-consumer-name-"
                      "than-fits-in-32");
  EQ(r.event_buffer_size, 16u);
  EQ(r.consumer[sizeof r.consumer - 1], 0); /* cut, terminated */
  EQ(r.fd, 0);
}

static void i2c_messages(void) {
  uint8_t reg = 0, buf[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, buf, 2 } };
  struct i2c_msg m[2];
  hal_i2c_msgs(m, ops, 2, 0x48);
  EQ(m[0].addr, 0x48);
  EQ(m[0].flags, 0);
  EQ(m[0].len, 1);
  CHECK(m[0].buf == &reg);
  EQ(m[1].addr, 0x48);
  EQ(m[1].flags, I2C_M_RD);
  EQ(m[1].len, 2);
  CHECK(m[1].buf == buf);
}

static int choice(size_t wlen, long rlen, unsigned long funcs) {
  static uint8_t b[64];
  vy_hal_i2c_op ops[2] = { { false, b, wlen }, { true, b, (size_t)rlen } };
  if (rlen < 0) return hal_smbus_choice(ops, 1, funcs);
  return hal_smbus_choice(ops, 2, funcs);
}

static void smbus_fallback_choice(void) {
  /* i2c-stub's default functionality */
  unsigned long stub = I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE |
                       I2C_FUNC_SMBUS_BYTE_DATA | I2C_FUNC_SMBUS_WORD_DATA |
                       I2C_FUNC_SMBUS_I2C_BLOCK;
  EQ(choice(1, 2, stub), HAL_SMBUS_WORD_DATA_R); /* the TMP102 read */
  EQ(choice(1, 1, stub), HAL_SMBUS_BYTE_DATA_R);
  EQ(choice(1, 5, stub), HAL_SMBUS_BLOCK_R);
  EQ(choice(1, 32, stub), HAL_SMBUS_BLOCK_R);
  EQ(choice(1, 33, stub), HAL_SMBUS_NONE);
  EQ(choice(2, 2, stub), HAL_SMBUS_NONE); /* a 2-byte command */
  EQ(choice(0, -1, stub), HAL_SMBUS_QUICK);
  EQ(choice(1, -1, stub), HAL_SMBUS_BYTE_W);
  EQ(choice(2, -1, stub), HAL_SMBUS_BYTE_DATA_W);
  EQ(choice(3, -1, stub), HAL_SMBUS_WORD_DATA_W);
  EQ(choice(33, -1, stub), HAL_SMBUS_BLOCK_W);
  EQ(choice(34, -1, stub), HAL_SMBUS_NONE);
  EQ(choice(1, 2, I2C_FUNC_SMBUS_BYTE_DATA), HAL_SMBUS_NONE);
  EQ(choice(1, 5, stub & ~(unsigned long)I2C_FUNC_SMBUS_READ_I2C_BLOCK),
     HAL_SMBUS_NONE);
  uint8_t b[4];
  vy_hal_i2c_op rd = { true, b, 1 }, rd2 = { true, b, 2 };
  EQ(hal_smbus_choice(&rd, 1, stub), HAL_SMBUS_BYTE_R);
  EQ(hal_smbus_choice(&rd2, 1, stub), HAL_SMBUS_NONE);
  vy_hal_i2c_op three[3] = { { false, b, 1 }, { true, b, 1 }, { true, b, 1 } };
  EQ(hal_smbus_choice(three, 3, stub), HAL_SMBUS_NONE);
}

static void i2c_errno_mapping(void) {
  EQ(hal_i2c_errno(ENXIO), VY_HAL_ENOACK_ADDR);
  EQ(hal_i2c_errno(EREMOTEIO), VY_HAL_ENOACK_ADDR);
  EQ(hal_i2c_errno(ENODEV), VY_HAL_ENOACK_ADDR); /* i2c-stub: no chip */
  EQ(hal_i2c_errno(ETIMEDOUT), VY_HAL_ETIMEDOUT);
  EQ(hal_i2c_errno(EOPNOTSUPP), VY_HAL_ENOTSUP);
  EQ(hal_i2c_errno(EIO), VY_HAL_EBUS);
  EQ(hal_i2c_errno(EAGAIN), VY_HAL_EBUS);
}

static void spi_transfer_fields(void) {
  EQ(hal_spi_mode_bits(0), SPI_MODE_0);
  EQ(hal_spi_mode_bits(1), SPI_MODE_1);
  EQ(hal_spi_mode_bits(2), SPI_MODE_2);
  EQ(hal_spi_mode_bits(3), SPI_MODE_3);
  EQ(hal_spi_mode_bits(4), -1);
  uint8_t tx[3] = { 1, 2, 3 }, rx[3];
  struct spi_ioc_transfer x;
  hal_spi_xfer(&x, tx, rx, 3, 500000);
  EQ(x.tx_buf, (uint64_t)(uintptr_t)tx);
  EQ(x.rx_buf, (uint64_t)(uintptr_t)rx);
  EQ(x.len, 3u);
  EQ(x.speed_hz, 500000u);
  EQ(x.bits_per_word, 8);
  EQ(x.delay_usecs, 0);
  EQ(x.cs_change, 0);
  hal_spi_xfer(&x, NULL, NULL, 3, 0);
  EQ(x.tx_buf, (uint64_t)0); /* spidev sends zeros */
  EQ(x.rx_buf, (uint64_t)0);
}

static void uart_termios_fields(void) {
  struct termios t;
  memset(&t, 0xff, sizeof t); /* everything on: raw mode must clear it */
  EQ(hal_uart_termios(&t, 9600, VY_UART_PARITY_EVEN, 2, 7), 0);
  EQ((unsigned)(t.c_cflag & CSIZE), (unsigned)CS7);
  CHECK(t.c_cflag & PARENB);
  CHECK(!(t.c_cflag & PARODD));
  CHECK(t.c_cflag & CSTOPB);
  CHECK(t.c_cflag & CLOCAL);
  CHECK(t.c_cflag & CREAD);
  CHECK(!(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)));
  CHECK(!(t.c_iflag & (IXON | ICRNL | INLCR | ISTRIP)));
  CHECK(!(t.c_oflag & OPOST));
  EQ(t.c_cc[VMIN], 0);
  EQ(t.c_cc[VTIME], 0);
  EQ(cfgetospeed(&t), (speed_t)B9600);
  EQ(cfgetispeed(&t), (speed_t)B9600);
  EQ(hal_uart_termios(&t, 115200, VY_UART_PARITY_ODD, 1, 5), 0);
  EQ((unsigned)(t.c_cflag & CSIZE), (unsigned)CS5);
  CHECK((t.c_cflag & (PARENB | PARODD)) == (PARENB | PARODD));
  CHECK(!(t.c_cflag & CSTOPB));
  EQ(cfgetospeed(&t), (speed_t)B115200);
  EQ(hal_uart_termios(&t, 115200, VY_UART_PARITY_NONE, 1, 8), 0);
  EQ((unsigned)(t.c_cflag & CSIZE), (unsigned)CS8);
  CHECK(!(t.c_cflag & (PARENB | PARODD)));
  EQ(hal_uart_termios(&t, 12345, VY_UART_PARITY_NONE, 1, 8), -1);
  EQ(hal_uart_termios(&t, 9600, VY_UART_PARITY_NONE, 1, 9), -1);
}

static void uart_speeds(void) {
  EQ(hal_uart_speed(9600), (unsigned)B9600);
  EQ(hal_uart_speed(115200), (unsigned)B115200);
  EQ(hal_uart_speed(4000000), (unsigned)B4000000);
  EQ(hal_uart_speed(50), (unsigned)B50);
  EQ(hal_uart_speed(12345), 0u);
  EQ(hal_uart_speed(0), 0u);
}

/* ---- UART on a pseudo-terminal ------------------------------------------- */

static int master = -1;
static char slave_path[128];

static int open_pty(void) {
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
  const char *p = ptsname(master);
  if (!p) return -1;
  snprintf(slave_path, sizeof slave_path, "%s", p);
  return 0;
}

/* up to n bytes from the master within ms */
static ssize_t master_read(char *buf, size_t n, int ms) {
  struct pollfd p = { master, POLLIN, 0 };
  if (poll(&p, 1, ms) != 1) return -1;
  return read(master, buf, n);
}

typedef struct reader {
  vy_hal_uart *u;
  int cancel_fd, rc;
} reader;

static void *read_forever(void *arg) {
  reader *r = arg;
  uint8_t b[8];
  r->rc = vy_hal_uart_read(r->u, b, sizeof b, -1, r->cancel_fd);
  return NULL;
}

static void uart_on_a_pty(void) {
  if (open_pty() != 0) SKIP("no pseudo-terminals here");
  char body[256];
  snprintf(body, sizeof body, "[uart]\nports = { \"pty\" = \"%s\" }\n",
           slave_path);
  vy_board *b = board_with(body);
  REQUIRE(b);
  vy_hal_uart *u, *u2;
  REQUIRE(vy_hal_uart_open(b, "pty", &u) == VY_HAL_OK);
  EQ(vy_hal_uart_open(b, "pty", &u2), VY_HAL_EBUSY);
  EQ(vy_hal_uart_config(u, 9600, VY_UART_PARITY_EVEN, 2, 7), VY_HAL_OK);
  struct termios t;
  int s = open(slave_path, O_RDWR | O_NOCTTY);
  REQUIRE(s >= 0 && tcgetattr(s, &t) == 0);
  close(s);
  EQ(cfgetospeed(&t), (speed_t)B9600);
  EQ(cfgetispeed(&t), (speed_t)B9600);
  /* a pty keeps the speed and stop bits, but forces CS8 and no parity
  ** (the kernel's pty_set_termios): those are checked on
  ** hal_uart_termios below */
  CHECK(t.c_cflag & CSTOPB);
  CHECK(!(t.c_lflag & (ICANON | ECHO)));
  CHECK(!(t.c_oflag & OPOST));
  EQ(vy_hal_uart_config(u, 115200, VY_UART_PARITY_NONE, 1, 8), VY_HAL_OK);

  EQ(vy_hal_uart_write(u, (const uint8_t *)"ping\n", 5), 5);
  char got[16] = "";
  ssize_t n = master_read(got, sizeof got - 1, 1000);
  EQ(n, 5); /* raw: no "\r\n" for "\n" */
  CHECK(memcmp(got, "ping\n", 5) == 0);
  CHECK(write(master, "pong", 4) == 4);
  uint8_t in[16];
  int k = vy_hal_uart_read(u, in, sizeof in, 1000, -1);
  EQ(k, 4);
  CHECK(k == 4 && memcmp(in, "pong", 4) == 0);
  EQ(vy_hal_uart_read(u, in, sizeof in, 50, -1), VY_HAL_ETIMEDOUT);

  reader r = { u, eventfd(0, EFD_CLOEXEC), 0 };
  pthread_t th;
  REQUIRE(pthread_create(&th, NULL, read_forever, &r) == 0);
  struct timespec ms30 = { 0, 30000000 };
  nanosleep(&ms30, NULL);
  uint64_t one = 1;
  CHECK(write(r.cancel_fd, &one, sizeof one) == sizeof one);
  pthread_join(th, NULL);
  EQ(r.rc, VY_HAL_ECANCELED);
  close(r.cancel_fd);

  r.cancel_fd = -1; /* a close wakes a reader too */
  REQUIRE(pthread_create(&th, NULL, read_forever, &r) == 0);
  nanosleep(&ms30, NULL);
  vy_hal_uart_close(u);
  pthread_join(th, NULL);
  EQ(r.rc, VY_HAL_EBADHANDLE);
  vy_board_close(b);
  close(master);
}

/* ---- IIO on a fake sysfs ------------------------------------------------- */

static void adc_from_fake_sysfs(void) {
  char sys[300], body[600];
  snprintf(sys, sizeof sys, "%s/sys", root);
  mkdirs("sys/bus/iio/devices/iio:device0");
  mkdirs("sys/bus/iio/devices/iio:device1");
  put_rel("sys/bus/iio/devices/iio:device0/name", "adc0\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage0_raw", "100\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage0_offset", "7\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage0_scale", "0.5\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage1_raw", "10\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage_scale", "0.25\n");
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage2_raw", "junk\n");
  put_rel("sys/bus/iio/devices/iio:device1/name", "other\n");
  put_rel("sys/bus/iio/devices/iio:device1/in_voltage3_raw", "-40\n");
  snprintf(body, sizeof body,
           "[adc]\ndevices = { \"0\" = \"name:adc0\", \"1\" = "
           "\"%s/bus/iio/devices/iio:device1\", \"2\" = \"name:gone\" }\n",
           sys);
  hal_sys_root = sys;
  vy_board *b = board_with(body);
  REQUIRE(b);
  int32_t raw = 0, mv = 0;
  EQ(vy_hal_adc_read(b, 0, 0, &raw, &mv), VY_HAL_OK);
  EQ(raw, 100);
  EQ(mv, 54); /* (100 + 7) * 0.5 = 53.5, rounded */
  EQ(vy_hal_adc_read(b, 0, 1, &raw, &mv), VY_HAL_OK);
  EQ(raw, 10);
  EQ(mv, 3); /* 10 * 0.25 (the shared scale) = 2.5 */
  EQ(vy_hal_adc_read(b, 1, 3, &raw, &mv), VY_HAL_OK);
  EQ(mv, -40); /* no scale file: raw as it is */
  EQ(vy_hal_adc_read(b, 0, 2, &raw, &mv), VY_HAL_EBUS);
  EQ(vy_hal_adc_read(b, 0, 9, &raw, &mv), VY_HAL_ENODEV);
  EQ(vy_hal_adc_read(b, 2, 0, &raw, &mv), VY_HAL_ENODEV);
  EQ(vy_hal_adc_read(b, 5, 0, &raw, &mv), VY_HAL_ENODEV);
  /* a changed value is read at once */
  put_rel("sys/bus/iio/devices/iio:device0/in_voltage0_raw", "201\n");
  EQ(vy_hal_adc_read(b, 0, 0, &raw, &mv), VY_HAL_OK);
  EQ(mv, 104);
  EQ(vy_hal_adc_poke(b, 0, 0, 1), VY_HAL_ENOTSUP);
  EQ(vy_hal_sim_set_temp(b, 0, 0x48, 0), VY_HAL_ENOTSUP);
  vy_board_close(b);
  hal_sys_root = "/sys";
}

/* ---- missing devices ----------------------------------------------------- */

static void missing_devices_are_enodev(void) {
  char sys[300], dev[300];
  snprintf(sys, sizeof sys, "%s/sys2", root);
  snprintf(dev, sizeof dev, "%s/dev2", root);
  mkdirs("sys2/class/i2c-dev/i2c-7");
  mkdirs("dev2");
  put_rel("sys2/class/i2c-dev/i2c-7/name", "SMBus stub driver\n");
  hal_sys_root = sys;
  hal_dev_root = dev;
  vy_board *b = board_with(
      "[gpio]\nlines = { \"0\" = \"/dev/gpiochip99:0\", \"1-2\" = "
      "\"vyoma:0\" }\n"
      "[i2c]\nbuses = { \"0\" = \"name:SMBus stub driver\", \"1\" = "
      "\"/dev/i2c-99\", \"2\" = \"name:nothing\" }\n"
      "[spi]\ndevices = { \"0:0\" = \"/dev/spidev9.9\" }\n"
      "[uart]\nports = { \"ttyS9\" = \"/dev/ttyNONE9\" }\n");
  REQUIRE(b);
  vy_hal_line *l;
  EQ(vy_hal_gpio_open(b, 0, 0, &l), VY_HAL_ENODEV);
  EQ(vy_hal_gpio_open(b, 2, VY_GPIO_OUTPUT, &l), VY_HAL_ENODEV);
  EQ(vy_hal_gpio_open(b, 3, 0, &l), VY_HAL_ENODEV); /* not mapped */
  EQ(vy_hal_gpio_peek(b, 1), VY_HAL_ENODEV);
  EQ(vy_hal_gpio_poke(b, 1, 1), VY_HAL_ENODEV);
  uint8_t reg = 0, t[2];
  vy_hal_i2c_op ops[2] = { { false, &reg, 1 }, { true, t, 2 } };
  EQ(vy_hal_i2c_transaction(b, 0, 0x48, ops, 2), VY_HAL_ENODEV);
  EQ(vy_hal_i2c_transaction(b, 1, 0x48, ops, 2), VY_HAL_ENODEV);
  EQ(vy_hal_i2c_transaction(b, 2, 0x48, ops, 2), VY_HAL_ENODEV);
  EQ(vy_hal_i2c_transaction(b, 3, 0x48, ops, 2), VY_HAL_ENODEV);
  /* the adapter found by name is /dev/i2c-7: a plain file there is no
  ** adapter (its ioctls fail), which shows the lookup went there */
  put_rel("dev2/i2c-7", "");
  EQ(vy_hal_i2c_transaction(b, 0, 0x48, ops, 2), VY_HAL_EBUS);
  EQ(vy_hal_spi_transfer(b, 0, 0, 0, 0, t, t, 2), VY_HAL_ENODEV);
  EQ(vy_hal_spi_transfer(b, 0, 1, 0, 0, t, t, 2), VY_HAL_ENODEV);
  vy_hal_uart *u;
  EQ(vy_hal_uart_open(b, "ttyS9", &u), VY_HAL_ENODEV);
  int32_t raw, mv;
  EQ(vy_hal_adc_read(b, 0, 0, &raw, &mv), VY_HAL_ENODEV);
  char d[512];
  vy_board_describe(b, d, sizeof d);
  CHECKF(strstr(d, "gpio 2 chip vyoma line 1\n") != NULL, "%s", d);
  CHECKF(strstr(d, "i2c 0 name:SMBus stub driver\n") != NULL, "%s", d);
  CHECKF(strstr(d, "uart ttyS9 /dev/ttyNONE9\n") != NULL, "%s", d);
  vy_board_close(b);
  hal_sys_root = "/sys";
  hal_dev_root = "/dev";
}

static void qemu_board_opens_on_a_host(void) {
  char err[256];
  vy_board *b = vy_board_open("boards/qemu-x86.toml", err, sizeof err);
  REQUIREF(b, "%s", err);
  EQ(vy_board_backend(b), "linux");
  vy_hal_line *l;
  /* this host has no gpio-sim chip "vyoma" (skip if it has) */
  int rc = vy_hal_gpio_open(b, 0, 0, &l);
  if (rc == VY_HAL_OK) vy_hal_gpio_close(l, VY_GPIO_SAFE_INPUT);
  CHECK(rc == VY_HAL_ENODEV || rc == VY_HAL_OK);
  EQ(vy_hal_spi_transfer(b, 0, 0, 0, 0, NULL, NULL, 1), VY_HAL_ENODEV);
  vy_board_close(b);
}

/* ---- bring-up on a fake configfs ------------------------------------------
 */

static void bringup_steps(void) {
  char sys[300], mods[300];
  snprintf(sys, sizeof sys, "%s/sys3", root);
  snprintf(mods, sizeof mods, "%s/modules", root);
  /* what configfs would show once the folders are made */
  mkdirs("sys3/kernel/config/gpio-sim/vyoma/bank0");
  /* (empty: configfs attributes are rewritten, not truncated) */
  put_rel("sys3/kernel/config/gpio-sim/vyoma/bank0/num_lines", "");
  put_rel("sys3/kernel/config/gpio-sim/vyoma/bank0/label", "");
  put_rel("sys3/kernel/config/gpio-sim/vyoma/live", "");
  mkdirs("sys3/kernel/config/iio/devices/dummy");
  mkdirs("modules");
  hal_sys_root = sys;
  hal_modules_dir = mods;
  vy_board *b = board_with(
      "[setup]\nmodules = [\"i2c-stub chip_addr=0x48\", \"nope\"]\n"
      "gpio_sim = [\"vyoma:16\", \"other:4\"]\niio_dummy = [\"adc0\"]\n");
  REQUIRE(b);
  char err[1024];
  EQ(vy_board_bringup(b, err, sizeof err), VY_HAL_EBUS);
  char want[2048];
  snprintf(want, sizeof want,
           "setup: module i2c-stub: %s/i2c-stub.ko: No such file or directory\n"
           "setup: module nope: %s/nope.ko: No such file or directory\n"
           "setup: gpio-sim other: %s/kernel/config/gpio-sim/other/bank0/"
           "num_lines: No such file or directory",
           mods, mods, sys);
  EQ((const char *)err, (const char *)want);
  char p[512];
  snprintf(p, sizeof p, "%s/kernel/config/gpio-sim/vyoma/bank0/num_lines", sys);
  EQ(slurp(p), "16");
  snprintf(p, sizeof p, "%s/kernel/config/gpio-sim/vyoma/bank0/label", sys);
  EQ(slurp(p), "vyoma");
  snprintf(p, sizeof p, "%s/kernel/config/gpio-sim/vyoma/live", sys);
  EQ(slurp(p), "1");
  snprintf(p, sizeof p, "%s/kernel/config/iio/devices/dummy/adc0", sys);
  struct stat st;
  CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
  /* a second bring-up (vyomad restarted) leaves a live chip alone */
  snprintf(p, sizeof p, "%s/kernel/config/gpio-sim/vyoma/bank0/num_lines", sys);
  put(p, "99");
  vy_board_bringup(b, err, sizeof err);
  EQ(slurp(p), "99");
  vy_board_close(b);
  hal_sys_root = "/sys";
  hal_modules_dir = "/lib/modules";
}

int main(int argc, char **argv) {
  check_init(argc, argv, "linux");
  const char *tmp = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/vyhal-lx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(root)) {
    printf("FAIL %s/linux: mkdtemp failed\n", argc > 1 ? argv[1] : "test");
    return 1;
  }
  RUN(gpio_flags_map_to_v2);
  RUN(gpio_request_fields);
  RUN(i2c_messages);
  RUN(smbus_fallback_choice);
  RUN(i2c_errno_mapping);
  RUN(spi_transfer_fields);
  RUN(uart_speeds);
  RUN(uart_termios_fields);
  RUN(uart_on_a_pty);
  RUN(adc_from_fake_sysfs);
  RUN(missing_devices_are_enodev);
  RUN(qemu_board_opens_on_a_host);
  RUN(bringup_steps);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) printf("    could not remove %s\n", root);
  return check_end();
}
