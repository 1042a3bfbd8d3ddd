package io.hybridmesh.agent.probe.binary;

/**
 * How a TLS stack reaches the program: through DT_NEEDED (transitively), only loaded at run time (seen in
 * the process maps, not in DT_NEEDED), or compiled into the executable itself.
 */
public enum Linkage { DYNAMIC, DLOPEN, STATIC, NONE }
