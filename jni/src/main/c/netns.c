/* The per-thread network-namespace switch (links.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "links.h"

int netns_enter(const char *path, struct netns_switch *sw, struct stat *st) {
  sw->self_fd = -1;
  int target = open(path, O_RDONLY | O_CLOEXEC);
  if (target < 0) return -errno;
  int err = 0;
  if (fstat(target, st) != 0) {
    err = -errno;
  } else if ((sw->self_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) {
    err = -errno;
  } else if (setns(target, CLONE_NEWNET) != 0) {
    err = -errno;
    close(sw->self_fd);
    sw->self_fd = -1;
  }
  close(target);
  return err;
}

int netns_leave(struct netns_switch *sw) {
  if (sw->self_fd < 0) return 0;
  int err = setns(sw->self_fd, CLONE_NEWNET) != 0 ? -errno : 0;
  if (err) fprintf(stderr, "hmjni: cannot return thread to its network namespace: %s\n", strerror(-err));
  close(sw->self_fd);
  sw->self_fd = -1;
  return err;
}

void at_interface(JNIEnv *env, const char *op, jstring jnetns, jstring jifname, at_interface_fn fn, void *ctx) {
  char *netns = hm_string(env, jnetns);
  char *ifname = (*env)->ExceptionCheck(env) ? NULL : hm_string(env, jifname);
  if (ifname == NULL) goto out;
  const char *where = netns ? netns : "the caller's network namespace";
  if (strlen(ifname) == 0 || strlen(ifname) >= IF_NAMESIZE) {
    hm_throw(env, op, EINVAL, "invalid interface name '%s'", ifname);
    goto out;
  }
  struct netns_switch sw = {-1};
  struct stat st = {0};
  if (netns != NULL) {
    int err = netns_enter(netns, &sw, &st);
    if (err) {
      hm_throw(env, op, -err, err == -ENOENT ? "network namespace %s does not exist"
                                              : "cannot enter network namespace %s", netns);
      goto out;
    }
  }
  /* From here on this thread is in the target namespace: every path goes through netns_leave. */
  int ifindex = (int)if_nametoindex(ifname);
  if (ifindex == 0) {
    hm_throw(env, op, errno == ENXIO ? ENODEV : errno, "interface %s does not exist in %s", ifname, where);
  } else {
    struct hm_iface at = {ifindex, ifname, netns, where, st.st_dev, st.st_ino};
    fn(env, &at, ctx);
  }
  int back = netns_leave(&sw);
  if (back) {
    /* The JVM thread would keep working in a foreign namespace; no sane way on, so say it loudly. */
    (*env)->ExceptionClear(env);
    hm_throw(env, "setns", -back, "cannot return the thread to its own network namespace after %s", op);
  }
out:
  free(netns);
  free(ifname);
}
