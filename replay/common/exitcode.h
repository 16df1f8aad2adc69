/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exit codes of every tool: one meaning per code (issue 21, docs/options.md
 * "Exit codes"). A tool uses the codes whose case it can meet; none gives a
 * code another meaning. test/options/exit_codes.py reads the table in
 * docs/options.md and drives each tool into each case it documents.
 */
#ifndef MCP_EXITCODE_H
#define MCP_EXITCODE_H

enum mcp_exit {
    MCP_EXIT_OK = 0,          /* finished as asked, nothing lost, nothing wrong found */
    MCP_EXIT_FAULT = 1,       /* what the run checks is wrong (answers, checks, status) */
    MCP_EXIT_USAGE = 2,       /* a bad option or bad input, found before the work */
    MCP_EXIT_UNREACHABLE = 3, /* an endpoint (target, listener, port) cannot be reached or
                                 opened, is busy, refuses its settings, or was lost */
    MCP_EXIT_SKIPPED = 4,     /* frames the input does not hold whole were skipped (listed) */
    MCP_EXIT_INTERRUPTED = 5, /* SIGINT/SIGTERM cut the run short, work left undone */
    MCP_EXIT_OUTPUT = 6,      /* an output file cannot be created or written */
    MCP_EXIT_INTERNAL = 7     /* the tool failed by itself: a system call it cannot do
                                 without, or its own cross-check (a bug: report it) */
};

#endif
