#include "common/cpus.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sscan {
namespace {

TEST(CpusTest, CountsTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(CpusAvailable(), static_cast<unsigned>(CPU_COUNT(&set)));
}

// A process pinned to one CPU (as a 1-CPU Slurm task or `taskset -c 0`) sees one, whatever
// the machine has. In a child, so that this test process keeps its mask.
TEST(CpusTest, APinnedProcessSeesOneCpu) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    if (sched_setaffinity(0, sizeof(one), &one) != 0) _exit(100);
    _exit(static_cast<int>(CpusAvailable()));
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

}  // namespace
}  // namespace sscan
