// Tests of the work queue's order and of the frontier budget: a continuation that adds
// directories waits while the frontier is over budget, one that adds none never does, held
// work keeps the walk from being idle and is handed back by TakeRemaining. The active limit:
// workers above it take nothing until it is raised (or the queue closes), and a task a parked
// worker was woken for still reaches a worker below the limit.
#include "walk/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace sscan::walk {
namespace {

Task Directory(uint32_t seq) {
  Task t;
  t.seq = seq;
  return t;
}

Task Continuation(uint32_t seq, bool adds_directories) {
  Task t;
  t.seq = seq;
  t.continuation = true;
  t.adds_directories = adds_directories;
  return t;
}

// Pops one task and marks it done; returns (continuation?, seq).
std::pair<bool, uint32_t> Next(WorkQueue* q) {
  Task t;
  EXPECT_TRUE(q->Pop(&t));
  q->Done();
  return {t.continuation, t.seq};
}

TEST(WorkQueueTest, ContinuationsFirstThenDirectoriesLastInFirstOut) {
  WorkQueue q(100);
  q.Push(Directory(1));
  q.Push(Directory(2));
  q.PushContinuation(Continuation(7, true));
  EXPECT_EQ(Next(&q), std::make_pair(true, 7u));
  EXPECT_EQ(Next(&q), std::make_pair(false, 2u));
  EXPECT_EQ(Next(&q), std::make_pair(false, 1u));
  EXPECT_EQ(q.peak_frontier(), 2u);
}

TEST(WorkQueueTest, AContinuationAddingDirectoriesWaitsWhileTheFrontierIsOverBudget) {
  WorkQueue q(1);
  for (uint32_t i = 0; i < 3; ++i) q.Push(Directory(i));
  q.PushContinuation(Continuation(9, true));
  EXPECT_EQ(q.held(), 1u);
  EXPECT_EQ(q.queued(), 4u);
  // The frontier drains to the budget first; then the continuation goes before the rest.
  EXPECT_EQ(Next(&q), std::make_pair(false, 2u));
  EXPECT_EQ(Next(&q), std::make_pair(false, 1u));
  EXPECT_EQ(Next(&q), std::make_pair(true, 9u));
  EXPECT_EQ(Next(&q), std::make_pair(false, 0u));
  EXPECT_EQ(q.held(), 0u);
}

TEST(WorkQueueTest, AContinuationAddingNoDirectoryIsNeverHeld) {
  WorkQueue q(0);
  q.Push(Directory(1));
  q.Push(Directory(2));
  q.PushContinuation(Continuation(5, false));
  EXPECT_EQ(q.held(), 0u);
  EXPECT_EQ(Next(&q), std::make_pair(true, 5u));
}

TEST(WorkQueueTest, AtMostAFewContinuationsAreHeld) {
  WorkQueue q(0);
  q.Push(Directory(0));
  for (uint32_t i = 0; i < WorkQueue::kMaxHeld + 2; ++i) q.PushContinuation(Continuation(i, true));
  EXPECT_EQ(q.held(), WorkQueue::kMaxHeld);
  EXPECT_EQ(Next(&q), std::make_pair(true, static_cast<uint32_t>(WorkQueue::kMaxHeld)));
}

TEST(WorkQueueTest, HeldWorkKeepsTheWalkBusyAndIsReleasedWhenTheFrontierEmpties) {
  WorkQueue q(0);
  q.Push(Directory(0));
  q.PushContinuation(Continuation(3, true));
  auto idle = std::async(std::launch::async, [&q] { q.WaitIdle(); });
  EXPECT_EQ(idle.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_EQ(Next(&q), std::make_pair(false, 0u));  // frontier empty: the held one is let go
  EXPECT_EQ(Next(&q), std::make_pair(true, 3u));
  EXPECT_EQ(idle.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(WorkQueueTest, TakeRemainingReturnsHeldWorkToo) {
  WorkQueue q(0);
  q.Push(Directory(0));
  q.PushContinuation(Continuation(3, true));
  q.Close();
  Task t;
  EXPECT_FALSE(q.Pop(&t));
  EXPECT_EQ(q.TakeRemaining().size(), 2u);
  EXPECT_EQ(q.queued(), 0u);
}

TEST(WorkQueueTest, WorkersAboveTheActiveLimitWaitUntilItIsRaised) {
  WorkQueue q(100);
  q.SetActiveLimit(1);
  EXPECT_EQ(q.active_limit(), 1u);
  q.Push(Directory(5));
  auto parked = std::async(std::launch::async, [&q] {
    Task t;
    bool got = q.Pop(&t, /*worker=*/1);
    if (got) q.Done();
    return got ? t.seq : 0u;
  });
  // Worker 1 must not take it while the limit is 1.
  EXPECT_EQ(parked.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  EXPECT_EQ(q.queued(), 1u);
  q.SetActiveLimit(2);
  ASSERT_EQ(parked.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(parked.get(), 5u);
}

TEST(WorkQueueTest, ATaskPushedWhileOnlyParkedWorkersWereWokenStillRuns) {
  WorkQueue q(100);
  q.SetActiveLimit(1);
  // Worker 0 (active) and several parked workers wait; each push must reach worker 0, even
  // when the notification lands on a parked one.
  std::vector<std::future<bool>> parked;
  for (unsigned w = 1; w <= 4; ++w) {
    parked.push_back(std::async(std::launch::async, [&q, w] {
      Task t;
      return q.Pop(&t, w);
    }));
  }
  auto active = std::async(std::launch::async, [&q] {
    uint32_t sum = 0;
    for (int i = 0; i < 20; ++i) {
      Task t;
      if (!q.Pop(&t, 0)) break;
      sum += t.seq;
      q.Done();
    }
    return sum;
  });
  for (uint32_t i = 1; i <= 20; ++i) {
    q.Push(Directory(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(active.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(active.get(), 210u);
  // Closing releases the parked workers without a task.
  q.Close();
  for (auto& p : parked) {
    ASSERT_EQ(p.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_FALSE(p.get());
  }
}

TEST(WorkQueueTest, TheActiveLimitIsNeverBelowOne) {
  WorkQueue q(100);
  q.SetActiveLimit(0);
  EXPECT_EQ(q.active_limit(), 1u);
  q.Push(Directory(1));
  EXPECT_EQ(Next(&q), std::make_pair(false, 1u));
}

}  // namespace
}  // namespace sscan::walk
