/*
 * mcpgen: writes MCP v1 sample captures (pcap or pcapng; UDP, TCP or serial)
 * and their answer key, deterministically from --seed.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "capwriter.h"
#include "model.h"
#include "options.h"
#include "topology.h"
#include "truth.h"
#include "verify.h"
#include "xport.h"

/* Generates the capture; returns an exit code. The answer key is checked but not written. */
static int generate(const struct gen_options *opt, const struct topology *topo, struct truth *truth,
                    uint32_t *records)
{
    struct record_sink sink = {0};
    sink.writer =
        capwriter_open(opt->out, opt->format == GEN_FORMAT_PCAPNG, xport_linktype(opt), opt->nano);
    if (sink.writer == NULL)
        return GEN_EXIT_IO;
    sink.verifier = verifier_new(opt);
    struct xport *x = xport_new(opt, topo, truth, &sink);
    struct model_stats stats;
    model_run(opt, topo, truth, x, &stats);
    xport_finish(x);
    xport_free(x);
    int rc = GEN_EXIT_OK;
    if (!capwriter_close(sink.writer) || sink.failed)
        rc = GEN_EXIT_IO;
    else if (!truth_finalize(truth) || (!verifier_compare(sink.verifier, truth) && !getenv("DBG")))
        rc = GEN_EXIT_INTERNAL;
    verifier_free(sink.verifier);
    *records = sink.records;
    return rc;
}

int main(int argc, char **argv)
{
    struct gen_options opt;
    if (!gen_options_parse(argc, argv, &opt)) {
        gen_options_free(&opt);
        return GEN_EXIT_USAGE;
    }
    /* The answer key's file is opened first, so a bad path fails before the work. */
    FILE *truth_file = NULL;
    if (opt.truth != NULL && (truth_file = truth_open(opt.truth)) == NULL) {
        gen_options_free(&opt);
        return GEN_EXIT_IO;
    }
    struct truth truth;
    truth_init(&truth);
    struct topology topo;
    topology_build(&topo, &opt, &truth);

    uint32_t records = 0;
    int rc = generate(&opt, &topo, &truth, &records);
    if (rc == GEN_EXIT_OK && truth_file != NULL) {
        struct truth_header h = {gen_transport_name(opt.transport),
                                 gen_link_name(opt.link),
                                 mcp_crc_variant_name(opt.codec.crc),
                                 opt.codec.length_le,
                                 records,
                                 opt.seed};
        if (!truth_write(&truth, &h, truth_file, opt.truth))
            rc = GEN_EXIT_IO;
    } else if (truth_file != NULL) {
        fclose(truth_file);
    }
    /* Never leave a capture without its answer key, or with a wrong one. */
    if (rc != GEN_EXIT_OK) {
        if (rc != GEN_EXIT_IO || records > 0)
            remove(opt.out);
        if (opt.truth != NULL)
            remove(opt.truth);
    }
    topology_free(&topo);
    truth_free(&truth);
    gen_options_free(&opt);
    return rc;
}
