// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The heap map as a picture (ptm_heap_map(fd, PTM_HEAPMAP_SVG)): one
 * strip per heap, its chunks left to right in address order, coloured by
 * state; under a free chunk a red bar for its resident whole pages (what
 * malloc_trim() would give back); the end of the heap (the program break
 * for the main arena) and the top_pad point inside top as lines; a
 * legend.  Every chunk rectangle has class "chunk" and the data-state,
 * data-offset, data-count and data-bytes attributes, and a title that a
 * browser shows on hover.
 *
 * Large heaps stay readable and small: a run of more than HM_SVG_RUN
 * like chunks (same state and list) is one rectangle with its count, and
 * so is a run that alternates between two kinds (E-5.3's 1040-byte
 * blocks and 32-byte nodes), drawn in both colours.  Each heap is walked
 * twice: the first pass counts the rectangles, the second draws them.
 * With few rectangles each gets HM_SVG_MIN_W pixels plus its share of
 * the rest by bytes, so that a 32-byte chunk beside a 128 KiB top is
 * still seen; with many, widths are in proportion to bytes and
 * rectangles thinner than a pixel are drawn together as one "mixed"
 * rectangle, so a map never has more rectangles than pixels.
 *
 * Entry point: hm_svg_run().  The walk is heapmap.c's.
 */
#include "heapmap.h"
#include "internal.h"

/* Geometry, in pixels. */
#define HM_SVG_LEFT 10.0
#define HM_SVG_W 940.0
#define HM_SVG_STRIP_H 28.0
#define HM_SVG_HEAP_H 78.0
#define HM_SVG_TOP_H 28.0
#define HM_SVG_LINE_H 16.0
#define HM_SVG_LEGEND_H 40.0
#define HM_SVG_MIN_W 4.0

/* Runs longer than this many chunks are drawn as one rectangle. */
#define HM_SVG_RUN 8

/* The colours of the states, and the classes that carry them. */
static const char hm_svg_style[] =
	"<style>.chunk,.legend{stroke:#fff;stroke-width:0.5}"
	".s-inuse{fill:#4e79a7}.s-cache{fill:#9c755f}.s-fast{fill:#f28e2b}"
	".s-unsorted{fill:#edc948}.s-small{fill:#76b7b2}"
	".s-large{fill:#59a14f}.s-top{fill:#bab0ac}.s-free{fill:#ff00ff}"
	".s-fence{fill:#333}.s-bad{fill:#000}.s-mixed{fill:#888}"
	".resident{fill:#e15759}.brk{stroke:#000;stroke-width:2}"
	".top-pad{stroke:#000;stroke-dasharray:3 2}"
	"text{font:11px sans-serif}</style>\n";

/**
 * struct svg_unit - what one rectangle shows: a chunk, or a run.
 * @offset: offset of its first chunk.
 * @bytes: its bytes.
 * @count: its chunks.
 * @period: 1 for a run of like chunks, 2 for a run of two alternating
 *	kinds, 0 for the "mixed" rectangle of thin runs.
 * @state: the kind of its even and odd chunks.
 * @bin: their list numbers.
 * @kbytes: the bytes of each kind.
 * @pages: whole free pages (free_chunk_pages()).
 * @resident: of them, resident.
 */
struct svg_unit {
	size_t offset;
	size_t bytes;
	size_t count;
	int period;
	enum hm_state state[2];
	unsigned int bin[2];
	size_t kbytes[2];
	size_t pages;
	size_t resident;
};

/**
 * struct svg - the SVG writer.
 * @o: the output.
 * @y: where the next heap's block starts.
 * @pass: the pass over the current heap.
 * @heap: the current heap.
 * @units: rectangles of the current heap (counted in pass 0).
 * @total: bytes the strip shows (from the first chunk to the end).
 * @x: where the next rectangle starts (pass 1).
 * @chunks: chunks of the current heap (pass 0).
 * @run: the run being gathered.
 * @first: its first chunks, drawn one by one if the run stays short.
 * @mixed: thin rectangles waiting to be drawn together.
 * @mixed_x: where @mixed starts.
 */
struct svg {
	struct hm_out *o;
	double y;
	int pass;
	const struct hm_heap *heap;
	size_t units;
	size_t total;
	double x;
	size_t chunks;
	struct svg_unit run;
	struct hm_chunk first[HM_SVG_RUN];
	struct svg_unit mixed;
	double mixed_x;
};

/* Whether chunk @c is of kind @k of @u. */
static bool svg_same(const struct svg_unit *u, int k, const struct hm_chunk *c)
{
	return u->state[k] == c->state && u->bin[k] == c->bin;
}

/* The width of a rectangle of @bytes in the current heap. */
static double svg_width(const struct svg *s, size_t bytes)
{
	double share = s->total ? (double)bytes / (double)s->total : 0;

	if (s->units * HM_SVG_MIN_W <= HM_SVG_W / 2)
		return HM_SVG_MIN_W +
		       (HM_SVG_W - (double)s->units * HM_SVG_MIN_W) * share;
	return HM_SVG_W * share;
}

/* A state, with its list number for the states that have one. */
static void svg_kind(struct svg *s, enum hm_state state, unsigned int bin)
{
	hm_puts(s->o, hm_state_name(state));
	if (hm_state_numbered(state))
		hm_printf(s->o, " %u", bin);
}

/* The title of @u: what a browser shows on hover. */
static void svg_title(struct svg *s, const struct svg_unit *u)
{
	hm_printf(s->o, "<title>+0x%zx: ", u->offset);
	if (u->period == 0) {
		hm_printf(s->o, "%zu chunks of several kinds", u->count);
	} else if (u->count == 1) {
		svg_kind(s, u->state[0], u->bin[0]);
		hm_puts(s->o, ", 1 chunk");
	} else if (u->period == 1) {
		svg_kind(s, u->state[0], u->bin[0]);
		hm_printf(s->o, ", %zu chunks", u->count);
	} else {
		for (int k = 0; k < 2; k++) {
			hm_puts(s->o, k ? " alternating with " : "");
			svg_kind(s, u->state[k], u->bin[k]);
			hm_printf(s->o, " (%zu bytes)", u->kbytes[k]);
		}
		hm_printf(s->o, ", %zu chunks", u->count);
	}
	hm_printf(s->o, ", %zu bytes", u->bytes);
	if (u->pages != 0)
		hm_printf(s->o, ", %zu of %zu whole free pages resident",
			  u->resident, u->pages);
	hm_puts(s->o, "</title>");
}

/* Draw @u at @x, @w pixels wide. */
static void svg_rect(struct svg *s, const struct svg_unit *u, double x,
		     double w)
{
	const char *cls = u->period ? hm_state_class(u->state[0]) : "mixed";

	hm_printf(s->o,
		  "<rect class=\"chunk s-%s\" data-state=\"%s\" "
		  "data-offset=\"0x%zx\" data-count=\"%zu\" data-bytes=\"%zu\" "
		  "x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.0f\">",
		  cls, cls, u->offset, u->count, u->bytes, x, s->y, w,
		  HM_SVG_STRIP_H);
	svg_title(s, u);
	hm_puts(s->o, "</rect>\n");
	if (u->period == 2)
		hm_printf(s->o,
			  "<rect class=\"pair s-%s\" x=\"%.2f\" y=\"%.2f\" "
			  "width=\"%.2f\" height=\"%.0f\"/>\n",
			  hm_state_class(u->state[1]), x,
			  s->y + HM_SVG_STRIP_H / 2, w, HM_SVG_STRIP_H / 2);
	if (u->resident != 0)
		hm_printf(s->o,
			  "<rect class=\"resident\" x=\"%.2f\" y=\"%.2f\" "
			  "width=\"%.2f\" height=\"5\"><title>%zu resident "
			  "whole free pages</title></rect>\n",
			  x, s->y + HM_SVG_STRIP_H + 2,
			  w * (double)u->resident / (double)u->pages + 0.5,
			  u->resident);
}

/* Draw the thin rectangles gathered in @s->mixed as one. */
static void svg_flush_mixed(struct svg *s)
{
	double w = svg_width(s, s->mixed.bytes);

	if (s->mixed.count == 0)
		return;
	if (s->mixed.count == 1)
		s->mixed.period = 1;
	svg_rect(s, &s->mixed, s->mixed_x, w);
	memset(&s->mixed, 0, sizeof(s->mixed));
}

/* Add @u to the thin rectangles waiting in @s->mixed. */
static void svg_mix(struct svg *s, const struct svg_unit *u)
{
	if (s->mixed.count == 0) {
		s->mixed = *u;
		s->mixed.period = 0;
		s->mixed_x = s->x;
	} else {
		s->mixed.bytes += u->bytes;
		s->mixed.count += u->count;
		s->mixed.pages += u->pages;
		s->mixed.resident += u->resident;
	}
}

/* One rectangle: counted in pass 0, drawn (or gathered) in pass 1. */
static void svg_unit_out(struct svg *s, const struct svg_unit *u)
{
	double w;

	if (s->pass == 0) {
		s->units++;
		return;
	}
	w = svg_width(s, u->bytes);
	if (w < 1.0) {
		svg_mix(s, u);
		if (svg_width(s, s->mixed.bytes) >= 1.0)
			svg_flush_mixed(s);
	} else {
		svg_flush_mixed(s);
		svg_rect(s, u, s->x, w);
	}
	s->x += w;
	if (u->state[0] == HM_TOP && s->heap->has_top && u->bytes != 0) {
		double f = (double)s->heap->top_pad / (double)u->bytes;
		double px = s->x - w + w * (f < 1 ? f : 1);

		hm_printf(
			s->o,
			"<line class=\"top-pad\" x1=\"%.2f\" y1=\"%.2f\" "
			"x2=\"%.2f\" y2=\"%.2f\"/><text x=\"%.2f\" "
			"y=\"%.2f\" text-anchor=\"end\">top + top_pad</text>\n",
			px, s->y, px, s->y + HM_SVG_STRIP_H + 20, px - 2,
			s->y + HM_SVG_STRIP_H + 30);
	}
}

/* A unit of the single chunk @c. */
static void svg_unit_of(struct svg_unit *u, const struct hm_chunk *c)
{
	*u = (struct svg_unit){ .offset = c->offset,
				.bytes = c->size,
				.count = 1,
				.period = 1,
				.state = { c->state, c->state },
				.bin = { c->bin, c->bin },
				.kbytes = { c->size, 0 },
				.pages = c->pages,
				.resident = c->resident };
}

/* Add chunk @c to the run. */
static void svg_run_add(struct svg *s, const struct hm_chunk *c)
{
	struct svg_unit *r = &s->run;

	if (r->count < HM_SVG_RUN)
		s->first[r->count] = *c;
	r->kbytes[r->count % (size_t)r->period] += c->size;
	r->count++;
	r->bytes += c->size;
	r->pages += c->pages;
	r->resident += c->resident;
}

/* End the run: one rectangle if long, else one per chunk. */
static void svg_run_close(struct svg *s)
{
	struct svg_unit u;

	if (s->run.count > HM_SVG_RUN) {
		svg_unit_out(s, &s->run);
	} else {
		for (size_t i = 0; i < s->run.count; i++) {
			svg_unit_of(&u, &s->first[i]);
			svg_unit_out(s, &u);
		}
	}
	s->run.count = 0;
}

/* Start a run with @c. */
static void svg_run_start(struct svg *s, const struct hm_chunk *c)
{
	svg_unit_of(&s->run, c);
	s->run.count = 0;
	s->run.bytes = s->run.kbytes[0] = s->run.pages = s->run.resident = 0;
	svg_run_add(s, c);
}

/*
 * Gather chunk @c into runs: of one kind (period 1), or of two kinds
 * alternating (period 2).  A pair that does not repeat gives its first
 * chunk back as a run of its own and starts again from the second.
 */
static void svg_feed(struct svg *s, const struct hm_chunk *c)
{
	struct svg_unit *r = &s->run;

	if (r->count == 0) {
		svg_run_start(s, c);
	} else if (r->period == 1 && svg_same(r, 0, c)) {
		svg_run_add(s, c);
	} else if (r->period == 1 && r->count == 1) {
		r->period = 2;
		r->state[1] = c->state;
		r->bin[1] = c->bin;
		svg_run_add(s, c);
	} else if (r->period == 2 && svg_same(r, (int)(r->count % 2), c)) {
		svg_run_add(s, c);
	} else if (r->period == 2 && r->count == 2) {
		struct hm_chunk second = s->first[1];

		r->count = 1; /* drawn from s->first[0] alone */
		svg_run_close(s);
		svg_run_start(s, &second);
		svg_feed(s, c);
	} else {
		svg_run_close(s);
		svg_run_start(s, c);
	}
}

/* A small coloured square and its label, for the legend. */
static void svg_legend_item(struct svg *s, double x, double y, const char *cls,
			    const char *label)
{
	hm_printf(s->o,
		  "<rect class=\"legend %s\" x=\"%.0f\" y=\"%.0f\" "
		  "width=\"12\" height=\"12\"/><text x=\"%.0f\" y=\"%.0f\">"
		  "%s</text>\n",
		  cls, x, y, x + 16, y + 10, label);
}

/* The legend: every state, the resident mark. */
static void svg_legend(struct svg *s)
{
	static const enum hm_state shown[] = {
		HM_INUSE, HM_CACHE, HM_FAST, HM_UNSORTED, HM_SMALL,
		HM_LARGE, HM_TOP,   HM_FREE, HM_FENCE
	};

	char cls[24];
	double x = HM_SVG_LEFT;

	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		snprintf(cls, sizeof(cls), "s-%s", hm_state_class(shown[i]));
		svg_legend_item(s, x, s->y, cls, hm_state_name(shown[i]));
		x += 100;
	}
	svg_legend_item(
		s, HM_SVG_LEFT, s->y + 18, "resident",
		"resident whole free pages (malloc_trim releases them)");
	svg_legend_item(s, HM_SVG_LEFT + 400, s->y + 18, "s-mixed",
			"several kinds, each under a pixel");
}

static void svg_begin(void *w, unsigned int narenas, unsigned int nheaps)
{
	struct svg *s = w;
	double h = HM_SVG_TOP_H + nheaps * HM_SVG_HEAP_H +
		   (narenas + 1) * HM_SVG_LINE_H + HM_SVG_LEGEND_H;

	hm_printf(s->o,
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heapmap\" "
		  "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		  HM_SVG_W + 2 * HM_SVG_LEFT, h, HM_SVG_W + 2 * HM_SVG_LEFT, h);
	hm_puts(s->o, hm_svg_style);
	hm_printf(s->o,
		  "<text x=\"%.0f\" y=\"16\">ptmalloc heap map: %u arena%s, "
		  "page size %zu</text>\n",
		  HM_SVG_LEFT, narenas, narenas == 1 ? "" : "s",
		  hm_page_size());
	s->y = HM_SVG_TOP_H;
}

static void svg_heap(void *w, const struct hm_heap *h, int pass)
{
	struct svg *s = w;

	s->pass = pass;
	s->heap = h;
	s->run.count = 0;
	s->x = HM_SVG_LEFT;
	memset(&s->mixed, 0, sizeof(s->mixed));
	if (pass == 0) {
		s->units = s->chunks = 0;
		s->total = h->size - h->first;
		return;
	}
	hm_printf(s->o,
		  "<g class=\"heap\" data-arena=\"%u\" data-heap=\"%u\">\n"
		  "<text x=\"%.0f\" y=\"%.0f\">arena %u heap %u (%s): %zu "
		  "bytes, %zu chunks</text>\n",
		  h->arena, h->index, HM_SVG_LEFT, s->y + 12, h->arena,
		  h->index, h->main ? "main, on the program break" : "sub-heap",
		  h->size, s->chunks);
	s->y += 18;
}

static void svg_chunk(void *w, const struct hm_chunk *c, int pass)
{
	struct svg *s = w;

	(void)pass;
	s->chunks++;
	svg_feed(s, c);
}

static void svg_heap_end(void *w, const struct hm_heap *h, int pass)
{
	struct svg *s = w;
	double x = HM_SVG_LEFT + HM_SVG_W;

	if (s->run.count != 0)
		svg_run_close(s);
	if (pass == 0)
		return;
	svg_flush_mixed(s);
	hm_printf(s->o,
		  "<line class=\"brk\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		  "y2=\"%.2f\"/><text x=\"%.2f\" y=\"%.2f\" "
		  "text-anchor=\"end\">%s +0x%zx</text>\n</g>\n",
		  x, s->y - 6, x, s->y + HM_SVG_STRIP_H + 8, x,
		  s->y + HM_SVG_STRIP_H + 16, h->main ? "brk" : "end", h->size);
	s->y += HM_SVG_HEAP_H - 18;
}

static void svg_arena_end(void *w, unsigned int arena, bool walked,
			  const struct hm_bins *b)
{
	struct svg *s = w;

	hm_printf(s->o,
		  "<text class=\"arena\" x=\"%.0f\" y=\"%.0f\">arena %u:%s "
		  "%zu whole free pages, %zu resident</text>\n",
		  HM_SVG_LEFT, s->y + 12, arena,
		  walked ? "" : " not walked (mmapped pieces),", b->pages,
		  b->resident);
	s->y += HM_SVG_LINE_H;
}

static void svg_end(void *w, size_t mmapped_chunks, size_t mmapped_bytes)
{
	struct svg *s = w;

	hm_printf(s->o,
		  "<text x=\"%.0f\" y=\"%.0f\">mmapped chunks: %zu, %zu "
		  "bytes (each a mapping of its own, in no heap)</text>\n",
		  HM_SVG_LEFT, s->y + 12, mmapped_chunks, mmapped_bytes);
	s->y += HM_SVG_LINE_H + 8;
	svg_legend(s);
	hm_puts(s->o, "</svg>\n");
}

static const struct hm_ops svg_ops = {
	.passes = 2,
	.begin = svg_begin,
	.heap = svg_heap,
	.chunk = svg_chunk,
	.heap_end = svg_heap_end,
	.arena_end = svg_arena_end,
	.end = svg_end,
};

/* Write the SVG map to @o. */
int hm_svg_run(struct hm_out *o)
{
	struct svg s = { .o = o };

	return hm_walk(&svg_ops, &s);
}
