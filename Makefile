# Sampan: the top-level GNU Makefile.  `make help` lists the targets.
#
#   make            build the library, sampan-build and sampan-play in build/
#   make test       install missing Debian packages, build with ASan+UBSan, run every test
#   make check      the same with warnings as errors, then lint (what CI runs)
#   make demo       build the sample courses and serve them
#   make bench-pi   a Raspberry Pi 4 classroom, simulated: 600 bundles, 40 phones (bench/RESULTS.md)
#   make bench      measure against nginx, kiwix-serve, python3 http.server, zip: bench/RESULTS.md
#   make leakcheck  the unit tests and the end-to-end scripts under valgrind
#   make format     apply .clang-format;  make lint: clang-format check, banned calls, cppcheck,
#                   and the floors: no call or include between builder/ and player/, none upward
#   make vectors    regenerate format-spec/vectors/ from its generator
#   make pot        po/sampan.pot from the player's strings, and po/*.po merged with it
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (60) with clang
#   make soak       200 connections for SOAK_SECONDS (600) while bundles come and go
#   make test-browser  the classroom in headless Chromium;  make screenshots: docs/screenshots/
#   make man        the man pages (man/*.scd, through scdoc) in build/man/
#   make test-unit  build and run the unit tests only, installing nothing (for package builds)
#   make deb        Debian packages in build/deb/ (ARCH=arm64 cross-builds them), lintian-clean
#   make test-arm64 the arm64 build's unit and end-to-end tests under qemu-user
#   make kit        the offline kit in build/kit/ (amd64, arm64);  make test-kit: installed in chroots
#   make install    the programs, their man pages and data; PREFIX=/usr/local DESTDIR=
#   make clean

SHELL := /bin/bash
.DEFAULT_GOAL := all

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
# A cross build (make deb ARCH=arm64) names its tools: aarch64-linux-gnu-gcc, -ar, -pkg-config.
PKG_CONFIG ?= pkg-config
AR ?= ar
# Tools run while building (player/tools/) are built for this machine, even in a cross build.
CC_FOR_BUILD ?= cc
PKG_CONFIG_FOR_BUILD ?= pkg-config
PYTHON ?= /usr/bin/python3
O ?= build
SANITIZE ?= 0
WERROR ?= 0

PKGS := libzip libsodium libcrypto jansson icu-uc zlib
BUILDER_PKGS := libcmark-gfm libarchive yaml-0.1 gumbo
PLAYER_PKGS := libmicrohttpd libqrencode sqlite3
# Lazy (=): evaluated after `make test` has installed the packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(BUILDER_PKGS) $(PLAYER_PKGS))
# librsync (update deltas, bundle/rsyncio.c) ships no pkg-config file in Debian 12.
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lrsync
BUILDER_LIBS = $(shell $(PKG_CONFIG) --libs $(BUILDER_PKGS))
# libstemmer (Snowball's stemmers) is opened by search when it first needs it
# (player/variants.c): not linked.
PLAYER_LIBS = $(shell $(PKG_CONFIG) --libs $(PLAYER_PKGS)) -ldl

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wconversion -Wvla -Wwrite-strings -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
# CPPFLAGS (e.g. Debian's -D_FORTIFY_SOURCE=2 from dpkg-buildflags) goes into every compile.
CPPFLAGS ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 $(WARNINGS) \
	-DSAMPAN_VERSION='"$(VERSION)"' $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS ?=
LDFLAGS += -pthread
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif
# make fuzz builds everything with clang's coverage for libFuzzer (FUZZ=1, in build/fuzz).
ifeq ($(FUZZ),1)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ALL_CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif

BUNDLE_SRC := $(sort $(wildcard bundle/*.c))
BUNDLE_OBJ := $(BUNDLE_SRC:%.c=$(O)/%.o)
BUNDLE_LIB := $(O)/libsampan-bundle.a
BUNDLE_HDR := $(sort $(wildcard bundle/*.h))

# The floor both programs stand on (messages and exit codes, allocation that exits,
# paths, the clock, HTML escaping...): its own library, which bundle/ never uses.
COMMON_SRC := $(sort $(wildcard common/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(O)/%.o)
COMMON_LIB := $(O)/libsampan-common.a

# sampan-build: every builder/*.c but main.c goes into a library the tests link too.
BUILDER_SRC := $(sort $(filter-out builder/main.c,$(wildcard builder/*.c)))
BUILDER_OBJ := $(BUILDER_SRC:%.c=$(O)/%.o)
BUILDER_LIB := $(O)/libsampan-builder.a
SAMPAN_BUILD := $(O)/sampan-build

# sampan-play likewise: every player/*.c but main.c into a library.
PLAYER_SRC := $(sort $(filter-out player/main.c,$(wildcard player/*.c)))
PLAYER_OBJ := $(PLAYER_SRC:%.c=$(O)/%.o)
PLAYER_LIB := $(O)/libsampan-player.a
SAMPAN_PLAY := $(O)/sampan-play

PROGRAMS := $(if $(wildcard builder/main.c),$(SAMPAN_BUILD)) \
	$(if $(wildcard player/main.c),$(SAMPAN_PLAY))

# Man pages: written in scdoc's source format (man/NAME.SECTION.scd), made into roff.
MAN_SRC := $(sort $(wildcard man/*.scd))
MAN_PAGES := $(MAN_SRC:man/%.scd=$(O)/man/%)
SCDOC ?= scdoc

# The classroom service's files that name where things are installed (service/*.in).
SERVICE_FILES := $(O)/service/sampan-play.service $(O)/service/sampan-media.rules \
	$(O)/service/sampan-media $(O)/service/sampan-play.tmpfiles

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
UNIT_HELPER_SRC := $(sort $(wildcard tests/unit/helpers/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPER_SRC:%.c=$(O)/%.o)
UNIT_HELPER_LIB := $(O)/tests/libtesthelpers.a

.PHONY: all lib deps test check run-tests test-unit man service leakcheck format lint vectors pot install \
	uninstall clean help deb kit test-kit test-arm64 demo bench bench-pi soak fuzz fuzz-build test-browser screenshots

all: lib $(PROGRAMS)

lib: $(BUNDLE_LIB)

# V=1 shows the full commands.
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(O)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Ibundle -Icommon -Ibuilder -Iplayer -Itests/unit -Itests/unit/helpers -c -o $@ $<

$(O)/builder/%.o: builder/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Ibundle -Icommon -c -o $@ $<

$(O)/player/%.o: player/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Ibundle -Icommon -Iplayer -I$(O)/gen -c -o $@ $<

# Traditional to Simplified Chinese for search: ICU's Hant-Hans transliterator run once
# over the CJK blocks at build time, so that the player never loads it.
HANS_TABLE := $(O)/gen/hans-table.h
$(O)/gen/hans-table: player/tools/hans-table.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC_FOR_BUILD) -O2 -o $@ $< $(shell $(PKG_CONFIG_FOR_BUILD) --cflags --libs icu-i18n icu-uc)
$(HANS_TABLE): $(O)/gen/hans-table
	@[ "$(V)" = 1 ] || echo "  GEN     $@"
	$(Q)$< >$@.tmp 2>/dev/null && mv $@.tmp $@
$(O)/player/variants.o: $(HANS_TABLE)

# The player carries its own files, written into C by player/tools/embed.c: the
# stylesheets and script of player/assets/, and the interface translations of po/,
# each compiled by `msgfmt --check` (a .po it rejects fails the build).  Embedded, they
# keep sampan-play one file, with nothing to install beside it (l10n.c says why the
# catalogs are not read through libintl).
EMBED := $(O)/gen/embed
PO_FILES := $(sort $(wildcard po/*.po))
MO_FILES := $(PO_FILES:po/%.po=$(O)/po/%.mo)
ASSET_FILES := $(sort $(wildcard player/assets/*.css player/assets/*.js))
GEN_OBJ := $(O)/gen/assets.o $(O)/gen/catalogs.o
$(EMBED): player/tools/embed.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC_FOR_BUILD) -O2 -o $@ $<
$(O)/po/%.mo: po/%.po
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  MSGFMT  $<"
	$(Q)msgfmt --check --output-file=$@.tmp $< || { rm -f $@.tmp; exit 1; }; mv $@.tmp $@
$(O)/gen/catalogs.c: $(MO_FILES) $(EMBED)
	@[ "$(V)" = 1 ] || echo "  GEN     $@"
	$(Q)$(EMBED) embedded_catalogs $(MO_FILES) >$@.tmp && mv $@.tmp $@
$(O)/gen/assets.c: $(ASSET_FILES) $(EMBED)
	@[ "$(V)" = 1 ] || echo "  GEN     $@"
	$(Q)$(EMBED) embedded_assets $(ASSET_FILES) >$@.tmp && mv $@.tmp $@
$(O)/gen/%.o: $(O)/gen/%.c
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Iplayer -c -o $@ $<

$(O)/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Ibundle -Icommon -c -o $@ $<

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/man/%: man/%.scd
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  SCDOC   $<"
	$(Q)$(SCDOC) <$< >$@.tmp && mv $@.tmp $@

man: $(MAN_PAGES)

$(BUNDLE_LIB): $(BUNDLE_OBJ)
	@rm -f $@
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(COMMON_LIB): $(COMMON_OBJ)
	@rm -f $@
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(BUILDER_LIB): $(BUILDER_OBJ)
	@rm -f $@
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(SAMPAN_BUILD): $(O)/builder/main.o $(BUILDER_LIB) $(COMMON_LIB) $(BUNDLE_LIB)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(BUILDER_LIBS) $(PKG_LIBS)

$(PLAYER_LIB): $(PLAYER_OBJ) $(GEN_OBJ)
	@rm -f $@
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(SAMPAN_PLAY): $(O)/player/main.o $(PLAYER_LIB) $(COMMON_LIB) $(BUNDLE_LIB)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(PLAYER_LIBS) $(PKG_LIBS)

# The helpers in an archive of their own: a test takes only the helpers it calls (and
# tu_site's player code only where a test asks for a site).
$(UNIT_HELPER_LIB): $(UNIT_HELPER_OBJ)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(O)/tests/%: tests/unit/%.c $(UNIT_HELPER_LIB) $(PLAYER_LIB) $(BUILDER_LIB) $(COMMON_LIB) \
		$(BUNDLE_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ibundle -Ibuilder -Icommon -Iplayer -Itests/unit/helpers -o $@ $< \
		$(UNIT_HELPER_LIB) $(PLAYER_LIB) $(BUILDER_LIB) $(COMMON_LIB) $(BUNDLE_LIB) \
		$(LDFLAGS) $(PLAYER_LIBS) $(BUILDER_LIBS) $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

deps:
	@scripts/install-deps.sh

# Makes allocations fail on demand in the real programs (tests/scripts/t0200-out-of-memory.sh):
# an LD_PRELOAD library, without the sanitizers, whose runtime it hands allocations to.
$(O)/tests/failmalloc.so: tests/lib/failmalloc.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) -std=c11 $(WARNINGS) $(if $(filter 1,$(WERROR)),-Werror) $(CPPFLAGS) $(CFLAGS) -fPIC \
		-shared -o $@ $< -ldl

# Kills the real programs (SIGKILL) just before their Nth write, sync, rename or unlink
# (tests/scripts/t3960-player-updates.sh: a power cut at every stage of applying an update).
$(O)/tests/killat.so: tests/lib/killat.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) -std=c11 $(WARNINGS) $(if $(filter 1,$(WERROR)),-Werror) $(CPPFLAGS) $(CFLAGS) -fPIC \
		-shared -o $@ $< -ldl

# ---- fuzzing: tests/fuzz/*.c, one libFuzzer target each ----
FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/fuzz/%)
FUZZ_SECONDS ?= 60

fuzz:
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory O=build/fuzz CC=clang FUZZ=1 fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) PYTHON=$(PYTHON) scripts/fuzz.sh $(FUZZ_BIN)

fuzz-build: $(FUZZ_BIN)

$(O)/fuzz/%: tests/fuzz/%.c $(PLAYER_LIB) $(BUILDER_LIB) $(COMMON_LIB) $(BUNDLE_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Ibundle -Ibuilder -Icommon -Iplayer -o $@ $< \
		$(PLAYER_LIB) $(BUILDER_LIB) $(COMMON_LIB) $(BUNDLE_LIB) \
		$(LDFLAGS) $(PLAYER_LIBS) $(BUILDER_LIBS) $(PKG_LIBS)

# Debian packages (debian/, scripts/make-deb.sh) into build/deb/; ARCH=arm64 cross-builds.
ARCH ?= $(shell dpkg --print-architecture 2>/dev/null)
deb:
	@scripts/install-deps.sh deb $(if $(filter-out $(shell dpkg --print-architecture),$(ARCH)),$(ARCH))
	@scripts/make-deb.sh $(ARCH)

# The arm64 build, cross-compiled, and its unit and end-to-end tests under qemu-user (the
# programs run through qemu-aarch64-static with Debian's arm64 libraries; no binfmt needed).
test-arm64:
	@scripts/install-deps.sh arm64
	@RUN_WITH=qemu-aarch64-static $(MAKE) --no-print-directory O=build/arm64 \
		CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar PKG_CONFIG=aarch64-linux-gnu-pkg-config \
		CFLAGS="-O2 -g" run-tests

# The offline kit (scripts/make-kit.sh, kit/) into build/kit/, for amd64 and arm64; make test-kit
# installs it on minimal Debian 12 and 13 systems in chroots, offline (scripts/test-kit.sh).
kit:
	@scripts/install-deps.sh deb arm64 kit
	@scripts/make-kit.sh

test-kit: kit
	@scripts/test-kit.sh

DEMO_PORT ?= 8080
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(SAMPAN_BUILD) $(SAMPAN_PLAY) $(DEMO_PORT)

# The classroom in Debian's Chromium, driven by playwright-core (tests/browser/).
test-browser: deps
	@scripts/install-deps.sh browser
	@$(MAKE) --no-print-directory all
	@tests/browser/run.sh test $(SAMPAN_BUILD) $(SAMPAN_PLAY)

screenshots: deps
	@scripts/install-deps.sh browser
	@$(MAKE) --no-print-directory all
	@tests/browser/run.sh screenshots $(SAMPAN_BUILD) $(SAMPAN_PLAY)

# make bench: Sampan against its peers into bench/RESULTS.md and bench/startup-memory.png
# (bench/run.sh); BENCH_FULL=1 for a larger run.
BENCH_FULL ?= 0
bench:
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory all
	@SAMPAN_BUILD=$(SAMPAN_BUILD) SAMPAN_PLAY=$(SAMPAN_PLAY) PYTHON=$(PYTHON) BENCH_FULL=$(BENCH_FULL) \
		bench/run.sh

# make bench-pi: a Raspberry Pi 4 classroom, simulated (bench/pi.sh, bench/pi.py); needs root.
bench-pi: deps
	@$(MAKE) --no-print-directory all
	@SAMPAN_BUILD=$(SAMPAN_BUILD) SAMPAN_PLAY=$(SAMPAN_PLAY) PYTHON=$(PYTHON) bench/pi.sh

SOAK_SECONDS ?= 600
soak: deps
	@$(MAKE) --no-print-directory all
	@SAMPAN_BUILD=$(SAMPAN_BUILD) SAMPAN_PLAY=$(SAMPAN_PLAY) PYTHON=$(PYTHON) bench/soak.sh $(SOAK_SECONDS)

test: deps
	@$(MAKE) --no-print-directory O=build/san SANITIZE=1 run-tests

check: deps
	@$(MAKE) --no-print-directory O=build/san SANITIZE=1 WERROR=1 run-tests
	@$(MAKE) --no-print-directory O=build/san SANITIZE=1 WERROR=1 lint

run-tests: $(BUNDLE_LIB) $(PROGRAMS) $(UNIT_BIN) $(O)/tests/failmalloc.so $(O)/tests/killat.so \
	$(MAN_PAGES) $(SERVICE_FILES)
	@O=$(O) PYTHON=$(PYTHON) tests/run-tests.sh $(UNIT_BIN)

# The unit tests alone, with whatever CFLAGS the caller gives: no package is installed and
# no end-to-end script runs (dh_auto_test runs this in a package build).
test-unit: $(UNIT_BIN)
	@O=$(O) PYTHON=$(PYTHON) RUN_SCRIPTS=0 tests/run-tests.sh $(UNIT_BIN)

# test_zip64 hashes 4 GiB of a sparse file: it runs in `make test`, but under
# valgrind it would take many minutes to go through the same code paths again.
LEAK_TESTS = $(filter-out build/valgrind/tests/test_zip64,$(UNIT_SRC:tests/unit/%.c=build/valgrind/tests/%))

leakcheck: deps
	@$(MAKE) --no-print-directory O=build/valgrind build/valgrind/libsampan-bundle.a \
		$(PROGRAMS:$(O)/%=build/valgrind/%) $(LEAK_TESTS) build/valgrind/tests/failmalloc.so \
		build/valgrind/tests/killat.so
	@O=build/valgrind VALGRIND=1 tests/run-tests.sh $(LEAK_TESTS)

FORMAT_FILES = $(wildcard bundle/*.[ch] builder/*.[ch] common/*.[ch] player/*.[ch] tests/unit/*.[ch] \
	tests/fuzz/*.c tests/lib/*.c \
	tests/unit/helpers/*.[ch])

format:
	clang-format -i $(FORMAT_FILES)

# make lint checks the floors too (scripts/layers.sh), on the objects of $(O).
lint: $(PROGRAMS) $(BUNDLE_LIB) $(COMMON_LIB) $(BUILDER_LIB) $(PLAYER_LIB)
	@scripts/lint.sh $(FORMAT_FILES)
	@VERSION=$(VERSION) scripts/lint-po.sh $(sort $(wildcard player/*.c))
	@scripts/install-deps.sh weblint
	@scripts/lint-web.sh
	@scripts/layers.sh $(O)

vectors:
	$(PYTHON) format-spec/vectors/generate.py

# The two programs, their man pages, the format's specification, and the classroom service
# (service/: systemd units, the user, the folders, the USB stick rule and its helper, the
# settings).  Sampan has no public C library: libsampan-bundle.a and the headers are internal
# to the two programs.  After installing the service by hand, as root:
#   systemd-sysusers; systemd-tmpfiles --create; systemctl daemon-reload
#   systemctl enable --now sampan-play.socket sampan-play.service
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DOCDIR = $(PREFIX)/share/doc/sampan
LIBEXECDIR = $(PREFIX)/libexec
SYSCONFDIR = /etc
UNITDIR = $(PREFIX)/lib/systemd/system
UDEVRULESDIR = $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d
TMPFILESDIR = $(PREFIX)/lib/tmpfiles.d
FONTSDIR = /usr/share/fonts/truetype/noto
LIBRARYDIR = /var/lib/sampan/library
MEDIADIR = /run/sampan/media
SPEC_DOCS := format-spec/bundle-v1.md format-spec/course-source.md format-spec/search-text.md
service: $(SERVICE_FILES)

$(O)/service/%: service/%.in Makefile
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  GEN     $@"
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@FONTSDIR@|$(FONTSDIR)|g' \
		-e 's|@LIBRARYDIR@|$(LIBRARYDIR)|g' -e 's|@MEDIADIR@|$(MEDIADIR)|g' $< >$@.tmp && \
		mv $@.tmp $@

install: $(PROGRAMS) $(MAN_PAGES) $(SERVICE_FILES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DOCDIR)/format-spec $(DESTDIR)$(LIBEXECDIR)/sampan $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(SYSCONFDIR)/sampan/trusted.d
	$(if $(PROGRAMS),install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/)
	install -m 0644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(SPEC_DOCS) $(DESTDIR)$(DOCDIR)/format-spec/
	install -m 0644 $(O)/service/sampan-play.service service/sampan-play.socket \
		$(DESTDIR)$(UNITDIR)/
	install -m 0644 $(O)/service/sampan-media.rules $(DESTDIR)$(UDEVRULESDIR)/90-sampan-media.rules
	install -m 0755 $(O)/service/sampan-media $(DESTDIR)$(LIBEXECDIR)/sampan/
	install -m 0644 service/sampan-play.sysusers $(DESTDIR)$(SYSUSERSDIR)/sampan-play.conf
	install -m 0644 $(O)/service/sampan-play.tmpfiles $(DESTDIR)$(TMPFILESDIR)/sampan-play.conf
	install -m 0644 service/trusted.d-README $(DESTDIR)$(SYSCONFDIR)/sampan/trusted.d/README
	[ -e $(DESTDIR)$(SYSCONFDIR)/sampan/sampan-play.conf ] || \
		install -m 0644 service/sampan-play.conf $(DESTDIR)$(SYSCONFDIR)/sampan/

# po/sampan.pot from the strings the player marks (l10n.h), then every po/LANG.po
# brought in step with it (new strings untranslated or fuzzy, for translators).
pot:
	VERSION=$(VERSION) scripts/pot.sh po/sampan.pot $(sort $(wildcard player/*.c))
	@for po in $(PO_FILES); do msgmerge --quiet --update --backup=none $$po po/sampan.pot || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sampan-build $(DESTDIR)$(BINDIR)/sampan-play
	rm -f $(DESTDIR)$(MANDIR)/man1/sampan-build.1 $(DESTDIR)$(MANDIR)/man1/sampan-play.1 \
		$(DESTDIR)$(MANDIR)/man5/sampan-bundle.5
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(LIBEXECDIR)/sampan
	rm -f $(DESTDIR)$(UNITDIR)/sampan-play.service $(DESTDIR)$(UNITDIR)/sampan-play.socket \
		$(DESTDIR)$(UDEVRULESDIR)/90-sampan-media.rules \
		$(DESTDIR)$(SYSUSERSDIR)/sampan-play.conf $(DESTDIR)$(TMPFILESDIR)/sampan-play.conf \
		$(DESTDIR)$(SYSCONFDIR)/sampan/trusted.d/README

# What a dpkg-buildpackage run in the tree leaves in debian/ goes too.
clean:
	rm -rf build debian/.debhelper debian/tmp debian/files debian/debhelper-build-stamp \
		debian/sampan-play debian/sampan-build debian/sampan-common
	rm -f debian/*.substvars debian/*.debhelper.log debian/*.debhelper

help:
	@sed -n '3,/^$$/p' Makefile | sed '/^$$/d; s/^# \{0,1\}//'

# Every object's and every test program's header dependencies (-MMD -MP), main.o's too.
-include $(BUNDLE_OBJ:.o=.d) $(BUILDER_OBJ:.o=.d) $(PLAYER_OBJ:.o=.d) $(COMMON_OBJ:.o=.d) \
	$(GEN_OBJ:.o=.d) \
	$(UNIT_HELPER_OBJ:.o=.d) $(O)/builder/main.d $(O)/player/main.d $(UNIT_BIN:=.d) \
	$(FUZZ_SRC:tests/fuzz/%.c=$(O)/fuzz/%.d)
