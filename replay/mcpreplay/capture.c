/* Capture file reading: the files of one capture in order, through capread. */
#include "capture.h"

#include "capread.h"

G_DEFINE_QUARK(mcpreplay - error - quark, mr_error)

struct mr_capture {
    char **files;
    size_t file_count;
    size_t current;         /* index of the open file */
    struct mcp_capread *cr; /* NULL before the first record and between files */
    uint64_t ordinal;
    uint64_t skipped_empty;
};

struct mr_capture *mr_capture_open(char **files, size_t file_count, GError **error)
{
    for (size_t i = 0; i < file_count; i++) {
        struct mcp_capread *cr = mcp_capread_open(files[i], error);
        if (cr == NULL)
            return NULL;
        mcp_capread_close(cr);
    }
    struct mr_capture *cap = g_new0(struct mr_capture, 1);
    cap->files = g_strdupv(files);
    cap->file_count = file_count;
    return cap;
}

void mr_capture_free(struct mr_capture *cap)
{
    if (cap == NULL)
        return;
    mcp_capread_close(cap->cr);
    g_strfreev(cap->files);
    g_free(cap);
}

bool mr_capture_rewind(struct mr_capture *cap, GError **error)
{
    (void)error;
    mcp_capread_close(cap->cr);
    cap->cr = NULL;
    cap->current = 0;
    cap->ordinal = 0;
    return true;
}

uint64_t mr_capture_skipped_empty(const struct mr_capture *cap)
{
    return cap->skipped_empty;
}

enum mr_read_status mr_capture_next(struct mr_capture *cap, struct mr_record *rec, GError **error)
{
    for (;;) {
        if (cap->cr == NULL) {
            if (cap->current >= cap->file_count)
                return MR_READ_END;
            cap->cr = mcp_capread_open(cap->files[cap->current], error);
            if (cap->cr == NULL)
                return MR_READ_ERROR;
        }
        const char *file = cap->files[cap->current];
        struct mcp_caprec cr;
        switch (mcp_capread_next(cap->cr, &cr, error)) {
        case MCP_CAPREAD_END:
            mcp_capread_close(cap->cr);
            cap->cr = NULL;
            cap->current++;
            continue;
        case MCP_CAPREAD_ERROR:
            return MR_READ_ERROR;
        case MCP_CAPREAD_OK:
            break;
        }
        cap->ordinal++;
        if (!cr.packet)
            continue; /* a non-packet record carries no frame; it still has its number */
        if (cr.caplen == 0) {
            if (cap->skipped_empty++ == 0)
                g_printerr("mcpreplay: %s: record %" G_GUINT64_FORMAT
                           ": zero-length record skipped\n",
                           file, cr.number);
            continue;
        }
        rec->file = file;
        rec->file_index = (unsigned)cap->current;
        rec->number = cr.number;
        rec->ordinal = cap->ordinal;
        rec->ts_ns = cr.ts_ns;
        rec->linktype = cr.linktype;
        rec->interface_id = cr.interface_id;
        rec->data = cr.data;
        rec->caplen = cr.caplen;
        rec->wirelen = cr.wirelen;
        return MR_READ_OK;
    }
}
