// The CPU kernels' threads: the thread count a context asks for, and a process-wide pool of
// parked threads that parallel_for hands its blocks to. Starting and joining a thread per call,
// as parallel_for once did, cost ~70 us on this project's machine; waking a parked one ~12 us.
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "cpu.h"

namespace gendiv::cpu {

int resolve_threads(int requested) {
    if (requested > 0) return requested;
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : int(hw);
}

namespace {

// Workers 1, 2, ... park on a generation counter; a call publishes its task, bumps the
// generation, runs part 0 itself and waits until every worker it asked for is done. One call at
// a time holds the pool (calls from several JVM threads at once are legal): the others start
// threads of their own, as before.
class Pool {
  public:
    bool try_run(int parts, Task task, void* ctx) {
        if (busy_.exchange(true, std::memory_order_acquire)) return false;
        {
            std::lock_guard<std::mutex> lock(mu_);
            for (; started_ < parts - 1; ++started_) std::thread(&Pool::work, this, started_ + 1).detach();
            task_ = task;
            ctx_ = ctx;
            wanted_ = parts - 1;
            pending_ = parts - 1;
            ++generation_;
        }
        wake_.notify_all();
        task(ctx, 0);
        {
            std::unique_lock<std::mutex> lock(mu_);
            done_.wait(lock, [&] { return pending_ == 0; });
        }
        busy_.store(false, std::memory_order_release);
        return true;
    }

  private:
    void work(int id) {
        uint64_t seen = 0;
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            wake_.wait(lock, [&] { return generation_ != seen; });
            seen = generation_;
            if (id > wanted_) continue;  // this call wants fewer threads
            Task task = task_;
            void* ctx = ctx_;
            lock.unlock();
            task(ctx, id);
            lock.lock();
            if (--pending_ == 0) done_.notify_one();
        }
    }

    std::atomic<bool> busy_{false};  // set by the call using the pool (a flag, not a mutex: a nested
                                     // call from the same thread must see "busy", not deadlock)
    std::mutex mu_;                  // guards everything below
    std::condition_variable wake_, done_;
    int started_ = 0, wanted_ = 0, pending_ = 0;
    uint64_t generation_ = 0;
    Task task_ = nullptr;
    void* ctx_ = nullptr;
};

}  // namespace

void run_parts(int parts, Task task, void* ctx) {
    // Never destroyed: its threads stay parked for the life of the process.
    static Pool* pool = new Pool;
    if (parts <= 1) {
        task(ctx, 0);
        return;
    }
    if (pool->try_run(parts, task, ctx)) return;
    std::vector<std::thread> own;
    own.reserve(size_t(parts - 1));
    for (int i = 1; i < parts; ++i) own.emplace_back(task, ctx, i);
    task(ctx, 0);
    for (auto& t : own) t.join();
}

}  // namespace gendiv::cpu
