package io.hybridmesh.agent.probe.site;

/**
 * Where the probe for one function goes and what a hit there costs.
 *
 * @param offset the file offset probed: the function's entry, or an internal function it merely wraps; -1
 *     when the function must not be probed at all (the kernel refuses its first instruction, or would
 *     mistake it for another and break the program)
 * @param instruction the instruction at that offset, as a person reads it ("push %r14"), or null when it
 *     could not be decoded
 * @param cost how the kernel handles a hit there, or null when that could not be told (undecodable code,
 *     an architecture the decoder does not know)
 * @param reason why this place, in a sentence for the report
 */
public record ProbeSite(long offset, String instruction, ProbeCost cost, String reason) {

  public boolean probeable() {
    return offset >= 0;
  }
}
