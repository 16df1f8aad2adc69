/*
 * --record FILE (mcpreplay, mcppoll): a capture of everything sent to and
 * received from the target, with real timestamps (ns). UDP and TCP conversations are written as
 * raw IPv4/IPv6 packets (LINKTYPE_RAW) with synthesised UDP or TCP headers
 * between the real addresses (TCP with a handshake, sequence and ack
 * numbers); serial lines as exported-PDU records (LINKTYPE 252, tags
 * "mcp5a.serial" and direction, docs/PROTOCOL.md §5); iface: targets as the
 * injected packets themselves.
 */
#ifndef MR_RECORDER_H
#define MR_RECORDER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum mr_record_kind {
    MR_RECORD_UDP,
    MR_RECORD_TCP,
    MR_RECORD_SERIAL,
    MR_RECORD_L2 /* whole packets of the given link type */
};

struct mr_recorder;

/* linktype: for MR_RECORD_L2. Errors: MCP_TARGET_ERROR, code 2 (the file cannot be written). */
struct mr_recorder *mr_recorder_open(const char *path, enum mr_record_kind kind, int linktype,
                                     GError **error);

/* UDP/TCP: socket number conv to the target was opened between local and peer (TCP: a
 * handshake is written). Each socket is its own conversation in the file. */
void mr_recorder_conversation(struct mr_recorder *r, unsigned conv,
                              const struct sockaddr_storage *local,
                              const struct sockaddr_storage *peer, int64_t realtime_ns);
/* Writes what is buffered and closes the file; false with *error if writing failed. */
bool mr_recorder_close(struct mr_recorder *r, GError **error);

/* conv: the socket (UDP/TCP; ignored otherwise); to_target: sent by us; realtime_ns: when. */
void mr_recorder_add(struct mr_recorder *r, unsigned conv, bool to_target, int64_t realtime_ns,
                     const uint8_t *bytes, size_t len);

/* TCP: the connection was re-established from a new local address. */
void mr_recorder_reconnected(struct mr_recorder *r, unsigned conv,
                             const struct sockaddr_storage *local, int64_t realtime_ns);

#endif
