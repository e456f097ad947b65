/*
** vf.h — text for the VyomaOS display: TrueType fonts through stb_truetype
** (Debian libstb-dev), a glyph cache, UTF-8, any pixel size.
**
** One vf_font is shared by every window: its glyph cache has its own lock,
** so app threads may draw text at the same time.  The cache holds rendered
** coverage masks keyed by (codepoint, pixel size) and is bounded (oldest
** entries are dropped past VF_CACHE_BYTES).  Malformed UTF-8 is drawn as
** U+FFFD, never read past its end; codepoints the font lacks are drawn as
** its .notdef box.
*/
#ifndef VF_H
#define VF_H

#include <stddef.h>
#include <stdint.h>

#include "../display/vd.h"

#define VF_CACHE_BYTES (4u << 20)
#define VF_MIN_PX      4
#define VF_MAX_PX      256

typedef struct vf_font vf_font;

/* Loads a .ttf file (the whole file is kept in memory).  NULL when it cannot
** be read or is not a font; errno-style reason in err. */
vf_font *vf_open(const char *path, char *err, size_t errlen);
void vf_close(vf_font *f);

/* Draws UTF-8 text with the top-left of its first line at (x, y); '\n'
** starts a new line.  px is the line height in pixels (clamped to
** VF_MIN_PX..VF_MAX_PX).  Returns the width in pixels of the widest line. */
int vf_draw(vf_font *f, vd_surface *s, vd_rect clip, int x, int y, int px,
            vd_color c, const char *utf8, size_t len);

/* The size vf_draw would cover, without drawing. */
void vf_measure(vf_font *f, int px, const char *utf8, size_t len, int *w,
                int *h);

/* Cache statistics, for benchmarks and tests. */
typedef struct vf_stats {
  uint64_t hits, misses, bytes, entries;
} vf_stats;
vf_stats vf_get_stats(vf_font *f);

#endif
