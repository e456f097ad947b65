# mk/ipc.mk — the supervisor's support library libvysup.a: the IPC broker
# (ipc/), heartbeat and metrics formatting (observability/) and the TTY
# input router (input/), plus their unit tests (tests/{ipc,input,observability}/
# NAME.c -> build{,/asan}/bin/ipc-NAME, run by tests/ipc/run.sh).

LIBS      += vysup
vysup_SRC := $(wildcard ipc/*.c observability/*.c input/*.c)
$(call test_progs,ipc-,$(wildcard tests/ipc/*.c tests/input/*.c tests/observability/*.c),vysup)

.PHONY: ipc-test
ipc-test:
	tests/ipc/run.sh
