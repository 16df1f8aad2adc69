// SPDX-License-Identifier: GPL-2.0-or-later
// grpc_loadgen: the gRPC counterpart of bench/mcp_loadgen for bench/vs_grpc.sh.
// Drives mcpbench.Device/Read (mcpread.proto) with gRPC's asynchronous client
// API: one completion queue and one thread per core this process may run on
// (pin it with taskset), clients spread over them.
//
// Each client is its own channel, its own HTTP/2 connection (a local
// subchannel pool), as each mcp_loadgen connection is its own socket.
//
// Closed loop (default): every client keeps one Read outstanding.
// Open loop (--rate R): Read k is due at start + k/R whatever came back, sent
// on client k mod N (several may then be outstanding on one client), and its
// latency runs from that due time, not from when it went out: a stalled
// server is charged for every request it held up (no coordinated omission).
// The sends come from a thread of their own sleeping to each due time
// (gRPC's poller waits in whole milliseconds), on the same core.
//
// Output, one line, the fields of mcp_loadgen:
//   transport=grpc connections=N window=1 seconds=S sent= answered= lost=0 naks=0 not_ok=
//   rate= p50_us= p99_us= p999_us= max_us=      (rate_target= in open loop)
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "mcpread.grpc.pb.h"

namespace
{

using mcpbench::ReadRequest;
using mcpbench::ReadResponse;

uint64_t now_ns()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct Options {
    std::string target;
    int clients = 1;
    unsigned device = 1, addr = 0x10, count = 1;
    double seconds = 3, warmup = 0.5, rate = 0;
};

struct Call {
    grpc::ClientContext ctx;
    ReadResponse resp;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<ReadResponse>> reader;
    uint64_t due_ns; // latency origin: sent time (closed loop), due time (open loop)
    int client;
    size_t slot; // index in its worker's outstanding list
};

struct Result {
    uint64_t sent = 0, answered = 0, not_ok = 0;
    std::vector<uint32_t> samples_ns;
};

// One completion queue with its share of the clients (and of the open-loop rate).
class Worker
{
  public:
    Worker(const Options &o, std::vector<std::unique_ptr<mcpbench::Device::Stub>> stubs)
        : o_(o), stubs_(std::move(stubs))
    {
        req_.set_device(o.device);
        req_.set_addr(o.addr);
        req_.set_count(o.count);
    }

    void Run(uint64_t start, uint64_t measure_from, uint64_t end, double rate)
    {
        measure_from_ = measure_from;
        std::thread sender;
        if (rate <= 0) {
            std::lock_guard<std::mutex> lock(mu_);
            for (int i = 0; i < (int)stubs_.size(); i++)
                Issue(i, now_ns());
        } else {
            // Open loop: a thread of its own sends Read k at start + k / rate
            // (clock_nanosleep, 1 ns timer slack) while this one takes answers.
            sender = std::thread([this, start, end, rate] {
                prctl(PR_SET_TIMERSLACK, 1UL);
                for (uint64_t k = 0;; k++) {
                    uint64_t due = start + (uint64_t)((double)k * 1e9 / rate);
                    if (due >= end)
                        break;
                    struct timespec ts = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
                    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
                    }
                    std::lock_guard<std::mutex> lock(mu_);
                    Issue((int)(k % stubs_.size()), due);
                }
            });
        }
        for (;;) {
            uint64_t now = now_ns();
            if (now >= end)
                break;
            gpr_timespec deadline =
                gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                             gpr_time_from_nanos((int64_t)std::min<uint64_t>(end - now, 10000000),
                                                 GPR_TIMESPAN));
            void *tag;
            bool ok;
            if (cq_.AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT) {
                std::lock_guard<std::mutex> lock(mu_);
                Done(static_cast<Call *>(tag), rate <= 0);
            }
        }
        if (sender.joinable())
            sender.join();
        // Unanswered Reads are cancelled and drained; they count in neither figure.
        void *tag;
        bool ok;
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
            for (Call *c : outstanding_)
                c->ctx.TryCancel();
        }
        while (!outstanding_.empty() && cq_.Next(&tag, &ok))
            Done(static_cast<Call *>(tag), false);
        cq_.Shutdown();
        while (cq_.Next(&tag, &ok)) {
        }
    }

    Result result;

  private:
    void Issue(int client, uint64_t due)
    {
        Call *c = new Call;
        c->due_ns = due;
        c->client = client;
        c->reader = stubs_[client]->PrepareAsyncRead(&c->ctx, req_, &cq_);
        c->reader->StartCall();
        c->reader->Finish(&c->resp, &c->status, c);
        c->slot = outstanding_.size();
        outstanding_.push_back(c);
        if (c->due_ns >= measure_from_)
            result.sent++;
    }

    void Done(Call *c, bool again)
    {
        uint64_t now = now_ns();
        // swap-remove from the outstanding list
        Call *last = outstanding_.back();
        outstanding_[c->slot] = last;
        last->slot = c->slot;
        outstanding_.pop_back();
        if (!stop_ && c->due_ns >= measure_from_) {
            bool good =
                c->status.ok() && c->resp.status() == 0 && c->resp.values_size() == (int)o_.count;
            result.answered++;
            result.not_ok += !good;
            uint64_t lat = now - c->due_ns;
            result.samples_ns.push_back(lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat);
        }
        int client = c->client;
        delete c;
        if (again && !stop_)
            Issue(client, now);
    }

    const Options &o_;
    std::vector<std::unique_ptr<mcpbench::Device::Stub>> stubs_;
    grpc::CompletionQueue cq_;
    ReadRequest req_;
    std::vector<Call *> outstanding_;
    uint64_t measure_from_ = 0;
    bool stop_ = false;
    std::mutex mu_; // the sender thread's Issue against the answers' Done
};

double percentile_us(const std::vector<uint32_t> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    return sorted[(size_t)(p * (double)(sorted.size() - 1))] / 1000.0;
}

int usage()
{
    fprintf(stderr, "usage: grpc_loadgen --target HOST:PORT [--clients N] [--device D] [--addr A]\n"
                    "                    [--count N] [--seconds S] [--warmup S] [--rate R]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc)
            return usage();
        const char *v = argv[++i];
        if (a == "--target")
            o.target = v;
        else if (a == "--clients" || a == "--connections")
            o.clients = atoi(v);
        else if (a == "--device")
            o.device = (unsigned)atoi(v);
        else if (a == "--addr")
            o.addr = (unsigned)strtoul(v, nullptr, 0);
        else if (a == "--count")
            o.count = (unsigned)atoi(v);
        else if (a == "--seconds")
            o.seconds = atof(v);
        else if (a == "--warmup")
            o.warmup = atof(v);
        else if (a == "--rate")
            o.rate = atof(v);
        else
            return usage();
    }
    if (o.target.empty() || o.clients < 1 || o.clients > 10000 || o.count < 1 || o.count > 125 ||
        !(o.seconds > 0) || o.warmup < 0 || o.rate < 0)
        return usage();
    prctl(PR_SET_TIMERSLACK, 1UL); // sleeps end when asked, for the open loop's schedule

    cpu_set_t set;
    int cores = 1;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        cores = CPU_COUNT(&set);
    int nworkers = std::min(cores, o.clients);

    // One connection per client, all up before the clock starts.
    std::vector<std::vector<std::unique_ptr<mcpbench::Device::Stub>>> stubs(nworkers);
    auto connect_by = std::chrono::system_clock::now() + std::chrono::seconds(10);
    for (int i = 0; i < o.clients; i++) {
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        auto ch = grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args);
        if (!ch->WaitForConnected(connect_by)) {
            fprintf(stderr, "grpc_loadgen: cannot connect to %s (client %d)\n", o.target.c_str(),
                    i);
            return 3;
        }
        stubs[i % nworkers].push_back(mcpbench::Device::NewStub(ch));
    }

    std::vector<std::unique_ptr<Worker>> workers;
    for (int w = 0; w < nworkers; w++)
        workers.emplace_back(new Worker(o, std::move(stubs[w])));
    uint64_t start = now_ns();
    uint64_t measure_from = start + (uint64_t)(o.warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(o.seconds * 1e9);
    std::vector<std::thread> threads;
    for (int w = 0; w < nworkers; w++)
        threads.emplace_back(
            [&, w] { workers[w]->Run(start, measure_from, end, o.rate / nworkers); });
    for (auto &t : threads)
        t.join();

    Result all;
    for (auto &w : workers) {
        all.sent += w->result.sent;
        all.answered += w->result.answered;
        all.not_ok += w->result.not_ok;
        all.samples_ns.insert(all.samples_ns.end(), w->result.samples_ns.begin(),
                              w->result.samples_ns.end());
    }
    std::sort(all.samples_ns.begin(), all.samples_ns.end());
    printf("transport=grpc connections=%d window=1 seconds=%.2f sent=%llu answered=%llu lost=0 "
           "naks=0 not_ok=%llu",
           o.clients, o.seconds, (unsigned long long)all.sent, (unsigned long long)all.answered,
           (unsigned long long)all.not_ok);
    if (o.rate > 0)
        printf(" rate_target=%.0f", o.rate);
    printf(" rate=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
           (double)all.answered / o.seconds, percentile_us(all.samples_ns, 0.50),
           percentile_us(all.samples_ns, 0.99), percentile_us(all.samples_ns, 0.999),
           all.samples_ns.empty() ? 0.0 : all.samples_ns.back() / 1000.0);
    return all.answered > 0 && all.not_ok == 0 ? 0 : 1;
}
