/*
** ota_manifest.c — the bundle manifest: its text, its parser and the path
** rules that keep a bundle inside its slot.
**
** The manifest is lines of "KEY VALUE", each ending in '\n', in this
** order (the signature covers it, so there is one spelling of a bundle):
**
**   format 1                      the bundle format (also in the header)
**   version 2.0.0                 the system version it holds
**   arch x86_64                   uname's machine: [a-z0-9_]{1,15}
**   profile default               one line per compatible profile (1..32),
**                                 [a-z][a-z0-9-]{0,31}, no duplicates
**   file SIZE SHA256 PATH         one line per file (1..4096), in the
**                                 order the bytes follow; SIZE decimal,
**                                 SHA256 64 lower-case hex digits
**
** A PATH is printable ASCII without space or backslash, at most 255
** bytes, relative, its parts neither empty nor "." nor "..", in a slot's
** layout (the file "vyomad", or under apps/ or profiles/); no two files
** share a path and no file lies under another file's path.  So a bundle
** written out cannot leave its slot folder, whatever it holds.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ota_internal.h"

const char *ota_path_problem(const char *path) {
  size_t n = strlen(path);
  if (n == 0) return "is empty";
  if (n > OTA_PATH_MAX) return "is longer than 255 bytes";
  if (path[0] == '/') return "is absolute";
  for (const char *p = path; *p; p++) {
    if (*p == '\\') return "has a backslash";
    if (*p <= ' ' || *p > '~') return "has a byte outside printable ASCII";
  }
  for (const char *p = path; *p;) { /* each part */
    size_t len = strcspn(p, "/");
    if (len == 0) return "has an empty part";
    if ((len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
      return "has a \".\" or \"..\" part";
    p += len;
    if (*p == '/' && !*++p) return "has an empty part";
  }
  if (!strcmp(path, "vyomad")) return NULL;
  if (!strncmp(path, "apps/", 5) || !strncmp(path, "profiles/", 9)) return NULL;
  return "is not in a slot's layout (vyomad, apps/..., profiles/...)";
}

mode_t ota_file_mode(const char *path) {
  return strcmp(path, "vyomad") ? 0644 : 0755;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* is prefix (len bytes of p) one of the sorted paths? */
static bool is_listed(char **sorted, size_t n, const char *p, size_t len) {
  char key[OTA_PATH_MAX + 1];
  memcpy(key, p, len);
  key[len] = 0;
  const char *k = key;
  return bsearch(&k, sorted, n, sizeof *sorted, cmp_str) != NULL;
}

const char *ota_paths_conflict(char *const *paths, size_t n, char *buf,
                               size_t len) {
  char **s = malloc((n ? n : 1) * sizeof *s);
  if (!s) return "out of memory";
  memcpy(s, paths, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_str);
  const char *why = NULL;
  for (size_t i = 0; i < n && !why; i++) {
    if (i > 0 && !strcmp(s[i - 1], s[i])) {
      snprintf(buf, len, "path %s is listed twice", s[i]);
      why = buf;
    }
    for (const char *q = strchr(s[i], '/'); q && !why; q = strchr(q + 1, '/'))
      if (is_listed(s, n, s[i], (size_t)(q - s[i]))) {
        snprintf(buf, len, "path %s lies under the file %.*s", s[i],
                 (int)(q - s[i]), s[i]);
        why = buf;
      }
  }
  free(s);
  return why;
}

void ota_manifest_free(ota_manifest *m) {
  for (size_t i = 0; i < m->nprofiles; i++) free(m->profiles[i]);
  for (size_t i = 0; i < m->nfiles; i++) free(m->files[i].path);
  free(m->files);
  memset(m, 0, sizeof *m);
}

ota_file *ota_manifest_add(ota_manifest *m, const char *path, uint64_t size) {
  if (m->nfiles >= OTA_FILES_MAX) return NULL;
  if (!m->nfiles || (m->nfiles & (m->nfiles - 1)) == 0) { /* doubling */
    size_t cap = m->nfiles ? 2 * m->nfiles : 16;
    ota_file *nf = realloc(m->files, cap * sizeof *nf);
    if (!nf) return NULL;
    m->files = nf;
  }
  ota_file *f = &m->files[m->nfiles];
  memset(f, 0, sizeof *f);
  if (!(f->path = strdup(path))) return NULL;
  f->size = size;
  m->payload += size; /* <= 4096 * 2^40: cannot wrap */
  m->nfiles++;
  return f;
}

/* ---- the parser ---- */

typedef struct mparse {
  ota_manifest *m;
  int line;
  char *err;
  size_t errlen;
} mparse;

static int mfail(mparse *p, const char *why, const char *what) {
  return ota_err(p->err, p->errlen, "manifest line %d: %s%s%s", p->line, why,
                 what ? ": " : "", what ? what : "");
}

static bool valid_profile(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z') return false;
  return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool valid_arch(const char *s) {
  size_t n = strlen(s);
  return n > 0 && n < 16 &&
         strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* SIZE: decimal, no leading zeros (one spelling), at most OTA_FILE_MAX */
static int parse_size(const char *s, size_t len, uint64_t *out) {
  if (len == 0 || len > 13 || (s[0] == '0' && len > 1)) return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > OTA_FILE_MAX) return -1;
  *out = v;
  return 0;
}

/* "file SIZE SHA256 PATH" (val: what follows "file ") */
static int parse_file(mparse *p, char *val) {
  ota_manifest *m = p->m;
  if (m->nfiles >= OTA_FILES_MAX) return mfail(p, "more than 4096 files", NULL);
  char *sp = strchr(val, ' ');
  ota_file f = { 0 };
  if (!sp || parse_size(val, (size_t)(sp - val), &f.size) < 0)
    return mfail(p, "bad file size", NULL);
  char *hex = sp + 1;
  if (strlen(hex) < 65 || hex[64] != ' ' || ota_unhex(hex, 32, f.sha) < 0)
    return mfail(p, "bad SHA-256 (64 lower-case hex digits)", NULL);
  const char *path = hex + 65, *why = ota_path_problem(path);
  if (why) {
    char w[300];
    snprintf(w, sizeof w, "path %.255s %s", path, why);
    return mfail(p, "unsafe path", w);
  }
  ota_file *nf = ota_manifest_add(m, path, f.size);
  if (!nf) return mfail(p, "out of memory", NULL);
  memcpy(nf->sha, f.sha, 32);
  return 0;
}

/* one line, already NUL-terminated and split at its first space */
static int parse_line(mparse *p, const char *key, char *val) {
  ota_manifest *m = p->m;
  if (p->line == 1) {
    if (strcmp(key, "format") || strcmp(val, "1"))
      return mfail(p, "the first line must be \"format 1\"", NULL);
    m->format = OTA_FORMAT;
  } else if (!strcmp(key, "version") && p->line == 2) {
    if (!vy_ota_version_valid(val)) return mfail(p, "bad version", val);
    strcpy(m->version, val);
  } else if (!strcmp(key, "arch") && p->line == 3) {
    if (!valid_arch(val)) return mfail(p, "bad arch", val);
    strcpy(m->arch, val);
  } else if (!strcmp(key, "profile") && p->line >= 4 && !m->nfiles) {
    if (!valid_profile(val)) return mfail(p, "bad profile name", val);
    for (size_t i = 0; i < m->nprofiles; i++)
      if (!strcmp(m->profiles[i], val))
        return mfail(p, "profile listed twice", val);
    if (m->nprofiles >= OTA_PROFILES_MAX)
      return mfail(p, "more than 32 profiles", NULL);
    if (!(m->profiles[m->nprofiles] = strdup(val)))
      return mfail(p, "out of memory", NULL);
    m->nprofiles++;
  } else if (!strcmp(key, "file") && m->nprofiles) {
    return parse_file(p, val);
  } else {
    return mfail(p,
                 "unexpected line (order: format, version, arch, "
                 "profile..., file...)",
                 key);
  }
  return 0;
}

static int parse_lines(mparse *p, char *s, size_t len) {
  char *end = s + len;
  while (s < end) {
    char *nl = memchr(s, '\n', (size_t)(end - s));
    p->line++;
    if (!nl) return mfail(p, "the last line has no newline", NULL);
    *nl = 0;
    if (strlen(s) != (size_t)(nl - s)) return mfail(p, "a NUL byte", NULL);
    char *sp = strchr(s, ' ');
    if (!sp || sp == s || !sp[1]) return mfail(p, "not \"KEY VALUE\"", NULL);
    *sp = 0;
    if (parse_line(p, s, sp + 1) < 0) return -1;
    s = nl + 1;
  }
  if (!p->m->nfiles) return mfail(p, "no file line", NULL);
  return 0;
}

int ota_manifest_parse(const char *text, size_t len, ota_manifest *m, char *err,
                       size_t errlen) {
  memset(m, 0, sizeof *m);
  char *s = malloc(len + 1);
  if (!s) return ota_err(err, errlen, "manifest: out of memory");
  memcpy(s, text, len);
  s[len] = 0;
  mparse p = { m, 0, err, errlen };
  int rc = parse_lines(&p, s, len);
  free(s);
  char buf[600];
  const char *why = NULL;
  if (rc == 0) {
    char **paths = malloc(m->nfiles * sizeof *paths);
    if (!paths) {
      why = "out of memory";
    } else {
      for (size_t i = 0; i < m->nfiles; i++) paths[i] = m->files[i].path;
      why = ota_paths_conflict(paths, m->nfiles, buf, sizeof buf);
      free(paths);
    }
    if (why) rc = ota_err(err, errlen, "manifest: %s", why);
  }
  if (rc < 0) ota_manifest_free(m);
  return rc;
}

char *ota_manifest_format(const ota_manifest *m, size_t *len) {
  size_t cap = 128 + 40 * m->nprofiles;
  for (size_t i = 0; i < m->nfiles; i++) cap += 96 + strlen(m->files[i].path);
  char *s = malloc(cap), *p = s;
  if (!s) return NULL;
  p += sprintf(p, "format %u\nversion %s\narch %s\n", (unsigned)m->format,
               m->version, m->arch);
  for (size_t i = 0; i < m->nprofiles; i++)
    p += sprintf(p, "profile %s\n", m->profiles[i]);
  for (size_t i = 0; i < m->nfiles; i++) {
    char hex[65];
    ota_hex(m->files[i].sha, 32, hex);
    p += sprintf(p, "file %llu %s %s\n", (unsigned long long)m->files[i].size,
                 hex, m->files[i].path);
  }
  *len = (size_t)(p - s);
  return s;
}
