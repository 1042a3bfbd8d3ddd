/* The per-thread network-namespace switch (links.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
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
