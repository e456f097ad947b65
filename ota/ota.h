/*
** ota.h — field updates: signed bundles, A/B slots on the data disk, trial
** boots, health commits and rollback, safe against a power cut at any
** moment.
**
** The model is Android's A/B boot control.  Two slots, "a" and "b", live on
** the data disk under OTADIR (/data/.ota in the image: a dot name is no
** app's, so no app's /data can reach it), each a folder holding what a
** system version is: the supervisor binary (optional), apps/NAME/{NAME.wasm,
** vyoma.toml} and profiles/NAME.toml.  The initramfs is the factory version:
** booted when no slot is bootable, so there is always a good system.  Per-
** app data (/data/NAME) is in no slot and survives updates and rollbacks.
**
**   OTADIR/state, OTADIR/state.1   the slot state, two copies (below)
**   OTADIR/slot-a/, OTADIR/slot-b/ the slots
**   OTADIR/slot-X.new/             a slot being written (a cut one's is
**                                  removed by the next apply and by
**                                  boot_select; never booted)
**
** Each slot has `priority` (0 = not bootable; the higher boots first),
** `tries_remaining` (boots left before it counts as failed, while not yet
** successful) and `successful` (its health check passed: committed).  At
** boot (vy_ota_boot_select) the bootable slot of highest priority that is
** successful or has tries left is chosen; choosing one that is on trial
** uses up a try and saves the state BEFORE the slot runs, so a crash or a
** reboot before the commit costs a try, and at zero tries the slot is
** marked failed (priority 0, its version recorded as the last failure) and
** the previous good slot (or the factory one) boots.
**
** State file: a small text file (key = value lines, then "sum = " and the
** SHA-256 of what precedes it; ota_state.c), written to a temporary name,
** fsynced, renamed over one copy, the directory fsynced, then the same for
** the other copy; a sequence number grows with each save.  Loading takes
** the valid copy with the higher sequence, so a torn write of either copy
** is survivable.  No valid copy: the factory state (no slot bootable).
**
** Every write, fsync, rename, unlink, mkdir, rmdir and file creation of
** the update path goes through ota_io (fault injection): with the
** environment variable VYOMA_OTA_FAULT=N the process (the counter is per
** process id) ends with _exit(86) just before the Nth such point, as a power
** cut would; VYOMA_OTA_FAULT_LOG=FILE appends one line per point passed
** ("N write slot-b.new/apps/clock/clock.wasm"), so a test can enumerate
** them and walk N = 1 .. the last; VYOMA_OTA_ERROR=N makes the Nth point
** fail with EIO instead (the error paths).
**
** Errors: functions return 0 or -1 with one line in err that says what and
** why ("bundle /data/v2.vyb: signature does not verify (wrong key or
** tampered manifest)"); nothing here exits, except the fault switch.
*/
#ifndef VY_OTA_H
#define VY_OTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VY_OTA_VERSION_MAX 32 /* "1.2.3"-style versions, compared by parts */
#define VY_OTA_SLOTS       2
#define VY_OTA_TRIES       3 /* tries a new slot gets */

/* ---- versions -------------------------------------------------------- */
/* Compares "MAJOR.MINOR.PATCH" (any number of dot-separated decimal parts;
** missing parts are 0): <0, 0, >0.  Malformed versions compare as errors:
** vy_ota_version_valid says which are fine. */
int vy_ota_version_cmp(const char *a, const char *b);
bool vy_ota_version_valid(const char *v);

/* ---- bundles --------------------------------------------------------- */
/* A bundle file: magic, the manifest (text), its Ed25519 signature, then
** the files' bytes in manifest order.  The manifest names the bundle
** format version, the system version, the compatible profiles and CPU
** architecture (uname's machine: "x86_64", "aarch64"), and every file with
** its path inside the slot, size and SHA-256.  File paths are relative,
** normalised, without "..", "." or empty parts, no absolute paths, and the
** bundle carries no links of any kind. */
typedef struct vy_bundle vy_bundle;

typedef struct vy_bundle_info {
  uint32_t format;                      /* bundle format version (1)    */
  char version[VY_OTA_VERSION_MAX + 1]; /* the system version it holds  */
  char arch[16];
  const char *const *profiles; /* compatible profile names       */
  size_t nprofiles;
  size_t nfiles;
  uint64_t payload_bytes; /* the files' bytes together            */
} vy_bundle_info;

/* Opens a bundle and checks its manifest's signature against pubkey (32
** bytes, Ed25519) and its structure (sizes within the file, safe paths, no
** duplicates).  The file hashes are not checked yet: vy_bundle_verify. */
int vy_bundle_open(const char *path, const uint8_t pubkey[32], vy_bundle **out,
                   char *err, size_t errlen);
void vy_bundle_info_get(const vy_bundle *b, vy_bundle_info *out);
/* The i-th file: its path in the slot and size; 0, or -1 past the end. */
int vy_bundle_file(const vy_bundle *b, size_t i, const char **path,
                   uint64_t *size);
/* Reads every file's bytes and checks its SHA-256: 0, or -1 naming the
** first file that does not match or is cut short. */
int vy_bundle_verify(vy_bundle *b, char *err, size_t errlen);
void vy_bundle_close(vy_bundle *b);

/* The host side (vyoma-bundle): a bundle from a slot tree (a folder laid
** out as a slot), signed with the 64-byte Ed25519 secret key. */
typedef struct vy_bundle_spec {
  const char *version;
  const char *arch;
  const char *const *profiles;
  size_t nprofiles;
} vy_bundle_spec;
int vy_bundle_create(const char *tree, const vy_bundle_spec *spec,
                     const uint8_t secret_key[64], const char *out_path,
                     char *err, size_t errlen);
/* A new key pair (libsodium's crypto_sign_keypair). */
int vy_ota_keygen(uint8_t public_key[32], uint8_t secret_key[64]);
/* Key files: the key as lower-case hex on one line (n = 32: a public key,
** 64 hex digits; n = 64: a secret key, 128).  vy_ota_key_write creates
** the file (never over an existing one) with mode 0644 for a public key,
** 0600 for a secret one. */
int vy_ota_key_read(const char *path, uint8_t *key, size_t n, char *err,
                    size_t errlen);
int vy_ota_key_write(const char *path, const uint8_t *key, size_t n, char *err,
                     size_t errlen);
/* The manifest text as written (malloc'd, NUL-terminated), for display
** only: the header is range-checked, the signature is NOT verified. */
int vy_bundle_manifest_text(const char *path, char **text, size_t *len,
                            char *err, size_t errlen);

/* ---- slot state ------------------------------------------------------ */
typedef struct vy_ota_slot {
  uint32_t priority; /* 0: not bootable                            */
  uint32_t tries_remaining;
  bool successful;
  char version[VY_OTA_VERSION_MAX + 1]; /* "" when empty                */
} vy_ota_slot;

typedef struct vy_ota_state {
  uint64_t seq;                   /* grows by one per save               */
  vy_ota_slot slot[VY_OTA_SLOTS]; /* a, b                                */
  int booted;                     /* the slot running: 0, 1, or -1 factory */
  char factory_version[VY_OTA_VERSION_MAX + 1];
  char failed_version[VY_OTA_VERSION_MAX + 1]; /* the last update that failed */
  char last_error[160]; /* why it failed ("critical app clock crash-looped
                           on trial", "3 boots without a commit", ...)  */
} vy_ota_state;

/* Loads OTADIR's state (the valid copy with the higher seq); a missing or
** unreadable state is the factory state, with a note in err when a copy
** was damaged (err[0] == 0 otherwise).  Never fails. */
void vy_ota_state_load(const char *otadir, vy_ota_state *st, char *err,
                       size_t errlen);
/* Saves both copies (through ota_io: each write, fsync and rename is a
** fault point). */
int vy_ota_state_save(const char *otadir, vy_ota_state *st, char *err,
                      size_t errlen);

/* ---- the update's life ----------------------------------------------- */
typedef struct vy_ota_env {
  const char *otadir;          /* /data/.ota                            */
  const uint8_t *pubkey;       /* 32 bytes: the image's trusted key     */
  const char *profile;         /* the running profile's name            */
  const char *arch;            /* the running CPU architecture          */
  const char *running_version; /* the version now running               */
  bool allow_downgrade;
} vy_ota_env;

/* Boot: which slot to run (0, 1) or -1 for the factory system, using up a
** try of a slot on trial and saving the state first (see the top); st is
** the state after (st->booted: the choice).  Never a slot whose folder is
** missing (that slot is marked failed).  When the state cannot be saved a
** slot on trial is not run (its try would not count): the best committed
** slot or the factory system, with why in err.  err also carries
** vy_ota_state_load's note; err[0] == 0 when all was well. */
int vy_ota_boot_select(const char *otadir, vy_ota_state *st, char *err,
                       size_t errlen);
/* Installs a bundle into the slot not running: opens and verifies it
** entirely (signature, every hash, profile, arch, version, free space)
** BEFORE writing anything; then writes slot-X.new/, fsyncs it, replaces
** slot-X and saves the state with slot X on trial (highest priority,
** VY_OTA_TRIES tries, not successful; the other slot, if bootable, gets
** priority 1).  Refused while the running slot is itself on trial (commit
** or roll back first) or failed it (reboot first).  The running slot and
** its files are never touched; from the factory system the slot of lower
** priority is written.  running_version NULL: the state's version of the
** running slot (factory_version from the factory system).  OTADIR is
** created (one level) when missing.  Free space: statvfs of OTADIR must
** hold the payload + 4 KiB a file + 1 MiB; VYOMA_OTA_FREE_BYTES=N in the
** environment stands in for statvfs (tests: a full disk without root).
** *slot_out: the slot written (-1 on error). */
int vy_ota_apply(const vy_ota_env *env, const char *bundle_path, int *slot_out,
                 char *err, size_t errlen);
/* The running slot passed its health check: successful (0 and nothing
** saved when it was already).  -1 from the factory system or a failed
** slot. */
int vy_ota_commit(const char *otadir, char *err, size_t errlen);
/* The running trial failed (reason): its tries end, it is not bootable any
** more, the version and reason are recorded; the next boot runs the
** previous good slot.  Also `vyctl ota rollback` on a committed slot: the
** other good slot (or the factory system) boots next.  Both work on the
** slot the state says is running and refuse from the factory system;
** vy_ota_fail on a slot already failed is 0, nothing saved. */
int vy_ota_fail(const char *otadir, const char *reason, char *err,
                size_t errlen);
int vy_ota_rollback(const char *otadir, char *err, size_t errlen);

/* Records the factory system's version (the initramfs's, which the
** supervisor knows) in the state, so that an apply from the factory system
** compares against it: saves only when it changed.  0 or -1. */
int vy_ota_set_factory_version(const char *otadir, const char *version,
                               char *err, size_t errlen);

/* "slot-a", "slot-b", "factory" */
const char *vy_ota_slot_name(int slot);
/* OTADIR/slot-X in buf (the folder the supervisor runs): 0, or -1 for the
** factory slot or a buffer too small */
int vy_ota_slot_dir(const char *otadir, int slot, char *buf, size_t len);

/* ---- status (vyctl ota status) ---------------------------------------- */
/* Lines "running: slot-b", "slot-a: 1.0.0 committed (priority 1)",
** "slot-b: 2.0.0 on trial, 2 tries left (priority 2)", "factory: 0.9.0",
** "last failure: VERSION: REASON"; and the same as one JSON object
** {"seq","running","slots":[{"name","priority","tries_remaining",
** "successful","version"}],"factory_version","failed_version",
** "last_error"}.  0, or -1 when buf was too small (cut, still a string). */
int vy_ota_status_text(const vy_ota_state *st, char *buf, size_t len);
int vy_ota_status_json(const vy_ota_state *st, char *buf, size_t len);

/* ---- figures (bench/ota.sh) ------------------------------------------ */
/* This process's fault points passed and bytes written through ota_io */
unsigned long vy_ota_io_points(void);
uint64_t vy_ota_io_bytes_written(void);

#endif
