/* Links of libhmjni: what a Java BpfLink handle points to, and the per-thread network-namespace switch that
 * attaching to an interface of another namespace needs. Shared by attach.c and tcx.c. */
#ifndef HMJNI_LINKS_H
#define HMJNI_LINKS_H

#include <sys/stat.h>
#include <sys/types.h>

#include <bpf/libbpf.h>

#include "hmjni.h"

enum hm_link_kind { HM_LINK_LIBBPF = 1, HM_LINK_TC = 2, HM_LINK_FD = 3 };

struct hm_link {
  enum hm_link_kind kind;
  struct bpf_link *link;
  /* HM_LINK_FD: a link made with the bpf syscall directly, for attach types libbpf 1.1 does not know
   * (uprobe_multi, tcx). Closing the fd detaches it; so does the death of the process that holds it. */
  int fd;
  /* TC only: enough to find our filter again, and to tell whether it is still ours. */
  char *netns;
  dev_t ns_dev;
  ino_t ns_ino;
  int ifindex;
  enum bpf_tc_attach_point point;
  __u32 handle, priority, prog_id;
};

struct netns_switch {
  int self_fd;
};

/* Enters the namespace at path on this thread only (setns(CLONE_NEWNET) is per thread); -errno on failure. */
HM_HIDDEN int netns_enter(const char *path, struct netns_switch *sw, struct stat *st);
/* Returns the thread to the namespace it left; a no-op when it never left. */
HM_HIDDEN int netns_leave(struct netns_switch *sw);

/* An interface found inside its namespace, for at_interface's callback. */
struct hm_iface {
  int ifindex;
  const char *ifname;
  const char *netns; /* the namespace file, or NULL for the caller's own */
  const char *where; /* the namespace as messages name it */
  dev_t ns_dev;
  ino_t ns_ino;
};

/* What to do at an interface while the thread is inside its namespace; returns 0 or a positive errno after
 * throwing. */
typedef int (*at_interface_fn)(JNIEnv *env, const struct hm_iface *at, void *ctx);

/* Enters jnetns (null: stay), resolves jifname there, runs fn, and always comes back; throws on failure. */
HM_HIDDEN void at_interface(JNIEnv *env, const char *op, jstring jnetns, jstring jifname, at_interface_fn fn,
                            void *ctx);

#endif
