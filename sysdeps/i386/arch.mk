# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The i386 port's build settings, read by the GNUmakefile for ARCH=i386.
# I386_GLIBC picks the geometry of sysdeps/i386/malloc-arch.h: 2.36 (the
# default, 16-byte alignment, that of the i386 glibc 2.36) or 2.17 (8-byte
# alignment, the source documents').
I386_GLIBC ?= 2.36
ifeq ($(I386_GLIBC),2.17)
PTM_ARCH_FLAGS += -DPTM_I386_GLIBC_2_17
else ifneq ($(I386_GLIBC),2.36)
$(error I386_GLIBC must be 2.36 or 2.17, not '$(I386_GLIBC)')
endif

# Debian's cross toolchain (gcc-i686-linux-gnu, libc6-dev-i386-cross).
CROSS ?= i686-linux-gnu-

# make check-ports: qemu-user with the cross glibc 2.36 as the root.  Its
# ld.so would read the host's /etc/ld.so.cache and load the host's
# 32-bit libc (libc6-i386, another build, whose private tunable numbers
# differ: GLIBC_TUNABLES' malloc settings were then ignored), so the
# cross libc is named with LD_LIBRARY_PATH.  The differential runs for
# the 2.36 geometry only (2.17's is not that glibc's); glibc's tcache
# header is a 400-byte chunk (a 384-byte tcache_perthread_struct).
PORT_RUNNER := qemu-i386 -L /usr/i686-linux-gnu \
	-E LD_LIBRARY_PATH=/usr/i686-linux-gnu/lib
PORT_TCACHE_CHUNK := 400
PORT_DIFFERENTIAL := $(if $(filter 2.36,$(I386_GLIBC)),yes)
# The experiments whose figures do not depend on the word size, for the
# 2.36 geometry (2.17's 8-byte alignment changes chunk sizes as well).
PORT_EXPERIMENTS := $(if $(filter 2.36,$(I386_GLIBC)),yes)

# The 2.17 geometry is checked against the source documents' 32-bit
# figures instead (harness/ports/geometry_i386.c).
PORT_FIGURES := $(if $(filter 2.17,$(I386_GLIBC)),geometry_i386)
