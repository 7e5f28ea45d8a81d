#include "output/chunked_output.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "output/crash_points.h"
#include "output/error_records.h"

namespace sscan::output {
namespace {

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

// One cut: a chunk to publish (or, for the final cut, possibly none) with everything that
// must become durable together with it.
struct ChunkedOutput::Job {
  std::unique_ptr<ParquetTarget> target;
  uint64_t number = 0;
  uint64_t rows = 0;
  std::string errors;
  uint64_t error_count = 0, vanished = 0, excluded = 0, mounts = 0;
  Manifest snapshot;  // resume-state fields only
  std::vector<std::pair<uint64_t, uint64_t>> visited;
  bool final = false;
  bool completed = false;
};

Result<std::unique_ptr<ChunkedOutput>> ChunkedOutput::Open(
    const OutputPaths& paths, const OutputConfig& config, const ChunkOptions& options,
    Manifest manifest, std::vector<parquet::KeyValue> metadata) {
  auto errors =
      config.fs->OpenForAppend(paths.errors_file(), manifest.errors_bytes, config.file_mode);
  if (!errors.ok()) return errors.status();
  std::unique_ptr<WritableFile> state;
  if (options.track_visited) {
    auto s = config.fs->OpenForAppend(paths.state_file(), manifest.state_bytes, config.file_mode);
    if (!s.ok()) return s.status();
    state = std::move(*s);
  }
  std::unique_ptr<ChunkedOutput> out(new ChunkedOutput(paths, config, options, std::move(manifest),
                                                       std::move(metadata), std::move(*errors),
                                                       std::move(state)));
  // The first manifest exists before any chunk: progress is visible from the start, and an
  // unwritable output directory is found now rather than after the first chunk.
  Manifest first = out->manifest_;
  first.updated_at = NowIso();
  if (Status s = out->WriteManifest(first); !s.ok()) return s;
  out->publisher_ = std::thread([p = out.get()] { p->PublisherMain(); });
  return out;
}

ChunkedOutput::ChunkedOutput(const OutputPaths& paths, const OutputConfig& config,
                             const ChunkOptions& options, Manifest manifest,
                             std::vector<parquet::KeyValue> metadata,
                             std::unique_ptr<WritableFile> errors,
                             std::unique_ptr<WritableFile> state)
    : paths_(paths),
      config_(config),
      options_(options),
      metadata_(std::move(metadata)),
      pipeline_(config.rows_per_group, config.max_builders, config.root, config.names,
                config.writer),
      ledger_(config.root, options.track_visited),
      next_number_(manifest.chunks.size() + 1),
      manifest_(std::move(manifest)),
      errors_file_(std::move(errors)),
      state_file_(std::move(state)) {
  ledger_.Restore(manifest_);
  const auto ms = options_.heartbeat.count();
  manifest_.heartbeat_secs = static_cast<uint64_t>(std::max<int64_t>(1, (ms + 999) / 1000));
}

ChunkedOutput::~ChunkedOutput() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  jobs_changed_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (current_) current_->Discard();
}

void ChunkedOutput::Fail(const Status& s) {
  if (failure_.ok()) failure_ = s;
}

bool ChunkedOutput::DueByTime() const {
  return chunk_rows_ > 0 && std::chrono::steady_clock::now() - chunk_opened_ >= options_.interval;
}

bool ChunkedOutput::Accept(const walk::Segment& seg) {
  std::unique_lock lock(mutex_);
  if (!failure_.ok()) return false;
  return AppendRows(seg, lock);
}

bool ChunkedOutput::AppendRows(const walk::Segment& seg, std::unique_lock<SinkMutex>& lock) {
  const size_t n = seg.entries.size();
  size_t i = 0;
  do {
    size_t k = 0;
    RowGroupBuilder* b = nullptr;
    if (i < n) {
      b = pipeline_.Open(lock);  // may wait (and let other threads cut a chunk meanwhile)
      if (!failure_.ok()) return false;
      if (!current_) {
        auto target = ParquetTarget::Create(config_.fs, paths_.chunk_file(next_number_),
                                            config_.file_mode, config_.writer);
        if (!target.ok()) {
          Fail(target.status());
          return false;
        }
        current_ = std::move(*target);
        chunk_opened_ = std::chrono::steady_clock::now();
      }
      k = std::min({b->room(), static_cast<size_t>(options_.rows_per_chunk - chunk_rows_), n - i});
      b->Append(seg, i, k);
    }
    ResumeLedger::Applied applied;
    ledger_.Apply(seg, i, i + k, &applied);
    for (const walk::WalkError* e : applied.errors) {
      AppendErrorRecord(*e, &chunk_errors_);
      if (config_.logger != nullptr) config_.logger->Log(*e);
      chunk_vanished_ += e->vanished() ? 1 : 0;
    }
    chunk_error_count_ += applied.errors.size();
    chunk_excluded_ += applied.excluded;
    chunk_mounts_ += applied.mount_points_skipped;
    dirty_ = true;
    i += k;
    chunk_rows_ += k;

    std::optional<RowPipeline::Sealed> full;
    if (b != nullptr && b->room() == 0) full = pipeline_.Seal(current_.get());
    std::optional<RowPipeline::Sealed> cut;
    if (chunk_rows_ >= options_.rows_per_chunk || DueByTime()) cut = Cut(false, false);
    if (full || cut) {
      // Encoding happens outside the lock, on this walker thread, beside the others' walking.
      lock.unlock();
      if (full) pipeline_.Encode(*full, &mutex_);
      if (cut) pipeline_.Encode(*cut, &mutex_);
      lock.lock();
      if (!failure_.ok()) return false;
    }
  } while (i < n);
  if (pipeline_.failed()) {
    Fail(pipeline_.error());
    return false;
  }
  return true;
}

std::optional<RowPipeline::Sealed> ChunkedOutput::Cut(bool final, bool completed) {
  auto job = std::make_unique<Job>();
  std::optional<RowPipeline::Sealed> sealed;
  if (current_ && chunk_rows_ > 0) {
    sealed = pipeline_.Seal(current_.get());
    job->target = std::move(current_);
    job->number = next_number_++;
    job->rows = chunk_rows_;
  }
  if (!job->target && !final) return std::nullopt;
  job->errors = std::move(chunk_errors_);
  chunk_errors_.clear();
  job->error_count = std::exchange(chunk_error_count_, 0);
  job->vanished = std::exchange(chunk_vanished_, 0);
  job->excluded = std::exchange(chunk_excluded_, 0);
  job->mounts = std::exchange(chunk_mounts_, 0);
  ledger_.Snapshot(&job->snapshot);
  job->visited = ledger_.TakeVisited();
  job->final = final;
  job->completed = completed;
  chunk_rows_ = 0;
  dirty_ = false;
  jobs_.push_back(std::move(job));
  jobs_changed_.notify_all();
  return sealed;
}

Status ChunkedOutput::Finish(bool completed) {
  std::unique_lock lock(mutex_);
  if (failure_.ok()) {
    if (pipeline_.failed()) {
      Fail(pipeline_.error());
    } else if (auto sealed = Cut(true, completed && ledger_.finished())) {
      lock.unlock();
      pipeline_.Encode(*sealed, &mutex_);
      lock.lock();
    }
  }
  closing_ = true;
  lock.unlock();
  jobs_changed_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (config_.logger != nullptr) config_.logger->Flush();
  lock.lock();
  if (current_) {
    current_->Discard();
    current_.reset();
  }
  return failure_;
}

void ChunkedOutput::PublisherMain() {
  std::unique_lock lock(mutex_);
  for (;;) {
    jobs_changed_.wait_for(lock, std::chrono::milliseconds(200),
                           [&] { return closing_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      if (closing_) return;
      // A slow filesystem may deliver no rows for a long time: the interval still holds.
      if (failure_.ok() && DueByTime()) {
        if (auto sealed = Cut(false, false)) {
          lock.unlock();
          pipeline_.Encode(*sealed, &mutex_);
          lock.lock();
        }
      } else if (failure_.ok()) {
        HeartbeatIfDue(lock);
      }
      continue;
    }
    std::unique_ptr<Job> job = std::move(jobs_.front());
    jobs_.pop_front();
    if (job->target) pipeline_.WaitIdle(job->target.get(), lock);
    if (pipeline_.failed()) Fail(pipeline_.error());
    if (!failure_.ok()) {
      // Nothing after a failed chunk may be published: the manifest cannot skip a chunk.
      if (job->target) job->target->Discard();
      continue;
    }
    lock.unlock();
    Status s = Publish(*job);
    lock.lock();
    if (!s.ok()) {
      if (job->target) job->target->Discard();
      Fail(s);
    }
  }
}

void ChunkedOutput::HeartbeatIfDue(std::unique_lock<SinkMutex>& lock) {
  if (std::chrono::steady_clock::now() - last_manifest_write_ < options_.heartbeat) return;
  // Only this thread changes manifest_, so the copy stays current while the lock is released.
  Manifest m = manifest_;
  m.updated_at = NowIso();
  lock.unlock();
  Status s = WriteManifest(m);
  lock.lock();
  if (!s.ok()) {
    Fail(s);
    return;
  }
  manifest_.updated_at = m.updated_at;
}

Status ChunkedOutput::Publish(Job& job) {
  Manifest m;
  {
    std::lock_guard lock(mutex_);
    m = manifest_;
  }
  if (job.target) {
    std::vector<parquet::KeyValue> kv = metadata_;
    kv.push_back({"scan.chunk", std::to_string(job.number)});
    if (Status s = job.target->WriteFooter(kv); !s.ok()) return s;
    CrashPoint("chunk_written");
    if (Status s = job.target->SyncAndClose(); !s.ok()) return s;
    CrashPoint("chunk_fsynced");
    if (Status s = job.target->Publish(); !s.ok()) return s;
    CrashPoint("chunk_renamed");
    m.chunks.push_back({job.target->final_path(), job.rows, job.target->bytes(), NowIso()});
    m.total_rows += job.rows;
    spdlog::debug("published {} ({} rows)", job.target->final_path(), job.rows);
  }
  if (!job.errors.empty()) {
    if (Status s = errors_file_->Write(job.errors.data(), job.errors.size()); !s.ok()) return s;
    if (Status s = errors_file_->Sync(); !s.ok()) return s;
  }
  if (state_file_ && !job.visited.empty()) {
    std::string bytes;
    bytes.reserve(job.visited.size() * 16);
    for (const auto& [dev, ino] : job.visited) {
      PutU64(&bytes, dev);
      PutU64(&bytes, ino);
    }
    if (Status s = state_file_->Write(bytes.data(), bytes.size()); !s.ok()) return s;
    if (Status s = state_file_->Sync(); !s.ok()) return s;
  }
  m.errors += job.error_count;
  m.vanished += job.vanished;
  m.excluded += job.excluded;
  m.mount_points_skipped += job.mounts;
  m.root_row_done = job.snapshot.root_row_done;
  m.next_id = job.snapshot.next_id;
  m.completed_dirs = job.snapshot.completed_dirs;
  m.pending_dirs = std::move(job.snapshot.pending_dirs);
  m.pending_links = std::move(job.snapshot.pending_links);
  m.errors_bytes = errors_file_->size();
  m.state_bytes = state_file_ ? state_file_->size() : 0;
  m.updated_at = NowIso();
  if (job.final && job.completed) {
    m.completed = true;
    m.finished_at = m.updated_at;
  }
  if (Status s = WriteManifest(m); !s.ok()) return s;
  std::lock_guard lock(mutex_);
  manifest_ = std::move(m);
  return Status::Ok();
}

Status ChunkedOutput::WriteManifest(const Manifest& m) {
  const std::string final_path = paths_.manifest_file();
  const std::string temp = OutputPaths::TempFor(final_path);
  (void)config_.fs->Remove(temp);
  auto file = config_.fs->Create(temp, config_.file_mode);
  if (!file.ok()) return file.status();
  std::string text = FormatManifest(m);
  Status s = (*file)->Write(text.data(), text.size());
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  if (!s.ok()) {
    (void)config_.fs->Remove(temp);
    return s;
  }
  CrashPoint("manifest_written");
  if (Status r = config_.fs->Rename(temp, final_path); !r.ok()) {
    (void)config_.fs->Remove(temp);
    return r;
  }
  if (Status r = config_.fs->SyncDir(paths_.dir()); !r.ok()) return r;
  CrashPoint("manifest_renamed");
  last_manifest_write_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

Status ChunkedOutput::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

Manifest ChunkedOutput::published() const {
  std::lock_guard lock(mutex_);
  return manifest_;
}

}  // namespace sscan::output
