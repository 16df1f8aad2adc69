/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The independent cross-check: decodes every record as written (link, IP,
 * UDP/TCP or exported-PDU headers), runs the protocol library's stream
 * decoder, sequence tracker and matcher over it, and compares the result
 * with the answer key the generator computed from its own bookkeeping.
 */
#ifndef MCPGEN_VERIFY_H
#define MCPGEN_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "truth.h"

struct verifier;

struct verifier *verifier_new(const struct gen_options *opt);
/* One record written at t_ns (ns from the capture's start). */
void verifier_record(struct verifier *v, uint32_t record, uint64_t t_ns, const uint8_t *data,
                     size_t len);
/* Ends the streams and compares; on disagreement prints the first difference and returns false. */
bool verifier_compare(struct verifier *v, const struct truth *truth);
void verifier_free(struct verifier *v);

#endif
