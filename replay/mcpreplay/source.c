/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The frame source: reading, extraction, selection, loops and preloading. */
#include "source.h"

#include "dfilter.h"

struct mr_source {
    struct mr_source_config cfg;
    struct mr_capture *cap;
    struct mr_extractor *ex;
    /* Selected frames waiting to be pulled: ready[ready_head..ready_len). A plain array (not a
     * GPtrArray, whose resizing and free function cost more than the extraction per frame). */
    struct mr_frame **ready;
    size_t ready_head, ready_len, ready_cap;
    GPtrArray *loaded; /* --preload: one pass of selected frames */
    guint loaded_next;
    unsigned loop;
    bool pass_done; /* the current pass has been read to its end */
    bool selected_known;
    uint64_t selected_this_pass, selected_per_pass;
    int64_t first_ts, last_ts; /* of the current pass, unshifted */
    bool have_ts;
    int64_t shift_ns; /* added to timestamps of the current pass */
    uint64_t records;
    int linktype;
    uint64_t next_uid;
};

static void ready_push(struct mr_source *src, struct mr_frame *frame)
{
    if (src->ready_len == src->ready_cap) {
        src->ready_cap = src->ready_cap ? 2 * src->ready_cap : 64;
        src->ready = g_renew(struct mr_frame *, src->ready, src->ready_cap);
    }
    src->ready[src->ready_len++] = frame;
}

static void on_frame(void *ctx, struct mr_frame *frame)
{
    struct mr_source *src = ctx;
    const struct mr_sender *sender = mr_extractor_sender(src->ex, frame->sender);
    bool selected = mr_select_match(src->cfg.select, frame, sender);
    if (src->cfg.observer != NULL)
        src->cfg.observer(src->cfg.observer_ctx, frame, selected, src->ex);
    if (!selected) {
        mr_frame_free(frame);
        return;
    }
    src->selected_this_pass++;
    ready_push(src, frame);
}

static void raw_frame(struct mr_source *src, const struct mr_record *rec)
{
    struct mr_frame probe = {.record = rec->ordinal, .from_master = true};
    if (!mr_select_match(src->cfg.select, &probe, NULL))
        return;
    struct mr_frame *f = mr_frame_new(rec->caplen);
    f->ts_ns = rec->ts_ns;
    f->record = rec->ordinal;
    f->uid = ++src->next_uid;
    f->from_master = true;
    f->crc_ok = true;
    memcpy(f->bytes, rec->data, rec->caplen);
    src->selected_this_pass++;
    ready_push(src, f);
}

static bool ready_empty(const struct mr_source *src)
{
    return src->ready_head >= src->ready_len;
}

/* Drops the slots of frames already pulled: an empty queue starts over, so
 * it holds only the frames of the records read since (memory stays flat). */
static void ready_reset(struct mr_source *src)
{
    src->ready_head = src->ready_len = 0;
}

/* The oldest ready frame, or NULL. */
static struct mr_frame *ready_pop(struct mr_source *src)
{
    if (ready_empty(src)) {
        ready_reset(src);
        return NULL;
    }
    return src->ready[src->ready_head++];
}

/* Reads records until a frame is ready or the pass ends. */
static bool fill(struct mr_source *src, GError **error)
{
    uint64_t last_record = mr_select_last_record(src->cfg.select);
    if (ready_empty(src))
        ready_reset(src);
    while (ready_empty(src) && !src->pass_done) {
        struct mr_record rec;
        switch (mr_capture_next(src->cap, &rec, error)) {
        case MR_READ_ERROR:
            return false;
        case MR_READ_END:
            src->pass_done = true;
            break;
        case MR_READ_OK:
            src->records++;
            if (src->linktype < 0)
                src->linktype = rec.linktype;
            if (!src->have_ts) {
                src->first_ts = rec.ts_ns;
                src->have_ts = true;
            }
            src->last_ts = rec.ts_ns;
            if (src->cfg.raw) {
                if (rec.linktype != src->linktype) {
                    g_set_error(error, MR_ERROR, 2,
                                "%s: record %" G_GUINT64_FORMAT
                                ": link type %d differs from the first record's %d",
                                rec.file, rec.number, rec.linktype, src->linktype);
                    return false;
                }
                raw_frame(src, &rec);
            } else {
                mr_extractor_record(src->ex, &rec, on_frame, src);
            }
            /* Past the last selected record nothing more can be sent; an
             * observer (--expect) still needs the recorded answers after it. */
            if (src->cfg.observer == NULL && rec.ordinal >= last_record)
                src->pass_done = true;
            break;
        }
        if (src->pass_done) {
            if (!src->cfg.raw)
                mr_extractor_finish(src->ex, on_frame, src);
            if (!src->cfg.raw && mr_extractor_stats(src->ex)->frames == 0) {
                gchar *names = g_strjoinv(", ", src->cfg.files);
                char hint[4096];
                const struct mr_extract_stats *st = mr_extractor_stats(src->ex);
                const GArray *skips = mr_extractor_skips(src->ex);
                if (mr_extractor_dlt_user_hint(src->ex, hint, sizeof hint))
                    g_set_error(error, MR_ERROR, 2, "no MCP frames in %s: %s", names, hint);
                else if (st->skipped > 0 && skips->len > 0) /* nothing lost silently */
                    g_set_error(
                        error, MR_ERROR, 2,
                        "no MCP frames in %s; %" G_GUINT64_FORMAT
                        " records or stretches not read, the first: record %" G_GUINT64_FORMAT
                        ": %s",
                        names, st->skipped, g_array_index(skips, struct mr_skip, 0).record,
                        g_array_index(skips, struct mr_skip, 0).reason);
                else
                    g_set_error(error, MR_ERROR, 2, "no MCP frames in %s", names);
                g_free(names);
                return false;
            }
            if (src->cfg.observer != NULL)
                src->cfg.observer(src->cfg.observer_ctx, NULL, false, src->ex);
            if (!src->selected_known) {
                src->selected_known = true;
                src->selected_per_pass = src->selected_this_pass;
            }
        }
    }
    return true;
}

/* The shift that puts the next pass one average gap after this one. */
static int64_t pass_span(int64_t first, int64_t last, uint64_t n)
{
    int64_t span = last - first;
    if (span < 0)
        span = 0;
    return span + (n > 1 ? span / (int64_t)(n - 1) : 0);
}

static void next_pass(struct mr_source *src)
{
    src->shift_ns += pass_span(src->first_ts, src->last_ts, src->selected_this_pass);
    src->loop++;
    src->pass_done = false;
    src->have_ts = false;
    src->selected_this_pass = 0;
    mr_capture_rewind(src->cap, NULL);
    if (src->ex != NULL)
        mr_extractor_restart(src->ex);
}

struct mr_source *mr_source_new(const struct mr_source_config *config, GError **error)
{
    struct mr_capture *cap = mr_capture_open(config->files, config->file_count, error);
    if (cap == NULL)
        return NULL;
    struct mr_source *src = g_new0(struct mr_source, 1);
    src->cfg = *config;
    if (src->cfg.loops == 0)
        src->cfg.loops = 1;
    src->cap = cap;
    src->linktype = -1;
    if (!config->raw) {
        src->ex = mr_extractor_new(&config->codec, config->mcp_port);
        mr_extractor_set_dlt_user(src->ex, config->dlt_user);
        mr_extractor_set_silence(src->ex, (int64_t)config->silence_ms * 1000000);
        mr_dfilter_add_original_skips(src->ex); /* -Y: what the export cannot carry */
    }
    if (config->preload) {
        src->loaded = g_ptr_array_new_with_free_func((GDestroyNotify)mr_frame_free);
        while (!src->pass_done) {
            if (!fill(src, error)) {
                mr_source_free(src);
                return NULL;
            }
            struct mr_frame *f;
            while ((f = ready_pop(src)) != NULL)
                g_ptr_array_add(src->loaded, f);
        }
    }
    return src;
}

void mr_source_free(struct mr_source *src)
{
    if (src == NULL)
        return;
    for (size_t i = src->ready_head; i < src->ready_len; i++)
        mr_frame_free(src->ready[i]);
    g_free(src->ready);
    if (src->loaded != NULL)
        g_ptr_array_free(src->loaded, TRUE);
    mr_extractor_free(src->ex);
    mr_capture_free(src->cap);
    g_free(src);
}

static struct mr_frame *next_preloaded(struct mr_source *src)
{
    if (src->loaded_next >= src->loaded->len) {
        if (src->loop + 1 >= src->cfg.loops || src->loaded->len == 0)
            return NULL;
        const struct mr_frame *first = g_ptr_array_index(src->loaded, 0);
        const struct mr_frame *last = g_ptr_array_index(src->loaded, src->loaded->len - 1);
        src->shift_ns += pass_span(first->ts_ns, last->ts_ns, src->loaded->len);
        src->loop++;
        src->loaded_next = 0;
    }
    struct mr_frame *f;
    if (src->loop + 1 >= src->cfg.loops) { /* the last pass hands the frames over */
        f = g_ptr_array_index(src->loaded, src->loaded_next);
        g_ptr_array_index(src->loaded, src->loaded_next) = NULL;
    } else {
        f = mr_frame_copy(g_ptr_array_index(src->loaded, src->loaded_next));
    }
    src->loaded_next++;
    f->ts_ns += src->shift_ns;
    return f;
}

struct mr_frame *mr_source_next(struct mr_source *src, GError **error)
{
    if (src->loaded != NULL)
        return next_preloaded(src);
    for (;;) {
        if (!fill(src, error))
            return NULL;
        struct mr_frame *f = ready_pop(src);
        if (f != NULL) {
            f->ts_ns += src->shift_ns;
            return f;
        }
        if (src->loop + 1 >= src->cfg.loops || src->selected_this_pass == 0)
            return NULL;
        next_pass(src);
    }
}

int mr_source_prime(struct mr_source *src, GError **error)
{
    if (src->loaded != NULL)
        return src->loaded->len > 0 ? 1 : 0;
    if (!fill(src, error))
        return -1;
    return ready_empty(src) ? 0 : 1;
}

unsigned mr_source_loop(const struct mr_source *src)
{
    return src->loop;
}

const struct mr_extractor *mr_source_extractor(const struct mr_source *src)
{
    return src->ex;
}

uint64_t mr_source_selected_per_pass(const struct mr_source *src)
{
    return src->selected_known ? src->selected_per_pass : 0;
}

uint64_t mr_source_records_read(const struct mr_source *src)
{
    return src->records;
}

int mr_source_linktype(const struct mr_source *src)
{
    return src->linktype;
}
