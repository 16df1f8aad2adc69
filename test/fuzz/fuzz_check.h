/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the library's libFuzzer targets share: the entry point libFuzzer calls,
 * and CHECK, an invariant that aborts (a crash libFuzzer reports, with the input)
 * when it does not hold.
 */
#ifndef MCP_FUZZ_CHECK_H
#define MCP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#endif
