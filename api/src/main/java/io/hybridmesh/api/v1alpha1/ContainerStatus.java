package io.hybridmesh.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/** One container's TLS linkage, as the node agent's binary probe found it. */
public class ContainerStatus {

  private String name;
  private String image;
  private String binary;
  private String library;
  private String linkage;
  private List<UprobeTargetStatus> uprobeTargets = new ArrayList<>();
  private String goVersion;
  private String goFunctionsFrom;
  private String goStructOffsets;
  private Boolean goBoringCrypto;
  /** False until an agent has probed the container. */
  private Boolean probed;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  /** The main binary's path inside the container. */
  public String getBinary() {
    return binary;
  }

  public void setBinary(String binary) {
    this.binary = binary;
  }

  /** OPENSSL, BORINGSSL, GNUTLS, NSS, GO_CRYPTO_TLS, JSSE, RUSTLS, NONE or UNKNOWN. */
  public String getLibrary() {
    return library;
  }

  public void setLibrary(String library) {
    this.library = library;
  }

  /** DYNAMIC, DLOPEN, STATIC (as the probe reports it). */
  public String getLinkage() {
    return linkage;
  }

  public void setLinkage(String linkage) {
    this.linkage = linkage;
  }

  public List<UprobeTargetStatus> getUprobeTargets() {
    return uprobeTargets;
  }

  public void setUprobeTargets(List<UprobeTargetStatus> uprobeTargets) {
    this.uprobeTargets = uprobeTargets;
  }

  public String getGoVersion() {
    return goVersion;
  }

  public void setGoVersion(String goVersion) {
    this.goVersion = goVersion;
  }

  public Boolean getProbed() {
    return probed;
  }

  public void setProbed(Boolean probed) {
    this.probed = probed;
  }

  /** Go's crypto/tls: how Write and Read were found, SYMBOLS (.symtab) or PCLNTAB (.gopclntab, stripped). */
  public String getGoFunctionsFrom() {
    return goFunctionsFrom;
  }

  public void setGoFunctionsFrom(String goFunctionsFrom) {
    this.goFunctionsFrom = goFunctionsFrom;
  }

  /** Go's crypto/tls: where the offsets from a *tls.Conn to its socket came from ("DWARF", "table go1.22"). */
  public String getGoStructOffsets() {
    return goStructOffsets;
  }

  public void setGoStructOffsets(String goStructOffsets) {
    this.goStructOffsets = goStructOffsets;
  }

  /** Go built with GOEXPERIMENT=boringcrypto (TLS itself still runs in Go code). */
  public Boolean getGoBoringCrypto() {
    return goBoringCrypto;
  }

  public void setGoBoringCrypto(Boolean goBoringCrypto) {
    this.goBoringCrypto = goBoringCrypto;
  }
}
