# mk/vyoma.mk — the developer CLI `vyoma` (tools/vyoma/), linked with the
# manifest loader (libvyprofile.a, for `vyoma run`'s vyoma.toml and `vyoma
# manifest-reference`), the WASI host and the engine: build{,/asan}/bin/vyoma.

PROGS      += vyoma
vyoma_SRC  := $(wildcard tools/vyoma/*.c)
vyoma_LIBS := vycap vyhal vyprofile vwasi cm vw

# `make docs`: docs/apps.md's manifest reference, regenerated from the
# schema rows (tests/readme/run.sh fails when the committed one differs)
.PHONY: docs
docs: $(B)/bin/vyoma
	tools/vyoma/docs.sh $(B)/bin/vyoma docs/apps.md

# `make install`: what an app author needs, under $(DESTDIR)$(PREFIX): the
# CLIs, the SDK header as include/vyoma.h (where `vyoma new`'s Makefile
# looks for it), and the documentation.
PREFIX ?= /usr/local
INSTALL_BINS := $(B)/bin/vyoma $(B)/bin/vyctl $(B)/bin/vyoma-manifest
.PHONY: install
install: $(INSTALL_BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/doc/vyoma
	install -m 755 $(INSTALL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 sdk/vyoma.h $(DESTDIR)$(PREFIX)/include/vyoma.h
	install -m 644 docs/apps.md README.md $(DESTDIR)$(PREFIX)/share/doc/vyoma/
