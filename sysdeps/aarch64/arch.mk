# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The aarch64 port's build settings, read by the GNUmakefile for
# ARCH=aarch64.  Its geometry is the generic LP64 one
# (sysdeps/generic/malloc-arch.h) and its valgrind client requests the
# portable form (sysdeps/generic/track-issue.h): nothing else differs.

# Debian's cross toolchain (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross).
CROSS ?= aarch64-linux-gnu-

# make check-ports: qemu-user with the cross glibc 2.36 as the root, the
# differential against it; its tcache header is x86_64's 656-byte chunk.
PORT_RUNNER := qemu-aarch64 -L /usr/aarch64-linux-gnu
PORT_TCACHE_CHUNK := 656
PORT_DIFFERENTIAL := yes
# The experiments whose figures do not depend on the word size.
PORT_EXPERIMENTS := yes
