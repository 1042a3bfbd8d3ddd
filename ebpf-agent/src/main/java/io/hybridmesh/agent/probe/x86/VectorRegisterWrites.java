package io.hybridmesh.agent.probe.x86;

import static io.hybridmesh.agent.probe.x86.RegisterWrites.RCX;
import static io.hybridmesh.agent.probe.x86.RegisterWrites.UNKNOWN;
import static io.hybridmesh.agent.probe.x86.RegisterWrites.bit;
import static io.hybridmesh.agent.probe.x86.RegisterWrites.rmIfRegister;

/**
 * General-purpose register writes of VEX- and EVEX-encoded instructions. Almost all of them write only
 * vector or mask registers; the exceptions are listed here (mask and sign extractions, scalar
 * conversions to integers, element extractions, kmov to a GPR, BMI1/BMI2 and the string compares).
 * The FP16 maps 5 and 6 are reported as unknown rather than enumerated; XOP's TBM and LWP are covered.
 */
final class VectorRegisterWrites {

  private VectorRegisterWrites() {}

  static int of(Encoding e) {
    int op = e.opcode;
    int pp = e.vexPp;
    return switch (e.map) {
      case OpcodeTable.MAP_0F -> switch (op) {
        case 0x50, 0xc5, 0xd7 -> bit(e.regIndex()); // vmovmskps/pd, vpextrw, vpmovmskb
        case 0x2c, 0x2d -> pp >= 2 ? bit(e.regIndex()) : 0; // vcvt(t)ss2si / sd2si
        case 0x78, 0x79 -> e.form == Encoding.Form.EVEX && pp >= 2 ? bit(e.regIndex()) : 0; // vcvt..2usi
        case 0x7e -> pp == 1 ? rmIfRegister(e) : 0; // vmovd/vmovq xmm to r/m (F3 form is xmm to xmm)
        case 0x93 -> bit(e.regIndex()); // kmov mask to GPR
        default -> 0;
      };
      case OpcodeTable.MAP_0F38 -> switch (op) {
        case 0xf2, 0xf5, 0xf7 -> bit(e.regIndex()); // andn; bzhi/pdep/pext; bextr/shlx/sarx/shrx
        case 0xf3 -> bit(e.vexVvvv & 15); // blsr/blsmsk/blsi write the VEX.vvvv register
        case 0xf6 -> bit(e.regIndex()) | bit(e.vexVvvv & 15); // mulx: high and low halves
        case 0xf0, 0xf1, 0xf4, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff -> UNKNOWN;
        default -> op >= 0xe0 && op <= 0xef ? bit(e.regIndex()) : 0; // cmpccxadd returns the old value
      };
      case OpcodeTable.MAP_0F3A -> switch (op) {
        case 0x14, 0x15, 0x16, 0x17 -> rmIfRegister(e); // vpextrb/w/d/q, vextractps
        case 0x61, 0x63 -> RCX; // vpcmpestri/vpcmpistri
        case 0xf0 -> bit(e.regIndex()); // rorx
        default -> 0;
      };
      case OpcodeTable.MAP_XOP8 -> 0; // multiply-accumulate, rotates, compares: vector only
      case OpcodeTable.MAP_XOP9 -> switch (op) {
        case 0x01, 0x02 -> bit(e.vexVvvv & 15); // TBM (blcfill, blsic, ...) write the vvvv register
        case 0x12 -> UNKNOWN; // lightweight profiling
        default -> 0;
      };
      case OpcodeTable.MAP_XOPA -> op == 0x10 ? bit(e.regIndex()) : UNKNOWN; // TBM bextr; lwpins/lwpval
      default -> UNKNOWN;
    };
  }
}
