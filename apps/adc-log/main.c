/*
** adc-log — reads one granted ADC channel every interval and logs the
** converter's raw value and the millivolts the board's scale makes of it:
**   adc-log: 0:0 raw=73 mV=0
**
**   adc-log [--dev N] [--ch N] [-i INTERVAL_MS] [-n COUNT]
**
** Defaults: device 0, channel 0, 2000 ms, for ever (-n 0).  HAL errors are
** logged with vy_hal_strerror (once each, until a reading works again) and
** retried every 5 s.  Exits 0 after COUNT readings, at end of input or on
** "@sys: shutdown".
*/
#include <stdio.h>
#include <string.h>

#include "vyoma.h"
#include "vyoma_hal.h"

#define RETRY_MS 5000

static vy_lines in;

static int usage(void) {
  fputs("usage: adc-log [--dev N] [--ch N] [-i INTERVAL_MS] [-n COUNT]\n",
        stderr);
  return 2;
}

int main(int argc, char **argv) {
  long dev = 0, ch = 0, interval = 2000, count = 0;
  for (int i = 1; i < argc; i++) {
    long *v = !strcmp(argv[i], "--dev")  ? &dev
              : !strcmp(argv[i], "--ch") ? &ch
              : !strcmp(argv[i], "-i")   ? &interval
              : !strcmp(argv[i], "-n")   ? &count
                                         : NULL;
    if (!v || i + 1 >= argc || vy_parse_count(argv[++i], v)) return usage();
  }
  int last_err = 0;
  for (long n = 0; count == 0 || n < count;) {
    vy_adc_value val;
    int r = vy_adc_read((int32_t)dev, (int32_t)ch, &val);
    if (r == VY_HAL_ECANCELED) break;
    if (r < 0) {
      if (r != last_err)
        printf("adc-log: %ld:%ld: %s; retrying every %d s\n", dev, ch,
               vy_hal_strerror(r), RETRY_MS / 1000);
      last_err = r;
    } else {
      last_err = 0;
      n++;
      printf("adc-log: %ld:%ld raw=%ld mV=%ld\n", dev, ch, (long)val.raw,
             (long)val.millivolts);
    }
    fflush(stdout);
    if (vy_pause_ms(&in, r < 0 ? RETRY_MS : interval, NULL, NULL)) break;
  }
  return 0;
}
