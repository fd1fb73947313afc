# ikelab: build, run, test. See README.md.
#
#   make run        build (installing build dependencies) and open ikelab
#   make check      build and run every test (installing test tools)
#   make check-asan the same suite under AddressSanitizer + UBSan
#   make bench      benchmarks
#   make interop    real strongSwan and libreswan daemons against the profiles (root)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
MANDIR	 = $(PREFIX)/share/man/man1
DATADIR	 = $(PREFIX)/share/ikelab

CC	?= cc
PKG_CONFIG ?= pkg-config
BUILD	?= build

# Reasons and labels are bounded strings that are cut on purpose.
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-format-truncation
CFLAGS	?= -O2 -g
CSTD	 = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CPPFLAGS += -Icore -Icli -DIKELAB_DATADIR='"$(DATADIR)"'

CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS   := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto)
RL_LIBS       := $(shell $(PKG_CONFIG) --libs readline 2>/dev/null || echo -lreadline)
CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS   := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CORE_SRC = $(wildcard core/*.c)
CLI_SRC  = $(filter-out cli/main.c,$(wildcard cli/*.c))
TEST_SRC = $(wildcard tests/test_*.c)

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(CRYPTO_CFLAGS) $(CURSES_CFLAGS)

all: ikelab

ikelab: $(BUILD)/ikelab
	cp $(BUILD)/ikelab ikelab

$(BUILD)/ikelab: $(BUILD)/cli/main.o $(CLI_OBJ) $(BUILD)/libikecore.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(RL_LIBS) $(CURSES_LIBS) \
	    $(CRYPTO_LIBS) -lm

$(BUILD)/libikecore.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# core/ additionally warns about silent narrowing of lengths.
$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wconversion -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# tests/test_cli_*.c test cli/ and link it; the others link core/ only.
$(BUILD)/tests/test_cli_%: $(BUILD)/tests/test_cli_%.o $(CLI_OBJ) \
    $(BUILD)/libikecore.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(RL_LIBS) \
	    $(CURSES_LIBS) $(CRYPTO_LIBS) -lm

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libikecore.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) \
	    $(CRYPTO_LIBS) -lm

tests: $(TESTS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libikecore.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CRYPTO_LIBS) -lm

# The timeline's layout also links cli/tl_layout.c.
$(BUILD)/bench/bench_tl: $(BUILD)/bench/bench_tl.o $(BUILD)/cli/tl_layout.o \
    $(BUILD)/libikecore.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CRYPTO_LIBS) -lm

# Benchmarks print figures and ratios; they never fail on speed.
bench: deps-build $(BUILD)/bench/bench_exchange $(BUILD)/bench/bench_tl
	$(BUILD)/bench/bench_exchange 3
	$(BUILD)/bench/bench_tl

run: deps-build ikelab
	./ikelab

deps-build:
	@sh scripts/deps.sh build

deps-check:
	@sh scripts/deps.sh check

check: deps-check
	@$(MAKE) --no-print-directory ikelab tests
	@sh tests/run.sh $(BUILD)

check-asan: deps-check
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/ikelab tests
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    sh tests/run.sh build-asan

# The test binaries and the script transcripts under valgrind: any error
# or definite/indirect leak fails the run.
check-valgrind: deps-check
	@$(MAKE) --no-print-directory ikelab tests
	@VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect" sh tests/run.sh $(BUILD)

# Real strongSwan and libreswan daemons in network namespaces, as root:
# regenerates tests/interop/ladders/ and compares them with the profiles.
interop: ikelab
	@bash tests/interop/run.sh

# libFuzzer targets (fuzz/), FUZZ_SECONDS each; see scripts/fuzz.sh.
FUZZ_SECONDS ?= 60

fuzz: deps-check
	@sh scripts/fuzz.sh $(FUZZ_SECONDS)

check-boundaries:
	@! grep -nE '#include <(curses|ncurses|readline/)|[^n]printf\(|puts\(|exit\(' \
	    core/*.c core/*.h | grep -v 'snprintf' || \
	    { echo "core/ must not do terminal or file I/O"; exit 1; }

install: ikelab
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) \
	    $(DESTDIR)$(DATADIR)/lessons
	install -m 755 ikelab $(DESTDIR)$(BINDIR)/ikelab
	install -m 644 ikelab.1 $(DESTDIR)$(MANDIR)/ikelab.1
	for f in lessons/*; do [ -f "$$f" ] && \
	    install -m 644 "$$f" $(DESTDIR)$(DATADIR)/lessons/; done; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ikelab $(DESTDIR)$(MANDIR)/ikelab.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz ikelab

.PHONY: fuzz bench all run deps-build deps-check check check-asan check-valgrind check-boundaries interop \
	install uninstall clean tests

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
