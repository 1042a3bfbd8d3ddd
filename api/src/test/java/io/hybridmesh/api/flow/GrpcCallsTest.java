package io.hybridmesh.api.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GrpcCallsTest {

  @Test
  void grpcContentTypes() {
    assertTrue(GrpcCalls.isGrpc("application/grpc"));
    assertTrue(GrpcCalls.isGrpc("application/grpc+proto"));
    assertTrue(GrpcCalls.isGrpc("Application/GRPC-web+json"));
    assertFalse(GrpcCalls.isGrpc("application/json"));
    assertFalse(GrpcCalls.isGrpc("application/grp"));
    assertFalse(GrpcCalls.isGrpc(null));
  }

  @Test
  void serviceAndMethodOnlyFromAWellShapedPath() {
    assertEquals("shop.v1.Catalog", GrpcCalls.service("/shop.v1.Catalog/GetItem"));
    assertEquals("GetItem", GrpcCalls.method("/shop.v1.Catalog/GetItem"));
    for (String bad : new String[] {"/", "//GetItem", "/shop.Catalog/", "/a/b/c", "/a/b?x=1", "a/b", "/ab", null}) {
      assertNull(GrpcCalls.service(bad), bad);
      assertNull(GrpcCalls.method(bad), bad);
    }
  }

  @Test
  void statusValues() {
    assertEquals(0, GrpcCalls.parseStatus("0"));
    assertEquals(14, GrpcCalls.parseStatus("14"));
    assertEquals(123456789, GrpcCalls.parseStatus("123456789"));
    assertEquals(-1, GrpcCalls.parseStatus("1234567890"), "too long to be a status");
    assertEquals(-1, GrpcCalls.parseStatus("-1"));
    assertEquals(-1, GrpcCalls.parseStatus(" 5"));
    assertEquals(-1, GrpcCalls.parseStatus(""));
    assertEquals(-1, GrpcCalls.parseStatus(null));
  }

  @Test
  void httpStatusMappingAsClientsApplyIt() {
    assertEquals("INTERNAL", GrpcStatus.name(GrpcCalls.fromHttpStatus(400)));
    assertEquals("UNAUTHENTICATED", GrpcStatus.name(GrpcCalls.fromHttpStatus(401)));
    assertEquals("PERMISSION_DENIED", GrpcStatus.name(GrpcCalls.fromHttpStatus(403)));
    assertEquals("UNIMPLEMENTED", GrpcStatus.name(GrpcCalls.fromHttpStatus(404)));
    for (int s : new int[] {429, 502, 503, 504}) {
      assertEquals("UNAVAILABLE", GrpcStatus.name(GrpcCalls.fromHttpStatus(s)));
    }
    assertEquals("UNKNOWN", GrpcStatus.name(GrpcCalls.fromHttpStatus(500)));
    assertEquals("UNAVAILABLE", GrpcStatus.name(GrpcCalls.fromResetCode(0x7)));
    assertEquals("CANCELLED", GrpcStatus.name(GrpcCalls.fromResetCode(0x8)));
    assertEquals("INTERNAL", GrpcStatus.name(GrpcCalls.fromResetCode(0x2)));
  }

  @Test
  void messagesArePercentDecodedAndBadEscapesKept() {
    assertEquals("no such item: 42", GrpcCalls.percentDecode("no such item: 42"));
    assertEquals("café 100%", GrpcCalls.percentDecode("caf%C3%A9 100%25"));
    assertEquals("50%zz and %4", GrpcCalls.percentDecode("50%zz and %4"));
    assertEquals("é", GrpcCalls.percentDecode("%c3%a9"));
    assertEquals("ü%", GrpcCalls.percentDecode("ü%"), "stray non-ASCII is kept, not mangled");
    assertNull(GrpcCalls.percentDecode(null));
  }
}
