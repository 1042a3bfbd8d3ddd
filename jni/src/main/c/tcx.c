/*
 * tcx (Linux 6.6): TC programs attached through BPF links. A tcx link lives as long as its fd, so the
 * programs go with the agent's process whatever way it dies, where a netlink (legacy clsact) filter stays
 * attached and keeps running on every packet until someone removes it. libbpf 1.1 has no tcx API and its
 * UAPI header no BPF_TCX_* constants, so the link is created with the bpf syscall (the kernel's UAPI layout
 * of union bpf_attr's link_create: prog_fd, target_ifindex, attach_type, flags, then the tcx fields, zero).
 *
 * Also here: removing a legacy filter a previous run left on a hook, only when its program is ours by name,
 * and asking the kernel whether it has tcx at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "links.h"

#define HM_BPF_LINK_CREATE 28
#define HM_BPF_TCX_INGRESS 46
#define HM_BPF_TCX_EGRESS 47

struct hm_tcx_attr {
  __u32 prog_fd;
  __u32 target_ifindex;
  __u32 attach_type;
  __u32 flags;
  __u32 relative_fd;
  __u32 pad;
  __u64 expected_revision;
  __u8 rest[64]; /* the rest of union bpf_attr stays zero */
};

/* Ordinals of Bpf.Support. */
enum { SUPPORT_YES = 0, SUPPORT_NO = 1, SUPPORT_UNKNOWN = 2 };

/* A new tcx link of prog_fd at the end of the hook's chain (after programs already there), or -errno. */
static int tcx_link(int prog_fd, int ifindex, int ingress) {
  struct hm_tcx_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_fd = (__u32)prog_fd;
  attr.target_ifindex = (__u32)ifindex;
  attr.attach_type = ingress ? HM_BPF_TCX_INGRESS : HM_BPF_TCX_EGRESS;
  int fd = (int)syscall(__NR_bpf, HM_BPF_LINK_CREATE, &attr, sizeof attr);
  return fd < 0 ? -errno : fd;
}

struct attach_ctx {
  struct bpf_program *prog;
  int ingress;
  struct hm_link *link;
};

static int attach_at(JNIEnv *env, const struct hm_iface *at, void *p) {
  struct attach_ctx *c = p;
  int fd = tcx_link(bpf_program__fd(c->prog), at->ifindex, c->ingress);
  if (fd < 0) {
    /* EINVAL here mostly means a kernel before 6.6, which does not know the attach type. */
    hm_throw(env, "bpf(BPF_LINK_CREATE, tcx)", -fd, "cannot attach '%s' to tcx %s of %s in %s",
             bpf_program__name(c->prog), c->ingress ? "ingress" : "egress", at->ifname, at->where);
    return -fd;
  }
  if ((c->link = calloc(1, sizeof *c->link)) == NULL) {
    close(fd);
    hm_throw_state(env, "out of memory");
    return ENOMEM;
  }
  c->link->kind = HM_LINK_FD;
  c->link->fd = fd;
  return 0;
}

static jlong attach_tcx(JNIEnv *env, jclass cls, jlong prog_handle, jstring jnetns, jstring jifname,
                        jboolean ingress) {
  (void)cls;
  hm_log_reset();
  struct attach_ctx c = {hm_ptr(prog_handle), ingress == JNI_TRUE, NULL};
  if (c.prog == NULL) {
    hm_throw_state(env, "BPF program handle is null");
    return 0;
  }
  at_interface(env, "attach_tcx", jnetns, jifname, attach_at, &c);
  if ((*env)->ExceptionCheck(env) && c.link != NULL) {
    close(c.link->fd);
    free(c.link);
    c.link = NULL;
  }
  return hm_handle(c.link);
}

struct remove_ctx {
  int ingress;
  __u32 handle, priority;
  const char *program;
  int removed;
};

/* The name of the program behind an id, as the kernel keeps it (at most 15 characters). */
static int program_name(__u32 id, char *name, size_t size) {
  int fd = bpf_prog_get_fd_by_id(id);
  if (fd < 0) return fd;
  struct bpf_prog_info info;
  __u32 len = sizeof info;
  memset(&info, 0, sizeof info);
  int err = bpf_obj_get_info_by_fd(fd, &info, &len);
  close(fd);
  if (err) return err;
  snprintf(name, size, "%s", info.name);
  return 0;
}

static int remove_at(JNIEnv *env, const struct hm_iface *at, void *p) {
  struct remove_ctx *c = p;
  const char *ifname = at->ifname, *where = at->where;
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = at->ifindex,
              .attach_point = c->ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
  LIBBPF_OPTS(bpf_tc_opts, query, .handle = c->handle, .priority = c->priority);
  int err = bpf_tc_query(&hook, &query);
  if (err == -ENOENT || err == -EINVAL) return 0; /* no clsact qdisc, or no filter there: nothing left */
  if (err) {
    hm_throw(env, "bpf_tc_query", -err, "cannot query TC filter %u:%u on %s in %s", c->handle, c->priority,
             ifname, where);
    return -err;
  }
  char name[BPF_OBJ_NAME_LEN] = "";
  err = program_name(query.prog_id, name, sizeof name);
  /* Someone else's filter at our handle and priority is left alone; only our program's name is ours. */
  if (err || strncmp(name, c->program, BPF_OBJ_NAME_LEN - 1) != 0) return 0;
  LIBBPF_OPTS(bpf_tc_opts, opts, .handle = c->handle, .priority = c->priority);
  err = bpf_tc_detach(&hook, &opts);
  if (err && err != -ENOENT) {
    hm_throw(env, "bpf_tc_detach", -err, "cannot remove TC filter %u:%u on %s in %s", c->handle, c->priority,
             ifname, where);
    return -err;
  }
  c->removed = err == 0;
  return 0;
}

static jboolean remove_legacy_tc(JNIEnv *env, jclass cls, jstring jnetns, jstring jifname, jboolean ingress,
                                 jint handle, jint priority, jstring jprogram) {
  (void)cls;
  hm_log_reset();
  char *program = hm_string(env, jprogram);
  if (program == NULL) {
    if (!(*env)->ExceptionCheck(env)) hm_throw_arg(env, "program name must not be null");
    return JNI_FALSE;
  }
  struct remove_ctx c = {ingress == JNI_TRUE, (__u32)handle, (__u32)priority, program, 0};
  at_interface(env, "remove_legacy_tc", jnetns, jifname, remove_at, &c);
  free(program);
  return c.removed ? JNI_TRUE : JNI_FALSE;
}

struct query_ctx {
  JNIEnv *env;
  int ingress;
  jobjectArray names;
};

static int query_at(JNIEnv *env, const struct hm_iface *at, void *p) {
  struct query_ctx *c = p;
  const char *ifname = at->ifname, *where = at->where;
  __u32 ids[64], count = 64;
  int err = bpf_prog_query(at->ifindex, c->ingress ? HM_BPF_TCX_INGRESS : HM_BPF_TCX_EGRESS, 0, NULL, ids, &count);
  if (err) {
    hm_throw(env, "bpf(BPF_PROG_QUERY, tcx)", -err, "cannot list the tcx programs of %s in %s", ifname, where);
    return -err;
  }
  if (count > 64) count = 64;
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (string == NULL || (c->names = (*env)->NewObjectArray(env, (jsize)count, string, NULL)) == NULL)
    return ENOMEM;
  for (__u32 i = 0; i < count; i++) {
    char name[BPF_OBJ_NAME_LEN] = "";
    if (program_name(ids[i], name, sizeof name)) snprintf(name, sizeof name, "id:%u", ids[i]);
    jstring s = (*env)->NewStringUTF(env, name);
    if (s == NULL) return ENOMEM;
    (*env)->SetObjectArrayElement(env, c->names, (jsize)i, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return 0;
}

/* The names of the programs on an interface's tcx hook, in the order they run (at most 64). */
static jobjectArray query_tcx(JNIEnv *env, jclass cls, jstring jnetns, jstring jifname, jboolean ingress) {
  (void)cls;
  hm_log_reset();
  struct query_ctx c = {env, ingress == JNI_TRUE, NULL};
  at_interface(env, "query_tcx", jnetns, jifname, query_at, &c);
  return (*env)->ExceptionCheck(env) ? NULL : c.names;
}

/* Whether this kernel attaches SCHED_CLS programs through tcx links: a 2-instruction program, linked to
 * the loopback device of the caller's namespace (at the end of its chain, passing everything on) and
 * closed again at once. */
static jint probe_tcx(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  hm_log_reset();
  struct bpf_insn insns[] = {
      {.code = 0xb7, .dst_reg = 0, .imm = -1}, /* r0 = -1 (TCX_NEXT) */
      {.code = 0x95},                          /* exit */
  };
  int prog = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "hm_tcx_probe", "GPL", insns, 2, NULL);
  if (prog < 0) return SUPPORT_UNKNOWN;
  int ifindex = (int)if_nametoindex("lo");
  int fd = ifindex > 0 ? tcx_link(prog, ifindex, 1) : -ENODEV;
  close(prog);
  if (fd >= 0) {
    close(fd);
    return SUPPORT_YES;
  }
  return fd == -EINVAL || fd == -EOPNOTSUPP ? SUPPORT_NO : SUPPORT_UNKNOWN;
}

static const JNINativeMethod methods[] = {
    {"attachTcx", "(JLjava/lang/String;Ljava/lang/String;Z)J", (void *)attach_tcx},
    {"removeLegacyTc", "(Ljava/lang/String;Ljava/lang/String;ZIILjava/lang/String;)Z", (void *)remove_legacy_tc},
    {"probeTcx", "()I", (void *)probe_tcx},
    {"queryTcx", "(Ljava/lang/String;Ljava/lang/String;Z)[Ljava/lang/String;", (void *)query_tcx},
};

const struct hm_natives hm_tcx_natives = {methods, HM_COUNT(methods)};
