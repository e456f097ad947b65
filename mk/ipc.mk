# mk/ipc.mk — the supervisor's support library libvysup.a: the IPC broker
# (ipc/), heartbeat and metrics formatting (observability/) and the TTY
# input router (input/), plus their unit tests (tests/ipc/*.c,
# tests/input/*.c, tests/observability/*.c, each folder run by its run.sh).
# New .c files in those folders join the library by wildcard.  Objects come
# from the main Makefile's pattern rules.
#
#   build/lib/libvysup.a        build/asan/lib/libvysup.a
#   build/bin/ipc-NAME          build/asan/bin/ipc-NAME   (tests/ipc/NAME.c)
#   build/bin/input-NAME        build/asan/bin/input-NAME (tests/input/NAME.c)
#   build/bin/observability-NAME  ...  (tests/observability/NAME.c)

VYSUP_SRC  := $(wildcard ipc/*.c observability/*.c input/*.c)
VYSUP_OBJ  := $(VYSUP_SRC:%.c=$(B)/obj/%.o)
VYSUP_AOBJ := $(VYSUP_SRC:%.c=$(A)/obj/%.o)
VYSUP_TEST_DIRS := ipc input observability
IPC_TEST_SRC  := $(foreach d,$(VYSUP_TEST_DIRS),$(wildcard tests/$(d)/*.c))
IPC_TESTS     := $(foreach d,$(VYSUP_TEST_DIRS),$(patsubst tests/$(d)/%.c,$(d)-%,$(wildcard tests/$(d)/*.c)))
IPC_TEST_OBJ  := $(IPC_TEST_SRC:%.c=$(B)/obj/%.o)
IPC_TEST_AOBJ := $(IPC_TEST_SRC:%.c=$(A)/obj/%.o)

$(B)/lib/libvysup.a: $(VYSUP_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/lib/libvysup.a: $(VYSUP_AOBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# build/bin/DIR-NAME from tests/DIR/NAME.c, for each DIR of VYSUP_TEST_DIRS
define vysup_test_rules
$(B)/bin/$(1)-%: $(B)/obj/tests/$(1)/%.o $(B)/lib/libvysup.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$^ -lpthread

$(A)/bin/$(1)-%: $(A)/obj/tests/$(1)/%.o $(A)/lib/libvysup.a
	@mkdir -p $$(@D)
	$$(CC) $$(ASANFLAGS) -o $$@ $$^ -lpthread
endef
$(foreach d,$(VYSUP_TEST_DIRS),$(eval $(call vysup_test_rules,$(d))))

all:  $(B)/lib/libvysup.a $(IPC_TESTS:%=$(B)/bin/%)
asan: $(A)/lib/libvysup.a $(IPC_TESTS:%=$(A)/bin/%)

.PHONY: ipc-test
ipc-test:
	tests/ipc/run.sh

-include $(VYSUP_OBJ:.o=.d) $(VYSUP_AOBJ:.o=.d) $(IPC_TEST_OBJ:.o=.d) $(IPC_TEST_AOBJ:.o=.d)
