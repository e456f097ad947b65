/*
** vyoma_bundle.c — vyoma-bundle, the host tool for update bundles
** (libvyota: ota/ota.h; the layout is at the top of ota/ota_bundle.c).
**
**   vyoma-bundle keygen [--out DIR] [--name NAME]
**       a new Ed25519 key pair: DIR/NAME.pub (64 hex digits, the image's
**       trusted key) and DIR/NAME.key (128 hex digits, mode 0600); NAME
**       is vyoma-ota, DIR the current folder; an existing file is kept
**   vyoma-bundle create --key SECRET --version V --arch A --profile P
**                       [--profile P2 ...] TREE OUT.vyb
**       a bundle of TREE, a folder laid out as a slot (vyomad, apps/NAME/
**       ..., profiles/...); links and special files are refused
**   vyoma-bundle verify --pub PUB FILE
**       the signature and every file's SHA-256: "FILE: ok (VERSION)"
**   vyoma-bundle inspect [--pub PUB] FILE
**       the header and the manifest, readable (the signature is checked
**       only with --pub)
**
** Exit status: 0 ok, 1 a bad bundle or a refusal (one line on stderr
** naming the file and why), 2 a usage error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../ota/ota.h"

static const char usage[] =
    "usage: vyoma-bundle keygen [--out DIR] [--name NAME]\n"
    "       vyoma-bundle create --key SECRET --version V --arch A --profile P\n"
    "                           [--profile P2 ...] TREE OUT.vyb\n"
    "       vyoma-bundle verify --pub PUB FILE\n"
    "       vyoma-bundle inspect [--pub PUB] FILE\n"
    "exit status: 0 ok, 1 bad bundle or refused, 2 usage\n";

#define MAX_PROFILES 32

typedef struct args {
  const char *out, *name, *key, *pub, *version, *arch;
  const char *profiles[MAX_PROFILES];
  size_t nprofiles;
  const char *pos[2];
  int npos;
} args;

static int bad_usage(const char *why) {
  fprintf(stderr, "vyoma-bundle: %s\n%s", why, usage);
  return 2;
}

static int fail(const char *err) {
  fprintf(stderr, "vyoma-bundle: %s\n", err);
  return 1;
}

/* OPTION VALUE pairs and positionals; -1 on a usage error */
static int parse(int argc, char **argv, args *a) {
  memset(a, 0, sizeof *a);
  for (int i = 2; i < argc; i++) {
    const char *o = argv[i];
    const char **slot = !strcmp(o, "--out")       ? &a->out
                        : !strcmp(o, "--name")    ? &a->name
                        : !strcmp(o, "--key")     ? &a->key
                        : !strcmp(o, "--pub")     ? &a->pub
                        : !strcmp(o, "--version") ? &a->version
                        : !strcmp(o, "--arch")    ? &a->arch
                                                  : NULL;
    if (!strcmp(o, "--profile")) {
      if (a->nprofiles == MAX_PROFILES) return -1;
      slot = &a->profiles[a->nprofiles++];
    }
    if (slot) {
      if (++i == argc) return -1;
      *slot = argv[i];
    } else if (o[0] == '-' && o[1]) {
      return -1;
    } else if (a->npos < 2) {
      a->pos[a->npos++] = o;
    } else {
      return -1;
    }
  }
  return 0;
}

static int cmd_keygen(const args *a) {
  if (a->npos || a->key || a->pub || a->version || a->arch || a->nprofiles)
    return bad_usage("keygen takes --out DIR and --name NAME only");
  uint8_t pk[32], sk[64];
  char path[4096], err[512];
  const char *dir = a->out ? a->out : ".",
             *name = a->name ? a->name : "vyoma-ota";
  /* both names free first, so that a refusal leaves no half pair */
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, i ? "pub" : "key");
    if (access(path, F_OK) == 0) {
      fprintf(stderr, "vyoma-bundle: %s: exists (a key is never overwritten)\n",
              path);
      return 1;
    }
  }
  if (vy_ota_keygen(pk, sk) < 0) return fail("cannot make a key pair");
  snprintf(path, sizeof path, "%s/%s.key", dir, name);
  if (vy_ota_key_write(path, sk, 64, err, sizeof err) < 0) return fail(err);
  printf("%s\n", path);
  snprintf(path, sizeof path, "%s/%s.pub", dir, name);
  if (vy_ota_key_write(path, pk, 32, err, sizeof err) < 0) return fail(err);
  printf("%s\n", path);
  return 0;
}

static int cmd_create(const args *a) {
  if (!a->key || !a->version || !a->arch || !a->nprofiles || a->npos != 2 ||
      a->pub || a->out || a->name)
    return bad_usage(
        "create needs --key, --version, --arch, --profile, "
        "TREE and OUT");
  uint8_t sk[64];
  char err[1024];
  if (vy_ota_key_read(a->key, sk, 64, err, sizeof err) < 0) return fail(err);
  vy_bundle_spec spec = { a->version, a->arch, a->profiles, a->nprofiles };
  int rc = vy_bundle_create(a->pos[0], &spec, sk, a->pos[1], err, sizeof err);
  memset(sk, 0, sizeof sk);
  if (rc < 0) return fail(err);
  printf("%s\n", a->pos[1]);
  return 0;
}

/* the bundle at path, opened and (when full) verified with the key file */
static int open_checked(const char *pub, const char *path, bool full,
                        vy_bundle **b) {
  uint8_t pk[32];
  char err[1024];
  if (vy_ota_key_read(pub, pk, 32, err, sizeof err) < 0) return fail(err);
  if (vy_bundle_open(path, pk, b, err, sizeof err) < 0) return fail(err);
  if (full && vy_bundle_verify(*b, err, sizeof err) < 0) {
    vy_bundle_close(*b);
    return fail(err);
  }
  return 0;
}

static int cmd_verify(const args *a) {
  if (!a->pub || a->npos != 1 || a->key || a->version || a->arch ||
      a->nprofiles || a->out || a->name)
    return bad_usage("verify needs --pub PUB and FILE");
  vy_bundle *b;
  if (open_checked(a->pub, a->pos[0], true, &b)) return 1;
  vy_bundle_info in;
  vy_bundle_info_get(b, &in);
  printf("%s: ok (version %s, %s, %zu files, %llu bytes)\n", a->pos[0],
         in.version, in.arch, in.nfiles, (unsigned long long)in.payload_bytes);
  vy_bundle_close(b);
  return 0;
}

static int cmd_inspect(const args *a) {
  if (a->npos != 1 || a->key || a->version || a->arch || a->nprofiles ||
      a->out || a->name)
    return bad_usage("inspect needs FILE (and maybe --pub PUB)");
  const char *sig = "not checked (give --pub PUB)";
  if (a->pub) {
    vy_bundle *b;
    if (open_checked(a->pub, a->pos[0], true, &b)) return 1;
    vy_bundle_close(b);
    sig = "good, every file's SHA-256 matches";
  }
  char *text, err[1024];
  size_t len;
  if (vy_bundle_manifest_text(a->pos[0], &text, &len, err, sizeof err) < 0)
    return fail(err);
  printf("bundle: %s\nsignature: %s\nmanifest (%zu bytes):\n", a->pos[0], sig,
         len);
  /* the signed text is shown as is only when it is printable */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c == '\n' || (c >= ' ' && c < 0x7f))
      putchar(c);
    else
      printf("\\x%02x", c);
  }
  if (len && text[len - 1] != '\n') putchar('\n');
  free(text);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return bad_usage("no command");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return 0;
  }
  args a;
  if (parse(argc, argv, &a) < 0) return bad_usage("bad arguments");
  if (!strcmp(cmd, "keygen")) return cmd_keygen(&a);
  if (!strcmp(cmd, "create")) return cmd_create(&a);
  if (!strcmp(cmd, "verify")) return cmd_verify(&a);
  if (!strcmp(cmd, "inspect")) return cmd_inspect(&a);
  return bad_usage("unknown command");
}
