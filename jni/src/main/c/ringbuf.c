/* A BPF ring buffer consumer of our own. libbpf's ring_buffer__poll consumes a record even when its
 * callback fails, so a batch that is full would lose one; here a record that does not fit stays. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "hmjni.h"

struct hm_ring {
  int map_fd; /* our own dup: the reader outlives nothing but keeps the map alive while mapped */
  int epoll_fd;
  int event_fd;
  unsigned long *consumer_pos; /* page 0, read-write */
  unsigned long *producer_pos; /* page 1, read-only, followed by the data pages twice */
  unsigned char *data;
  size_t page;
  size_t size;
  unsigned long mask;
  unsigned long oversized;
};

static void ring_free(struct hm_ring *r) {
  if (r->consumer_pos != NULL && r->consumer_pos != MAP_FAILED) munmap(r->consumer_pos, r->page);
  if (r->producer_pos != NULL && r->producer_pos != MAP_FAILED)
    munmap(r->producer_pos, r->page + 2 * r->size);
  if (r->epoll_fd >= 0) close(r->epoll_fd);
  if (r->event_fd >= 0) close(r->event_fd);
  if (r->map_fd >= 0) close(r->map_fd);
  free(r);
}

static jlong ring_open(JNIEnv *env, jclass cls, jlong map_handle) {
  (void)cls;
  static const char *op = "ring_buffer_open";
  hm_log_reset();
  struct bpf_map *m = hm_ptr(map_handle);
  if (m == NULL) {
    hm_throw_state(env, "BPF map is closed");
    return 0;
  }
  if (bpf_map__type(m) != BPF_MAP_TYPE_RINGBUF) {
    hm_throw(env, op, EINVAL, "map '%s' is not a BPF_MAP_TYPE_RINGBUF (type %d)", bpf_map__name(m),
             (int)bpf_map__type(m));
    return 0;
  }
  if (bpf_map__fd(m) < 0) {
    hm_throw(env, op, EBADF, "map '%s' has no fd: its object is not loaded", bpf_map__name(m));
    return 0;
  }
  struct hm_ring *r = calloc(1, sizeof *r);
  if (r == NULL) {
    hm_throw_state(env, "out of memory");
    return 0;
  }
  r->epoll_fd = r->event_fd = -1;
  r->page = (size_t)sysconf(_SC_PAGESIZE);
  r->size = bpf_map__max_entries(m);
  r->mask = r->size - 1;
  const char *step = "dup";
  r->map_fd = fcntl(bpf_map__fd(m), F_DUPFD_CLOEXEC, 3);
  if (r->map_fd < 0) goto fail;
  step = "mmap consumer page";
  r->consumer_pos = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, r->map_fd, 0);
  if (r->consumer_pos == MAP_FAILED) goto fail;
  /* The kernel maps the data twice in a row, so a record that wraps around reads as contiguous. */
  step = "mmap producer page and data";
  r->producer_pos = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, r->map_fd, (off_t)r->page);
  if (r->producer_pos == MAP_FAILED) goto fail;
  r->data = (unsigned char *)r->producer_pos + r->page;
  step = "epoll/eventfd";
  r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  r->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->epoll_fd < 0 || r->event_fd < 0) goto fail;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
  if (epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, r->map_fd, &ev) != 0) goto fail;
  ev.data.u32 = 1;
  if (epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, r->event_fd, &ev) != 0) goto fail;
  return hm_handle(r);
fail:;
  int err = errno;
  ring_free(r);
  hm_throw(env, op, err, "ring buffer '%s': %s failed", bpf_map__name(m), step);
  return 0;
}

/* Copies whole committed records framed as {u32 len, u32 0, payload padded to 8}. Returns the count. */
static int consume(struct hm_ring *r, unsigned char *out, size_t cap, size_t *written) {
  unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
  unsigned long start = cons;
  unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
  size_t w = 0;
  int count = 0;
  while (cons < prod) {
    __u32 *hdr = (__u32 *)(r->data + (cons & r->mask));
    __u32 word = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    if (word & BPF_RINGBUF_BUSY_BIT) break; /* still being written; later ones wait behind it */
    __u32 len = word & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    size_t padded = ((size_t)len + 7) & ~(size_t)7;
    size_t framed = BPF_RINGBUF_HDR_SZ + padded;
    if (!(word & BPF_RINGBUF_DISCARD_BIT)) {
      if (framed > cap) {
        r->oversized++;
      } else if (w + framed > cap) {
        break; /* stays in the ring for the next call */
      } else {
        __u32 frame[2] = {len, 0};
        memcpy(out + w, frame, sizeof frame);
        memcpy(out + w + sizeof frame, (unsigned char *)hdr + BPF_RINGBUF_HDR_SZ, len);
        memset(out + w + sizeof frame + len, 0, padded - len);
        w += framed;
        count++;
      }
    }
    cons += framed;
  }
  /* Release: our copies are done before the producer may reuse the space. */
  if (cons != start) __atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
  *written = w;
  return count;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns (bytes written << 32) | records. */
static jlong ring_poll(JNIEnv *env, jclass cls, jlong handle, jobject buffer, jint timeout) {
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  if (r == NULL) {
    hm_throw_state(env, "ring buffer reader is closed");
    return 0;
  }
  unsigned char *out = buffer ? (*env)->GetDirectBufferAddress(env, buffer) : NULL;
  jlong cap = buffer ? (*env)->GetDirectBufferCapacity(env, buffer) : -1;
  if (out == NULL || cap < 0) {
    hm_throw_arg(env, "the batch buffer must be a direct ByteBuffer");
    return 0;
  }
  if (cap > 0x7fffffff) cap = 0x7fffffff;
  long long deadline = timeout > 0 ? now_ms() + timeout : 0;
  for (;;) {
    size_t written = 0;
    int n = consume(r, out, (size_t)cap, &written);
    if (n > 0 || timeout == 0) return ((jlong)written << 32) | (jlong)n;
    int wait = -1;
    if (timeout > 0) {
      long long left = deadline - now_ms();
      if (left <= 0) return 0;
      wait = (int)left;
    }
    struct epoll_event ev[2];
    int k = epoll_wait(r->epoll_fd, ev, 2, wait);
    if (k < 0 && errno != EINTR) {
      hm_throw(env, "epoll_wait", errno, "waiting for ring buffer records");
      return 0;
    }
    for (int i = 0; i < k; i++) {
      if (ev[i].data.u32 == 1) {
        uint64_t drained;
        if (read(r->event_fd, &drained, sizeof drained) < 0) { /* already drained: fine */
        }
        return 0;
      }
    }
  }
}

static void ring_wakeup(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  if (r == NULL) {
    hm_throw_state(env, "ring buffer reader is closed");
    return;
  }
  uint64_t one = 1;
  if (write(r->event_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    hm_throw(env, "eventfd_write", errno, "cannot wake the ring buffer reader");
}

static jlong ring_oversized(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  return r ? (jlong)__atomic_load_n(&r->oversized, __ATOMIC_RELAXED) : 0;
}

/*
 * Bytes the producers have committed or reserved beyond the consumer, and how far the consumer has come
 * since the ring was created. Both read from the mapped positions, so any thread may ask while the owner
 * polls (the Java side's read lock keeps the mapping alive).
 */
static jlong ring_backlog(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  if (r == NULL) return 0;
  unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
  unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
  return prod > cons ? (jlong)(prod - cons) : 0;
}

static jlong ring_consumed(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  return r ? (jlong)__atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE) : 0;
}

static void ring_close(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  struct hm_ring *r = hm_ptr(handle);
  if (r != NULL) ring_free(r);
}

static const JNINativeMethod methods[] = {
    {"ringOpen", "(J)J", (void *)ring_open},
    {"ringPoll", "(JLjava/nio/ByteBuffer;I)J", (void *)ring_poll},
    {"ringWakeup", "(J)V", (void *)ring_wakeup},
    {"ringOversized", "(J)J", (void *)ring_oversized},
    {"ringBacklog", "(J)J", (void *)ring_backlog},
    {"ringConsumed", "(J)J", (void *)ring_consumed},
    {"ringClose", "(J)V", (void *)ring_close},
};

const struct hm_natives hm_ring_natives = {methods, HM_COUNT(methods)};
