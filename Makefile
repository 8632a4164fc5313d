# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# make            BPF object, its skeleton and the hairpin-xdp loader, under build/
# make test       the whole test suite (tests/run): unit, sanitizers, integration
# make bench      the benchmark (bench/run)
# make deps       install the Debian packages the build and the tests need
# make demo       the NAT loopback story in network namespaces (demo/run)
# make man        docs/hairpin-xdp.8 from docs/hairpin-xdp.8.rst (needs rst2man)
# make install    build/hairpin-xdp and its man page under $(DESTDIR)$(PREFIX)

BUILD     ?= build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= gcc
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# The BPF side uses only UAPI headers (linux-libc-dev) and libbpf's
# bpf_helpers.h: packet code needs no CO-RE, and this keeps the object
# independent of the build machine's kernel. See docs/design.md.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra \
	-Wno-unused-parameter -Iinclude -Ibpf -I/usr/include/$(shell uname -m)-linux-gnu

CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -Iinclude -I$(BUILD) -Iuser
LDLIBS   := -lbpf -lelf -lz

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

BPF_OBJ   := $(BUILD)/hairpin.bpf.o
SKEL      := $(BUILD)/hairpin.skel.h
USER_SRCS := $(wildcard user/*.c)
USER_HDRS := $(wildcard user/*.h) $(wildcard include/hairpin/*.h)
BPF_HDRS  := $(wildcard bpf/lib/*.h) $(wildcard include/hairpin/*.h)
UNIT_SRCS := $(wildcard tests/unit/*.c)

.PHONY: all test bench deps clean asan unit demo testbpf benchbin
all: $(BUILD)/hairpin-xdp

$(BUILD):
	mkdir -p $@

$(BPF_OBJ): bpf/hairpin.bpf.c $(BPF_HDRS) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name hairpin > $@.tmp && mv $@.tmp $@

$(BUILD)/hairpin-xdp: $(USER_SRCS) $(USER_HDRS) $(SKEL)
	$(CC) $(CFLAGS) $(USER_SRCS) -o $@ $(LDLIBS)

# The same loader under AddressSanitizer and UBSan, run by the test suite.
$(BUILD)/asan/hairpin-xdp: $(USER_SRCS) $(USER_HDRS) $(SKEL)
	mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(USER_SRCS) -o $@ $(LDLIBS)

# Unit tests: BPF_PROG_TEST_RUN on crafted packets, built with sanitizers too.
$(BUILD)/unit_tests: $(UNIT_SRCS) $(wildcard tests/unit/*.h) $(SKEL) $(USER_HDRS)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests/unit $(UNIT_SRCS) -o $@ $(LDLIBS)

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
	$(CC) $(CFLAGS) -Ibench $< -o $@ $(LDLIBS)
$(BUILD)/bench/tcpcrr: bench/tcpcrr.c
	mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@
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
PREFIX  ?= /usr/local
RST2MAN ?= $(shell command -v rst2man || command -v rst2man.py)
MAN_PAGE := docs/hairpin-xdp.8

man:
	@if [ -z "$(RST2MAN)" ]; then \
		echo "rst2man not found (apt-get install python3-docutils): $(MAN_PAGE) not regenerated"; \
	else \
		$(RST2MAN) --strict $(MAN_PAGE).rst > $(MAN_PAGE).tmp && mv $(MAN_PAGE).tmp $(MAN_PAGE); \
	fi

install: $(BUILD)/hairpin-xdp
	install -D -m 0755 $(BUILD)/hairpin-xdp $(DESTDIR)$(PREFIX)/sbin/hairpin-xdp
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(PREFIX)/share/man/man8/hairpin-xdp.8
.PHONY: man install

# For reading kernel types while developing; the build does not use it.
vmlinux/vmlinux.h:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@
vmlinux: vmlinux/vmlinux.h
.PHONY: vmlinux
