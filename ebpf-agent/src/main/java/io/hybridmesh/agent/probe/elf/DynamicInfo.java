package io.hybridmesh.agent.probe.elf;

import java.util.List;

/** What the dynamic section says about loading: needed libraries, own soname, search paths. */
public record DynamicInfo(List<String> needed, String soname, String runpath, String rpath) {

  public static final DynamicInfo NONE = new DynamicInfo(List.of(), null, null, null);
}
