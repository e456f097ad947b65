# mk/image.mk — the VyomaOS image: kernel, initramfs, data disk, and QEMU.
#   make build   build/image/{bzImage,initramfs.cpio.gz,data.img,cmdline}
#   make bundle VERSION=X.Y.Z [PROFILE=NAME] [BUNDLE_EXTRA=DIR]
#                an update bundle of the current tree (docs/ota.md):
#                build/bundle/vyoma-VERSION.vyb
#   make boot    (make run) boot it in QEMU, the console on this terminal;
#                GUI=1 also shows the display.  QEMU's escape key is Ctrl-T
#                (Ctrl-T x quits), so Ctrl-A reaches VyomaOS's focus switching.
# Not part of `all`: the first kernel build takes ~10 minutes (later ones are
# a cache hit, see scripts/kernel.sh) and needs root for /dev/console in the
# initramfs.  tests/boot/run.sh boots the image and powers it off.
IMG        := $(B)/image
IMG_ROOT   := $(IMG)/rootfs
# the hardware apps are in every image but start only where a profile
# with a board names them (desktop-hal): their manifests say autostart = false
IMAGE_APPS ?= shell ping pong logger sensor consumer bar clockface sysmon notes \
              blink button thermostat uart-echo adc-log
IMAGE_PROFILE ?= desktop-full
# the display font; vyomad reads it as /usr/share/fonts/default.ttf
IMAGE_FONT ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
QEMU       ?= qemu-system-x86_64
QEMU_MEM   ?= 128M

IMAGE_APP_FILES := $(foreach a,$(IMAGE_APPS),$(B)/apps/$(a)/$(a).wasm $(B)/apps/$(a)/vyoma.toml)

# Updates (docs/ota.md).  The factory version is /etc/vyoma/version; the
# key updates must be signed with is /etc/vyoma/ota.pub.  The development
# key pair lives outside the repository (never committed) and outside
# build/ (so `make clean` and image-clean keep it: an image built before
# still takes the bundles made after), made once by the first `make build`
# or `make bundle`: OTA_KEY_DIR/ota-dev.{key,pub}.  A product signs with
# its own key: OTA_KEY_DIR=/secure/place.
IMAGE_VERSION ?= $(shell sed -n 's/^\#define VYOMAD_VERSION "\(.*\)"/\1/p' supervisor/vyomad.h)
OTA_KEY_DIR   ?= $(HOME)/.config/vyoma
OTA_KEY       := $(OTA_KEY_DIR)/ota-dev.key
OTA_PUB       := $(OTA_KEY_DIR)/ota-dev.pub
$(OTA_PUB): | $(B)/bin/vyoma-bundle
	@mkdir -p $(OTA_KEY_DIR)
	@echo "image: a development update key pair in $(OTA_KEY_DIR) (ota-dev.key stays there)"
	$(B)/bin/vyoma-bundle keygen --out $(OTA_KEY_DIR) --name ota-dev
$(OTA_KEY): $(OTA_PUB)
# the version and the key's hash, rewritten only when they change
$(IMG)/ota.stamp: cmdline-check | $(OTA_PUB)
	@mkdir -p $(@D)
	@v="$(IMAGE_VERSION) $$(sha256sum <$(OTA_PUB))"; \
	  echo "$$v" | cmp -s - $@ || echo "$$v" > $@

# The kernel command line every boot uses (make run, the boot test,
# bench/boot.sh read it from build/image/cmdline).  acpi=noirq: PCI
# interrupts from the BIOS tables instead of ACPI's interrupt links, whose
# evaluation costs ~0.35 s per device under emulation; ACPI still powers
# off.  (pci=noacpi, as fast, loses the bochs VGA: its driver never binds.)
# quiet, then loglevel=N from the profile's console_loglevel (4 if it has
# none: errors only), keep kernel messages from splicing into the console
# once the shell is up; vyomad as PID 1 applies the profile's level again
# (the one vyoma.profile= names).  V=1 (make run V=1): ignore_loglevel,
# every kernel message, whatever the level.  printk.time=1: kernel lines
# carry "[ seconds]", which is how the boot test tells them apart.
IMAGE_LOGLEVEL := $(or $(shell sed -n 's/^console_loglevel *= *\([0-7]\).*/\1/p' \
                    profiles/$(IMAGE_PROFILE).toml 2>/dev/null),4)
KERNEL_QUIET := $(if $(filter 1,$(V)),ignore_loglevel,quiet loglevel=$(IMAGE_LOGLEVEL))
KERNEL_CMDLINE ?= console=ttyS0 acpi=noirq printk.time=1 $(KERNEL_QUIET)

.PHONY: build boot kernel image-clean
build: $(IMG)/bzImage $(IMG)/initramfs.cpio.gz $(IMG)/data.img $(IMG)/cmdline

# rewritten only when V or the profile changed what it says
$(IMG)/cmdline: mk/image.mk cmdline-check
	@mkdir -p $(@D)
	@echo "$(KERNEL_CMDLINE)" | cmp -s - $@ || echo "$(KERNEL_CMDLINE)" > $@
.PHONY: cmdline-check

# Always asks kernel.sh: it knows the cache key (fragment hash + source
# version) and answers in milliseconds when nothing changed.  The copy only
# happens when the cached kernel differs, so the image is not rebuilt for
# nothing.
# kernel.sh OUT copies the kernel and its modules (i2c-stub.ko) into
# $(IMG)/kernel/; from there bzImage and modules/ are copied on only when
# they differ, and modules.sum (their names and checksums) is rewritten
# only then, so the initramfs that carries them is not rebuilt for nothing.
kernel:
	@mkdir -p $(IMG)
	@echo "image: bzImage: the kernel, from scripts/kernel.sh (a cache hit, or built once, ~10 minutes)"
	@scripts/kernel.sh $(IMG)/kernel/bzImage >/dev/null && \
	  { cmp -s $(IMG)/kernel/bzImage $(IMG)/bzImage || \
	    { cp $(IMG)/kernel/bzImage $(IMG)/bzImage && echo "image: bzImage: copied from the cache"; }; } && \
	  sum=$$(cd $(IMG)/kernel/modules && find . -name '*.ko' | LC_ALL=C sort | xargs -r sha256sum) && \
	  { [ -f $(IMG)/modules.sum ] && echo "$$sum" | cmp -s - $(IMG)/modules.sum || \
	    { rm -rf $(IMG)/modules && cp -r $(IMG)/kernel/modules $(IMG)/modules && \
	      echo "$$sum" >$(IMG)/modules.sum && \
	      echo "image: modules: $$(ls $(IMG)/modules | tr '\n' ' ')from the cache"; }; }
$(IMG)/bzImage $(IMG)/modules.sum: kernel

# The root filesystem staging tree is rebuilt from scratch each time, so a
# removed app or profile does not linger.  /dev/console must exist in the
# archive: the kernel opens it for /init's stdin/stdout/stderr before
# devtmpfs is mounted.  Making the node needs root (the build runs as root;
# without it the image boots but /init starts with no console).
# The hardware: /boards/NAME.toml next to /profiles (a profile's board =
# "NAME" is /boards/NAME.toml), and the kernel's modules, flat, in
# /lib/modules/NAME.ko, where a board's bring-up loads them from.
$(IMG)/initramfs.cpio.gz: mk/image.mk $(B)/static/vyomad $(IMAGE_APP_FILES) $(wildcard profiles/*.toml) \
                          $(wildcard boards/*.toml) $(IMG)/modules.sum $(IMG)/ota.stamp
	@echo "image: initramfs: staging $(IMG_ROOT): /init (static vyomad), $(words $(IMAGE_APPS)) apps, profiles, boards, modules, font, /dev nodes"
	@rm -rf $(IMG_ROOT) && mkdir -p $(IMG_ROOT)/{apps,profiles,boards,lib/modules,dev,proc,sys,run,tmp,data,usr/share/fonts,etc/vyoma}
	echo $(IMAGE_VERSION) > $(IMG_ROOT)/etc/vyoma/version
	cp $(OTA_PUB) $(IMG_ROOT)/etc/vyoma/ota.pub
	cp $(B)/static/vyomad $(IMG_ROOT)/init
	strip $(IMG_ROOT)/init
	for a in $(IMAGE_APPS); do mkdir -p $(IMG_ROOT)/apps/$$a && \
	  cp $(B)/apps/$$a/$$a.wasm $(B)/apps/$$a/vyoma.toml $(IMG_ROOT)/apps/$$a/; done
	cp profiles/*.toml $(IMG_ROOT)/profiles/
	$(if $(wildcard boards/*.toml),cp boards/*.toml $(IMG_ROOT)/boards/)
	$(if $(wildcard $(IMG)/modules/*.ko),cp $(IMG)/modules/*.ko $(IMG_ROOT)/lib/modules/)
	@if [ -f $(IMAGE_FONT) ]; then cp $(IMAGE_FONT) $(IMG_ROOT)/usr/share/fonts/default.ttf; \
	  else echo "image: $(IMAGE_FONT) not found (fonts-dejavu-core); no font in the image"; fi
	@mknod -m 600 $(IMG_ROOT)/dev/console c 5 1 2>/dev/null || \
	  echo "image: warning: cannot mknod /dev/console (not root); /init will have no console"
	@mknod -m 666 $(IMG_ROOT)/dev/null c 1 3 2>/dev/null || true
	@echo "image: initramfs: packing the tree (cpio newc, gzip -9)"
	cd $(IMG_ROOT) && find . -mindepth 1 | LC_ALL=C sort | \
	  cpio -o -H newc -R 0:0 --quiet | gzip -9n > $(abspath $@).tmp
	mv $@.tmp $@
	@echo "image: $@ $$(stat -c %s $@) bytes"

# The data disk is user state: made once, never overwritten by a rebuild
# (image-clean removes it).  One folder per app, since an app with
# filesystem = true gets /data/<app> preopened as /data.
$(IMG)/data.img:
	@echo "image: data.img: the 64 MiB ext4 data disk, a folder per app (made once, kept by rebuilds)"
	@rm -rf $(IMG)/data && mkdir -p $(IMG)/data
	for a in $(IMAGE_APPS); do mkdir -p $(IMG)/data/$$a; done
	mke2fs -q -F -t ext4 -L vyoma-data -d $(IMG)/data $@ 64M

# The VM always has a virtio GPU (the display exists and the apps draw);
# GUI=1 shows it in a window, or, with no $$DISPLAY / $$WAYLAND_DISPLAY to
# open one on (ssh), serves it over VNC on 127.0.0.1:5900.  Without GUI=1
# QEMU draws nowhere.
GUI_LOCAL  := $(if $(DISPLAY)$(WAYLAND_DISPLAY),,-display vnc=127.0.0.1:0)
QEMU_SCREEN := $(if $(filter 1,$(GUI)),$(GUI_LOCAL),-nographic)
# The second serial port, the VM's ttyS1 (the console is ttyS0): a board's
# "uart" (boards/qemu-x86.toml: ttyS1 for uart-echo).  Always there, so the
# port is a real 16550A in every boot; null by default, QEMU_UART=pty puts
# it on a host pseudo-terminal (QEMU names it: "char device redirected to
# /dev/pts/N"), to talk to uart-echo with `make run IMAGE_PROFILE=desktop-hal`.
QEMU_UART  ?= null
boot: build
	@echo "boot: QEMU escape is Ctrl-T (Ctrl-T x quits); Ctrl-A switches apps"
	@$(if $(filter 1,$(GUI)),$(if $(GUI_LOCAL),echo "boot: no display to open a window on; the screen is on VNC 127.0.0.1:5900",true),true)
	$(QEMU) -kernel $(IMG)/bzImage -initrd $(IMG)/initramfs.cpio.gz \
	  -append "$$(cat $(IMG)/cmdline) vyoma.profile=$(IMAGE_PROFILE)" \
	  -drive file=$(IMG)/data.img,format=raw,if=virtio \
	  -vga none -device virtio-gpu-pci $(QEMU_SCREEN) -echr 0x14 \
	  -serial mon:stdio -serial $(QEMU_UART) \
	  -m $(QEMU_MEM) -no-reboot

image-clean:
	rm -rf $(IMG)

# make bundle VERSION=X.Y.Z: the slot tree build/bundle/tree-VERSION (a
# static vyomad built to say VERSION, the image's apps, the profiles, and
# BUNDLE_EXTRA's files over them: a folder laid out as a slot, e.g. the boot
# test's changed apps), signed with OTA_KEY, for PROFILE (default: every
# profile) on x86_64.  BUNDLE_VYOMAD=FILE: that supervisor instead of a
# new build (a bundle that changes only apps).
BUNDLE_DIR      ?= $(B)/bundle
BUNDLE_PROFILES  = $(or $(PROFILE),$(basename $(notdir $(wildcard profiles/*.toml))))
BUNDLE_TREE      = $(BUNDLE_DIR)/tree-$(VERSION)
.PHONY: bundle
bundle: $(B)/bin/vyoma-bundle $(IMAGE_APP_FILES) $(OTA_KEY) $$(VYOMAD_STATIC_SRC) | $(SODIUM_INC)
	@test -n "$(VERSION)" || { echo "usage: make bundle VERSION=X.Y.Z [PROFILE=NAME] [BUNDLE_EXTRA=DIR]"; exit 2; }
	@rm -rf $(BUNDLE_TREE) && mkdir -p $(BUNDLE_TREE)/apps $(BUNDLE_TREE)/profiles
	$(if $(BUNDLE_VYOMAD),cp $(BUNDLE_VYOMAD) $(BUNDLE_TREE)/vyomad,$(call vyomad_static,$(BUNDLE_TREE)/vyomad,-DVYOMAD_VERSION='"$(VERSION)"') $(VYOTA_STATIC_LDLIBS) && strip $(BUNDLE_TREE)/vyomad)
	for a in $(IMAGE_APPS); do mkdir -p $(BUNDLE_TREE)/apps/$$a && \
	  cp $(B)/apps/$$a/$$a.wasm $(B)/apps/$$a/vyoma.toml $(BUNDLE_TREE)/apps/$$a/; done
	cp profiles/*.toml $(BUNDLE_TREE)/profiles/
	$(if $(BUNDLE_EXTRA),cp -r $(BUNDLE_EXTRA)/. $(BUNDLE_TREE)/)
	$(B)/bin/vyoma-bundle create --key $(OTA_KEY) --version $(VERSION) --arch x86_64 \
	  $(foreach p,$(BUNDLE_PROFILES),--profile $(p)) $(BUNDLE_TREE) $(BUNDLE_DIR)/vyoma-$(VERSION).vyb
	@echo "bundle: $(BUNDLE_DIR)/vyoma-$(VERSION).vyb $$(stat -c %s $(BUNDLE_DIR)/vyoma-$(VERSION).vyb) bytes"
