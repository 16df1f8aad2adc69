// SPDX-License-Identifier: GPL-2.0-or-later
// grpc_server: the gRPC side of bench/vs_grpc.sh. Serves mcpbench.Device/Read
// (mcpread.proto) from the same in-memory device as mcpsim: mcpsim_core's
// register store (sim_devices_*), the same status rules (sim_register_status)
// and, with --seed, the same register values.
//
// gRPC's asynchronous API as its performance guide recommends for a
// high-throughput server: one completion queue per core this process may run
// on (sched_getaffinity: pin it with taskset), one thread polling each, and a
// pool of pending Read calls posted on every queue.
//
//   grpc_server [--listen HOST:PORT] [--devices LIST] [--seed N] [--pending N]
//   prints "listening grpc://HOST:PORT" once serving; stops on SIGINT/SIGTERM.
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "mcpread.grpc.pb.h"

extern "C" {
#include "device.h"
#include "idlist.h"
}

namespace
{

using mcpbench::ReadRequest;
using mcpbench::ReadResponse;

struct sim_devices g_devices;

// One Read call's life: posted, served, finished, then replaced by a fresh one.
class Call
{
  public:
    Call(mcpbench::Device::AsyncService *service, grpc::ServerCompletionQueue *cq)
        : service_(service), cq_(cq), responder_(&ctx_)
    {
        service_->RequestRead(&ctx_, &req_, &responder_, cq_, cq_, this);
    }

    void Proceed(bool ok)
    {
        if (finished_ || !ok) {
            delete this; // answered, or the queue shuts down
            return;
        }
        new Call(service_, cq_); // keep the pool full before serving
        Serve();
        finished_ = true;
        responder_.Finish(resp_, grpc::Status::OK, this);
    }

  private:
    void Serve()
    {
        uint32_t device = req_.device(), addr = req_.addr(), count = req_.count();
        // MCP's fields are u8/u16; what does not fit gets the status §2 would
        // give (device, then count, then range; sim_register_status's order).
        enum mcp_status st = MCP_STATUS_UNKNOWN_DEVICE;
        if (device < MCP_BROADCAST_DEVICE) {
            st =
                sim_register_status(&g_devices, (uint8_t)device, addr > 0xFFFF ? 0 : (uint16_t)addr,
                                    count > 0xFFFF ? 0 : (uint16_t)count);
            if (st == MCP_STATUS_OK && addr > 0xFFFF)
                st = MCP_STATUS_ILLEGAL_ADDRESS;
        }
        resp_.set_status(st);
        if (st != MCP_STATUS_OK)
            return;
        resp_.set_device(device);
        resp_.set_addr(addr);
        const uint16_t *regs = g_devices.regs[device] + addr;
        auto *values = resp_.mutable_values();
        values->Reserve((int)count);
        for (uint32_t i = 0; i < count; i++)
            values->AddAlreadyReserved(regs[i]);
    }

    mcpbench::Device::AsyncService *service_;
    grpc::ServerCompletionQueue *cq_;
    grpc::ServerContext ctx_;
    ReadRequest req_;
    ReadResponse resp_;
    grpc::ServerAsyncResponseWriter<ReadResponse> responder_;
    bool finished_ = false;
};

void poll_queue(grpc::ServerCompletionQueue *cq)
{
    void *tag;
    bool ok;
    while (cq->Next(&tag, &ok))
        static_cast<Call *>(tag)->Proceed(ok);
}

int usage()
{
    fprintf(stderr, "usage: grpc_server [--listen HOST:PORT] [--devices LIST] [--seed N] "
                    "[--pending N]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    // Blocked before any thread starts: sigwait() below takes them, no poller does.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    std::string listen = "127.0.0.1:0";
    const char *devices = "1";
    long long seed = -1;
    int pending = 256;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc)
            return usage();
        if (a == "--listen")
            listen = argv[++i];
        else if (a == "--devices")
            devices = argv[++i];
        else if (a == "--seed")
            seed = atoll(argv[++i]);
        else if (a == "--pending")
            pending = atoi(argv[++i]);
        else
            return usage();
    }
    bool present[256];
    if (!mcp_parse_id_list(devices, 0, 254, present) || pending < 1) {
        fprintf(stderr, "grpc_server: bad --devices or --pending\n");
        return 2;
    }
    sim_devices_init(&g_devices, present);
    if (seed >= 0)
        sim_devices_seed(&g_devices, (uint64_t)seed);

    cpu_set_t set;
    int cores = 1;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        cores = CPU_COUNT(&set);

    mcpbench::Device::AsyncService service;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> cqs;
    for (int i = 0; i < cores; i++)
        cqs.push_back(builder.AddCompletionQueue());
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || port == 0) {
        fprintf(stderr, "grpc_server: cannot listen on %s\n", listen.c_str());
        return 3;
    }
    for (auto &cq : cqs)
        for (int i = 0; i < pending; i++)
            new Call(&service, cq.get());

    std::string host = listen.substr(0, listen.rfind(':'));
    printf("listening grpc://%s:%d (%d completion queue%s)\n", host.c_str(), port, cores,
           cores == 1 ? "" : "s");
    fflush(stdout);

    std::vector<std::thread> threads;
    for (auto &cq : cqs)
        threads.emplace_back(poll_queue, cq.get());
    int sig = 0;
    sigwait(&sigs, &sig);
    server->Shutdown(std::chrono::system_clock::now());
    for (auto &cq : cqs)
        cq->Shutdown();
    for (auto &t : threads)
        t.join();
    sim_devices_free(&g_devices);
    return 0;
}
