/* Internal interface of libhmjni: a generic libbpf wrapper behind io.hybridmesh.jni.Native. */
#ifndef HMJNI_H
#define HMJNI_H

#include <jni.h>
#include <stdint.h>

#define HM_HIDDEN __attribute__((visibility("hidden")))

/* Java handles are raw pointers carried in a long. */
static inline void *hm_ptr(jlong handle) { return (void *)(intptr_t)handle; }
static inline jlong hm_handle(const void *p) { return (jlong)(intptr_t)p; }

/* errors.c: libbpf log capture and exceptions. */
HM_HIDDEN int hm_errors_init(JNIEnv *env);
HM_HIDDEN void hm_log_install(void);
/* Forgets what libbpf said so far on this thread; every entry point calls it first. */
HM_HIDDEN void hm_log_reset(void);
/* Throws BpfException(op, err, message + strerror(err) + the captured libbpf lines). err is positive. */
HM_HIDDEN void hm_throw(JNIEnv *env, const char *op, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
HM_HIDDEN void hm_throw_state(JNIEnv *env, const char *msg);
HM_HIDDEN void hm_throw_arg(JNIEnv *env, const char *msg);
/* A malloc'ed copy of a Java string, NULL for a null string (or on OOM, with an exception pending). */
HM_HIDDEN char *hm_string(JNIEnv *env, jstring s);
/* A malloc'ed copy of a byte array (1 byte for an empty one), NULL with an exception pending on OOM. */
HM_HIDDEN void *hm_bytes(JNIEnv *env, jbyteArray a, jsize *len);

#define HM_NATIVES(X) \
  X(object) X(map) X(attach) X(tcx) X(ring) X(probe) X(calibrate) X(sched)

/* Each concern file exports its JNINativeMethod table; jni_onload.c registers them all. */
struct hm_natives {
  const JNINativeMethod *methods;
  int count;
};
#define HM_DECLARE(name) HM_HIDDEN extern const struct hm_natives hm_##name##_natives;
HM_NATIVES(HM_DECLARE)
#undef HM_DECLARE

#define HM_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
