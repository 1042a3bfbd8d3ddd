package io.hybridmesh.agent.probe.go;

/** Why the crypto/tls functions of a Go binary are not probed; each is a stable reason code in the report. */
public enum GoRefusal {
  /** Not x86-64: the register arguments are read the amd64 way only. */
  GO_ARCH_UNSUPPORTED,
  /** Before Go 1.17 arguments live on the goroutine's stack; those binaries are not read. */
  GO_STACK_ABI_UNSUPPORTED,
  /** No build info names the Go release, so neither the calling convention nor the struct layout is known. */
  GO_VERSION_UNKNOWN,
  /** The release the binary claims does not match what its function table (or DWARF) says it is. */
  GO_VERSION_INCONSISTENT,
  /** The function table is missing, truncated, or places the functions outside the code. */
  GO_FUNCTION_TABLE_INVALID,
  /** A function's body does not decode as x86-64 instructions that hold together. */
  GO_BODY_UNDECODABLE,
  /** Neither DWARF nor the project's table gives the struct offsets for this release. */
  GO_VERSION_UNKNOWN_OFFSETS
}
