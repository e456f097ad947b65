/*
** sim.h — what the simulated board's two files share: sim.c (the devices)
** and sim_state.c (the state folder that mirrors them to files, and
** vy_board_describe's lines for the sim).
*/
#ifndef VY_HAL_SIM_H
#define VY_HAL_SIM_H

#include "hal_int.h"

typedef struct sim_tmp102 {
  uint32_t bus, addr;
  uint8_t ptr;     /* the pointer register */
  uint16_t reg[4]; /* temperature, config, TLOW, THIGH */
} sim_tmp102;

typedef struct sim_adc {
  uint32_t dev, ch;
  int32_t raw;
} sim_adc;

typedef struct sim_state sim_state;

typedef struct sim_board {
  sim_tmp102 *tmp;
  size_t ntmp;
  sim_adc *adc;
  size_t nadc;
  sim_state *st; /* NULL without a state folder */
} sim_board;

/* The state folder, if the board file or VYOMA_SIM_STATE names one:
** creates it, writes the first files, starts the watching thread.  0, or
** -1 with "STATE: reason" in err. */
int sim_state_start(vy_board *b, char *err, size_t errlen);
void sim_state_stop(vy_board *b); /* joins the thread; b->mu not held */
/* The board drove line l (b->mu held): DIR/gpio-N and DIR/gpio.log. */
void sim_state_level(vy_board *b, const vy_hal_line *l);
/* An I2C operation (op NULL: the address was not acknowledged), b->mu
** held: a line of DIR/i2c.log. */
void sim_state_i2c(vy_board *b, uint32_t bus, uint32_t addr,
                   const vy_hal_i2c_op *op);
size_t sim_describe(const vy_board *b, char *buf, size_t len);

#endif
