/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -Y/--display-filter: tshark with the mcp5a plugin selects the frames. Each
 * capture is run through `tshark -r FILE -Y FILTER -U MCP5A -w OUT` (a child
 * process: tools never link epan), whose PDU export (docs/PROTOCOL.md §6)
 * writes exactly the matching MCP frames with their addresses and ports; the
 * replay then reads those files (LINKTYPE_WIRESHARK_UPPER_PDU, "mcp5a").
 * MCPREPLAY_TSHARK names another tshark command (a wrapper, say).
 */
#ifndef MR_DFILTER_H
#define MR_DFILTER_H

#include <glib.h>
#include <stdbool.h>

#include "dltuser.h"
#include "mcp/frame.h"

struct mr_dfilter;

/*
 * Exports the matching frames of each of files[0..n) into a temporary folder.
 * prefs: the codec and MCP port, passed to tshark as mcp5a preferences;
 * dlt_user (may be NULL): mappings given with --dlt-user, passed as
 * `-o uat:user_dlts:RECORD` (Wireshark's own table tshark reads itself).
 * NULL with *error (code 2, one line: tshark missing, the tap missing, a bad
 * filter, with tshark's own message) on failure.
 */
struct mr_dfilter *mr_dfilter_run(char **files, size_t n, const char *filter,
                                  const struct mcp_codec *codec, unsigned mcp_port,
                                  const struct mr_dlt_user_table *dlt_user, GError **error);
/*
 * The PDU export carries whole frames only: a frame the capture does not hold
 * whole would vanish under -Y. So mr_dfilter_run also reads the original
 * captures without the filter (mcpreplay's own extraction, every frame) and
 * keeps their skips (and a read error as one): this lists them in ex, as
 * skips of the original capture's records, named so (the filter's choice
 * cannot be known for a frame tshark never saw whole: they count whether or
 * not it would select them, exit 4 unless --allow-skips). Called by the
 * source for the extractor reading the export; no-op without -Y.
 */
struct mr_extractor;
void mr_dfilter_add_original_skips(struct mr_extractor *ex);

/* The exported files, in the order of the inputs (NULL-terminated). */
char **mr_dfilter_files(const struct mr_dfilter *df);
/* Removes the temporary files. */
void mr_dfilter_free(struct mr_dfilter *df);

#endif
