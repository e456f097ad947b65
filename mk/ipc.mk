# mk/ipc.mk — the supervisor's support library libvysup.a: the IPC broker
# (ipc/), heartbeat and metrics formatting (observability/) and the TTY
# input router (input/), plus their tests: tests/DIR/NAME.c ->
# build{,/asan}/bin/DIR-NAME for DIR ipc, input and observability, each
# folder run by its run.sh.

LIBS      += vysup
vysup_SRC := $(wildcard ipc/*.c observability/*.c input/*.c)
$(foreach d,ipc input observability,$(call test_progs,$(d)-,$(wildcard tests/$(d)/*.c),vysup))
