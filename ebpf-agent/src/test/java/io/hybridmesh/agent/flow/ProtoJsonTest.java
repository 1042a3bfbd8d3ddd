package io.hybridmesh.agent.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ProtoJson must write what JsonFormat writes, for every field of the schema. */
class ProtoJsonTest {

  @Test
  void everyFieldOfTheFlowSchemaAsJsonFormatWritesIt() throws Exception {
    // One message per oneof member, so that every member of every oneof is printed at least once.
    for (int variant = 0; variant < 6; variant++) {
      SplittableRandom random = new SplittableRandom(variant);
      Flow flow = (Flow) fill(Flow.newBuilder(), random, variant, 0).build();
      assertSameJson(flow);
    }
    assertSameJson(fill(LostEvent.newBuilder(), new SplittableRandom(9), 0, 0).build());
  }

  @Test
  void realFlowsAndEmptyOnes() throws Exception {
    ConnectionFlowAssembler assembler =
        new ConnectionFlowAssembler("n", "v", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
    assertSameJson(assembler.assemble(Events.clientTcp(HmAbi.CONN_CLOSED, HmAbi.TCP_FIN)));
    assertSameJson(Flow.getDefaultInstance());
    assertEquals("{}", ProtoJson.print(Flow.getDefaultInstance()));
  }

  @Test
  void escapesOnlyWhatJsonNeeds() {
    Flow f = Flow.newBuilder().setNodeName("k8s:app=web \"q\" \\ \n\u0001").build();
    assertEquals("{\"nodeName\":\"k8s:app=web \\\"q\\\" \\\\ \\n\\u0001\"}", ProtoJson.print(f));
  }

  private static void assertSameJson(Message m) throws Exception {
    String expected = JsonFormat.printer().print(m);
    String actual = ProtoJson.print(m);
    assertEquals(JsonParser.parseString(expected), JsonParser.parseString(actual), actual);
  }

  /** Sets every field to a non-default value; in each oneof, the member chosen by the variant. */
  private static Message.Builder fill(Message.Builder b, SplittableRandom r, int variant, int depth) {
    for (FieldDescriptor fd : b.getDescriptorForType().getFields()) {
      OneofDescriptor oneof = fd.getRealContainingOneof();
      if (oneof != null && oneof.getFields().indexOf(fd) != variant % oneof.getFieldCount()) {
        continue;
      }
      if (fd.isMapField()) {
        Message.Builder entry = b.newBuilderForField(fd);
        entry.setField(entry.getDescriptorForType().findFieldByNumber(1), "key-" + r.nextInt(100));
        entry.setField(entry.getDescriptorForType().findFieldByNumber(2), "välue \"" + r.nextInt());
        b.addRepeatedField(fd, entry.build());
      } else if (fd.isRepeated()) {
        for (int i = 0; i < 2; i++) {
          b.addRepeatedField(fd, value(b, fd, r, variant, depth));
        }
      } else {
        b.setField(fd, value(b, fd, r, variant, depth));
      }
    }
    return b;
  }

  private static Object value(Message.Builder b, FieldDescriptor fd, SplittableRandom r, int variant, int depth) {
    return switch (fd.getJavaType()) {
      case MESSAGE -> {
        if (fd.getMessageType().getFullName().equals("google.protobuf.Timestamp")) {
          yield com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000L + r.nextInt(1000))
              .setNanos(new int[] {0, 5_000_000, 123_000, 7}[r.nextInt(4)]).build();
        }
        yield fill(b.newBuilderForField(fd), r, variant, depth + 1).build();
      }
      case ENUM -> fd.getEnumType().getValues().get(1 + r.nextInt(fd.getEnumType().getValues().size() - 1));
      case STRING -> "s<" + r.nextInt() + ">&é\t";
      case BYTE_STRING -> ByteString.copyFromUtf8("b" + r.nextInt());
      case LONG -> r.nextBoolean() ? -1L - r.nextInt(1000) : Long.MAX_VALUE - r.nextInt(1000);
      case INT -> 1 + r.nextInt(1_000_000);
      case BOOLEAN -> true;
      case DOUBLE -> r.nextDouble() + 1;
      case FLOAT -> (float) r.nextDouble() + 1;
    };
  }
}
