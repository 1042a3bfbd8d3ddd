/* Errors: libbpf's log lines captured per thread, so an exception can say why the kernel refused. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "hmjni.h"

/* Bounded: a verifier log can be megabytes, and its last lines carry the reason. */
#define LOG_CAP 6144

struct hm_log {
  size_t len;
  char buf[LOG_CAP];
};

static __thread struct hm_log tls_log;
static int debug_to_stderr;

static jclass bpf_exception;
static jmethodID bpf_exception_init;
static jclass illegal_state;
static jclass illegal_argument;

/* Appends, dropping whole lines from the front when full: the end of a log is what explains it. */
static void log_append(struct hm_log *log, const char *s, size_t n) {
  if (n >= LOG_CAP) {
    s += n - (LOG_CAP - 1);
    n = LOG_CAP - 1;
    log->len = 0;
  }
  if (log->len + n > LOG_CAP - 1) {
    size_t drop = log->len + n - (LOG_CAP - 1);
    char *nl = memchr(log->buf + drop, '\n', log->len - drop);
    if (nl != NULL) drop = (size_t)(nl - log->buf) + 1;
    memmove(log->buf, log->buf + drop, log->len - drop);
    log->len -= drop;
  }
  memcpy(log->buf + log->len, s, n);
  log->len += n;
  log->buf[log->len] = '\0';
}

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list args) {
  va_list copy;
  if (debug_to_stderr) {
    va_copy(copy, args);
    vfprintf(stderr, fmt, copy);
    va_end(copy);
  }
  if (level == LIBBPF_DEBUG) return 0;
  va_copy(copy, args);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  char *line = malloc((size_t)n + 1);
  if (line == NULL) return 0;
  vsnprintf(line, (size_t)n + 1, fmt, args);
  log_append(&tls_log, line, (size_t)n);
  free(line);
  return 0;
}

void hm_log_install(void) {
  const char *dbg = getenv("HMESH_LIBBPF_DEBUG");
  debug_to_stderr = dbg != NULL && strcmp(dbg, "1") == 0;
  libbpf_set_print(print_cb);
}

void hm_log_reset(void) {
  tls_log.len = 0;
  tls_log.buf[0] = '\0';
}

static jclass global_class(JNIEnv *env, const char *name) {
  jclass local = (*env)->FindClass(env, name);
  if (local == NULL) return NULL;
  jclass global = (*env)->NewGlobalRef(env, local);
  (*env)->DeleteLocalRef(env, local);
  return global;
}

int hm_errors_init(JNIEnv *env) {
  bpf_exception = global_class(env, "io/hybridmesh/jni/BpfException");
  illegal_state = global_class(env, "java/lang/IllegalStateException");
  illegal_argument = global_class(env, "java/lang/IllegalArgumentException");
  if (bpf_exception == NULL || illegal_state == NULL || illegal_argument == NULL) return -1;
  bpf_exception_init = (*env)->GetMethodID(env, bpf_exception, "<init>",
                                           "(Ljava/lang/String;ILjava/lang/String;)V");
  return bpf_exception_init == NULL ? -1 : 0;
}

/* NewStringUTF wants modified UTF-8; libbpf output is ASCII in practice, make sure of it. */
static void ascii_only(char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t')) *s = '?';
  }
}

void hm_throw(JNIEnv *env, const char *op, int err, const char *fmt, ...) {
  if ((*env)->ExceptionCheck(env)) return;
  if (err < 0) err = -err;
  char what[1024];
  va_list args;
  va_start(args, fmt);
  vsnprintf(what, sizeof what, fmt, args);
  va_end(args);

  char reason[256] = "";
  if (err != 0) {
    char e[200];
    if (libbpf_strerror(err, e, sizeof e) != 0) snprintf(e, sizeof e, "error %d", err);
    snprintf(reason, sizeof reason, ": %s", e);
  }
  while (tls_log.len > 0 && tls_log.buf[tls_log.len - 1] == '\n') tls_log.buf[--tls_log.len] = '\0';
  size_t cap = strlen(what) + strlen(reason) + tls_log.len + 64;
  char *msg = malloc(cap);
  if (msg == NULL) {
    (*env)->ThrowNew(env, illegal_state, "out of memory while reporting a BPF error");
    return;
  }
  snprintf(msg, cap, "%s%s%s%s", what, reason, tls_log.len ? "\nlibbpf said:\n" : "", tls_log.buf);
  hm_log_reset();
  ascii_only(msg);

  jstring jop = (*env)->NewStringUTF(env, op);
  jstring jmsg = jop != NULL ? (*env)->NewStringUTF(env, msg) : NULL;
  free(msg);
  if (jmsg == NULL) return;
  jobject ex = (*env)->NewObject(env, bpf_exception, bpf_exception_init, jop, (jint)err, jmsg);
  if (ex != NULL) (*env)->Throw(env, ex);
}

void hm_throw_state(JNIEnv *env, const char *msg) {
  if (!(*env)->ExceptionCheck(env)) (*env)->ThrowNew(env, illegal_state, msg);
}

void hm_throw_arg(JNIEnv *env, const char *msg) {
  if (!(*env)->ExceptionCheck(env)) (*env)->ThrowNew(env, illegal_argument, msg);
}

char *hm_string(JNIEnv *env, jstring s) {
  if (s == NULL) return NULL;
  const char *utf = (*env)->GetStringUTFChars(env, s, NULL);
  if (utf == NULL) return NULL;
  char *copy = strdup(utf);
  (*env)->ReleaseStringUTFChars(env, s, utf);
  if (copy == NULL) hm_throw_state(env, "out of memory");
  return copy;
}

void *hm_bytes(JNIEnv *env, jbyteArray a, jsize *len) {
  *len = (*env)->GetArrayLength(env, a);
  void *buf = malloc(*len > 0 ? (size_t)*len : 1);
  if (buf == NULL) {
    hm_throw_state(env, "out of memory");
    return NULL;
  }
  (*env)->GetByteArrayRegion(env, a, 0, *len, buf);
  return buf;
}
