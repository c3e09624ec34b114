/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * track_issue() of malloc/valgrind.h on x86-64: valgrind's documented
 * magic sequence written out (rotations of rdi by 128 bits in all, a
 * no-op natively, then the marker exchange) with the request's address
 * in rax, because valgrind.h's own macro builds the argument block on
 * the stack, which would give ptm_malloc's fast path a stack frame.
 */
#ifndef PTM_TRACK_ISSUE_H
#define PTM_TRACK_ISSUE_H

#define track_issue(last)                                                   \
	do {                                                                \
		unsigned long track_res_ = 0;                               \
		__asm__ volatile("rolq $3, %%rdi; rolq $13, %%rdi\n\t"      \
				 "rolq $61, %%rdi; rolq $51, %%rdi\n\t"     \
				 "xchgq %%rbx, %%rbx"                       \
				 : "=d"(track_res_)                         \
				 : "a"(&track_req.word[0]), "0"(track_res_) \
				 : "cc", "memory");                         \
		track_req.word[1] = (last);                                 \
	} while (0)

#endif /* PTM_TRACK_ISSUE_H */
