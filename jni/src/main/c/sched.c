/*
 * A thread's scheduling class. The agent's event thread runs as SCHED_IDLE while it has no backlog, so
 * a request of an observed process never waits behind a batch of its events, and goes back to
 * SCHED_OTHER when its ring buffer fills faster than idle time drains it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hmjni.h"

static jint thread_id(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return (jint)syscall(SYS_gettid);
}

/* Linux applies sched_setscheduler to the one thread the id names, not to its whole process. */
static void set_idle(JNIEnv *env, jclass cls, jint tid, jboolean idle) {
  (void)cls;
  hm_log_reset();
  struct sched_param none = {0};
  if (sched_setscheduler((pid_t)tid, idle ? SCHED_IDLE : SCHED_OTHER, &none) != 0) {
    int err = errno;
    hm_throw(env, "sched_setscheduler", err, "cannot move thread %d to %s%s", (int)tid,
             idle ? "SCHED_IDLE" : "SCHED_OTHER",
             err == EPERM && !idle ? " (leaving SCHED_IDLE needs CAP_SYS_NICE or RLIMIT_NICE of 20)" : "");
  }
}

static jboolean is_idle(JNIEnv *env, jclass cls, jint tid) {
  (void)cls;
  hm_log_reset();
  int policy = sched_getscheduler((pid_t)tid);
  if (policy < 0) {
    hm_throw(env, "sched_getscheduler", errno, "cannot read the scheduling class of thread %d", (int)tid);
    return JNI_FALSE;
  }
  return policy == SCHED_IDLE ? JNI_TRUE : JNI_FALSE;
}

static const JNINativeMethod methods[] = {
    {"threadId", "()I", (void *)thread_id},
    {"setIdleScheduling", "(IZ)V", (void *)set_idle},
    {"isIdleScheduling", "(I)Z", (void *)is_idle},
};

const struct hm_natives hm_sched_natives = {methods, HM_COUNT(methods)};
