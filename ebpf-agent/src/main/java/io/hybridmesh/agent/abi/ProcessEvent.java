package io.hybridmesh.agent.abi;

/**
 * {@code struct hm_process_event}: a process of a watched network namespace was forked, exec'd or ended.
 *
 * @param op {@link HmAbi#PROCESS_EXEC}, {@link HmAbi#PROCESS_FORK} or {@link HmAbi#PROCESS_EXIT}
 * @param parentPid for a fork, the process it was copied from; otherwise 0
 */
public record ProcessEvent(int op, int endpointId, long tsNs, int pid, int parentPid) {

  /** Decodes one record. */
  public static ProcessEvent decode(java.nio.ByteBuffer b, int at, int length) {
    if (length < HmAbi.ProcessEventLayout.SIZE) {
      throw new MalformedEventException("process event of " + length + " bytes, expected "
          + HmAbi.ProcessEventLayout.SIZE);
    }
    int op = b.get(at + HmAbi.ProcessEventLayout.OP) & 0xff;
    int pid = b.getInt(at + HmAbi.ProcessEventLayout.PID);
    if (op < HmAbi.PROCESS_EXEC || op > HmAbi.PROCESS_EXIT || pid <= 0) {
      throw new MalformedEventException("process event with op " + op + " and pid " + pid);
    }
    return new ProcessEvent(op, b.getInt(at + HmAbi.ProcessEventLayout.ENDPOINT_ID),
        b.getLong(at + HmAbi.ProcessEventLayout.TS_NS), pid, b.getInt(at + HmAbi.ProcessEventLayout.PARENT_PID));
  }
}
