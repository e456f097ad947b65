# mk/hal.mk — the hardware abstraction layer (hal/): libvyhal.a, the
# board files' loader and the sim and linux backends, for vyomad and
# `vyoma run --board`; it reads board files with libvyprofile.a, so link
# it before that:  NAME_LIBS := ... vyhal vyprofile ...
#   build{,/asan}/lib/libvyhal.a
#   build{,/asan}/bin/hal-NAME   one per tests/hal/NAME.c (tests/hal/run.sh)
#   build{,/asan}/bin/vyoma-board the board-file checker (below)
# Only libc, libm and pthread: it builds with musl-gcc for the static vyomad.

LIBS      += vyhal
vyhal_SRC := $(wildcard hal/*.c)
$(call test_progs,hal-,$(wildcard tests/hal/*.c),vyhal vyprofile)

# vyoma-board [--describe] [sim:|linux:]FILE...: checks board files
# ("FILE: ok" or the one error line), build{,/asan}/bin/vyoma-board
PROGS             += vyoma-board
vyoma-board_SRC   := hal/cli/vyoma_board.c
vyoma-board_LIBS  := vyhal vyprofile
