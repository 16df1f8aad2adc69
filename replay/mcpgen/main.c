/*
 * mcpgen: writes MCP v1 sample captures (pcap or pcapng; UDP, TCP or serial)
 * and their answer key, deterministically from --seed.
 */
#include <glib.h>
#include <stdio.h>

#include "capwriter.h"
#include "model.h"
#include "options.h"
#include "topology.h"
#include "truth.h"
#include "verify.h"
#include "xport.h"

int main(int argc, char **argv)
{
    struct gen_options opt;
    if (!gen_options_parse(argc, argv, &opt)) {
        gen_options_free(&opt);
        return GEN_EXIT_USAGE;
    }
    int rc = GEN_EXIT_OK;
    struct truth truth;
    truth_init(&truth);
    struct topology topo;
    topology_build(&topo, &opt, &truth);

    struct record_sink sink = {0};
    sink.writer =
        capwriter_open(opt.out, opt.format == GEN_FORMAT_PCAPNG, xport_linktype(&opt), opt.nano);
    if (sink.writer == NULL) {
        rc = GEN_EXIT_IO;
        goto out;
    }
    sink.verifier = verifier_new(&opt);
    struct xport *x = xport_new(&opt, &topo, &truth, &sink);
    struct model_stats stats;
    model_run(&opt, &topo, &truth, x, &stats);
    xport_finish(x);
    xport_free(x);

    bool written = capwriter_close(sink.writer) && !sink.failed;
    if (!written) {
        rc = GEN_EXIT_IO;
    } else if (!truth_finalize(&truth) || !verifier_compare(sink.verifier, &truth)) {
        rc = GEN_EXIT_INTERNAL;
    } else if (opt.truth != NULL) {
        struct truth_header h = {gen_transport_name(opt.transport),
                                 gen_link_name(opt.link),
                                 mcp_crc_variant_name(opt.codec.crc),
                                 opt.codec.length_le,
                                 sink.records,
                                 opt.seed};
        if (!truth_write(&truth, &h, opt.truth))
            rc = GEN_EXIT_IO;
    }
    verifier_free(sink.verifier);
    if (rc == GEN_EXIT_INTERNAL)
        remove(opt.out); /* never leave a capture whose answer key is wrong */
out:
    topology_free(&topo);
    truth_free(&truth);
    gen_options_free(&opt);
    return rc;
}
