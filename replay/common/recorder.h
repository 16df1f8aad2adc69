/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A capture of everything (mcpreplay -w, mcppoll -w) sent to and received from the
 * target, with real timestamps (ns). UDP and TCP conversations are written as
 * raw IPv4/IPv6 packets (LINKTYPE_RAW) with synthesised UDP or TCP headers
 * between the real addresses (TCP with a handshake, sequence and ack
 * numbers); serial lines as exported-PDU records (LINKTYPE 252, tags
 * "mcp5a.serial" and direction, docs/PROTOCOL.md §5); iface: targets as the
 * injected packets themselves.
 */
#ifndef MCP_RECORDER_H
#define MCP_RECORDER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum mcp_record_kind {
    MCP_RECORD_UDP,
    MCP_RECORD_TCP,
    MCP_RECORD_SERIAL,
    MCP_RECORD_L2 /* whole packets of the given link type */
};

struct mcp_recorder;

/* linktype: for MCP_RECORD_L2. */
struct mcp_recorder *mcp_recorder_open(const char *path, enum mcp_record_kind kind, int linktype,
                                       GError **error);

/* UDP/TCP: socket number conv to the target was opened between local and peer (TCP: a
 * handshake is written). Each socket is its own conversation in the file. */
void mcp_recorder_conversation(struct mcp_recorder *r, unsigned conv,
                               const struct sockaddr_storage *local,
                               const struct sockaddr_storage *peer, int64_t realtime_ns);
/* Whether every write so far succeeded; false with *error (MCP_TARGET_USAGE, naming the file and
 * the errno, "the reader closed the pipe" for EPIPE) after the first failed one (a full disk, a
 * closed pipe: h19 #4). After a failure nothing more is written. NULL r: true. */
bool mcp_recorder_ok(const struct mcp_recorder *r, GError **error);

/* Writes what is buffered and closes the file; false with *error if any write or the final flush
 * failed (as mcp_recorder_ok). */
bool mcp_recorder_close(struct mcp_recorder *r, GError **error);

/* conv: the socket (UDP/TCP; ignored otherwise); to_target: sent by us; realtime_ns: when. */
void mcp_recorder_add(struct mcp_recorder *r, unsigned conv, bool to_target, int64_t realtime_ns,
                      const uint8_t *bytes, size_t len);

/* TCP: the connection was re-established from a new local address. */
void mcp_recorder_reconnected(struct mcp_recorder *r, unsigned conv,
                              const struct sockaddr_storage *local, int64_t realtime_ns);

#endif
