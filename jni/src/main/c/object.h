#ifndef HMJNI_OBJECT_H
#define HMJNI_OBJECT_H

#include <bpf/libbpf.h>

#include "hmjni.h"

struct hm_object {
  struct bpf_object *obj;
  void *elf; /* open_mem's bytes; libbpf reads them in place */
  int load_attempted;
};

HM_HIDDEN struct bpf_map *hm_find_map(JNIEnv *env, struct hm_object *o, const char *op, const char *name);

#endif
