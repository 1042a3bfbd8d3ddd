/* Attaching programs: TC (with a network-namespace switch on the calling thread), uprobes, tracepoints,
 * fentry/fexit. Every attachment becomes an hm_link that detach_link frees exactly once. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "hmjni.h"
#include "links.h"

static struct bpf_program *program_of(JNIEnv *env, jlong handle) {
  struct bpf_program *p = hm_ptr(handle);
  if (p == NULL) hm_throw_state(env, "BPF program handle is null");
  return p;
}

static jlong wrap_libbpf(JNIEnv *env, struct bpf_link *l, int err, const char *op, const char *what) {
  if (l == NULL) {
    hm_throw(env, op, err ? err : EINVAL, "cannot attach %s", what);
    return 0;
  }
  struct hm_link *h = calloc(1, sizeof *h);
  if (h == NULL) {
    bpf_link__destroy(l);
    hm_throw_state(env, "out of memory");
    return 0;
  }
  h->kind = HM_LINK_LIBBPF;
  h->link = l;
  return hm_handle(h);
}

struct tc_attach_ctx {
  struct bpf_program *prog;
  int ingress;
  __u32 handle, priority;
  struct hm_link *link;
};

static int attach_tc_at(JNIEnv *env, const struct hm_iface *at, void *p) {
  struct tc_attach_ctx *c = p;
  enum bpf_tc_attach_point point = c->ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = at->ifindex, .attach_point = point);
  int err = bpf_tc_hook_create(&hook);
  if (err == -EEXIST) err = 0;
  if (err) {
    hm_throw(env, "bpf_tc_hook_create", err, "cannot create clsact qdisc on %s in %s", at->ifname, at->where);
    return -err;
  }
  /* REPLACE: a filter with this handle and priority left by a crashed run is ours to take over. */
  LIBBPF_OPTS(bpf_tc_opts, opts, .handle = c->handle, .priority = c->priority,
              .prog_fd = bpf_program__fd(c->prog), .flags = BPF_TC_F_REPLACE);
  err = bpf_tc_attach(&hook, &opts);
  if (err) {
    hm_throw(env, "bpf_tc_attach", err, "cannot attach '%s' to %s %s in %s", bpf_program__name(c->prog),
             c->ingress ? "ingress" : "egress", at->ifname, at->where);
    return -err;
  }
  struct hm_link *link = calloc(1, sizeof *link);
  char *netns = at->netns ? strdup(at->netns) : NULL;
  if (link == NULL || (at->netns && netns == NULL)) {
    free(link);
    LIBBPF_OPTS(bpf_tc_opts, undo, .handle = opts.handle, .priority = opts.priority);
    bpf_tc_detach(&hook, &undo);
    hm_throw_state(env, "out of memory");
    return ENOMEM;
  }
  link->kind = HM_LINK_TC;
  link->netns = netns;
  link->ns_dev = at->ns_dev;
  link->ns_ino = at->ns_ino;
  link->ifindex = at->ifindex;
  link->point = point;
  link->handle = opts.handle;
  link->priority = opts.priority;
  link->prog_id = opts.prog_id;
  c->link = link;
  return 0;
}

static jlong attach_tc(JNIEnv *env, jclass cls, jlong prog_handle, jstring jnetns, jstring jifname,
                       jboolean ingress, jint handle, jint priority) {
  (void)cls;
  hm_log_reset();
  struct tc_attach_ctx c = {program_of(env, prog_handle), ingress == JNI_TRUE, (__u32)handle, (__u32)priority,
                            NULL};
  if (c.prog == NULL) return 0;
  at_interface(env, "attach_tc", jnetns, jifname, attach_tc_at, &c);
  if ((*env)->ExceptionCheck(env) && c.link != NULL) {
    /* Only a failed return to our own namespace gets here: the filter stays, its link is dropped. */
    free(c.link->netns);
    free(c.link);
    c.link = NULL;
  }
  return hm_handle(c.link);
}

static int gone(int err) { return err == -ENOENT || err == -ENODEV || err == -EINVAL || err == -ENXIO; }

/* Removes our filter if it is still there and still ours; a vanished namespace or device means done. */
static int detach_tc(JNIEnv *env, struct hm_link *l) {
  struct netns_switch sw = {-1};
  if (l->netns != NULL) {
    struct stat st;
    int err = netns_enter(l->netns, &sw, &st);
    if (err == -ENOENT) return 0;
    if (err) {
      hm_throw(env, "detach_tc", -err, "cannot enter network namespace %s", l->netns);
      return err;
    }
    if (st.st_dev != l->ns_dev || st.st_ino != l->ns_ino) return netns_leave(&sw);
  }
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = l->ifindex, .attach_point = l->point);
  LIBBPF_OPTS(bpf_tc_opts, query, .handle = l->handle, .priority = l->priority);
  int err = bpf_tc_query(&hook, &query);
  if (err == 0 && query.prog_id == l->prog_id) {
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = l->handle, .priority = l->priority);
    err = bpf_tc_detach(&hook, &opts);
  }
  if (gone(err)) err = 0;
  if (err)
    hm_throw(env, "bpf_tc_detach", err, "cannot detach TC filter %u:%u from ifindex %d", l->handle,
             l->priority, l->ifindex);
  int back = netns_leave(&sw);
  if (back) {
    (*env)->ExceptionClear(env);
    hm_throw(env, "setns", -back, "cannot return the thread to its own network namespace after detach");
  }
  return err ? err : back;
}

static jlong attach_uprobe(JNIEnv *env, jclass cls, jlong prog_handle, jstring jbinary, jstring jsymbol,
                           jlong offset, jboolean retprobe, jint pid) {
  (void)cls;
  hm_log_reset();
  struct bpf_program *prog = program_of(env, prog_handle);
  char *binary = prog ? hm_string(env, jbinary) : NULL;
  char *symbol = binary ? hm_string(env, jsymbol) : NULL;
  if (binary == NULL || (jsymbol != NULL && symbol == NULL)) {
    free(binary);
    if (!(*env)->ExceptionCheck(env)) hm_throw_arg(env, "binary must not be null");
    return 0;
  }
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe == JNI_TRUE, .func_name = symbol);
  errno = 0;
  struct bpf_link *l = bpf_program__attach_uprobe_opts(prog, pid, binary, (size_t)offset, &opts);
  int err = errno;
  char what[600];
  snprintf(what, sizeof what, "%s '%s' to %s:%s+0x%llx (pid %d)", retprobe ? "uretprobe" : "uprobe",
           bpf_program__name(prog), binary, symbol ? symbol : "", (unsigned long long)offset, (int)pid);
  free(binary);
  free(symbol);
  return wrap_libbpf(env, l, err, "bpf_program__attach_uprobe_opts", what);
}

/*
 * BPF_TRACE_UPROBE_MULTI (Linux 6.6): many offsets of one file in one link, optionally for one process only;
 * BPF_TRACE_UPROBE_SESSION (Linux 6.13) the same with one program at entry and return. libbpf 1.1 has no API
 * for either, so the link is created with the bpf syscall; the layout of union bpf_attr's
 * link_create.uprobe_multi is the kernel's UAPI (include/uapi/linux/bpf.h).
 */
#define HM_BPF_LINK_CREATE 28
#define HM_BPF_TRACE_UPROBE_MULTI 48
#define HM_BPF_TRACE_UPROBE_SESSION 57
#define HM_BPF_F_UPROBE_MULTI_RETURN 1U

/* UprobeMultiTarget.Kind's ordinals. */
enum hm_uprobe_multi_kind { HM_UPROBE_ENTRY = 0, HM_UPROBE_RETURN = 1, HM_UPROBE_SESSION = 2 };

struct hm_uprobe_multi_attr {
  __u32 prog_fd;
  __u32 target_fd;
  __u32 attach_type;
  __u32 flags;
  __aligned_u64 path;
  __aligned_u64 offsets;
  __aligned_u64 ref_ctr_offsets;
  __aligned_u64 cookies;
  __u32 cnt;
  __u32 multi_flags;
  __u32 pid;
  __u32 pad;
  __u8 rest[64]; /* the rest of union bpf_attr stays zero */
};

static jlong attach_uprobe_multi(JNIEnv *env, jclass cls, jlong prog_handle, jstring jbinary, jlongArray joffsets,
                                 jlongArray jcookies, jint kind, jint pid) {
  (void)cls;
  hm_log_reset();
  static const char *op = "bpf(BPF_LINK_CREATE, uprobe_multi)";
  struct bpf_program *prog = program_of(env, prog_handle);
  if (prog != NULL && (kind < HM_UPROBE_ENTRY || kind > HM_UPROBE_SESSION)) {
    hm_throw_arg(env, "unknown uprobe_multi kind");
    return 0;
  }
  char *binary = prog ? hm_string(env, jbinary) : NULL;
  if (binary == NULL) {
    if (!(*env)->ExceptionCheck(env)) hm_throw_arg(env, "binary must not be null");
    return 0;
  }
  static const char *const kinds[] = {"uprobe_multi", "uretprobe_multi", "uprobe_session"};
  jsize cnt = joffsets ? (*env)->GetArrayLength(env, joffsets) : 0;
  if (cnt <= 0 || jcookies == NULL || (*env)->GetArrayLength(env, jcookies) != cnt) {
    free(binary);
    hm_throw_arg(env, "offsets must not be empty, and there must be one cookie per offset");
    return 0;
  }
  __u64 *offsets = calloc((size_t)cnt, sizeof *offsets);
  __u64 *cookies = calloc((size_t)cnt, sizeof *cookies);
  struct hm_link *h = calloc(1, sizeof *h);
  if (offsets == NULL || cookies == NULL || h == NULL) {
    free(binary), free(offsets), free(cookies), free(h);
    hm_throw_state(env, "out of memory");
    return 0;
  }
  (*env)->GetLongArrayRegion(env, joffsets, 0, cnt, (jlong *)offsets);
  (*env)->GetLongArrayRegion(env, jcookies, 0, cnt, (jlong *)cookies);
  struct hm_uprobe_multi_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_fd = (__u32)bpf_program__fd(prog);
  attr.attach_type = kind == HM_UPROBE_SESSION ? HM_BPF_TRACE_UPROBE_SESSION : HM_BPF_TRACE_UPROBE_MULTI;
  attr.path = (__u64)(uintptr_t)binary;
  attr.offsets = (__u64)(uintptr_t)offsets;
  attr.cookies = (__u64)(uintptr_t)cookies;
  attr.cnt = (__u32)cnt;
  attr.multi_flags = kind == HM_UPROBE_RETURN ? HM_BPF_F_UPROBE_MULTI_RETURN : 0;
  attr.pid = pid > 0 ? (__u32)pid : 0;
  int fd = (int)syscall(__NR_bpf, HM_BPF_LINK_CREATE, &attr, sizeof attr);
  int err = fd < 0 ? errno : 0;
  if (fd < 0) {
    hm_throw(env, op, err, "cannot attach %s '%s' to %s at %d offsets (first 0x%llx, pid %d)",
             kinds[kind], bpf_program__name(prog), binary, (int)cnt,
             (unsigned long long)offsets[0], (int)pid);
    free(h);
    h = NULL;
  } else {
    h->kind = HM_LINK_FD;
    h->fd = fd;
  }
  free(binary), free(offsets), free(cookies);
  return hm_handle(h);
}

static jlong attach_tracepoint(JNIEnv *env, jclass cls, jlong prog_handle, jstring jcat, jstring jname) {
  (void)cls;
  hm_log_reset();
  struct bpf_program *prog = program_of(env, prog_handle);
  char *cat = prog ? hm_string(env, jcat) : NULL;
  char *name = cat ? hm_string(env, jname) : NULL;
  if (name == NULL) {
    free(cat);
    if (!(*env)->ExceptionCheck(env)) hm_throw_arg(env, "tracepoint category and name must not be null");
    return 0;
  }
  errno = 0;
  struct bpf_link *l = bpf_program__attach_tracepoint(prog, cat, name);
  int err = errno;
  char what[600];
  snprintf(what, sizeof what, "'%s' to tracepoint %s/%s", bpf_program__name(prog), cat, name);
  if (l == NULL && err == ENOENT && access("/sys/kernel/tracing/events", F_OK) != 0 &&
      access("/sys/kernel/debug/tracing/events", F_OK) != 0)
    strncat(what, " (tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing)",
            sizeof what - strlen(what) - 1);
  free(cat);
  free(name);
  return wrap_libbpf(env, l, err, "bpf_program__attach_tracepoint", what);
}

static jlong attach_tracing(JNIEnv *env, jclass cls, jlong prog_handle) {
  (void)cls;
  hm_log_reset();
  struct bpf_program *prog = program_of(env, prog_handle);
  if (prog == NULL) return 0;
  errno = 0;
  struct bpf_link *l = bpf_program__attach(prog);
  char what[300];
  snprintf(what, sizeof what, "'%s' (section %s)", bpf_program__name(prog), bpf_program__section_name(prog));
  return wrap_libbpf(env, l, errno, "bpf_program__attach", what);
}

/* Frees the link whatever happens; the Java side calls this once per handle. */
static void detach_link(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  hm_log_reset();
  struct hm_link *l = hm_ptr(handle);
  if (l == NULL) return;
  if (l->kind == HM_LINK_TC) {
    detach_tc(env, l);
  } else if (l->kind == HM_LINK_FD) {
    close(l->fd);
  } else {
    int err = bpf_link__destroy(l->link);
    if (err && !gone(err)) hm_throw(env, "bpf_link__destroy", err, "cannot detach");
  }
  free(l->netns);
  free(l);
}

static const JNINativeMethod methods[] = {
    {"attachTc", "(JLjava/lang/String;Ljava/lang/String;ZII)J", (void *)attach_tc},
    {"attachUprobe", "(JLjava/lang/String;Ljava/lang/String;JZI)J", (void *)attach_uprobe},
    {"attachUprobeMulti", "(JLjava/lang/String;[J[JII)J", (void *)attach_uprobe_multi},
    {"attachTracepoint", "(JLjava/lang/String;Ljava/lang/String;)J", (void *)attach_tracepoint},
    {"attachTracing", "(J)J", (void *)attach_tracing},
    {"detachLink", "(J)V", (void *)detach_link},
};

const struct hm_natives hm_attach_natives = {methods, HM_COUNT(methods)};
