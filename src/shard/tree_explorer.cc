#include "shard/tree_explorer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "shard/open_beneath.h"
#include "walk/segment.h"
#include "walk/syscalls.h"

namespace sscan::shard {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kBufferSize = 64 * 1024;

bool IsDotOrDotDot(const char* n) {
  return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

class Explorer {
 public:
  Explorer(const ExploreOptions& options, int root_fd, const struct stat& root_stat)
      : options_(options),
        root_fd_(root_fd),
        root_device_(root_stat.st_dev),
        noatime_(geteuid() == 0),
        deadline_(Clock::now() + options.budget_time) {
    ExploredDir root;
    root.state = DirState::kUnlisted;
    tree_.dirs.push_back(std::move(root));
    ids_.emplace_back(root_stat.st_dev, root_stat.st_ino);
    queue_.push_back({0, ""});
  }

  ExploredTree Run() {
    const auto t0 = Clock::now();
    std::vector<std::thread> workers;
    const unsigned n = std::max(1u, options_.threads);
    workers.reserve(n);
    for (unsigned i = 0; i < n; ++i) workers.emplace_back([this] { WorkerMain(); });
    for (auto& w : workers) w.join();
    tree_.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    tree_.exhausted = std::none_of(tree_.dirs.begin(), tree_.dirs.end(), [](const ExploredDir& d) {
      return d.state == DirState::kUnlisted || d.state == DirState::kPartial;
    });
    return std::move(tree_);
  }

 private:
  struct Task {
    uint32_t dir = 0;
    std::string path;  // relative to the root
  };

  // The budget is checked once per getdents buffer: cheap, and late by at most one buffer.
  bool BudgetSpent() {
    if (spent_.load(std::memory_order_relaxed)) return true;
    if (entries_.load(std::memory_order_relaxed) >= options_.budget_entries ||
        Clock::now() >= deadline_) {
      {
        std::lock_guard lock(mutex_);
        spent_.store(true, std::memory_order_relaxed);
      }
      wake_.notify_all();
      return true;
    }
    return false;
  }

  void WorkerMain() {
    std::unique_ptr<char[]> buffer(new char[kBufferSize]);
    for (;;) {
      Task task;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return spent_.load() || !queue_.empty() || busy_ == 0; });
        if (spent_.load() || queue_.empty()) break;  // budget spent, or tree exhausted
        task = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
      }
      List(task, buffer.get());
      {
        std::lock_guard lock(mutex_);
        --busy_;
      }
      wake_.notify_all();
    }
    wake_.notify_all();
  }

  void MarkNotEntered(uint32_t dir) {
    std::lock_guard lock(mutex_);
    tree_.dirs[dir].state = DirState::kNotEntered;
  }

  void List(const Task& task, char* buffer) {
    int fd = task.dir == 0 ? root_fd_ : OpenDirectoryBeneath(root_fd_, task.path, noatime_);
    if (fd < 0) {
      // Unreadable, vanished, or swapped for a symlink: the scan meets it and reports it.
      MarkNotEntered(task.dir);
      return;
    }
    if (task.dir != 0 && !Enter(task.dir, fd)) {
      close(fd);
      MarkNotEntered(task.dir);
      return;
    }
    uint64_t count = 0;
    std::vector<std::string> subdirs;
    bool complete = false;
    while (!BudgetSpent()) {
      ssize_t n = walk::ReadDirents(fd, buffer, kBufferSize);
      if (n <= 0) {
        complete = n == 0;  // an error mid-listing leaves a lower bound, like the budget
        break;
      }
      uint64_t in_buffer = 0;
      for (size_t pos = 0; pos < static_cast<size_t>(n);) {
        walk::DirentView d = walk::ViewDirent(buffer + pos);
        pos += d.record_length;
        if (IsDotOrDotDot(d.name)) continue;
        ++in_buffer;
        bool is_dir = d.type == DT_DIR;
        if (d.type == DT_UNKNOWN) {  // some filesystems (older XFS, some FUSE) leave it to stat
          struct stat st;
          is_dir = fstatat(fd, d.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (is_dir) subdirs.emplace_back(d.name);
      }
      count += in_buffer;
      entries_.fetch_add(in_buffer, std::memory_order_relaxed);
    }
    if (task.dir != 0) close(fd);
    Record(task, count, complete, subdirs);
  }

  // Whether the scan enters this directory: same filesystem with -x, not its own ancestor.
  bool Enter(uint32_t dir, int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return false;
    if (options_.one_file_system && st.st_dev != root_device_) return false;
    std::lock_guard lock(mutex_);
    for (uint32_t a = tree_.dirs[dir].parent; a != kNoParent; a = tree_.dirs[a].parent) {
      if (ids_[a].first == st.st_dev && ids_[a].second == st.st_ino) return false;
    }
    ids_[dir] = {st.st_dev, st.st_ino};
    return true;
  }

  void Record(const Task& task, uint64_t count, bool complete,
              const std::vector<std::string>& subdirs) {
    std::lock_guard lock(mutex_);
    tree_.dirs[task.dir].state = complete ? DirState::kListed : DirState::kPartial;
    tree_.dirs[task.dir].entries = count;
    tree_.entries_listed += count;
    ++tree_.directories_listed;
    const uint32_t depth = tree_.dirs[task.dir].depth + 1;
    // The scan lists a directory only when its entries are within --max-depth.
    const bool listable = !options_.max_depth || depth < *options_.max_depth;
    for (const std::string& name : subdirs) {
      const auto index = static_cast<uint32_t>(tree_.dirs.size());
      ExploredDir d;
      d.parent = task.dir;
      d.name = name;
      d.depth = depth;
      d.state = listable ? DirState::kUnlisted : DirState::kNotEntered;
      tree_.dirs.push_back(std::move(d));
      tree_.dirs[task.dir].subdirs.push_back(index);
      ids_.emplace_back(0, 0);
      if (listable && !spent_.load()) {
        queue_.push_back({index, task.path.empty() ? name : task.path + "/" + name});
      }
    }
  }

  const ExploreOptions& options_;
  const int root_fd_;
  const uint64_t root_device_;
  const bool noatime_;  // O_NOATIME, as the walker: only root may ask for it on every directory
  const Clock::time_point deadline_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;                          // guarded by mutex_
  unsigned busy_ = 0;                               // guarded by mutex_
  ExploredTree tree_;                               // guarded by mutex_
  std::vector<std::pair<uint64_t, uint64_t>> ids_;  // (device, inode) per dir, guarded by mutex_
  std::atomic<bool> spent_{false};
  std::atomic<uint64_t> entries_{0};
};

}  // namespace

Result<ExploredTree> ExploreTree(const ExploreOptions& options) {
  struct stat st;
  if (stat(options.root.c_str(), &st) != 0) {
    return Status::FromErrno("cannot plan", options.root, errno);
  }
  if (!S_ISDIR(st.st_mode) || (options.max_depth && *options.max_depth == 0)) {
    // One row (the root's): nothing to list, nothing to cut.
    ExploredTree tree;
    tree.root_is_directory = S_ISDIR(st.st_mode);
    ExploredDir root;
    root.state = DirState::kNotEntered;
    tree.dirs.push_back(std::move(root));
    tree.exhausted = true;
    EstimateSubtrees(&tree);
    return tree;
  }
  int fd = walk::OpenRoot(options.root.c_str(), geteuid() == 0);
  if (fd < 0) return Status::FromErrno("cannot read directory", options.root, -fd);
  ExploredTree tree = Explorer(options, fd, st).Run();
  close(fd);
  EstimateSubtrees(&tree);
  return tree;
}

}  // namespace sscan::shard
