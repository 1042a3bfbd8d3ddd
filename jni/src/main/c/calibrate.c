/* Uprobe cost calibration: functions whose first instruction is known, a timed C loop that calls them,
 * and where they sit in this library's file (the offset a uprobe is attached at).
 *
 * The kernel handles a uprobe hit in one of two ways on x86-64: a few instructions (push, nop, call rel32,
 * relative jumps) are emulated, every other one is copied out of line and single-stepped. Under KVM the
 * single step is a debug exception, a VM exit, and costs about ten times as much. The functions here are
 * written in assembly so the compiler cannot change the first instruction (no endbr64, no frame setup);
 * the agent probes them in its own process only and times the loop. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <time.h>

#include "hmjni.h"

/* Ordinals of CalibrationFunctions.Function. */
enum { HM_CAL_PLAIN = 0, HM_CAL_EMULATED = 1, HM_CAL_STEPPED = 2, HM_CAL_COUNT = 3 };

#if defined(__x86_64__)
/* Each function in its own 16-byte slot; hidden, so they are not part of the library's ABI.
 *   hm_cal_plain     push %rbp; pop %rbp; ret    never probed: the loop's own cost
 *   hm_cal_emulated  push %rbp; pop %rbp; ret    push is emulated (Linux 4.16+)
 *   hm_cal_stepped   sub $8,%rsp; add $8,%rsp; ret   sub is always single-stepped (as SSL_write's entry) */
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl hm_cal_plain\n"
    ".hidden hm_cal_plain\n"
    ".type hm_cal_plain,@function\n"
    "hm_cal_plain:\n"
    "  push %rbp\n"
    "  pop %rbp\n"
    "  ret\n"
    ".size hm_cal_plain, .-hm_cal_plain\n"
    ".p2align 4\n"
    ".globl hm_cal_emulated\n"
    ".hidden hm_cal_emulated\n"
    ".type hm_cal_emulated,@function\n"
    "hm_cal_emulated:\n"
    "  push %rbp\n"
    "  pop %rbp\n"
    "  ret\n"
    ".size hm_cal_emulated, .-hm_cal_emulated\n"
    ".p2align 4\n"
    ".globl hm_cal_stepped\n"
    ".hidden hm_cal_stepped\n"
    ".type hm_cal_stepped,@function\n"
    "hm_cal_stepped:\n"
    "  sub $8, %rsp\n"
    "  add $8, %rsp\n"
    "  ret\n"
    ".size hm_cal_stepped, .-hm_cal_stepped\n");

void hm_cal_plain(void);
void hm_cal_emulated(void);
void hm_cal_stepped(void);

typedef void (*hm_cal_fn)(void);
static const hm_cal_fn functions[HM_CAL_COUNT] = {hm_cal_plain, hm_cal_emulated, hm_cal_stepped};

struct segment_search {
  uintptr_t address;
  long long file_offset;
};

/* The PT_LOAD segment holding the address gives its file offset: what libbpf resolves a symbol to. */
static int find_segment(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct segment_search *s = data;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (s->address >= start && s->address < start + ph->p_memsz) {
      s->file_offset = (long long)(s->address - start + ph->p_offset);
      return 1;
    }
  }
  return 0;
}

/* {address, file offset} for each function, or null (no exception) where the address has no segment. */
static jlongArray sites(JNIEnv *env, jclass cls) {
  (void)cls;
  jlong out[2 * HM_CAL_COUNT];
  for (int i = 0; i < HM_CAL_COUNT; i++) {
    struct segment_search s = {(uintptr_t)functions[i], -1};
    dl_iterate_phdr(find_segment, &s);
    if (s.file_offset < 0) {
      hm_throw(env, "dl_iterate_phdr", ENOENT, "no loaded segment holds calibration function %d", i);
      return NULL;
    }
    out[2 * i] = (jlong)s.address;
    out[2 * i + 1] = (jlong)s.file_offset;
  }
  jlongArray a = (*env)->NewLongArray(env, 2 * HM_CAL_COUNT);
  if (a != NULL) (*env)->SetLongArrayRegion(env, a, 0, 2 * HM_CAL_COUNT, out);
  return a;
}

/* The file this library was loaded from, as the loader named it (it may have been deleted since). */
static jstring library(JNIEnv *env, jclass cls) {
  (void)cls;
  Dl_info info;
  if (dladdr((void *)functions[HM_CAL_PLAIN], &info) == 0 || info.dli_fname == NULL) {
    hm_throw(env, "dladdr", ENOENT, "dladdr does not know the calibration functions");
    return NULL;
  }
  return (*env)->NewStringUTF(env, info.dli_fname);
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Calls one function `calls` times; the volatile pointer keeps every call a real call. */
static __attribute__((noinline)) jlong timed_loop(hm_cal_fn fn, jint calls) {
  hm_cal_fn volatile target = fn;
  int64_t start = now_ns();
  for (jint i = 0; i < calls; i++) target();
  return (jlong)(now_ns() - start);
}

static jlong loop(JNIEnv *env, jclass cls, jint function, jint calls) {
  (void)cls;
  if (function < 0 || function >= HM_CAL_COUNT || calls < 0) {
    hm_throw_arg(env, "no such calibration function, or a negative number of calls");
    return -1;
  }
  return timed_loop(functions[function], calls);
}

static jstring arch(JNIEnv *env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, "x86_64");
}

#else /* not x86-64: which instructions the kernel emulates differs; nothing is measured */

static jlongArray sites(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return NULL;
}

static jstring library(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return NULL;
}

static jlong loop(JNIEnv *env, jclass cls, jint function, jint calls) {
  (void)cls;
  (void)function;
  (void)calls;
  hm_throw_state(env, "uprobe calibration exists on x86-64 only");
  return -1;
}

static jstring arch(JNIEnv *env, jclass cls) {
  (void)cls;
#if defined(__aarch64__)
  return (*env)->NewStringUTF(env, "aarch64");
#else
  return (*env)->NewStringUTF(env, "unknown");
#endif
}
#endif

static const JNINativeMethod methods[] = {
    {"calibrationSites", "()[J", (void *)sites},
    {"calibrationLibrary", "()Ljava/lang/String;", (void *)library},
    {"calibrationLoop", "(II)J", (void *)loop},
    {"calibrationArch", "()Ljava/lang/String;", (void *)arch},
};

const struct hm_natives hm_calibrate_natives = {methods, HM_COUNT(methods)};
