/*
** cap_sim.c — the enforcer's unit cases (cap_cases.h) over the HAL's
** simulated board (boards/sim.toml: LEDs 17-20, button 27, a TMP102 at
** 1:0x48 reading 21.5 C, loopbacks on ttyS1 and spi 0:0, adc 0:0 at raw
** 1234 x 0.25 mV), with its state folder in a scratch directory: its
** i2c.log has a line per operation that reached the bus.
*/
#include <stdio.h>
#include <stdlib.h>

#define BOARD_SPEC "sim:boards/sim.toml"
#define ADC_DEV    0
#define ADC_CH     0
#define ADC_RAW    1234
#define ADC_MV     309
#define TEMP_B0    0x15 /* 21.5 C: 344 sixteenths, 0x158 << 4 */
#define TEMP_B1    0x80

static char state_dir[64];

static size_t i2c_moved(void) {
  char path[128], line[256];
  snprintf(path, sizeof path, "%s/i2c.log", state_dir);
  FILE *f = fopen(path, "r");
  size_t n = 0;
  while (f && fgets(line, sizeof line, f)) n++;
  if (f) fclose(f);
  return n;
}

static void board_setup(void) {
  snprintf(state_dir, sizeof state_dir, "/tmp/vyoma-capsim.XXXXXX");
  if (!mkdtemp(state_dir)) return;
  setenv("VYOMA_SIM_STATE", state_dir, 1);
}

#include "cap_cases.h"

int main(int argc, char **argv) {
  int rc = cap_main(argc, argv, "cap-sim");
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
  if (system(cmd) != 0) rc = 1;
  return rc;
}
