/*
** suggest.h — "did you mean": the candidate nearest to a mistyped word
** (an app, a profile, a vyctl command), by edit distance.  Header-only so
** that vyctl, which links nothing of the supervisor, shares it.
*/
#ifndef VY_SUGGEST_H
#define VY_SUGGEST_H

#include <stddef.h>
#include <string.h>

/* Levenshtein distance of a and b, capped: words over 63 bytes are far */
static inline size_t vy_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 64;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* The candidate nearest to word when it is near enough to be a typo (at
** most a third of its letters off, at least one), or a candidate word
** begins with; else NULL. */
static inline const char *vy_suggest(const char *word, const char *const *cands,
                                     size_t n) {
  const char *best = NULL;
  size_t bestd = (strlen(word) + 2) / 3;
  if (bestd < 1) bestd = 1;
  for (size_t i = 0; i < n; i++) {
    size_t d = vy_edit_distance(word, cands[i]);
    if (d && d <= bestd) {
      best = cands[i];
      bestd = d;
    }
  }
  if (!best && *word)
    for (size_t i = 0; i < n && !best; i++)
      if (!strncmp(cands[i], word, strlen(word))) best = cands[i];
  return best;
}

#endif
