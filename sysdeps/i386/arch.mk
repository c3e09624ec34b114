# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The i386 port's build settings, read by the GNUmakefile for ARCH=i386.
# I386_GLIBC picks the geometry of sysdeps/i386/malloc-arch.h: 2.36 (the
# default, 16-byte alignment, that of the i386 glibc make check-ports
# compares with) or 2.17 (8-byte alignment, the source documents').
I386_GLIBC ?= 2.36
ifeq ($(I386_GLIBC),2.17)
PTM_ARCH_FLAGS += -DPTM_I386_GLIBC_2_17
else ifneq ($(I386_GLIBC),2.36)
$(error I386_GLIBC must be 2.36 or 2.17, not '$(I386_GLIBC)')
endif
