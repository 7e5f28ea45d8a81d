// ref_walk.c — the kernel's limit for a metadata scan: getdents64 and one statx per entry.
//
//   ref_walk [-t|--threads N] PATH        (or: cc -O2 -pthread bench/ref_walk.c -o ref_walk)
//
// Lists every entry below PATH on N threads and prints how many it saw:
//   entries 1109437 directories 109258 errors 0
// (both count PATH itself, as the scanner's rows and its summary do). It does what any scanner of
// the same metadata must do and nothing else: one open per directory, getdents64 with 64 KiB
// buffers, one statx per entry asking for exactly the fields storage-scanner asks for
// (STATX_TYPE ... STATX_BTIME, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT), relative to the
// directory's descriptor. No output, no paths kept beyond the directories still to be read,
// no readlink (storage-scanner also reads each symlink's target: one more call per link).
// It is the reference storage-scanner is measured against (bench/compare_walkers.py).
//
// Work is shared the way a fast walker must share it, so that neither one huge directory nor
// one deep chain serialises the scan:
//   * a directory to read is a task (its path; opened by path, which costs one lookup per
//     component, all in the dentry cache by then);
//   * the worker reading a directory keeps reading buffers; each full buffer that is not the
//     last becomes a "stat" task any worker can take (they hold a reference on the
//     directory's descriptor), and the reader stats its last buffer itself.
// Stat tasks are taken before directories (they free memory); directories last-in first-out
// (depth first: a small frontier). Memory is not bounded beyond that: a reference, not a
// product.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { kBufferSize = 64 * 1024 };

static const unsigned kMask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID |
                              STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE |
                              STATX_BLOCKS | STATX_BTIME;

struct dir_ref {  // an open directory shared by its stat tasks
  int fd;
  atomic_int refs;
  char* path;
};

struct task {
  struct task* next;
  char* path;           // a directory to read (owned), or NULL for a stat task
  struct dir_ref* dir;  // stat task: the directory
  char* buffer;         // stat task: dirent records (owned)
  size_t length;
};

static struct {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  struct task* dirs;   // LIFO
  struct task* stats;  // LIFO too: order does not matter for a stat task
  size_t outstanding;  // queued or running
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0};

struct counts {
  uint64_t entries, directories, errors;
};

static void push(struct task* t) {
  pthread_mutex_lock(&q.mutex);
  struct task** list = t->path != NULL ? &q.dirs : &q.stats;
  t->next = *list;
  *list = t;
  ++q.outstanding;
  pthread_mutex_unlock(&q.mutex);
  pthread_cond_signal(&q.cond);
}

// NULL when the walk is over.
static struct task* pop(void) {
  pthread_mutex_lock(&q.mutex);
  for (;;) {
    struct task** list = q.stats != NULL ? &q.stats : q.dirs != NULL ? &q.dirs : NULL;
    if (list != NULL) {
      struct task* t = *list;
      *list = t->next;
      pthread_mutex_unlock(&q.mutex);
      return t;
    }
    if (q.outstanding == 0) {
      pthread_mutex_unlock(&q.mutex);
      pthread_cond_broadcast(&q.cond);
      return NULL;
    }
    pthread_cond_wait(&q.cond, &q.mutex);
  }
}

static void done(void) {
  pthread_mutex_lock(&q.mutex);
  int idle = --q.outstanding == 0;
  pthread_mutex_unlock(&q.mutex);
  if (idle) pthread_cond_broadcast(&q.cond);
}

static void unref(struct dir_ref* d) {
  if (atomic_fetch_sub(&d->refs, 1) == 1) {
    close(d->fd);
    free(d->path);
    free(d);
  }
}

static void* xmalloc(size_t n) {
  void* p = malloc(n);
  if (p == NULL) {
    perror("ref_walk: malloc");
    exit(1);
  }
  return p;
}

// statx every entry of one buffer; child directories become tasks.
static void stat_buffer(struct dir_ref* d, const char* buf, size_t len, struct counts* c) {
  size_t plen = strlen(d->path);
  for (size_t pos = 0; pos < len;) {
    const char* rec = buf + pos;
    uint16_t reclen;
    memcpy(&reclen, rec + 16, sizeof reclen);
    pos += reclen;
    const char* name = rec + 19;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    struct statx sx;
    if (statx(d->fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kMask, &sx) != 0) {
      ++c->errors;
      continue;
    }
    ++c->entries;
    if (S_ISDIR(sx.stx_mode)) {
      size_t nlen = strlen(name);
      struct task* t = xmalloc(sizeof *t);
      t->path = xmalloc(plen + nlen + 2);
      memcpy(t->path, d->path, plen);
      t->path[plen] = '/';
      memcpy(t->path + plen + 1, name, nlen + 1);
      t->dir = NULL;
      t->buffer = NULL;
      push(t);
    }
  }
}

static void read_directory(char* path, char** buffer, struct counts* c) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ++c->errors;
    free(path);
    return;
  }
  ++c->directories;
  struct dir_ref* d = xmalloc(sizeof *d);
  d->fd = fd;
  atomic_init(&d->refs, 1);
  d->path = path;
  long n = syscall(SYS_getdents64, fd, *buffer, kBufferSize);
  while (n > 0) {
    char* next = xmalloc(kBufferSize);
    long m = syscall(SYS_getdents64, fd, next, kBufferSize);
    if (m > 0) {  // not the last buffer: another worker may stat this one
      struct task* t = xmalloc(sizeof *t);
      t->path = NULL;
      t->dir = d;
      atomic_fetch_add(&d->refs, 1);
      t->buffer = *buffer;
      t->length = (size_t)n;
      push(t);
      *buffer = next;
    } else {
      stat_buffer(d, *buffer, (size_t)n, c);
      free(next);
      if (m < 0) ++c->errors;
    }
    n = m;
  }
  if (n < 0) ++c->errors;
  unref(d);
}

static void* worker(void* arg) {
  struct counts* c = arg;
  char* buffer = xmalloc(kBufferSize);
  struct task* t;
  while ((t = pop()) != NULL) {
    if (t->path != NULL) {
      read_directory(t->path, &buffer, c);
    } else {
      stat_buffer(t->dir, t->buffer, t->length, c);
      free(t->buffer);
      unref(t->dir);
    }
    free(t);
    done();
  }
  free(buffer);
  return NULL;
}

int main(int argc, char** argv) {
  long threads = 1;
  const char* root = NULL;
  for (int i = 1; i < argc; ++i) {
    if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--threads") == 0) && i + 1 < argc) {
      char* end;
      threads = strtol(argv[++i], &end, 10);
      if (*end != '\0' || threads < 1 || threads > 1024) {
        fprintf(stderr, "ref_walk: --threads wants 1 to 1024\n");
        return 2;
      }
    } else if (strncmp(argv[i], "--threads=", 10) == 0) {
      threads = strtol(argv[i] + 10, NULL, 10);
      if (threads < 1 || threads > 1024) {
        fprintf(stderr, "ref_walk: --threads wants 1 to 1024\n");
        return 2;
      }
    } else if (argv[i][0] == '-' || root != NULL) {
      fprintf(stderr, "usage: ref_walk [-t|--threads N] PATH\n");
      return 2;
    } else {
      root = argv[i];
    }
  }
  if (root == NULL) {
    fprintf(stderr, "usage: ref_walk [-t|--threads N] PATH\n");
    return 2;
  }
  struct statx sx;
  if (statx(AT_FDCWD, root, AT_NO_AUTOMOUNT, kMask, &sx) != 0) {
    fprintf(stderr, "ref_walk: %s: %s\n", root, strerror(errno));
    return 1;
  }
  struct counts* per = calloc((size_t)threads, sizeof *per);
  pthread_t* tids = xmalloc((size_t)threads * sizeof *tids);
  if (per == NULL) return 1;
  if (S_ISDIR(sx.stx_mode)) {
    struct task* t = xmalloc(sizeof *t);
    t->path = strdup(root);
    t->dir = NULL;
    t->buffer = NULL;
    push(t);
  }
  for (long i = 0; i < threads; ++i) pthread_create(&tids[i], NULL, worker, &per[i]);
  struct counts total = {1, 0, 0};  // the root's own entry
  for (long i = 0; i < threads; ++i) {
    pthread_join(tids[i], NULL);
    total.entries += per[i].entries;
    total.directories += per[i].directories;
    total.errors += per[i].errors;
  }
  printf("entries %llu directories %llu errors %llu\n", (unsigned long long)total.entries,
         (unsigned long long)total.directories, (unsigned long long)total.errors);
  free(per);
  free(tids);
  return total.errors != 0 ? 3 : 0;
}
