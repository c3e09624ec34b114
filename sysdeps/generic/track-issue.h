/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * track_issue() of malloc/valgrind.h on any CPU valgrind.h knows (i386,
 * aarch64, ...): its own client-request macro, which builds the argument
 * block on the stack.  An architecture with a cheaper form of its own
 * (x86_64) puts it in sysdeps/<arch>/track-issue.h.
 */
#ifndef PTM_TRACK_ISSUE_H
#define PTM_TRACK_ISSUE_H

#define track_issue(last)                                              \
	do {                                                           \
		VALGRIND_DO_CLIENT_REQUEST_STMT(track_req.word[0],     \
						track_req.word[1],     \
						track_req.word[2],     \
						track_req.word[3],     \
						track_req.word[4], 0); \
		track_req.word[1] = (last);                            \
	} while (0)

#endif /* PTM_TRACK_ISSUE_H */
