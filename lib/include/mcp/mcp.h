/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MCP v1 protocol library: everything the spec (docs/PROTOCOL.md) defines. */
#ifndef MCP_MCP_H
#define MCP_MCP_H

#include "mcp/busdir.h"
#include "mcp/crc.h"
#include "mcp/frame.h"
#include "mcp/match.h"
#include "mcp/names.h"
#include "mcp/pdu.h"
#include "mcp/seq.h"
#include "mcp/stream.h"

#endif
