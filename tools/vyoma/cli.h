/*
** cli.h — what the files of the `vyoma` developer CLI share: reading a
** module file, reporting load errors in the one-line form, and printing
** value types.  main.c owns argument parsing and `run`; inspect.c owns
** `validate` and `inspect`; reference.c `manifest-reference`;
** new.c `new`; grants.c the vyoma.toml that `run` applies.
*/
#ifndef VYOMA_CLI_H
#define VYOMA_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "../../capability/cap.h"
#include "../../profile/manifest.h"
#include "../../runtime/vw.h"

/* Exit codes of the CLI itself (the app's own code is passed through). */
#define VYOMA_EXIT_FAIL  1   /* unreadable, malformed, invalid, unlinkable */
#define VYOMA_EXIT_USAGE 2   /* bad command line                           */
#define VYOMA_EXIT_TRAP  134 /* the app trapped (128 + SIGABRT, as wasmtime) */

/* Reads the whole file into a fresh buffer (free with free()).  On failure
** prints `vyoma: FILE: strerror` and returns NULL. */
uint8_t *cli_read_file(const char *path, size_t *len);

/* Decodes and validates; on failure prints the one-line error
** (`vyoma: FILE: offset 0xNN: message`) and returns NULL. */
vw_module *cli_load_module(const char *path);

/* Prints an engine error about FILE on one line to stderr. */
void cli_report_error(const char *path, const vw_error *err);

int cli_validate(int argc, char **argv);
int cli_inspect(int argc, char **argv);
/* reference.c: the vyoma.toml reference table (markdown) on stdout */
int cli_manifest_reference(int argc, char **argv);
/* grants.c: the manifest `vyoma run` applies.  FILE if given, else
** vyoma.toml beside the module if there is one: 1 with it in *m (free with
** vy_manifest_free), 0 if none, -1 after a message (it does not load). */
int cli_manifest_for(const char *module, const char *file, vy_manifest *m);
/* /data's host folder for m's filesystem grant: data, else data/ in the
** app's folder; made if missing.  malloc'd; NULL after a message. */
char *cli_data_dir(const vy_manifest *m, const char *data);

/* grants.c, the HAL: the module's vyoma_hal imports against manifest m
** (NULL: none) and --board (NULL: none): 0 it has none, 1 it has and
** they are granted, -1 after the message that says what is missing. */
int cli_hal_check(const vw_module *mod, const vy_manifest *m, const char *board,
                  const char *path);
/* the board of --board SPEC and the run's cap for app `app` with m's
** grants (m must outlive it); 0, or -1 after a message */
typedef struct cli_hal {
  vy_board *board;
  vy_cap_registry *reg;
  vy_cap *cap;
  vy_cap_stats st;
} cli_hal;
int cli_hal_open(cli_hal *h, const char *spec, const vy_manifest *m,
                 const char *app);
void cli_hal_close(cli_hal *h); /* after the app's code can no longer run */

/* new.c: `vyoma new NAME`, an app folder that builds outside the tree */
int cli_new(int argc, char **argv);

#endif
