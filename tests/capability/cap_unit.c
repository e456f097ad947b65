/*
** cap_unit.c — the enforcer's unit cases (cap_cases.h) over the fake
** board of fake_hal.c, which counts every I2C byte that reaches it.
*/
#include "fake_hal.h"

#define BOARD_SPEC "fake"
#define ADC_DEV    0
#define ADC_CH     3
#define ADC_RAW    2048
#define ADC_MV     1650
#define TEMP_B0    0x19 /* 25.0 C */
#define TEMP_B1    0x00

static size_t i2c_moved(void) { return fake.i2c_bytes; }
static void board_setup(void) {}

#include "cap_cases.h"

int main(int argc, char **argv) { return cap_main(argc, argv, "cap-unit"); }
