# mk/display.mk — the display library libvydisplay.a: surfaces, drawing,
# VYOMA_DRAW, PNG and framebuffer backends (display/), fonts (font/), windows
# and the compositor (chrome/), plus their tests (tests/display/NAME.c ->
# build{,/asan}/bin/display-NAME, run by tests/display/run.sh).
# PNG paths are confined by the WASI sandbox's vwasi_open_beneath (libvwasi).
# stb_truetype / stb_image / stb_image_write come from Debian libstb-dev,
# DRM structures from libdrm-dev's headers (raw ioctls, no libdrm link).

LIBS             += vydisplay
vydisplay_SRC    := $(wildcard display/*.c font/*.c chrome/*.c)
vydisplay_CFLAGS := -I/usr/include/libdrm
$(call test_progs,display-,$(filter-out tests/display/fuzz_%.c,$(wildcard tests/display/*.c)),vydisplay vwasi vw)

# `make bench-display` (and `make bench`): compositor frames/s and VYOMA_DRAW
# commands/s on the headless backend (bench/display/main.c); figures only.
EXTRA_PROGS        += bench-display
bench-display_SRC  := bench/display/main.c
bench-display_LIBS := vydisplay vwasi vw

.PHONY: bench-display
bench-display: $(B)/bin/bench-display
	$(B)/bin/bench-display
bench: bench-display

# Fuzzing VYOMA_DRAW: make draw-fuzz && build/fuzz/fuzz_draw -max_total_time=300
# The display is instrumented; the WASI sandbox it borrows path confinement
# from comes from the normal build's libraries.
FUZZERS          += fuzz_draw
fuzz_draw_SRC    := tests/display/fuzz_draw.c $(vydisplay_SRC)
fuzz_draw_LIBS   := vwasi vw
fuzz_draw_CFLAGS := $(vydisplay_CFLAGS)

.PHONY: draw-fuzz
draw-fuzz: $(B)/fuzz/fuzz_draw
