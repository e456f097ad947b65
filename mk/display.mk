# mk/display.mk — the display library libvydisplay.a: surfaces, drawing,
# VYOMA_DRAW, PNG and framebuffer backends (display/), fonts (font/), windows
# and the compositor (chrome/), plus their tests (tests/display/*.c, run by
# tests/display/run.sh).  New .c files in those folders join by wildcard.
# PNG paths are confined by the WASI sandbox's vwasi_open_beneath (libvwasi).
# stb_truetype / stb_image / stb_image_write come from Debian libstb-dev,
# DRM structures from libdrm-dev's headers (raw ioctls, no libdrm link).
#
#   build/lib/libvydisplay.a     build/asan/lib/libvydisplay.a
#   build/bin/display-NAME       build/asan/bin/display-NAME (tests/display/NAME.c)

DISPLAY_SRC  := $(wildcard display/*.c font/*.c chrome/*.c)
DISPLAY_OBJ  := $(DISPLAY_SRC:%.c=$(B)/obj/%.o)
DISPLAY_AOBJ := $(DISPLAY_SRC:%.c=$(A)/obj/%.o)
DISPLAY_TEST_SRC := $(filter-out tests/display/fuzz_%.c,$(wildcard tests/display/*.c))
DISPLAY_TESTS    := $(patsubst tests/display/%.c,display-%,$(DISPLAY_TEST_SRC))
DISPLAY_CFLAGS   := -I/usr/include/libdrm

$(DISPLAY_OBJ) $(DISPLAY_AOBJ): CFLAGS += $(DISPLAY_CFLAGS)
$(DISPLAY_AOBJ): ASANFLAGS += $(DISPLAY_CFLAGS)

$(B)/lib/libvydisplay.a: $(DISPLAY_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/lib/libvydisplay.a: $(DISPLAY_AOBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/bin/display-%: $(B)/obj/tests/display/%.o $(B)/lib/libvydisplay.a $(B)/lib/libvwasi.a $(B)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm -lpthread

$(A)/bin/display-%: $(A)/obj/tests/display/%.o $(A)/lib/libvydisplay.a $(A)/lib/libvwasi.a $(A)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lm -lpthread

all:  $(B)/lib/libvydisplay.a $(DISPLAY_TESTS:%=$(B)/bin/%)
asan: $(A)/lib/libvydisplay.a $(DISPLAY_TESTS:%=$(A)/bin/%)

# test objects too: a changed header must rebuild the tests that include it
-include $(DISPLAY_OBJ:.o=.d) $(DISPLAY_AOBJ:.o=.d) \
  $(DISPLAY_TEST_SRC:%.c=$(B)/obj/%.d) $(DISPLAY_TEST_SRC:%.c=$(A)/obj/%.d)

# ---- the display benchmark (not part of `all`) -------------------------------
# `make bench-display`: compositor frames/s and VYOMA_DRAW commands/s on the
# headless backend (bench/display/main.c); figures only.
$(B)/bin/bench-display: $(B)/obj/bench/display/main.o $(B)/lib/libvydisplay.a $(B)/lib/libvwasi.a $(B)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm -lpthread

.PHONY: bench-display
bench-display: $(B)/bin/bench-display
	$(B)/bin/bench-display

-include $(B)/obj/bench/display/main.d

# `make bench` includes the compositor figures.
bench: bench-display

# ---- fuzzing VYOMA_DRAW (clang's libFuzzer; not part of `make test`) ---------
#   make draw-fuzz && build/fuzz/fuzz_draw -max_total_time=300
# The display is instrumented; the WASI sandbox it borrows path confinement
# from comes from the normal build's libraries.
$(B)/fuzz/fuzz_draw: tests/display/fuzz_draw.c $(DISPLAY_SRC) $(wildcard display/*.h font/*.h) \
    $(B)/lib/libvwasi.a $(B)/lib/libvw.a | $(DEPS_OK)
	@mkdir -p $(@D)
	clang $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	  $(DISPLAY_CFLAGS) -o $@ $(filter %.c %.a,$^) -lm -lpthread

.PHONY: draw-fuzz
draw-fuzz: $(B)/fuzz/fuzz_draw
