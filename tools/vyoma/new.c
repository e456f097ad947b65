/*
** new.c — `vyoma new NAME`: writes a folder NAME/ that builds outside the
** tree: main.c (a hello that prints its arguments), vyoma.toml and a
** Makefile.  The Makefile finds sdk/vyoma.h through VYOMA_SDK, which
** defaults to the include folder beside this vyoma's installation
** (PREFIX/bin/vyoma -> PREFIX/include, as `make install` lays them out),
** else /usr/local/include.
**
** NAME must be an app name ([a-z][a-z0-9-]{0,31}, not "sys": it is the
** app's IPC address too) and must not exist yet; nothing is written then.
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../profile/schema.h"
#include "cli.h"

static const char main_c[] =
    "/*\n"
    "** %1$s — a VyomaOS app, written by `vyoma new`.  It prints a greeting\n"
    "** and its arguments; anything it prints is its log (docs/apps.md has\n"
    "** the @app: IPC and VYOMA_DRAW lines it can print besides).\n"
    "*/\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "\n"
    "#include \"vyoma.h\"\n"
    "\n"
    "int main(int argc, char **argv) {\n"
    "  const char *who = getenv(\"GREET\");\n"
    "  printf(\"hello from %1$s%%s%%s\\n\", who ? \" to \" : \"\", who ? who : "
    "\"\");\n"
    "  for (int i = 1; i < argc; i++) printf(\"arg %%d: %%s\\n\", i, "
    "argv[i]);\n"
    "  return 0;\n"
    "}\n";

static const char manifest[] =
    "# %1$s's manifest: what it may use (docs/apps.md, \"The manifest\")\n"
    "[app]\n"
    "name = \"%1$s\"\n"
    "version = \"0.1.0\"\n"
    "module = \"%1$s.wasm\"\n"
    "args = [\"--from-manifest\"]\n"
    "env = { GREET = \"world\" }\n"
    "\n"
    "[capabilities]\n"
    "ipc = []                  # apps it may send @NAME: lines to\n"
    "\n"
    "[resources]\n"
    "memory = \"1MiB\"\n"
    "\n"
    "[lifecycle]\n"
    "restart = \"on-failure\"\n";

static const char makefile[] =
    "# Makefile — builds %1$s.wasm (written by `vyoma new`).\n"
    "#   make                   %1$s.wasm, with Debian's clang and wasi-libc\n"
    "#   make run               vyoma run %1$s.wasm (reads vyoma.toml)\n"
    "#   make VYOMA_SDK=DIR     DIR holds vyoma.h (default: the installed "
    "one)\n"
    "VYOMA_SDK ?= %2$s\n"
    "VYOMA     ?= vyoma\n"
    "WASI_CC   ?= clang\n"
    "WASI_CFLAGS = --target=wasm32-wasi --sysroot=/usr -Oz -Wall -Wextra "
    "-Werror \\\n"
    "  -I$(VYOMA_SDK) -Wl,--strip-all\n"
    "\n"
    "%1$s.wasm: $(wildcard *.c *.h) $(VYOMA_SDK)/vyoma.h\n"
    "\t$(WASI_CC) $(WASI_CFLAGS) -o $@ $(wildcard *.c)\n"
    "\n"
    ".PHONY: run clean\n"
    "run: %1$s.wasm\n"
    "\t$(VYOMA) run %1$s.wasm\n"
    "clean:\n"
    "\trm -f %1$s.wasm\n";

/* PREFIX/include when this program is PREFIX/bin/vyoma and vyoma.h is
** there, else /usr/local/include */
static void sdk_dir(char *out, size_t n) {
  char exe[PATH_MAX], hdr[PATH_MAX + 32];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  snprintf(out, n, "/usr/local/include");
  if (len <= 0) return;
  exe[len] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  *slash = 0; /* PREFIX/bin */
  if (!(slash = strrchr(exe, '/'))) return;
  *slash = 0; /* PREFIX */
  snprintf(hdr, sizeof hdr, "%s/include/vyoma.h", exe);
  size_t len_prefix = strlen(exe);
  if (access(hdr, R_OK) == 0 && len_prefix + sizeof "/include" <= n) {
    memcpy(out, exe, len_prefix);
    memcpy(out + len_prefix, "/include", sizeof "/include");
  }
}

/* Writes dir/file from the template fmt (%1$s: the name, %2$s: sdk);
** 0, or -1 after a message. */
static int write_file(const char *dir, const char *file, const char *fmt,
                      const char *name, const char *sdk) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "wx");
  if (!f) {
    fprintf(stderr, "vyoma new: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int ok = fprintf(f, fmt, name, sdk) >= 0;
  if (fclose(f) != 0) ok = 0;
  if (!ok) fprintf(stderr, "vyoma new: %s: %s\n", path, strerror(errno));
  return ok ? 0 : -1;
}

int cli_new(int argc, char **argv) {
  if (argc != 1 || argv[0][0] == '-') {
    fprintf(stderr,
            "usage: vyoma new NAME   (writes NAME/main.c, "
            "NAME/vyoma.toml, NAME/Makefile)\n");
    return argc == 1 && !strcmp(argv[0], "--help") ? 0 : VYOMA_EXIT_USAGE;
  }
  const char *name = argv[0];
  if (!vy_valid_name(name) || !strcmp(name, "sys")) {
    fprintf(stderr,
            "vyoma new: \"%s\" is not a valid app name: [a-z][a-z0-9-]{0,31}, "
            "not \"sys\" (it is also the app's IPC address)\n",
            name);
    return VYOMA_EXIT_USAGE;
  }
  struct stat st;
  if (lstat(name, &st) == 0) {
    fprintf(stderr, "vyoma new: %s: already exists (nothing written)\n", name);
    return VYOMA_EXIT_FAIL;
  }
  if (mkdir(name, 0777) != 0) {
    fprintf(stderr, "vyoma new: %s: %s\n", name, strerror(errno));
    return VYOMA_EXIT_FAIL;
  }
  char sdk[PATH_MAX];
  sdk_dir(sdk, sizeof sdk);
  if (write_file(name, "main.c", main_c, name, sdk) ||
      write_file(name, "vyoma.toml", manifest, name, sdk) ||
      write_file(name, "Makefile", makefile, name, sdk))
    return VYOMA_EXIT_FAIL;
  printf(
      "vyoma new: wrote %s/main.c, %s/vyoma.toml, %s/Makefile\n"
      "  build: make -C %s          (VYOMA_SDK=%s)\n"
      "  run:   vyoma run %s/%s.wasm\n",
      name, name, name, name, sdk, name, name);
  return 0;
}
