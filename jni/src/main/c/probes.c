/* Feature probes: what the running kernel supports, asked through libbpf's probe helpers. */
#include <errno.h>

#include <bpf/libbpf.h>

#include "hmjni.h"

/* Ordinals of Bpf.Support. */
enum { SUPPORT_YES = 0, SUPPORT_NO = 1, SUPPORT_UNKNOWN = 2 };

static jint answer(int r) { return r > 0 ? SUPPORT_YES : r == 0 ? SUPPORT_NO : SUPPORT_UNKNOWN; }

static jint probe_map_type(JNIEnv *env, jclass cls, jint type) {
  (void)env;
  (void)cls;
  hm_log_reset();
  return answer(libbpf_probe_bpf_map_type((enum bpf_map_type)type, NULL));
}

static jint probe_prog_type(JNIEnv *env, jclass cls, jint type) {
  (void)env;
  (void)cls;
  hm_log_reset();
  return answer(libbpf_probe_bpf_prog_type((enum bpf_prog_type)type, NULL));
}

static jint probe_helper(JNIEnv *env, jclass cls, jint prog_type, jint helper) {
  (void)env;
  (void)cls;
  hm_log_reset();
  return answer(libbpf_probe_bpf_helper((enum bpf_prog_type)prog_type, (enum bpf_func_id)helper, NULL));
}

static jint possible_cpus(JNIEnv *env, jclass cls) {
  (void)cls;
  hm_log_reset();
  int n = libbpf_num_possible_cpus();
  if (n <= 0) hm_throw(env, "libbpf_num_possible_cpus", n < 0 ? -n : EINVAL, "cannot count possible CPUs");
  return n;
}

static const JNINativeMethod methods[] = {
    {"probeMapType", "(I)I", (void *)probe_map_type},
    {"probeProgramType", "(I)I", (void *)probe_prog_type},
    {"probeHelper", "(II)I", (void *)probe_helper},
    {"possibleCpus", "()I", (void *)possible_cpus},
};

const struct hm_natives hm_probe_natives = {methods, HM_COUNT(methods)};
