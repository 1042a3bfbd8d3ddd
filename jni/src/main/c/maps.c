/* Map access through the map's fd, with the sizes checked here so a wrong size is an error, not a smash. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hmjni.h"

static int is_percpu(enum bpf_map_type t) {
  return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
         t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* The kernel copies one value per possible CPU, each slot rounded up to 8 bytes. */
static size_t value_bytes(const struct bpf_map *m) {
  size_t v = bpf_map__value_size(m);
  if (!is_percpu(bpf_map__type(m))) return v;
  int cpus = libbpf_num_possible_cpus();
  return cpus > 0 ? ((v + 7) & ~(size_t)7) * (size_t)cpus : 0;
}

static struct bpf_map *map_of(JNIEnv *env, jlong handle, const char *op) {
  struct bpf_map *m = hm_ptr(handle);
  if (m == NULL) {
    hm_throw_state(env, "BPF map is closed");
    return NULL;
  }
  if (bpf_map__fd(m) < 0) {
    hm_throw(env, op, EBADF, "map '%s' has no fd: its object is not loaded", bpf_map__name(m));
    return NULL;
  }
  return m;
}

/* Copies a key out of Java after checking its length; NULL with an exception pending otherwise. */
static void *key_of(JNIEnv *env, struct bpf_map *m, jbyteArray jkey, const char *op) {
  if (jkey == NULL) {
    hm_throw_arg(env, "key must not be null");
    return NULL;
  }
  jsize len;
  if ((*env)->GetArrayLength(env, jkey) != (jsize)bpf_map__key_size(m)) {
    hm_throw(env, op, EINVAL, "map '%s' has %u-byte keys, the key has %d bytes", bpf_map__name(m),
             bpf_map__key_size(m), (int)(*env)->GetArrayLength(env, jkey));
    return NULL;
  }
  return hm_bytes(env, jkey, &len);
}

static jstring map_name(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  struct bpf_map *m = hm_ptr(handle);
  return m ? (*env)->NewStringUTF(env, bpf_map__name(m)) : NULL;
}

/* {type, key size, value size, max entries, fd}; one crossing for what Java shows as five getters. */
static jintArray map_info(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  struct bpf_map *m = hm_ptr(handle);
  if (m == NULL) {
    hm_throw_state(env, "BPF map is closed");
    return NULL;
  }
  jint info[5] = {(jint)bpf_map__type(m), (jint)bpf_map__key_size(m), (jint)bpf_map__value_size(m),
                  (jint)bpf_map__max_entries(m), (jint)bpf_map__fd(m)};
  jintArray out = (*env)->NewIntArray(env, 5);
  if (out != NULL) (*env)->SetIntArrayRegion(env, out, 0, 5, info);
  return out;
}

static jbyteArray map_lookup(JNIEnv *env, jclass cls, jlong handle, jbyteArray jkey) {
  (void)cls;
  static const char *op = "bpf_map_lookup_elem";
  hm_log_reset();
  struct bpf_map *m = map_of(env, handle, op);
  void *key = m ? key_of(env, m, jkey, op) : NULL;
  if (key == NULL) return NULL;
  size_t vlen = value_bytes(m);
  void *value = malloc(vlen ? vlen : 1);
  jbyteArray out = NULL;
  if (value == NULL) {
    hm_throw_state(env, "out of memory");
  } else if (bpf_map_lookup_elem(bpf_map__fd(m), key, value) != 0) {
    int err = errno;
    if (err != ENOENT) hm_throw(env, op, err, "map '%s'", bpf_map__name(m));
  } else {
    out = (*env)->NewByteArray(env, (jsize)vlen);
    if (out != NULL) (*env)->SetByteArrayRegion(env, out, 0, (jsize)vlen, value);
  }
  free(value);
  free(key);
  return out;
}

static void map_update(JNIEnv *env, jclass cls, jlong handle, jbyteArray jkey, jbyteArray jvalue,
                       jlong flags) {
  (void)cls;
  static const char *op = "bpf_map_update_elem";
  hm_log_reset();
  struct bpf_map *m = map_of(env, handle, op);
  void *key = m ? key_of(env, m, jkey, op) : NULL;
  if (key == NULL) return;
  void *value = NULL;
  jsize vlen = 0;
  size_t want = value_bytes(m);
  if (jvalue == NULL) {
    hm_throw_arg(env, "value must not be null");
  } else if ((size_t)(*env)->GetArrayLength(env, jvalue) != want) {
    hm_throw(env, op, EINVAL, "map '%s' needs %zu-byte values%s, the value has %d bytes",
             bpf_map__name(m), want, is_percpu(bpf_map__type(m)) ? " (per-CPU: cpus x 8-aligned slot)" : "",
             (int)(*env)->GetArrayLength(env, jvalue));
  } else if ((value = hm_bytes(env, jvalue, &vlen)) != NULL) {
    if (bpf_map_update_elem(bpf_map__fd(m), key, value, (__u64)flags) != 0)
      hm_throw(env, op, errno, "map '%s', flags %lld", bpf_map__name(m), (long long)flags);
  }
  free(value);
  free(key);
}

static jboolean map_delete(JNIEnv *env, jclass cls, jlong handle, jbyteArray jkey) {
  (void)cls;
  static const char *op = "bpf_map_delete_elem";
  hm_log_reset();
  struct bpf_map *m = map_of(env, handle, op);
  void *key = m ? key_of(env, m, jkey, op) : NULL;
  if (key == NULL) return JNI_FALSE;
  jboolean deleted = JNI_TRUE;
  if (bpf_map_delete_elem(bpf_map__fd(m), key) != 0) {
    int err = errno;
    deleted = JNI_FALSE;
    if (err != ENOENT) hm_throw(env, op, err, "map '%s'", bpf_map__name(m));
  }
  free(key);
  return deleted;
}

static jbyteArray map_next_key(JNIEnv *env, jclass cls, jlong handle, jbyteArray jkey) {
  (void)cls;
  static const char *op = "bpf_map_get_next_key";
  hm_log_reset();
  struct bpf_map *m = map_of(env, handle, op);
  if (m == NULL) return NULL;
  void *key = NULL;
  if (jkey != NULL && (key = key_of(env, m, jkey, op)) == NULL) return NULL;
  size_t klen = bpf_map__key_size(m);
  void *next = malloc(klen ? klen : 1);
  jbyteArray out = NULL;
  if (next == NULL) {
    hm_throw_state(env, "out of memory");
  } else if (bpf_map_get_next_key(bpf_map__fd(m), key, next) != 0) {
    int err = errno;
    if (err != ENOENT) hm_throw(env, op, err, "map '%s'", bpf_map__name(m));
  } else {
    out = (*env)->NewByteArray(env, (jsize)klen);
    if (out != NULL) (*env)->SetByteArrayRegion(env, out, 0, (jsize)klen, next);
  }
  free(next);
  free(key);
  return out;
}

static const JNINativeMethod methods[] = {
    {"mapName", "(J)Ljava/lang/String;", (void *)map_name},
    {"mapInfo", "(J)[I", (void *)map_info},
    {"mapLookup", "(J[B)[B", (void *)map_lookup},
    {"mapUpdate", "(J[B[BJ)V", (void *)map_update},
    {"mapDelete", "(J[B)Z", (void *)map_delete},
    {"mapNextKey", "(J[B)[B", (void *)map_next_key},
};

const struct hm_natives hm_map_natives = {methods, HM_COUNT(methods)};
