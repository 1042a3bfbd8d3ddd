/* Library entry: registers every native of io.hybridmesh.jni.Native and sets libbpf up once. */
#include <sys/resource.h>

#include <bpf/libbpf.h>

#include "hmjni.h"

#define HM_TABLE(name) &hm_##name##_natives,
static const struct hm_natives *const tables[] = {HM_NATIVES(HM_TABLE)};
#undef HM_TABLE

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  if (hm_errors_init(env) != 0) return JNI_ERR;

  libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
  hm_log_install();
  /* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; newer ones ignore it. Best effort. */
  struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_MEMLOCK, &unlimited);

  jclass natives = (*env)->FindClass(env, "io/hybridmesh/jni/Native");
  if (natives == NULL) return JNI_ERR;
  for (int i = 0; i < HM_COUNT(tables); i++) {
    if ((*env)->RegisterNatives(env, natives, tables[i]->methods, tables[i]->count) != 0) return JNI_ERR;
  }
  (*env)->DeleteLocalRef(env, natives);
  return JNI_VERSION_1_8;
}
