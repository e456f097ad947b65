/*
** reload.c — `vyctl reload`, as systemctl daemon-reload does it: re-reads
** the profile and every DIR/apps/NAME/vyoma.toml.  An app whose folder is
** new is loaded and started (if the profile starts it); one whose folder
** is gone is killed and hidden; one whose manifest text changed is killed,
** takes the new manifest and starts again.  A manifest (or profile) that
** does not load is reported and changes nothing: its running app stays as
** it was.
**
** Entries of the app table are never moved or freed while vyomad runs
** (threads, the tick and the reports hold them): a new app is appended
** within the table's room (apps_cap), a removed one only marked.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vyomad.h"

/* what reload did, one entry per app it touched */
typedef struct outcome {
  sbuf *b;
  bool json;
  int n;
} outcome;

static void said(outcome *o, const char *name, const char *action,
                 const char *detail) {
  if (o->json) {
    sb_printf(o->b, "%s{\"name\":", o->n ? "," : "");
    sb_json_str(o->b, name);
    sb_printf(o->b, ",\"action\":\"%s\",\"detail\":", action);
    sb_json_str(o->b, detail ? detail : "");
    sb_printf(o->b, "}");
  } else {
    sb_printf(o->b, "%s: %s%s%s\n", name, action, detail ? ": " : "",
              detail ? detail : "");
  }
  o->n++;
  vlog("reload: app %s: %s%s%s", name, action, detail ? ": " : "",
       detail ? detail : "");
}

/* the profile again; an invalid one changes nothing (-1, err) */
static int reload_profile(char *err, size_t errlen) {
  char path[4096], perr[512];
  snprintf(path, sizeof path, "%s/profiles/%s.toml", S.sys_root,
           S.profile_name);
  if (access(path, F_OK) != 0) return 0; /* the built-in defaults stay */
  vy_profile np;
  if (vy_profile_load(path, &np, perr, sizeof perr) != 0) {
    snprintf(err, errlen, "invalid-profile %s", perr);
    return -1;
  }
  pthread_mutex_lock(&S.lock);
  vy_profile old = S.profile;
  S.profile = np;
  S.budget.limit = np.memory_budget;
  pthread_mutex_unlock(&S.lock);
  vy_profile_free(&old);
  return 0;
}

static bool starts(const app *a) {
  return a->have_manifest &&
         vy_profile_starts(&S.profile, a->name, a->m.autostart);
}

/* kills a's run (waiting for it to end) if it has one; true if it had */
static bool kill_run(app *a) {
  char err[256];
  pthread_mutex_lock(&S.lock);
  bool live = a->thread_live && !a->thread_done;
  bool waiting = a->state == ST_WAITING;
  pthread_mutex_unlock(&S.lock);
  if (live || waiting)
    app_command(a->name, EV_KILL, true, "reload", err, sizeof err);
  return live || waiting;
}

static void start_app(app *a) {
  char err[256];
  app_effects fx = { .err = err, .errlen = sizeof err };
  pthread_mutex_lock(&S.lock);
  int r = app_event_locked(a, EV_START, &fx);
  pthread_mutex_unlock(&S.lock);
  if (r == 0) app_effects_apply(a, &fx);
}

/* A changed manifest at path for entry a: a bad one leaves a as it was;
** a good one replaces a's once its run is over, and a starts again if it
** ran (or the profile starts it). */
static void reload_changed(app *a, const char *path, char *text, outcome *o) {
  vy_manifest nm;
  char merr[512];
  if (vy_manifest_load(path, &nm, merr, sizeof merr) != 0) {
    free(text);
    said(o, a->name, "invalid, left as it was", merr);
    return;
  }
  if (a->have_manifest && strcmp(nm.name, a->name) != 0) {
    char why[160];
    snprintf(why, sizeof why, "renamed to %s: not taken (restart vyomad)",
             nm.name);
    vy_manifest_free(&nm);
    free(text);
    said(o, a->name, "unchanged", why);
    return;
  }
  bool ran = kill_run(a);
  pthread_mutex_lock(&S.lock);
  if (a->have_manifest) vy_manifest_free(&a->m);
  a->m = nm;
  a->have_manifest = true;
  snprintf(a->name, sizeof a->name, "%s", nm.name);
  if (a->state == ST_INVALID) a->state = ST_STOPPED;
  free(a->manifest_text);
  a->manifest_text = text;
  pthread_mutex_unlock(&S.lock);
  if (ran || starts(a)) start_app(a);
  said(o, a->name, ran ? "restarted" : "updated", NULL);
}

/* the entry whose folder is dir, or NULL */
static app *find_dir(const char *dir) {
  for (size_t i = 0; i < S.napps; i++)
    if (!strcmp(S.apps[i]->dir, dir)) return S.apps[i];
  return NULL;
}

/* one folder of DIR/apps: new, changed, back, or the same */
static void reload_folder(const char *folder, outcome *o) {
  char dir[4200], path[4300];
  snprintf(dir, sizeof dir, "%s/apps/%s", S.sys_root, folder);
  snprintf(path, sizeof path, "%s/vyoma.toml", dir);
  app *a = find_dir(dir);
  if (!a) {
    if (S.napps == S.apps_cap || !(a = app_load(folder))) {
      said(o, folder, "not loaded", "no room in the app table");
      return;
    }
    pthread_mutex_lock(&S.lock);
    bool taken = app_find(a->name) != NULL;
    if (!taken) S.apps[S.napps++] = a;
    pthread_mutex_unlock(&S.lock);
    if (taken) {
      said(o, a->name, "not loaded", "the name is taken");
      app_free(a);
    } else if (!a->have_manifest) {
      said(o, a->name, "invalid", a->error);
    } else {
      if (starts(a)) start_app(a);
      said(o, a->name, "added", NULL);
    }
    return;
  }
  char *text = read_text(path);
  bool back = a->removed;
  if (back) {
    pthread_mutex_lock(&S.lock);
    a->removed = app_find(a->name) != NULL; /* its name came back elsewhere */
    pthread_mutex_unlock(&S.lock);
    if (a->removed) {
      free(text);
      return;
    }
  }
  if (!back && text && a->manifest_text && !strcmp(text, a->manifest_text)) {
    free(text);
    return;
  }
  reload_changed(a, path, text, o);
}

/* the entries whose folder is gone: killed and hidden */
static void reload_removed(outcome *o) {
  for (size_t i = 0; i < S.napps; i++) {
    app *a = S.apps[i];
    struct stat st;
    if (a->removed || (stat(a->dir, &st) == 0 && S_ISDIR(st.st_mode))) continue;
    kill_run(a);
    pthread_mutex_lock(&S.lock);
    a->removed = true;
    a->state = ST_STOPPED;
    pthread_mutex_unlock(&S.lock);
    said(o, a->name, "removed", NULL);
  }
}

int apps_reload(sbuf *body, bool json, char *err, size_t errlen) {
  static pthread_mutex_t one = PTHREAD_MUTEX_INITIALIZER; /* one at a time */
  if (reload_profile(err, errlen) != 0) return -1;
  char path[4096];
  snprintf(path, sizeof path, "%s/apps", S.sys_root);
  DIR *d = opendir(path);
  if (!d) {
    snprintf(err, errlen, "cannot-read %s", path);
    return -1;
  }
  pthread_mutex_lock(&one);
  outcome o = { .b = body, .json = json };
  if (json) sb_printf(body, "{\"apps\":[");
  struct dirent *de;
  while ((de = readdir(d))) {
    struct stat st;
    char sub[4400];
    snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
    if (de->d_name[0] == '.' || stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
      continue;
    reload_folder(de->d_name, &o);
  }
  closedir(d);
  reload_removed(&o);
  if (json)
    sb_printf(body, "]}\n");
  else if (!o.n)
    sb_printf(body, "nothing changed\n");
  pthread_mutex_unlock(&one);
  return 0;
}
