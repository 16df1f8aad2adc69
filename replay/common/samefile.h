/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether two paths name one file (an output that would overwrite an input or another output). */
#ifndef MCP_SAMEFILE_H
#define MCP_SAMEFILE_H

#include <stdbool.h>

/* True when a and b name the same file: both exist and have one device and inode (so ./x, a
 * symlink or a hard link to x are x), or neither exists and both name one entry of one
 * directory (the directory compared by device and inode, the entry by name). "-" (stdin or
 * stdout) is never a file here: the callers decide what two "-" mean. No errors: a path that
 * cannot be examined is a different file (opening it later reports why). */
bool mcp_same_file(const char *a, const char *b);

#endif
