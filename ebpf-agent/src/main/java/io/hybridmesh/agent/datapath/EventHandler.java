package io.hybridmesh.agent.datapath;

import java.nio.ByteBuffer;

/** Handles ring-buffer records of one kind (the {@code u16} at the start of every record). */
public interface EventHandler {

  /**
   * Handles the record at {@code at}, {@code length} bytes long. Called on the event thread only.
   *
   * @throws io.hybridmesh.agent.abi.MalformedEventException when the record cannot be decoded
   */
  void handle(ByteBuffer record, int at, int length);
}
