# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make check-glibc: glibc's own malloc tests (malloc/tst-*.c of the glibc
# release the host runs, from Debian's glibc-source), built against the
# installed glibc and run on glibc itself and on the drop-in.  Included by
# GNUmakefile; docs/glibc-tests.md explains the whole of it.
#
# Nothing of glibc enters the tree: the release's malloc/ and support/
# directories, test-skeleton.c and the few headers of include/ and
# sysdeps/generic/ that the tests include are extracted into $(GLIBC_DIR)
# at build time.  harness/glibc/include/ holds this project's own stand-ins
# for the two headers of glibc's build system that the tests include
# (shlib-compat.h, libc-symbols.h).
#
# Layout of $(GLIBC_DIR):
#   src/        the extracted sources (src/.stamp marks a complete copy)
#   inc/        the extracted headers of include/ and sysdeps/generic/
#   obj/        libsupport's objects and libsupport.a; the tests' objects
#   bin/        one executable per test, NAME-mcheck linked with -lmcheck
#   out/        the runner's logs: one .out and one .res per run

GLIBC_VERSION := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | \
	sed 's/^glibc //')
GLIBC_TARBALL ?= /usr/src/glibc/glibc-$(GLIBC_VERSION).tar.xz
GLIBC_DIR := $(BUILD)/glibc
GLIBC_SRC := $(GLIBC_DIR)/src
GLIBC_INC := $(GLIBC_DIR)/inc
GLIBC_OBJ := $(GLIBC_DIR)/obj
GLIBC_BIN := $(GLIBC_DIR)/bin
GLIBC_STAMP := $(GLIBC_SRC)/.stamp
GLIBC_LIST := harness/glibc/tests.txt
GLIBC_EXPECTED := harness/glibc/expected.txt
# Every test's timeout is multiplied by this (glibc's test driver reads
# it from the environment); generous, so that a loaded machine passes.
TIMEOUTFACTOR ?= 10
# Runs at once: most of the long tests wait on locks, timers or children.
GLIBC_JOBS ?= $(NPROC)
# The packages: the sources, the mtrace script, libmcheck.a and
# libc_malloc_debug.so (libc6-dev, libc6).
GLIBC_PKGS := glibc-source libc-devtools libc6-dev perl

# What is taken from the release: directories, then single files.
GLIBC_DIRS := malloc support
GLIBC_FILES := test-skeleton.c
GLIBC_HEADERS := include/array_length.h include/libc-diag.h \
	include/intprops.h include/scratch_buffer.h include/alloc_buffer.h \
	sysdeps/generic/malloc-size.h sysdeps/generic/malloc-alignment.h \
	sysdeps/generic/malloc-hugepages.h

# The part of glibc's libsupport that the malloc tests use (found by
# linking every test against the whole library and keeping what the
# linker took).  A test that needs more fails to link, and the target
# with it.
GLIBC_SUPPORT := check ignore_stderr oom_error support-xstat \
	support_capture_subprocess support_copy_file support_copy_file_range \
	support_paths support_record_failure support_shared_allocate \
	support_subprocess support_test_compare_failure support_test_main \
	support_test_verify_impl temp_file write_message xasprintf xcalloc \
	xchdir xclose xdup2 xfclose xfopen xfork xmalloc xmemstream xmmap \
	xmunmap xopen xpipe xpoll xposix_spawn \
	xposix_spawn_file_actions_addclose xposix_spawn_file_actions_adddup2 \
	xpthread_barrier_destroy xpthread_barrier_init xpthread_barrier_wait \
	xpthread_barrierattr_destroy xpthread_barrierattr_init \
	xpthread_barrierattr_setpshared xpthread_check_return \
	xpthread_create xpthread_join xpthread_kill xrealloc xsignal \
	xsysconf xwaitpid
GLIBC_SUPPORT_OBJS := $(GLIBC_SUPPORT:%=$(GLIBC_OBJ)/support/%.o)
GLIBC_LIBSUPPORT := $(GLIBC_OBJ)/libsupport.a

# The executables: each test of tests.txt, and NAME-mcheck for each test
# that has an mcheck line.
GLIBC_NAMES := $(shell awk '!/^\#/ && NF >= 2 && $$2 != "n/a" { \
	print $$1 ($$2 == "mcheck" ? "-mcheck" : "") }' $(GLIBC_LIST) | \
	sort -u)
GLIBC_PROGS := $(GLIBC_NAMES:%=$(GLIBC_BIN)/%)

# The compiler as glibc's build gives it to tests: C11 with GNU
# extensions, optimised, the tests' own directory layout on the include
# path, and glibc's configured timeout factor of 1 (the environment's
# TIMEOUTFACTOR scales it at run time).  Warnings are glibc's business.
GLIBC_MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
GLIBC_LIBDIR := /usr/lib/$(GLIBC_MULTIARCH)
GLIBC_DEBUG_SO := $(GLIBC_LIBDIR)/libc_malloc_debug.so.0
GLIBC_CC = $(CC) -std=gnu11 -O2 -g -w -D_GNU_SOURCE -DTIMEOUTFACTOR=1 \
	-I $(GLIBC_SRC) -I $(GLIBC_INC) -I harness/glibc/include \
	-include harness/glibc/include/libc-symbols.h
# support_paths.c wants the build's directories; the tests use none.
GLIBC_PATHS := SRCDIR OBJDIR OBJDIR_ELF_LDSO INSTDIR LIBDIR BINDIR \
	SBINDIR SLIBDIR ROOTSBINDIR COMPLOCALEDIR
GLIBC_PATH_FLAGS = $(foreach p,$(GLIBC_PATHS),\
	-D$(p)_PATH='"$(abspath $(GLIBC_DIR))"')
# Per-test link inputs, as glibc's malloc/Makefile gives them.
GLIBC_LIBS_tst-mallocstate := $(GLIBC_DEBUG_SO)
glibc_libs = $(GLIBC_LIBS_$(patsubst %-mcheck,%,$(1))) \
	$(if $(filter %-mcheck,$(1)),-lmcheck)

.PHONY: check-glibc check-glibc-deps check-glibc-build check-glibc-run
check-glibc: check-glibc-deps
	$(Q)$(MAKE) $(PARALLEL) all check-glibc-build
	$(Q)$(MAKE) check-glibc-run

check-glibc-deps:
	$(call apt-install-missing,$(GLIBC_PKGS),check-glibc-deps)

check-glibc-build: $(GLIBC_PROGS)

check-glibc-run:
	$(call msg,RUN,harness/glibc/check.sh)
	$(Q)TIMEOUTFACTOR=$(TIMEOUTFACTOR) harness/glibc/check.sh \
		--list $(GLIBC_LIST) --expected $(GLIBC_EXPECTED) \
		--src $(GLIBC_SRC) --bin $(GLIBC_BIN) \
		--out $(GLIBC_DIR)/out --dropin $(abspath $(SHARED)) \
		--debug $(GLIBC_DEBUG_SO) --jobs $(GLIBC_JOBS)

# Extract into a fresh directory and rename it into place, so that an
# interrupted extraction never looks complete.
$(GLIBC_STAMP): $(GLIBC_TARBALL)
	$(call msg,TAR,$(GLIBC_SRC))
	$(Q)rm -rf $(GLIBC_SRC) $(GLIBC_INC) $(GLIBC_DIR)/tmp
	$(Q)mkdir -p $(GLIBC_DIR)/tmp
	$(Q)top=glibc-$(GLIBC_VERSION); \
	tar -xJf $< -C $(GLIBC_DIR)/tmp --strip-components=1 \
		$(addprefix $$top/,$(GLIBC_DIRS) $(GLIBC_FILES) \
		$(GLIBC_HEADERS))
	$(Q)mkdir -p $(GLIBC_DIR)/tmp/inc
	$(Q)mv $(addprefix $(GLIBC_DIR)/tmp/,$(GLIBC_HEADERS)) \
		$(GLIBC_DIR)/tmp/inc/
	$(Q)mv $(GLIBC_DIR)/tmp/inc $(GLIBC_INC)
	$(Q)mv $(GLIBC_DIR)/tmp $(GLIBC_SRC)
	$(Q)touch $@

$(GLIBC_TARBALL):
	@echo "check-glibc: $@ is missing (make check-glibc-deps" \
		"installs glibc-source)" >&2; exit 1

# Some support files include their neighbours by bare name, and count on
# <limits.h>, which glibc's internal headers bring in on the way.
$(GLIBC_SUPPORT_OBJS): $(GLIBC_OBJ)/support/%.o: $(GLIBC_STAMP)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(GLIBC_CC) -I $(GLIBC_SRC)/support -include limits.h \
		$(GLIBC_PATH_FLAGS) \
		-c $(GLIBC_SRC)/support/$*.c -o $@

$(GLIBC_LIBSUPPORT): $(GLIBC_SUPPORT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# glibc compiles its malloc tests without the test skeleton's mallopt
# call (TEST_NO_MALLOPT), and links threaded ones with libpthread.
$(GLIBC_OBJ)/malloc/%.o: $(GLIBC_STAMP)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(GLIBC_CC) -DTEST_NO_MALLOPT -c $(GLIBC_SRC)/malloc/$*.c -o $@

$(GLIBC_BIN)/%: $(GLIBC_LIBSUPPORT) $(THIS_MAKEFILE) harness/glibc/glibc.mk
	@mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CC) -o $@ $(GLIBC_OBJ)/malloc/$(patsubst %-mcheck,%,$*).o \
		$(call glibc_libs,$*) $(GLIBC_LIBSUPPORT) -lpthread

$(foreach n,$(GLIBC_NAMES),$(eval $(GLIBC_BIN)/$(n): \
	$(GLIBC_OBJ)/malloc/$(patsubst %-mcheck,%,$(n)).o))
