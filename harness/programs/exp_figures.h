/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The documents' figures: one row per figure of /work/shared/spec/
 * experiments.md (restated in docs/experiments.md), with the experiment
 * program that measures it.  Included by experiments.c (the table of
 * `make experiments`) and by test_experiments_real.c (which asserts the
 * same rows under Criterion), so the two can never disagree.
 *
 * A row names a run ("exp_NAME MODE", or "strace exp_NAME MODE" for the
 * same program under the real strace, see exp_run.h) and the KEY its
 * output reports.  @want is the figure to reproduce; @doc is what the
 * source document printed, which differs from @want only on rows marked
 * with an erratum number of experiments.md.
 */
#ifndef PTM_EXP_FIGURES_H
#define PTM_EXP_FIGURES_H

/* How a measured value is held against the figure. */
enum exp_cmp {
	EXP_EQ, /* exactly @want */
	EXP_GE, /* at least @want */
	EXP_ABS_LE, /* a difference of at most @want either way */
};

/* How the figures of a row are printed. */
enum exp_fmt {
	EXP_DEC, /* 135168 */
	EXP_BRK, /* +0x21000: a break delta */
	EXP_HEX, /* 0x20f61 */
};

/**
 * struct exp_figure - one figure of the documents.
 * @id: the experiment ("E-4.3.4").
 * @measure: what is measured, in a few words.
 * @run: the program run that measures it.
 * @key: the KEY of the run's output holding the measured value.
 * @want: the figure (corrected where an erratum applies).
 * @doc: the document's own figure (== @want unless @erratum).
 * @cmp: how the measured value must relate to @want.
 * @fmt: how to print the values.
 * @erratum: 0, or the erratum number of experiments.md behind the row.
 */
struct exp_figure {
	const char *id;
	const char *measure;
	const char *run;
	const char *key;
	long long want;
	long long doc;
	enum exp_cmp cmp;
	enum exp_fmt fmt;
	int erratum;
};

/* One row per line reads best as a table: not reformatted. */
/* clang-format off */
#define FIG(id, m, run, key, want) { id, m, run, key, want, want, EXP_EQ, EXP_DEC, 0 }
#define FIG_BRK(id, m, run, key, want) { id, m, run, key, want, want, EXP_EQ, EXP_BRK, 0 }
#define FIG_HEX(id, m, run, key, want) { id, m, run, key, want, want, EXP_EQ, EXP_HEX, 0 }
#define FIG_ERR(id, m, run, key, want, doc, n) { id, m, run, key, want, doc, EXP_EQ, EXP_DEC, n }
#define FIG_BRK_ERR(id, m, run, key, want, doc, n) { id, m, run, key, want, doc, EXP_EQ, EXP_BRK, n }
#define FIG_GE(id, m, run, key, want) { id, m, run, key, want, want, EXP_GE, EXP_DEC, 0 }
#define FIG_NEAR(id, m, run, key, tol) { id, m, run, key, tol, tol, EXP_ABS_LE, EXP_DEC, 0 }

/* E-4.3.3 and E-5.3: one row per mallinfo field. */
#define MI(id, what, run, pre, ar, ord, sm, hb, hd, us, fs, uo, fo, kc) \
	FIG(id, what " arena", run, pre "arena", ar),                    \
	FIG(id, what " ordblks", run, pre "ordblks", ord),               \
	FIG(id, what " smblks", run, pre "smblks", sm),                  \
	FIG(id, what " hblks", run, pre "hblks", hb),                    \
	FIG(id, what " hblkhd", run, pre "hblkhd", hd),                  \
	FIG(id, what " usmblks", run, pre "usmblks", us),                \
	FIG(id, what " fsmblks", run, pre "fsmblks", fs),                \
	FIG(id, what " uordblks", run, pre "uordblks", uo),              \
	FIG(id, what " fordblks", run, pre "fordblks", fo),              \
	FIG(id, what " keepcost", run, pre "keepcost", kc)

static const struct exp_figure exp_figures[] = {
	/* E-3.3 chunk layout (simulated break). */
	FIG("E-3.3", "chunk size of malloc(0)", "exp_layout chunks", "chunk_0", 32),
	FIG("E-3.3", "chunk size of malloc(1)", "exp_layout chunks", "chunk_1", 32),
	FIG("E-3.3", "chunk size of malloc(24)", "exp_layout chunks", "chunk_24", 32),
	FIG_ERR("E-3.3", "chunk size of malloc(25)", "exp_layout chunks", "chunk_25", 48, 40, 4),
	FIG("E-3.3", "chunk size of malloc(40)", "exp_layout chunks", "chunk_40", 48),
	FIG_ERR("E-3.3", "chunk size of malloc(41)", "exp_layout chunks", "chunk_41", 64, 56, 4),
	FIG("E-3.3", "chunk size of malloc(56)", "exp_layout chunks", "chunk_56", 64),
	FIG_ERR("E-3.3", "chunk size of malloc(1024)", "exp_layout chunks", "chunk_1024", 1040, 1032, 4),
	FIG_ERR("E-3.3", "chunk size of malloc(100 KiB)", "exp_layout chunks", "chunk_102400", 102416, 102408, 4),
	FIG_ERR("E-3.3", "chunk size of malloc(1 MiB), heap", "exp_layout chunks", "chunk_1048576", 1048592, 1048584, 4),
	FIG("E-3.3", "pointers not 16-byte aligned", "exp_layout chunks", "misaligned", 0),
	FIG("E-3.3", "usable size of malloc(24)", "exp_layout chunks", "usable_24", 24),
	FIG("E-3.3", "usable size of malloc(25)", "exp_layout chunks", "usable_25", 40),
	FIG("E-3.3", "usable size of mmapped 1 MiB", "exp_layout chunks", "usable_mmapped", 1052656),
	FIG("E-3.3", "usable size of NULL", "exp_layout chunks", "usable_null", 0),
	FIG("E-3.3", "flag bits of an mmapped chunk", "exp_layout chunks", "mmapped_flags", 2),
	FIG_HEX("E-3.3", "next size word after 24 bytes written", "exp_layout chunks", "reuse_next_size_word", 0x21),
	FIG("E-3.3", "next prev_size holds user bytes", "exp_layout chunks", "reuse_next_prev_size_written", 1),
	FIG_HEX("E-3.3", "gdb dump: first pointer - heap start", "exp_layout dump", "first_offset", 0x10),
	FIG_HEX("E-3.3", "gdb dump: smallest pointer gap", "exp_layout dump", "min_gap", 0x20),
	FIG_HEX("E-3.3", "gdb dump: largest pointer gap", "exp_layout dump", "max_gap", 0x20),
	FIG("E-3.3", "gdb dump: size words reading 0x21", "exp_layout dump", "size_words_0x21", 5),
	FIG("E-3.3", "gdb dump: first chunk PREV_INUSE", "exp_layout dump", "first_prev_inuse", 1),
	FIG_HEX("E-3.3", "gdb dump: top size word", "exp_layout dump", "top_size_word", 0x20f61),
	FIG("E-3.3", "NON_MAIN_ARENA bit, main thread", "exp_layout arena", "main_non_main_bit", 0),
	FIG("E-3.3", "NON_MAIN_ARENA bit, second thread", "exp_layout arena", "thread_non_main_bit", 4),
	FIG("E-3.3", "second thread's chunk of malloc(100)", "exp_layout arena", "thread_chunk_size", 112),

	/* E-3.4 bins: x86_64 from largebin_index_64, i386 from 001's table. */
	FIG("E-3.4", "x86_64 bin of chunk 32", "exp_layout bins", "bin_x86_64_32", 2),
	FIG("E-3.4", "x86_64 bin of chunk 1008", "exp_layout bins", "bin_x86_64_1008", 63),
	FIG("E-3.4", "x86_64 bin of chunk 1024", "exp_layout bins", "bin_x86_64_1024", 64),
	FIG("E-3.4", "x86_64 bin of chunk 3120", "exp_layout bins", "bin_x86_64_3120", 96),
	FIG("E-3.4", "x86_64 bin of chunk 3136", "exp_layout bins", "bin_x86_64_3136", 97),
	FIG("E-3.4", "x86_64 bin of chunk 10736", "exp_layout bins", "bin_x86_64_10736", 111),
	FIG("E-3.4", "x86_64 bin of chunk 10752", "exp_layout bins", "bin_x86_64_10752", 112),
	FIG("E-3.4", "x86_64 bin of chunk 45040", "exp_layout bins", "bin_x86_64_45040", 120),
	FIG("E-3.4", "x86_64 bin of chunk 45056", "exp_layout bins", "bin_x86_64_45056", 120),
	FIG("E-3.4", "x86_64 bin of chunk 65536", "exp_layout bins", "bin_x86_64_65536", 121),
	FIG("E-3.4", "x86_64 bin of chunk 163824", "exp_layout bins", "bin_x86_64_163824", 123),
	FIG("E-3.4", "x86_64 bin of chunk 163840", "exp_layout bins", "bin_x86_64_163840", 124),
	FIG("E-3.4", "x86_64 bin of chunk 786416", "exp_layout bins", "bin_x86_64_786416", 126),
	FIG("E-3.4", "x86_64 bin of chunk 786432", "exp_layout bins", "bin_x86_64_786432", 126),
	FIG("E-3.4", "x86_64 bin of chunk 1 TiB", "exp_layout bins", "bin_x86_64_1099511627776", 126),
	FIG("E-3.4", "i386 bin of chunk 16", "exp_layout bins", "bin_i386_16", 2),
	FIG("E-3.4", "i386 bin of chunk 504", "exp_layout bins", "bin_i386_504", 63),
	FIG("E-3.4", "i386 bin of chunk 512", "exp_layout bins", "bin_i386_512", 64),
	FIG("E-3.4", "i386 bin of chunk 2488", "exp_layout bins", "bin_i386_2488", 94),
	FIG("E-3.4", "i386 bin of chunk 2496", "exp_layout bins", "bin_i386_2496", 95),
	FIG("E-3.4", "i386 bin of chunk 10744", "exp_layout bins", "bin_i386_10744", 111),
	FIG("E-3.4", "i386 bin of chunk 10752", "exp_layout bins", "bin_i386_10752", 112),
	FIG("E-3.4", "i386 bin of chunk 45048", "exp_layout bins", "bin_i386_45048", 120),
	FIG_ERR("E-3.4", "i386 bin of chunk 45056", "exp_layout bins", "bin_i386_45056", 120, 121, 1),
	FIG("E-3.4", "i386 bin of chunk 65536", "exp_layout bins", "bin_i386_65536", 121),
	FIG("E-3.4", "i386 bin of chunk 163832", "exp_layout bins", "bin_i386_163832", 123),
	FIG("E-3.4", "i386 bin of chunk 163840", "exp_layout bins", "bin_i386_163840", 124),
	FIG("E-3.4", "i386 bin of chunk 786424", "exp_layout bins", "bin_i386_786424", 126),
	FIG_ERR("E-3.4", "i386 bin of chunk 786432", "exp_layout bins", "bin_i386_786432", 126, 127, 1),
	FIG_ERR("E-3.4", "i386 bin of chunk 2 GiB", "exp_layout bins", "bin_i386_2147483648", 126, 127, 1),
	FIG("E-3.4", "number of bins", "exp_layout bins", "nbins", 128),
	FIG("E-3.4", "number of fast bins", "exp_layout bins", "nfastbins", 10),
	FIG("E-3.4", "smallest large chunk (x86_64)", "exp_layout bins", "min_large_size", 1024),
	FIG("E-3.4", "fast free: next PREV_INUSE kept", "exp_layout containers", "fast_next_prev_inuse", 1),
	FIG("E-3.4", "fast free: neighbour also kept", "exp_layout containers", "fast_next_prev_inuse2", 1),
	FIG("E-3.4", "two adjacent fast frees: smblks", "exp_layout containers", "fast_smblks", 2),
	FIG("E-3.4", "fast bin is LIFO", "exp_layout containers", "fast_lifo", 1),
	FIG("E-3.4", "two 208-byte frees coalesce to", "exp_layout containers", "coalesced_size", 416),
	FIG("E-3.4", "after coalescing: next PREV_INUSE", "exp_layout containers", "coalesced_next_prev_inuse", 0),
	FIG("E-3.4", "after coalescing: ordblks", "exp_layout containers", "coalesced_ordblks", 2),
	FIG("E-3.4", "free next to top: keepcost gain", "exp_layout containers", "top_merge_gain", 208),
	FIG("E-3.4", "free next to top: ordblks (+ a fast one)", "exp_layout containers", "top_merge_ordblks", 3),
	FIG("E-3.4", "free next to top: smblks (consolidated)", "exp_layout containers", "top_merge_smblks", 0),
	FIG("E-3.4", "mallopt(M_MXFAST, 161) returns", "exp_layout containers", "mxfast_161_ret", 0),
	FIG("E-3.4", "max_fast after the 161 call", "exp_layout containers", "mxfast_after_161", 128),
	FIG("E-3.4", "mallopt(M_MXFAST, 160) returns", "exp_layout containers", "mxfast_160_ret", 1),
	FIG("E-3.4", "max_fast after the 160 call", "exp_layout containers", "mxfast_after_160", 160),
	FIG("E-3.4", "mallopt(M_MXFAST, 0) returns", "exp_layout containers", "mxfast_0_ret", 1),
	FIG("E-3.4", "M_MXFAST 0: smblks after a free", "exp_layout containers", "mxfast_0_smblks", 0),

	/* E-3.5 arenas (simulated break; only what the other rows need). */
	FIG_BRK("E-3.5", "break move by a non-main arena", "exp_layout arena", "thread_brk_moved", 0),
	FIG_ERR("E-3.5", "mallinfo arena, main + thread arena", "exp_layout arena", "mallinfo_arena", 270336, 135168, 5),

	/* E-3.6 growth sizes. */
	FIG("E-3.6", "first growth, chunk 8192: chunk", "exp_growth first8192", "chunk_size", 8192),
	FIG_BRK("E-3.6", "first growth, chunk 8192 (real brk)", "exp_growth first8192", "growth", 0x23000),
	FIG("E-3.6", "first growth, chunk 6144: chunk", "exp_growth first6144", "chunk_size", 6144),
	FIG_BRK("E-3.6", "first growth, chunk 6144 (real brk)", "exp_growth first6144", "growth", 0x22000),
	FIG("E-3.6", "top 2 KiB: top before", "exp_growth top2k", "top_before", 2048),
	FIG_BRK("E-3.6", "top 2 KiB, 20 KiB chunk: growth", "exp_growth top2k", "growth", 148 * 1024),
	FIG("E-3.6", "top 16 KiB + 32: top before", "exp_growth top16k32", "top_before", 16416),
	FIG_BRK("E-3.6", "top 16 KiB + 32, 20 KiB chunk: growth", "exp_growth top16k32", "growth", 132 * 1024),
	FIG("E-3.6", "top 16 KiB: top before", "exp_growth top16k", "top_before", 16384),
	FIG_BRK_ERR("E-3.6", "top 16 KiB, 20 KiB chunk: growth", "exp_growth top16k", "growth", 136 * 1024, 132 * 1024, 2),
	FIG("E-3.6", "malloc(1 MiB) is mmapped", "exp_growth mmap1m", "is_mmapped", 1),
	FIG("E-3.6", "malloc(1 MiB) mmap length", "exp_growth mmap1m", "chunk_size", 1052672),
	FIG_BRK("E-3.6", "malloc(1 MiB): break move", "exp_growth mmap1m", "growth", 0),

	/* E-3.7 free path (simulated break). */
	FIG("E-3.7", "free(NULL) changes mallinfo", "exp_mallinfo free", "free_null_changed", 0),
	FIG_BRK("E-3.7", "free(NULL) moves the break", "exp_mallinfo free", "free_null_brk", 0),
	FIG("E-3.7", "malloc(1 MiB): hblks", "exp_mallinfo free", "mmapped_hblks", 1),
	FIG("E-3.7", "malloc(1 MiB): hblkhd", "exp_mallinfo free", "mmapped_hblkhd", 1052672),
	FIG("E-3.7", "after its free: hblks", "exp_mallinfo free", "freed_hblks", 0),
	FIG("E-3.7", "after its free: mmap threshold", "exp_mallinfo free", "threshold_after_1m", 1052672),
	FIG("E-3.7", "after its free: trim threshold", "exp_mallinfo free", "trim_after_1m", 2105344),
	FIG("E-3.7", "malloc(40 MiB) is mmapped", "exp_mallinfo free", "big_is_mmapped", 1),
	FIG("E-3.7", "after its free (> 32 MiB): threshold", "exp_mallinfo free", "threshold_after_40m", 1052672),
	FIG("E-3.7", "malloc(512 KiB) is now mmapped", "exp_mallinfo free", "half_mib_is_mmapped", 0),
	FIG("E-3.7", "mallopt(M_TOP_PAD) returns", "exp_mallinfo free", "top_pad_ret", 1),
	FIG("E-3.7", "then free(2 MiB): threshold", "exp_mallinfo free", "threshold_after_nodyn", 1052672),
	FIG("E-3.7", "10 fast frees: smblks", "exp_mallinfo free", "consol_smblks_before", 10),
	FIG("E-3.7", "free of 70016 bytes: smblks", "exp_mallinfo free", "consol_smblks_after", 0),
	FIG("E-3.7", "free of 70016 bytes: fsmblks", "exp_mallinfo free", "consol_fsmblks_after", 0),

	/* E-4.3.1 M_MMAP_MAX (real break). */
	FIG("E-4.3.1", "test1: malloc(1 MiB) is mmapped", "exp_mmap_max test1", "is_mmapped", 1),
	FIG("E-4.3.1", "test1: mmap length", "exp_mmap_max test1", "chunk_size", 1052672),
	FIG_BRK("E-4.3.1", "test1: break after malloc", "exp_mmap_max test1", "brk_after_malloc", 0),
	FIG_BRK("E-4.3.1", "test1: break after free", "exp_mmap_max test1", "brk_after_free", 0),
	FIG("E-4.3.1", "test1 strace: mmap(NULL, 1052672, ...)", "strace exp_mmap_max test1", "strace_mmap_1m", 1),
	FIG("E-4.3.1", "test1 strace: all mmaps", "strace exp_mmap_max test1", "strace_mmap", 1),
	FIG("E-4.3.1", "test1 strace: munmap(that, 1052672)", "strace exp_mmap_max test1", "strace_munmap_1m", 1),
	FIG("E-4.3.1", "test1 strace: all munmaps", "strace exp_mmap_max test1", "strace_munmap", 1),
	FIG("E-4.3.1", "test1 strace: brk calls", "strace exp_mmap_max test1", "strace_brk", 0),
	FIG("E-4.3.1", "test1 strace: other calls", "strace exp_mmap_max test1", "strace_other", 0),
	FIG("E-4.3.1", "test1 strace = allocator trace", "strace exp_mmap_max test1", "strace_equals_trace", 1),
	FIG("E-4.3.1", "test2: mallopt(M_MMAP_MAX, 0)", "exp_mmap_max test2", "mallopt_ret", 1),
	FIG("E-4.3.1", "test2: malloc(1 MiB) is mmapped", "exp_mmap_max test2", "is_mmapped", 0),
	FIG_BRK("E-4.3.1", "test2: break after malloc", "exp_mmap_max test2", "brk_after_malloc", 0x121000),
	FIG_BRK("E-4.3.1", "test2: break after free", "exp_mmap_max test2", "brk_after_free", 0x21000),
	FIG("E-4.3.1", "test2 strace: mmaps", "strace exp_mmap_max test2", "strace_mmap", 0),
	FIG("E-4.3.1", "test2 strace: brk calls", "strace exp_mmap_max test2", "strace_brk", 2),
	FIG_BRK("E-4.3.1", "test2 strace: brk #1", "strace exp_mmap_max test2", "strace_brk1", 0x121000),
	FIG_BRK("E-4.3.1", "test2 strace: brk #2", "strace exp_mmap_max test2", "strace_brk2", 0x21000),
	FIG("E-4.3.1", "test2 strace: failed brks", "strace exp_mmap_max test2", "strace_brk_failed", 0),
	FIG("E-4.3.1", "test2 strace = allocator trace", "strace exp_mmap_max test2", "strace_equals_trace", 1),

	/* E-4.3.2 M_MMAP_THRESHOLD (real break). */
	FIG("E-4.3.2", "test1: mmap threshold before", "exp_mmap_threshold test1", "mmap_threshold0", 131072),
	FIG("E-4.3.2", "test1: 1st malloc(1 MiB) mmapped", "exp_mmap_threshold test1", "p1_is_mmapped", 1),
	FIG("E-4.3.2", "test1: 1st mmap length", "exp_mmap_threshold test1", "p1_chunk_size", 1052672),
	FIG_BRK("E-4.3.2", "test1: break after 1st free", "exp_mmap_threshold test1", "brk_after_free1", 0),
	FIG("E-4.3.2", "test1: mmap threshold after 1st free", "exp_mmap_threshold test1", "mmap_threshold1", 1052672),
	FIG("E-4.3.2", "test1: trim threshold after 1st free", "exp_mmap_threshold test1", "trim_threshold1", 2105344),
	FIG("E-4.3.2", "test1: 2nd malloc(1 MiB) mmapped", "exp_mmap_threshold test1", "p2_is_mmapped", 0),
	FIG_BRK("E-4.3.2", "test1: break after 2nd malloc", "exp_mmap_threshold test1", "brk_after_malloc2", 0x121000),
	FIG_BRK("E-4.3.2", "test1: break after 2nd free", "exp_mmap_threshold test1", "brk_after_free2", 0x121000),
	FIG("E-4.3.2", "test1 strace: mmap(NULL, 1052672, ...)", "strace exp_mmap_threshold test1", "strace_mmap_1m", 1),
	FIG("E-4.3.2", "test1 strace: munmap(that, 1052672)", "strace exp_mmap_threshold test1", "strace_munmap_1m", 1),
	FIG("E-4.3.2", "test1 strace: brk calls", "strace exp_mmap_threshold test1", "strace_brk", 1),
	FIG_BRK("E-4.3.2", "test1 strace: brk #1", "strace exp_mmap_threshold test1", "strace_brk1", 0x121000),
	FIG("E-4.3.2", "test1 strace: other calls", "strace exp_mmap_threshold test1", "strace_other", 0),
	FIG("E-4.3.2", "test1 strace = allocator trace", "strace exp_mmap_threshold test1", "strace_equals_trace", 1),
	FIG("E-4.3.2", "test2: mallopt(M_MMAP_THRESHOLD, 256K)", "exp_mmap_threshold test2", "mallopt_ret", 1),
	FIG("E-4.3.2", "test2: 1st malloc(1 MiB) mmapped", "exp_mmap_threshold test2", "p1_is_mmapped", 1),
	FIG("E-4.3.2", "test2: 2nd malloc(1 MiB) mmapped", "exp_mmap_threshold test2", "p2_is_mmapped", 1),
	FIG_BRK("E-4.3.2", "test2: break after 2nd malloc", "exp_mmap_threshold test2", "brk_after_malloc2", 0),
	FIG_BRK("E-4.3.2", "test2: break after 2nd free", "exp_mmap_threshold test2", "brk_after_free2", 0),
	FIG("E-4.3.2", "test2: mmap threshold after frees", "exp_mmap_threshold test2", "mmap_threshold2", 262144),
	FIG("E-4.3.2", "test2: trim threshold after frees", "exp_mmap_threshold test2", "trim_threshold2", 131072),
	FIG("E-4.3.2", "M_MMAP_THRESHOLD 32 MiB + 1 returns", "exp_mmap_threshold test2", "mallopt_too_big", 0),
	FIG("E-4.3.2", "  ... and the threshold stays", "exp_mmap_threshold test2", "mmap_threshold_after_too_big", 262144),
	FIG("E-4.3.2", "test2 strace: mmap(NULL, 1052672, ...)", "strace exp_mmap_threshold test2", "strace_mmap_1m", 2),
	FIG("E-4.3.2", "test2 strace: munmap(that, 1052672)", "strace exp_mmap_threshold test2", "strace_munmap_1m", 2),
	FIG("E-4.3.2", "test2 strace: brk calls", "strace exp_mmap_threshold test2", "strace_brk", 0),
	FIG("E-4.3.2", "test2 strace = allocator trace", "strace exp_mmap_threshold test2", "strace_equals_trace", 1),
	FIG("E-4.3.2", "M_TRIM_THRESHOLD set: threshold stays", "exp_mmap_threshold nodyn_trim", "mmap_threshold1", 131072),
	FIG("E-4.3.2", "M_TOP_PAD set: threshold stays", "exp_mmap_threshold nodyn_top_pad", "mmap_threshold1", 131072),
	FIG("E-4.3.2", "M_MMAP_THRESHOLD set: threshold stays", "exp_mmap_threshold nodyn_mmap_threshold", "mmap_threshold1", 131072),
	FIG("E-4.3.2", "M_MMAP_MAX set: threshold stays", "exp_mmap_threshold nodyn_mmap_max", "mmap_threshold1", 131072),

	/* E-4.3.3 M_MXFAST and mallinfo (simulated break). */
	MI("E-4.3.3", "before:", "exp_mallinfo mxfast_test1", "b_", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
	MI("E-4.3.3", "after alloc:", "exp_mallinfo mxfast_test1", "a_", 135168, 1, 0, 0, 0, 0, 0, 960, 134208, 134208),
	MI("E-4.3.3", "test1 after free:", "exp_mallinfo mxfast_test1", "f_", 135168, 1, 20, 0, 0, 0, 960, 0, 135168, 134208),
	FIG("E-4.3.3", "test2: mallopt(M_MXFAST, 0)", "exp_mallinfo mxfast_test2", "mallopt_ret", 1),
	MI("E-4.3.3", "test2 after alloc:", "exp_mallinfo mxfast_test2", "a_", 135168, 1, 0, 0, 0, 0, 0, 960, 134208, 134208),
	MI("E-4.3.3", "test2 after free:", "exp_mallinfo mxfast_test2", "f_", 135168, 1, 0, 0, 0, 0, 0, 0, 135168, 135168),

	/* E-4.3.4 M_TOP_PAD (real break). */
	FIG_BRK("E-4.3.4", "test1: break after malloc #1", "exp_top_pad test1", "brk1", 0x3a000),
	FIG_BRK("E-4.3.4", "test1: break after malloc #2", "exp_top_pad test1", "brk2", 0x3a000),
	FIG_BRK("E-4.3.4", "test1: break after malloc #3", "exp_top_pad test1", "brk3", 0x6c000),
	FIG_BRK("E-4.3.4", "test1: break after malloc #4", "exp_top_pad test1", "brk4", 0x6c000),
	FIG_BRK("E-4.3.4", "test1: break after malloc #5", "exp_top_pad test1", "brk5", 0x9e000),
	FIG_BRK("E-4.3.4", "test1: break after the frees", "exp_top_pad test1", "brk_after_free", 0x21000),
	FIG("E-4.3.4", "test1: top kept (keepcost)", "exp_top_pad test1", "keepcost_after_free", 135168),
	FIG("E-4.3.4", "test1 strace: brk calls", "strace exp_top_pad test1", "strace_brk", 4),
	FIG_BRK("E-4.3.4", "test1 strace: brk #1", "strace exp_top_pad test1", "strace_brk1", 0x3a000),
	FIG_BRK("E-4.3.4", "test1 strace: brk #2", "strace exp_top_pad test1", "strace_brk2", 0x6c000),
	FIG_BRK("E-4.3.4", "test1 strace: brk #3", "strace exp_top_pad test1", "strace_brk3", 0x9e000),
	FIG_BRK("E-4.3.4", "test1 strace: brk #4 (trim)", "strace exp_top_pad test1", "strace_brk4", 0x21000),
	FIG("E-4.3.4", "test1 strace: mmaps", "strace exp_top_pad test1", "strace_mmap", 0),
	FIG("E-4.3.4", "test1 strace = allocator trace", "strace exp_top_pad test1", "strace_equals_trace", 1),
	FIG("E-4.3.4", "test2: mallopt(M_TOP_PAD, 400K)", "exp_top_pad test2", "mallopt_ret", 1),
	FIG_BRK("E-4.3.4", "test2: break after malloc #1", "exp_top_pad test2", "brk1", 0x7e000),
	FIG_BRK("E-4.3.4", "test2: break after malloc #2", "exp_top_pad test2", "brk2", 0x7e000),
	FIG_BRK("E-4.3.4", "test2: break after malloc #3", "exp_top_pad test2", "brk3", 0x7e000),
	FIG_BRK("E-4.3.4", "test2: break after malloc #4", "exp_top_pad test2", "brk4", 0x7e000),
	FIG_BRK("E-4.3.4", "test2: break after malloc #5", "exp_top_pad test2", "brk5", 0x7e000),
	FIG_BRK("E-4.3.4", "test2: break after the frees", "exp_top_pad test2", "brk_after_free", 0x65000),
	FIG("E-4.3.4", "test2: top kept (keepcost)", "exp_top_pad test2", "keepcost_after_free", 413696),
	FIG("E-4.3.4", "test2 strace: brk calls", "strace exp_top_pad test2", "strace_brk", 2),
	FIG_BRK("E-4.3.4", "test2 strace: brk #1", "strace exp_top_pad test2", "strace_brk1", 0x7e000),
	FIG_BRK("E-4.3.4", "test2 strace: brk #2 (trim)", "strace exp_top_pad test2", "strace_brk2", 0x65000),
	FIG("E-4.3.4", "test2 strace = allocator trace", "strace exp_top_pad test2", "strace_equals_trace", 1),

	/* E-4.3.5 M_TRIM_THRESHOLD (real break); test1 is E-4.3.4 test1. */
	FIG_ERR("E-4.3.5", "test2: mallopt(M_TRIM_THRESHOLD, 800K)", "exp_top_pad trim800", "mallopt_ret", 1, 1, 7),
	FIG_BRK("E-4.3.5", "test2: break after malloc #1", "exp_top_pad trim800", "brk1", 0x3a000),
	FIG_BRK("E-4.3.5", "test2: break after malloc #3", "exp_top_pad trim800", "brk3", 0x6c000),
	FIG_BRK("E-4.3.5", "test2: break after malloc #5", "exp_top_pad trim800", "brk5", 0x9e000),
	FIG_BRK("E-4.3.5", "test2: break after the frees", "exp_top_pad trim800", "brk_after_free", 0x9e000),
	FIG("E-4.3.5", "test2 strace: brk calls (no trim)", "strace exp_top_pad trim800", "strace_brk", 3),
	FIG("E-4.3.5", "test2 strace = allocator trace", "strace exp_top_pad trim800", "strace_equals_trace", 1),
	FIG("E-4.3.5", "mallopt(M_TRIM_THRESHOLD, -1)", "exp_top_pad notrim", "mallopt_ret", 1),
	FIG_BRK("E-4.3.5", "-1: break after malloc #5", "exp_top_pad notrim", "brk5", 0x9e000),
	FIG_BRK("E-4.3.5", "-1: break after the frees", "exp_top_pad notrim", "brk_after_free", 0x9e000),

	/* E-5.1 pointer arrays (simulated break). */
	FIG("E-5.1", "ten malloc(10): uordblks", "exp_mallinfo ptrs", "ten_uordblks", 320),
	FIG("E-5.1", "one malloc(100): uordblks", "exp_mallinfo ptrs", "one_uordblks", 112),

	/* E-5.2 a live chunk pins the heap (real break, statm pages). */
	FIG("E-5.2", "heap after 5000 x 100 KiB (bytes)", "exp_leak1 run", "heap_bytes", 512110592),
	FIG("E-5.2", "statm size growth", "exp_leak1 run", "size_grow", 125027),
	FIG_GE("E-5.2", "statm resident growth", "exp_leak1 run", "resident_grow", 125000),
	FIG("E-5.2", "test2: size, all but last freed - after", "exp_leak1 run", "t2_size_delta", 0),
	FIG_NEAR("E-5.2", "test2: resident, same", "exp_leak1 run", "t2_resident_delta", 100),
	FIG("E-5.2", "test1: size, all freed - before", "exp_leak1 run", "t1_size_delta", 33),
	FIG_NEAR("E-5.2", "test1: resident, all freed - before", "exp_leak1 run", "t1_resident_delta", 100),
	FIG_BRK("E-5.2", "break after all frees", "exp_leak1 run", "brk_after_free", 0x21000),

	/* E-5.3 fast-bin chunks pin the heap (real break). */
	FIG("E-5.3", "test2 after malloc: arena", "exp_leak2 test2", "m_arena", 53661696),
	FIG("E-5.3", "test2 after malloc: ordblks", "exp_leak2 test2", "m_ordblks", 1),
	FIG("E-5.3", "test2 after malloc: smblks", "exp_leak2 test2", "m_smblks", 0),
	FIG("E-5.3", "test2 after malloc: fsmblks", "exp_leak2 test2", "m_fsmblks", 0),
	FIG("E-5.3", "test2 after malloc: uordblks", "exp_leak2 test2", "m_uordblks", 53600000),
	FIG("E-5.3", "test2 after malloc: fordblks", "exp_leak2 test2", "m_fordblks", 61696),
	FIG("E-5.3", "test2 after malloc: keepcost", "exp_leak2 test2", "m_keepcost", 61696),
	FIG("E-5.3", "test2 after free: arena", "exp_leak2 test2", "f_arena", 53661696),
	FIG_ERR("E-5.3", "test2 after free: ordblks", "exp_leak2 test2", "f_ordblks", 50001, 500001, 6),
	FIG("E-5.3", "test2 after free: smblks", "exp_leak2 test2", "f_smblks", 50000),
	FIG("E-5.3", "test2 after free: fsmblks", "exp_leak2 test2", "f_fsmblks", 1600000),
	FIG("E-5.3", "test2 after free: uordblks", "exp_leak2 test2", "f_uordblks", 0),
	FIG("E-5.3", "test2 after free: fordblks", "exp_leak2 test2", "f_fordblks", 53661696),
	FIG("E-5.3", "test2 after free: keepcost", "exp_leak2 test2", "f_keepcost", 61696),
	FIG("E-5.3", "test2: statm size growth", "exp_leak2 test2", "size_grow", 13101),
	FIG("E-5.3", "test2: statm size, free - malloc", "exp_leak2 test2", "free_size_delta", 0),
	FIG_NEAR("E-5.3", "test2: resident, free - malloc", "exp_leak2 test2", "free_resident_delta", 100),
	FIG("E-5.3", "fix A: mallopt(M_MXFAST, 0)", "exp_leak2 fixa", "mallopt_ret", 1),
	FIG("E-5.3", "fix A: statm size growth", "exp_leak2 fixa", "size_grow", 13101),
	FIG("E-5.3", "fix A after free: arena", "exp_leak2 fixa", "f_arena", 135168),
	FIG("E-5.3", "fix A: statm size, end - before", "exp_leak2 fixa", "back_size", 33),
	FIG_NEAR("E-5.3", "fix A: resident, end - before", "exp_leak2 fixa", "back_resident", 100),
	FIG("E-5.3", "fix B: statm size growth", "exp_leak2 fixb", "size_grow", 13101),
	FIG("E-5.3", "fix B after free: arena", "exp_leak2 fixb", "f_arena", 53661696),
	FIG("E-5.3", "fix B: malloc_trim(0) returns", "exp_leak2 fixb", "trim_ret", 1),
	FIG("E-5.3", "fix B after trim: arena", "exp_leak2 fixb", "t_arena", 4096),
	FIG("E-5.3", "fix B: statm size, end - before", "exp_leak2 fixb", "back_size", 1),
	FIG_NEAR("E-5.3", "fix B: resident, end - before", "exp_leak2 fixb", "back_resident", 100),
	FIG("E-5.3", "test1 after malloc: hblks", "exp_leak2 test1", "m_hblks", 1),
	FIG("E-5.3", "test1 after malloc: hblkhd", "exp_leak2 test1", "m_hblkhd", 401408),
	FIG_ERR("E-5.3", "test1 after malloc: arena", "exp_leak2 test1", "m_arena", 52039680, 512892928, 6),
	FIG_ERR("E-5.3", "test1 after malloc: uordblks", "exp_leak2 test1", "m_uordblks", 52000000, 512800000, 6),
	FIG_ERR("E-5.3", "test1 after malloc: fordblks", "exp_leak2 test1", "m_fordblks", 39680, 92928, 6),
	FIG_ERR("E-5.3", "test1 after malloc: keepcost", "exp_leak2 test1", "m_keepcost", 39680, 92928, 6),
	FIG("E-5.3", "test1 after malloc: ordblks", "exp_leak2 test1", "m_ordblks", 1),
	FIG("E-5.3", "test1 after free: arena", "exp_leak2 test1", "f_arena", 135168),
	FIG("E-5.3", "test1 after free: ordblks", "exp_leak2 test1", "f_ordblks", 1),
	FIG("E-5.3", "test1 after free: keepcost", "exp_leak2 test1", "f_keepcost", 135168),
	FIG("E-5.3", "test1 after free: hblks", "exp_leak2 test1", "f_hblks", 0),
	FIG("E-5.3", "test1: statm size growth", "exp_leak2 test1", "size_grow", 12803),
	FIG("E-5.3", "test1: statm size, end - before", "exp_leak2 test1", "back_size", 33),
};
/* clang-format on */

#undef MI

#endif /* PTM_EXP_FIGURES_H */
