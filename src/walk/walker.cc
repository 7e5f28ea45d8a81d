// walker.cc — the parallel walker. A map of its parts:
//
//   Impl            shared state: options, sink, descriptor cache, work queue, counters
//   node lifecycle  NewChild / Ref / Unref: DirNodes live while a task or child needs them
//   RunTask         one task = open (or continue) a directory, read one getdents64 buffer,
//                   read ahead one more (a continuation for another worker when there is one),
//                   stat the buffer's entries (ProcessBuffer), emit the segment
//   ProcessBuffer   per entry: own-output and --exclude filters, statx, readlink, child
//                   directories (depth limit, -x, loop checks), deferred links (-L)
//   EmitInOrder     hands segments to the sink in sequence order per directory, then
//                   schedules the children they listed
//   concurrency     Observe: as many workers as CPUs take tasks while tasks do not sleep
//                   (cached metadata), all of them while they do (I/O); locks spin only in
//                   the former state
//   Run             root row, resume frontier, then --follow-symlinks rounds
//
//      worker 1                         worker 2
//      Pop: ReadDir(D, seq 0)
//      getdents -> buffer A
//      getdents -> buffer B (more)  ->  PushContinuation(D, seq 1, B)
//      statx entries of A               Pop: continuation(D, seq 1): getdents -> C (empty)
//      EmitInOrder(D, 0)                statx entries of B, last
//      schedule D's children of A       EmitInOrder(D, 1): parked until seq 0 is emitted,
//                                       then emitted by whichever worker finishes seq 0
#include "walk/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "common/adaptive_mutex.h"
#include "common/cpus.h"
#include "common/json_limits.h"
#include "common/utf8.h"
#include "walk/dir_node.h"
#include "walk/fd_cache.h"
#include "walk/rate_limiter.h"
#include "walk/syscalls.h"
#include "walk/work_queue.h"

namespace sscan::walk {
namespace {

// How many segments of one directory may be stat'ed or parked at once (see DirNode::in_flight):
// enough to spread an enormous directory over the workers, few enough to bound the memory of
// segments parked behind a slow one.
constexpr uint32_t kMaxSegmentsInFlight = 8;

struct DevIno {
  uint64_t device;
  uint64_t inode;
  bool operator==(const DevIno& o) const { return device == o.device && inode == o.inode; }
};
struct DevInoHash {
  size_t operator()(const DevIno& k) const {
    return std::hash<uint64_t>()(k.inode * 0x9E3779B97F4A7C15ULL ^ k.device);
  }
};

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string p;
  p.reserve(dir.size() + 1 + name.size());
  p.append(dir);
  if (p.empty() || p.back() != '/') p.push_back('/');
  p.append(name);
  return p;
}

bool IsDotOrDotDot(const char* n) {
  return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

// Whether a getdents buffer may hold subdirectories: d_type says so, or does not know
// (DT_UNKNOWN, on filesystems that leave it to stat). "." and ".." do not count.
bool MayHoldDirectories(const DirentBuffer& buf) {
  for (size_t pos = 0; pos < buf.length;) {
    DirentView d = ViewDirent(buf.bytes.get() + pos);
    pos += d.record_length;
    if ((d.type == DT_DIR || d.type == DT_UNKNOWN) && !IsDotOrDotDot(d.name)) return true;
  }
  return false;
}

// A symlink to a directory waiting for its --follow-symlinks round.
struct PendingLink {
  DirNode* parent = nullptr;  // holds a reference; the link is opened relative to it
  std::string path;
  uint32_t depth = 0;  // the link's own depth
  uint32_t round = 0;
  uint64_t target_device = 0;
  uint64_t target_inode = 0;
  int missing_error = 0;  // resume: the link's directory could not be reopened
};

}  // namespace

struct Walker::Impl {
  Impl(Walker* owner, WalkOptions opts, SegmentSink* s)
      : walker(owner),
        options(std::move(opts)),
        sink(s),
        fds(options.fd_budget != 0 ? options.fd_budget : DefaultFdBudget(options.threads),
            geteuid() == 0),
        queue(options.frontier_budget) {}

  Walker* walker;
  WalkOptions options;
  SegmentSink* sink;
  FdCache fds;
  WorkQueue queue;

  EntryStat root_stat;
  bool root_is_dir = false;
  bool root_is_broken_link = false;
  std::string root_link_target;

  std::atomic<uint64_t> next_id{1};
  std::atomic<uint64_t> entries{0}, directories{0}, bytes{0}, errors{0}, vanished{0}, loops{0},
      skipped_mounts{0}, excluded{0}, operations{0};

  std::mutex visited_mutex;  // --follow-symlinks: every directory entered, by (device, inode)
  std::unordered_set<DevIno, DevInoHash> visited;

  std::mutex links_mutex;
  std::vector<PendingLink> links;

  // --- node lifecycle ---------------------------------------------------------------------
  void Ref(DirNode* n) { n->refs.fetch_add(1, std::memory_order_relaxed); }
  void Unref(DirNode* n) {
    while (n != nullptr && n->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      DirNode* parent = n->parent;
      fds.Forget(n);
      delete n;
      n = parent;
    }
  }

  DirNode* NewChild(DirNode* parent, std::string_view name, const EntryStat& st, uint64_t id) {
    auto* c = new DirNode;
    c->parent = parent;
    Ref(parent);
    c->path = JoinPath(parent->path, name);
    c->name_offset = static_cast<uint32_t>(c->path.size() - name.size());
    c->depth = parent->depth + 1;
    c->id = id;
    c->device = st.device;
    c->inode = st.inode;
    c->uid = st.uid;
    c->round = parent->round;
    c->top_level = parent->depth == 0 ? std::string(name) : parent->top_level;
    c->path_is_utf8 = parent->path_is_utf8 && IsValidUtf8(name);
    return c;
  }

  // --- rate limit -------------------------------------------------------------------------
  // Every metadata system call goes through here: counted, and held to --max-rate.
  void Throttle(uint32_t* counter) {
    ++*counter;
    if (options.rate_limiter != nullptr) options.rate_limiter->Acquire(1);
  }

  // --- concurrency ------------------------------------------------------------------------
  // Many workers serve a cold or remote tree, where each statx may wait for the disk or the
  // server: requests in flight are what makes it fast. On cached metadata the same workers
  // only take turns on the cores (a 1M-entry scan on 2 cores: 1.8 s with 2 threads, 2.1 s with
  // 32). So the walker watches how often a task sleeps: a sampled task's voluntary context
  // switches (getrusage, per thread). Rarely (cached): only as many workers as cores take
  // tasks, the others wait in the queue. Often (I/O): all of them. Decided every kWindow
  // sampled tasks, with hysteresis, in both directions, for the whole walk.
  static constexpr uint64_t kSampleEvery = 8;    // tasks per worker between samples
  static constexpr uint64_t kWindow = 32;        // samples per decision
  static constexpr double kBlockingWaits = 0.5;  // switches per task: I/O-bound
  static constexpr double kCachedWaits = 0.15;   // switches per task: CPU-bound
  std::atomic<uint64_t> sampled_tasks{0};
  std::atomic<uint64_t> sampled_waits{0};
  std::mutex control_mutex;

  static uint64_t VoluntarySwitches() {
    struct rusage ru {};
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return 0;
    return static_cast<uint64_t>(ru.ru_nvcsw);
  }

  void Observe(uint64_t waits, unsigned workers) {
    sampled_waits.fetch_add(waits, std::memory_order_relaxed);
    if (sampled_tasks.fetch_add(1, std::memory_order_relaxed) + 1 < kWindow) return;
    std::unique_lock lock(control_mutex, std::try_to_lock);
    if (!lock) return;  // another worker is deciding
    const uint64_t tasks = sampled_tasks.exchange(0, std::memory_order_relaxed);
    const uint64_t total = sampled_waits.exchange(0, std::memory_order_relaxed);
    if (tasks == 0) return;
    const double per_task = static_cast<double>(total) / static_cast<double>(tasks);
    if (per_task >= kBlockingWaits) {
      SetAllActive(workers, true);
    } else if (per_task <= kCachedWaits) {
      SetAllActive(workers, false);
    }
  }

  // All workers take tasks (I/O-bound), or only as many as cores. Locks spin only in the
  // latter state: with every worker active a waiter that sleeps frees its core for another
  // (adaptive_mutex.h).
  void SetAllActive(unsigned workers, bool all) {
    queue.SetActiveLimit(all ? workers : std::min(workers, CpusAvailable()));
    AdaptiveMutex::SetSpinning(!all);
  }

  // --- tasks ------------------------------------------------------------------------------
  void WorkerMain(unsigned index, unsigned workers) {
    Segment segment;
    // Two getdents buffers per worker, reused: the one being processed and the read-ahead.
    // A read-ahead that finds more entries travels with the continuation task instead.
    std::unique_ptr<DirentBuffer> spare[2];
    Task task;
    const bool adaptive = workers > CpusAvailable();
    uint64_t n = 0;
    while (queue.Pop(&task, index)) {
      const bool sample = adaptive && n++ % kSampleEvery == 0;
      const uint64_t before = sample ? VoluntarySwitches() : 0;
      RunTask(&task, &segment, spare);
      if (sample) Observe(VoluntarySwitches() - before, workers);
      task = Task();
      queue.Done();
    }
  }

  void RunTask(Task* task, Segment* seg, std::unique_ptr<DirentBuffer> spare[2]);
  std::unique_ptr<DirentBuffer> Buffer(std::unique_ptr<DirentBuffer>* spare) {
    if (*spare) return std::move(*spare);
    return std::make_unique<DirentBuffer>(options.getdents_buffer_size);
  }
  void ProcessBuffer(DirNode* dir, int fd, const DirentBuffer& buf, Segment* seg,
                     std::vector<DirNode*>* children);
  void EmitInOrder(DirNode* dir, Segment* seg, std::vector<DirNode*>* children);
  void Emit(const Segment& seg);
  void Schedule(DirNode* child) {
    Task t;
    t.dir = child;
    t.seq = child->start_seq;
    queue.Push(std::move(t));
  }
  void EmitFailure(DirNode* dir, uint32_t seq, ErrorOp op, int err, Segment* seg,
                   uint32_t ops_made = 0);
  // A listing that ends at once with no entries (and, for a loop, the loop reported).
  void EmitEmpty(DirNode* dir, uint32_t seq, bool loop, Segment* seg);
  bool IsAncestorOf(const DirNode* n, uint64_t device, uint64_t inode) const;
  bool IsLoop(DirNode* parent, const EntryStat& st);
  bool ClaimedByPlan(const DirNode* dir, std::string_view name) const;

  // --- start and rounds -------------------------------------------------------------------
  DirNode* MakeRootNode();
  void EmitRootRow(bool will_list);
  DirNode* NodeForRelativePath(DirNode* root, std::map<std::string, DirNode*>* made,
                               const std::string& rel, int* err);
  void StartResumed(const WalkStart& start);
  void RunLinkRounds();
  void DecideLink(const PendingLink& link);
};

// ----------------------------------------------------------------------------------------------
void Walker::Impl::RunTask(Task* task, Segment* seg, std::unique_ptr<DirentBuffer> spare[2]) {
  DirNode* dir = task->dir;
  uint32_t ops = 0;  // system calls made before the segment is set up
  int fd;
  std::unique_ptr<DirentBuffer> current;
  if (task->continuation) {
    fd = dir->fd;  // pinned by the task
    current = std::move(task->lookahead);
  } else {
    Throttle(&ops);
    fd = fds.Acquire(dir);
    if (fd < 0) {
      EmitFailure(dir, task->seq, ErrorOp::kOpen, -fd, seg, ops);
      Unref(dir);
      return;
    }
    directories.fetch_add(1, std::memory_order_relaxed);
    if (dir->start_cookie != 0 && task->seq == dir->start_seq &&
        lseek(fd, static_cast<off_t>(dir->start_cookie), SEEK_SET) < 0) {
      int err = errno;
      fds.Release(dir);
      EmitFailure(dir, task->seq, ErrorOp::kGetdents, err, seg, ops);
      Unref(dir);
      return;
    }
    current = Buffer(&spare[0]);
    Throttle(&ops);
    ssize_t n = ReadDirents(fd, current->bytes.get(), current->capacity);
    current->length = n > 0 ? static_cast<size_t>(n) : 0;
    if (n < 0) {
      fds.Release(dir);
      spare[0] = std::move(current);
      EmitFailure(dir, task->seq, ErrorOp::kGetdents, static_cast<int>(-n), seg, ops);
      Unref(dir);
      return;
    }
  }

  seg->Clear();
  seg->kind = Segment::Kind::kListing;
  seg->dir = dir->info();
  seg->seq = task->seq;
  seg->round = dir->round;
  seg->operations = ops;
  int lookahead_error = 0;
  if (!task->continuation) {
    std::lock_guard lock(dir->emit_mutex);
    ++dir->in_flight;  // this task's own segment
  }

  if (current->length == 0) {  // empty directory (or nothing after the resume cookie)
    seg->last = true;
    seg->resume_cookie = dir->start_cookie;
  } else {
    // Read ahead: knowing now whether this is the last buffer saves a task per small
    // directory, and a large directory's next buffer goes to another worker right away.
    std::unique_ptr<DirentBuffer> next = Buffer(&spare[1]);
    Throttle(&seg->operations);
    ssize_t m = ReadDirents(fd, next->bytes.get(), next->capacity);
    if (m > 0) {
      next->length = static_cast<size_t>(m);
      auto cont = std::make_unique<Task>();
      cont->dir = dir;
      Ref(dir);
      fds.Acquire(dir);  // already open: just another pin, kept by the continuation
      cont->seq = task->seq + 1;
      cont->continuation = true;
      const uint32_t child_depth = dir->depth + 1;
      cont->adds_directories =
          (!options.max_depth || child_depth < *options.max_depth) && MayHoldDirectories(*next);
      cont->lookahead = std::move(next);
      std::unique_lock lock(dir->emit_mutex);
      if (dir->in_flight >= kMaxSegmentsInFlight) {
        dir->held_continuation = std::move(cont);  // released by EmitInOrder
      } else {
        ++dir->in_flight;
        lock.unlock();
        queue.PushContinuation(std::move(*cont));
      }
    } else {
      seg->last = true;
      if (m < 0) lookahead_error = static_cast<int>(-m);
      spare[1] = std::move(next);
    }
  }

  std::vector<DirNode*> children;
  if (current->length != 0) ProcessBuffer(dir, fd, *current, seg, &children);
  if (lookahead_error != 0) {
    // The listing broke off after this buffer: the error comes after all of its entries.
    seg->errors.push_back({dir->path,
                           ErrorOp::kGetdents,
                           lookahead_error,
                           {},
                           static_cast<uint32_t>(seg->entries.size())});
  }
  fds.Release(dir);
  spare[0] = std::move(current);
  EmitInOrder(dir, seg, &children);
  Unref(dir);
}

void Walker::Impl::ProcessBuffer(DirNode* dir, int fd, const DirentBuffer& buf, Segment* seg,
                                 std::vector<DirNode*>* children) {
  const bool in_output_dir = options.output_dir && options.output_dir->first == dir->device &&
                             options.output_dir->second == dir->inode;
  const uint32_t child_depth = dir->depth + 1;
  // Children at child_depth are listed only if their own children (child_depth + 1) are kept.
  const bool descend = !options.max_depth || child_depth < *options.max_depth;
  const EntryFilter* filter = options.filter;
  std::string rel_scratch;

  size_t pos = 0;
  uint64_t cookie = seg->resume_cookie;
  while (pos < buf.length) {
    DirentView d = ViewDirent(buf.bytes.get() + pos);
    pos += d.record_length;
    cookie = d.next_offset;
    if (IsDotOrDotDot(d.name)) continue;
    std::string_view name(d.name);
    if (in_output_dir && options.is_own_output && options.is_own_output(name)) continue;
    if (filter != nullptr) {
      std::string_view rel;
      if (filter->needs_relative_path()) {
        rel_scratch.clear();
        std::string_view dir_rel = std::string_view(dir->path).substr(options.root.size());
        if (!dir_rel.empty() && dir_rel.front() == '/') dir_rel.remove_prefix(1);
        rel_scratch.append(dir_rel);
        if (!rel_scratch.empty()) rel_scratch.push_back('/');
        rel_scratch.append(name);
        rel = rel_scratch;
      }
      if (filter->Excluded(name, rel)) {
        seg->excluded_at.push_back(static_cast<uint32_t>(seg->entries.size()));
        continue;
      }
    }

    Entry e;
    e.cookie = cookie;
    const uint32_t index = static_cast<uint32_t>(seg->entries.size());
    Throttle(&seg->operations);
    int err = StatEntry(fd, d.name, &e.stat);
    if (err != 0) {
      seg->errors.push_back({JoinPath(dir->path, name), ErrorOp::kStatx, err, {}, index});
      continue;
    }
    e.name_offset = static_cast<uint32_t>(seg->names.size());
    e.name_length = static_cast<uint32_t>(name.size());
    seg->names.append(name);
    const uint32_t type = e.stat.mode & S_IFMT;

    if (type == S_IFLNK) {
      char target[4096];
      Throttle(&seg->operations);
      ssize_t n = readlinkat(fd, d.name, target, sizeof target);
      if (n >= 0) {
        e.has_target = true;
        e.target_offset = static_cast<uint32_t>(seg->names.size());
        e.target_length = static_cast<uint32_t>(n);
        seg->names.append(target, static_cast<size_t>(n));
      } else {
        seg->errors.push_back({JoinPath(dir->path, name), ErrorOp::kReadlink, errno, {}, index});
      }
      if (options.follow_symlinks && descend && !dir->flat) {
        EntryStat t;
        Throttle(&seg->operations);
        int terr = StatFollow(fd, d.name, &t);
        if (terr != 0) {
          seg->errors.push_back({JoinPath(dir->path, name), ErrorOp::kStatTarget, terr, {}, index});
        } else if ((t.mode & S_IFMT) == S_IFDIR && options.one_file_system &&
                   t.device != root_stat.device) {
          // -x holds through links too (as find -L -xdev): a link onto another filesystem is
          // listed as the symlink it is, its target not entered.
          e.mount_skipped = true;
        } else if ((t.mode & S_IFMT) == S_IFDIR) {
          seg->deferred_links.push_back({index, t.device, t.inode});
          PendingLink link;
          link.parent = dir;
          Ref(dir);
          link.path = JoinPath(dir->path, name);
          link.depth = child_depth;
          link.round = dir->round + 1;
          link.target_device = t.device;
          link.target_inode = t.inode;
          std::lock_guard lock(links_mutex);
          links.push_back(std::move(link));
        }
      }
    } else if (type == S_IFDIR && descend) {
      if (options.one_file_system && e.stat.device != root_stat.device) {
        e.mount_skipped = true;
      } else if (dir->flat && ClaimedByPlan(dir, name)) {
        // Another unit of the plan (perhaps another shard's) lists it: its row is ours only.
      } else if (IsLoop(dir, e.stat)) {
        seg->errors.push_back({JoinPath(dir->path, name), ErrorOp::kLoop, 0,
                               "directory already part of the scan (a filesystem loop or a "
                               "second path to it); listed, not entered",
                               index});
      } else {
        uint64_t id = next_id.fetch_add(1, std::memory_order_relaxed);
        children->push_back(NewChild(dir, name, e.stat, id));
        seg->children.push_back({id, index, e.stat.device, e.stat.inode});
      }
    }
    seg->entries.push_back(e);
  }
  seg->resume_cookie = cookie;
}

bool Walker::Impl::ClaimedByPlan(const DirNode* dir, std::string_view name) const {
  if (!options.claimed_by_plan) return true;
  std::string_view dir_rel = std::string_view(dir->path).substr(options.root.size());
  if (!dir_rel.empty() && dir_rel.front() == '/') dir_rel.remove_prefix(1);
  std::string rel(dir_rel);
  if (!rel.empty()) rel.push_back('/');
  rel.append(name);
  return options.claimed_by_plan(rel);
}

bool Walker::Impl::IsLoop(DirNode* parent, const EntryStat& st) {
  if (options.follow_symlinks) {
    std::lock_guard lock(visited_mutex);
    return !visited.insert({st.device, st.inode}).second;
  }
  // Without following links the tree can only loop through bind mounts: a directory that is
  // its own ancestor. Checking the ancestors costs O(depth) and no memory.
  for (DirNode* a = parent; a != nullptr; a = a->parent) {
    if (a->device == st.device && a->inode == st.inode && a->inode != 0) return true;
  }
  return false;
}

void Walker::Impl::EmitFailure(DirNode* dir, uint32_t seq, ErrorOp op, int err, Segment* seg,
                               uint32_t ops_made) {
  seg->Clear();
  seg->operations = ops_made;
  seg->kind = Segment::Kind::kListing;
  seg->dir = dir->info();
  seg->seq = seq;
  seg->round = dir->round;
  seg->last = true;
  seg->resume_cookie = dir->start_cookie;
  seg->errors.push_back({dir->path, op, err, {}});
  std::vector<DirNode*> none;
  EmitInOrder(dir, seg, &none);
}

void Walker::Impl::EmitEmpty(DirNode* dir, uint32_t seq, bool loop, Segment* seg) {
  seg->Clear();
  seg->kind = Segment::Kind::kListing;
  seg->dir = dir->info();
  seg->seq = seq;
  seg->round = dir->round;
  seg->last = true;
  seg->resume_cookie = dir->start_cookie;
  if (loop) {
    seg->errors.push_back({dir->path, ErrorOp::kLoop, 0,
                           "directory already part of the scan (a filesystem loop or a second "
                           "path to it); not entered",
                           0});
  }
  std::vector<DirNode*> none;
  EmitInOrder(dir, seg, &none);
}

bool Walker::Impl::IsAncestorOf(const DirNode* n, uint64_t device, uint64_t inode) const {
  for (const DirNode* a = n->parent; a != nullptr; a = a->parent) {
    if (a->device == device && a->inode == inode && a->inode != 0) return true;
  }
  return false;
}

void Walker::Impl::EmitInOrder(DirNode* dir, Segment* seg, std::vector<DirNode*>* children) {
  std::unique_lock lock(dir->emit_mutex);
  if (seg->seq != dir->next_emit_seq) {
    // An earlier buffer of this directory is still being stat'ed by another worker. Park
    // this one; that worker emits it after its own. The worker keeps a fresh Segment.
    ParkedSegment p;
    p.segment = std::make_unique<Segment>(std::move(*seg));
    p.children = std::move(*children);
    dir->parked.emplace(p.segment->seq, std::move(p));
    *seg = Segment();
    return;
  }
  lock.unlock();

  Segment* current = seg;
  std::unique_ptr<Segment> owned;
  std::vector<DirNode*> kids = std::move(*children);
  for (;;) {
    Emit(*current);
    for (DirNode* c : kids) {
      if (walker->stop_requested()) {
        Unref(c);
      } else {
        Schedule(c);
      }
    }
    lock.lock();
    ++dir->next_emit_seq;
    if (dir->in_flight > 0) --dir->in_flight;
    std::unique_ptr<Task> release;
    if (dir->held_continuation && dir->in_flight < kMaxSegmentsInFlight) {
      release = std::move(dir->held_continuation);
      ++dir->in_flight;
    }
    if (release) queue.PushContinuation(std::move(*release));
    auto it = dir->parked.find(dir->next_emit_seq);
    if (it == dir->parked.end()) {
      lock.unlock();
      break;
    }
    owned = std::move(it->second.segment);
    kids = std::move(it->second.children);
    dir->parked.erase(it);
    lock.unlock();
    current = owned.get();
  }
}

void Walker::Impl::Emit(const Segment& seg) {
  uint64_t b = 0;
  uint64_t v = 0;
  uint64_t mounts = 0;
  for (const Entry& e : seg.entries) {
    b += e.stat.size;
    mounts += e.mount_skipped ? 1 : 0;
  }
  for (const WalkError& e : seg.errors) {
    if (e.vanished()) ++v;
    if (e.op == ErrorOp::kLoop) loops.fetch_add(1, std::memory_order_relaxed);
  }
  entries.fetch_add(seg.entries.size(), std::memory_order_relaxed);
  bytes.fetch_add(b, std::memory_order_relaxed);
  errors.fetch_add(seg.errors.size(), std::memory_order_relaxed);
  vanished.fetch_add(v, std::memory_order_relaxed);
  skipped_mounts.fetch_add(mounts, std::memory_order_relaxed);
  excluded.fetch_add(seg.excluded_at.size(), std::memory_order_relaxed);
  operations.fetch_add(seg.operations, std::memory_order_relaxed);
  if (!sink->Accept(seg)) walker->RequestStop();
}

// ----------------------------------------------------------------------------------------------
DirNode* Walker::Impl::MakeRootNode() {
  auto* r = new DirNode;
  r->path = options.root;
  r->name_offset = static_cast<uint32_t>(r->path.size());
  r->depth = 0;
  r->id = 0;
  r->device = root_stat.device;
  r->inode = root_stat.inode;
  r->uid = root_stat.uid;
  r->is_root = true;
  r->path_is_utf8 = IsValidUtf8(r->path);
  return r;
}

void Walker::Impl::EmitRootRow(bool will_list) {
  Segment seg;
  seg.kind = Segment::Kind::kRoot;
  seg.dir.path = options.root;
  seg.dir.path_is_utf8 = IsValidUtf8(options.root);
  seg.last = true;
  Entry e;
  e.stat = root_stat;
  size_t slash = options.root.find_last_of('/');
  std::string_view base = std::string_view(options.root).substr(slash + 1);
  e.name_offset = 0;
  e.name_length = static_cast<uint32_t>(base.size());
  seg.names.append(base);
  if (root_is_broken_link) {
    e.has_target = true;
    e.target_offset = static_cast<uint32_t>(seg.names.size());
    e.target_length = static_cast<uint32_t>(root_link_target.size());
    seg.names.append(root_link_target);
  }
  seg.entries.push_back(e);
  if (will_list) seg.children.push_back({0, 0, root_stat.device, root_stat.inode});
  Emit(seg);
}

DirNode* Walker::Impl::NodeForRelativePath(DirNode* root, std::map<std::string, DirNode*>* made,
                                           const std::string& rel, int* err) {
  // Rebuilds the chain of nodes from the root down to `rel`, opening each component relative
  // to its parent (following links only with --follow-symlinks, whose rounds walk through
  // them) and recording each one's device and inode, so later reopens can be verified.
  if (!IsCleanRelativePath(rel)) {  // a damaged manifest or plan must not lead outside the root
    *err = EINVAL;
    return nullptr;
  }
  DirNode* cur = root;
  size_t start = 0;
  while (start < rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    std::string prefix = rel.substr(0, slash);
    auto it = made->find(prefix);
    if (it != made->end()) {
      cur = it->second;
    } else {
      std::string name = rel.substr(start, slash - start);
      int pfd = fds.Acquire(cur);
      if (pfd < 0) {
        *err = -pfd;
        return nullptr;
      }
      int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (options.follow_symlinks ? 0 : O_NOFOLLOW);
      int fd = openat(pfd, name.c_str(), flags);
      int open_err = errno;
      fds.Release(cur);
      if (fd < 0) {
        *err = open_err;
        return nullptr;
      }
      struct stat st;
      int fst = fstat(fd, &st);
      close(fd);
      if (fst != 0) {
        *err = errno;
        return nullptr;
      }
      EntryStat es;
      es.device = st.st_dev;
      es.inode = st.st_ino;
      es.uid = st.st_uid;
      DirNode* n = NewChild(cur, name, es, 0);
      n->via_symlink = options.follow_symlinks;
      made->emplace(prefix, n);  // `made` holds the creation reference
      cur = n;
    }
    start = slash + 1;
  }
  return cur;
}

void Walker::Impl::StartResumed(const WalkStart& start) {
  {
    std::lock_guard lock(visited_mutex);
    for (const auto& [dev, ino] : start.visited) visited.insert({dev, ino});
  }
  DirNode* root = MakeRootNode();
  std::map<std::string, DirNode*> made;
  made.emplace("", root);
  Segment seg;
  std::vector<DirNode*> to_schedule;
  for (const ResumeDir& rd : start.dirs) {
    int err = 0;
    DirNode* n = NodeForRelativePath(root, &made, rd.relative_path, &err);
    const bool known = rd.device != 0 || rd.inode != 0;
    if (n != nullptr && known && (n->device != rd.device || n->inode != rd.inode)) err = ESTALE;
    if (err != 0) {
      // Gone or replaced since the interrupted run: its listing ends here, with the reason.
      DirNode gone;
      gone.path = JoinPath(options.root, rd.relative_path);
      gone.id = rd.id;
      gone.depth = rd.depth;
      gone.round = rd.round;
      gone.start_cookie = rd.cookie;
      gone.next_emit_seq = rd.next_seq;
      EmitFailure(&gone, rd.next_seq, ErrorOp::kOpen, err, &seg);
      continue;
    }
    // A plan's unit that -x would not enter (a mount point now), or that is its own ancestor:
    // the tree changed since the plan was made. Its listing ends here, empty.
    const bool other_fs = options.one_file_system && n != root && n->device != root_stat.device;
    // (--follow-symlinks resumes have their own loop state: the visited set.)
    const bool loop = !options.follow_symlinks && n != root && IsAncestorOf(n, n->device, n->inode);
    if (other_fs || loop) {
      DirNode skipped;
      skipped.path = n->path;
      skipped.id = rd.id;
      skipped.depth = rd.depth;
      skipped.round = rd.round;
      skipped.start_cookie = rd.cookie;
      skipped.next_emit_seq = rd.next_seq;
      EmitEmpty(&skipped, rd.next_seq, loop, &seg);
      continue;
    }
    // The chain node becomes the frontier directory: it takes the frontier's id and position.
    n->id = rd.id;
    n->depth = rd.depth;
    n->round = rd.round;
    n->start_cookie = rd.cookie;
    n->start_seq = rd.next_seq;
    n->next_emit_seq = rd.next_seq;
    n->flat = rd.flat;
    Ref(n);  // the task's reference
    to_schedule.push_back(n);
  }
  {
    std::lock_guard lock(links_mutex);
    for (const ResumeLink& rl : start.links) {
      size_t slash = rl.relative_path.rfind('/');
      std::string parent_rel = slash == std::string::npos ? "" : rl.relative_path.substr(0, slash);
      int err = 0;
      DirNode* parent = NodeForRelativePath(root, &made, parent_rel, &err);
      PendingLink link;
      if (parent == nullptr) {
        // The link's directory is gone: its round records that, with nothing to open.
        parent = root;
        link.missing_error = err;
      }
      link.parent = parent;
      Ref(parent);
      link.path = JoinPath(options.root, rl.relative_path);
      link.depth = rl.depth;
      link.round = rl.round;
      links.push_back(std::move(link));
    }
  }
  for (DirNode* n : to_schedule) Schedule(n);
  for (auto& [_, n] : made) Unref(n);
}

void Walker::Impl::RunLinkRounds() {
  for (;;) {
    std::vector<PendingLink> round;
    {
      std::lock_guard lock(links_mutex);
      if (links.empty()) return;
      uint32_t r = links.front().round;
      for (const auto& l : links) r = std::min(r, l.round);
      auto split = std::stable_partition(links.begin(), links.end(),
                                         [r](const PendingLink& l) { return l.round != r; });
      round.assign(std::make_move_iterator(split), std::make_move_iterator(links.end()));
      links.erase(split, links.end());
    }
    // Byte order of the link paths: the same links win on every run, whatever the threads.
    std::sort(round.begin(), round.end(),
              [](const PendingLink& a, const PendingLink& b) { return a.path < b.path; });
    for (PendingLink& link : round) {
      if (walker->stop_requested()) {
        Unref(link.parent);
        continue;
      }
      DecideLink(link);
      queue.WaitIdle();
    }
  }
}

void Walker::Impl::DecideLink(const PendingLink& link) {
  Segment seg;
  seg.kind = Segment::Kind::kLinkDecision;
  seg.dir = link.parent->info();
  seg.round = link.round;
  seg.last = true;
  seg.link_path = link.path;
  std::string_view name = std::string_view(link.path).substr(link.path.rfind('/') + 1);

  // Look at the target now, through the link (it may have changed since it was seen).
  EntryStat t;
  int err = link.missing_error;
  if (err == 0) {
    int pfd = fds.Acquire(link.parent);
    if (pfd < 0) {
      err = -pfd;
    } else {
      Throttle(&seg.operations);
      err = StatFollow(pfd, std::string(name).c_str(), &t);
      fds.Release(link.parent);
      if (err == 0 && (t.mode & S_IFMT) != S_IFDIR) err = ENOTDIR;
      // The target may have moved onto another filesystem since the link was seen.
      if (err == 0 && options.one_file_system && t.device != root_stat.device) err = EXDEV;
    }
  }
  DirNode* target = nullptr;
  if (err != 0) {
    seg.errors.push_back({link.path, ErrorOp::kStatTarget, err, {}});
  } else {
    bool fresh;
    {
      std::lock_guard lock(visited_mutex);
      fresh = visited.insert({t.device, t.inode}).second;
    }
    if (!fresh) {
      seg.errors.push_back({link.path, ErrorOp::kLoop, 0,
                            "symlink to a directory already part of the scan (a loop or a "
                            "second link to it); not followed"});
    } else {
      uint64_t id = next_id.fetch_add(1, std::memory_order_relaxed);
      target = NewChild(link.parent, name, t, id);
      target->depth = link.depth;
      target->round = link.round;
      target->via_symlink = true;
      seg.children.push_back({id, 0, t.device, t.inode});
    }
  }
  Emit(seg);
  if (target != nullptr) Schedule(target);
  Unref(link.parent);
}

// ----------------------------------------------------------------------------------------------
Walker::Walker(WalkOptions options, SegmentSink* sink)
    : impl_(std::make_unique<Impl>(this, std::move(options), sink)) {}

Walker::~Walker() = default;

Status Walker::Prepare() {
  Impl& m = *impl_;
  const char* root = m.options.root.c_str();
  int err = StatFollow(AT_FDCWD, root, &m.root_stat);
  if (err == ENOENT || err == ELOOP) {
    // A dangling symlink given as the root: describe the link itself (one row).
    EntryStat lst;
    if (StatEntry(AT_FDCWD, root, &lst) == 0 && (lst.mode & S_IFMT) == S_IFLNK) {
      m.root_stat = lst;
      m.root_is_broken_link = true;
      char target[4096];
      ssize_t n = readlink(root, target, sizeof target);
      if (n > 0) m.root_link_target.assign(target, static_cast<size_t>(n));
      return Status::Ok();
    }
  }
  if (err != 0) return Status::FromErrno("cannot scan", m.options.root, err);
  m.root_is_dir = (m.root_stat.mode & S_IFMT) == S_IFDIR;
  if (m.root_is_dir) {
    int fd = OpenRoot(root, false);
    if (fd < 0) return Status::FromErrno("cannot read directory", m.options.root, -fd);
    close(fd);
  }
  return Status::Ok();
}

void Walker::SetSink(SegmentSink* sink) { impl_->sink = sink; }

void Walker::SetOutputDirectory(uint64_t device, uint64_t inode,
                                std::function<bool(std::string_view)> is_own_output) {
  impl_->options.output_dir = std::make_pair(device, inode);
  impl_->options.is_own_output = std::move(is_own_output);
}

bool Walker::root_is_directory() const { return impl_->root_is_dir; }
uint64_t Walker::root_device() const { return impl_->root_stat.device; }
uint64_t Walker::root_inode() const { return impl_->root_stat.inode; }

void Walker::Run(const WalkStart& start) {
  Impl& m = *impl_;
  m.next_id.store(std::max<uint64_t>(start.next_id, 1));
  std::vector<std::thread> workers;
  const unsigned n = effective_threads();
  // Every worker takes tasks until the first concurrency decision: spin only if they are no
  // more than the cores.
  AdaptiveMutex::SetSpinning(n <= CpusAvailable());
  workers.reserve(n);
  for (unsigned i = 0; i < n; ++i) workers.emplace_back([&m, i, n] { m.WorkerMain(i, n); });

  const bool list_root = m.root_is_dir && (!m.options.max_depth || *m.options.max_depth > 0);
  if (start.fresh) {
    if (start.emit_root_row) {
      // The root row registers the root directory (id 0) with the sink before its listing.
      m.EmitRootRow(list_root);
    }
    if (list_root) {
      std::lock_guard lock(m.visited_mutex);
      m.visited.insert({m.root_stat.device, m.root_stat.inode});
    }
    if (list_root && !stop_requested()) m.Schedule(m.MakeRootNode());
  } else {
    // A shard that owns the root row (its directories come from the plan, not from the root).
    if (start.emit_root_row) m.EmitRootRow(false);
    m.StartResumed(start);
  }
  m.queue.WaitIdle();
  if (m.options.follow_symlinks && !stop_requested()) m.RunLinkRounds();

  m.queue.Close();
  for (auto& w : workers) w.join();
  // Work still queued when the walk was stopped: drop it (the sink's resume state still lists
  // these directories as pending).
  for (Task& t : m.queue.TakeRemaining()) {
    if (t.continuation) m.fds.Release(t.dir);
    m.Unref(t.dir);
  }
  std::lock_guard lock(m.links_mutex);
  for (PendingLink& l : m.links) m.Unref(l.parent);
  m.links.clear();
  AdaptiveMutex::SetSpinning(true);  // the default, for whatever runs after the walk
}

void Walker::RequestStop() {
  stop_.store(true, std::memory_order_relaxed);
  impl_->queue.Close();
}

WalkStats Walker::stats() const {
  const Impl& m = *impl_;
  WalkStats s;
  s.entries = m.entries.load(std::memory_order_relaxed);
  s.directories = m.directories.load(std::memory_order_relaxed);
  s.bytes = m.bytes.load(std::memory_order_relaxed);
  s.errors = m.errors.load(std::memory_order_relaxed);
  s.vanished = m.vanished.load(std::memory_order_relaxed);
  s.loops = m.loops.load(std::memory_order_relaxed);
  s.skipped_mounts = m.skipped_mounts.load(std::memory_order_relaxed);
  s.excluded = m.excluded.load(std::memory_order_relaxed);
  s.peak_frontier = m.queue.peak_frontier();
  // With --max-rate the limiter counts each operation as it is granted: exact at any moment.
  // Otherwise a segment's operations are counted when it is handed on (they lag by at most
  // one buffer per thread, which no promise depends on).
  s.operations = m.options.rate_limiter != nullptr ? m.options.rate_limiter->granted()
                                                   : m.operations.load(std::memory_order_relaxed);
  return s;
}

unsigned Walker::effective_threads() const {
  // Each worker may pin up to three descriptors at once (the directory it reads, a parent
  // while opening a child, a continuation's): more workers than the budget can pin would
  // meet EMFILE, so a tight `ulimit -n` means fewer workers, not lost directories.
  const size_t by_descriptors = std::max<size_t>(1, impl_->fds.budget() / 3);
  return static_cast<unsigned>(
      std::min<size_t>(std::max(1u, impl_->options.threads), by_descriptors));
}

uint64_t Walker::last_id() const { return impl_->next_id.load() - 1; }

}  // namespace sscan::walk
