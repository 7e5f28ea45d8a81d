// cpus.h — how many CPUs this process may run on.
//
// Its affinity mask, not the machine's CPU count: inside a Slurm job (cgroup cpuset, task
// affinity) or under taskset, a 4-CPU allocation on a 64-core node must size its threads for
// 4 CPUs. std::thread::hardware_concurrency() counts every online CPU of the node.
//
// Thread safety: any thread. One system call each time (not cached: callers ask rarely, and a
// mask changed at run time is then seen).
#pragma once

namespace sscan {

// At least 1.
unsigned CpusAvailable();

}  // namespace sscan
