/* BPF objects: open, configure before load (rodata knobs, map sizes, shared maps), load, close. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "hmjni.h"
#include "object.h"

static struct hm_object *object_of(JNIEnv *env, jlong handle) {
  struct hm_object *o = hm_ptr(handle);
  if (o == NULL || o->obj == NULL) hm_throw_state(env, "BPF object is closed");
  return o;
}

static int require_unloaded(JNIEnv *env, struct hm_object *o, const char *op) {
  if (!o->load_attempted) return 0;
  hm_throw(env, op, EBUSY, "object '%s' is already loaded; configure it before load()",
           bpf_object__name(o->obj));
  return -1;
}

/* Names every map or program, so a typo in a name is obvious from the message alone. */
static void list_maps(struct bpf_object *obj, char *out, size_t cap) {
  struct bpf_map *m;
  size_t used = 0;
  out[0] = '\0';
  bpf_object__for_each_map(m, obj) {
    int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", bpf_map__name(m));
    if (n < 0 || (size_t)n >= cap - used) break;
    used += (size_t)n;
  }
}

static void list_programs(struct bpf_object *obj, char *out, size_t cap) {
  struct bpf_program *p;
  size_t used = 0;
  out[0] = '\0';
  bpf_object__for_each_program(p, obj) {
    int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", bpf_program__name(p));
    if (n < 0 || (size_t)n >= cap - used) break;
    used += (size_t)n;
  }
}

struct bpf_map *hm_find_map(JNIEnv *env, struct hm_object *o, const char *op, const char *name) {
  struct bpf_map *m = bpf_object__find_map_by_name(o->obj, name);
  if (m == NULL) {
    char names[512];
    list_maps(o->obj, names, sizeof names);
    hm_throw(env, op, ENOENT, "no map '%s' in object '%s' (maps: %s)", name, bpf_object__name(o->obj),
             names);
  }
  return m;
}

static jlong finish_open(JNIEnv *env, struct hm_object *o, struct bpf_object *obj, const char *op,
                         const char *what) {
  if (obj == NULL) {
    int err = errno ? errno : EINVAL;
    hm_throw(env, op, err, "cannot open BPF object %s", what);
    free(o->elf);
    free(o);
    return 0;
  }
  o->obj = obj;
  return hm_handle(o);
}

static jlong open_mem(JNIEnv *env, jclass cls, jstring jname, jbyteArray elf) {
  (void)cls;
  hm_log_reset();
  if (jname == NULL || elf == NULL) {
    hm_throw_arg(env, "name and ELF bytes must not be null");
    return 0;
  }
  struct hm_object *o = calloc(1, sizeof *o);
  if (o == NULL) {
    hm_throw_state(env, "out of memory");
    return 0;
  }
  jsize len;
  /* libbpf parses from this buffer in place, so it lives as long as the object. */
  o->elf = hm_bytes(env, elf, &len);
  char *name = hm_string(env, jname);
  if (o->elf == NULL || name == NULL) {
    free(name);
    free(o->elf);
    free(o);
    return 0;
  }
  if (len == 0) {
    hm_throw(env, "bpf_object__open_mem", EINVAL, "cannot open BPF object '%s': no bytes", name);
    free(name);
    free(o->elf);
    free(o);
    return 0;
  }
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
  errno = 0;
  struct bpf_object *obj = bpf_object__open_mem(o->elf, (size_t)len, &opts);
  char what[300];
  snprintf(what, sizeof what, "'%s' (%d bytes)", name, (int)len);
  free(name);
  return finish_open(env, o, obj, "bpf_object__open_mem", what);
}

static jlong open_file(JNIEnv *env, jclass cls, jstring jpath) {
  (void)cls;
  hm_log_reset();
  char *path = hm_string(env, jpath);
  if (path == NULL) {
    if (!(*env)->ExceptionCheck(env)) hm_throw_arg(env, "path must not be null");
    return 0;
  }
  struct hm_object *o = calloc(1, sizeof *o);
  if (o == NULL) {
    free(path);
    hm_throw_state(env, "out of memory");
    return 0;
  }
  errno = 0;
  struct bpf_object *obj = bpf_object__open_file(path, NULL);
  char what[300];
  snprintf(what, sizeof what, "file %s", path);
  free(path);
  return finish_open(env, o, obj, "bpf_object__open_file", what);
}

static jstring object_name(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  struct hm_object *o = object_of(env, handle);
  return o ? (*env)->NewStringUTF(env, bpf_object__name(o->obj)) : NULL;
}

/* Finds a .rodata variable through the object's BTF: DATASEC ".rodata" lists each var's offset and size. */
static void set_rodata(JNIEnv *env, jclass cls, jlong handle, jstring jvar, jbyteArray jvalue) {
  (void)cls;
  static const char *op = "set_rodata";
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  if (o == NULL || require_unloaded(env, o, op) != 0) return;
  char *var = hm_string(env, jvar);
  jsize len;
  void *value = var ? hm_bytes(env, jvalue, &len) : NULL;
  if (value == NULL) goto out;

  const char *objname = bpf_object__name(o->obj);
  struct bpf_map *rodata = bpf_object__find_map_by_name(o->obj, ".rodata");
  struct btf *btf = bpf_object__btf(o->obj);
  if (rodata == NULL || btf == NULL) {
    hm_throw(env, op, ENOENT, "object '%s' has no %s, so no variable '%s'", objname,
             rodata == NULL ? ".rodata section" : "BTF", var);
    goto out;
  }
  size_t map_size = 0;
  const void *data = bpf_map__initial_value(rodata, &map_size);
  int sec_id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
  if (data == NULL || sec_id < 0) {
    hm_throw(env, op, ENOENT, "object '%s': cannot locate .rodata data or its BTF", objname);
    goto out;
  }
  const struct btf_type *sec = btf__type_by_id(btf, (__u32)sec_id);
  const struct btf_var_secinfo *vsi = btf_var_secinfos(sec);
  for (int i = 0; i < btf_vlen(sec); i++, vsi++) {
    const struct btf_type *vt = btf__type_by_id(btf, vsi->type);
    if (vt == NULL || strcmp(btf__name_by_offset(btf, vt->name_off), var) != 0) continue;
    if (vsi->size != (__u32)len) {
      hm_throw(env, op, EINVAL, "variable '%s' of object '%s' has %u bytes, the value has %d", var,
               objname, vsi->size, (int)len);
    } else if ((size_t)vsi->offset + vsi->size > map_size) {
      hm_throw(env, op, EINVAL, "variable '%s' lies outside .rodata", var);
    } else {
      /* initial_value is const in libbpf 1.1: patch a copy and hand the whole section back. */
      char *copy = malloc(map_size);
      if (copy == NULL) {
        hm_throw_state(env, "out of memory");
        goto out;
      }
      memcpy(copy, data, map_size);
      memcpy(copy + vsi->offset, value, (size_t)len);
      int err = bpf_map__set_initial_value(rodata, copy, map_size);
      free(copy);
      if (err) hm_throw(env, op, err, "cannot set variable '%s'", var);
    }
    goto out;
  }
  hm_throw(env, op, ENOENT, "no variable '%s' in .rodata of object '%s'", var, objname);
out:
  free(var);
  free(value);
}

static void set_max_entries(JNIEnv *env, jclass cls, jlong handle, jstring jmap, jint max) {
  (void)cls;
  static const char *op = "bpf_map__set_max_entries";
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  if (o == NULL || require_unloaded(env, o, op) != 0) return;
  char *name = hm_string(env, jmap);
  if (name == NULL) return;
  struct bpf_map *m = hm_find_map(env, o, op, name);
  if (m != NULL) {
    int err = max <= 0 ? -EINVAL : bpf_map__set_max_entries(m, (__u32)max);
    if (err) hm_throw(env, op, err, "map '%s': max_entries %d", name, (int)max);
  }
  free(name);
}

static void reuse_map(JNIEnv *env, jclass cls, jlong handle, jstring jmap, jint fd) {
  (void)cls;
  static const char *op = "bpf_map__reuse_fd";
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  if (o == NULL || require_unloaded(env, o, op) != 0) return;
  char *name = hm_string(env, jmap);
  if (name == NULL) return;
  struct bpf_map *m = hm_find_map(env, o, op, name);
  if (m != NULL) {
    int err = fd < 0 ? -EBADF : bpf_map__reuse_fd(m, fd);
    if (err) hm_throw(env, op, err, "map '%s' cannot reuse fd %d", name, (int)fd);
  }
  free(name);
}

static void load(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  if (o == NULL || require_unloaded(env, o, "bpf_object__load") != 0) return;
  /* libbpf refuses a second attempt even after a failure, so remember the first. */
  o->load_attempted = 1;
  int err = bpf_object__load(o->obj);
  if (err) hm_throw(env, "bpf_object__load", err, "cannot load object '%s'", bpf_object__name(o->obj));
}

static jlong find_map(JNIEnv *env, jclass cls, jlong handle, jstring jname) {
  (void)cls;
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  char *name = o ? hm_string(env, jname) : NULL;
  if (name == NULL) return 0;
  struct bpf_map *m = hm_find_map(env, o, "map", name);
  free(name);
  return hm_handle(m);
}

static jlong find_program(JNIEnv *env, jclass cls, jlong handle, jstring jname) {
  (void)cls;
  hm_log_reset();
  struct hm_object *o = object_of(env, handle);
  char *name = o ? hm_string(env, jname) : NULL;
  if (name == NULL) return 0;
  struct bpf_program *p = bpf_object__find_program_by_name(o->obj, name);
  if (p == NULL) {
    char names[512];
    list_programs(o->obj, names, sizeof names);
    hm_throw(env, "program", ENOENT, "no program '%s' in object '%s' (programs: %s)", name,
             bpf_object__name(o->obj), names);
  } else if (bpf_program__fd(p) < 0) {
    hm_throw(env, "program", EINVAL, "program '%s' is not loaded; call load() first", name);
    p = NULL;
  }
  free(name);
  return hm_handle(p);
}

/* A program of an object that is not loaded yet, for settings that must precede load. */
static struct bpf_program *unloaded_program(JNIEnv *env, jlong handle, jstring jname, const char *op) {
  struct hm_object *o = object_of(env, handle);
  if (o == NULL || require_unloaded(env, o, op) != 0) return NULL;
  char *name = hm_string(env, jname);
  if (name == NULL) return NULL;
  struct bpf_program *p = bpf_object__find_program_by_name(o->obj, name);
  if (p == NULL) {
    char names[512];
    list_programs(o->obj, names, sizeof names);
    hm_throw(env, op, ENOENT, "no program '%s' in object '%s' (programs: %s)", name, bpf_object__name(o->obj),
             names);
  }
  free(name);
  return p;
}

/* Load a program with another expected attach type than its section implies (libbpf may not know it). */
static void set_program_attach_type(JNIEnv *env, jclass cls, jlong handle, jstring jname, jint type) {
  (void)cls;
  hm_log_reset();
  static const char *op = "bpf_program__set_expected_attach_type";
  struct bpf_program *p = unloaded_program(env, handle, jname, op);
  if (p == NULL) return;
  int err = bpf_program__set_expected_attach_type(p, (enum bpf_attach_type)type);
  if (err) hm_throw(env, op, -err, "cannot set attach type %d on '%s'", (int)type, bpf_program__name(p));
}

/* Leave a program out of load (a kernel that lacks what it needs still loads the rest). */
static void set_program_autoload(JNIEnv *env, jclass cls, jlong handle, jstring jname, jboolean autoload) {
  (void)cls;
  hm_log_reset();
  static const char *op = "bpf_program__set_autoload";
  struct bpf_program *p = unloaded_program(env, handle, jname, op);
  if (p == NULL) return;
  int err = bpf_program__set_autoload(p, autoload == JNI_TRUE);
  if (err) hm_throw(env, op, -err, "cannot change autoload of '%s'", bpf_program__name(p));
}

/* The Java side closes links and ring buffers first and never passes this handle again. */
static void close_object(JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  struct hm_object *o = hm_ptr(handle);
  if (o == NULL) return;
  bpf_object__close(o->obj);
  free(o->elf);
  free(o);
}

static const JNINativeMethod methods[] = {
    {"openMem", "(Ljava/lang/String;[B)J", (void *)open_mem},
    {"openFile", "(Ljava/lang/String;)J", (void *)open_file},
    {"objectName", "(J)Ljava/lang/String;", (void *)object_name},
    {"setRodata", "(JLjava/lang/String;[B)V", (void *)set_rodata},
    {"setMapMaxEntries", "(JLjava/lang/String;I)V", (void *)set_max_entries},
    {"reuseMap", "(JLjava/lang/String;I)V", (void *)reuse_map},
    {"setProgramAttachType", "(JLjava/lang/String;I)V", (void *)set_program_attach_type},
    {"setProgramAutoload", "(JLjava/lang/String;Z)V", (void *)set_program_autoload},
    {"load", "(J)V", (void *)load},
    {"findMap", "(JLjava/lang/String;)J", (void *)find_map},
    {"findProgram", "(JLjava/lang/String;)J", (void *)find_program},
    {"closeObject", "(J)V", (void *)close_object},
};

const struct hm_natives hm_object_natives = {methods, HM_COUNT(methods)};
