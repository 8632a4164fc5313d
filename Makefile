# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make            BPF object, its skeleton and the hairpin-xdp loader, under build/
# make test       the whole test suite (tests/run): unit, sanitizers, integration
# make bench      the benchmark (bench/run)
# make deps       install the Debian packages the build and the tests need
# make demo       the NAT loopback story in network namespaces (demo/run)
# make man        docs/hairpin-xdp.8 from docs/hairpin-xdp.8.rst (needs rst2man)
# make install    the loader, man page, systemd unit, OpenWrt init script, bash
#                 completion and config files under $(DESTDIR)$(PREFIX); make uninstall
# make deb        build/hairpin-xdp_VERSION_ARCH.deb (Debian 12)
#
# Cross builds, the usual ways (the BPF object is the same on every build host):
#   make CROSS_COMPILE=aarch64-linux-gnu-
#   make ARCH=arm64                          (CROSS_COMPILE from ARCH)
#   make ARCH=arm64 CC=aarch64-linux-gnu-gcc
# CC, CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are honoured (Debian's
# dpkg-buildflags reach the compile and the link); libbpf is found with
# pkg-config, for the target when cross compiling. BPF_EXTRA_CFLAGS reach the
# BPF compile only (e.g. -mcpu=v3: other programs from the same source, as
# the upgrade test uses).

BUILD     ?= build
# The loader's version (`hairpin-xdp --version`, the Debian package's).
VERSION   ?= $(or $(shell git log -1 --format=0.1.0~git%cd.%h --date=format:%Y%m%d 2>/dev/null),0.1.0)
CLANG     ?= clang
BPFTOOL   ?= bpftool

# ---- target ----

# Debian's triplet for a kernel ARCH name, for CROSS_COMPILE=triplet-.
triplet_of = $(or $(strip \
	$(if $(filter x86 x86_64 amd64,$(1)),x86_64-linux-gnu) \
	$(if $(filter arm64 aarch64,$(1)),aarch64-linux-gnu) \
	$(if $(filter arm armhf,$(1)),arm-linux-gnueabihf) \
	$(if $(filter riscv riscv64,$(1)),riscv64-linux-gnu) \
	$(if $(filter mips,$(1)),mips-linux-gnu) \
	$(if $(filter mipsel,$(1)),mipsel-linux-gnu) \
	$(if $(filter powerpc ppc64el,$(1)),powerpc64le-linux-gnu)),$(error unknown ARCH '$(1)'))

HOST_TRIPLET := $(shell gcc -dumpmachine 2>/dev/null)
ifneq ($(ARCH),)
ifeq ($(CROSS_COMPILE),)
ifneq ($(call triplet_of,$(ARCH)),$(HOST_TRIPLET))
CROSS_COMPILE := $(call triplet_of,$(ARCH))-
endif
endif
endif
# make's built-in CC is "cc": replace it, keep one the user gave.
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
TRIPLET := $(shell $(CC) -dumpmachine 2>/dev/null)

# libbpf of the target: the triplet's pkg-config where Debian has one, else
# pkg-config restricted to the target's multiarch folder.
ifneq ($(shell command -v $(TRIPLET)-pkg-config 2>/dev/null),)
PKG_CONFIG ?= $(TRIPLET)-pkg-config
else ifneq ($(TRIPLET),$(HOST_TRIPLET))
PKG_CONFIG ?= PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
else
PKG_CONFIG ?= pkg-config
endif
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS   := $(or $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null),-lbpf)

# ---- the BPF side ----

# Kernel UAPI headers (linux-libc-dev) and libbpf's, nothing from a C library
# nor from the build host's multiarch folder: vmlinux/ provides the BPF
# target's own asm/ headers (see vmlinux/README.md). The byte order is the
# target's: bpfeb for a big-endian router.
TARGET_ENDIAN := $(shell echo | $(CC) -dM -E - 2>/dev/null | \
	sed -n 's/^\#define __BYTE_ORDER__ __ORDER_\([A-Z]*\)_ENDIAN__$$/\1/p')
BPF_TARGET ?= $(if $(filter BIG,$(TARGET_ENDIAN)),bpfeb,bpfel)
BPF_CFLAGS := -g -O2 -target $(BPF_TARGET) -Wall -Wextra -Wno-unused-parameter \
	-Iinclude -Ibpf -Ivmlinux $(BPF_EXTRA_CFLAGS)

BPF_OBJ   := $(BUILD)/hairpin.bpf.o
SKEL      := $(BUILD)/hairpin.skel.h
BPF_HDRS  := $(wildcard bpf/lib/*.h) $(wildcard include/hairpin/*.h) $(wildcard vmlinux/asm/*.h)

# ---- the loader ----

CFLAGS   ?= -O2 -g
# Ours, always applied; the user's CFLAGS come after and may add to them.
HP_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter
HP_CPPFLAGS := -Iinclude -I$(BUILD) -Iuser $(LIBBPF_CFLAGS)
LDLIBS   ?=
HP_LDLIBS := $(LIBBPF_LIBS)

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# The test build also has the fault injection points (user/fault.h).
FAULT_FLAGS := -DHP_FAULTS

USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(BUILD)/obj/%.o,$(USER_SRCS))
ASAN_OBJS := $(patsubst user/%.c,$(BUILD)/asan/obj/%.o,$(USER_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)

.PHONY: all test bench deps clean asan unit demo testbpf benchbin bpf
all: $(BUILD)/hairpin-xdp
bpf: $(BPF_OBJ)

$(BUILD) $(BUILD)/obj $(BUILD)/asan/obj:
	mkdir -p $@

$(BPF_OBJ): bpf/hairpin.bpf.c $(BPF_HDRS) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name hairpin > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

# The version, rewritten only when it changes (so only what includes it is
# rebuilt).
$(BUILD)/hp_version.h: FORCE | $(BUILD)
	@echo '#define HP_VERSION "$(VERSION)"' > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE

# Every object waits for the skeleton and the version (some include them);
# -MMD records the headers each really includes.
$(BUILD)/obj/%.o: user/%.c | $(SKEL) $(BUILD)/hp_version.h $(BUILD)/obj
	$(CC) $(HP_CPPFLAGS) $(CPPFLAGS) $(HP_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hairpin-xdp: $(USER_OBJS)
	$(CC) $(HP_CFLAGS) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(HP_LDLIBS) $(LDLIBS)

# The same loader under AddressSanitizer and UBSan, run by the test suite.
$(BUILD)/asan/obj/%.o: user/%.c | $(SKEL) $(BUILD)/hp_version.h $(BUILD)/asan/obj
	$(CC) $(HP_CPPFLAGS) $(CPPFLAGS) $(HP_CFLAGS) $(CFLAGS) $(SAN_FLAGS) $(FAULT_FLAGS) -MMD -MP -c $< -o $@

$(BUILD)/asan/hairpin-xdp: $(ASAN_OBJS)
	$(CC) $(HP_CFLAGS) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $^ -o $@ $(HP_LDLIBS) $(LDLIBS)

-include $(USER_OBJS:.o=.d) $(ASAN_OBJS:.o=.d)

# Unit tests: BPF_PROG_TEST_RUN on crafted packets, built with sanitizers too.
$(BUILD)/unit_tests: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(SKEL) $(wildcard include/hairpin/*.h)
	$(CC) $(HP_CPPFLAGS) $(CPPFLAGS) $(HP_CFLAGS) $(CFLAGS) $(SAN_FLAGS) -Itests/unit \
		$(UNIT_SRCS) -o $@ $(LDFLAGS) $(HP_LDLIBS) $(LDLIBS)

asan: $(BUILD)/asan/hairpin-xdp
unit: $(BUILD)/unit_tests

# Test-only BPF programs (tests/bpf/): a trivial XDP_PASS for the far end of
# the router's veths, which must run NAPI to receive XDP_TX/REDIRECT frames.
TEST_BPF_OBJS := $(BUILD)/xdp_pass.bpf.o
$(BUILD)/xdp_pass.bpf.o: tests/bpf/xdp_pass.bpf.c | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
testbpf: $(TEST_BPF_OBJS)

# tests/run and demo/run install missing packages (tests/lib/deps.sh) and then
# build, so on a fresh machine there is nothing to build before them.
test:
	tests/run

demo:
	demo/run

# The benchmark's own BPF programs and packet tool (bench/); bench/run builds
# them itself, so `bench/run --quick` works from the test suite too.
BENCH_BPF := $(patsubst bench/bpf/%.bpf.c,$(BUILD)/bench/%.bpf.o,$(wildcard bench/bpf/*.bpf.c))
$(BUILD)/bench/%.bpf.o: bench/bpf/%.bpf.c $(wildcard bench/bpf/*.h) $(BPF_HDRS)
	mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibench/bpf -c $< -o $@
$(BUILD)/bench/hpbench: bench/hpbench.c bench/bpf/bench.h
	mkdir -p $(dir $@)
	$(CC) $(HP_CPPFLAGS) $(CPPFLAGS) $(HP_CFLAGS) $(CFLAGS) -Ibench $< -o $@ $(LDFLAGS) $(HP_LDLIBS) $(LDLIBS)
$(BUILD)/bench/tcpcrr: bench/tcpcrr.c
	mkdir -p $(dir $@)
	$(CC) $(HP_CFLAGS) $(CFLAGS) $< -o $@ $(LDFLAGS)
benchbin: $(BUILD)/bench/hpbench $(BUILD)/bench/tcpcrr $(BENCH_BPF)

bench:
	bench/run

deps:
	tests/lib/deps.sh

clean:
	rm -rf $(BUILD)

# The man page: docs/hairpin-xdp.8.rst is the source; the generated page is
# committed (as xdp-tools does) so that neither building nor installing needs
# docutils. Without rst2man (Debian: python3-docutils) the page is left as is.
RST2MAN ?= $(shell command -v rst2man || command -v rst2man.py)
MAN_PAGE := docs/hairpin-xdp.8

man:
	@if [ -z "$(RST2MAN)" ]; then \
		echo "rst2man not found (apt-get install python3-docutils): $(MAN_PAGE) not regenerated"; \
	else \
		$(RST2MAN) --strict $(MAN_PAGE).rst > $(MAN_PAGE).tmp && mv $(MAN_PAGE).tmp $(MAN_PAGE); \
	fi

# ---- install ----

PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
DOCDIR  ?= $(DATADIR)/doc/hairpin-xdp
# /etc for a system install (PREFIX=/usr), else under the prefix.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# systemd reads units from /usr/local/lib/systemd/system too; Debian 12's
# packages install them in /lib/systemd/system (make deb).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
# The OpenWrt procd script is kept with the data files; an OpenWrt build
# installs it with INITDIR=/etc/init.d.
INITDIR ?= $(DATADIR)/hairpin-xdp/openwrt
INSTALL ?= install

CONF     := $(SYSCONFDIR)/hairpin-xdp/hairpin-xdp.conf
DEFAULTS := $(SYSCONFDIR)/default/hairpin-xdp

INSTALLED := $(SBINDIR)/hairpin-xdp $(MANDIR)/man8/hairpin-xdp.8 \
	$(SYSTEMDUNITDIR)/hairpin-xdp.service $(INITDIR)/hairpin-xdp \
	$(BASHCOMPDIR)/hairpin-xdp $(DOCDIR)/examples/hairpin-xdp.conf

# The unit and the init script name the installed paths: made at install
# time, for the PREFIX of that install.
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONFIG@|$(CONF)|g' -e 's|@DEFAULTS@|$(DEFAULTS)|g'
SUBST_INIT = sed -e 's|^PROG=.*|PROG=$(SBINDIR)/hairpin-xdp|' -e 's|^CONF=.*|CONF=$(CONF)|' \
	-e 's|^DEFAULTS=.*|DEFAULTS=$(DEFAULTS)|'

# The config file and the service defaults are the admin's: installed only
# where there are none yet, removed by uninstall only if still as shipped.
install: $(BUILD)/hairpin-xdp
	$(INSTALL) -D -m 0755 $(BUILD)/hairpin-xdp $(DESTDIR)$(SBINDIR)/hairpin-xdp
	$(INSTALL) -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man8/hairpin-xdp.8
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(INITDIR)
	$(SUBST) packaging/hairpin-xdp.service.in > $(DESTDIR)$(SYSTEMDUNITDIR)/hairpin-xdp.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/hairpin-xdp.service
	$(SUBST_INIT) packaging/hairpin-xdp.init > $(DESTDIR)$(INITDIR)/hairpin-xdp
	chmod 0755 $(DESTDIR)$(INITDIR)/hairpin-xdp
	$(INSTALL) -D -m 0644 packaging/hairpin-xdp.bash-completion $(DESTDIR)$(BASHCOMPDIR)/hairpin-xdp
	$(INSTALL) -D -m 0644 packaging/example.conf $(DESTDIR)$(DOCDIR)/examples/hairpin-xdp.conf
	[ -e $(DESTDIR)$(CONF) ] || $(INSTALL) -D -m 0644 packaging/hairpin-xdp.conf $(DESTDIR)$(CONF)
	[ -e $(DESTDIR)$(DEFAULTS) ] || $(INSTALL) -D -m 0644 packaging/hairpin-xdp.default $(DESTDIR)$(DEFAULTS)

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	! cmp -s packaging/hairpin-xdp.conf $(DESTDIR)$(CONF) || rm -f $(DESTDIR)$(CONF)
	! cmp -s packaging/hairpin-xdp.default $(DESTDIR)$(DEFAULTS) || rm -f $(DESTDIR)$(DEFAULTS)
	rmdir $(DESTDIR)$(SYSCONFDIR)/hairpin-xdp $(DESTDIR)$(INITDIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/hairpin-xdp 2>/dev/null || true
.PHONY: man install uninstall

# ---- Debian package ----

# make deb: build/hairpin-xdp_VERSION_ARCH.deb with dpkg-deb alone (no
# debhelper): the install above staged with PREFIX=/usr, the maintainer
# scripts of packaging/debian/, and the library dependencies that
# dpkg-shlibdeps reads from the binary. Installs with apt-get install ./FILE.
DEB_VERSION ?= $(VERSION)
DEB_ARCH    ?= $(shell dpkg-architecture -qDEB_HOST_ARCH $(if $(filter $(TRIPLET),$(HOST_TRIPLET)),,-t$(TRIPLET)) 2>/dev/null)
DEB_STAGE   := $(BUILD)/deb
DEB         := $(BUILD)/hairpin-xdp_$(DEB_VERSION)_$(DEB_ARCH).deb
STRIP       ?= $(CROSS_COMPILE)strip

deb: $(BUILD)/hairpin-xdp
	rm -rf $(DEB_STAGE) $(BUILD)/hairpin-xdp_*.deb
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_STAGE))/root PREFIX=/usr \
		SYSTEMDUNITDIR=/lib/systemd/system BUILD=$(BUILD)
	$(STRIP) --strip-unneeded --remove-section=.comment --remove-section=.note \
		$(DEB_STAGE)/root/usr/sbin/hairpin-xdp
	gzip -9n $(DEB_STAGE)/root/usr/share/man/man8/hairpin-xdp.8
	rm -r $(DEB_STAGE)/root/usr/share/hairpin-xdp	# the OpenWrt init script
	$(INSTALL) -D -m 0644 packaging/debian/copyright $(DEB_STAGE)/root/usr/share/doc/hairpin-xdp/copyright
	mkdir -p $(DEB_STAGE)/root/DEBIAN $(DEB_STAGE)/debian
	printf 'Source: hairpin-xdp\n\nPackage: hairpin-xdp\nArchitecture: any\n' > $(DEB_STAGE)/debian/control
	cd $(DEB_STAGE) && dpkg-shlibdeps -O root/usr/sbin/hairpin-xdp | sed -n 's/^shlibs:Depends=//p' > depends
	test -s $(DEB_STAGE)/depends
	sed -e 's|@VERSION@|$(DEB_VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' \
		-e "s|@DEPENDS@|$$(cat $(DEB_STAGE)/depends)|" \
		-e "s|@SIZE@|$$(du -sk --exclude=DEBIAN $(DEB_STAGE)/root | cut -f1)|" \
		packaging/debian/control.in > $(DEB_STAGE)/root/DEBIAN/control
	$(INSTALL) -m 0644 packaging/debian/conffiles $(DEB_STAGE)/root/DEBIAN/conffiles
	$(INSTALL) -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm \
		$(DEB_STAGE)/root/DEBIAN/
	cd $(DEB_STAGE)/root && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print | \
		sed 's|^\./||' | LC_ALL=C sort | xargs md5sum > DEBIAN/md5sums
	dpkg-deb --root-owner-group -Zxz --build $(DEB_STAGE)/root $(DEB) >/dev/null
	@echo "$(DEB)"
.PHONY: deb

# For reading kernel types while developing; the build does not use it.
vmlinux/vmlinux.h:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@
vmlinux: vmlinux/vmlinux.h
.PHONY: vmlinux

# make print-VAR: a variable's value, for tests (tests/build/) and scripts.
print-%:
	@echo '$($*)'
